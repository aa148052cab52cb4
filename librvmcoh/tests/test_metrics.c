/* Score, pressure, merge signal, decay and the EMA filter: the spec's numeric examples (§11.2-§11.6). */
#include <check.h>
#include <stdlib.h>

#include <rvm/coh_metrics.h>
#include <rvm/fixed.h>

static rvm_coh_graph_t g;

static void nodes(uint32_t n)
{
    ck_assert_int_eq(rvm_coh_graph_init(&g, 8, 32), RVM_OK);
    for (rvm_partition_id_t p = 1; p <= n; p++) {
        ck_assert_int_eq(rvm_coh_graph_add_node(&g, p), RVM_OK);
    }
}

static void edge(rvm_partition_id_t a, rvm_partition_id_t b, uint64_t w)
{
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, a, b, w, NULL), RVM_OK);
}

static rvm_coherence_score_t score(rvm_partition_id_t p)
{
    rvm_coherence_score_t s;
    ck_assert_int_eq(rvm_coh_score(&g, p, &s), RVM_OK);
    return s;
}

static rvm_cut_pressure_t pressure(rvm_partition_id_t p)
{
    rvm_cut_pressure_t s;
    ck_assert_int_eq(rvm_coh_pressure(&g, p, &s), RVM_OK);
    return s;
}

START_TEST(score_examples)
{
    nodes(3);
    ck_assert_uint_eq(score(3), 10000); /* isolated */
    edge(1, 1, 1000);
    edge(1, 2, 50);
    ck_assert_uint_eq(score(1), 4878);
    ck_assert_uint_eq(score(2), 0); /* only external traffic */
    edge(3, 3, 40);
    ck_assert_uint_eq(score(3), 5000); /* only a self-loop */
    rvm_coherence_score_t s;
    ck_assert_int_eq(rvm_coh_score(&g, 9, &s), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_score(&g, 1, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(pressure_examples)
{
    nodes(4);
    ck_assert_uint_eq(pressure(4), 0);
    edge(1, 2, 10);
    ck_assert_uint_eq(pressure(1), 10000);
    ck_assert(rvm_coh_should_split(pressure(1)));
    edge(3, 3, 100);
    edge(3, 4, 900);
    ck_assert_uint_eq(pressure(3), 9090);
    ck_assert(rvm_coh_should_split(9090));
    ck_assert(!rvm_coh_should_split(8000));
    ck_assert(rvm_coh_should_split(8001));
    ck_assert_int_eq(rvm_coh_graph_init(&g, 8, 32), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 1), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 2), RVM_OK);
    edge(1, 1, 1000);
    edge(1, 2, 10050);
    ck_assert_uint_eq(pressure(1), 9170);
    rvm_cut_pressure_t p;
    ck_assert_int_eq(rvm_coh_pressure(&g, 7, &p), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

START_TEST(merge_signal_and_predicted_score)
{
    uint32_t bp;
    rvm_coherence_score_t s;
    nodes(4);
    ck_assert_int_eq(rvm_coh_merge_signal(&g, 3, 4, &bp), RVM_OK);
    ck_assert_uint_eq(bp, 0);
    ck_assert_int_eq(rvm_coh_predicted_merged_score(&g, 3, 4, &s), RVM_OK);
    ck_assert_uint_eq(s, 10000);
    edge(1, 2, 300);
    edge(2, 1, 200);
    ck_assert_int_eq(rvm_coh_merge_signal(&g, 1, 2, &bp), RVM_OK);
    ck_assert_uint_eq(bp, 5000);
    ck_assert(rvm_coh_should_merge(bp));
    ck_assert(rvm_coh_should_merge(4000));
    ck_assert(!rvm_coh_should_merge(3999));
    ck_assert_int_eq(rvm_coh_predicted_merged_score(&g, 1, 2, &s), RVM_OK);
    ck_assert_uint_eq(s, 10000);
    /* Outside traffic from p1 to p3 lowers both: mutual 500 of combined 1000 + 2*500. */
    edge(1, 3, 500);
    ck_assert_int_eq(rvm_coh_merge_signal(&g, 1, 2, &bp), RVM_OK);
    ck_assert_uint_eq(bp, 3333);
    ck_assert_int_eq(rvm_coh_predicted_merged_score(&g, 1, 2, &s), RVM_OK);
    ck_assert_uint_eq(s, 5000); /* 500 / (1500 - 500) */
    ck_assert_int_eq(rvm_coh_merge_signal(&g, 1, 9, &bp), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_predicted_merged_score(&g, 9, 1, &s), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

START_TEST(decay_floors_and_prunes)
{
    uint16_t small;
    uint16_t big;
    uint32_t pruned;
    uint64_t w;
    nodes(2);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 1, 2, 19, &small), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 2, 1, 10000, &big), RVM_OK);
    ck_assert_int_eq(rvm_coh_decay(&g, RVM_COH_DEFAULT_DECAY_BP, &pruned), RVM_OK);
    ck_assert_uint_eq(pruned, 0);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, small, &w), RVM_OK);
    ck_assert_uint_eq(w, 18);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, big, &w), RVM_OK);
    ck_assert_uint_eq(w, 9500);
    ck_assert_uint_eq(g.m[0][1], 18);
    ck_assert_uint_eq(g.out_sum[1], 9500);
    ck_assert_uint_eq(g.in_sum[1], 18);
    uint32_t ticks = 1;
    uint32_t total_pruned = 0;
    while (g.edge_count > 0 && ticks < 1000) {
        ck_assert_int_eq(rvm_coh_decay(&g, 500, &pruned), RVM_OK);
        total_pruned += pruned;
        ticks++;
    }
    ck_assert_uint_le(ticks, 200);
    ck_assert_uint_eq(total_pruned, 2);
    ck_assert_uint_eq(g.m[1][0], 0);
    ck_assert_uint_eq(g.out_sum[1], 0);
    ck_assert_int_eq(rvm_coh_decay(&g, 10001, &pruned), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(decay_of_huge_weights_does_not_overflow)
{
    uint16_t e;
    uint64_t w;
    nodes(2);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 1, 2, UINT64_MAX, &e), RVM_OK);
    ck_assert_int_eq(rvm_coh_decay(&g, 500, NULL), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, e, &w), RVM_OK);
    ck_assert_uint_eq(w, (uint64_t)((unsigned __int128)UINT64_MAX * 9500u / 10000u));
    ck_assert_int_eq(rvm_coh_decay(&g, 10000, NULL), RVM_OK);
    ck_assert_uint_eq(g.edge_count, 0);
}
END_TEST

START_TEST(ema_vectors)
{
    rvm_ema_t e;
    rvm_ema_init(&e, 5000);
    ck_assert_uint_eq(rvm_ema_update(&e, 8000), 8000);
    ck_assert_uint_eq(rvm_ema_update(&e, 4000), 6000);
    rvm_ema_init(&e, 2000);
    ck_assert_uint_eq(rvm_ema_update(&e, 8000), 8000);
    ck_assert_uint_eq(rvm_ema_update(&e, 4000), 7200);
    rvm_ema_init(&e, 5000);
    ck_assert_uint_eq(rvm_ema_update(&e, 9000), 9000);
    ck_assert_uint_eq(rvm_ema_update(&e, 2000), 5500);
    ck_assert_uint_eq(rvm_ema_update(&e, 1000), 3250);
    ck_assert_uint_eq(rvm_ema_update(&e, 1000), 2125);
    ck_assert_uint_eq(rvm_coh_phi_to_bp(0), 0);
    ck_assert_uint_eq(rvm_coh_phi_to_bp(7321), 7321);
    ck_assert_uint_eq(rvm_coh_phi_to_bp(10001), 10000);
    ck_assert_uint_eq(rvm_coh_phi_to_bp(UINT32_MAX), 10000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmcoh-metrics");
    TCase *tc = tcase_create("metrics");
    tcase_add_test(tc, score_examples);
    tcase_add_test(tc, pressure_examples);
    tcase_add_test(tc, merge_signal_and_predicted_score);
    tcase_add_test(tc, decay_floors_and_prunes);
    tcase_add_test(tc, decay_of_huge_weights_does_not_overflow);
    tcase_add_test(tc, ema_vectors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
