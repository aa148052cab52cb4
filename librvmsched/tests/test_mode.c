/* Modes and degraded operation: semantics, one witness per change, rejections (spec §9.3, DC-1, DC-6). */
#include <check.h>
#include <stdlib.h>

#include <rvm/endian.h>

#include "fixture.h"

static fixture_t f;

static void open_default(void) { fx_open(&f, 2, 16, 64, RVM_WITNESS_OVERWRITE_OLDEST, NULL, 2); }
static void teardown(void) { fx_close(&f); }

static void expect_mode_switch(uint64_t seq, rvm_partition_id_t actor, uint8_t old, uint8_t new_mode)
{
    rvm_witness_record_t r = fx_record(&f, seq);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_SCHEDULER_MODE_SWITCH);
    ck_assert_uint_eq(r.proof_tier, 1);
    ck_assert_uint_eq(r.actor_partition_id, actor);
    ck_assert_uint_eq(r.target_object_id, 0);
    ck_assert_uint_eq(r.payload[0], old);
    ck_assert_uint_eq(r.payload[1], new_mode);
}

START_TEST(every_mode_change_is_witnessed)
{
    ck_assert_int_eq(rvm_sched_mode(&f.s), RVM_SCHED_FLOW);
    ck_assert(rvm_sched_ipc_allowed(&f.s));
    ck_assert_uint_eq(fx_records(&f), 0);
    /* All six transitions between the three modes. */
    const uint8_t path[7] = { RVM_SCHED_FLOW, RVM_SCHED_REFLEX, RVM_SCHED_RECOVERY, RVM_SCHED_FLOW,
                              RVM_SCHED_RECOVERY, RVM_SCHED_REFLEX, RVM_SCHED_FLOW };
    for (unsigned i = 1; i < 7; i++) {
        ck_assert_int_eq(rvm_sched_set_mode(&f.s, 7, path[i]), RVM_OK);
        ck_assert_int_eq(rvm_sched_mode(&f.s), path[i]);
        ck_assert_uint_eq(fx_records(&f), i);
        expect_mode_switch(i - 1, 7, path[i - 1], path[i]);
    }
}
END_TEST

START_TEST(mode_rejections)
{
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_FLOW), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, 3), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, 0xFF), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_mode(&f.s), RVM_SCHED_FLOW);
    ck_assert_uint_eq(fx_records(&f), 0);
}
END_TEST

START_TEST(reflex_runs_realtime_only_in_static_order)
{
    fx_part(&f, 1, RVM_SCHED_PART_REALTIME, 10, FX_ALL_CPUS);
    fx_part(&f, 2, RVM_SCHED_PART_REALTIME, 20, FX_ALL_CPUS);
    fx_part(&f, 3, 0, 255, FX_ALL_CPUS);
    fx_part(&f, 4, RVM_SCHED_PART_REALTIME, 20, FX_ALL_CPUS);
    for (rvm_partition_id_t p = 1; p <= 4; p++) {
        ck_assert_int_eq(rvm_sched_place_on(&f.s, p, 0), RVM_OK);
        ck_assert_int_eq(rvm_sched_set_pressure(&f.s, p, 10000), RVM_OK);
    }
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_REFLEX), RVM_OK);
    ck_assert(!rvm_sched_ipc_allowed(&f.s));
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 60000), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 5), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 3, 65535), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 4, 9), RVM_OK);
    /* Static priority first (20 before 10), urgency within it; the non-real-time one never runs. */
    ck_assert_uint_eq(fx_pick(&f, 0), 4);
    ck_assert_uint_eq(fx_pick(&f, 0), 2);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_ERR_NOT_FOUND);
    uint32_t len = 0;
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 0, &len), RVM_OK);
    ck_assert_uint_eq(len, 1);
    /* Back in Flow it is eligible again. */
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_FLOW), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 3);
}
END_TEST

START_TEST(recovery_runs_recovery_work_only)
{
    fx_part(&f, 1, 0, 0, FX_ALL_CPUS);
    fx_part(&f, 2, RVM_SCHED_PART_RECOVERY, 0, FX_ALL_CPUS);
    fx_part(&f, 3, RVM_SCHED_PART_RECOVERY, 0, FX_ALL_CPUS);
    for (rvm_partition_id_t p = 1; p <= 3; p++) {
        ck_assert_int_eq(rvm_sched_place_on(&f.s, p, 1), RVM_OK);
    }
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 3, 10000), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 1, 60000), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 2, 500), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 3, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_RECOVERY), RVM_OK);
    /* Flow's two-signal order among the eligible: 100 + 1024 before 500. */
    ck_assert_uint_eq(fx_pick(&f, 1), 3);
    ck_assert_uint_eq(fx_pick(&f, 1), 2);
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 1, &prev, &next), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_FLOW), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 1), 1);
}
END_TEST

START_TEST(urgency_order_across_modes)
{
    /* Spec §19 item 42: 200 > 100 > 50 across Reflex -> Recovery -> Flow; then empty. */
    for (rvm_partition_id_t p = 1; p <= 3; p++) {
        fx_part(&f, p, RVM_SCHED_PART_REALTIME | RVM_SCHED_PART_RECOVERY, RVM_PRIORITY_DEFAULT, FX_ALL_CPUS);
        ck_assert_int_eq(rvm_sched_place_on(&f.s, p, 0), RVM_OK);
    }
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 200), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 3, 50), RVM_OK);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_REFLEX), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 2);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_RECOVERY), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_FLOW), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 3);
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_ERR_NOT_FOUND);
}
END_TEST

static void expect_degraded_record(uint64_t seq, uint8_t kind, uint8_t reason, uint32_t epoch)
{
    rvm_witness_record_t r = fx_record(&f, seq);
    ck_assert_uint_eq(r.action_kind, kind);
    ck_assert_uint_eq(r.actor_partition_id, 0);
    ck_assert_uint_eq(r.target_object_id, 0);
    ck_assert_uint_eq(r.payload[0], reason);
    ck_assert_uint_eq(rvm_le32_load(r.payload + 1), epoch);
}

START_TEST(degraded_enter_and_exit)
{
    uint8_t reason = 9;
    uint32_t since = 9;
    ck_assert(!rvm_sched_is_degraded(&f.s, &reason, &since));
    ck_assert_uint_eq(reason, RVM_SCHED_DEGRADED_NONE);
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, NULL), RVM_OK);
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, NULL), RVM_OK);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED), RVM_OK);
    ck_assert(rvm_sched_is_degraded(&f.s, &reason, &since));
    ck_assert_uint_eq(reason, RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED);
    ck_assert_uint_eq(since, 2);
    ck_assert(rvm_sched_is_degraded(&f.s, NULL, NULL));
    expect_degraded_record(2, RVM_ACTION_DEGRADED_MODE_ENTERED, RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED, 2);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_RECOVERY_TRIGGERED),
                     RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_uint_eq(fx_records(&f), 3);
    /* Degraded mode is orthogonal to the mode. */
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_RECOVERY), RVM_OK);
    ck_assert(rvm_sched_is_degraded(&f.s, NULL, NULL));
    ck_assert_int_eq(rvm_sched_exit_degraded(&f.s), RVM_OK);
    expect_degraded_record(4, RVM_ACTION_DEGRADED_MODE_EXITED, RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED, 2);
    ck_assert(!rvm_sched_is_degraded(&f.s, &reason, &since));
    ck_assert_uint_eq(reason, RVM_SCHED_DEGRADED_NONE);
    ck_assert_int_eq(rvm_sched_mode(&f.s), RVM_SCHED_RECOVERY);
    ck_assert_int_eq(rvm_sched_exit_degraded(&f.s), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_NONE), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, 4), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(&f), 5);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_RECOVERY_TRIGGERED), RVM_OK);
    expect_degraded_record(5, RVM_ACTION_DEGRADED_MODE_ENTERED, RVM_SCHED_DEGRADED_RECOVERY_TRIGGERED, 2);
}
END_TEST

START_TEST(without_coherence_pressure_is_ignored)
{
    fx_close(&f);
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, 1);
    cfg.coherence_present = false;
    fx_open(&f, 1, 8, 16, RVM_WITNESS_OVERWRITE_OLDEST, &cfg, 1);
    /* DC-1: the scheduler starts degraded, and says so. */
    ck_assert_uint_eq(fx_records(&f), 1);
    expect_degraded_record(0, RVM_ACTION_DEGRADED_MODE_ENTERED, RVM_SCHED_DEGRADED_COHERENCE_UNAVAILABLE, 0);
    uint8_t reason = 0;
    ck_assert(rvm_sched_is_degraded(&f.s, &reason, NULL));
    ck_assert_uint_eq(reason, RVM_SCHED_DEGRADED_COHERENCE_UNAVAILABLE);
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 2, 10000), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 101), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    ck_assert_uint_eq(fx_pick(&f, 0), 2);
    /* No engine, no trusted pressure: degraded mode cannot be left. */
    ck_assert_int_eq(rvm_sched_exit_degraded(&f.s), RVM_ERR_UNSUPPORTED);
    ck_assert(rvm_sched_is_degraded(&f.s, NULL, NULL));
    ck_assert_uint_eq(fx_records(&f), 1);
}
END_TEST

START_TEST(no_witness_no_change)
{
    fx_close(&f);
    fx_open(&f, 1, 8, 2, RVM_WITNESS_REFUSE_UNDRAINED, NULL, 1);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_REFLEX), RVM_OK);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED), RVM_OK);
    /* The ring is full of undrained records. */
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_FLOW), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_sched_mode(&f.s), RVM_SCHED_REFLEX);
    ck_assert_int_eq(rvm_sched_exit_degraded(&f.s), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert(rvm_sched_is_degraded(&f.s, NULL, NULL));
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, NULL), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(rvm_sched_epoch(&f.s), 0);
    ck_assert_int_eq(rvm_witness_mark_drained(&f.log, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_exit_degraded(&f.s), RVM_OK);
    ck_assert(!rvm_sched_is_degraded(&f.s, NULL, NULL));
}
END_TEST

START_TEST(init_without_coherence_needs_the_witness)
{
    fx_close(&f);
    fx_open(&f, 1, 8, 1, RVM_WITNESS_REFUSE_UNDRAINED, NULL, 1);
    ck_assert_int_eq(rvm_sched_set_mode(&f.s, 0, RVM_SCHED_REFLEX), RVM_OK);
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, 1);
    cfg.coherence_present = false;
    rvm_sched_t s2;
    ck_assert_int_eq(rvm_sched_init(&s2, &f.st, &cfg, &f.log), RVM_ERR_WITNESS_LOG_FULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmsched-mode");
    TCase *tc = tcase_create("mode");
    tcase_add_checked_fixture(tc, open_default, teardown);
    tcase_add_test(tc, every_mode_change_is_witnessed);
    tcase_add_test(tc, mode_rejections);
    tcase_add_test(tc, reflex_runs_realtime_only_in_static_order);
    tcase_add_test(tc, recovery_runs_recovery_work_only);
    tcase_add_test(tc, urgency_order_across_modes);
    tcase_add_test(tc, degraded_enter_and_exit);
    tcase_add_test(tc, without_coherence_pressure_is_ignored);
    tcase_add_test(tc, no_witness_no_change);
    tcase_add_test(tc, init_without_coherence_needs_the_witness);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
