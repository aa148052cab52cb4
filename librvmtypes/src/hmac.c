#include <rvm/ct.h>
#include <rvm/endian.h>
#include <rvm/hmac.h>

void rvm_hmac_sha256_key_init(rvm_hmac_sha256_key_t *k, const uint8_t *key, size_t key_len)
{
    uint8_t block[RVM_SHA256_BLOCK_LEN] = { 0 };
    if (key_len > RVM_SHA256_BLOCK_LEN) {
        rvm_sha256(key, key_len, block);
    } else if (key_len > 0) {
        __builtin_memcpy(block, key, key_len);
    }
    uint8_t pad[RVM_SHA256_BLOCK_LEN];
    for (unsigned i = 0; i < RVM_SHA256_BLOCK_LEN; i++) {
        pad[i] = block[i] ^ 0x36u;
    }
    for (unsigned i = 0; i < 8; i++) {
        k->inner[i] = rvm_sha256_iv[i];
        k->outer[i] = rvm_sha256_iv[i];
    }
    rvm_sha256_compress(k->inner, pad, 1);
    for (unsigned i = 0; i < RVM_SHA256_BLOCK_LEN; i++) {
        pad[i] = block[i] ^ 0x5cu;
    }
    rvm_sha256_compress(k->outer, pad, 1);
    rvm_secure_zero(block, sizeof block);
    rvm_secure_zero(pad, sizeof pad);
}

void rvm_hmac_sha256_init(rvm_hmac_sha256_ctx_t *ctx, const rvm_hmac_sha256_key_t *k)
{
    for (unsigned i = 0; i < 8; i++) {
        ctx->inner.state[i] = k->inner[i];
        ctx->outer[i] = k->outer[i];
    }
    /* The pad block has already been absorbed into the precomputed state. */
    ctx->inner.total_len = RVM_SHA256_BLOCK_LEN;
    ctx->inner.buf_len = 0;
}

void rvm_hmac_sha256_update(rvm_hmac_sha256_ctx_t *ctx, const void *data, size_t len)
{
    rvm_sha256_update(&ctx->inner, data, len);
}

void rvm_hmac_sha256_final(rvm_hmac_sha256_ctx_t *ctx, uint8_t out[RVM_HMAC_SHA256_LEN])
{
    uint8_t inner_digest[RVM_SHA256_DIGEST_LEN];
    rvm_sha256_final(&ctx->inner, inner_digest);
    rvm_sha256_ctx_t outer;
    for (unsigned i = 0; i < 8; i++) {
        outer.state[i] = ctx->outer[i];
    }
    outer.total_len = RVM_SHA256_BLOCK_LEN;
    outer.buf_len = 0;
    rvm_sha256_update(&outer, inner_digest, sizeof inner_digest);
    rvm_sha256_final(&outer, out);
    rvm_secure_zero(inner_digest, sizeof inner_digest);
    rvm_secure_zero(ctx, sizeof *ctx);
}

void rvm_hmac_sha256_keyed(const rvm_hmac_sha256_key_t *k, const void *msg, size_t len,
                           uint8_t out[RVM_HMAC_SHA256_LEN])
{
    rvm_hmac_sha256_ctx_t ctx;
    rvm_hmac_sha256_init(&ctx, k);
    rvm_hmac_sha256_update(&ctx, msg, len);
    rvm_hmac_sha256_final(&ctx, out);
}

void rvm_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg, size_t len,
                     uint8_t out[RVM_HMAC_SHA256_LEN])
{
    rvm_hmac_sha256_key_t k;
    rvm_hmac_sha256_key_init(&k, key, key_len);
    rvm_hmac_sha256_keyed(&k, msg, len, out);
    rvm_secure_zero(&k, sizeof k);
}
