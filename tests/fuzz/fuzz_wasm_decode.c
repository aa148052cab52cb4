/*
 * libFuzzer target: a WebAssembly module handed in by a partition is hostile
 * input. Decoding and validating any byte string must return OK or a clear
 * error without reading out of bounds, and a refused decode must never be
 * followed by validation. The arena size varies with the first byte so that
 * exhaustion is reached at every point of the decoder.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/wasm_module.h>
#include <rvm/wasm_validate.h>

#define ARENA_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rvm_wasm_validator_t work;
    static uint8_t arena_mem[ARENA_MAX];
    if (size < 1) {
        return 0;
    }
    const size_t cap = data[0] == 0 ? ARENA_MAX : (size_t)data[0] * 16u;
    data++;
    size--;
    /* An exact-size heap copy so that AddressSanitizer sees any overrun. */
    uint8_t *in = malloc(size == 0 ? 1 : size);
    if (in == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(in, data, size);
    }
    rvm_wasm_arena_t arena;
    rvm_wasm_module_t m;
    rvm_wasm_diag_t diag;
    rvm_wasm_arena_init(&arena, arena_mem, cap);
    const rvm_err_t e = rvm_wasm_decode(in, size, &arena, &m, &diag);
    if (e == RVM_OK) {
        const rvm_err_t v = rvm_wasm_validate(&m, &work, &diag);
        if (v != RVM_OK && v != RVM_ERR_PROOF_INVALID && v != RVM_ERR_RESOURCE_LIMIT_EXCEEDED) {
            abort();
        }
    } else if (e != RVM_ERR_MALFORMED_INPUT && e != RVM_ERR_UNSUPPORTED && e != RVM_ERR_RESOURCE_LIMIT_EXCEEDED) {
        abort();
    } else if (diag.reason == NULL) {
        abort();
    }
    free(in);
    return 0;
}
