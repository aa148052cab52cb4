#include <rvm/endian.h>

#include "ed25519_field.h"

const rvm_ed25519_fe_t rvm_ed25519_fe_d = { { 0x34dca135978a3ull, 0x1a8283b156ebdull, 0x5e7a26001c029ull,
                                              0x739c663a03cbbull, 0x52036cee2b6ffull } };
const rvm_ed25519_fe_t rvm_ed25519_fe_d2 = { { 0x69b9426b2f159ull, 0x35050762add7aull, 0x3cf44c0038052ull,
                                               0x6738cc7407977ull, 0x2406d9dc56dffull } };
const rvm_ed25519_fe_t rvm_ed25519_fe_sqrtm1 = { { 0x61b274a0ea0b0ull, 0x0d5a5fc8f189dull, 0x7ef5e9cbd0c60ull,
                                                   0x78595a6804c9eull, 0x2b8324804fc1dull } };

void rvm_ed25519_fe_frombytes(rvm_ed25519_fe_t *h, const uint8_t s[32])
{
    h->v[0] = rvm_le64_load(s) & RVM_ED25519_FE_MASK;
    h->v[1] = (rvm_le64_load(s + 6) >> 3) & RVM_ED25519_FE_MASK;
    h->v[2] = (rvm_le64_load(s + 12) >> 6) & RVM_ED25519_FE_MASK;
    h->v[3] = (rvm_le64_load(s + 19) >> 1) & RVM_ED25519_FE_MASK;
    h->v[4] = (rvm_le64_load(s + 24) >> 12) & RVM_ED25519_FE_MASK;
}

/* One carry pass: limbs < 2^51 except limb 0, which takes 19 times the top carry. */
static void carry_pass(uint64_t t[5])
{
    for (unsigned i = 0; i < 4u; i++) {
        t[i + 1u] += t[i] >> 51;
        t[i] &= RVM_ED25519_FE_MASK;
    }
    t[0] += (t[4] >> 51) * 19u;
    t[4] &= RVM_ED25519_FE_MASK;
}

void rvm_ed25519_fe_tobytes(uint8_t s[32], const rvm_ed25519_fe_t *h)
{
    uint64_t t[5];
    for (unsigned i = 0; i < 5u; i++) {
        t[i] = h->v[i];
    }
    carry_pass(t);
    carry_pass(t);
    /* Now t < 2^255 + 2^13 < 2p: subtract p once when t + 19 overflows 2^255, without a branch. */
    uint64_t q = (t[0] + 19u) >> 51;
    for (unsigned i = 1; i < 5u; i++) {
        q = (t[i] + q) >> 51;
    }
    t[0] += 19u * q;
    for (unsigned i = 0; i < 4u; i++) {
        t[i + 1u] += t[i] >> 51;
        t[i] &= RVM_ED25519_FE_MASK;
    }
    t[4] &= RVM_ED25519_FE_MASK;
    rvm_le64_store(s, t[0] | (t[1] << 51));
    rvm_le64_store(s + 8, (t[1] >> 13) | (t[2] << 38));
    rvm_le64_store(s + 16, (t[2] >> 26) | (t[3] << 25));
    rvm_le64_store(s + 24, (t[3] >> 39) | (t[4] << 12));
}

uint64_t rvm_ed25519_fe_iszero(const rvm_ed25519_fe_t *f)
{
    uint8_t s[32];
    rvm_ed25519_fe_tobytes(s, f);
    uint64_t acc = 0;
    for (unsigned i = 0; i < 32u; i++) {
        acc |= s[i];
    }
    return ((acc - 1u) >> 63) & 1u;
}

uint64_t rvm_ed25519_fe_isnegative(const rvm_ed25519_fe_t *f)
{
    uint8_t s[32];
    rvm_ed25519_fe_tobytes(s, f);
    return s[0] & 1u;
}

/* h = f^(2^n); n >= 1. */
static void sq_n(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f, unsigned n)
{
    rvm_ed25519_fe_sq(h, f);
    for (unsigned i = 1; i < n; i++) {
        rvm_ed25519_fe_sq(h, h);
    }
}

/*
 * The shared part of both exponentiations: z11 = f^11 and z_250 = f^(2^250 - 1),
 * by the usual chain of 2^k - 1 powers (254 squarings and 11 multiplications in all).
 */
static void pow_2_250_1(rvm_ed25519_fe_t *z_250, rvm_ed25519_fe_t *z11, const rvm_ed25519_fe_t *f)
{
    rvm_ed25519_fe_t z2, z9, t, z_5, z_10, z_20, z_50, z_100;
    rvm_ed25519_fe_sq(&z2, f);
    sq_n(&t, &z2, 2);
    rvm_ed25519_fe_mul(&z9, &t, f);
    rvm_ed25519_fe_mul(z11, &z2, &z9);
    rvm_ed25519_fe_sq(&t, z11);
    rvm_ed25519_fe_mul(&z_5, &t, &z9); /* 2^5 - 1 */
    sq_n(&t, &z_5, 5);
    rvm_ed25519_fe_mul(&z_10, &t, &z_5);
    sq_n(&t, &z_10, 10);
    rvm_ed25519_fe_mul(&z_20, &t, &z_10);
    sq_n(&t, &z_20, 20);
    rvm_ed25519_fe_mul(&t, &t, &z_20); /* 2^40 - 1 */
    sq_n(&t, &t, 10);
    rvm_ed25519_fe_mul(&z_50, &t, &z_10);
    sq_n(&t, &z_50, 50);
    rvm_ed25519_fe_mul(&z_100, &t, &z_50);
    sq_n(&t, &z_100, 100);
    rvm_ed25519_fe_mul(&t, &t, &z_100); /* 2^200 - 1 */
    sq_n(&t, &t, 50);
    rvm_ed25519_fe_mul(z_250, &t, &z_50);
}

void rvm_ed25519_fe_invert(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f)
{
    rvm_ed25519_fe_t z_250, z11, t;
    pow_2_250_1(&z_250, &z11, f);
    sq_n(&t, &z_250, 5);
    rvm_ed25519_fe_mul(h, &t, &z11); /* 2^255 - 32 + 11 = p - 2 */
}

void rvm_ed25519_fe_pow22523(rvm_ed25519_fe_t *h, const rvm_ed25519_fe_t *f)
{
    rvm_ed25519_fe_t z_250, z11, t;
    pow_2_250_1(&z_250, &z11, f);
    sq_n(&t, &z_250, 2);
    rvm_ed25519_fe_mul(h, &t, f); /* 2^252 - 4 + 1 = (p - 5) / 8 */
}
