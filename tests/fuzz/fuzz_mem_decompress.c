/*
 * libFuzzer target: dormant and cold data read back is hostile input. Both
 * decompressors must accept or refuse any byte string without reading or
 * writing out of bounds, and whatever LZ4 accepts must survive a round trip
 * through our compressor. The first two bytes choose the output capacity.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/mem_lz4.h>
#include <rvm/mem_rle.h>

#define OUT_MAX 65536u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rvm_lz4_state_t st;
    if (size < 2) {
        return 0;
    }
    size_t cap = ((size_t)data[0] | ((size_t)data[1] << 8)) % (OUT_MAX + 1);
    data += 2;
    size -= 2;
    /* Exact-size heap buffers so that AddressSanitizer sees any overrun. */
    uint8_t *in = malloc(size == 0 ? 1 : size);
    uint8_t *out = malloc(cap == 0 ? 1 : cap);
    if (in == NULL || out == NULL) {
        abort();
    }
    memcpy(in, data, size);
    size_t n = 0;
    rvm_err_t e = rvm_rle_decompress(in, size, out, cap, &n);
    if (e == RVM_OK && n > cap) {
        abort();
    }
    e = rvm_lz4_decompress(in, size, out, cap, &n);
    if (e == RVM_OK) {
        if (n > cap) {
            abort();
        }
        size_t bound = rvm_lz4_compress_bound(n);
        uint8_t *c = malloc(bound);
        uint8_t *back = malloc(n == 0 ? 1 : n);
        size_t clen = 0;
        size_t m = 0;
        if (c == NULL || back == NULL || rvm_lz4_compress(&st, out, n, c, bound, &clen) != RVM_OK ||
            rvm_lz4_decompress(c, clen, back, n, &m) != RVM_OK || m != n || memcmp(back, out, n) != 0) {
            abort();
        }
        free(c);
        free(back);
    }
    free(in);
    free(out);
    return 0;
}
