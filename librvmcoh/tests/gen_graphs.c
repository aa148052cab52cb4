/*
 * Differential-test generator: builds random coherence graphs, computes their minimum cut with librvmcoh and
 * prints each graph with our value as text ("G n m cut", then m lines "u v w", then "E") for boost_mincut.cpp.
 * Usage: gen_graphs COUNT SEED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/coh_mincut.h>

static uint64_t rng;

static uint32_t next(uint32_t bound)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % bound);
}

static rvm_coh_graph_t g;
static rvm_coh_mincut_t mc;
static rvm_witness_record_t records[4];
static rvm_witness_log_t wlog;

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_graphs COUNT SEED\n");
        return 2;
    }
    unsigned long count = strtoul(argv[1], NULL, 10);
    rng = strtoull(argv[2], NULL, 10) | 1u;
    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    rvm_coh_mincut_config_t cfg;
    rvm_coh_mincut_config_default(&cfg);
    if (rvm_witness_log_init(&wlog, records, 4, &wc) != RVM_OK || rvm_coh_mincut_init(&mc, &cfg, &wlog) != RVM_OK) {
        return 1;
    }
    static uint32_t eu[RVM_COH_MAX_EDGES];
    static uint32_t ev[RVM_COH_MAX_EDGES];
    static uint64_t ew[RVM_COH_MAX_EDGES];
    for (unsigned long k = 0; k < count; k++) {
        uint32_t n = 2 + next(31);
        uint32_t kind = (uint32_t)(k % 5);
        uint32_t max_pairs = n * (n - 1) / 2;
        uint32_t m = kind == 1 ? max_pairs : next(max_pairs * 2 + 1);
        if (m > RVM_COH_MAX_EDGES) {
            m = RVM_COH_MAX_EDGES;
        }
        /* kind 4 splits the nodes into two halves with no edge between them. */
        uint32_t half = n / 2;
        if (rvm_coh_graph_init(&g, (uint16_t)n, RVM_COH_MAX_EDGES) != RVM_OK) {
            return 1;
        }
        rvm_partition_id_t nodes[RVM_COH_MAX_NODES];
        for (uint32_t i = 0; i < n; i++) {
            nodes[i] = 100 + i * 7;
            if (rvm_coh_graph_add_node(&g, nodes[i]) != RVM_OK) {
                return 1;
            }
        }
        uint32_t placed = 0;
        for (uint32_t e = 0; e < m; e++) {
            uint32_t u = next(n);
            uint32_t v = next(n);
            if (u == v) {
                continue;
            }
            if (kind == 4 && ((u < half) != (v < half))) {
                continue;
            }
            uint64_t w = kind == 2 ? 5 : kind == 3 ? 1 + next(2) : 1 + next(1000);
            if (rvm_coh_graph_add_edge(&g, nodes[u], nodes[v], w, NULL) != RVM_OK) {
                return 1;
            }
            eu[placed] = u;
            ev[placed] = v;
            ew[placed] = w;
            placed++;
        }
        rvm_coh_cut_t cut;
        if (rvm_coh_min_cut_of(&mc, &g, nodes, n, &cut) != RVM_OK || !cut.within_budget ||
            cut.left_count + cut.right_count != n || cut.left_count == 0 || cut.right_count == 0) {
            fprintf(stderr, "graph %lu: bad result\n", k);
            return 1;
        }
        printf("G %u %u %llu\n", n, placed, (unsigned long long)cut.cut_weight);
        for (uint32_t e = 0; e < placed; e++) {
            printf("%u %u %llu\n", eu[e], ev[e], (unsigned long long)ew[e]);
        }
    }
    printf("E\n");
    return 0;
}
