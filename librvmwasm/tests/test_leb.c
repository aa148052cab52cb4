/* LEB128 and UTF-8 edge cases of the binary reader. */
#include <check.h>
#include <stdlib.h>

#include <rvm/wasm_leb.h>


static rvm_err_t u32_of(const uint8_t *b, size_t n, uint32_t *v, size_t *used) {
    rvm_wasm_reader_t r;
    rvm_wasm_reader_init(&r, b, n);
    const rvm_err_t e = rvm_wasm_read_u32(&r, v);
    *used = r.pos;
    return e;
}

static rvm_err_t s32_of(const uint8_t *b, size_t n, int32_t *v) {
    rvm_wasm_reader_t r;
    rvm_wasm_reader_init(&r, b, n);
    return rvm_wasm_read_s32(&r, v);
}

static rvm_err_t u64_of(const uint8_t *b, size_t n, uint64_t *v) {
    rvm_wasm_reader_t r;
    rvm_wasm_reader_init(&r, b, n);
    return rvm_wasm_read_u64(&r, v);
}

static rvm_err_t s64_of(const uint8_t *b, size_t n, int64_t *v) {
    rvm_wasm_reader_t r;
    rvm_wasm_reader_init(&r, b, n);
    return rvm_wasm_read_s64(&r, v);
}

START_TEST(u32_values_and_padding)
{
    uint32_t v = 0;
    size_t used = 0;
    const uint8_t zero[] = {0x00};
    const uint8_t padded_zero[] = {0x80, 0x80, 0x80, 0x80, 0x00};
    const uint8_t max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
    const uint8_t v624485[] = {0xE5, 0x8E, 0x26};
    ck_assert_int_eq(u32_of(zero, 1, &v, &used), RVM_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(u32_of(padded_zero, 5, &v, &used), RVM_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(used, 5);
    ck_assert_int_eq(u32_of(max, 5, &v, &used), RVM_OK);
    ck_assert_uint_eq(v, 0xFFFFFFFFu);
    ck_assert_int_eq(u32_of(v624485, 3, &v, &used), RVM_OK);
    ck_assert_uint_eq(v, 624485u);
}
END_TEST

START_TEST(u32_malformed)
{
    uint32_t v = 0;
    size_t used = 0;
    const uint8_t truncated[] = {0x80, 0x80};
    const uint8_t too_long[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    const uint8_t unused_bits[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
    const uint8_t unused_high[] = {0x80, 0x80, 0x80, 0x80, 0x70};
    ck_assert_int_eq(u32_of(truncated, 2, &v, &used), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(u32_of(truncated, 0, &v, &used), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(u32_of(too_long, 6, &v, &used), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(u32_of(unused_bits, 5, &v, &used), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(u32_of(unused_high, 5, &v, &used), RVM_ERR_MALFORMED_INPUT);
}
END_TEST

START_TEST(s32_sign_extension)
{
    int32_t v = 0;
    const uint8_t minus_one[] = {0x7F};
    const uint8_t minus_128[] = {0x80, 0x7F};
    const uint8_t min[] = {0x80, 0x80, 0x80, 0x80, 0x78};
    const uint8_t max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x07};
    const uint8_t padded_minus_one[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    const uint8_t bad_pos[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
    const uint8_t bad_neg[] = {0x80, 0x80, 0x80, 0x80, 0x70};
    const uint8_t too_long[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    ck_assert_int_eq(s32_of(minus_one, 1, &v), RVM_OK);
    ck_assert_int_eq(v, -1);
    ck_assert_int_eq(s32_of(minus_128, 2, &v), RVM_OK);
    ck_assert_int_eq(v, -128);
    ck_assert_int_eq(s32_of(min, 5, &v), RVM_OK);
    ck_assert_int_eq(v, INT32_MIN);
    ck_assert_int_eq(s32_of(max, 5, &v), RVM_OK);
    ck_assert_int_eq(v, INT32_MAX);
    ck_assert_int_eq(s32_of(padded_minus_one, 5, &v), RVM_OK);
    ck_assert_int_eq(v, -1);
    ck_assert_int_eq(s32_of(bad_pos, 5, &v), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(s32_of(bad_neg, 5, &v), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(s32_of(too_long, 6, &v), RVM_ERR_MALFORMED_INPUT);
}
END_TEST

START_TEST(sixty_four_bit_limits)
{
    uint64_t u = 0;
    int64_t s = 0;
    const uint8_t umax[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    const uint8_t ubad[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x03};
    const uint8_t smin[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};
    const uint8_t sbad[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x41};
    const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    ck_assert_int_eq(u64_of(umax, 10, &u), RVM_OK);
    ck_assert_uint_eq(u, UINT64_MAX);
    ck_assert_int_eq(u64_of(ubad, 10, &u), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(s64_of(smin, 10, &s), RVM_OK);
    ck_assert(s == INT64_MIN);
    ck_assert_int_eq(s64_of(sbad, 10, &s), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(u64_of(eleven, 11, &u), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(s64_of(eleven, 11, &s), RVM_ERR_MALFORMED_INPUT);
}
END_TEST

START_TEST(utf8_rules)
{
    const uint8_t ascii[] = "abc";
    const uint8_t two[] = {0xC2, 0xA9};
    const uint8_t four[] = {0xF0, 0x9F, 0x98, 0x80};
    const uint8_t overlong[] = {0xC0, 0x80};
    const uint8_t surrogate[] = {0xED, 0xA0, 0x80};
    const uint8_t too_big[] = {0xF4, 0x90, 0x80, 0x80};
    const uint8_t cut[] = {0xE2, 0x82};
    const uint8_t stray[] = {0x80};
    ck_assert(rvm_wasm_utf8_valid(ascii, 3));
    ck_assert(rvm_wasm_utf8_valid(two, 2));
    ck_assert(rvm_wasm_utf8_valid(four, 4));
    ck_assert(!rvm_wasm_utf8_valid(overlong, 2));
    ck_assert(!rvm_wasm_utf8_valid(surrogate, 3));
    ck_assert(!rvm_wasm_utf8_valid(too_big, 4));
    ck_assert(!rvm_wasm_utf8_valid(cut, 2));
    ck_assert(!rvm_wasm_utf8_valid(stray, 1));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmwasm-leb");
    TCase *tc = tcase_create("leb");
    tcase_add_test(tc, u32_values_and_padding);
    tcase_add_test(tc, u32_malformed);
    tcase_add_test(tc, s32_sign_extension);
    tcase_add_test(tc, sixty_four_bit_limits);
    tcase_add_test(tc, utf8_rules);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int nfail = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
