/* Ed25519: RFC 8032 known answers, strict verification, the base tables, the digest signer and the witness bridge. */
#include <stdio.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/proof_ed25519.h>
#include <rvm/sha256.h>
#include <rvm/sha512.h>
#include <rvm/witness_verify.h>

#include "ed25519_point.h"
#include "ed25519_scalar.h"
#include "ed25519_table.h"
#include "ed25519_vectors.h"
#include "fixture.h"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2u;
    ck_assert_uint_le(n, cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        ck_assert_int_eq(sscanf(hex + 2u * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

/* L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t order_l[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                     0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10 };

static const uint8_t base_enc[32] = { 0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66 };

/* 32-byte little-endian a + b (mod 2^256). */
static void add256(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    unsigned carry = 0;
    for (unsigned i = 0; i < 32u; i++) {
        unsigned t = (unsigned)a[i] + b[i] + carry;
        out[i] = (uint8_t)t;
        carry = t >> 8;
    }
}

START_TEST(rfc8032_known_answers)
{
    static uint8_t msg[1024];
    for (size_t v = 0; v < sizeof rfc8032_vectors / sizeof rfc8032_vectors[0]; v++) {
        const struct ed25519_rfc_vector *t = &rfc8032_vectors[v];
        uint8_t seed[32], pk[32], sig[64], got[64];
        unhex(t->seed, seed, sizeof seed);
        unhex(t->public_key, pk, sizeof pk);
        unhex(t->signature, sig, sizeof sig);
        size_t len = unhex(t->message, msg, sizeof msg);
        rvm_ed25519_key_t key;
        ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
        ck_assert_msg(memcmp(key.public_key, pk, 32) == 0, "%s: public key", t->name);
        ck_assert_int_eq(rvm_ed25519_sign(&key, msg, len, got), RVM_OK);
        ck_assert_msg(memcmp(got, sig, 64) == 0, "%s: signature", t->name);
        ck_assert_int_eq(rvm_ed25519_verify(pk, msg, len, sig), RVM_SIG_OK);
        /* Any other message, or a flipped signature bit, fails. */
        msg[len] = 0x01;
        ck_assert_int_eq(rvm_ed25519_verify(pk, msg, len + 1u, sig), RVM_SIG_BAD_SIGNATURE);
        sig[10] ^= 0x20u;
        ck_assert_int_eq(rvm_ed25519_verify(pk, msg, len, sig), RVM_SIG_BAD_SIGNATURE);
        rvm_ed25519_key_wipe(&key);
        static const rvm_ed25519_key_t zero;
        ck_assert_mem_eq(&key, &zero, sizeof key);
    }
}
END_TEST

/* The SHA(abc) vector's message is SHA-512("abc"), so it also ties librvmtypes' SHA-512 to the RFC. */
START_TEST(sha_abc_message_is_sha512)
{
    uint8_t d[64], want[64];
    rvm_sha512("abc", 3, d);
    unhex(rfc8032_vectors[4].message, want, sizeof want);
    ck_assert_mem_eq(d, want, 64);
}
END_TEST

START_TEST(arguments)
{
    uint8_t seed[32] = { 1 };
    uint8_t sig[64];
    rvm_ed25519_key_t key;
    ck_assert_int_eq(rvm_ed25519_key_from_seed(NULL, seed), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
    ck_assert_int_eq(rvm_ed25519_sign(NULL, NULL, 0, sig), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_ed25519_sign(&key, NULL, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_ed25519_sign(&key, NULL, 5, sig), RVM_ERR_INVALID_ARGUMENT);
    /* An empty message may be NULL. */
    ck_assert_int_eq(rvm_ed25519_sign(&key, NULL, 0, sig), RVM_OK);
    ck_assert_int_eq(rvm_ed25519_verify(key.public_key, NULL, 0, sig), RVM_SIG_OK);
    ck_assert_int_eq(rvm_ed25519_verify(NULL, NULL, 0, sig), RVM_SIG_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_ed25519_verify(key.public_key, NULL, 0, NULL), RVM_SIG_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_ed25519_verify(key.public_key, NULL, 3, sig), RVM_SIG_MALFORMED_INPUT);
    rvm_proof_ed25519_signer_t s;
    ck_assert_int_eq(rvm_proof_ed25519_signer_init(NULL, seed), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_ed25519_signer_init(&s, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

/* S is accepted only below L: S + L (same value mod L) and S = L itself are refused as malformed. */
START_TEST(rejects_noncanonical_s)
{
    rvm_ed25519_key_t key;
    uint8_t seed[32] = { 7 };
    uint8_t sig[64], bad[64];
    ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
    ck_assert_int_eq(rvm_ed25519_sign(&key, (const uint8_t *)"m", 1, sig), RVM_OK);
    ck_assert(rvm_ed25519_sc_is_canonical(sig + 32));
    memcpy(bad, sig, 64);
    add256(bad + 32, sig + 32, order_l);
    ck_assert_int_eq(rvm_ed25519_verify(key.public_key, (const uint8_t *)"m", 1, bad), RVM_SIG_MALFORMED_INPUT);
    memcpy(bad + 32, order_l, 32);
    ck_assert(!rvm_ed25519_sc_is_canonical(bad + 32));
    ck_assert_int_eq(rvm_ed25519_verify(key.public_key, (const uint8_t *)"m", 1, bad), RVM_SIG_MALFORMED_INPUT);
    /* L - 1 is the largest canonical S. */
    uint8_t lm1[32];
    memcpy(lm1, order_l, 32);
    lm1[0]--;
    ck_assert(rvm_ed25519_sc_is_canonical(lm1));
    bad[63] = 0xff;
    ck_assert(!rvm_ed25519_sc_is_canonical(bad + 32));
}
END_TEST

/* p + k for small k, little-endian: y values >= p that a lax decoder would reduce. */
static void p_plus(uint8_t out[32], uint8_t k)
{
    memset(out, 0xff, 32);
    out[31] = 0x7f;
    out[0] = (uint8_t)(0xed + k);
}

START_TEST(rejects_bad_public_keys)
{
    rvm_ed25519_key_t key;
    uint8_t seed[32] = { 9 };
    uint8_t sig[64], pk[32];
    ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
    ck_assert_int_eq(rvm_ed25519_sign(&key, (const uint8_t *)"m", 1, sig), RVM_OK);
    rvm_ed25519_p3_t a;
    /* Every y from p to 2^255 - 1 is non-canonical, whether or not y - p is on the curve. */
    for (uint8_t k = 0; k < 19u; k++) {
        p_plus(pk, k);
        ck_assert(!rvm_ed25519_p3_frombytes_vartime(&a, pk));
        ck_assert_int_eq(rvm_ed25519_verify(pk, (const uint8_t *)"m", 1, sig), RVM_SIG_MALFORMED_INPUT);
    }
    /* y = 2: (y^2 - 1)/(d y^2 + 1) is not a square, so no point has it. */
    memset(pk, 0, 32);
    pk[0] = 2;
    ck_assert(!rvm_ed25519_p3_frombytes_vartime(&a, pk));
    ck_assert_int_eq(rvm_ed25519_verify(pk, (const uint8_t *)"m", 1, sig), RVM_SIG_MALFORMED_INPUT);
    /* y = 1 with the sign bit set: x = 0 cannot be "negative". */
    memset(pk, 0, 32);
    pk[0] = 1;
    pk[31] = 0x80;
    ck_assert(!rvm_ed25519_p3_frombytes_vartime(&a, pk));
    /* The real key decodes; with its sign bit flipped it is -A, which decodes but does not verify. */
    ck_assert(rvm_ed25519_p3_frombytes_vartime(&a, key.public_key));
    memcpy(pk, key.public_key, 32);
    pk[31] ^= 0x80u;
    ck_assert(rvm_ed25519_p3_frombytes_vartime(&a, pk));
    ck_assert_int_eq(rvm_ed25519_verify(pk, (const uint8_t *)"m", 1, sig), RVM_SIG_BAD_SIGNATURE);
}
END_TEST

/* The y values of all eight points of order dividing 8 (with x = ±sqrt(...)); y = 0 and ±y8 give two points each. */
static const char *small_order_hex[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
};

START_TEST(small_order_points)
{
    rvm_ed25519_key_t key;
    uint8_t seed[32] = { 3 };
    uint8_t sig[64];
    ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
    ck_assert_int_eq(rvm_ed25519_sign(&key, (const uint8_t *)"m", 1, sig), RVM_OK);
    for (size_t i = 0; i < sizeof small_order_hex / sizeof small_order_hex[0]; i++) {
        for (unsigned sign = 0; sign < 2u; sign++) {
            uint8_t enc[32];
            unhex(small_order_hex[i], enc, sizeof enc);
            enc[31] = (uint8_t)(enc[31] | (sign << 7));
            ck_assert(rvm_ed25519_small_order_vartime(enc));
            rvm_ed25519_p3_t p;
            if (rvm_ed25519_p3_frombytes_vartime(&p, enc)) {
                /* [8]P is the identity: the table of y values is right. */
                rvm_ed25519_p1p1_t t;
                for (unsigned d = 0; d < 3u; d++) {
                    rvm_ed25519_p3_dbl(&t, &p);
                    rvm_ed25519_p1p1_to_p3(&p, &t);
                }
                uint8_t out[32], id[32] = { 1 };
                rvm_ed25519_p3_tobytes(out, &p);
                ck_assert_mem_eq(out, id, 32);
            } else {
                /* Only x = 0 with the sign bit set fails to decode. */
                ck_assert(i == 1 || i == 2);
                ck_assert_uint_eq(sign, 1);
            }
            ck_assert_int_eq(rvm_ed25519_verify(enc, (const uint8_t *)"m", 1, sig), RVM_SIG_MALFORMED_INPUT);
            uint8_t bad[64];
            memcpy(bad, sig, 64);
            memcpy(bad, enc, 32);
            ck_assert_int_eq(rvm_ed25519_verify(key.public_key, (const uint8_t *)"m", 1, bad),
                             RVM_SIG_MALFORMED_INPUT);
        }
    }
    /* The non-canonical aliases p (= 0) and p + 1 (= 1) are small order too. */
    uint8_t enc[32];
    p_plus(enc, 0);
    ck_assert(rvm_ed25519_small_order_vartime(enc));
    p_plus(enc, 1);
    ck_assert(rvm_ed25519_small_order_vartime(enc));
    p_plus(enc, 2);
    ck_assert(!rvm_ed25519_small_order_vartime(enc));
    ck_assert(!rvm_ed25519_small_order_vartime(key.public_key));
    ck_assert(!rvm_ed25519_small_order_vartime(base_enc));
}
END_TEST

/* A non-canonical R (y >= p) cannot equal the canonical encoding verification computes. */
START_TEST(rejects_noncanonical_r)
{
    rvm_ed25519_key_t key;
    uint8_t seed[32] = { 4 };
    uint8_t sig[64];
    ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
    ck_assert_int_eq(rvm_ed25519_sign(&key, (const uint8_t *)"m", 1, sig), RVM_OK);
    for (uint8_t k = 2; k < 19u; k++) {
        p_plus(sig, k);
        ck_assert_int_eq(rvm_ed25519_verify(key.public_key, (const uint8_t *)"m", 1, sig), RVM_SIG_BAD_SIGNATURE);
    }
}
END_TEST

/* [k]B by repeated addition of B, with nothing from the comb. */
static void slow_multiple(rvm_ed25519_p3_t *r, const rvm_ed25519_p3_t *b, unsigned k)
{
    rvm_ed25519_cached_t c;
    rvm_ed25519_p1p1_t t;
    rvm_ed25519_p3_to_cached(&c, b);
    rvm_ed25519_p3_identity(r);
    for (unsigned i = 0; i < k; i++) {
        rvm_ed25519_add_cached(&t, r, &c, false);
        rvm_ed25519_p1p1_to_p3(r, &t);
    }
}

START_TEST(base_tables)
{
    rvm_ed25519_p3_t b, p;
    rvm_ed25519_precomp_t q;
    ck_assert(rvm_ed25519_p3_frombytes_vartime(&b, base_enc));
    /* Row 0 and the odd multiples, by plain addition. */
    for (unsigned j = 0; j < RVM_ED25519_BASE_COLS; j++) {
        slow_multiple(&p, &b, j + 1u);
        rvm_ed25519_p3_to_precomp(&q, &p);
        ck_assert_mem_eq(&q, &rvm_ed25519_base_table[0][j], sizeof q);
    }
    for (unsigned j = 0; j < RVM_ED25519_BASE_ODD; j++) {
        slow_multiple(&p, &b, 2u * j + 1u);
        rvm_ed25519_p3_to_precomp(&q, &p);
        ck_assert_mem_eq(&q, &rvm_ed25519_base_odd[j], sizeof q);
    }
    /* Rows 1, 2 and 31 from 256^i B, found with the variable-time multiplication ([0]A + [s]B). */
    static const unsigned rows[] = { 1, 2, 31 };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (unsigned j = 0; j < RVM_ED25519_BASE_COLS; j += 3u) {
            uint8_t s[32] = { 0 }, zero[32] = { 0 }, enc[32];
            s[rows[r]] = (uint8_t)(j + 1u);
            rvm_ed25519_p2_t r2;
            rvm_ed25519_double_scalarmult_vartime(&r2, zero, &b, s);
            rvm_ed25519_p2_tobytes(enc, &r2);
            ck_assert(rvm_ed25519_p3_frombytes_vartime(&p, enc));
            rvm_ed25519_p3_to_precomp(&q, &p);
            ck_assert_mem_eq(&q, &rvm_ed25519_base_table[rows[r]][j], sizeof q);
        }
    }
}
END_TEST

/* The comb, the wNAF path and plain doubling agree on [a]B for edge scalars. */
START_TEST(base_mult_paths_agree)
{
    rvm_ed25519_p3_t b;
    ck_assert(rvm_ed25519_p3_frombytes_vartime(&b, base_enc));
    uint8_t scalars[6][32];
    memset(scalars, 0, sizeof scalars);
    scalars[0][0] = 1;
    memset(scalars[1], 0xff, 32);
    scalars[1][31] = 0x7f; /* 2^255 - 1 */
    memcpy(scalars[2], order_l, 32);
    scalars[2][0]--; /* L - 1 */
    memset(scalars[3], 0x88, 32); /* every digit recentres to -8 */
    scalars[3][31] = 0x08;
    memset(scalars[4], 0x77, 32);
    memcpy(scalars[5], order_l, 32); /* [L]B is the identity */
    for (unsigned i = 0; i < 6u; i++) {
        rvm_ed25519_p3_t h;
        uint8_t comb[32], wnaf[32], zero[32] = { 0 };
        rvm_ed25519_scalarmult_base(&h, scalars[i]);
        rvm_ed25519_p3_tobytes(comb, &h);
        rvm_ed25519_p2_t r;
        rvm_ed25519_double_scalarmult_vartime(&r, zero, &b, scalars[i]);
        rvm_ed25519_p2_tobytes(wnaf, &r);
        ck_assert_mem_eq(comb, wnaf, 32);
        /* And [a]B as the A side of the double multiplication. */
        rvm_ed25519_double_scalarmult_vartime(&r, scalars[i], &b, zero);
        rvm_ed25519_p2_tobytes(wnaf, &r);
        ck_assert_mem_eq(comb, wnaf, 32);
    }
    uint8_t id[32] = { 1 }, out[32];
    rvm_ed25519_p3_t h;
    rvm_ed25519_scalarmult_base(&h, order_l);
    rvm_ed25519_p3_tobytes(out, &h);
    ck_assert_mem_eq(out, id, 32);
    rvm_ed25519_scalarmult_base(&h, scalars[0]);
    rvm_ed25519_p3_tobytes(out, &h);
    ck_assert_mem_eq(out, base_enc, 32);
}
END_TEST

START_TEST(scalar_reduction)
{
    uint8_t wide[64], out[32], want[32];
    /* L itself reduces to 0 and L + 5 to 5. */
    memset(wide, 0, sizeof wide);
    memcpy(wide, order_l, 32);
    rvm_ed25519_sc_reduce64(out, wide);
    memset(want, 0, 32);
    ck_assert_mem_eq(out, want, 32);
    wide[0] = (uint8_t)(wide[0] + 5u);
    rvm_ed25519_sc_reduce64(out, wide);
    want[0] = 5;
    ck_assert_mem_eq(out, want, 32);
    /* (L - 1)(L - 1) + 3 = L^2 - 2L + 4 = 4 (mod L). */
    uint8_t lm1[32], three[32] = { 3 };
    memcpy(lm1, order_l, 32);
    lm1[0]--;
    rvm_ed25519_sc_muladd(out, lm1, lm1, three);
    memset(want, 0, 32);
    want[0] = 4;
    ck_assert_mem_eq(out, want, 32);
    /* (2^512 - 1) mod L, worked out with Python's integers. */
    memset(wide, 0xff, sizeof wide);
    rvm_ed25519_sc_reduce64(out, wide);
    unhex("000f9c44e31106a447938568a71b0ed065bef517d273ecce3d9a307c1b419903", want, sizeof want);
    ck_assert_mem_eq(out, want, 32);
}
END_TEST

/* Spec §19 test 56, adr142_ed25519_signer_round_trip, and more. */
START_TEST(signer_round_trip)
{
    uint8_t seed[32], digest[32], sig[64], id[32];
    unhex(rfc8032_vectors[0].seed, seed, sizeof seed);
    rvm_proof_ed25519_signer_t s;
    ck_assert_int_eq(rvm_proof_ed25519_signer_init(&s, seed), RVM_OK);
    s.base.signer_id(&s.base, id);
    uint8_t pk[32];
    unhex(rfc8032_vectors[0].public_key, pk, sizeof pk);
    ck_assert_mem_eq(s.key.public_key, pk, 32);
    /* signer_id = SHA-256(0x01 ‖ public key) (spec §7.7): non-zero and stable across inits. */
    uint8_t tagged[33], want_id[32], zero[32] = { 0 };
    tagged[0] = 0x01;
    memcpy(tagged + 1, pk, 32);
    rvm_sha256(tagged, sizeof tagged, want_id);
    ck_assert_mem_eq(id, want_id, 32);
    ck_assert(memcmp(id, zero, 32) != 0);
    rvm_proof_ed25519_signer_t again;
    uint8_t id2[32];
    ck_assert_int_eq(rvm_proof_ed25519_signer_init(&again, seed), RVM_OK);
    again.base.signer_id(&again.base, id2);
    ck_assert_mem_eq(id, id2, 32);
    rvm_sha256("witness", 7, digest);
    ck_assert_int_eq(s.base.sign(&s.base, digest, sig), RVM_OK);
    /* The signer's signature is plain Ed25519 over the 32 digest bytes. */
    ck_assert_int_eq(rvm_ed25519_verify(pk, digest, 32, sig), RVM_SIG_OK);
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_OK);
    digest[0] ^= 1u;
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
    digest[0] ^= 1u;
    sig[40] ^= 4u;
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
    sig[40] ^= 4u;
    ck_assert_int_eq(s.base.verify(&s.base, NULL, sig), RVM_SIG_MALFORMED_INPUT);
    ck_assert_int_eq(s.base.verify(&s.base, digest, NULL), RVM_SIG_MALFORMED_INPUT);
    ck_assert_int_eq(s.base.sign(&s.base, NULL, sig), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(s.base.sign(&s.base, digest, NULL), RVM_ERR_INVALID_ARGUMENT);
    /* Another key's signer rejects it. */
    rvm_proof_ed25519_signer_t other;
    seed[0] ^= 1u;
    ck_assert_int_eq(rvm_proof_ed25519_signer_init(&other, seed), RVM_OK);
    ck_assert_int_eq(other.base.verify(&other.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
    uint8_t other_id[32];
    other.base.signer_id(&other.base, other_id);
    ck_assert(memcmp(id, other_id, 32) != 0);
    /* A bad public key (here the identity, of order 1) is malformed input, not a bad signature. */
    memset(other.key.public_key, 0, 32);
    other.key.public_key[0] = 1;
    ck_assert_int_eq(other.base.verify(&other.base, digest, sig), RVM_SIG_MALFORMED_INPUT);
    rvm_ed25519_key_wipe(&s.key);
    rvm_ed25519_key_wipe(&again.key);
    rvm_ed25519_key_wipe(&other.key);
}
END_TEST

START_TEST(record_bridge)
{
    pfixture_t fx;
    px_open(&fx);
    uint8_t seed[32];
    unhex(rfc8032_vectors[1].seed, seed, sizeof seed);
    rvm_proof_ed25519_signer_t s;
    rvm_proof_record_signer_t bridge;
    ck_assert_int_eq(rvm_proof_ed25519_signer_init(&s, seed), RVM_OK);
    ck_assert_int_eq(rvm_proof_record_signer_init(&bridge, &s.base), RVM_OK);
    rvm_cap_handle_t h = px_root(&fx, 7, RVM_RIGHT_PROVE, 3);
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 1);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, NULL, NULL, 0, &bridge.base), RVM_OK);
    rvm_witness_record_t r = px_last(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PROOF_VERIFIED_P3);
    /* aux is the first 8 bytes of Ed25519(SHA-256(ser[0..52])), i.e. of R. */
    uint8_t ser[RVM_WITNESS_SIGNED_LEN];
    memcpy(ser, &r, RVM_WITNESS_SIGNED_LEN);
    uint8_t digest[32], sig[64];
    rvm_sha256(ser, sizeof ser, digest);
    ck_assert_int_eq(rvm_ed25519_sign(&s.key, digest, 32, sig), RVM_OK);
    ck_assert_mem_eq(r.aux, sig, RVM_WITNESS_AUX_SIZE);
    ck_assert(bridge.base.verify(&bridge.base, ser, r.aux));
    r.aux[3] ^= 1u;
    ck_assert(!bridge.base.verify(&bridge.base, ser, r.aux));
    r.aux[3] ^= 1u;
    ser[20] ^= 1u;
    ck_assert(!bridge.base.verify(&bridge.base, ser, r.aux));
    px_close(&fx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmproof-ed25519");
    TCase *tc = tcase_create("ed25519");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rfc8032_known_answers);
    tcase_add_test(tc, sha_abc_message_is_sha512);
    tcase_add_test(tc, arguments);
    tcase_add_test(tc, rejects_noncanonical_s);
    tcase_add_test(tc, rejects_bad_public_keys);
    tcase_add_test(tc, small_order_points);
    tcase_add_test(tc, rejects_noncanonical_r);
    tcase_add_test(tc, base_tables);
    tcase_add_test(tc, base_mult_paths_agree);
    tcase_add_test(tc, scalar_reduction);
    tcase_add_test(tc, signer_round_trip);
    tcase_add_test(tc, record_bridge);
    suite_add_tcase(s, tc);
    return px_run(s);
}
