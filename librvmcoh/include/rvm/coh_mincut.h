/*
 * Budgeted Stoer-Wagner minimum cut (spec §11.7, DC-2): bounded by a phase cap and by a time budget read from a
 * caller-supplied counter between phases; on a time overrun the last known cut is reused, the state turns degraded
 * and MinCutBudgetExceeded (0x74) is witnessed.
 */
#ifndef RVM_COH_MINCUT_H
#define RVM_COH_MINCUT_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/coh_graph.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/witness_log.h>

#define RVM_COH_MINCUT_DEFAULT_MAX_PHASES 100u
#define RVM_COH_CUT_NONE UINT64_MAX

/* Reads a monotonic counter (e.g. CNTPCT_EL0); ctx is passed through. */
typedef uint64_t (*rvm_coh_now_fn)(void *ctx);

typedef struct rvm_coh_cut {
    rvm_partition_id_t left[RVM_COH_MAX_NODES];
    rvm_partition_id_t right[RVM_COH_MAX_NODES];
    uint8_t left_count;
    uint8_t right_count;
    uint64_t cut_weight; /* RVM_COH_CUT_NONE when no phase completed */
    bool within_budget;
} rvm_coh_cut_t;

typedef struct rvm_coh_mincut_config {
    uint32_t max_phases;     /* phase cap, >= 1 */
    rvm_coh_now_fn now;      /* NULL disables the time budget */
    void *now_ctx;
    uint64_t budget_ticks;   /* allowed counter ticks per computation */
    uint64_t ticks_per_us;   /* converts the overrun to microseconds for the witness payload, >= 1 */
} rvm_coh_mincut_config_t;

/* Working matrix and bookkeeping; large (8 KiB matrix) so callers place it in static storage. */
typedef struct rvm_coh_mincut {
    uint64_t w[RVM_COH_MAX_NODES][RVM_COH_MAX_NODES];
    rvm_partition_id_t pids[RVM_COH_MAX_NODES];
    rvm_coh_cut_t last_known_cut;
    rvm_coh_mincut_config_t cfg;
    rvm_witness_log_t *log;
    uint64_t epoch;
    uint64_t compute_count;
    uint64_t budget_exceeded_count; /* phase-cap and time overruns together */
    bool has_last;
    bool degraded;
} rvm_coh_mincut_t;

/* Fills cfg with the kernel defaults: 100 phases, no time budget, 1 tick per microsecond. */
void rvm_coh_mincut_config_default(rvm_coh_mincut_config_t *cfg);
/* Starts a mincut state; INVALID_ARGUMENT on a zero phase cap, zero ticks_per_us or a missing log. */
rvm_err_t rvm_coh_mincut_init(rvm_coh_mincut_t *mc, const rvm_coh_mincut_config_t *cfg, rvm_witness_log_t *log);
/* Clears the degraded flag once the caller has decided to trust the engine again. */
void rvm_coh_mincut_clear_degraded(rvm_coh_mincut_t *mc);

/*
 * Minimum cut of root's local subgraph (root, its out-neighbours, then nodes with an edge into root).
 * Over budget it still returns RVM_OK with within_budget = false (the last known cut after a time overrun, the
 * best cut so far after the phase cap). PARTITION_NOT_FOUND if root is absent; a witness-log failure is returned.
 */
rvm_err_t rvm_coh_find_min_cut(rvm_coh_mincut_t *mc, const rvm_coh_graph_t *g, rvm_partition_id_t root,
                               rvm_coh_cut_t *out);

/*
 * Minimum cut over an explicit node set (1..32 distinct graph nodes, edges between them only), same budget rules.
 * INVALID_ARGUMENT on a bad count or duplicates, PARTITION_NOT_FOUND on an unknown node.
 */
rvm_err_t rvm_coh_min_cut_of(rvm_coh_mincut_t *mc, const rvm_coh_graph_t *g, const rvm_partition_id_t *nodes,
                             uint32_t count, rvm_coh_cut_t *out);

#endif
