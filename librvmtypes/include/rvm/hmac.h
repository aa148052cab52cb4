/* HMAC-SHA256 (RFC 2104), with a precomputed-key form for hot signers. */
#ifndef RVM_HMAC_H
#define RVM_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/sha256.h>

#define RVM_HMAC_SHA256_LEN RVM_SHA256_DIGEST_LEN

/* A key with its inner and outer pad blocks already compressed. */
typedef struct rvm_hmac_sha256_key {
    uint32_t inner[8];
    uint32_t outer[8];
} rvm_hmac_sha256_key_t;

typedef struct rvm_hmac_sha256_ctx {
    rvm_sha256_ctx_t inner;
    uint32_t outer[8];
} rvm_hmac_sha256_ctx_t;

/* Prepares a key of any length (longer than a block is hashed first, per RFC 2104). */
void rvm_hmac_sha256_key_init(rvm_hmac_sha256_key_t *k, const uint8_t *key, size_t key_len);
void rvm_hmac_sha256_init(rvm_hmac_sha256_ctx_t *ctx, const rvm_hmac_sha256_key_t *k);
void rvm_hmac_sha256_update(rvm_hmac_sha256_ctx_t *ctx, const void *data, size_t len);
/* Writes the 32-byte tag and wipes the context. */
void rvm_hmac_sha256_final(rvm_hmac_sha256_ctx_t *ctx, uint8_t out[RVM_HMAC_SHA256_LEN]);
/* One-shot MAC of `len` bytes under a prepared key. */
void rvm_hmac_sha256_keyed(const rvm_hmac_sha256_key_t *k, const void *msg, size_t len, uint8_t out[RVM_HMAC_SHA256_LEN]);
/* One-shot MAC from a raw key. */
void rvm_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg, size_t len, uint8_t out[RVM_HMAC_SHA256_LEN]);

#endif
