#include "ed25519_point.h"

/* Canonical y of the points of order 1, 2, 4 and 8 (x = ±0 or ±sqrt(-1) aside). */
static const uint8_t small_order_y[5][32] = {
    /* y = 0: the two points of order 4 */
    { 0 },
    /* y = 1: the identity */
    { 1 },
    /* y = -1 = p - 1: the point of order 2 */
    { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
    /* ±y8: y^2 = (-1 - sqrt(1 + d)) / d, where doubling gives y = 0; four points of order 8 */
    { 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
      0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05 },
    { 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
      0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a },
};

static bool bytes_equal(const uint8_t *a, const uint8_t *b, unsigned n)
{
    uint8_t acc = 0;
    for (unsigned i = 0; i < n; i++) {
        acc |= (uint8_t)(a[i] ^ b[i]);
    }
    return acc == 0;
}

/* y >= p for the 255-bit y of an encoding: 2^255 - 19 .. 2^255 - 1. */
static bool y_noncanonical(const uint8_t s[32])
{
    if ((s[31] & 0x7fu) != 0x7fu || s[0] < 0xedu) {
        return false;
    }
    for (unsigned i = 1; i < 31u; i++) {
        if (s[i] != 0xffu) {
            return false;
        }
    }
    return true;
}

bool rvm_ed25519_small_order_vartime(const uint8_t s[32])
{
    rvm_ed25519_fe_t y;
    uint8_t canon[32];
    rvm_ed25519_fe_frombytes(&y, s);
    rvm_ed25519_fe_tobytes(canon, &y);
    for (unsigned i = 0; i < 5u; i++) {
        if (bytes_equal(canon, small_order_y[i], 32u)) {
            return true;
        }
    }
    return false;
}

bool rvm_ed25519_p3_frombytes_vartime(rvm_ed25519_p3_t *h, const uint8_t s[32])
{
    if (y_noncanonical(s)) {
        return false;
    }
    rvm_ed25519_fe_t one, u, v, v3, vxx, check;
    rvm_ed25519_fe_set(&one, 1);
    rvm_ed25519_fe_frombytes(&h->Y, s);
    rvm_ed25519_fe_set(&h->Z, 1);
    rvm_ed25519_fe_sq(&u, &h->Y);
    rvm_ed25519_fe_mul(&v, &u, &rvm_ed25519_fe_d);
    rvm_ed25519_fe_sub(&u, &u, &one); /* u = y^2 - 1 */
    rvm_ed25519_fe_carry(&u);         /* it is subtracted below */
    rvm_ed25519_fe_add(&v, &v, &one); /* v = d y^2 + 1 */

    /* x = u v^3 (u v^7)^((p-5)/8), the candidate root of u/v (RFC 8032 §5.1.3 step 2). */
    rvm_ed25519_fe_sq(&v3, &v);
    rvm_ed25519_fe_mul(&v3, &v3, &v);
    rvm_ed25519_fe_sq(&h->X, &v3);
    rvm_ed25519_fe_mul(&h->X, &h->X, &v);
    rvm_ed25519_fe_mul(&h->X, &h->X, &u);
    rvm_ed25519_fe_pow22523(&h->X, &h->X);
    rvm_ed25519_fe_mul(&h->X, &h->X, &v3);
    rvm_ed25519_fe_mul(&h->X, &h->X, &u);

    rvm_ed25519_fe_sq(&vxx, &h->X);
    rvm_ed25519_fe_mul(&vxx, &vxx, &v);
    rvm_ed25519_fe_sub(&check, &vxx, &u);
    if (!rvm_ed25519_fe_iszero(&check)) {
        rvm_ed25519_fe_add(&check, &vxx, &u);
        if (!rvm_ed25519_fe_iszero(&check)) {
            return false; /* u/v is not a square: no point has this y */
        }
        rvm_ed25519_fe_mul(&h->X, &h->X, &rvm_ed25519_fe_sqrtm1);
    }
    uint64_t sign = (uint64_t)(s[31] >> 7);
    if (rvm_ed25519_fe_iszero(&h->X) && sign != 0u) {
        return false;
    }
    if (rvm_ed25519_fe_isnegative(&h->X) != sign) {
        rvm_ed25519_fe_neg(&h->X, &h->X);
    }
    rvm_ed25519_fe_mul(&h->T, &h->X, &h->Y);
    return true;
}

static void encode(uint8_t s[32], const rvm_ed25519_fe_t *X, const rvm_ed25519_fe_t *Y, const rvm_ed25519_fe_t *Z)
{
    rvm_ed25519_fe_t zi, x, y;
    rvm_ed25519_fe_invert(&zi, Z);
    rvm_ed25519_fe_mul(&x, X, &zi);
    rvm_ed25519_fe_mul(&y, Y, &zi);
    rvm_ed25519_fe_tobytes(s, &y);
    s[31] = (uint8_t)(s[31] | (uint8_t)(rvm_ed25519_fe_isnegative(&x) << 7));
}

void rvm_ed25519_p3_tobytes(uint8_t s[32], const rvm_ed25519_p3_t *p)
{
    encode(s, &p->X, &p->Y, &p->Z);
}

void rvm_ed25519_p2_tobytes(uint8_t s[32], const rvm_ed25519_p2_t *p)
{
    encode(s, &p->X, &p->Y, &p->Z);
}

/* Round trip through the canonical bytes, so that table entries print the same on every run. */
static void fe_normalise(rvm_ed25519_fe_t *f)
{
    uint8_t b[32];
    rvm_ed25519_fe_tobytes(b, f);
    rvm_ed25519_fe_frombytes(f, b);
}

void rvm_ed25519_p3_to_precomp(rvm_ed25519_precomp_t *r, const rvm_ed25519_p3_t *p)
{
    rvm_ed25519_fe_t zi, x, y;
    rvm_ed25519_fe_invert(&zi, &p->Z);
    rvm_ed25519_fe_mul(&x, &p->X, &zi);
    rvm_ed25519_fe_mul(&y, &p->Y, &zi);
    rvm_ed25519_fe_add(&r->ypx, &y, &x);
    rvm_ed25519_fe_sub(&r->ymx, &y, &x);
    rvm_ed25519_fe_mul(&r->xy2d, &x, &y);
    rvm_ed25519_fe_mul(&r->xy2d, &r->xy2d, &rvm_ed25519_fe_d2);
    fe_normalise(&r->ypx);
    fe_normalise(&r->ymx);
    fe_normalise(&r->xy2d);
}
