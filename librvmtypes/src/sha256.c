#include <rvm/ct.h>
#include <rvm/endian.h>
#include <rvm/sha256.h>

const uint32_t rvm_sha256_iv[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static inline uint32_t ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

static void compress_portable(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    for (size_t b = 0; b < nblocks; b++) {
        const uint8_t *p = blocks + b * RVM_SHA256_BLOCK_LEN;
        uint32_t w[64];
        for (unsigned i = 0; i < 16; i++) {
            w[i] = rvm_be32_load(p + (size_t)4 * i);
        }
        for (unsigned i = 16; i < 64; i++) {
            uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = state[0], bb = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (unsigned i = 0; i < 64; i++) {
            uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = bb;
            bb = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += bb;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

void rvm_sha256_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    compress_portable(state, blocks, nblocks);
}

bool rvm_sha256_impl_available(rvm_sha256_impl_t impl)
{
    return impl == RVM_SHA256_IMPL_PORTABLE;
}

rvm_err_t rvm_sha256_select(rvm_sha256_impl_t impl)
{
    return rvm_sha256_impl_available(impl) ? RVM_OK : RVM_ERR_UNSUPPORTED;
}

rvm_sha256_impl_t rvm_sha256_active_impl(void)
{
    return RVM_SHA256_IMPL_PORTABLE;
}

const char *rvm_sha256_impl_name(rvm_sha256_impl_t impl)
{
    switch (impl) {
    case RVM_SHA256_IMPL_PORTABLE:
        return "portable";
    case RVM_SHA256_IMPL_X86_SHANI:
        return "x86-shani";
    case RVM_SHA256_IMPL_ARMV8_CE:
        return "armv8-ce";
    }
    return "unknown";
}

void rvm_sha256_init(rvm_sha256_ctx_t *ctx)
{
    for (unsigned i = 0; i < 8; i++) {
        ctx->state[i] = rvm_sha256_iv[i];
    }
    ctx->total_len = 0;
    ctx->buf_len = 0;
}

void rvm_sha256_update(rvm_sha256_ctx_t *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    ctx->total_len += len;
    if (ctx->buf_len > 0) {
        size_t take = RVM_SHA256_BLOCK_LEN - ctx->buf_len;
        if (take > len) {
            take = len;
        }
        __builtin_memcpy(ctx->buf + ctx->buf_len, p, take);
        ctx->buf_len += (uint32_t)take;
        p += take;
        len -= take;
        if (ctx->buf_len < RVM_SHA256_BLOCK_LEN) {
            return;
        }
        rvm_sha256_compress(ctx->state, ctx->buf, 1);
        ctx->buf_len = 0;
    }
    size_t whole = len / RVM_SHA256_BLOCK_LEN;
    if (whole > 0) {
        rvm_sha256_compress(ctx->state, p, whole);
        p += whole * RVM_SHA256_BLOCK_LEN;
        len -= whole * RVM_SHA256_BLOCK_LEN;
    }
    if (len > 0) {
        __builtin_memcpy(ctx->buf, p, len);
        ctx->buf_len = (uint32_t)len;
    }
}

void rvm_sha256_final(rvm_sha256_ctx_t *ctx, uint8_t out[RVM_SHA256_DIGEST_LEN])
{
    uint64_t bits = ctx->total_len * 8u;
    uint32_t n = ctx->buf_len;
    ctx->buf[n++] = 0x80;
    if (n > RVM_SHA256_BLOCK_LEN - 8) {
        __builtin_memset(ctx->buf + n, 0, RVM_SHA256_BLOCK_LEN - n);
        rvm_sha256_compress(ctx->state, ctx->buf, 1);
        n = 0;
    }
    __builtin_memset(ctx->buf + n, 0, RVM_SHA256_BLOCK_LEN - 8 - n);
    rvm_be64_store(ctx->buf + RVM_SHA256_BLOCK_LEN - 8, bits);
    rvm_sha256_compress(ctx->state, ctx->buf, 1);
    for (unsigned i = 0; i < 8; i++) {
        rvm_be32_store(out + (size_t)4 * i, ctx->state[i]);
    }
    rvm_secure_zero(ctx, sizeof *ctx);
}

void rvm_sha256(const void *data, size_t len, uint8_t out[RVM_SHA256_DIGEST_LEN])
{
    rvm_sha256_ctx_t ctx;
    rvm_sha256_init(&ctx);
    rvm_sha256_update(&ctx, data, len);
    rvm_sha256_final(&ctx, out);
}
