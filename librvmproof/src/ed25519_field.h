/*
 * GF(2^255 - 19) arithmetic for Ed25519, private to librvmproof.
 * An element is five 51-bit limbs (radix 2^51) whose products fit the
 * compiler's unsigned __int128. Limbs are not kept fully reduced:
 *  - rvm_ed25519_fe_mul/sq return limbs < 2^52 (all but one < 2^51);
 *  - the subtrahend of sub must have limbs < 2^53 (it adds 4p first), so
 *    it is a product or the sum of two; its result has limbs < 2^54;
 *  - mul/sq accept limbs up to 2^56: one add or sub of products (or an add
 *    of a difference and a product) may sit between multiplications.
 * Every function here runs in time independent of the values.
 */
#ifndef RVMPROOF_ED25519_FIELD_H
#define RVMPROOF_ED25519_FIELD_H

#include <stdint.h>

__extension__ typedef unsigned __int128 rvm_ed25519_u128_t;

typedef struct rvm_ed25519_fe {
    uint64_t v[5];
} rvm_ed25519_fe_t;

#define RVM_ED25519_FE_MASK ((UINT64_C(1) << 51) - 1u)

/* Multiplication and squaring are forced inline: left as calls, they cost about 15% of a verification. */
#define RVM_ED25519_FE_HOT __attribute__((always_inline)) static inline

/* d = -121665/121666, 2d and sqrt(-1) (RFC 8032 §5.1), in radix 2^51. */
extern const rvm_ed25519_fe_t rvm_ed25519_fe_d;
extern const rvm_ed25519_fe_t rvm_ed25519_fe_d2;
extern const rvm_ed25519_fe_t rvm_ed25519_fe_sqrtm1;

static inline void rvm_ed25519_fe_set(rvm_ed25519_fe_t *h, uint64_t small)
{
    h->v[0] = small;
    h->v[1] = 0;
    h->v[2] = 0;
    h->v[3] = 0;
    h->v[4] = 0;
}

static inline void rvm_ed25519_fe_add(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f, const rvm_ed25519_fe_t *g)
{
    for (unsigned i = 0; i < 5u; i++) {
        h->v[i] = f->v[i] + g->v[i];
    }
}

/* f - g + 4p, limb by limb, so that no limb goes negative. */
static inline void rvm_ed25519_fe_sub(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f, const rvm_ed25519_fe_t *g)
{
    h->v[0] = (f->v[0] + UINT64_C(0x1FFFFFFFFFFFB4)) - g->v[0];
    for (unsigned i = 1; i < 5u; i++) {
        h->v[i] = (f->v[i] + UINT64_C(0x1FFFFFFFFFFFFC)) - g->v[i];
    }
}

static inline void rvm_ed25519_fe_neg(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f)
{
    rvm_ed25519_fe_t zero;
    rvm_ed25519_fe_set(&zero, 0);
    rvm_ed25519_fe_sub(h, &zero, f);
}

/* Propagates the carries of 128-bit column sums (each < 2^121) into limbs < 2^52. */
RVM_ED25519_FE_HOT void rvm_ed25519_fe_carry128(rvm_ed25519_fe_t *h, rvm_ed25519_u128_t r0,
                                                rvm_ed25519_u128_t r1, rvm_ed25519_u128_t r2,
                                                rvm_ed25519_u128_t r3, rvm_ed25519_u128_t r4)
{
    r1 += r0 >> 51;
    r2 += r1 >> 51;
    r3 += r2 >> 51;
    r4 += r3 >> 51;
    rvm_ed25519_u128_t t0 = (r0 & RVM_ED25519_FE_MASK) + (r4 >> 51) * 19u;
    uint64_t h1 = ((uint64_t)r1 & RVM_ED25519_FE_MASK) + (uint64_t)(t0 >> 51);
    h->v[0] = (uint64_t)t0 & RVM_ED25519_FE_MASK;
    h->v[1] = h1;
    h->v[2] = (uint64_t)r2 & RVM_ED25519_FE_MASK;
    h->v[3] = (uint64_t)r3 & RVM_ED25519_FE_MASK;
    h->v[4] = (uint64_t)r4 & RVM_ED25519_FE_MASK;
}

RVM_ED25519_FE_HOT void rvm_ed25519_fe_mul(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f, const rvm_ed25519_fe_t *g)
{
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    /* 2^255 = 19 (mod p): limb products that land at 2^255 and above fold back times 19. */
    const uint64_t g1_19 = g1 * 19u, g2_19 = g2 * 19u, g3_19 = g3 * 19u, g4_19 = g4 * 19u;
    rvm_ed25519_u128_t r0 = (rvm_ed25519_u128_t)f0 * g0 + (rvm_ed25519_u128_t)f1 * g4_19 +
                            (rvm_ed25519_u128_t)f2 * g3_19 + (rvm_ed25519_u128_t)f3 * g2_19 +
                            (rvm_ed25519_u128_t)f4 * g1_19;
    rvm_ed25519_u128_t r1 = (rvm_ed25519_u128_t)f0 * g1 + (rvm_ed25519_u128_t)f1 * g0 +
                            (rvm_ed25519_u128_t)f2 * g4_19 + (rvm_ed25519_u128_t)f3 * g3_19 +
                            (rvm_ed25519_u128_t)f4 * g2_19;
    rvm_ed25519_u128_t r2 = (rvm_ed25519_u128_t)f0 * g2 + (rvm_ed25519_u128_t)f1 * g1 +
                            (rvm_ed25519_u128_t)f2 * g0 + (rvm_ed25519_u128_t)f3 * g4_19 +
                            (rvm_ed25519_u128_t)f4 * g3_19;
    rvm_ed25519_u128_t r3 = (rvm_ed25519_u128_t)f0 * g3 + (rvm_ed25519_u128_t)f1 * g2 +
                            (rvm_ed25519_u128_t)f2 * g1 + (rvm_ed25519_u128_t)f3 * g0 +
                            (rvm_ed25519_u128_t)f4 * g4_19;
    rvm_ed25519_u128_t r4 = (rvm_ed25519_u128_t)f0 * g4 + (rvm_ed25519_u128_t)f1 * g3 +
                            (rvm_ed25519_u128_t)f2 * g2 + (rvm_ed25519_u128_t)f3 * g1 +
                            (rvm_ed25519_u128_t)f4 * g0;
    rvm_ed25519_fe_carry128(h, r0, r1, r2, r3, r4);
}

RVM_ED25519_FE_HOT void rvm_ed25519_fe_sq(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f)
{
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t f0_2 = f0 * 2u, f1_2 = f1 * 2u;
    const uint64_t f3_19 = f3 * 19u, f4_19 = f4 * 19u;
    rvm_ed25519_u128_t r0 = (rvm_ed25519_u128_t)f0 * f0 + (rvm_ed25519_u128_t)f1_2 * f4_19 +
                            (rvm_ed25519_u128_t)(f2 * 2u) * f3_19;
    rvm_ed25519_u128_t r1 = (rvm_ed25519_u128_t)f0_2 * f1 + (rvm_ed25519_u128_t)(f2 * 2u) * f4_19 +
                            (rvm_ed25519_u128_t)f3 * f3_19;
    rvm_ed25519_u128_t r2 = (rvm_ed25519_u128_t)f0_2 * f2 + (rvm_ed25519_u128_t)f1 * f1 +
                            (rvm_ed25519_u128_t)(f3 * 2u) * f4_19;
    rvm_ed25519_u128_t r3 = (rvm_ed25519_u128_t)f0_2 * f3 + (rvm_ed25519_u128_t)f1_2 * f2 +
                            (rvm_ed25519_u128_t)f4 * f4_19;
    rvm_ed25519_u128_t r4 = (rvm_ed25519_u128_t)f0_2 * f4 + (rvm_ed25519_u128_t)f1_2 * f3 +
                            (rvm_ed25519_u128_t)f2 * f2;
    rvm_ed25519_fe_carry128(h, r0, r1, r2, r3, r4);
}

/* One carry pass: limbs < 2^51 but limb 0 < 2^51 + 2^13; for a difference that must be subtracted again. */
static inline void rvm_ed25519_fe_carry(rvm_ed25519_fe_t *h)
{
    for (unsigned i = 0; i < 4u; i++) {
        h->v[i + 1u] += h->v[i] >> 51;
        h->v[i] &= RVM_ED25519_FE_MASK;
    }
    h->v[0] += (h->v[4] >> 51) * 19u;
    h->v[4] &= RVM_ED25519_FE_MASK;
}

/* h = f when mask is all ones, unchanged when it is zero; no branch on mask. */
static inline void rvm_ed25519_fe_cmov(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f, uint64_t mask)
{
    for (unsigned i = 0; i < 5u; i++) {
        h->v[i] ^= mask & (h->v[i] ^ f->v[i]);
    }
}

/* Reads 255 bits little-endian; bit 255 (the sign of x in a point encoding) is ignored, y >= p is not reduced. */
void rvm_ed25519_fe_frombytes(rvm_ed25519_fe_t *h, const uint8_t s[32]);
/* Writes the canonical (fully reduced) 32-byte encoding. */
void rvm_ed25519_fe_tobytes(uint8_t s[32], const rvm_ed25519_fe_t *h);
/* 1 when f = 0 (mod p), else 0. */
uint64_t rvm_ed25519_fe_iszero(const rvm_ed25519_fe_t *f);
/* The low bit of the canonical encoding: RFC 8032's "negative" x. */
uint64_t rvm_ed25519_fe_isnegative(const rvm_ed25519_fe_t *f);
/* h = 1/f = f^(p-2) (Fermat); 0 maps to 0. */
void rvm_ed25519_fe_invert(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f);
/* h = f^((p-5)/8), the exponent of the RFC 8032 §5.1.3 square root. */
void rvm_ed25519_fe_pow22523(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f);

#endif
