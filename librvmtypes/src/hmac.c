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
    /*
     * The outer hash is always one block: the inner digest, then its padding for
     * a 96-byte message (the pad block is already in ctx->outer). Building it
     * here saves a context and its copy and wipe on every tag.
     */
    uint8_t block[RVM_SHA256_BLOCK_LEN] = { 0 };
    rvm_sha256_final(&ctx->inner, block);
    block[RVM_SHA256_DIGEST_LEN] = 0x80;
    rvm_be64_store(block + RVM_SHA256_BLOCK_LEN - 8, (uint64_t)(RVM_SHA256_BLOCK_LEN + RVM_SHA256_DIGEST_LEN) * 8u);
    uint32_t state[8];
    for (unsigned i = 0; i < 8; i++) {
        state[i] = ctx->outer[i];
    }
    rvm_sha256_compress(state, block, 1);
    for (unsigned i = 0; i < 8; i++) {
        rvm_be32_store(out + (size_t)4 * i, state[i]);
    }
    rvm_secure_zero(block, sizeof block);
    /* rvm_sha256_final has already wiped ctx->inner. */
    rvm_secure_zero(ctx->outer, sizeof ctx->outer);
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
