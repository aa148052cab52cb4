/* RLE, algorithm 0: the spec's known answer, round trips and every rejection (spec §10.7). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/mem_rle.h>

START_TEST(spec_known_answer)
{
    const uint8_t in[] = { 0x00, 0x00, 0x00, 0x41, 0x42, 0x00 };
    const uint8_t want[] = { 0x06, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x41, 0x42, 0x00, 0x01, 0x00 };
    uint8_t out[64];
    size_t n = 0;
    ck_assert_int_eq(rvm_rle_compress(in, sizeof in, out, sizeof out, &n), RVM_OK);
    ck_assert_uint_eq(n, sizeof want);
    ck_assert_mem_eq(out, want, sizeof want);
    uint8_t back[6];
    size_t m = 0;
    ck_assert_int_eq(rvm_rle_decompress(out, n, back, sizeof back, &m), RVM_OK);
    ck_assert_uint_eq(m, 6);
    ck_assert_mem_eq(back, in, 6);
}
END_TEST

START_TEST(empty_and_long_runs)
{
    uint8_t out[64];
    size_t n = 0;
    ck_assert_int_eq(rvm_rle_compress(NULL, 0, out, sizeof out, &n), RVM_OK);
    ck_assert_uint_eq(n, 4);
    uint8_t back[1];
    size_t m = 9;
    ck_assert_int_eq(rvm_rle_decompress(out, n, back, 0, &m), RVM_OK);
    ck_assert_uint_eq(m, 0);
    /* Runs longer than 65535 split into capped blocks. */
    size_t len = 200000;
    uint8_t *big = calloc(len, 1);
    memset(big + 100000, 0x33, 70000);
    size_t cap = rvm_rle_compress_bound(len);
    uint8_t *c = malloc(cap);
    ck_assert_int_eq(rvm_rle_compress(big, len, c, cap, &n), RVM_OK);
    ck_assert_uint_eq(n, 4 + 3 + 3 + 3 + 65535 + 3 + 4465 + 3);
    uint8_t *d = malloc(len);
    ck_assert_int_eq(rvm_rle_decompress(c, n, d, len, &m), RVM_OK);
    ck_assert_uint_eq(m, len);
    ck_assert_mem_eq(d, big, len);
    free(big);
    free(c);
    free(d);
}
END_TEST

START_TEST(random_round_trips)
{
    uint64_t seed = 7;
    static uint8_t in[9000];
    static uint8_t c[4 + 4 * 9000];
    static uint8_t d[9000];
    for (unsigned t = 0; t < 500; t++) {
        size_t len = (size_t)(t * 17) % sizeof in;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ull + 1;
            in[i] = (seed >> 60) < (t % 16) ? 0 : (uint8_t)(seed >> 40);
        }
        size_t n = 0;
        size_t m = 0;
        ck_assert_int_eq(rvm_rle_compress(in, len, c, rvm_rle_compress_bound(len), &n), RVM_OK);
        ck_assert_int_eq(rvm_rle_decompress(c, n, d, len, &m), RVM_OK);
        ck_assert_uint_eq(m, len);
        ck_assert_mem_eq(d, in, len);
    }
}
END_TEST

START_TEST(compress_rejects)
{
    const uint8_t in[] = { 1, 2, 3, 0, 0 };
    uint8_t out[16];
    size_t n;
    ck_assert_int_eq(rvm_rle_compress(in, sizeof in, out, 3, &n), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_rle_compress(in, sizeof in, out, 9, &n), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_rle_compress(in, sizeof in, out, 12, &n), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_rle_compress(in, sizeof in, out, 13, &n), RVM_OK);
    ck_assert_uint_eq(n, 13);
    ck_assert_int_eq(rvm_rle_compress(in, sizeof in, NULL, 13, &n), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

static rvm_err_t dec(const uint8_t *c, size_t n, size_t cap)
{
    uint8_t out[64];
    size_t m;
    return rvm_rle_decompress(c, n, out, cap, &m);
}

START_TEST(decompress_rejects)
{
    const uint8_t ok[] = { 3, 0, 0, 0, 1, 2, 0, 9, 9, 0, 1, 0 };
    ck_assert_int_eq(dec(ok, sizeof ok, 64), RVM_OK);
    ck_assert_int_eq(dec(ok, 3, 64), RVM_ERR_CHECKPOINT_CORRUPTED);          /* shorter than the header */
    ck_assert_int_eq(dec(ok, sizeof ok, 2), RVM_ERR_RESOURCE_LIMIT_EXCEEDED); /* output below declared length */
    ck_assert_int_eq(dec(ok, 6, 64), RVM_ERR_CHECKPOINT_CORRUPTED);          /* truncated block header */
    ck_assert_int_eq(dec(ok, 8, 64), RVM_ERR_CHECKPOINT_CORRUPTED);          /* literal past the input */
    ck_assert_int_eq(dec(ok, 9, 64), RVM_ERR_CHECKPOINT_CORRUPTED);          /* ends before the declared length */
    ck_assert_int_eq(dec(ok, 10, 64), RVM_ERR_CHECKPOINT_CORRUPTED);         /* truncated last block header */
    uint8_t bad[sizeof ok];
    memcpy(bad, ok, sizeof ok);
    bad[4] = 2; /* unknown tag */
    ck_assert_int_eq(dec(bad, sizeof bad, 64), RVM_ERR_CHECKPOINT_CORRUPTED);
    memcpy(bad, ok, sizeof ok);
    bad[10] = 2; /* block past the declared length */
    ck_assert_int_eq(dec(bad, sizeof bad, 64), RVM_ERR_CHECKPOINT_CORRUPTED);
    memcpy(bad, ok, sizeof ok);
    bad[10] = 0; /* zero-length block */
    ck_assert_int_eq(dec(bad, sizeof bad, 64), RVM_ERR_CHECKPOINT_CORRUPTED);
}
END_TEST

START_TEST(hostile_inputs)
{
    uint64_t seed = 99;
    uint8_t src[256];
    uint8_t c[4 + 4 * 256];
    for (unsigned t = 0; t < 5000; t++) {
        for (size_t i = 0; i < sizeof src; i++) {
            seed = seed * 6364136223846793005ull + 1;
            src[i] = (seed >> 61) == 0 ? (uint8_t)(seed >> 30) : 0;
        }
        size_t n;
        ck_assert_int_eq(rvm_rle_compress(src, sizeof src, c, sizeof c, &n), RVM_OK);
        seed = seed * 6364136223846793005ull + 1;
        size_t cut = (size_t)(seed >> 33) % (n + 1);
        c[(seed >> 20) % n] ^= (uint8_t)(1u << ((seed >> 10) & 7));
        /* A heap copy of exactly the bytes given, so ASan sees any over-read. */
        uint8_t *h = malloc(cut == 0 ? 1 : cut);
        memcpy(h, c, cut);
        uint8_t *out = malloc(sizeof src);
        size_t m;
        rvm_err_t e = rvm_rle_decompress(h, cut, out, sizeof src, &m);
        ck_assert(e == RVM_OK || e == RVM_ERR_CHECKPOINT_CORRUPTED || e == RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
        free(h);
        free(out);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmmem-rle");
    TCase *tc = tcase_create("rle");
    tcase_add_test(tc, spec_known_answer);
    tcase_add_test(tc, empty_and_long_runs);
    tcase_add_test(tc, random_round_trips);
    tcase_add_test(tc, compress_rejects);
    tcase_add_test(tc, decompress_rejects);
    tcase_add_test(tc, hostile_inputs);
    suite_add_tcase(s, tc);
    tcase_set_timeout(tc, 120);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
