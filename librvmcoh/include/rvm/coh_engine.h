/*
 * Coherence engine (spec §11.9, DECISIONS 8): owns the graph, the adaptive controller and the mincut state, keeps a
 * score and a pressure per partition and recommends Split (with a fresh cut) or Merge (only when the predicted
 * merged score reaches the DC-11 threshold). Recommendations are data; the kernel decides and witnesses the action.
 */
#ifndef RVM_COH_ENGINE_H
#define RVM_COH_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/coh_adaptive.h>
#include <rvm/coh_graph.h>
#include <rvm/coh_mincut.h>
#include <rvm/err.h>
#include <rvm/fixed.h>
#include <rvm/ids.h>
#include <rvm/witness_log.h>

typedef enum rvm_coh_decision_kind {
    RVM_COH_NO_ACTION = 0,
    RVM_COH_SPLIT = 1,
    RVM_COH_MERGE = 2,
} rvm_coh_decision_kind_t;

typedef enum rvm_coh_reason {
    RVM_COH_REASON_NONE = 0,
    RVM_COH_REASON_PRESSURE = 1,       /* pressure above the split threshold */
    RVM_COH_REASON_MUTUAL_TRAFFIC = 2, /* merge signal and predicted merged score both pass */
    RVM_COH_REASON_DEGRADED = 3,       /* mincut over budget: no decisions until cleared */
} rvm_coh_reason_t;

typedef struct rvm_coh_decision {
    uint8_t kind;   /* rvm_coh_decision_kind_t */
    uint8_t reason; /* rvm_coh_reason_t */
    rvm_partition_id_t a;  /* the partition to split, or the first of the pair to merge */
    rvm_partition_id_t b;  /* the second of the pair to merge, 0 otherwise */
    uint32_t signal_bp;    /* pressure (split) or mutual_bp (merge) */
    rvm_coherence_score_t predicted_score; /* merge only */
    rvm_coh_cut_t cut;     /* split only: a fresh cut rooted at `a` */
} rvm_coh_decision_t;

typedef struct rvm_coh_entry {
    rvm_partition_id_t pid;
    rvm_coherence_score_t score;
    rvm_cut_pressure_t pressure;
    bool active;
    bool splittable; /* the kernel's say: false for a partition with a single task, which no cut can divide */
} rvm_coh_entry_t;

typedef struct rvm_coh_engine {
    rvm_coh_graph_t graph;
    rvm_coh_mincut_t mincut;
    rvm_coh_adaptive_t adaptive;
    rvm_coh_entry_t entries[RVM_COH_MAX_NODES];
    uint64_t epoch;
} rvm_coh_engine_t;

/* Starts an engine with a 32-node, 128-edge graph; mincut configuration errors as rvm_coh_mincut_init. */
rvm_err_t rvm_coh_engine_init(rvm_coh_engine_t *en, const rvm_coh_mincut_config_t *cfg, rvm_witness_log_t *log);
/* Adds a partition (score 10000, pressure 0, splittable); errors as rvm_coh_graph_add_node. */
rvm_err_t rvm_coh_engine_add_partition(rvm_coh_engine_t *en, rvm_partition_id_t pid);
/* Removes a partition and its traffic; PARTITION_NOT_FOUND if absent. */
rvm_err_t rvm_coh_engine_remove_partition(rvm_coh_engine_t *en, rvm_partition_id_t pid);
/* Adds w to the from->to edge, creating it if needed; PARTITION_NOT_FOUND / RESOURCE_LIMIT_EXCEEDED. */
rvm_err_t rvm_coh_engine_record_communication(rvm_coh_engine_t *en, rvm_partition_id_t from, rvm_partition_id_t to,
                                              uint64_t w);
/*
 * Whether a Split of pid can be carried out (it holds more than one task).
 * Unsplittable partitions are never recommended for Split, so the pressure of
 * a single-task partition cannot hide every Merge behind a Split that cannot
 * happen; PARTITION_NOT_FOUND if absent.
 */
rvm_err_t rvm_coh_engine_set_splittable(rvm_coh_engine_t *en, rvm_partition_id_t pid, bool splittable);
/* One epoch: decay, recompute scores and pressures if the load allows, then recommend into *out. */
rvm_err_t rvm_coh_engine_tick(rvm_coh_engine_t *en, uint32_t load_percent, rvm_coh_decision_t *out);
/* Current recommendation from the stored scores and pressures; a Split carries a fresh cut. */
rvm_err_t rvm_coh_engine_recommend(rvm_coh_engine_t *en, rvm_coh_decision_t *out);
/* Stored score of pid; 10000 for an unknown partition. */
rvm_coherence_score_t rvm_coh_engine_score(const rvm_coh_engine_t *en, rvm_partition_id_t pid);
/* Stored pressure of pid; 0 for an unknown partition. */
rvm_cut_pressure_t rvm_coh_engine_pressure(const rvm_coh_engine_t *en, rvm_partition_id_t pid);

#endif
