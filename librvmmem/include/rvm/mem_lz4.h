/* The LZ4 block format, dormant compression algorithm 1 (spec §10.7, DECISIONS 9). */
#ifndef RVM_MEM_LZ4_H
#define RVM_MEM_LZ4_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

/* Largest input either direction accepts (the LZ4 reference's limit). */
#define RVM_LZ4_MAX_INPUT 0x7E000000u
#define RVM_LZ4_HASH_LOG 12u

/* Compressor scratch: a hash table of recent positions (16 KiB), provided by the caller. */
typedef struct rvm_lz4_state {
    uint32_t table[1u << RVM_LZ4_HASH_LOG];
} rvm_lz4_state_t;

/* Worst-case size of the compressed block for `n` input bytes (n + n/255 + 16). */
size_t rvm_lz4_compress_bound(size_t n);

/*
 * Compresses `n` bytes into one LZ4 block that any conforming decoder (liblz4's
 * LZ4_decompress_safe included) reads back. BUFFER_TOO_SMALL when `cap` cannot
 * hold the block (a capacity of rvm_lz4_compress_bound(n) always suffices);
 * RESOURCE_LIMIT_EXCEEDED for n above RVM_LZ4_MAX_INPUT. Deterministic.
 */
rvm_err_t rvm_lz4_compress(rvm_lz4_state_t *st, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                           size_t *out_len);

/*
 * Decompresses one hostile LZ4 block into `out` (capacity `cap`, which must not
 * overlap `in`); writes the decoded length to `out_len`. MALFORMED_INPUT for any
 * block that is truncated, references data before the output start, does not end
 * with a literal run, or would write past `cap`. Never reads outside `in` nor
 * writes outside `out[0..cap)`; bytes of `out` past the decoded length may be
 * overwritten with scratch data (copies run in 16-byte steps).
 */
rvm_err_t rvm_lz4_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len);

#endif
