/* Attestation chain, report and constant-time verification (spec §14.4), with the spec's KAT. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/sec_attest.h>

#include "fixture.h"

static void hex32(const char *hex, uint8_t out[32])
{
    for (int i = 0; i < 32; i++) {
        unsigned v;
        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void fill(uint8_t h[32], uint8_t v) { memset(h, v, 32); }

START_TEST(kat_one_entry)
{
    rvm_sec_attest_chain_t c;
    ck_assert_int_eq(rvm_sec_attest_init(&c), RVM_OK);
    uint8_t zero[32] = { 0 };
    ck_assert_mem_eq(c.root, zero, 32);
    uint8_t h[32];
    fill(h, 0x11);
    ck_assert_int_eq(rvm_sec_attest_extend(&c, 0, h, RVM_SEC_ATTEST_BOOT_MEASUREMENT), RVM_OK);
    uint8_t want[32];
    hex32("8878b15a7d6a3a4f464e8f9f42591dbc0cf4bedea0ec309003d2b2ee53655ef8", want);
    ck_assert_mem_eq(c.root, want, 32);
    ck_assert_uint_eq(c.count, 1);
    ck_assert_uint_eq(c.entries[0].sequence, 0);
    ck_assert_mem_eq(c.entries[0].hash, h, 32);
}
END_TEST

START_TEST(order_matters)
{
    rvm_sec_attest_chain_t a;
    rvm_sec_attest_chain_t b;
    uint8_t one[32];
    uint8_t two[32];
    fill(one, 1);
    fill(two, 2);
    rvm_sec_attest_init(&a);
    rvm_sec_attest_init(&b);
    ck_assert_int_eq(rvm_sec_attest_extend(&a, 0, one, RVM_SEC_ATTEST_BOOT_MEASUREMENT), RVM_OK);
    ck_assert_int_eq(rvm_sec_attest_extend(&a, 1, two, RVM_SEC_ATTEST_BOOT_MEASUREMENT), RVM_OK);
    ck_assert_int_eq(rvm_sec_attest_extend(&b, 0, two, RVM_SEC_ATTEST_BOOT_MEASUREMENT), RVM_OK);
    ck_assert_int_eq(rvm_sec_attest_extend(&b, 1, one, RVM_SEC_ATTEST_BOOT_MEASUREMENT), RVM_OK);
    uint8_t want[32];
    hex32("485ca73245949e46cb0f62596efd9dd8689ea1321640d9d9f81c04fb36504a3a", want);
    ck_assert_mem_eq(b.root, want, 32);
    ck_assert(memcmp(a.root, b.root, 32) != 0);
}
END_TEST

START_TEST(full_at_64)
{
    rvm_sec_attest_chain_t c;
    rvm_sec_attest_init(&c);
    uint8_t h[32];
    for (uint32_t i = 0; i < RVM_SEC_ATTEST_MAX_ENTRIES; i++) {
        fill(h, (uint8_t)i);
        ck_assert_int_eq(rvm_sec_attest_extend(&c, i, h, (uint8_t)(i % 2)), RVM_OK);
    }
    uint8_t root[32];
    memcpy(root, c.root, 32);
    ck_assert_int_eq(rvm_sec_attest_extend(&c, 64, h, RVM_SEC_ATTEST_RUNTIME_WITNESS), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(c.count, 64);
    ck_assert_mem_eq(c.root, root, 32);
    rvm_sec_attest_report_t r;
    ck_assert_int_eq(rvm_sec_attest_report(&c, &r), RVM_OK);
    ck_assert_uint_eq(r.entry_count, 64);
    ck_assert_uint_eq(r.boot_measurement_count, 32);
    ck_assert_uint_eq(r.runtime_witness_count, 32);
}
END_TEST

START_TEST(bad_arguments_change_nothing)
{
    rvm_sec_attest_chain_t c;
    rvm_sec_attest_init(&c);
    uint8_t h[32];
    fill(h, 7);
    ck_assert_int_eq(rvm_sec_attest_extend(&c, 0, h, 2), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_attest_extend(&c, 0, NULL, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_attest_extend(NULL, 0, h, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(c.count, 0);
    ck_assert_int_eq(rvm_sec_attest_init(NULL), RVM_ERR_INVALID_ARGUMENT);
    rvm_sec_attest_report_t r;
    ck_assert_int_eq(rvm_sec_attest_report(NULL, &r), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_attest_report(&c, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert(!rvm_sec_attest_verify(NULL, h));
    ck_assert_int_eq(rvm_sec_attest_report(&c, &r), RVM_OK);
    ck_assert(!rvm_sec_attest_verify(&r, NULL));
}
END_TEST

START_TEST(report_and_verify)
{
    rvm_sec_attest_chain_t c;
    rvm_sec_attest_init(&c);
    uint8_t h[32];
    fill(h, 0x11);
    ck_assert_int_eq(rvm_sec_attest_extend(&c, 9, h, RVM_SEC_ATTEST_RUNTIME_WITNESS), RVM_OK);
    rvm_sec_attest_report_t r;
    ck_assert_int_eq(rvm_sec_attest_report(&c, &r), RVM_OK);
    ck_assert_uint_eq(r.entry_count, 1);
    ck_assert_uint_eq(r.boot_measurement_count, 0);
    ck_assert_uint_eq(r.runtime_witness_count, 1);
    uint8_t want[32];
    hex32("8878b15a7d6a3a4f464e8f9f42591dbc0cf4bedea0ec309003d2b2ee53655ef8", want);
    ck_assert(rvm_sec_attest_verify(&r, want));
    for (int i = 0; i < 32; i++) {
        want[i] ^= 0x80;
        ck_assert(!rvm_sec_attest_verify(&r, want));
        want[i] ^= 0x80;
    }
}
END_TEST

START_TEST(boot_chain)
{
    uint8_t boot[32];
    uint8_t kernel[32];
    uint8_t part[32];
    fill(boot, 1);
    fill(kernel, 2);
    fill(part, 3);
    rvm_sec_attest_chain_t c;
    memset(&c, 0xFF, sizeof c);   /* whatever was there before is discarded */
    ck_assert_int_eq(rvm_sec_attest_build_boot_chain(&c, boot, kernel, part), RVM_OK);
    ck_assert_uint_eq(c.count, 3);
    ck_assert_uint_eq(c.entries[0].source, RVM_SEC_ATTEST_BOOT_MEASUREMENT);
    ck_assert_uint_eq(c.entries[1].source, RVM_SEC_ATTEST_BOOT_MEASUREMENT);
    ck_assert_uint_eq(c.entries[2].source, RVM_SEC_ATTEST_RUNTIME_WITNESS);
    ck_assert_uint_eq(c.entries[2].sequence, 2);
    uint8_t want[32];
    hex32("d8da1ea11d13fe49d0ead0b83273a3935c4b542ef6b84a94ab4c02763f8194cf", want);
    ck_assert_mem_eq(c.root, want, 32);
    rvm_sec_attest_report_t r;
    ck_assert_int_eq(rvm_sec_attest_report(&c, &r), RVM_OK);
    ck_assert_uint_eq(r.boot_measurement_count, 2);
    ck_assert_uint_eq(r.runtime_witness_count, 1);
    ck_assert(rvm_sec_attest_verify(&r, want));
    /* A different kernel gives a different root. */
    kernel[0] ^= 1;
    ck_assert_int_eq(rvm_sec_attest_build_boot_chain(&c, boot, kernel, part), RVM_OK);
    ck_assert(!rvm_sec_attest_verify(&(rvm_sec_attest_report_t){ .chain_root = { 0 } }, c.root));
    ck_assert(memcmp(c.root, want, 32) != 0);
    ck_assert_int_eq(rvm_sec_attest_build_boot_chain(NULL, boot, kernel, part), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_attest_build_boot_chain(&c, NULL, kernel, part), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_attest_build_boot_chain(&c, boot, NULL, part), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_attest_build_boot_chain(&c, boot, kernel, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sec_attest");
    TCase *tc = tcase_create("attest");
    tcase_add_test(tc, kat_one_entry);
    tcase_add_test(tc, order_matters);
    tcase_add_test(tc, full_at_64);
    tcase_add_test(tc, bad_arguments_change_nothing);
    tcase_add_test(tc, report_and_verify);
    tcase_add_test(tc, boot_chain);
    suite_add_tcase(s, tc);
    return sfx_run_suite(s);
}
