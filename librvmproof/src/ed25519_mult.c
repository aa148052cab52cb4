#include <rvm/ct.h>
#include <rvm/endian.h>

#include "ct_internal.h"
#include "ed25519_point.h"
#include "ed25519_table.h"

/*
 * t = digit * 256^row * B for digit in [-8, 8], reading all eight entries of
 * the row and choosing with masks, so neither the digit nor its sign decides
 * a branch or an address.
 */
static void select_base(rvm_ed25519_precomp_t *t, unsigned row, int8_t digit)
{
    const uint64_t d = (uint64_t)(int64_t)digit;
    const uint64_t neg_mask = 0u - (d >> 63);
    const uint64_t mag = (d ^ neg_mask) - neg_mask;
    rvm_ed25519_fe_set(&t->ypx, 1);
    rvm_ed25519_fe_set(&t->ymx, 1);
    rvm_ed25519_fe_set(&t->xy2d, 0);
    for (unsigned j = 0; j < RVM_ED25519_BASE_COLS; j++) {
        /* mag ^ (j + 1) < 16, so subtracting 1 borrows into bit 63 exactly when they are equal. */
        const uint64_t mask = 0u - rvm_proof_ct_hide(((mag ^ (uint64_t)(j + 1u)) - 1u) >> 63);
        const rvm_ed25519_precomp_t *e = &rvm_ed25519_base_table[row][j];
        rvm_ed25519_fe_cmov(&t->ypx, &e->ypx, mask);
        rvm_ed25519_fe_cmov(&t->ymx, &e->ymx, mask);
        rvm_ed25519_fe_cmov(&t->xy2d, &e->xy2d, mask);
    }
    /* -(x, y) = (-x, y): y+x and y-x trade places and 2dxy changes sign. */
    rvm_ed25519_fe_t ypx = t->ypx, nxy;
    rvm_ed25519_fe_neg(&nxy, &t->xy2d);
    rvm_ed25519_fe_cmov(&t->ypx, &t->ymx, neg_mask);
    rvm_ed25519_fe_cmov(&t->ymx, &ypx, neg_mask);
    rvm_ed25519_fe_cmov(&t->xy2d, &nxy, neg_mask);
}

void rvm_ed25519_scalarmult_base(rvm_ed25519_p3_t *h, const uint8_t a[32])
{
    /*
     * a = sum e[i] 16^i with e[i] in [-8, 8) and e[63] in [0, 8] (a < 2^255):
     * signed digits need only half the table that digits in [0, 16) would.
     */
    int8_t e[64];
    for (unsigned i = 0; i < 32u; i++) {
        e[(size_t)2 * i] = (int8_t)(a[i] & 15u);
        e[(size_t)2 * i + 1u] = (int8_t)(a[i] >> 4);
    }
    int carry = 0;
    for (unsigned i = 0; i < 63u; i++) {
        const int v = e[i] + carry;
        carry = (v + 8) >> 4; /* v + 8 >= 0: no negative shift */
        e[i] = (int8_t)(v - carry * 16);
    }
    e[63] = (int8_t)(e[63] + carry);

    rvm_ed25519_p1p1_t r;
    rvm_ed25519_p2_t s;
    rvm_ed25519_precomp_t t;
    /* Odd digits first (their rows are 16^(i-1) B), times 16, then the even ones. */
    rvm_ed25519_p3_identity(h);
    for (unsigned i = 1; i < 64u; i += 2u) {
        select_base(&t, i / 2u, e[i]);
        rvm_ed25519_add_precomp(&r, h, &t);
        rvm_ed25519_p1p1_to_p3(h, &r);
    }
    rvm_ed25519_p3_dbl(&r, h);
    for (unsigned i = 0; i < 3u; i++) {
        rvm_ed25519_p1p1_to_p2(&s, &r);
        rvm_ed25519_p2_dbl(&r, &s);
    }
    rvm_ed25519_p1p1_to_p3(h, &r);
    for (unsigned i = 0; i < 64u; i += 2u) {
        select_base(&t, i / 2u, e[i]);
        rvm_ed25519_add_precomp(&r, h, &t);
        rvm_ed25519_p1p1_to_p3(h, &r);
    }
    rvm_secure_zero(e, sizeof e);
    rvm_secure_zero(&t, sizeof t);
    rvm_secure_zero(&r, sizeof r);
    rvm_secure_zero(&s, sizeof s);
}

/*
 * Width-w NAF of s < 2^255: every nonzero digit is odd, |digit| < 2^(w-1),
 * and at least w-1 zeros follow each one; the expansion has at most 256 digits.
 */
static void wnaf(int8_t naf[256], const uint8_t s[32], unsigned w)
{
    uint64_t x[5];
    for (unsigned i = 0; i < 4u; i++) {
        x[i] = rvm_le64_load(s + (size_t)8 * i);
    }
    x[4] = 0;
    __builtin_memset(naf, 0, 256);
    const uint64_t width = UINT64_C(1) << w;
    unsigned pos = 0;
    while (pos < 256u) {
        unsigned shift = 1;
        if ((x[0] & 1u) != 0u) {
            const uint64_t low = x[0] & (width - 1u);
            if (low < (width >> 1)) {
                naf[pos] = (int8_t)low;
                x[0] -= low;
            } else {
                /* digit = low - 2^w < 0: subtracting it adds 2^w - low, clearing the low w bits with a carry. */
                naf[pos] = (int8_t)((int64_t)low - (int64_t)width);
                uint64_t c = width - low;
                for (unsigned i = 0; i < 5u && c != 0u; i++) {
                    x[i] += c;
                    c = x[i] < c ? 1u : 0u;
                }
            }
            shift = w;
        }
        for (unsigned i = 0; i < 4u; i++) {
            x[i] = (x[i] >> shift) | (x[i + 1u] << (64u - shift));
        }
        x[4] >>= shift;
        pos += shift;
    }
}

void rvm_ed25519_double_scalarmult_vartime(rvm_ed25519_p2_t *r, const uint8_t k[32], const rvm_ed25519_p3_t *a,
                                           const uint8_t s[32])
{
    int8_t nk[256];
    int8_t ns[256];
    wnaf(nk, k, 5);
    wnaf(ns, s, 7);

    /* A, 3A, 5A, ..., 15A for the width-5 digits of k. */
    rvm_ed25519_cached_t ai[8];
    rvm_ed25519_p1p1_t t;
    rvm_ed25519_p3_t a2, u;
    rvm_ed25519_p3_to_cached(&ai[0], a);
    rvm_ed25519_p3_dbl(&t, a);
    rvm_ed25519_p1p1_to_p3(&a2, &t);
    for (unsigned i = 1; i < 8u; i++) {
        rvm_ed25519_add_cached(&t, &a2, &ai[i - 1u], false);
        rvm_ed25519_p1p1_to_p3(&u, &t);
        rvm_ed25519_p3_to_cached(&ai[i], &u);
    }

    int top = 255;
    while (top >= 0 && nk[top] == 0 && ns[top] == 0) {
        top--;
    }
    rvm_ed25519_fe_set(&r->X, 0);
    rvm_ed25519_fe_set(&r->Y, 1);
    rvm_ed25519_fe_set(&r->Z, 1);
    for (int i = top; i >= 0; i--) {
        rvm_ed25519_p2_dbl(&t, r);
        if (nk[i] != 0) {
            rvm_ed25519_p1p1_to_p3(&u, &t);
            const bool neg = nk[i] < 0;
            rvm_ed25519_add_cached(&t, &u, &ai[(neg ? -nk[i] : nk[i]) / 2], neg);
        }
        if (ns[i] > 0) {
            rvm_ed25519_p1p1_to_p3(&u, &t);
            rvm_ed25519_add_precomp(&t, &u, &rvm_ed25519_base_odd[ns[i] / 2]);
        } else if (ns[i] < 0) {
            const rvm_ed25519_precomp_t *b = &rvm_ed25519_base_odd[(-ns[i]) / 2];
            rvm_ed25519_precomp_t nb = { b->ymx, b->ypx, { { 0 } } };
            rvm_ed25519_fe_neg(&nb.xy2d, &b->xy2d);
            rvm_ed25519_p1p1_to_p3(&u, &t);
            rvm_ed25519_add_precomp(&t, &u, &nb);
        }
        rvm_ed25519_p1p1_to_p2(r, &t);
    }
}
