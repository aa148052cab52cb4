/* 64-byte digest signers and the witness-record bridge (spec §7.7). */
#include <stdio.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/hmac.h>
#include <rvm/proof_signer.h>
#include <rvm/witness_verify.h>

#include "fixture.h"

static const uint8_t key11[32] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                   0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                   0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };

START_TEST(hmac_signer_id_kat)
{
    rvm_proof_hmac_signer_t s;
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&s, key11, 32, false), RVM_OK);
    uint8_t id[32];
    char hexid[65];
    s.base.signer_id(&s.base, id);
    for (unsigned i = 0; i < 32; i++) {
        snprintf(hexid + 2 * i, 3, "%02x", id[i]);
    }
    ck_assert_str_eq(hexid, "75eab96f3bb1223c495bd5efb299595b1c7198e202f95248e18ad92fa069f0e1");
}
END_TEST

START_TEST(hmac_sign_verify)
{
    rvm_proof_hmac_signer_t s;
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&s, key11, 32, false), RVM_OK);
    uint8_t digest[32];
    memset(digest, 0x77, sizeof digest);
    uint8_t sig[64];
    ck_assert_int_eq(s.base.sign(&s.base, digest, sig), RVM_OK);
    uint8_t mac[32];
    rvm_hmac_sha256(key11, 32, digest, 32, mac);
    ck_assert_mem_eq(sig, mac, 32);
    for (unsigned i = 32; i < 64; i++) {
        ck_assert_uint_eq(sig[i], 0);
    }
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_OK);
    for (unsigned i = 0; i < 64; i += 7) {
        sig[i] ^= 1u;
        ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
        sig[i] ^= 1u;
    }
    digest[0] ^= 1u;
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
    ck_assert_int_eq(s.base.verify(&s.base, NULL, sig), RVM_SIG_MALFORMED_INPUT);
    ck_assert_int_eq(s.base.sign(&s.base, NULL, sig), RVM_ERR_INVALID_ARGUMENT);
    /* Another key does not verify it. */
    rvm_proof_hmac_signer_t other;
    uint8_t key22[32];
    memset(key22, 0x22, sizeof key22);
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&other, key22, 32, false), RVM_OK);
    digest[0] ^= 1u;
    ck_assert_int_eq(other.base.verify(&other.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
}
END_TEST

START_TEST(dual_hmac)
{
    rvm_proof_hmac_signer_t s;
    rvm_proof_hmac_signer_t single;
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&s, key11, 32, true), RVM_OK);
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&single, key11, 32, false), RVM_OK);
    uint8_t digest[32];
    memset(digest, 0x01, sizeof digest);
    uint8_t sig[64];
    uint8_t t[32];
    ck_assert_int_eq(s.base.sign(&s.base, digest, sig), RVM_OK);
    rvm_hmac_sha256(key11, 32, digest, 32, t);
    ck_assert_mem_eq(sig, t, 32);
    rvm_hmac_sha256(key11, 32, sig, 32, t);
    ck_assert_mem_eq(sig + 32, t, 32);
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_OK);
    sig[40] ^= 1u;
    ck_assert_int_eq(s.base.verify(&s.base, digest, sig), RVM_SIG_BAD_SIGNATURE);
    /* Expected id: SHA-256(0x04 ‖ SHA-256(key) ‖ "rvm-dual-hmac"). */
    uint8_t pre[1 + 32 + 13];
    pre[0] = 0x04;
    rvm_sha256(key11, 32, pre + 1);
    memcpy(pre + 33, "rvm-dual-hmac", 13);
    uint8_t want[32];
    uint8_t id[32];
    uint8_t id1[32];
    rvm_sha256(pre, sizeof pre, want);
    s.base.signer_id(&s.base, id);
    single.base.signer_id(&single.base, id1);
    ck_assert_mem_eq(id, want, 32);
    ck_assert_mem_ne(id, id1, 32);
}
END_TEST

START_TEST(init_arguments)
{
    rvm_proof_hmac_signer_t s;
    rvm_proof_record_signer_t b;
    ck_assert_int_eq(rvm_proof_hmac_signer_init(NULL, key11, 32, false), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&s, NULL, 32, false), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&s, key11, 0, false), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_record_signer_init(NULL, &s.base), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_record_signer_init(&b, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(record_bridge)
{
    pfixture_t fx;
    px_open(&fx);
    rvm_proof_hmac_signer_t s;
    rvm_proof_record_signer_t bridge;
    ck_assert_int_eq(rvm_proof_hmac_signer_init(&s, key11, 32, false), RVM_OK);
    ck_assert_int_eq(rvm_proof_record_signer_init(&bridge, &s.base), RVM_OK);
    rvm_cap_handle_t h = px_root(&fx, 7, RVM_RIGHT_PROVE, 3);
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 1);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, NULL, NULL, 0, &bridge.base), RVM_OK);
    rvm_witness_record_t r = px_last(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PROOF_VERIFIED_P3);
    /* aux is the first 8 bytes of HMAC(key, SHA-256(ser[0..52])). */
    uint8_t ser[RVM_WITNESS_SIGNED_LEN];
    memcpy(ser, &r, RVM_WITNESS_SIGNED_LEN);
    uint8_t digest[32];
    uint8_t mac[32];
    rvm_sha256(ser, sizeof ser, digest);
    rvm_hmac_sha256(key11, 32, digest, 32, mac);
    ck_assert_mem_eq(r.aux, mac, RVM_WITNESS_AUX_SIZE);
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
    Suite *s = suite_create("rvmproof-signer");
    TCase *tc = tcase_create("signer");
    tcase_add_test(tc, hmac_signer_id_kat);
    tcase_add_test(tc, hmac_sign_verify);
    tcase_add_test(tc, dual_hmac);
    tcase_add_test(tc, init_arguments);
    tcase_add_test(tc, record_bridge);
    suite_add_tcase(s, tc);
    return px_run(s);
}
