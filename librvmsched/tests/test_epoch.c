/* Epochs: exactly one SchedulerEpoch witness per epoch with the DC-10 summary (spec §9.4). */
#include <check.h>
#include <stdlib.h>

#include <rvm/endian.h>

#include "fixture.h"

static fixture_t f;

static void open_default(void) { fx_open(&f, 2, 16, 256, RVM_WITNESS_OVERWRITE_OLDEST, NULL, 2); }
static void teardown(void) { fx_close(&f); }

static void expect_epoch_record(uint64_t seq, uint32_t epoch, uint16_t switches, uint16_t runnable, uint32_t us,
                                uint8_t flags)
{
    rvm_witness_record_t r = fx_record(&f, seq);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_SCHEDULER_EPOCH);
    ck_assert_uint_eq(r.proof_tier, 1);
    ck_assert_uint_eq(r.actor_partition_id, 0);
    ck_assert_uint_eq(r.target_object_id, epoch);
    ck_assert_uint_eq(rvm_le16_load(r.payload), switches);
    ck_assert_uint_eq(rvm_le16_load(r.payload + 2), runnable);
    ck_assert_uint_eq(rvm_le32_load(r.payload + 4), us);
    ck_assert_uint_eq(r.flags, flags);
}

START_TEST(n_epochs_give_n_records)
{
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 1);
    fx_part_on(&f, 3, 1);
    const unsigned n = 25;
    for (unsigned e = 0; e < n; e++) {
        /* Epoch e: e % 3 switches on CPU 0 costing 1500 ns each, one partition left queued on CPU 1 when odd. */
        for (unsigned k = 0; k < e % 3; k++) {
            ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 1), RVM_OK);
            ck_assert_uint_eq(fx_pick(&f, 0), 1);
            ck_assert_int_eq(rvm_sched_switch_cost(&f.s, 0, 1500), RVM_OK);
            rvm_partition_id_t prev = 0;
            ck_assert_int_eq(rvm_sched_release(&f.s, 0, &prev), RVM_OK);
        }
        if (e % 2 == 1) {
            ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 2, 1), RVM_OK);
        }
        rvm_sched_epoch_summary_t sum;
        ck_assert_uint_eq(rvm_sched_epoch(&f.s), e);
        ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
        ck_assert_uint_eq(sum.base.epoch, e);
        ck_assert_uint_eq(sum.base.switch_count, e % 3 + (e > 0 && (e - 1) % 2 == 1 ? 1 : 0));
        ck_assert_uint_eq(sum.base.runnable_count, e % 2);
        ck_assert_uint_eq(sum.switch_time_us, (e % 3) * 1500 / 1000);
        ck_assert(!sum.degraded);
        ck_assert(!sum.over_budget);
        if (e % 2 == 1) {
            ck_assert_uint_eq(fx_pick(&f, 1), 2);
            rvm_partition_id_t prev = 0;
            ck_assert_int_eq(rvm_sched_release(&f.s, 1, &prev), RVM_OK);
        }
    }
    ck_assert_uint_eq(rvm_sched_epoch(&f.s), n);
    /* Exactly n records, all SchedulerEpoch, in epoch order; the picks on CPU 1 count in the next epoch. */
    ck_assert_uint_eq(fx_records(&f), n);
    for (unsigned e = 0; e < n; e++) {
        uint16_t sw = (uint16_t)(e % 3 + (e > 0 && (e - 1) % 2 == 1 ? 1 : 0));
        expect_epoch_record(e, e, sw, (uint16_t)(e % 2), (e % 3) * 1500 / 1000, 0);
    }
}
END_TEST

START_TEST(summary_sums_cpus_and_flags_degraded)
{
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    fx_part_on(&f, 3, 1);
    fx_part_on(&f, 4, 1);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 3, 1), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    ck_assert_uint_eq(fx_pick(&f, 1), 3);
    ck_assert_int_eq(rvm_sched_switch_cost(&f.s, 0, 2000000), RVM_OK);
    ck_assert_int_eq(rvm_sched_switch_cost(&f.s, 1, 999), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 4, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_COHERENCE_UNAVAILABLE), RVM_OK);
    rvm_sched_epoch_summary_t sum;
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
    ck_assert_uint_eq(sum.base.switch_count, 2);
    ck_assert_uint_eq(sum.base.runnable_count, 2);
    ck_assert_uint_eq(sum.switch_time_us, 2000);
    ck_assert(sum.degraded);
    expect_epoch_record(1, 0, 2, 2, 2000, RVM_SCHED_EPOCH_FLAG_DEGRADED);
    /* The next epoch starts from zero switches; the queued partitions are still runnable. */
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
    ck_assert_uint_eq(sum.base.epoch, 1);
    ck_assert_uint_eq(sum.base.switch_count, 0);
    ck_assert_uint_eq(sum.base.runnable_count, 2);
    ck_assert_uint_eq(sum.switch_time_us, 0);
    expect_epoch_record(2, 1, 0, 2, 0, RVM_SCHED_EPOCH_FLAG_DEGRADED);
    ck_assert_uint_eq(fx_records(&f), 3);
}
END_TEST

START_TEST(switch_budget_overrun_is_flagged)
{
    fx_close(&f);
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, 1);
    cfg.epoch.max_switches = 2;
    cfg.epoch.interval_ns = 1000000;
    fx_open(&f, 1, 8, 16, RVM_WITNESS_OVERWRITE_OLDEST, &cfg, 1);
    ck_assert_uint_eq(rvm_sched_epoch_interval_ns(&f.s), 1000000);
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    rvm_sched_epoch_summary_t sum;
    for (unsigned k = 0; k < 2; k++) {
        ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, (rvm_partition_id_t)(1 + k), 1), RVM_OK);
        (void)fx_pick(&f, 0);
    }
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
    ck_assert(!sum.over_budget);
    for (unsigned k = 0; k < 3; k++) {
        ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, (rvm_partition_id_t)(1 + k % 2), 1), RVM_OK);
        (void)fx_pick(&f, 0);
    }
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
    ck_assert(sum.over_budget);
    ck_assert_uint_eq(sum.base.switch_count, 3);
    expect_epoch_record(1, 1, 3, 0, 0, RVM_SCHED_EPOCH_FLAG_OVER_BUDGET);
}
END_TEST

START_TEST(failed_witness_keeps_the_epoch_open)
{
    fx_close(&f);
    fx_open(&f, 1, 8, 1, RVM_WITNESS_REFUSE_UNDRAINED, NULL, 1);
    fx_part_on(&f, 1, 0);
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, NULL), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 1), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    rvm_sched_epoch_summary_t sum = { .switch_time_us = 77 };
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(sum.switch_time_us, 77);
    ck_assert_uint_eq(rvm_sched_epoch(&f.s), 1);
    ck_assert_int_eq(rvm_witness_mark_drained(&f.log, 1), RVM_OK);
    /* The switch that happened while the log was full is reported, not lost. */
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
    ck_assert_uint_eq(sum.base.epoch, 1);
    ck_assert_uint_eq(sum.base.switch_count, 1);
    ck_assert_uint_eq(rvm_sched_epoch(&f.s), 2);
}
END_TEST

START_TEST(counts_saturate)
{
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    /* 70000 changes of partition and 5e12 ns of switch cost in one epoch. */
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 1), RVM_OK);
    for (unsigned k = 0; k < 70000; k++) {
        ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, (rvm_partition_id_t)(2 - k % 2), 1), RVM_OK);
        (void)fx_pick(&f, 0);
    }
    ck_assert_int_eq(rvm_sched_switch_cost(&f.s, 0, 5000000000000ull), RVM_OK);
    rvm_sched_epoch_summary_t sum;
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
    ck_assert_uint_eq(sum.base.switch_count, 0xFFFF);
    ck_assert_uint_eq(sum.switch_time_us, 0xFFFFFFFFu);
    ck_assert(sum.over_budget);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmsched-epoch");
    TCase *tc = tcase_create("epoch");
    tcase_add_checked_fixture(tc, open_default, teardown);
    tcase_add_test(tc, n_epochs_give_n_records);
    tcase_add_test(tc, summary_sums_cpus_and_flags_degraded);
    tcase_add_test(tc, switch_budget_overrun_is_flagged);
    tcase_add_test(tc, failed_witness_keeps_the_epoch_open);
    tcase_add_test(tc, counts_saturate);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
