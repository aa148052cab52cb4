/* Proof objects and Merkle paths (spec §7.2), with the spec's FNV KAT. */
#include <string.h>

#include <rvm/proof_object.h>
#include <rvm/sha256.h>

#include "fixture.h"

static const uint8_t fnv_abc[32] = { 0x4b, 0x57, 0x41, 0x05, 0x19, 0xa2, 0x1f, 0xe7 };

START_TEST(fnv_kat)
{
    uint8_t c[32];
    ck_assert_int_eq(rvm_proof_hash_commitment("abc", 3, RVM_PROOF_OBJ_FNV_FALLBACK, c), RVM_OK);
    ck_assert_mem_eq(c, fnv_abc, 32);
    rvm_proof_obj_t p;
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_HASH, fnv_abc, "abc", 3), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, fnv_abc, RVM_PROOF_OBJ_FNV_FALLBACK), RVM_OK);
    /* The default is SHA-256, under which the FNV commitment is wrong. */
    ck_assert_int_eq(rvm_proof_obj_verify(&p, fnv_abc, 0), RVM_ERR_PROOF_INVALID);
}
END_TEST

START_TEST(hash_sha256)
{
    uint8_t c[32];
    uint8_t want[32];
    rvm_sha256("abc", 3, want);
    ck_assert_int_eq(rvm_proof_hash_commitment("abc", 3, 0, c), RVM_OK);
    ck_assert_mem_eq(c, want, 32);
    rvm_proof_obj_t p;
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_HASH, c, "abc", 3), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_OK);
    uint8_t other[32];
    memcpy(other, c, 32);
    other[31] ^= 1u;
    ck_assert_int_eq(rvm_proof_obj_verify(&p, other, 0), RVM_ERR_PROOF_INVALID);   /* commitment mismatch */
    p.data[0] ^= 1u;
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_ERR_PROOF_INVALID);       /* preimage mismatch */
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_HASH, c, NULL, 0), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_ERR_PROOF_INVALID);       /* empty data */
}
END_TEST

START_TEST(truncation)
{
    uint8_t big[100];
    for (unsigned i = 0; i < sizeof big; i++) {
        big[i] = (uint8_t)i;
    }
    uint8_t c[32];
    ck_assert_int_eq(rvm_proof_hash_commitment(big, 64, 0, c), RVM_OK);
    rvm_proof_obj_t p;
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_HASH, c, big, sizeof big), RVM_OK);
    ck_assert_uint_eq(p.data_len, 64);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_OK);
}
END_TEST

static void link(uint8_t *d, uint64_t prev, uint64_t rec)
{
    for (unsigned i = 0; i < 8; i++) {
        d[i] = (uint8_t)(prev >> (8 * i));
        d[8 + i] = (uint8_t)(rec >> (8 * i));
    }
}

START_TEST(witness_links)
{
    uint8_t c[32] = { 9 };
    uint8_t d[64];
    link(d, 1, 2);
    link(d + 16, 2, 3);
    link(d + 32, 3, 4);
    link(d + 48, 4, 5);
    rvm_proof_obj_t p;
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_WITNESS, c, d, 64), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_OK);
    p.data[40] ^= 1u;   /* third link's record_hash no longer matches the fourth's prev_hash */
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_ERR_PROOF_INVALID);
    /* One link plus trailing bytes: the trailing bytes are ignored. */
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_WITNESS, c, d, 31), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_WITNESS, c, d, 15), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_ERR_PROOF_INVALID);
}
END_TEST

START_TEST(zk_and_bad_input)
{
    uint8_t c[32] = { 0 };
    rvm_proof_obj_t p;
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_ZK, c, "x", 1), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_ERR_UNSUPPORTED);
    ck_assert_int_eq(rvm_proof_obj_init(&p, 7, c, "x", 1), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_ERR_INVALID_ARGUMENT);
    p.tier = RVM_PROOF_OBJ_HASH;
    p.data_len = 65;
    ck_assert_int_eq(rvm_proof_obj_verify(&p, c, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_obj_verify(NULL, c, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_obj_verify(&p, NULL, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_obj_init(NULL, 0, c, "x", 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_obj_init(&p, 0, NULL, "x", 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_obj_init(&p, 0, c, NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_hash_commitment(NULL, 1, 0, c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_hash_commitment("x", 1, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(with_cap)
{
    uint8_t c[32];
    ck_assert_int_eq(rvm_proof_hash_commitment("abc", 3, 0, c), RVM_OK);
    rvm_proof_obj_t p;
    ck_assert_int_eq(rvm_proof_obj_init(&p, RVM_PROOF_OBJ_HASH, c, "abc", 3), RVM_OK);
    ck_assert_int_eq(rvm_proof_obj_verify_with_cap(&p, c, 0, RVM_RIGHT_READ), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_proof_obj_verify_with_cap(&p, c, 0, RVM_RIGHT_PROVE), RVM_OK);
}
END_TEST

static void pair(const uint8_t *l, const uint8_t *r, uint8_t *out)
{
    uint8_t b[64];
    memcpy(b, l, 32);
    memcpy(b + 32, r, 32);
    rvm_sha256(b, 64, out);
}

START_TEST(merkle)
{
    /* Four leaves: root = H(H(l0 ‖ l1) ‖ H(l2 ‖ l3)). */
    uint8_t l[4][32];
    for (unsigned i = 0; i < 4; i++) {
        memset(l[i], (int)(0x10 + i), 32);
    }
    uint8_t n01[32];
    uint8_t n23[32];
    uint8_t root[32];
    pair(l[0], l[1], n01);
    pair(l[2], l[3], n23);
    pair(n01, n23, root);
    uint8_t path2[2][32];
    memcpy(path2[0], l[3], 32);
    memcpy(path2[1], n01, 32);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[2], (const uint8_t(*)[32])path2, 2, 2, root), RVM_OK);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[2], (const uint8_t(*)[32])path2, 2, 3, root), RVM_ERR_PROOF_INVALID);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[3], (const uint8_t(*)[32])path2, 2, 2, root), RVM_ERR_PROOF_INVALID);
    uint8_t path0[2][32];
    memcpy(path0[0], l[1], 32);
    memcpy(path0[1], n23, 32);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[0], (const uint8_t(*)[32])path0, 2, 0, root), RVM_OK);
    ck_assert_int_eq(rvm_proof_merkle_verify(root, NULL, 0, 0, root), RVM_OK);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[0], (const uint8_t(*)[32])path0, 2, 4, root), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[0], (const uint8_t(*)[32])path0, 33, 0, root), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[0], NULL, 1, 0, root), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_merkle_verify(NULL, (const uint8_t(*)[32])path0, 2, 0, root), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_merkle_verify(l[0], (const uint8_t(*)[32])path0, 2, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmproof-object");
    TCase *tc = tcase_create("object");
    tcase_add_test(tc, fnv_kat);
    tcase_add_test(tc, hash_sha256);
    tcase_add_test(tc, truncation);
    tcase_add_test(tc, witness_links);
    tcase_add_test(tc, zk_and_bad_input);
    tcase_add_test(tc, with_cap);
    tcase_add_test(tc, merkle);
    suite_add_tcase(s, tc);
    return px_run(s);
}
