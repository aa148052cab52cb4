#include <rvm/ct.h>
#include <rvm/endian.h>
#include <rvm/sha512.h>

/* FIPS 180-4 §5.3.5: the first 64 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint64_t sha512_iv[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

/* FIPS 180-4 §4.2.3: the first 64 bits of the fractional parts of the cube roots of the first 80 primes. */
static const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static inline uint64_t ror64(uint64_t x, unsigned n) { return (x >> n) | (x << (64u - n)); }

static inline uint64_t be64_load(const uint8_t *p)
{
    return ((uint64_t)rvm_be32_load(p) << 32) | (uint64_t)rvm_be32_load(p + 4);
}

/*
 * Plain FIPS 180-4 §6.4.2 rounds with the schedule kept as a ring of 16
 * words; SHA-512 is only on the Ed25519 path, where the point arithmetic
 * dominates, so clarity wins over unrolling here.
 */
static void sha512_compress(uint64_t state[8], const uint8_t *p, size_t nblocks)
{
    uint64_t w[16];
    for (; nblocks > 0; nblocks--, p += RVM_SHA512_BLOCK_LEN) {
        uint64_t v[8];
        for (unsigned i = 0; i < 8u; i++) {
            v[i] = state[i];
        }
        for (unsigned t = 0; t < 80u; t++) {
            uint64_t wt;
            if (t < 16u) {
                wt = be64_load(p + (size_t)8 * t);
            } else {
                uint64_t w15 = w[(t - 15u) & 15u];
                uint64_t w2 = w[(t - 2u) & 15u];
                uint64_t s0 = ror64(w15, 1) ^ ror64(w15, 8) ^ (w15 >> 7);
                uint64_t s1 = ror64(w2, 19) ^ ror64(w2, 61) ^ (w2 >> 6);
                wt = w[t & 15u] + s0 + w[(t - 7u) & 15u] + s1;
            }
            w[t & 15u] = wt;
            uint64_t e = v[4];
            uint64_t a = v[0];
            uint64_t t1 = v[7] + (ror64(e, 14) ^ ror64(e, 18) ^ ror64(e, 41)) + (v[6] ^ (e & (v[5] ^ v[6]))) +
                          sha512_k[t] + wt;
            uint64_t t2 = (ror64(a, 28) ^ ror64(a, 34) ^ ror64(a, 39)) + ((a & v[1]) | (v[2] & (a | v[1])));
            v[7] = v[6];
            v[6] = v[5];
            v[5] = v[4];
            v[4] = v[3] + t1;
            v[3] = v[2];
            v[2] = v[1];
            v[1] = v[0];
            v[0] = t1 + t2;
        }
        for (unsigned i = 0; i < 8u; i++) {
            state[i] += v[i];
        }
    }
    rvm_secure_zero(w, sizeof w);
}

void rvm_sha512_init(rvm_sha512_ctx_t *ctx)
{
    for (unsigned i = 0; i < 8u; i++) {
        ctx->state[i] = sha512_iv[i];
    }
    ctx->total_len = 0;
    ctx->buf_len = 0;
}

void rvm_sha512_update(rvm_sha512_ctx_t *ctx, const void *data, size_t len)
{
    if (len == 0u) {
        return; /* `data` may then be NULL, which memcpy must never see */
    }
    const uint8_t *p = data;
    ctx->total_len += (uint64_t)len;
    if (ctx->buf_len > 0u) {
        size_t take = RVM_SHA512_BLOCK_LEN - ctx->buf_len;
        if (take > len) {
            take = len;
        }
        __builtin_memcpy(ctx->buf + ctx->buf_len, p, take);
        ctx->buf_len += (uint32_t)take;
        p += take;
        len -= take;
        if (ctx->buf_len < RVM_SHA512_BLOCK_LEN) {
            return;
        }
        sha512_compress(ctx->state, ctx->buf, 1);
        ctx->buf_len = 0;
    }
    size_t whole = len / RVM_SHA512_BLOCK_LEN;
    if (whole > 0u) {
        sha512_compress(ctx->state, p, whole);
        p += whole * RVM_SHA512_BLOCK_LEN;
        len -= whole * RVM_SHA512_BLOCK_LEN;
    }
    if (len > 0u) {
        __builtin_memcpy(ctx->buf, p, len);
        ctx->buf_len = (uint32_t)len;
    }
}

void rvm_sha512_final(rvm_sha512_ctx_t *ctx, uint8_t out[RVM_SHA512_DIGEST_LEN])
{
    uint64_t bits = ctx->total_len << 3;
    uint32_t n = ctx->buf_len;
    ctx->buf[n++] = 0x80u;
    /* The 128-bit length field needs 16 bytes; spill into a second block if they do not fit. */
    if (n > RVM_SHA512_BLOCK_LEN - 16u) {
        __builtin_memset(ctx->buf + n, 0, RVM_SHA512_BLOCK_LEN - n);
        sha512_compress(ctx->state, ctx->buf, 1);
        n = 0;
    }
    __builtin_memset(ctx->buf + n, 0, RVM_SHA512_BLOCK_LEN - 8u - n);
    /* The high 64 bits of the length are the bytes' top 3 bits, zero below 2^61 bytes. */
    ctx->buf[RVM_SHA512_BLOCK_LEN - 9u] = (uint8_t)(ctx->total_len >> 61);
    rvm_be64_store(ctx->buf + RVM_SHA512_BLOCK_LEN - 8u, bits);
    sha512_compress(ctx->state, ctx->buf, 1);
    for (unsigned i = 0; i < 8u; i++) {
        rvm_be64_store(out + (size_t)8 * i, ctx->state[i]);
    }
    rvm_secure_zero(ctx, sizeof *ctx);
}

void rvm_sha512(const void *data, size_t len, uint8_t out[RVM_SHA512_DIGEST_LEN])
{
    rvm_sha512_ctx_t ctx;
    rvm_sha512_init(&ctx);
    rvm_sha512_update(&ctx, data, len);
    rvm_sha512_final(&ctx, out);
}
