/* The boot driver (spec §12.5) with a scripted platform: complete runs, failures, determinism. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/boot_driver.h>
#include <rvm/witness_verify.h>

#include "fixture.h"

typedef struct platform {
    fx_boot_t *f;
    fx_data_t d;
    uint64_t now;
    uint8_t acc[32];      /* FirstWitness measures the accumulator, as the reference does */
    uint8_t fail_stage;   /* stage whose work fails, RVM_BOOT_STAGE_NONE for none */
    bool attach;
    uint8_t calls[RVM_BOOT_STAGE_COUNT];
    size_t ncalls;
} platform_t;

static uint64_t tick(void *ctx)
{
    platform_t *p = ctx;
    p->now += 250;
    return p->now;
}

static rvm_err_t work(void *ctx, rvm_boot_t *b, uint8_t stage, const void **data, size_t *len)
{
    platform_t *p = ctx;
    ck_assert_ptr_eq(b, &p->f->b);
    p->calls[p->ncalls++] = stage;
    if (stage == p->fail_stage) {
        return RVM_ERR_DEVICE_LEASE_NOT_FOUND;
    }
    if (stage == RVM_BOOT_STAGE_KERNEL_OBJECT_INIT && p->attach) {
        rvm_err_t err = fx_attach(p->f, NULL);
        if (err != RVM_OK) {
            return err;
        }
    }
    if (stage == RVM_BOOT_STAGE_FIRST_WITNESS) {
        ck_assert_int_eq(rvm_boot_accumulator(b, p->acc), RVM_OK);
        *data = p->acc;
        *len = sizeof p->acc;
        return RVM_OK;
    }
    *data = p->d.len[stage] != 0 ? p->d.bytes[stage] : NULL;
    *len = p->d.len[stage];
    return RVM_OK;
}

static void platform(platform_t *p, fx_boot_t *f)
{
    memset(p, 0, sizeof *p);
    p->f = f;
    fx_reference_data(&p->d);
    p->fail_stage = RVM_BOOT_STAGE_NONE;
    p->attach = true;
}

START_TEST(runs_every_stage_in_order)
{
    static const uint8_t order[RVM_BOOT_STAGE_COUNT] = {0, 1, 2, 3, 4, 5, 7, 6};
    fx_boot_t f;
    platform_t p;
    rvm_witness_record_t recs[16];
    fx_open(&f, RVM_BOOT_HASH_SHA256);
    platform(&p, &f);
    ck_assert_int_eq(rvm_boot_run(&f.b, work, tick, &p), RVM_OK);
    ck_assert(rvm_boot_is_complete(&f.b));
    ck_assert_uint_eq(p.ncalls, RVM_BOOT_STAGE_COUNT);
    ck_assert_mem_eq(p.calls, order, sizeof order);
    uint64_t total = 0, first = 0;
    ck_assert_int_eq(rvm_boot_total_ticks(&f.b, &total), RVM_OK);
    ck_assert_uint_eq(total, 15 * 250);   /* 16 tick reads, from the first begin to the last completion */
    ck_assert_int_eq(rvm_boot_first_witness_ticks(&f.b, &first), RVM_OK);
    ck_assert_uint_eq(first, 11 * 250);
    ck_assert(rvm_boot_ticks_to_ns(first, FX_HZ) < 250000000u);
    uint8_t dg[32], want[32];
    ck_assert_int_eq(rvm_boot_stage_digest_of(&f.b, RVM_BOOT_STAGE_FIRST_WITNESS, dg), RVM_OK);
    ck_assert_int_eq(rvm_boot_stage_digest_sha256(RVM_BOOT_STAGE_FIRST_WITNESS, p.acc, 32, want), RVM_OK);
    ck_assert_mem_eq(dg, want, 32);
    ck_assert_uint_eq(fx_records(&f, recs, 16), RVM_BOOT_STAGE_COUNT);
    ck_assert_int_eq(rvm_witness_verify_chain(RVM_WITNESS_CHAIN_CONTENT, RVM_WITNESS_DIGEST_SHA256, recs,
                                              RVM_BOOT_STAGE_COUNT, NULL, NULL),
                     RVM_OK);
    /* A second boot fails. */
    ck_assert_int_eq(rvm_boot_run(&f.b, work, tick, &p), RVM_ERR_UNSUPPORTED);
    fx_close(&f);
}
END_TEST

START_TEST(same_platform_same_attestation)
{
    uint8_t hash = (uint8_t)_i;
    uint8_t root[2][32];
    for (int k = 0; k < 2; k++) {
        fx_boot_t f;
        platform_t p;
        fx_open(&f, hash);
        platform(&p, &f);
        ck_assert_int_eq(rvm_boot_run(&f.b, work, tick, &p), RVM_OK);
        ck_assert_int_eq(rvm_boot_attestation(&f.b, root[k]), RVM_OK);
        if (hash == RVM_BOOT_HASH_FNV) {
            uint8_t dg[32], want[32];
            ck_assert_int_eq(rvm_boot_stage_digest_of(&f.b, RVM_BOOT_STAGE_RESET_VECTOR, dg), RVM_OK);
            fx_hex32("2508fd463a3fb2b985e5dcf7d623c18ae5d6d81c5a949da0455cf6f00c9ed640", want);
            ck_assert_mem_eq(dg, want, 32);
        }
        fx_close(&f);
    }
    ck_assert_mem_eq(root[0], root[1], 32);
}
END_TEST

START_TEST(work_failure_stops_in_the_stage_and_resumes_nowhere)
{
    fx_boot_t f;
    platform_t p;
    fx_open(&f, RVM_BOOT_HASH_SHA256);
    platform(&p, &f);
    p.fail_stage = RVM_BOOT_STAGE_MMU_SETUP;
    ck_assert_int_eq(rvm_boot_run(&f.b, work, tick, &p), RVM_ERR_DEVICE_LEASE_NOT_FOUND);
    ck_assert_uint_eq(rvm_boot_next_stage(&f.b), RVM_BOOT_STAGE_MMU_SETUP);
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), 2);
    /* The failed stage stays begun: running again is out of order rather than a silent restart. */
    p.fail_stage = RVM_BOOT_STAGE_NONE;
    ck_assert_int_eq(rvm_boot_run(&f.b, work, tick, &p), RVM_ERR_INTERNAL_ERROR);
    fx_close(&f);
}
END_TEST

START_TEST(no_log_no_first_witness)
{
    fx_boot_t f;
    platform_t p;
    fx_open(&f, RVM_BOOT_HASH_SHA256);
    platform(&p, &f);
    p.attach = false;
    ck_assert_int_eq(rvm_boot_run(&f.b, work, tick, &p), RVM_ERR_INTERNAL_ERROR);
    ck_assert_uint_eq(rvm_boot_next_stage(&f.b), RVM_BOOT_STAGE_FIRST_WITNESS);
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), 5);
    fx_close(&f);
}
END_TEST

START_TEST(arguments)
{
    fx_boot_t f;
    platform_t p;
    fx_open(&f, RVM_BOOT_HASH_SHA256);
    platform(&p, &f);
    ck_assert_int_eq(rvm_boot_run(NULL, work, tick, &p), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_run(&f.b, NULL, tick, &p), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_run(&f.b, work, NULL, &p), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(p.ncalls, 0);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmboot-driver");
    TCase *tc = tcase_create("driver");
    tcase_add_test(tc, runs_every_stage_in_order);
    tcase_add_loop_test(tc, same_platform_same_attestation, RVM_BOOT_HASH_SHA256, RVM_BOOT_HASH_FNV + 1);
    tcase_add_test(tc, work_failure_stops_in_the_stage_and_resumes_nowhere);
    tcase_add_test(tc, no_log_no_first_witness);
    tcase_add_test(tc, arguments);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
