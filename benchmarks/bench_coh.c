/*
 * Coherence engine: budgeted Stoer-Wagner on 16 and 32 nodes against Boost's stoer_wagner_min_cut on the same
 * graphs in the same run, and the per-partition coherence score. 16 nodes are complete graphs (120 edges);
 * 32 nodes use the engine's full 128-edge capacity on random pairs, which is as dense as the spec's graph allows.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rvm/coh_metrics.h>
#include <rvm/coh_mincut.h>
#include <rvm/witness_log.h>

#include "benches.h"
#ifdef RVM_BENCH_BOOST
#include "bench_coh_boost.h"
#endif

#define COH_GRAPHS 16u

typedef struct coh_ctx {
    rvm_coh_graph_t graphs[COH_GRAPHS];
    rvm_partition_id_t nodes[RVM_COH_MAX_NODES];
    uint32_t n;
    uint32_t boost_base;
    rvm_coh_mincut_t mc;
} coh_ctx_t;

static rvm_witness_log_t coh_log;

static void must(rvm_err_t e)
{
    if (e != RVM_OK) {
        abort();
    }
}

/* Random graphs on n nodes: every pair when it fits the edge capacity, otherwise 128 distinct random pairs. */
static void build(coh_ctx_t *x, uint32_t n, uint64_t seed)
{
#ifdef RVM_BENCH_BOOST
    static uint32_t eu[RVM_COH_MAX_EDGES];
    static uint32_t ev[RVM_COH_MAX_EDGES];
    static uint64_t ew[RVM_COH_MAX_EDGES];
#endif
    x->n = n;
    for (uint32_t i = 0; i < n; i++) {
        x->nodes[i] = 1 + i;
    }
    for (uint32_t k = 0; k < COH_GRAPHS; k++) {
        rvm_coh_graph_t *g = &x->graphs[k];
        must(rvm_coh_graph_init(g, (uint16_t)n, RVM_COH_MAX_EDGES));
        for (uint32_t i = 0; i < n; i++) {
            must(rvm_coh_graph_add_node(g, x->nodes[i]));
        }
        uint32_t m = 0;
        bool all = n * (n - 1) / 2 <= RVM_COH_MAX_EDGES;
        for (uint32_t tries = 0; m < RVM_COH_MAX_EDGES && tries < 100000; tries++) {
            uint32_t u;
            uint32_t v;
            if (all) {
                if (tries >= n * n) {
                    break;
                }
                u = tries / n;
                v = tries % n;
                if (u >= v) {
                    continue;
                }
            } else {
                u = (uint32_t)(bench_rand(&seed) % n);
                v = (uint32_t)(bench_rand(&seed) % n);
                uint64_t w_between;
                must(rvm_coh_graph_weight_between(g, x->nodes[u], x->nodes[v], &w_between));
                if (u == v || w_between != 0) {
                    continue;
                }
            }
            uint64_t w = 1 + bench_rand(&seed) % 1000;
            must(rvm_coh_graph_add_edge(g, x->nodes[u], x->nodes[v], w, NULL));
#ifdef RVM_BENCH_BOOST
            eu[m] = u;
            ev[m] = v;
            ew[m] = w;
#endif
            m++;
        }
#ifdef RVM_BENCH_BOOST
        bench_coh_boost_load(x->boost_base + k, n, m, eu, ev, ew);
#endif
    }
}

static void mincut_batch(void *c, uint64_t first, uint64_t ops)
{
    coh_ctx_t *x = c;
    rvm_coh_cut_t cut;
    uint64_t acc = 0;
    for (uint64_t i = first; i < first + ops; i++) {
        must(rvm_coh_min_cut_of(&x->mc, &x->graphs[i % COH_GRAPHS], x->nodes, x->n, &cut));
        acc += cut.cut_weight;
    }
    bench_sink(acc);
}

#ifdef RVM_BENCH_BOOST
static void boost_batch(void *c, uint64_t first, uint64_t ops)
{
    const coh_ctx_t *x = c;
    uint64_t acc = 0;
    for (uint64_t i = first; i < first + ops; i++) {
        acc += bench_coh_boost_mincut(x->boost_base + (uint32_t)(i % COH_GRAPHS));
    }
    bench_sink(acc);
}

/* The comparison is only meaningful if both sides compute the same cuts. */
static void check_same(coh_ctx_t *x)
{
    rvm_coh_cut_t cut;
    for (uint32_t k = 0; k < COH_GRAPHS; k++) {
        must(rvm_coh_min_cut_of(&x->mc, &x->graphs[k], x->nodes, x->n, &cut));
        if (cut.cut_weight != bench_coh_boost_mincut(x->boost_base + k)) {
            fprintf(stderr, "bench_coh: cut differs from Boost on graph %u\n", k);
            abort();
        }
    }
}
#endif

static void score_batch(void *c, uint64_t first, uint64_t ops)
{
    coh_ctx_t *x = c;
    uint64_t acc = 0;
    for (uint64_t i = first; i < first + ops; i++) {
        rvm_coherence_score_t s;
        must(rvm_coh_score(&x->graphs[i % COH_GRAPHS], x->nodes[i % x->n], &s));
        acc += s;
    }
    bench_sink(acc);
}

size_t bench_coh(bench_result_t *out)
{
    static coh_ctx_t x16;
    static coh_ctx_t x32;
    static rvm_witness_record_t *ring;
    size_t n = 0;
    ring = aligned_alloc(64, 16 * sizeof(rvm_witness_record_t));
    if (ring == NULL) {
        abort();
    }
    must(rvm_witness_log_init(&coh_log, ring, 16, NULL));
    rvm_coh_mincut_config_t cfg;
    rvm_coh_mincut_config_default(&cfg);
    must(rvm_coh_mincut_init(&x16.mc, &cfg, &coh_log));
    must(rvm_coh_mincut_init(&x32.mc, &cfg, &coh_log));
    x16.boost_base = 0;
    x32.boost_base = COH_GRAPHS;
    build(&x16, 16, 16);
    build(&x32, 32, 32);

    bench_spec_t s16 = { .name = "mincut_16", .batch = mincut_batch, .ctx = &x16, .ops_per_batch = 200,
                         .batches = 201 };
    bench_run(&s16, &out[n++]);
    bench_spec_t s32 = { .name = "mincut_32", .batch = mincut_batch, .ctx = &x32, .ops_per_batch = 50,
                         .batches = 201 };
    bench_run(&s32, &out[n++]);
#ifdef RVM_BENCH_BOOST
    check_same(&x16);
    check_same(&x32);
    bench_spec_t b16 = { .name = "mincut_16_boost", .batch = boost_batch, .ctx = &x16, .ops_per_batch = 200,
                         .batches = 201 };
    bench_run(&b16, &out[n++]);
    bench_spec_t b32 = { .name = "mincut_32_boost", .batch = boost_batch, .ctx = &x32, .ops_per_batch = 50,
                         .batches = 201 };
    bench_run(&b32, &out[n++]);
#endif
    bench_spec_t sc = { .name = "coherence_score_16", .batch = score_batch, .ctx = &x16, .ops_per_batch = 10000,
                        .batches = 1001 };
    bench_run(&sc, &out[n++]);
    return n;
}
