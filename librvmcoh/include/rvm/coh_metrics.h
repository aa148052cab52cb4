/* Per-partition coherence score, cut pressure, merge signal and edge decay over a coherence graph (spec §11.2-§11.5). */
#ifndef RVM_COH_METRICS_H
#define RVM_COH_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/coh_graph.h>
#include <rvm/err.h>
#include <rvm/fixed.h>
#include <rvm/ids.h>

#define RVM_COH_MERGE_SIGNAL_THRESHOLD 4000u
#define RVM_COH_DEFAULT_DECAY_BP 500u

/* floor(internal * 10000 / total), 10000 for a partition without traffic; PARTITION_NOT_FOUND if absent. */
rvm_err_t rvm_coh_score(const rvm_coh_graph_t *g, rvm_partition_id_t pid, rvm_coherence_score_t *out);
/* floor((total - internal) * 10000 / total), 0 without traffic; PARTITION_NOT_FOUND if absent. */
rvm_err_t rvm_coh_pressure(const rvm_coh_graph_t *g, rvm_partition_id_t pid, rvm_cut_pressure_t *out);
/* Split is advised when the pressure is strictly above 8000 bp. */
bool rvm_coh_should_split(rvm_cut_pressure_t pressure);
/* Mutual traffic over combined traffic in bp (0 when both are idle); PARTITION_NOT_FOUND if either is absent. */
rvm_err_t rvm_coh_merge_signal(const rvm_coh_graph_t *g, rvm_partition_id_t a, rvm_partition_id_t b, uint32_t *bp_out);
/* Merge is signalled at mutual_bp >= 4000. */
bool rvm_coh_should_merge(uint32_t mutual_bp);
/*
 * Score the union of a and b would have, (int_a + int_b + mutual) / (tot_a + tot_b - mutual), 10000 when idle;
 * the DC-11 merge threshold is applied to this. PARTITION_NOT_FOUND if either is absent.
 */
rvm_err_t rvm_coh_predicted_merged_score(const rvm_coh_graph_t *g, rvm_partition_id_t a, rvm_partition_id_t b,
                                         rvm_coherence_score_t *out);
/* IIT Phi input: u32 fixed point with 4 decimal digits (spec §3.4), optional. */
typedef uint32_t rvm_coh_phi_t;

/* One Phi sensor reading for a partition. */
typedef struct rvm_coh_phi_reading {
    rvm_partition_id_t partition;
    uint64_t timestamp_ns;
    rvm_coh_phi_t phi;
} rvm_coh_phi_reading_t;

/* Maps Phi linearly onto bp, min(phi, 10000), ready for the EMA filter. */
uint32_t rvm_coh_phi_to_bp(rvm_coh_phi_t phi);

/* Scales every edge by (10000 - decay_bp) / 10000, removing edges that reach 0; INVALID_ARGUMENT if decay_bp > 10000. */
rvm_err_t rvm_coh_decay(rvm_coh_graph_t *g, uint32_t decay_bp, uint32_t *pruned_out);

#endif
