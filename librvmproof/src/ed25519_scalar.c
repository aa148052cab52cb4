#include <rvm/ct.h>
#include <rvm/endian.h>

#include "ed25519_field.h"
#include "ed25519_scalar.h"

/* L in 64-bit limbs, least significant first. */
static const uint64_t sc_l[4] = { 0x5812631a5cf5d3edull, 0x14def9dea2f79cd6ull, 0x0000000000000000ull,
                                  0x1000000000000000ull };
/* Barrett's mu = floor(2^512 / L), 261 bits. */
static const uint64_t sc_mu[5] = { 0xed9ce5a30a2c131bull, 0x2106215d086329a7ull, 0xffffffffffffffebull,
                                   0xffffffffffffffffull, 0x000000000000000full };

/* r[0 .. na+nb) = a * b, schoolbook. */
static void mul_limbs(uint64_t *r, const uint64_t *a, unsigned na, const uint64_t *b, unsigned nb)
{
    for (unsigned i = 0; i < na + nb; i++) {
        r[i] = 0;
    }
    for (unsigned i = 0; i < na; i++) {
        uint64_t carry = 0;
        for (unsigned j = 0; j < nb; j++) {
            rvm_ed25519_u128_t t = (rvm_ed25519_u128_t)a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        r[i + nb] = carry;
    }
}

/* r = r - L when r >= L (r < 2^320 as five limbs), by masks rather than a branch. */
static void sub_l_if_ge(uint64_t r[5])
{
    uint64_t t[5];
    uint64_t borrow = 0;
    for (unsigned i = 0; i < 5u; i++) {
        const uint64_t li = i < 4u ? sc_l[i] : 0u;
        const rvm_ed25519_u128_t d = (rvm_ed25519_u128_t)r[i] - li - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 127);
    }
    const uint64_t keep = 0u - borrow; /* all ones when r < L */
    for (unsigned i = 0; i < 5u; i++) {
        r[i] = (r[i] & keep) | (t[i] & ~keep);
    }
}

/*
 * Barrett reduction (HAC 14.42, base 2^64, k = 4) of x < 2^512:
 * q = floor(floor(x / 2^192) * mu / 2^320) is at most 2 below floor(x / L),
 * so r = x - q L (mod 2^320) is below 3L and two masked subtractions finish.
 */
static void barrett(uint8_t out[32], const uint64_t x[8])
{
    uint64_t q2[10];
    mul_limbs(q2, x + 3, 5, sc_mu, 5);
    uint64_t ql[9];
    mul_limbs(ql, q2 + 5, 5, sc_l, 4);
    uint64_t r[5];
    uint64_t borrow = 0;
    for (unsigned i = 0; i < 5u; i++) {
        const rvm_ed25519_u128_t d = (rvm_ed25519_u128_t)x[i] - ql[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 127);
    }
    sub_l_if_ge(r);
    sub_l_if_ge(r);
    for (unsigned i = 0; i < 4u; i++) {
        rvm_le64_store(out + (size_t)8 * i, r[i]);
    }
    rvm_secure_zero(q2, sizeof q2);
    rvm_secure_zero(ql, sizeof ql);
    rvm_secure_zero(r, sizeof r);
}

void rvm_ed25519_sc_reduce64(uint8_t out[32], const uint8_t in[64])
{
    uint64_t x[8];
    for (unsigned i = 0; i < 8u; i++) {
        x[i] = rvm_le64_load(in + (size_t)8 * i);
    }
    barrett(out, x);
    rvm_secure_zero(x, sizeof x);
}

void rvm_ed25519_sc_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32])
{
    uint64_t al[4], bl[4], x[8];
    for (unsigned i = 0; i < 4u; i++) {
        al[i] = rvm_le64_load(a + (size_t)8 * i);
        bl[i] = rvm_le64_load(b + (size_t)8 * i);
    }
    mul_limbs(x, al, 4, bl, 4);
    /* a b <= (2^256 - 1)^2, so adding c < 2^256 stays below 2^512. */
    uint64_t carry = 0;
    for (unsigned i = 0; i < 8u; i++) {
        const uint64_t ci = i < 4u ? rvm_le64_load(c + (size_t)8 * i) : 0u;
        const rvm_ed25519_u128_t t = (rvm_ed25519_u128_t)x[i] + ci + carry;
        x[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    barrett(out, x);
    rvm_secure_zero(al, sizeof al);
    rvm_secure_zero(bl, sizeof bl);
    rvm_secure_zero(x, sizeof x);
}

bool rvm_ed25519_sc_is_canonical(const uint8_t s[32])
{
    for (unsigned i = 4u; i-- > 0u;) {
        const uint64_t v = rvm_le64_load(s + (size_t)8 * i);
        if (v != sc_l[i]) {
            return v < sc_l[i];
        }
    }
    return false; /* s = L */
}
