#include <rvm/ct.h>
#include <rvm/endian.h>
#include <rvm/fold.h>
#include <rvm/sha256.h>

#include "sha256_impl.h"

const uint32_t rvm_sha256_iv[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

/* 16-byte aligned so that the SIMD implementations can load four constants at a time. */
const uint32_t rvm_sha256_k[64] __attribute__((aligned(16))) = {
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
static inline uint32_t bsig0(uint32_t x) { return ror(x, 2) ^ ror(x, 13) ^ ror(x, 22); }
static inline uint32_t bsig1(uint32_t x) { return ror(x, 6) ^ ror(x, 11) ^ ror(x, 25); }
static inline uint32_t ssig0(uint32_t x) { return ror(x, 7) ^ ror(x, 18) ^ (x >> 3); }
static inline uint32_t ssig1(uint32_t x) { return ror(x, 17) ^ ror(x, 19) ^ (x >> 10); }
/* One AND fewer than the FIPS form; the result is identical. */
static inline uint32_t ch(uint32_t e, uint32_t f, uint32_t g) { return g ^ (e & (f ^ g)); }

/*
 * Shaped for speed, since it is the path EL2 uses until the kernel opts into
 * the CE instructions (the target is libsodium's portable C, or better):
 *  - eight rounds per macro, with the working variables renamed from round to
 *    round instead of shifted, so a round is a handful of ALU operations;
 *  - sixteen rounds per loop iteration rather than all 64 unrolled: the smaller
 *    body stays in the decoded-instruction cache and was faster with clang;
 *  - the schedule kept as a ring of the last 16 words, indexed by constants;
 *  - Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), where b ^ c is the previous round's
 *    a ^ b, so `x` and `y` carry it between rounds and swap roles each round.
 */
#define W_LOAD(i) (w[i] = rvm_be32_load(p + (size_t)4 * (i)))
#define W_NEXT(i)                                                                                                  \
    (w[(i) & 15u] += ssig1(w[((i) - 2u) & 15u]) + w[((i) - 7u) & 15u] + ssig0(w[((i) - 15u) & 15u]))

#define ROUND(a, b, c, d, e, f, g, h, i, W, bc, ab)                                                                \
    t1 = (h) + bsig1(e) + ch(e, f, g) + kp[i] + W(i);                                                              \
    (d) += t1;                                                                                                     \
    (ab) = (a) ^ (b);                                                                                              \
    (h) = t1 + bsig0(a) + ((b) ^ ((ab) & (bc)))

#define ROUNDS8(i, W)                                                                                              \
    ROUND(a, b, c, d, e, f, g, h, (i) + 0u, W, x, y);                                                              \
    ROUND(h, a, b, c, d, e, f, g, (i) + 1u, W, y, x);                                                              \
    ROUND(g, h, a, b, c, d, e, f, (i) + 2u, W, x, y);                                                              \
    ROUND(f, g, h, a, b, c, d, e, (i) + 3u, W, y, x);                                                              \
    ROUND(e, f, g, h, a, b, c, d, (i) + 4u, W, x, y);                                                              \
    ROUND(d, e, f, g, h, a, b, c, (i) + 5u, W, y, x);                                                              \
    ROUND(c, d, e, f, g, h, a, b, (i) + 6u, W, x, y);                                                              \
    ROUND(b, c, d, e, f, g, h, a, (i) + 7u, W, y, x)

static void compress_portable(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[16];
    for (; nblocks > 0; nblocks--, p += RVM_SHA256_BLOCK_LEN) {
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        uint32_t t1, y, x = b ^ c;
        const uint32_t *kp = rvm_sha256_k;
        ROUNDS8(0u, W_LOAD);
        ROUNDS8(8u, W_LOAD);
        for (kp += 16; kp < rvm_sha256_k + 64; kp += 16) {
            ROUNDS8(0u, W_NEXT);
            ROUNDS8(8u, W_NEXT);
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
    /* For HMAC the schedule holds the key pads; word stores keep the wipe cheap for one-block calls. */
    volatile uint32_t *vw = w;
    for (unsigned i = 0; i < 16; i++) {
        vw[i] = 0;
    }
}

/* 0 until the first use or rvm_sha256_select picks an implementation, then the implementation + 1. */
static unsigned active_plus_one;

/*
 * A freestanding or -mgeneral-regs-only AArch64 build runs at EL2, where FP/SIMD
 * may still be trapped or may hold a guest's registers: the kernel opts in with
 * rvm_sha256_select once it has set that up. Everywhere else the best
 * instructions present are used from the start.
 */
static rvm_sha256_impl_t default_impl(void)
{
#if defined(RVM_SHA256_HAVE_X86_SHANI)
    if (rvm_sha256_x86_shani_probe()) {
        return RVM_SHA256_IMPL_X86_SHANI;
    }
#elif defined(RVM_SHA256_HAVE_ARMV8_CE) && __STDC_HOSTED__ && defined(__ARM_NEON)
    if (rvm_sha256_armv8_ce_probe()) {
        return RVM_SHA256_IMPL_ARMV8_CE;
    }
#endif
    return RVM_SHA256_IMPL_PORTABLE;
}

/* Out of line so that the dispatchers, which inline active_impl, need no stack frame for a one-time event. */
static __attribute__((noinline)) unsigned first_use(void)
{
    unsigned cur = 0;
    /* Compare-and-swap so that a racing first use cannot undo an explicit rvm_sha256_select. */
    unsigned chosen = (unsigned)default_impl() + 1u;
    if (__atomic_compare_exchange_n(&active_plus_one, &cur, chosen, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        cur = chosen;
    }
    return cur;
}

static rvm_sha256_impl_t active_impl(void)
{
    unsigned cur = __atomic_load_n(&active_plus_one, __ATOMIC_ACQUIRE);
    if (cur == 0) {
        cur = first_use();
    }
    return (rvm_sha256_impl_t)(cur - 1u);
}

void rvm_sha256_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    switch (active_impl()) {
#if defined(RVM_SHA256_HAVE_X86_SHANI)
    case RVM_SHA256_IMPL_X86_SHANI:
        rvm_sha256_x86_shani_compress(state, blocks, nblocks);
        return;
#endif
#if defined(RVM_SHA256_HAVE_ARMV8_CE)
    case RVM_SHA256_IMPL_ARMV8_CE:
        rvm_sha256_armv8_ce_compress(state, blocks, nblocks);
        return;
#endif
    default:
        compress_portable(state, blocks, nblocks);
        return;
    }
}

bool rvm_sha256_impl_available(rvm_sha256_impl_t impl)
{
    switch (impl) {
    case RVM_SHA256_IMPL_PORTABLE:
        return true;
    case RVM_SHA256_IMPL_X86_SHANI:
#if defined(RVM_SHA256_HAVE_X86_SHANI)
        return rvm_sha256_x86_shani_probe();
#else
        return false;
#endif
    case RVM_SHA256_IMPL_ARMV8_CE:
#if defined(RVM_SHA256_HAVE_ARMV8_CE)
        return rvm_sha256_armv8_ce_probe();
#else
        return false;
#endif
    }
    return false;
}

rvm_err_t rvm_sha256_select(rvm_sha256_impl_t impl)
{
    if (!rvm_sha256_impl_available(impl)) {
        return RVM_ERR_UNSUPPORTED;
    }
    __atomic_store_n(&active_plus_one, (unsigned)impl + 1u, __ATOMIC_RELEASE);
    return RVM_OK;
}

rvm_sha256_impl_t rvm_sha256_active_impl(void)
{
    return active_impl();
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
    /* Callers may pass (NULL, 0); a zero-length copy from NULL is still undefined. */
    if (len == 0) {
        return;
    }
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

/* The digest's xorfold64 straight from the state: its big-endian words read back as little-endian u64s. */
static uint64_t state_xorfold64(const uint32_t st[8])
{
    uint32_t lo = st[0] ^ st[2] ^ st[4] ^ st[6];
    uint32_t hi = st[1] ^ st[3] ^ st[5] ^ st[7];
    return (uint64_t)__builtin_bswap32(lo) | ((uint64_t)__builtin_bswap32(hi) << 32);
}

/*
 * For the compressors that read their block from memory; SHA-NI builds it in
 * registers instead. This and chain_long stay out of line so that the
 * dispatcher needs no stack frame on its way to SHA-NI.
 */
static __attribute__((noinline)) uint64_t chain_short_in_memory(rvm_sha256_impl_t impl, uint64_t prev,
                                                                const uint8_t *msg, size_t len)
{
    uint8_t blk[RVM_SHA256_BLOCK_LEN];
    uint32_t st[8];
    rvm_le64_store(blk, prev);
    if (len > 0) {
        __builtin_memcpy(blk + 8, msg, len);
    }
    blk[8 + len] = 0x80;
    __builtin_memset(blk + 9 + len, 0, RVM_SHA256_BLOCK_LEN - 8 - 9 - len);
    rvm_be64_store(blk + RVM_SHA256_BLOCK_LEN - 8, (uint64_t)(8 + len) * 8u);
    for (unsigned i = 0; i < 8; i++) {
        st[i] = rvm_sha256_iv[i];
    }
#if defined(RVM_SHA256_HAVE_ARMV8_CE)
    if (impl == RVM_SHA256_IMPL_ARMV8_CE) {
        rvm_sha256_armv8_ce_compress(st, blk, 1);
        return state_xorfold64(st);
    }
#endif
    (void)impl;
    compress_portable(st, blk, 1);
    return state_xorfold64(st);
}

static __attribute__((noinline)) uint64_t chain_long(uint64_t prev, const uint8_t *msg, size_t len)
{
    uint8_t head[8];
    uint8_t d[RVM_SHA256_DIGEST_LEN];
    rvm_sha256_ctx_t ctx;
    rvm_le64_store(head, prev);
    rvm_sha256_init(&ctx);
    rvm_sha256_update(&ctx, head, sizeof head);
    rvm_sha256_update(&ctx, msg, len);
    rvm_sha256_final(&ctx, d);
    return rvm_xorfold64(d);
}

uint64_t rvm_sha256_chain_xorfold64(uint64_t prev, const void *msg, size_t len)
{
    const uint8_t *m = msg;
    if (len > RVM_SHA256_CHAIN_SHORT_MAX) {
        return chain_long(prev, m, len);
    }
    rvm_sha256_impl_t impl = active_impl();
#if defined(RVM_SHA256_HAVE_X86_SHANI)
    if (impl == RVM_SHA256_IMPL_X86_SHANI) {
        return rvm_sha256_x86_shani_chain_xorfold64(prev, m, len);
    }
#endif
    return chain_short_in_memory(impl, prev, m, len);
}
