/* Ratio metrics on the cached per-node sums; every division goes through rvm_bp_ratio's 128-bit intermediate. */
#include <rvm/coh_metrics.h>

#include "coh_internal.h"

static rvm_err_t sums(const rvm_coh_graph_t *g, rvm_partition_id_t pid, uint64_t *internal, uint64_t *total)
{
    uint16_t i;
    rvm_err_t err = rvm_coh_graph_index_of(g, pid, &i);
    if (err == RVM_OK) {
        *internal = g->m[i][i];
        *total = rvm_coh_sat_add(g->out_sum[i], g->in_sum[i]);
    }
    return err;
}

rvm_err_t rvm_coh_score(const rvm_coh_graph_t *g, rvm_partition_id_t pid, rvm_coherence_score_t *out)
{
    uint64_t in;
    uint64_t tot;
    if (out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = sums(g, pid, &in, &tot);
    if (err == RVM_OK) {
        *out = rvm_coherence_score(rvm_bp_ratio(in, tot, RVM_BP_ONE));
    }
    return err;
}

rvm_err_t rvm_coh_pressure(const rvm_coh_graph_t *g, rvm_partition_id_t pid, rvm_cut_pressure_t *out)
{
    uint64_t in;
    uint64_t tot;
    if (out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = sums(g, pid, &in, &tot);
    if (err == RVM_OK) {
        /* Saturation can leave internal above total; pressure then is simply 0. */
        *out = rvm_bp_ratio(tot > in ? tot - in : 0, tot, 0);
    }
    return err;
}

bool rvm_coh_should_split(rvm_cut_pressure_t pressure)
{
    return rvm_cut_pressure_exceeds(pressure, RVM_CUT_PRESSURE_DEFAULT_SPLIT_THRESHOLD);
}

rvm_err_t rvm_coh_merge_signal(const rvm_coh_graph_t *g, rvm_partition_id_t a, rvm_partition_id_t b, uint32_t *bp_out)
{
    uint64_t ia;
    uint64_t ta;
    uint64_t ib;
    uint64_t tb;
    uint64_t mutual;
    if (bp_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = sums(g, a, &ia, &ta);
    if (err == RVM_OK) {
        err = sums(g, b, &ib, &tb);
    }
    if (err == RVM_OK) {
        err = rvm_coh_graph_weight_between(g, a, b, &mutual);
    }
    if (err == RVM_OK) {
        *bp_out = rvm_bp_ratio(mutual, rvm_coh_sat_add(ta, tb), 0);
    }
    return err;
}

bool rvm_coh_should_merge(uint32_t mutual_bp) { return mutual_bp >= RVM_COH_MERGE_SIGNAL_THRESHOLD; }

rvm_err_t rvm_coh_predicted_merged_score(const rvm_coh_graph_t *g, rvm_partition_id_t a, rvm_partition_id_t b,
                                         rvm_coherence_score_t *out)
{
    uint64_t ia;
    uint64_t ta;
    uint64_t ib;
    uint64_t tb;
    uint64_t mutual;
    if (out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = sums(g, a, &ia, &ta);
    if (err == RVM_OK) {
        err = sums(g, b, &ib, &tb);
    }
    if (err == RVM_OK) {
        err = rvm_coh_graph_weight_between(g, a, b, &mutual);
    }
    if (err == RVM_OK) {
        uint64_t tot = rvm_coh_sat_add(ta, tb);
        uint64_t den = tot > mutual ? tot - mutual : 0;
        *out = rvm_coherence_score(rvm_bp_ratio(rvm_coh_sat_add(rvm_coh_sat_add(ia, ib), mutual), den, RVM_BP_ONE));
    }
    return err;
}

rvm_err_t rvm_coh_decay(rvm_coh_graph_t *g, uint32_t decay_bp, uint32_t *pruned_out)
{
    if (g == NULL || decay_bp > RVM_BP_ONE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint64_t keep = RVM_BP_ONE - decay_bp;
    uint32_t pruned = 0;
    for (uint16_t e = 0; e < g->edge_cap; e++) {
        if (!g->edges[e].active) {
            continue;
        }
        uint64_t w = g->edges[e].weight;
        /* Split at 10000 so w * keep never overflows: floor((q*10000 + r) * k / 10000) = q*k + floor(r*k/10000). */
        uint64_t nw = (w / RVM_BP_ONE) * keep + ((w % RVM_BP_ONE) * keep) / RVM_BP_ONE;
        if (nw == 0) {
            (void)rvm_coh_graph_remove_edge(g, e);
            pruned++;
        } else {
            (void)rvm_coh_graph_update_weight(g, e, -(int64_t)(w - nw));
        }
    }
    if (pruned_out != NULL) {
        *pruned_out = pruned;
    }
    return RVM_OK;
}

uint32_t rvm_coh_phi_to_bp(rvm_coh_phi_t phi) { return rvm_bp_clamp(phi); }
