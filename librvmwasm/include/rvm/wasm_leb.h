/* Bounds-checked reader for WebAssembly binary input: bytes, LEB128 integers and UTF-8 names (spec §13). */
#ifndef RVM_WASM_LEB_H
#define RVM_WASM_LEB_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

/* A cursor over [data + pos, data + end); every read fails rather than pass `end`. */
typedef struct rvm_wasm_reader {
    const uint8_t *data;
    size_t pos;
    size_t end;
} rvm_wasm_reader_t;

/* Starts a reader over `len` bytes at `data`. */
void rvm_wasm_reader_init(rvm_wasm_reader_t *r, const uint8_t *data, size_t len);

/* Reads one byte; RVM_ERR_MALFORMED_INPUT at the end of input. */
rvm_err_t rvm_wasm_read_u8(rvm_wasm_reader_t *r, uint8_t *out);

/*
 * LEB128 readers. Each rejects with RVM_ERR_MALFORMED_INPUT an encoding that is
 * truncated, longer than ceil(N/7) bytes, or whose final byte carries bits
 * beyond N (for signed readers: bits that are not the sign extension).
 */
rvm_err_t rvm_wasm_read_u32(rvm_wasm_reader_t *r, uint32_t *out);
/* Signed 32-bit LEB128 (see above). */
rvm_err_t rvm_wasm_read_s32(rvm_wasm_reader_t *r, int32_t *out);
/* Unsigned 64-bit LEB128 (see above). */
rvm_err_t rvm_wasm_read_u64(rvm_wasm_reader_t *r, uint64_t *out);
/* Signed 64-bit LEB128 (see above). */
rvm_err_t rvm_wasm_read_s64(rvm_wasm_reader_t *r, int64_t *out);

/* True when `len` bytes at `s` are well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
_Bool rvm_wasm_utf8_valid(const uint8_t *s, size_t len);

#endif
