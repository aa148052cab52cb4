/* Budgeted Stoer-Wagner: the spec vector, the phase cap, the time budget with its witness, input rejection. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/coh_mincut.h>
#include <rvm/endian.h>
#include <rvm/witness_log.h>

static rvm_coh_graph_t g;
static rvm_coh_mincut_t mc;
static rvm_witness_log_t wlog;
static rvm_witness_record_t *records;

/* A counter that advances by `step` ticks on every read. */
typedef struct fake_clock {
    uint64_t t;
    uint64_t step;
} fake_clock_t;

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
    ck_assert_int_eq(rvm_coh_graph_init(&g, 16, 64), RVM_OK);
}

static void teardown(void) { free(records); }

static void edge(rvm_partition_id_t a, rvm_partition_id_t b, uint64_t w)
{
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, a, b, w, NULL), RVM_OK);
}

static void spec_graph(void)
{
    for (rvm_partition_id_t p = 1; p <= 4; p++) {
        ck_assert_int_eq(rvm_coh_graph_add_node(&g, p), RVM_OK);
    }
    edge(1, 2, 1000);
    edge(2, 1, 1000);
    edge(3, 4, 1000);
    edge(4, 3, 1000);
    edge(2, 3, 10);
    edge(3, 2, 10);
}

static bool contains(const rvm_partition_id_t *a, uint8_t n, rvm_partition_id_t p)
{
    for (uint8_t i = 0; i < n; i++) {
        if (a[i] == p) {
            return true;
        }
    }
    return false;
}

START_TEST(spec_vector)
{
    rvm_coh_mincut_config_t cfg;
    rvm_coh_cut_t cut;
    rvm_coh_mincut_config_default(&cfg);
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_OK);
    spec_graph();
    ck_assert_int_eq(rvm_coh_find_min_cut(&mc, &g, 2, &cut), RVM_OK);
    ck_assert_uint_eq(cut.cut_weight, 20);
    ck_assert_uint_eq(cut.left_count + cut.right_count, 3);
    ck_assert(cut.within_budget);
    ck_assert(!contains(cut.left, cut.left_count, 4) && !contains(cut.right, cut.right_count, 4));
    /* The cheap side is p3 alone: 20 separates it from {p1, p2}. */
    ck_assert((cut.left_count == 1 && cut.left[0] == 3) || (cut.right_count == 1 && cut.right[0] == 3));
    ck_assert_uint_eq(mc.compute_count, 1);
    ck_assert_uint_eq(mc.epoch, 1);

    edge(1, 3, 5000);
    ck_assert_int_eq(rvm_coh_find_min_cut(&mc, &g, 1, &cut), RVM_OK);
    ck_assert_uint_gt(cut.cut_weight, 20);
    ck_assert_uint_eq(rvm_witness_len(&wlog), 0);
}
END_TEST

START_TEST(single_node_and_unknown_root)
{
    rvm_coh_mincut_config_t cfg;
    rvm_coh_cut_t cut;
    rvm_coh_mincut_config_default(&cfg);
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 5), RVM_OK);
    ck_assert_int_eq(rvm_coh_find_min_cut(&mc, &g, 5, &cut), RVM_OK);
    ck_assert_uint_eq(cut.left_count, 1);
    ck_assert_uint_eq(cut.left[0], 5);
    ck_assert_uint_eq(cut.right_count, 0);
    ck_assert_uint_eq(cut.cut_weight, 0);
    ck_assert(cut.within_budget);
    ck_assert_uint_eq(mc.compute_count, 1);
    ck_assert_int_eq(rvm_coh_find_min_cut(&mc, &g, 6, &cut), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

START_TEST(self_loops_do_not_change_the_cut)
{
    rvm_coh_mincut_config_t cfg;
    rvm_coh_cut_t cut;
    rvm_coh_mincut_config_default(&cfg);
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_OK);
    spec_graph();
    edge(2, 2, 1u << 20);
    edge(3, 3, 1u << 20);
    rvm_partition_id_t all[4] = {1, 2, 3, 4};
    ck_assert_int_eq(rvm_coh_min_cut_of(&mc, &g, all, 4, &cut), RVM_OK);
    ck_assert_uint_eq(cut.cut_weight, 20);
    ck_assert_uint_eq(cut.left_count, 2);
}
END_TEST

START_TEST(phase_cap_gives_partial_result)
{
    rvm_coh_mincut_config_t cfg;
    rvm_coh_cut_t cut;
    rvm_coh_mincut_config_default(&cfg);
    cfg.max_phases = 1;
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_OK);
    spec_graph();
    rvm_partition_id_t all[4] = {1, 2, 3, 4};
    ck_assert_int_eq(rvm_coh_min_cut_of(&mc, &g, all, 4, &cut), RVM_OK);
    ck_assert(!cut.within_budget);
    ck_assert_uint_eq(cut.left_count + cut.right_count, 4);
    ck_assert_uint_lt(cut.cut_weight, RVM_COH_CUT_NONE);
    ck_assert_uint_eq(mc.budget_exceeded_count, 1);
    ck_assert_uint_eq(mc.compute_count, 0);
    ck_assert(!mc.degraded);
    ck_assert_int_eq(memcmp(&mc.last_known_cut, &cut, sizeof cut), 0);
}
END_TEST

START_TEST(time_overrun_reuses_last_cut_and_witnesses)
{
    fake_clock_t clk = {.t = 0, .step = 0};
    rvm_coh_mincut_config_t cfg;
    rvm_coh_cut_t good;
    rvm_coh_cut_t cut;
    rvm_coh_mincut_config_default(&cfg);
    cfg.now = fake_now;
    cfg.now_ctx = &clk;
    cfg.budget_ticks = 50 * 24; /* 50 us at 24 MHz */
    cfg.ticks_per_us = 24;
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_OK);
    spec_graph();
    rvm_partition_id_t all[4] = {1, 2, 3, 4};
    ck_assert_int_eq(rvm_coh_min_cut_of(&mc, &g, all, 4, &good), RVM_OK);
    ck_assert(good.within_budget);
    ck_assert_uint_eq(good.cut_weight, 20);

    clk.step = 100 * 24; /* every read 100 us later */
    ck_assert_int_eq(rvm_coh_find_min_cut(&mc, &g, 2, &cut), RVM_OK);
    ck_assert(!cut.within_budget);
    ck_assert_uint_eq(cut.cut_weight, good.cut_weight);
    ck_assert_uint_eq(cut.left_count, good.left_count);
    ck_assert_uint_eq(cut.right_count, 2); /* last known cut covered all four nodes */
    ck_assert(mc.degraded);
    ck_assert_uint_eq(mc.budget_exceeded_count, 1);
    ck_assert_uint_eq(mc.compute_count, 1);

    ck_assert_uint_eq(rvm_witness_len(&wlog), 1);
    rvm_witness_record_t rec;
    ck_assert_int_eq(rvm_witness_get(&wlog, 0, &rec), RVM_OK);
    ck_assert_uint_eq(rec.action_kind, RVM_ACTION_MINCUT_BUDGET_EXCEEDED);
    ck_assert_uint_eq(rec.action_kind, 0x74);
    ck_assert_uint_eq(rec.actor_partition_id, RVM_PARTITION_HYPERVISOR);
    ck_assert_uint_eq(rec.target_object_id, 2);
    ck_assert_uint_eq(rvm_le64_load(rec.payload), 100);
    ck_assert_uint_eq(rvm_le64_load(rec.aux), 2);

    rvm_coh_mincut_clear_degraded(&mc);
    ck_assert(!mc.degraded);
}
END_TEST

START_TEST(time_overrun_without_history_is_partial)
{
    fake_clock_t clk = {.t = 0, .step = 1000};
    rvm_coh_mincut_config_t cfg;
    rvm_coh_cut_t cut;
    rvm_coh_mincut_config_default(&cfg);
    cfg.now = fake_now;
    cfg.now_ctx = &clk;
    cfg.budget_ticks = 10;
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_OK);
    spec_graph();
    ck_assert_int_eq(rvm_coh_find_min_cut(&mc, &g, 2, &cut), RVM_OK);
    ck_assert(!cut.within_budget);
    ck_assert_uint_eq(cut.left_count + cut.right_count, 3);
    ck_assert(mc.degraded);
    ck_assert_uint_eq(rvm_witness_len(&wlog), 1);
}
END_TEST

START_TEST(rejects_bad_arguments)
{
    rvm_coh_mincut_config_t cfg;
    rvm_coh_cut_t cut;
    rvm_coh_mincut_config_default(&cfg);
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, NULL), RVM_ERR_INVALID_ARGUMENT);
    cfg.max_phases = 0;
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_ERR_INVALID_ARGUMENT);
    cfg.max_phases = 1;
    cfg.ticks_per_us = 0;
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_ERR_INVALID_ARGUMENT);
    rvm_coh_mincut_config_default(&cfg);
    ck_assert_int_eq(rvm_coh_mincut_init(&mc, &cfg, &wlog), RVM_OK);
    spec_graph();
    rvm_partition_id_t dup[3] = {1, 2, 1};
    rvm_partition_id_t unknown[2] = {1, 9};
    ck_assert_int_eq(rvm_coh_min_cut_of(&mc, &g, dup, 3, &cut), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_min_cut_of(&mc, &g, dup, 0, &cut), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_min_cut_of(&mc, &g, dup, 33, &cut), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_min_cut_of(&mc, &g, unknown, 2, &cut), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_find_min_cut(&mc, &g, 1, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmcoh-mincut");
    TCase *tc = tcase_create("mincut");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, spec_vector);
    tcase_add_test(tc, single_node_and_unknown_root);
    tcase_add_test(tc, self_loops_do_not_change_the_cut);
    tcase_add_test(tc, phase_cap_gives_partial_result);
    tcase_add_test(tc, time_overrun_reuses_last_cut_and_witnesses);
    tcase_add_test(tc, time_overrun_without_history_is_partial);
    tcase_add_test(tc, rejects_bad_arguments);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
