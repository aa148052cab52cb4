/* The software TEE pipeline (spec §7.9): provider, verifier check order, collateral, TEE-backed signer. */
#include <string.h>

#include <rvm/proof_tee.h>
#include <rvm/sha256.h>

#include "fixture.h"

static const uint8_t key[16] = "tee-provider-key";
static uint8_t meas[32];
static uint8_t report[64];
static rvm_tee_sw_provider_t prov;
static rvm_tee_verifier_t ver;

static void setup(void)
{
    memset(meas, 0xAB, sizeof meas);
    memset(report, 0x5E, sizeof report);
    ck_assert_int_eq(rvm_tee_sw_provider_init(&prov, RVM_TEE_TDX, meas, key, sizeof key), RVM_OK);
    ck_assert_int_eq(rvm_tee_verifier_init(&ver, meas, key, sizeof key, 0), RVM_OK);
}

START_TEST(quote_layout)
{
    uint8_t q[256];
    ck_assert_int_eq(prov.base.quote(&prov.base, report, q), RVM_OK);
    ck_assert_mem_eq(q, "RVMq", 4);
    ck_assert_uint_eq(q[4], RVM_TEE_TDX);
    ck_assert_mem_eq(q + 5, meas, 32);
    ck_assert_mem_eq(q + 37, report, 64);
    uint8_t mac[32];
    rvm_hmac_sha256(key, sizeof key, q, 101, mac);
    ck_assert_mem_eq(q + 101, mac, 32);
    for (unsigned i = 133; i < 256; i++) {
        ck_assert_uint_eq(q[i], 0);
    }
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, q, sizeof q, report), RVM_SIG_OK);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, q, 133, report), RVM_SIG_OK);
}
END_TEST

START_TEST(check_order)
{
    uint8_t q[256];
    ck_assert_int_eq(prov.base.quote(&prov.base, report, q), RVM_OK);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, q, 132, report), RVM_SIG_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, NULL, 256, report), RVM_SIG_MALFORMED_INPUT);
    /* Several faults at once: the earliest check in the order wins. */
    uint8_t bad[256];
    memcpy(bad, q, sizeof bad);
    bad[5] ^= 1u;    /* measurement */
    bad[40] ^= 1u;   /* report data */
    bad[4] = 0x09;   /* platform */
    bad[0] = 'X';    /* magic */
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_MALFORMED_INPUT);
    bad[0] = 'R';
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_UNSUPPORTED_PLATFORM);
    bad[4] = 0;
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_UNSUPPORTED_PLATFORM);
    bad[4] = RVM_TEE_TDX;
    rvm_tee_verifier_refresh_collateral(&ver, 5);
    rvm_tee_verifier_set_epoch(&ver, 5);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_EXPIRED_COLLATERAL);
    rvm_tee_verifier_set_epoch(&ver, 4);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_BAD_MEASUREMENT);
    bad[5] ^= 1u;
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_BAD_SIGNATURE);
    bad[40] ^= 1u;
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_OK);
    bad[120] ^= 1u;   /* the HMAC itself */
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_BAD_SIGNATURE);
    bad[120] ^= 1u;
    bad[4] = RVM_TEE_SGX;   /* a known platform, but the MAC covers the byte */
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, bad, 256, report), RVM_SIG_BAD_SIGNATURE);
}
END_TEST

START_TEST(collateral)
{
    uint8_t q[256];
    ck_assert_int_eq(prov.base.quote(&prov.base, report, q), RVM_OK);
    rvm_tee_verifier_set_epoch(&ver, 1000);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, q, 256, report), RVM_SIG_OK);   /* expiry 0: never expires */
    rvm_tee_verifier_refresh_collateral(&ver, 1000);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, q, 256, report), RVM_SIG_EXPIRED_COLLATERAL);
    rvm_tee_verifier_refresh_collateral(&ver, 1001);
    ck_assert_int_eq(rvm_tee_verify_quote(&ver, q, 256, report), RVM_SIG_OK);
}
END_TEST

START_TEST(tee_signer)
{
    const uint8_t skey[32] = { 1, 2, 3 };
    rvm_tee_signer_t s;
    ck_assert_int_eq(rvm_tee_signer_init(&s, &prov.base, &ver, skey, sizeof skey), RVM_OK);
    uint8_t digest[32];
    memset(digest, 0x44, sizeof digest);
    uint8_t sig[64];
    ck_assert_int_eq(s.base.sign(&s.base, digest, sig), RVM_OK);
    uint8_t mac[32];
    rvm_hmac_sha256(skey, sizeof skey, digest, 32, mac);
    ck_assert_mem_eq(sig, mac, 32);
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_OK);
    sig[0] ^= 1u;
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
    sig[0] ^= 1u;
    /* Expired collateral: self-attestation fails, so no signature and no verification. */
    rvm_tee_verifier_refresh_collateral(&ver, 3);
    rvm_tee_verifier_set_epoch(&ver, 3);
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_EXPIRED_COLLATERAL);
    ck_assert_int_eq(s.base.sign(&s.base, digest, sig), RVM_ERR_PROOF_INVALID);
    /* A TEE whose measurement differs from the verifier's expectation cannot sign either. */
    rvm_tee_verifier_refresh_collateral(&ver, 0);
    uint8_t other[32];
    memset(other, 0xCD, sizeof other);
    rvm_tee_sw_provider_t rogue;
    ck_assert_int_eq(rvm_tee_sw_provider_init(&rogue, RVM_TEE_TDX, other, key, sizeof key), RVM_OK);
    rvm_tee_signer_t rs;
    ck_assert_int_eq(rvm_tee_signer_init(&rs, &rogue.base, &ver, skey, sizeof skey), RVM_OK);
    ck_assert_int_eq(rs.base.sign(&rs.base, digest, sig), RVM_ERR_PROOF_INVALID);
    /* signer_id = SHA-256(0x03 ‖ platform ‖ measurement). */
    uint8_t pre[34];
    pre[0] = 0x03;
    pre[1] = RVM_TEE_TDX;
    memcpy(pre + 2, meas, 32);
    uint8_t want[32];
    uint8_t id[32];
    rvm_sha256(pre, sizeof pre, want);
    s.base.signer_id(&s.base, id);
    ck_assert_mem_eq(id, want, 32);
}
END_TEST

START_TEST(bad_arguments)
{
    rvm_tee_sw_provider_t p;
    rvm_tee_verifier_t v;
    rvm_tee_signer_t s;
    ck_assert_int_eq(rvm_tee_sw_provider_init(&p, 0, meas, key, sizeof key), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_sw_provider_init(&p, 5, meas, key, sizeof key), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_sw_provider_init(&p, RVM_TEE_CCA, meas, key, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_sw_provider_init(NULL, RVM_TEE_CCA, meas, key, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_sw_provider_init(&p, RVM_TEE_CCA, NULL, key, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_verifier_init(NULL, meas, key, 1, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_verifier_init(&v, meas, NULL, 1, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_signer_init(&s, NULL, &ver, key, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_signer_init(&s, &prov.base, NULL, key, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_tee_signer_init(&s, &prov.base, &ver, key, 0), RVM_ERR_INVALID_ARGUMENT);
    uint8_t q[256];
    ck_assert_int_eq(prov.base.quote(&prov.base, NULL, q), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmproof-tee");
    TCase *tc = tcase_create("tee");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, quote_layout);
    tcase_add_test(tc, check_order);
    tcase_add_test(tc, collateral);
    tcase_add_test(tc, tee_signer);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return px_run(s);
}
