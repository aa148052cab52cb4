/* Coherence engine: partition lifecycle, tick pipeline, Split with a fresh cut, Merge gated by DC-11, degraded mode. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/coh_engine.h>

static rvm_coh_engine_t en;
static rvm_witness_log_t wlog;
static rvm_witness_record_t *records;

typedef struct fake_clock {
    uint64_t t;
    uint64_t step;
} fake_clock_t;

static fake_clock_t clk;

static uint64_t fake_now(void *ctx)
{
    fake_clock_t *c = ctx;
    c->t += c->step;
    return c->t;
}

static void setup(void)
{
    records = aligned_alloc(64, sizeof(rvm_witness_record_t) * 16);
    ck_assert_ptr_nonnull(records);
    memset(records, 0, sizeof(rvm_witness_record_t) * 16);
    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    ck_assert_int_eq(rvm_witness_log_init(&wlog, records, 16, &wc), RVM_OK);
    rvm_coh_mincut_config_t cfg;
    rvm_coh_mincut_config_default(&cfg);
    clk.t = 0;
    clk.step = 0;
    cfg.now = fake_now;
    cfg.now_ctx = &clk;
    cfg.budget_ticks = 1000;
    ck_assert_int_eq(rvm_coh_engine_init(&en, &cfg, &wlog), RVM_OK);
    for (rvm_partition_id_t p = 1; p <= 4; p++) {
        ck_assert_int_eq(rvm_coh_engine_add_partition(&en, p), RVM_OK);
    }
}

static void teardown(void) { free(records); }

START_TEST(lifecycle_and_errors)
{
    rvm_coh_mincut_config_t cfg;
    rvm_coh_mincut_config_default(&cfg);
    cfg.max_phases = 0;
    ck_assert_int_eq(rvm_coh_engine_init(&en, &cfg, &wlog), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_engine_init(&en, NULL, &wlog), RVM_ERR_INVALID_ARGUMENT);
    setup();
    ck_assert_int_eq(rvm_coh_engine_add_partition(&en, 1), RVM_ERR_INVALID_PARTITION_STATE);
    for (rvm_partition_id_t p = 5; p <= 32; p++) {
        ck_assert_int_eq(rvm_coh_engine_add_partition(&en, p), RVM_OK);
    }
    ck_assert_int_eq(rvm_coh_engine_add_partition(&en, 33), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_coh_engine_remove_partition(&en, 40), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 40, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 2, 5), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 2, 7), RVM_OK);
    ck_assert_uint_eq(en.graph.edge_count, 1);
    ck_assert_uint_eq(en.graph.out_sum[0], 12);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 2, UINT64_MAX), RVM_OK);
    ck_assert_uint_eq(en.graph.out_sum[0], UINT64_MAX);
    ck_assert_int_eq(rvm_coh_engine_remove_partition(&en, 2), RVM_OK);
    ck_assert_uint_eq(en.graph.edge_count, 0);
    ck_assert_uint_eq(rvm_coh_engine_score(&en, 2), 10000);
    ck_assert_uint_eq(rvm_coh_engine_pressure(&en, 2), 0);
    rvm_coh_decision_t d;
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 20, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 20, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_NO_ACTION);
    teardown();
}
END_TEST

START_TEST(split_carries_a_fresh_cut)
{
    rvm_coh_decision_t d;
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 20, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_NO_ACTION);
    ck_assert_uint_eq(d.reason, RVM_COH_REASON_NONE);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 2, 2, 1000), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 2, 3, 10000), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 3, 2, 100), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 20, &d), RVM_OK);
    /* After one 5 % decay: p2 self 950, p2->p3 9500, p3->p2 95; p3 has no internal traffic. */
    ck_assert_uint_eq(rvm_coh_engine_pressure(&en, 3), 10000);
    ck_assert_uint_eq(rvm_coh_engine_score(&en, 3), 0);
    ck_assert_uint_eq(rvm_coh_engine_score(&en, 2), 950u * 10000u / (950u * 2 + 9500 + 95));
    ck_assert_uint_eq(d.kind, RVM_COH_SPLIT);
    ck_assert_uint_eq(d.reason, RVM_COH_REASON_PRESSURE);
    ck_assert_uint_eq(d.a, 3);
    ck_assert_uint_eq(d.signal_bp, 10000);
    ck_assert(d.cut.within_budget);
    ck_assert_uint_eq(d.cut.cut_weight, 9500 + 95);
    ck_assert_uint_eq(d.cut.left_count + d.cut.right_count, 2);
    ck_assert_uint_eq(en.mincut.compute_count, 1);
}
END_TEST

START_TEST(merge_needs_signal_and_predicted_score)
{
    rvm_coh_decision_t d;
    /* Scores computed while idle; the traffic arrives afterwards, between recomputations. */
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 20, &d), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 2, 500), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 2, 1, 500), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 3, 4, 500), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 4, 3, 400), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 4, 1, 1), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_recommend(&en, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_MERGE);
    ck_assert_uint_eq(d.reason, RVM_COH_REASON_MUTUAL_TRAFFIC);
    ck_assert_uint_eq(d.a, 1);
    ck_assert_uint_eq(d.b, 2);
    ck_assert_uint_eq(d.signal_bp, 1000u * 10000u / 2001u);
    ck_assert_uint_eq(d.predicted_score, 1000u * 10000u / 1001u);

    /* Mutual traffic that is mostly outward would merge into an incoherent partition: no Merge. */
    ck_assert_int_eq(rvm_coh_engine_remove_partition(&en, 1), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_remove_partition(&en, 2), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_recommend(&en, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_MERGE);
    ck_assert_uint_eq(d.a, 3);
    ck_assert_int_eq(rvm_coh_engine_add_partition(&en, 5), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 3, 5, 500), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 4, 5, 200), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_recommend(&en, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_NO_ACTION);
}
END_TEST

START_TEST(single_task_partitions_merge_instead_of_split)
{
    rvm_coh_decision_t d;
    /* Two pairs that talk only within the pair, each partition alone: every pressure is 10000. */
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 2, 100), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 2, 1, 100), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 3, 4, 300), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 4, 3, 300), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 20, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_SPLIT);
    for (rvm_partition_id_t p = 1; p <= 4; p++) {
        ck_assert_uint_eq(rvm_coh_engine_pressure(&en, p), 10000);
        ck_assert_int_eq(rvm_coh_engine_set_splittable(&en, p, p == 4), RVM_OK);
    }
    ck_assert_int_eq(rvm_coh_engine_recommend(&en, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_SPLIT);
    ck_assert_uint_eq(d.a, 4);
    ck_assert_int_eq(rvm_coh_engine_set_splittable(&en, 4, false), RVM_OK);
    /* Nothing can be split: the pairs merge, each predicted to score 10000 together (equal signals: first pair). */
    ck_assert_int_eq(rvm_coh_engine_recommend(&en, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_MERGE);
    ck_assert_uint_eq(d.a, 1);
    ck_assert_uint_eq(d.b, 2);
    ck_assert_uint_eq(d.signal_bp, 5000);
    ck_assert_uint_eq(d.predicted_score, 10000);
    ck_assert_int_eq(rvm_coh_engine_set_splittable(&en, 9, true), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_engine_set_splittable(NULL, 1, true), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(adaptive_load_keeps_stale_scores)
{
    rvm_coh_decision_t d;
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 95, &d), RVM_OK); /* first tick computes */
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 2, 100), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 95, &d), RVM_OK);
    ck_assert_uint_eq(rvm_coh_engine_pressure(&en, 1), 0);
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 95, &d), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 95, &d), RVM_OK);
    ck_assert_uint_eq(rvm_coh_engine_pressure(&en, 1), 0);
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 95, &d), RVM_OK);
    ck_assert_uint_eq(rvm_coh_engine_pressure(&en, 1), 10000);
    ck_assert_uint_eq(en.adaptive.compute_count, 2);
    ck_assert_uint_eq(en.epoch, 5);
    ck_assert_uint_eq(d.kind, RVM_COH_SPLIT);
}
END_TEST

START_TEST(degraded_engine_makes_no_decisions)
{
    rvm_coh_decision_t d;
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 2, 100), RVM_OK);
    ck_assert_int_eq(rvm_coh_engine_record_communication(&en, 1, 3, 100), RVM_OK);
    clk.step = 5000;
    ck_assert_int_eq(rvm_coh_engine_tick(&en, 20, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_NO_ACTION);
    ck_assert_uint_eq(d.reason, RVM_COH_REASON_DEGRADED);
    ck_assert_uint_eq(rvm_witness_len(&wlog), 1);
    rvm_witness_record_t rec;
    ck_assert_int_eq(rvm_witness_get(&wlog, 0, &rec), RVM_OK);
    ck_assert_uint_eq(rec.action_kind, RVM_ACTION_MINCUT_BUDGET_EXCEEDED);
    ck_assert_uint_eq(rec.target_object_id, 1);
    clk.step = 0;
    ck_assert_int_eq(rvm_coh_engine_recommend(&en, &d), RVM_OK);
    ck_assert_uint_eq(d.reason, RVM_COH_REASON_DEGRADED);
    rvm_coh_mincut_clear_degraded(&en.mincut);
    ck_assert_int_eq(rvm_coh_engine_recommend(&en, &d), RVM_OK);
    ck_assert_uint_eq(d.kind, RVM_COH_SPLIT);
    ck_assert_uint_eq(d.a, 1);
    ck_assert_uint_eq(rvm_witness_len(&wlog), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmcoh-engine");
    TCase *plain = tcase_create("plain");
    tcase_add_test(plain, lifecycle_and_errors);
    suite_add_tcase(s, plain);
    TCase *tc = tcase_create("engine");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, split_carries_a_fresh_cut);
    tcase_add_test(tc, merge_needs_signal_and_predicted_score);
    tcase_add_test(tc, single_task_partitions_merge_instead_of_split);
    tcase_add_test(tc, adaptive_load_keeps_stale_scores);
    tcase_add_test(tc, degraded_engine_makes_no_decisions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
