/* SHA-512: FIPS 180-4 / NIST known answers and a differential check against libsodium's crypto_hash_sha512. */
#include <check.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/sha512.h>

static void hex_encode(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

static void check_digest(const uint8_t d[RVM_SHA512_DIGEST_LEN], const char *want)
{
    char hex[2 * RVM_SHA512_DIGEST_LEN + 1];
    hex_encode(d, RVM_SHA512_DIGEST_LEN, hex);
    ck_assert_str_eq(hex, want);
}

struct kat {
    const char *msg;
    const char *digest;
};

/* FIPS 180-4 examples (NIST CSRC "SHA512.pdf"): empty, "abc", the 896-bit two-block message, and the 448-bit one. */
static const struct kat kats[] = {
    { "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
    { "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
      "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
      "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
};

START_TEST(fips_known_answers)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        uint8_t d[RVM_SHA512_DIGEST_LEN];
        rvm_sha512(kats[i].msg, strlen(kats[i].msg), d);
        check_digest(d, kats[i].digest);
        /* Byte by byte through the incremental interface gives the same digest. */
        rvm_sha512_ctx_t ctx;
        rvm_sha512_init(&ctx);
        for (size_t j = 0; kats[i].msg[j] != '\0'; j++) {
            rvm_sha512_update(&ctx, kats[i].msg + j, 1);
        }
        rvm_sha512_final(&ctx, d);
        check_digest(d, kats[i].digest);
    }
}
END_TEST

START_TEST(one_million_a)
{
    static uint8_t a[1000000];
    memset(a, 'a', sizeof a);
    uint8_t d[RVM_SHA512_DIGEST_LEN];
    rvm_sha512(a, sizeof a, d);
    const char *want = "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
                       "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";
    check_digest(d, want);
    /* In 1000-byte pieces, as a streaming caller would. */
    rvm_sha512_ctx_t ctx;
    rvm_sha512_init(&ctx);
    for (size_t off = 0; off < sizeof a; off += 1000u) {
        rvm_sha512_update(&ctx, a + off, 1000u);
    }
    rvm_sha512_final(&ctx, d);
    check_digest(d, want);
}
END_TEST

/* Every length 0..600 (all padding boundaries: 111, 112, 127, 128, 239, 240, ...) in uneven pieces. */
START_TEST(matches_libsodium)
{
    static const size_t splits[] = { 1, 5, 17, 111, 112, 127, 128, 129, 255 };
    uint8_t msg[600];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < sizeof msg; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        msg[i] = (uint8_t)x;
    }
    for (size_t len = 0; len <= sizeof msg; len++) {
        uint8_t want[crypto_hash_sha512_BYTES];
        crypto_hash_sha512(want, msg, len);
        uint8_t got[RVM_SHA512_DIGEST_LEN];
        rvm_sha512(msg, len, got);
        ck_assert_mem_eq(got, want, sizeof want);
        rvm_sha512_ctx_t ctx;
        rvm_sha512_init(&ctx);
        size_t off = 0;
        for (size_t k = len; off < len; k++) {
            size_t take = splits[k % (sizeof splits / sizeof splits[0])];
            if (take > len - off) {
                take = len - off;
            }
            rvm_sha512_update(&ctx, msg + off, take);
            off += take;
        }
        rvm_sha512_final(&ctx, got);
        ck_assert_mem_eq(got, want, sizeof want);
    }
}
END_TEST

START_TEST(final_wipes_context)
{
    rvm_sha512_ctx_t ctx;
    rvm_sha512_init(&ctx);
    rvm_sha512_update(&ctx, "secret", 6);
    uint8_t d[RVM_SHA512_DIGEST_LEN];
    rvm_sha512_final(&ctx, d);
    static const rvm_sha512_ctx_t zero;
    ck_assert_mem_eq(&ctx, &zero, sizeof ctx);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0) {
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("sha512");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fips_known_answers);
    tcase_add_test(tc, one_million_a);
    tcase_add_test(tc, matches_libsodium);
    tcase_add_test(tc, final_wipes_context);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
