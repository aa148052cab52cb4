/*
 * Ed25519 against libsodium (the reference only): for 10,000 seeded random keys
 * and messages the public keys and signatures are byte-identical, both verify,
 * and for every corrupted variant both verifiers give the same answer (reject);
 * mixed-order keys and nonces, where verifier families differ, agree too.
 */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/proof_ed25519.h>
#include <rvm/sha512.h>

#include "ed25519_point.h"
#include "ed25519_scalar.h"

#ifndef ED25519_DIFF_ROUNDS
#define ED25519_DIFF_ROUNDS 10000u
#endif

#define MAX_MSG 300u

static uint64_t rng_state = 0x243F6A8885A308D3ull;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(rng() >> 56);
    }
}

static const uint8_t order_l[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                     0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10 };

/* Encodings of small-order points: y in {0, 1, -1, ±y8}, and the non-canonical p and p + 1. */
static const uint8_t small_order[7][32] = {
    { 0 },
    { 1 },
    { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
    { 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
      0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05 },
    { 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
      0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a },
    { 0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
    { 0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
};

enum corruption {
    FLIP_SIG,
    FLIP_MSG,
    FLIP_PK,
    S_PLUS_L,
    SMALL_R,
    SMALL_A,
    NONCANON_R,
    NONCANON_A,
    N_CORRUPTIONS
};

static unsigned accepted_by_both;
static unsigned rejected_by_both;

/* Both verifiers must agree on (pk, msg, sig), and agree with `want`. */
static void both(const uint8_t pk[32], const uint8_t *msg, size_t len, const uint8_t sig[64], bool want, unsigned round,
                 int what)
{
    bool ours = rvm_ed25519_verify(pk, msg, len, sig) == RVM_SIG_OK;
    bool theirs = crypto_sign_ed25519_verify_detached(sig, msg, len, pk) == 0;
    ck_assert_msg(ours == theirs, "round %u, case %d: ours %d, libsodium %d", round, what, ours, theirs);
    ck_assert_msg(ours == want, "round %u, case %d: both %d, expected %d", round, what, ours, want);
    if (ours) {
        accepted_by_both++;
    } else {
        rejected_by_both++;
    }
}

/* p + k for k < 19: y >= p. */
static void noncanonical_y(uint8_t out[32])
{
    memset(out, 0xff, 32);
    out[31] = (uint8_t)(0x7f | (rng() & 0x80u));
    out[0] = (uint8_t)(0xed + rng() % 19u);
}

START_TEST(matches_libsodium)
{
    static uint8_t msg[MAX_MSG + 1];
    for (unsigned round = 0; round < ED25519_DIFF_ROUNDS; round++) {
        uint8_t seed[32];
        rng_fill(seed, sizeof seed);
        size_t len = (size_t)(rng() % (MAX_MSG + 1u));
        rng_fill(msg, len);

        rvm_ed25519_key_t key;
        ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
        uint8_t spk[crypto_sign_ed25519_PUBLICKEYBYTES], ssk[crypto_sign_ed25519_SECRETKEYBYTES];
        ck_assert_int_eq(crypto_sign_ed25519_seed_keypair(spk, ssk, seed), 0);
        ck_assert_mem_eq(key.public_key, spk, 32);

        uint8_t sig[64], ssig[64];
        ck_assert_int_eq(rvm_ed25519_sign(&key, msg, len, sig), RVM_OK);
        ck_assert_int_eq(crypto_sign_ed25519_detached(ssig, NULL, msg, len, ssk), 0);
        ck_assert_mem_eq(sig, ssig, 64);
        both(spk, msg, len, sig, true, round, -1);

        /* One corruption per round, cycling, so every kind is met 10,000 / 8 times. */
        uint8_t pk[32], bad[64];
        memcpy(pk, spk, 32);
        memcpy(bad, sig, 64);
        const int what = (int)(round % N_CORRUPTIONS);
        switch (what) {
        case FLIP_SIG: {
            unsigned bit = (unsigned)(rng() % 512u);
            bad[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
            break;
        }
        case FLIP_MSG:
            if (len == 0) {
                msg[0] = 0;
                len = 1;
            } else {
                unsigned bit = (unsigned)(rng() % (len * 8u));
                msg[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
            }
            break;
        case FLIP_PK: {
            unsigned bit = (unsigned)(rng() % 256u);
            pk[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
            break;
        }
        case S_PLUS_L: {
            unsigned carry = 0;
            for (unsigned i = 0; i < 32u; i++) {
                unsigned t = (unsigned)bad[32 + i] + order_l[i] + carry;
                bad[32 + i] = (uint8_t)t;
                carry = t >> 8;
            }
            break;
        }
        case SMALL_R:
            memcpy(bad, small_order[rng() % 7u], 32);
            bad[31] = (uint8_t)(bad[31] | (rng() & 0x80u));
            break;
        case SMALL_A:
            memcpy(pk, small_order[rng() % 7u], 32);
            pk[31] = (uint8_t)(pk[31] | (rng() & 0x80u));
            break;
        case NONCANON_R:
            noncanonical_y(bad);
            break;
        default:
            noncanonical_y(pk);
            break;
        }
        both(pk, msg, len, bad, false, round, what);
        rvm_ed25519_key_wipe(&key);
    }
    ck_assert_uint_eq(accepted_by_both, ED25519_DIFF_ROUNDS);
    ck_assert_uint_eq(rejected_by_both, ED25519_DIFF_ROUNDS);
}
END_TEST

static void point_add(rvm_ed25519_p3_t *r, const rvm_ed25519_p3_t *p, const rvm_ed25519_p3_t *q)
{
    rvm_ed25519_cached_t c;
    rvm_ed25519_p1p1_t t;
    rvm_ed25519_p3_to_cached(&c, q);
    rvm_ed25519_add_cached(&t, p, &c, false);
    rvm_ed25519_p1p1_to_p3(r, &t);
}

/* R ‖ S over (R, pk, msg) for nonce r and secret scalar a, with any R and pk the caller chooses. */
static void forge(uint8_t sig[64], const uint8_t r[32], const uint8_t a[32], const uint8_t pk[32], const uint8_t *msg,
                  size_t len, uint8_t k[32])
{
    uint8_t h[64];
    rvm_sha512_ctx_t ctx;
    rvm_sha512_init(&ctx);
    rvm_sha512_update(&ctx, sig, 32);
    rvm_sha512_update(&ctx, pk, 32);
    rvm_sha512_update(&ctx, msg, len);
    rvm_sha512_final(&ctx, h);
    rvm_ed25519_sc_reduce64(k, h);
    rvm_ed25519_sc_muladd(sig + 32, k, a, r);
}

/*
 * Mixed-order keys and nonces, where cofactorless and cofactored verifiers
 * part ways: with A' = A + T (T of order 8) and S = r + k a, [S]B - [k]A' =
 * R - [k]T, which is R exactly when 8 divides k. Both verifiers must accept
 * exactly those, and both must refuse R' = R + T, whatever k is.
 */
START_TEST(mixed_order_matches_libsodium)
{
    rvm_ed25519_p3_t t8;
    ck_assert(rvm_ed25519_p3_frombytes_vartime(&t8, small_order[3]));
    unsigned accepted = 0;
    uint8_t msg[32];
    for (unsigned round = 0; round < 400u; round++) {
        uint8_t seed[32], wide[64], r[32], k[32], pk[32], sig[64];
        rng_fill(seed, sizeof seed);
        rng_fill(wide, sizeof wide);
        rng_fill(msg, sizeof msg);
        rvm_ed25519_key_t key;
        ck_assert_int_eq(rvm_ed25519_key_from_seed(&key, seed), RVM_OK);
        rvm_ed25519_sc_reduce64(r, wide);
        rvm_ed25519_p3_t a, rp, sum;
        ck_assert(rvm_ed25519_p3_frombytes_vartime(&a, key.public_key));
        rvm_ed25519_scalarmult_base(&rp, r);
        if (round % 2u == 0u) {
            point_add(&sum, &a, &t8);
            rvm_ed25519_p3_tobytes(pk, &sum);
            rvm_ed25519_p3_tobytes(sig, &rp);
        } else {
            memcpy(pk, key.public_key, 32);
            point_add(&sum, &rp, &t8);
            rvm_ed25519_p3_tobytes(sig, &sum);
        }
        forge(sig, r, key.scalar, pk, msg, sizeof msg, k);
        const bool want = round % 2u == 0u && (k[0] & 7u) == 0u;
        both(pk, msg, sizeof msg, sig, want, round, 100);
        accepted += want ? 1u : 0u;
        rvm_ed25519_key_wipe(&key);
    }
    /* About one in eight of the 200 mixed-order keys lands on k = 0 (mod 8). */
    ck_assert_uint_gt(accepted, 5u);
}
END_TEST

/* Scalar arithmetic mod L against crypto_core_ed25519_scalar_reduce/mul/add. */
START_TEST(scalars_match_libsodium)
{
    for (unsigned round = 0; round < 2000u; round++) {
        uint8_t wide[64], ours[32], theirs[32];
        rng_fill(wide, sizeof wide);
        if (round < 4u) {
            memset(wide, round < 2u ? 0x00 : 0xff, sizeof wide);
        }
        rvm_ed25519_sc_reduce64(ours, wide);
        crypto_core_ed25519_scalar_reduce(theirs, wide);
        ck_assert_mem_eq(ours, theirs, 32);
        ck_assert(rvm_ed25519_sc_is_canonical(ours));

        uint8_t a[32], b[32], c[32], ab[32];
        rng_fill(a, 32);
        rng_fill(b, 32);
        rng_fill(c, 32);
        a[31] &= 0x1fu;
        b[31] &= 0x1fu;
        c[31] &= 0x1fu;
        rvm_ed25519_sc_muladd(ours, a, b, c);
        uint8_t ra[32], rb[32], rc[32], wa[64] = { 0 };
        memcpy(wa, a, 32);
        crypto_core_ed25519_scalar_reduce(ra, wa);
        memcpy(wa, b, 32);
        crypto_core_ed25519_scalar_reduce(rb, wa);
        memcpy(wa, c, 32);
        crypto_core_ed25519_scalar_reduce(rc, wa);
        crypto_core_ed25519_scalar_mul(ab, ra, rb);
        crypto_core_ed25519_scalar_add(theirs, ab, rc);
        ck_assert_mem_eq(ours, theirs, 32);
    }
}
END_TEST

int main(void)
{
    if (sodium_init() < 0) {
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("rvmproof-ed25519-sodium");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, matches_libsodium);
    tcase_add_test(tc, mixed_order_matches_libsodium);
    tcase_add_test(tc, scalars_match_libsodium);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
