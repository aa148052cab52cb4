/* Zero-run / literal RLE, dormant compression algorithm 0 (spec §10.7). */
#ifndef RVM_MEM_RLE_H
#define RVM_MEM_RLE_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

/*
 * Format: u32 LE uncompressed length, then blocks: 0x00 + u16 LE n (n zero
 * bytes) or 0x01 + u16 LE n + n bytes (a literal run of non-zero bytes),
 * 1 <= n <= 65535.
 */
#define RVM_RLE_HEADER_LEN 4u
#define RVM_RLE_MAX_RUN 65535u
/* Largest input: the length header is 32 bits. */
#define RVM_RLE_MAX_INPUT 0xFFFFFFFFu

/* Worst-case compressed size of `n` bytes (alternating single zero and non-zero bytes). */
size_t rvm_rle_compress_bound(size_t n);

/*
 * Compresses `n` bytes into `out` (capacity `cap`), writing the length to `out_len`.
 * RESOURCE_LIMIT_EXCEEDED when `out` cannot hold the result (or n is above RVM_RLE_MAX_INPUT).
 */
rvm_err_t rvm_rle_compress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len);

/*
 * Decompresses hostile input. CHECKPOINT_CORRUPTED for input shorter than the header,
 * a truncated block, a literal past the input, a block past the declared length, an
 * unknown tag or a length mismatch; RESOURCE_LIMIT_EXCEEDED when `cap` is below the
 * declared length; INVALID_ARGUMENT for NULL buffers. Never reads or writes outside the two buffers.
 */
rvm_err_t rvm_rle_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len);

#endif
