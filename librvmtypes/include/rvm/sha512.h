/* SHA-512 (FIPS 180-4), freestanding and portable; Ed25519 (RFC 8032) hashes with it. */
#ifndef RVM_SHA512_H
#define RVM_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define RVM_SHA512_DIGEST_LEN 64u
#define RVM_SHA512_BLOCK_LEN 128u

typedef struct rvm_sha512_ctx {
    uint64_t state[8];
    uint64_t total_len; /* bytes absorbed so far; FIPS 180-4 allows 2^128 bits, 2^64 bytes is ample here */
    uint8_t buf[RVM_SHA512_BLOCK_LEN];
    uint32_t buf_len;
} rvm_sha512_ctx_t;

/* Starts a digest from the FIPS 180-4 initial hash value. */
void rvm_sha512_init(rvm_sha512_ctx_t *ctx);
/* Absorbs `len` bytes (`data` may be NULL when `len` is 0). */
void rvm_sha512_update(rvm_sha512_ctx_t *ctx, const void *data, size_t len);
/* Pads, writes the digest and wipes the context. */
void rvm_sha512_final(rvm_sha512_ctx_t *ctx, uint8_t out[RVM_SHA512_DIGEST_LEN]);
/* One-shot digest of `len` bytes. */
void rvm_sha512(const void *data, size_t len, uint8_t out[RVM_SHA512_DIGEST_LEN]);

#endif
