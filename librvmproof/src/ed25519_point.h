/*
 * Points of edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2, RFC 8032 §5.1), private
 * to librvmproof. Representations (Hisil, Wong, Carter, Dawson 2008):
 *  - p3: extended (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z;
 *  - p2: projective (X:Y:Z), enough to double;
 *  - p1p1: completed ((X:Z), (Y:T)), what an addition or doubling yields;
 *  - cached: (Y+X, Y-X, Z, 2dT), a p3 ready to be added;
 *  - precomp: affine (y+x, y-x, 2dxy), a table point ready to be added.
 * The inline operations are constant time; the _vartime functions are not
 * and take only public data.
 */
#ifndef RVMPROOF_ED25519_POINT_H
#define RVMPROOF_ED25519_POINT_H

#include <stdbool.h>
#include <stdint.h>

#include "ed25519_field.h"

typedef struct rvm_ed25519_p3 {
    rvm_ed25519_fe_t X, Y, Z, T;
} rvm_ed25519_p3_t;

typedef struct rvm_ed25519_p2 {
    rvm_ed25519_fe_t X, Y, Z;
} rvm_ed25519_p2_t;

typedef struct rvm_ed25519_p1p1 {
    rvm_ed25519_fe_t X, Y, Z, T;
} rvm_ed25519_p1p1_t;

typedef struct rvm_ed25519_cached {
    rvm_ed25519_fe_t ypx, ymx, z, t2d;
} rvm_ed25519_cached_t;

typedef struct rvm_ed25519_precomp {
    rvm_ed25519_fe_t ypx, ymx, xy2d;
} rvm_ed25519_precomp_t;

static inline void rvm_ed25519_p3_identity(rvm_ed25519_p3_t *h)
{
    rvm_ed25519_fe_set(&h->X, 0);
    rvm_ed25519_fe_set(&h->Y, 1);
    rvm_ed25519_fe_set(&h->Z, 1);
    rvm_ed25519_fe_set(&h->T, 0);
}

static inline void rvm_ed25519_p1p1_to_p2(rvm_ed25519_p2_t *r, const rvm_ed25519_p1p1_t *p)
{
    rvm_ed25519_fe_mul(&r->X, &p->X, &p->T);
    rvm_ed25519_fe_mul(&r->Y, &p->Y, &p->Z);
    rvm_ed25519_fe_mul(&r->Z, &p->Z, &p->T);
}

static inline void rvm_ed25519_p1p1_to_p3(rvm_ed25519_p3_t *r, const rvm_ed25519_p1p1_t *p)
{
    rvm_ed25519_fe_mul(&r->X, &p->X, &p->T);
    rvm_ed25519_fe_mul(&r->Y, &p->Y, &p->Z);
    rvm_ed25519_fe_mul(&r->Z, &p->Z, &p->T);
    rvm_ed25519_fe_mul(&r->T, &p->X, &p->Y);
}

static inline void rvm_ed25519_p3_to_cached(rvm_ed25519_cached_t *r, const rvm_ed25519_p3_t *p)
{
    rvm_ed25519_fe_add(&r->ypx, &p->Y, &p->X);
    rvm_ed25519_fe_sub(&r->ymx, &p->Y, &p->X);
    r->z = p->Z;
    rvm_ed25519_fe_mul(&r->t2d, &p->T, &rvm_ed25519_fe_d2);
}

/*
 * 2P for a=-1 (dbl-2008-hwcd) with H and F negated, which negates all four
 * output coordinates and so leaves the point unchanged but saves negations.
 */
static inline void rvm_ed25519_p2_dbl(rvm_ed25519_p1p1_t *r, const rvm_ed25519_p2_t *p)
{
    rvm_ed25519_fe_t a, b, c, xy;
    rvm_ed25519_fe_sq(&a, &p->X);
    rvm_ed25519_fe_sq(&b, &p->Y);
    rvm_ed25519_fe_sq(&c, &p->Z);
    rvm_ed25519_fe_add(&c, &c, &c);
    rvm_ed25519_fe_add(&xy, &p->X, &p->Y);
    rvm_ed25519_fe_sq(&xy, &xy);
    rvm_ed25519_fe_add(&r->Y, &a, &b);       /* H' = A + B */
    rvm_ed25519_fe_sub(&r->X, &xy, &r->Y);   /* E = (X+Y)^2 - A - B */
    rvm_ed25519_fe_sub(&r->Z, &b, &a);       /* G = B - A */
    rvm_ed25519_fe_add(&c, &c, &a);
    rvm_ed25519_fe_sub(&r->T, &c, &b);       /* F' = 2Z^2 + A - B */
}

static inline void rvm_ed25519_p3_dbl(rvm_ed25519_p1p1_t *r, const rvm_ed25519_p3_t *p)
{
    rvm_ed25519_p2_t q = { p->X, p->Y, p->Z };
    rvm_ed25519_p2_dbl(r, &q);
}

/* P + Q (add-2008-hwcd-3); with `neg`, P - Q (Y+X and Y-X swap roles, 2dT changes sign). Branches on `neg`. */
static inline void rvm_ed25519_add_cached(rvm_ed25519_p1p1_t *r, const rvm_ed25519_p3_t *p,
                                          const rvm_ed25519_cached_t *q, bool neg)
{
    rvm_ed25519_fe_t ypx, ymx, a, b, c, d;
    rvm_ed25519_fe_add(&ypx, &p->Y, &p->X);
    rvm_ed25519_fe_sub(&ymx, &p->Y, &p->X);
    rvm_ed25519_fe_mul(&a, &ymx, neg ? &q->ypx : &q->ymx);
    rvm_ed25519_fe_mul(&b, &ypx, neg ? &q->ymx : &q->ypx);
    rvm_ed25519_fe_mul(&c, &p->T, &q->t2d);
    rvm_ed25519_fe_mul(&d, &p->Z, &q->z);
    rvm_ed25519_fe_add(&d, &d, &d);
    rvm_ed25519_fe_sub(&r->X, &b, &a); /* E */
    rvm_ed25519_fe_add(&r->Y, &b, &a); /* H */
    if (neg) {
        rvm_ed25519_fe_sub(&r->Z, &d, &c);
        rvm_ed25519_fe_add(&r->T, &d, &c);
    } else {
        rvm_ed25519_fe_add(&r->Z, &d, &c); /* G */
        rvm_ed25519_fe_sub(&r->T, &d, &c); /* F */
    }
}

/* P + Q for an affine Q whose Z is 1. Constant time: the caller negates Q itself when it must not branch. */
static inline void rvm_ed25519_add_precomp(rvm_ed25519_p1p1_t *r, const rvm_ed25519_p3_t *p,
                                           const rvm_ed25519_precomp_t *q)
{
    rvm_ed25519_fe_t ypx, ymx, a, b, c, d;
    rvm_ed25519_fe_add(&ypx, &p->Y, &p->X);
    rvm_ed25519_fe_sub(&ymx, &p->Y, &p->X);
    rvm_ed25519_fe_mul(&a, &ymx, &q->ymx);
    rvm_ed25519_fe_mul(&b, &ypx, &q->ypx);
    rvm_ed25519_fe_mul(&c, &p->T, &q->xy2d);
    rvm_ed25519_fe_add(&d, &p->Z, &p->Z);
    rvm_ed25519_fe_sub(&r->X, &b, &a);
    rvm_ed25519_fe_add(&r->Y, &b, &a);
    rvm_ed25519_fe_add(&r->Z, &d, &c);
    rvm_ed25519_fe_sub(&r->T, &d, &c);
}

/*
 * Decodes a point per RFC 8032 §5.1.3, strictly: fails (false) when y >= p,
 * when x^2 = (y^2 - 1) / (d y^2 + 1) has no root, and when x = 0 with the sign bit set.
 * Variable time: for public keys only.
 */
bool rvm_ed25519_p3_frombytes_vartime(rvm_ed25519_p3_t *h, const uint8_t s[32]);
/* Encodes (y with the sign of x in bit 255), canonically. */
void rvm_ed25519_p3_tobytes(uint8_t s[32], const rvm_ed25519_p3_t *p);
void rvm_ed25519_p2_tobytes(uint8_t s[32], const rvm_ed25519_p2_t *p);
/* The affine (y+x, y-x, 2dxy) of `p`, fully reduced; the table generator and its test use it. */
void rvm_ed25519_p3_to_precomp(rvm_ed25519_precomp_t *r, const rvm_ed25519_p3_t *p);
/*
 * True when the encoding's y (bit 255 ignored, reduced mod p) is that of a point of order 1, 2, 4 or 8:
 * y in {0, 1, -1, ±y8} (the two order-8 y values). Non-canonical aliases of 0 and 1 (p, p+1) are caught too.
 */
bool rvm_ed25519_small_order_vartime(const uint8_t s[32]);

/* h = [a]B for a < 2^255, constant time (signed radix-16 comb over rvm_ed25519_base_table). */
void rvm_ed25519_scalarmult_base(rvm_ed25519_p3_t *h, const uint8_t a[32]);
/* r = [k]A + [s]B for k, s < 2^255, variable time (wNAF: width 5 for A, 7 for B). */
void rvm_ed25519_double_scalarmult_vartime(rvm_ed25519_p2_t *r, const uint8_t k[32], const rvm_ed25519_p3_t *a,
                                           const uint8_t s[32]);

#endif
