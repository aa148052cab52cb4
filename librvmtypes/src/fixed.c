#include <rvm/fixed.h>

typedef struct u128 {
    uint64_t hi;
    uint64_t lo;
} u128_t;

/* 64x64 -> 128 from 32-bit halves: a native __int128 divide would pull
 * __udivti3 from a runtime library the freestanding build does not have. */
static u128_t mul64(uint64_t a, uint64_t b)
{
    uint64_t a_lo = (uint32_t)a;
    uint64_t a_hi = a >> 32;
    uint64_t b_lo = (uint32_t)b;
    uint64_t b_hi = b >> 32;
    uint64_t ll = a_lo * b_lo;
    uint64_t lh = a_lo * b_hi;
    uint64_t hl = a_hi * b_lo;
    uint64_t hh = a_hi * b_hi;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    return (u128_t){ hh + (lh >> 32) + (hl >> 32) + (mid >> 32), (mid << 32) | (uint32_t)ll };
}

static bool le128(u128_t a, u128_t b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo);
}

uint32_t rvm_bp_ratio(uint64_t num, uint64_t den, uint32_t if_zero)
{
    if (den == 0) {
        return if_zero;
    }
    if (num >= den) {
        return RVM_BP_ONE;
    }
    /* The quotient is below 10000 < 2^14: fourteen compare steps find it exactly. */
    u128_t target = mul64(num, RVM_BP_ONE);
    uint32_t q = 0;
    for (int bit = 13; bit >= 0; bit--) {
        uint32_t cand = q | (1u << bit);
        if (le128(mul64(den, cand), target)) {
            q = cand;
        }
    }
    return q;
}

void rvm_ema_init(rvm_ema_t *ema, uint16_t alpha_bp)
{
    ema->current = 0;
    ema->alpha_bp = alpha_bp > RVM_BP_ONE ? (uint16_t)RVM_BP_ONE : alpha_bp;
    ema->initialised = false;
}

rvm_coherence_score_t rvm_ema_update(rvm_ema_t *ema, uint32_t sample_bp)
{
    uint32_t sample = rvm_bp_clamp(sample_bp);
    if (!ema->initialised) {
        ema->current = sample;
        ema->initialised = true;
    } else {
        uint64_t a = ema->alpha_bp;
        ema->current = (uint32_t)((a * sample + (RVM_BP_ONE - a) * (uint64_t)ema->current) / RVM_BP_ONE);
    }
    return rvm_coherence_score(ema->current);
}
