/*
 * libFuzzer target: a witness export read back is hostile input. Both import
 * forms must reject or accept any byte string without reading or writing out
 * of bounds, and whatever they accept must go through verification.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <rvm/witness_export.h>
#include <rvm/witness_verify.h>

#define CAP 256u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void verify_accepted(const rvm_witness_segment_t *seg, const rvm_witness_record_t *recs, size_t n)
{
    if (n > CAP) {
        abort();
    }
    rvm_witness_verify_result_t r;
    (void)rvm_witness_verify_segment(seg, recs, n, NULL, &r);
    if (r.verified > n) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rvm_witness_record_t recs[CAP];
    rvm_witness_segment_t seg;
    if (rvm_witness_import_binary(data, size, &seg, recs, CAP) == RVM_OK) {
        verify_accepted(&seg, recs, (size_t)seg.count);
    }
    size_t n = 0;
    size_t bad_line = 0;
    if (rvm_witness_import_lines((const char *)data, size, &seg, recs, CAP, &n, &bad_line) == RVM_OK) {
        verify_accepted(&seg, recs, n);
    }
    return 0;
}
