/* The 8-record pre-log buffer (spec §12.2): overflow refusal, flush order, chain of the flushed records. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/boot_sequence.h>
#include <rvm/witness_verify.h>

#include "fixture.h"

static fx_boot_t f;
static fx_data_t d;

static void setup(void)
{
    fx_open(&f, RVM_BOOT_HASH_SHA256);
    fx_reference_data(&d);
}
static void teardown(void) { fx_close(&f); }

static void stage(uint8_t s, uint64_t tick)
{
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, s, tick), RVM_OK);
    ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, s, tick + 1, d.bytes[s], d.len[s]), RVM_OK);
}

static void emit(uint8_t action, uint8_t tag, uint64_t tick)
{
    uint8_t pl[8] = {tag, 0xEE};
    ck_assert_int_eq(rvm_boot_emit(&f.b, action, tick, pl), RVM_OK);
}

/* Stages 0..4 plus three sub-phase witnesses: exactly the eight records the pre-log holds. */
static void fill_prelog(void)
{
    stage(0, 10);
    stage(1, 20);
    emit(RVM_ACTION_UART_INITIALIZED, 0xA1, 25);
    stage(2, 30);
    stage(3, 40);
    emit(RVM_ACTION_KERNEL_OBJECTS_READY, 0xA2, 45);
    emit(RVM_ACTION_KERNEL_OBJECTS_READY, 0xA3, 46);
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 4, 50), RVM_OK);
    ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, 4, 51, d.bytes[4], d.len[4]), RVM_OK);
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), RVM_BOOT_PRELOG_CAPACITY);
}

static const uint8_t flushed_actions[8] = {0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x88, 0x88};
static const uint8_t flushed_payload0[8] = {0, 1, 0xA1, 2, 3, 0xA2, 0xA3, 4};

START_TEST(ninth_record_is_refused_not_dropped)
{
    uint8_t pl[8] = {9};
    fill_prelog();
    rvm_boot_t before = f.b;
    ck_assert_int_eq(rvm_boot_emit(&f.b, RVM_ACTION_UART_INITIALIZED, 60, pl), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_mem_eq(&before, &f.b, sizeof before);
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), RVM_BOOT_PRELOG_CAPACITY);
}
END_TEST

START_TEST(full_prelog_refuses_a_stage_completion_without_effect)
{
    /* Seven records, then stage 4's completion is the one that does not fit once an eighth is emitted. */
    stage(0, 10);
    stage(1, 20);
    emit(RVM_ACTION_UART_INITIALIZED, 0xA1, 25);
    stage(2, 30);
    stage(3, 40);
    emit(RVM_ACTION_KERNEL_OBJECTS_READY, 0xA2, 45);
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 4, 50), RVM_OK);
    emit(RVM_ACTION_KERNEL_OBJECTS_READY, 0xA3, 51);
    emit(RVM_ACTION_KERNEL_OBJECTS_READY, 0xA4, 52);
    rvm_boot_t before = f.b;
    ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, 4, 53, d.bytes[4], d.len[4]), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_mem_eq(&before, &f.b, sizeof before);
    ck_assert_uint_eq(rvm_boot_next_stage(&f.b), 4);
    /* The cure: attach the log, then the same completion succeeds straight into it. */
    ck_assert_int_eq(fx_attach(&f, NULL), RVM_OK);
    ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, 4, 53, d.bytes[4], d.len[4]), RVM_OK);
    ck_assert_uint_eq(rvm_witness_total_emitted(&f.log), 9);
    ck_assert_int_eq(rvm_witness_verify_log(&f.log, NULL, NULL), RVM_OK);
}
END_TEST

START_TEST(flush_keeps_order_and_chain)
{
    int mode = _i;
    rvm_witness_config_t cfg;
    rvm_witness_record_t recs[16];
    rvm_witness_config_default(&cfg);
    cfg.chain_mode = (uint8_t)(mode >> 1 ? RVM_WITNESS_CHAIN_SEQUENCE : RVM_WITNESS_CHAIN_CONTENT);
    cfg.digest = (uint8_t)(mode & 1 ? RVM_WITNESS_DIGEST_FNV1A : RVM_WITNESS_DIGEST_SHA256);
    fill_prelog();
    ck_assert_int_eq(fx_attach(&f, &cfg), RVM_OK);
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), 0);
    ck_assert_uint_eq(fx_records(&f, recs, 16), 8);
    for (size_t i = 0; i < 8; i++) {
        ck_assert_uint_eq(recs[i].sequence, i);
        ck_assert_uint_eq(recs[i].action_kind, flushed_actions[i]);
        ck_assert_uint_eq(recs[i].payload[0], flushed_payload0[i]);
        ck_assert_uint_ne(recs[i].timestamp_ns, 0);
        if (i > 0) {
            ck_assert_uint_ge(recs[i].timestamp_ns, recs[i - 1].timestamp_ns);
        }
    }
    ck_assert_uint_eq(recs[2].payload[1], 0xEE);
    rvm_witness_verify_result_t res;
    ck_assert_int_eq(rvm_witness_verify_chain(cfg.chain_mode, cfg.digest, recs, 8, NULL, &res), RVM_OK);
    ck_assert_uint_eq(res.verified, 8);
    /* Reordering two flushed records must break the chain. */
    rvm_witness_record_t tmp = recs[3];
    recs[3] = recs[4];
    recs[4] = tmp;
    ck_assert_int_ne(rvm_witness_verify_chain(cfg.chain_mode, cfg.digest, recs, 8, NULL, NULL), RVM_OK);

    /* The rest of the boot continues the same chain. */
    fx_boot_all(&f, &d, 100);
    ck_assert_uint_eq(fx_records(&f, recs, 16), 11);
    ck_assert_uint_eq(recs[8].action_kind, RVM_ACTION_BOOT_COMPLETE);
    ck_assert_uint_eq(recs[9].action_kind, RVM_ACTION_FIRST_PARTITION_CREATED);
    ck_assert_uint_eq(recs[10].action_kind, RVM_ACTION_BOOT_ATTESTATION);
    ck_assert_uint_eq(recs[10].flags, cfg.chain_mode);
    ck_assert_int_eq(rvm_witness_verify_chain(cfg.chain_mode, cfg.digest, recs, 11, NULL, NULL), RVM_OK);
}
END_TEST

START_TEST(attach_refusals_keep_the_prelog)
{
    fill_prelog();
    rvm_boot_t before = f.b;
    ck_assert_int_eq(rvm_boot_attach_log(&f.b, &f.log, f.storage, 7, NULL), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_mem_eq(&before, &f.b, sizeof before);
    rvm_witness_config_t bad;
    rvm_witness_config_default(&bad);
    bad.chain_mode = 3;
    ck_assert_int_ne(rvm_boot_attach_log(&f.b, &f.log, f.storage, 8, &bad), RVM_OK);
    ck_assert_mem_eq(&before, &f.b, sizeof before);
    ck_assert_int_eq(rvm_boot_attach_log(&f.b, &f.log, f.storage, 8, NULL), RVM_OK);
    ck_assert_uint_eq(rvm_witness_len(&f.log), 8);
    ck_assert_int_eq(fx_attach(&f, NULL), RVM_ERR_INTERNAL_ERROR);
}
END_TEST

START_TEST(log_refusing_undrained_records_refuses_the_stage)
{
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    cfg.full_policy = RVM_WITNESS_REFUSE_UNDRAINED;
    stage(0, 10);
    ck_assert_int_eq(rvm_boot_attach_log(&f.b, &f.log, f.storage, 2, &cfg), RVM_OK);
    stage(1, 20);
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 2, 30), RVM_OK);
    rvm_boot_t before = f.b;
    ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, 2, 31, NULL, 0), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_mem_eq(&before, &f.b, sizeof before);
    ck_assert_int_eq(rvm_witness_mark_drained(&f.log, 2), RVM_OK);
    ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, 2, 31, NULL, 0), RVM_OK);
}
END_TEST

START_TEST(emit_accepts_only_stage_witness_codes)
{
    uint8_t pl[8] = {0};
    static const uint8_t refused[] = {0x00, 0x7F, 0x80, 0x81, 0x82, 0x8A, 0x8E, 0xFF};
    for (size_t i = 0; i < sizeof refused; i++) {
        ck_assert_int_eq(rvm_boot_emit(&f.b, refused[i], 1, pl), RVM_ERR_INVALID_ARGUMENT);
    }
    for (uint8_t a = 0x83; a <= 0x89; a++) {
        ck_assert_int_eq(rvm_boot_emit(&f.b, a, 1, pl), RVM_OK);
    }
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), 7);
    ck_assert_int_eq(rvm_boot_emit(NULL, 0x83, 1, pl), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(attach_before_any_record)
{
    ck_assert_int_eq(fx_attach(&f, NULL), RVM_OK);
    ck_assert_uint_eq(rvm_witness_total_emitted(&f.log), 0);
    emit(RVM_ACTION_RESET_VECTOR_ENTRY, 0, 0);
    stage(0, 0);
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), 0);
    ck_assert_uint_eq(rvm_witness_total_emitted(&f.log), 2);
    rvm_witness_record_t r;
    ck_assert_int_eq(rvm_witness_get(&f.log, 0, &r), RVM_OK);
    ck_assert_uint_eq(r.timestamp_ns, 1); /* counter 0 still stamps: 0 means "unstamped" to the log */
    ck_assert_int_eq(rvm_witness_get(&f.log, 1, &r), RVM_OK);
    ck_assert_uint_eq(r.timestamp_ns, 16); /* tick 1 at 62.5 MHz */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmboot-prelog");
    TCase *tc = tcase_create("prelog");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ninth_record_is_refused_not_dropped);
    tcase_add_test(tc, full_prelog_refuses_a_stage_completion_without_effect);
    tcase_add_loop_test(tc, flush_keeps_order_and_chain, 0, 4);
    tcase_add_test(tc, attach_refusals_keep_the_prelog);
    tcase_add_test(tc, log_refusing_undrained_records_refuses_the_stage);
    tcase_add_test(tc, emit_accepts_only_stage_witness_codes);
    tcase_add_test(tc, attach_before_any_record);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
