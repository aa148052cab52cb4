/* HMAC-SHA256: RFC 4231 known answers and a differential check against libsodium, on every SHA-256 implementation. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/hmac.h>
#include <rvm/sha256.h>

#include "sha256_test_util.h"

/* Key and data are given as hex, exactly as RFC 4231 section 4 prints them. */
struct rfc4231_case {
    const char *key;
    const char *data;
    const char *mac; /* case 5 gives only the first 128 bits */
};

static const struct rfc4231_case rfc4231[] = {
    /* 1 */
    { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
    /* 2 */
    { "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
    /* 3 */
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
    /* 4 */
    { "0102030405060708090a0b0c0d0e0f10111213141516171819",
      "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
    /* 5 */
    { "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
      "a3b6167473100ee06e0c796c2955552b" },
    /* 6 */
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
    /* 7 */
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061"
      "206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564"
      "206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

/* The three entry points must agree: raw key, prepared key, and incremental in odd-sized pieces. */
static void hmac_three_ways(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, size_t piece,
                            uint8_t out[3][32])
{
    rvm_hmac_sha256(key, key_len, msg, len, out[0]);

    rvm_hmac_sha256_key_t k;
    rvm_hmac_sha256_key_init(&k, key, key_len);
    rvm_hmac_sha256_keyed(&k, msg, len, out[1]);

    rvm_hmac_sha256_ctx_t ctx;
    rvm_hmac_sha256_init(&ctx, &k);
    for (size_t off = 0; off < len; off += piece) {
        rvm_hmac_sha256_update(&ctx, msg + off, len - off < piece ? len - off : piece);
    }
    rvm_hmac_sha256_final(&ctx, out[2]);
    static const rvm_hmac_sha256_ctx_t zero;
    ck_assert(memcmp(&ctx, &zero, sizeof ctx) == 0);
}

START_TEST(rfc4231_test_cases_1_to_7)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    static const size_t pieces[] = { 1, 3, 7, 64, 1000 };
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        for (size_t c = 0; c < sizeof rfc4231 / sizeof rfc4231[0]; c++) {
            uint8_t key[256];
            uint8_t data[256];
            uint8_t want[32];
            size_t key_len = hex_decode(rfc4231[c].key, key, sizeof key);
            size_t data_len = hex_decode(rfc4231[c].data, data, sizeof data);
            size_t mac_len = hex_decode(rfc4231[c].mac, want, sizeof want);
            ck_assert_uint_eq(mac_len, c == 4 ? 16 : 32);
            for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
                uint8_t got[3][32];
                hmac_three_ways(key, key_len, data, data_len, pieces[p], got);
                for (int way = 0; way < 3; way++) {
                    ck_assert_msg(memcmp(got[way], want, mac_len) == 0, "%s case %zu way %d piece %zu",
                                  rvm_sha256_impl_name(impls[i]), c + 1, way, pieces[p]);
                }
            }
        }
    }
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

static const size_t key_lens[] = { 0, 1, 16, 32, 55, 63, 64, 65, 100, 128, 129, 200 };
#define N_KEY_LENS (sizeof key_lens / sizeof key_lens[0])
static const size_t msg_lens[] = { 0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129 };
#define N_MSG_LENS (sizeof msg_lens / sizeof msg_lens[0])
#define DIFF_CASES 10000
#define DIFF_MAX_LEN 5000
#define DIFF_MAX_KEY 200

START_TEST(differential_against_libsodium)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    uint8_t *msg = malloc(DIFF_MAX_LEN);
    uint8_t key[DIFF_MAX_KEY];
    ck_assert_ptr_nonnull(msg);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        rng_seed(0x5eed0004);
        for (int c = 0; c < DIFF_CASES; c++) {
            size_t key_len;
            size_t len;
            /* Every pairing of the boundary key and message lengths first, then random ones. */
            if (c < (int)(N_KEY_LENS * N_MSG_LENS)) {
                key_len = key_lens[(size_t)c / N_MSG_LENS];
                len = msg_lens[(size_t)c % N_MSG_LENS];
            } else {
                key_len = (size_t)(rng_next() % (DIFF_MAX_KEY + 1));
                len = (size_t)(rng_next() % (DIFF_MAX_LEN + 1));
            }
            rng_fill(key, key_len);
            rng_fill(msg, len);

            uint8_t want[32];
            crypto_auth_hmacsha256_state st;
            crypto_auth_hmacsha256_init(&st, key, key_len);
            crypto_auth_hmacsha256_update(&st, msg, len);
            crypto_auth_hmacsha256_final(&st, want);

            uint8_t got[32];
            if (c % 2 == 0) {
                rvm_hmac_sha256(key, key_len, msg, len, got);
            } else {
                size_t piece = (size_t)(rng_next() % 150) + 1;
                rvm_hmac_sha256_key_t k;
                rvm_hmac_sha256_ctx_t ctx;
                rvm_hmac_sha256_key_init(&k, key, key_len);
                rvm_hmac_sha256_init(&ctx, &k);
                for (size_t off = 0; off < len; off += piece) {
                    rvm_hmac_sha256_update(&ctx, msg + off, len - off < piece ? len - off : piece);
                }
                rvm_hmac_sha256_final(&ctx, got);
            }
            ck_assert_msg(memcmp(got, want, 32) == 0, "%s case %d key_len %zu len %zu", rvm_sha256_impl_name(impls[i]),
                          c, key_len, len);
        }
    }
    free(msg);
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

START_TEST(prepared_key_is_reusable)
{
    uint8_t key[32];
    rng_seed(0x5eed0005);
    rng_fill(key, sizeof key);
    rvm_hmac_sha256_key_t k;
    rvm_hmac_sha256_key_init(&k, key, sizeof key);
    rvm_hmac_sha256_key_t copy = k;
    for (size_t len = 0; len < 300; len += 7) {
        uint8_t msg[300];
        uint8_t got[32];
        uint8_t want[32];
        rng_fill(msg, len);
        rvm_hmac_sha256_keyed(&k, msg, len, got);
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, key, sizeof key);
        crypto_auth_hmacsha256_update(&st, msg, len);
        crypto_auth_hmacsha256_final(&st, want);
        ck_assert_msg(memcmp(got, want, 32) == 0, "len %zu", len);
    }
    ck_assert(memcmp(&k, &copy, sizeof k) == 0);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0) {
        return 1;
    }
    Suite *s = suite_create("rvmtypes-hmac");
    TCase *tc = tcase_create("hmac");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rfc4231_test_cases_1_to_7);
    tcase_add_test(tc, differential_against_libsodium);
    tcase_add_test(tc, prepared_key_is_reusable);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
