/* Decoder and validator behaviour on hand-built modules: accepted structure, every error class, bounds. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/wasm_module.h>
#include <rvm/wasm_validate.h>

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00

static uint8_t arena_mem[1 << 16];
static rvm_wasm_validator_t work;
static rvm_wasm_arena_t arena;
static rvm_wasm_module_t mod;
static rvm_wasm_diag_t diag;

static rvm_err_t decode(const uint8_t *b, size_t n) {
    rvm_wasm_arena_init(&arena, arena_mem, sizeof arena_mem);
    return rvm_wasm_decode(b, n, &arena, &mod, &diag);
}

static rvm_err_t check(const uint8_t *b, size_t n) {
    const rvm_err_t e = decode(b, n);
    return e != RVM_OK ? e : rvm_wasm_validate(&mod, &work, &diag);
}

/* (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add) */
static const uint8_t add_module[] = {
    HDR,
    0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00,
    0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,
};

START_TEST(valid_module_is_decoded_and_validated)
{
    ck_assert_int_eq(check(add_module, sizeof add_module), RVM_OK);
    ck_assert_uint_eq(mod.type_count, 1);
    ck_assert_uint_eq(mod.types[0].param_count, 2);
    ck_assert_uint_eq(mod.types[0].results[0], RVM_WASM_I32);
    ck_assert_uint_eq(mod.func_count, 1);
    ck_assert_uint_eq(mod.code_count, 1);
    ck_assert_uint_eq(mod.export_count, 1);
    ck_assert_uint_eq(mod.exports[0].name.len, 3);
    ck_assert_int_eq(memcmp(mod.bytes + mod.exports[0].name.off, "add", 3), 0);
    ck_assert_uint_eq(mod.codes[0].body.len, 6);
}
END_TEST

START_TEST(every_truncation_is_malformed)
{
    for (size_t n = 0; n < sizeof add_module; n++) {
        uint8_t *copy = malloc(n + 1u);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, add_module, n);
        const rvm_err_t e = decode(copy, n);
        /* The bare header is an empty module; a header cut at a section boundary is a shorter, valid module. */
        if (n != 8 && n != 17 && n != 21 && n != 30) {
            ck_assert_msg(e == RVM_ERR_MALFORMED_INPUT, "length %zu gave %d", n, e);
        }
        free(copy);
    }
}
END_TEST

START_TEST(header_errors)
{
    const uint8_t bad_magic[] = {0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00};
    const uint8_t version2[] = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
    const uint8_t empty[] = {HDR};
    ck_assert_int_eq(decode(bad_magic, sizeof bad_magic), RVM_ERR_MALFORMED_INPUT);
    ck_assert_str_eq(diag.reason, "magic header not detected");
    ck_assert_int_eq(decode(version2, sizeof version2), RVM_ERR_UNSUPPORTED);
    ck_assert_int_eq(check(empty, sizeof empty), RVM_OK);
    ck_assert_int_eq(rvm_wasm_decode(NULL, 0, &arena, &mod, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_wasm_decode(empty, sizeof empty, NULL, &mod, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_wasm_validate(NULL, &work, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_wasm_decode(empty, RVM_WASM_MODULE_MAX_BYTES + 1u, &arena, &mod, NULL),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
}
END_TEST

START_TEST(section_order_uses_the_real_datacount_position)
{
    /* memory, element-less DataCount(0), empty code, empty data. */
    const uint8_t datacount_ok[] = {HDR, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0C, 0x01, 0x00, 0x0A, 0x01, 0x00,
                                    0x0B, 0x01, 0x00};
    const uint8_t datacount_after_code[] = {HDR, 0x0A, 0x01, 0x00, 0x0C, 0x01, 0x00};
    const uint8_t repeated[] = {HDR, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00};
    const uint8_t custom_anywhere[] = {HDR, 0x01, 0x01, 0x00, 0x00, 0x02, 0x01, 'x', 0x03, 0x01, 0x00};
    const uint8_t count_mismatch[] = {HDR, 0x0C, 0x01, 0x01, 0x0B, 0x01, 0x00};
    const uint8_t unknown_id[] = {HDR, 0x0D, 0x00};
    const uint8_t size_mismatch[] = {HDR, 0x01, 0x02, 0x00, 0x00};
    ck_assert_int_eq(check(datacount_ok, sizeof datacount_ok), RVM_OK);
    ck_assert(mod.has_data_count);
    ck_assert_int_eq(decode(datacount_after_code, sizeof datacount_after_code), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(decode(repeated, sizeof repeated), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(decode(custom_anywhere, sizeof custom_anywhere), RVM_OK);
    ck_assert_int_eq(decode(count_mismatch, sizeof count_mismatch), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(decode(unknown_id, sizeof unknown_id), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(decode(size_mismatch, sizeof size_mismatch), RVM_ERR_MALFORMED_INPUT);
}
END_TEST

START_TEST(arena_exhaustion_is_a_resource_limit)
{
    rvm_wasm_arena_t small;
    uint8_t tiny[8];
    rvm_wasm_arena_init(&small, tiny, sizeof tiny);
    ck_assert_int_eq(rvm_wasm_decode(add_module, sizeof add_module, &small, &mod, &diag),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_str_eq(diag.reason, "arena exhausted");
}
END_TEST

START_TEST(invalid_modules_are_proof_invalid)
{
    /* i32.add over an i64 local. */
    uint8_t mismatch[sizeof add_module];
    memcpy(mismatch, add_module, sizeof add_module);
    mismatch[14] = 0x7E;
    ck_assert_int_eq(check(mismatch, sizeof mismatch), RVM_ERR_PROOF_INVALID);
    /* Two exports named "a" of the same function. */
    const uint8_t dup[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                           0x07, 0x09, 0x02, 0x01, 'a', 0x00, 0x00, 0x01, 'a', 0x00, 0x00,
                           0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B};
    ck_assert_int_eq(check(dup, sizeof dup), RVM_ERR_PROOF_INVALID);
    ck_assert_str_eq(diag.reason, "duplicate export name");
    /* i32.load with alignment 2^3 > 4 bytes. */
    const uint8_t align[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                             0x05, 0x03, 0x01, 0x00, 0x01,
                             0x0A, 0x0A, 0x01, 0x08, 0x00, 0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B};
    ck_assert_int_eq(check(align, sizeof align), RVM_ERR_PROOF_INVALID);
    /* Memory minimum above 65536 pages. */
    const uint8_t big_mem[] = {HDR, 0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04};
    ck_assert_int_eq(check(big_mem, sizeof big_mem), RVM_ERR_PROOF_INVALID);
}
END_TEST

START_TEST(validator_capacity_is_a_resource_limit)
{
    /* A body of RVM_WASM_VALIDATE_MAX_FRAMES nested blocks exceeds the control stack. */
    const size_t depth = RVM_WASM_VALIDATE_MAX_FRAMES;
    const size_t body = 1u + 2u * depth + depth + 1u;
    const size_t n = 8u + 7u + 4u + 1u + 5u + 5u + body;
    uint8_t *b = calloc(n, 1);
    ck_assert_ptr_nonnull(b);
    const uint8_t head[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A};
    size_t p = sizeof head;
    memcpy(b, head, p);
    const uint32_t sizes[2] = {(uint32_t)(body + 6u), (uint32_t)body};
    for (int k = 0; k < 2; k++) {
        if (k == 1) {
            b[p++] = 0x01;
        }
        uint32_t s = sizes[k];
        for (int i = 0; i < 5; i++) {
            b[p++] = (uint8_t)((s & 0x7Fu) | (i < 4 ? 0x80u : 0u));
            s >>= 7;
        }
    }
    b[p++] = 0x00;
    for (size_t i = 0; i < depth; i++) {
        b[p++] = 0x02;
        b[p++] = 0x40;
    }
    for (size_t i = 0; i <= depth; i++) {
        b[p++] = 0x0B;
    }
    ck_assert_int_eq(decode(b, p), RVM_OK);
    ck_assert_int_eq(rvm_wasm_validate(&mod, &work, &diag), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmwasm-decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, valid_module_is_decoded_and_validated);
    tcase_add_test(tc, every_truncation_is_malformed);
    tcase_add_test(tc, header_errors);
    tcase_add_test(tc, section_order_uses_the_real_datacount_position);
    tcase_add_test(tc, arena_exhaustion_is_a_resource_limit);
    tcase_add_test(tc, invalid_modules_are_proof_invalid);
    tcase_add_test(tc, validator_capacity_is_a_resource_limit);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int nfail = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
