/* Key derivation from the boot measurement (spec §7.8), with the spec's KATs. */
#include <stdio.h>
#include <string.h>

#include <rvm/proof_keys.h>

#include "fixture.h"

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    }
}

START_TEST(dev_measurement_kat)
{
    uint8_t m[32];
    char s[65];
    rvm_proof_dev_measurement(m);
    hex(m, 32, s);
    ck_assert_str_eq(s, "0005b01c082ef6c511627149fcad058763165ab7cdfd42190d625fc63eefc249");
}
END_TEST

START_TEST(witness_key_kat)
{
    uint8_t m[32];
    uint8_t k[32];
    char s[65];
    rvm_proof_dev_measurement(m);
    ck_assert_int_eq(rvm_proof_derive_key(m, 1, RVM_PROOF_KEY_WITNESS, k), RVM_OK);
    hex(k, 32, s);
    ck_assert_str_eq(s, "9ef3c40e1e0d6adfb85f34ec48c0db48af45dc8a01a5c4ef742b5fa0dc5784c9");
    rvm_proof_key_bundle_t b;
    ck_assert_int_eq(rvm_proof_derive_bundle(m, 1, &b), RVM_OK);
    ck_assert_mem_eq(b.witness, k, 32);
}
END_TEST

START_TEST(isolation)
{
    uint8_t m[32];
    rvm_proof_dev_measurement(m);
    rvm_proof_key_bundle_t b[4];
    for (uint32_t p = 0; p < 4; p++) {
        ck_assert_int_eq(rvm_proof_derive_bundle(m, p, &b[p]), RVM_OK);
    }
    const uint8_t *keys[12];
    for (unsigned p = 0; p < 4; p++) {
        keys[3 * p] = b[p].witness;
        keys[3 * p + 1] = b[p].attestation;
        keys[3 * p + 2] = b[p].ipc;
        uint8_t k[32];
        ck_assert_int_eq(rvm_proof_derive_key(m, p, RVM_PROOF_KEY_ATTESTATION, k), RVM_OK);
        ck_assert_mem_eq(b[p].attestation, k, 32);
        ck_assert_int_eq(rvm_proof_derive_key(m, p, RVM_PROOF_KEY_IPC, k), RVM_OK);
        ck_assert_mem_eq(b[p].ipc, k, 32);
    }
    for (unsigned i = 0; i < 12; i++) {
        for (unsigned j = i + 1; j < 12; j++) {
            ck_assert_msg(memcmp(keys[i], keys[j], 32) != 0, "keys %u and %u equal", i, j);
        }
    }
    /* Another measurement, another key. */
    uint8_t k1[32];
    uint8_t k2[32];
    ck_assert_int_eq(rvm_proof_derive_key(m, 1, RVM_PROOF_KEY_WITNESS, k1), RVM_OK);
    m[31] ^= 1u;
    ck_assert_int_eq(rvm_proof_derive_key(m, 1, RVM_PROOF_KEY_WITNESS, k2), RVM_OK);
    ck_assert_mem_ne(k1, k2, 32);
}
END_TEST

START_TEST(bad_arguments)
{
    uint8_t m[32] = { 0 };
    uint8_t k[32];
    rvm_proof_key_bundle_t b;
    ck_assert_int_eq(rvm_proof_derive_key(NULL, 1, 0, k), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_derive_key(m, 1, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_derive_key(m, 1, 3, k), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_derive_bundle(NULL, 1, &b), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_derive_bundle(m, 1, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmproof-keys");
    TCase *tc = tcase_create("keys");
    tcase_add_test(tc, dev_measurement_kat);
    tcase_add_test(tc, witness_key_kat);
    tcase_add_test(tc, isolation);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return px_run(s);
}
