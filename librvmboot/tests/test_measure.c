/* Measured boot accumulator and stage digests (spec §12.3, §12.4): KATs and argument checks. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/boot_measure.h>
#include <rvm/sha256.h>

#include "fixture.h"

static const uint8_t zero32[32];

START_TEST(accumulator_sha256_kat)
{
    rvm_boot_measure_t m;
    uint8_t h[32], want[32], got[32];
    memset(h, 0xAA, sizeof h);
    ck_assert_int_eq(rvm_boot_measure_init(&m, RVM_BOOT_HASH_SHA256), RVM_OK);
    ck_assert(rvm_boot_measure_is_virgin(&m));
    ck_assert_int_eq(rvm_boot_measure_root(&m, got), RVM_OK);
    ck_assert_mem_eq(got, zero32, 32);
    ck_assert_int_eq(rvm_boot_measure_extend(&m, 0, h), RVM_OK);
    fx_hex32("926a398878645f10293b690ae2ccaa30e86bbdcd46cfcae78db5ef0227efc56b", want);
    ck_assert_int_eq(rvm_boot_measure_root(&m, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
    ck_assert_mem_eq(m.phase_hash[0], h, 32);
    ck_assert_uint_eq(m.count, 1);
    ck_assert(!rvm_boot_measure_is_virgin(&m));
}
END_TEST

START_TEST(accumulator_fnv_fallback)
{
    /* Computed independently (Python) from the §12.3 definition: overlapping suffixes of acc ‖ 0 ‖ 32×0xAA. */
    rvm_boot_measure_t m;
    uint8_t h[32], want[32], got[32];
    memset(h, 0xAA, sizeof h);
    ck_assert_int_eq(rvm_boot_measure_init(&m, RVM_BOOT_HASH_FNV), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_extend(&m, 0, h), RVM_OK);
    fx_hex32("5f2322f3dac174967f9daab5a2c50c589ff3e6e08a09710abf656684d1bf2407", want);
    ck_assert_int_eq(rvm_boot_measure_root(&m, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
}
END_TEST

START_TEST(accumulator_binds_stage_and_order)
{
    rvm_boot_measure_t a, b;
    uint8_t h1[32], h2[32], ra[32], rb[32];
    memset(h1, 1, sizeof h1);
    memset(h2, 2, sizeof h2);
    ck_assert_int_eq(rvm_boot_measure_init(&a, RVM_BOOT_HASH_SHA256), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_init(&b, RVM_BOOT_HASH_SHA256), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_extend(&a, 0, h1), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_extend(&b, 1, h1), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_root(&a, ra), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_root(&b, rb), RVM_OK);
    ck_assert_mem_ne(ra, rb, 32);
    ck_assert_int_eq(rvm_boot_measure_extend(&a, 1, h2), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_init(&b, RVM_BOOT_HASH_SHA256), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_extend(&b, 1, h2), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_extend(&b, 0, h1), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_root(&a, ra), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_root(&b, rb), RVM_OK);
    ck_assert_mem_ne(ra, rb, 32);
    ck_assert_uint_eq(a.count, 2);
}
END_TEST

START_TEST(accumulator_arguments)
{
    rvm_boot_measure_t m;
    uint8_t h[32] = {0};
    ck_assert_int_eq(rvm_boot_measure_init(NULL, RVM_BOOT_HASH_SHA256), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_measure_init(&m, 2), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_measure_init(&m, RVM_BOOT_HASH_SHA256), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_extend(&m, RVM_BOOT_MEASURE_SLOTS, h), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_measure_extend(&m, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_measure_extend(NULL, 0, h), RVM_ERR_INVALID_ARGUMENT);
    ck_assert(rvm_boot_measure_is_virgin(&m));
    ck_assert_int_eq(rvm_boot_measure_extend(&m, RVM_BOOT_MEASURE_SLOTS - 1, h), RVM_OK);
    ck_assert_int_eq(rvm_boot_measure_root(&m, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_measure_root(NULL, h), RVM_ERR_INVALID_ARGUMENT);
    ck_assert(rvm_boot_measure_is_virgin(NULL));
}
END_TEST

START_TEST(stage_digest_fnv_kat)
{
    uint8_t want[32], got[32];
    fx_hex32("2508fd463a3fb2b985e5dcf7d623c18ae5d6d81c5a949da0455cf6f00c9ed640", want);
    ck_assert_int_eq(rvm_boot_stage_digest_fnv(0, "", 0, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
    ck_assert_int_eq(rvm_boot_stage_digest_fnv(0, NULL, 0, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
    ck_assert_int_eq(rvm_boot_stage_digest(RVM_BOOT_HASH_FNV, 0, NULL, 0, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
}
END_TEST

START_TEST(stage_digest_fnv_measures_only_63_bytes)
{
    /* The reference form's documented weakness, and why RVM measures with SHA-256. */
    uint8_t data[100], a[32], b[32];
    memset(data, 0x5A, sizeof data);
    ck_assert_int_eq(rvm_boot_stage_digest_fnv(3, data, 63, a), RVM_OK);
    data[63] ^= 1;
    ck_assert_int_eq(rvm_boot_stage_digest_fnv(3, data, 100, b), RVM_OK);
    ck_assert_mem_eq(a, b, 32);
    data[62] ^= 1;
    ck_assert_int_eq(rvm_boot_stage_digest_fnv(3, data, 100, b), RVM_OK);
    ck_assert_mem_ne(a, b, 32);
}
END_TEST

START_TEST(stage_digest_sha256_form)
{
    uint8_t want[32], got[32], buf[1 + 300], data[300];
    fx_hex32("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want); /* SHA-256(00) */
    ck_assert_int_eq(rvm_boot_stage_digest_sha256(0, NULL, 0, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 7u);
    }
    buf[0] = 5;
    memcpy(buf + 1, data, sizeof data);
    rvm_sha256(buf, sizeof buf, want);
    ck_assert_int_eq(rvm_boot_stage_digest_sha256(5, data, sizeof data, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
    ck_assert_int_eq(rvm_boot_stage_digest(RVM_BOOT_HASH_SHA256, 5, data, sizeof data, got), RVM_OK);
    ck_assert_mem_eq(got, want, 32);
    data[299] ^= 0x80; /* every byte counts, unlike the FNV form */
    ck_assert_int_eq(rvm_boot_stage_digest_sha256(5, data, sizeof data, got), RVM_OK);
    ck_assert_mem_ne(got, want, 32);
}
END_TEST

START_TEST(stage_digest_arguments)
{
    uint8_t out[32];
    ck_assert_int_eq(rvm_boot_stage_digest_sha256(0, NULL, 1, out), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_digest_sha256(0, "", 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_digest_fnv(0, NULL, 1, out), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_digest_fnv(0, "", 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_digest(2, 0, "", 0, out), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmboot-measure");
    TCase *tc = tcase_create("measure");
    tcase_add_test(tc, accumulator_sha256_kat);
    tcase_add_test(tc, accumulator_fnv_fallback);
    tcase_add_test(tc, accumulator_binds_stage_and_order);
    tcase_add_test(tc, accumulator_arguments);
    tcase_add_test(tc, stage_digest_fnv_kat);
    tcase_add_test(tc, stage_digest_fnv_measures_only_63_bytes);
    tcase_add_test(tc, stage_digest_sha256_form);
    tcase_add_test(tc, stage_digest_arguments);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
