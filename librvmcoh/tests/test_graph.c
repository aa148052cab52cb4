/* Coherence graph: node and edge lifecycle, caches, queries and every rejection (spec §11.1). */
#include <check.h>
#include <stdlib.h>

#include <rvm/coh_graph.h>

static rvm_coh_graph_t g;

START_TEST(init_rejects_bad_capacities)
{
    ck_assert_int_eq(rvm_coh_graph_init(NULL, 8, 16), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_graph_init(&g, 0, 16), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_graph_init(&g, 33, 16), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_graph_init(&g, 8, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_graph_init(&g, 8, 129), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_coh_graph_init(&g, 32, 128), RVM_OK);
}
END_TEST

START_TEST(nodes_add_duplicate_full_remove)
{
    ck_assert_int_eq(rvm_coh_graph_init(&g, 2, 4), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 7), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 7), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 263), RVM_OK); /* same pid % 256 as 7 */
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 9), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(g.node_count, 2);
    ck_assert_int_eq(rvm_coh_graph_remove_node(&g, 9), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_graph_remove_node(&g, 7), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 9), RVM_OK);
    uint16_t idx;
    ck_assert_int_eq(rvm_coh_graph_index_of(&g, 263, &idx), RVM_OK);
    ck_assert_uint_eq(idx, 1);
}
END_TEST

START_TEST(edges_matrix_and_caches)
{
    uint16_t e1;
    uint16_t e2;
    uint16_t e3;
    uint64_t w;
    ck_assert_int_eq(rvm_coh_graph_init(&g, 8, 3), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 1), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_node(&g, 2), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 1, 3, 5, &e1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 3, 1, 5, &e1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 1, 2, 100, &e1), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 1, 2, 50, &e2), RVM_OK); /* parallel */
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 2, 2, 7, &e3), RVM_OK);  /* self-loop */
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 2, 1, 1, NULL), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(g.m[0][1], 150);
    ck_assert_int_eq(rvm_coh_graph_total_weight(&g, 1, &w), RVM_OK);
    ck_assert_uint_eq(w, 150);
    ck_assert_int_eq(rvm_coh_graph_total_weight(&g, 2, &w), RVM_OK);
    ck_assert_uint_eq(w, 150 + 14);
    ck_assert_int_eq(rvm_coh_graph_internal_weight(&g, 2, &w), RVM_OK);
    ck_assert_uint_eq(w, 7);
    ck_assert_int_eq(rvm_coh_graph_weight_between(&g, 2, 1, &w), RVM_OK);
    ck_assert_uint_eq(w, 150);
    ck_assert_int_eq(rvm_coh_graph_weight_between(&g, 2, 9, &w), RVM_ERR_PARTITION_NOT_FOUND);

    rvm_coh_neighbor_t nb[2];
    uint32_t n;
    ck_assert_int_eq(rvm_coh_graph_neighbors(&g, 1, nb, 2, &n), RVM_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(nb[0].weight, 50); /* newest first: edges are prepended */
    ck_assert_uint_eq(nb[1].weight, 100);
    ck_assert_int_eq(rvm_coh_graph_neighbors(&g, 1, nb, 1, &n), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_coh_graph_neighbors(&g, 4, nb, 2, &n), RVM_ERR_PARTITION_NOT_FOUND);

    uint16_t found;
    ck_assert_int_eq(rvm_coh_graph_find_edge(&g, 1, 2, &found), RVM_OK);
    ck_assert_uint_eq(found, e2);
    ck_assert_int_eq(rvm_coh_graph_find_edge(&g, 2, 1, &found), RVM_ERR_NOT_FOUND);

    rvm_partition_id_t f;
    rvm_partition_id_t t;
    ck_assert_int_eq(rvm_coh_graph_edge_endpoints(&g, e3, &f, &t), RVM_OK);
    ck_assert_uint_eq(f, 2);
    ck_assert_uint_eq(t, 2);

    ck_assert_int_eq(rvm_coh_graph_update_weight(&g, e1, -30), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, e1, &w), RVM_OK);
    ck_assert_uint_eq(w, 70);
    ck_assert_uint_eq(g.m[0][1], 120);
    ck_assert_int_eq(rvm_coh_graph_update_weight(&g, e1, INT64_MIN), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, e1, &w), RVM_OK);
    ck_assert_uint_eq(w, 0);
    ck_assert_uint_eq(g.out_sum[0], 50);
    ck_assert_int_eq(rvm_coh_graph_update_weight(&g, e1, INT64_MAX), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_update_weight(&g, e1, INT64_MAX), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_update_weight(&g, e1, INT64_MAX), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, e1, &w), RVM_OK);
    ck_assert_uint_eq(w, UINT64_MAX);
    ck_assert_uint_eq(g.out_sum[0], UINT64_MAX);

    ck_assert_int_eq(rvm_coh_graph_remove_edge(&g, e2), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_remove_edge(&g, e2), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_graph_update_weight(&g, e2, 1), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, e2, &w), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_graph_edge_weight(&g, 200, &w), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_coh_graph_neighbors(&g, 1, nb, 2, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(remove_node_clears_incident_edges)
{
    uint64_t w;
    ck_assert_int_eq(rvm_coh_graph_init(&g, 8, 16), RVM_OK);
    for (rvm_partition_id_t p = 1; p <= 3; p++) {
        ck_assert_int_eq(rvm_coh_graph_add_node(&g, p), RVM_OK);
    }
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 1, 2, 10, NULL), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 2, 1, 20, NULL), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 3, 1, 30, NULL), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_add_edge(&g, 2, 3, 40, NULL), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_remove_node(&g, 1), RVM_OK);
    ck_assert_uint_eq(g.edge_count, 1);
    ck_assert_int_eq(rvm_coh_graph_total_weight(&g, 2, &w), RVM_OK);
    ck_assert_uint_eq(w, 40);
    ck_assert_int_eq(rvm_coh_graph_total_weight(&g, 3, &w), RVM_OK);
    ck_assert_uint_eq(w, 40);
    ck_assert_int_eq(rvm_coh_graph_total_weight(&g, 1, &w), RVM_ERR_PARTITION_NOT_FOUND);

    uint32_t cur = 0;
    rvm_partition_id_t pid;
    uint32_t nodes = 0;
    while (rvm_coh_graph_next_node(&g, &cur, &pid) == RVM_OK) {
        ck_assert(pid == 2 || pid == 3);
        nodes++;
    }
    ck_assert_uint_eq(nodes, 2);
    cur = 0;
    uint16_t e;
    ck_assert_int_eq(rvm_coh_graph_next_edge(&g, &cur, &e), RVM_OK);
    ck_assert_int_eq(rvm_coh_graph_next_edge(&g, &cur, &e), RVM_ERR_NOT_FOUND);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmcoh-graph");
    TCase *tc = tcase_create("graph");
    tcase_add_test(tc, init_rejects_bad_capacities);
    tcase_add_test(tc, nodes_add_duplicate_full_remove);
    tcase_add_test(tc, edges_matrix_and_caches);
    tcase_add_test(tc, remove_node_clears_incident_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
