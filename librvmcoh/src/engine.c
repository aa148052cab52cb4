/* Coherence engine: entries mirror graph node slots, so slot i of `entries` describes graph node i. */
#include <rvm/coh_engine.h>
#include <rvm/coh_metrics.h>

rvm_err_t rvm_coh_engine_init(rvm_coh_engine_t *en, const rvm_coh_mincut_config_t *cfg, rvm_witness_log_t *log)
{
    if (en == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(en, 0, sizeof *en);
    rvm_err_t err = rvm_coh_mincut_init(&en->mincut, cfg, log);
    if (err != RVM_OK) {
        return err;
    }
    rvm_coh_adaptive_reset(&en->adaptive);
    return rvm_coh_graph_init(&en->graph, RVM_COH_MAX_NODES, RVM_COH_MAX_EDGES);
}

rvm_err_t rvm_coh_engine_add_partition(rvm_coh_engine_t *en, rvm_partition_id_t pid)
{
    uint16_t idx;
    if (en == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_add_node(&en->graph, pid);
    if (err == RVM_OK) {
        (void)rvm_coh_graph_index_of(&en->graph, pid, &idx);
        en->entries[idx].pid = pid;
        en->entries[idx].score = RVM_COHERENCE_MAX;
        en->entries[idx].pressure = RVM_CUT_PRESSURE_ZERO;
        en->entries[idx].active = true;
        en->entries[idx].splittable = true;
    }
    return err;
}

rvm_err_t rvm_coh_engine_set_splittable(rvm_coh_engine_t *en, rvm_partition_id_t pid, bool splittable)
{
    uint16_t idx;
    if (en == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (rvm_coh_graph_index_of(&en->graph, pid, &idx) != RVM_OK) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    en->entries[idx].splittable = splittable;
    return RVM_OK;
}

rvm_err_t rvm_coh_engine_remove_partition(rvm_coh_engine_t *en, rvm_partition_id_t pid)
{
    uint16_t idx;
    if (en == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_index_of(&en->graph, pid, &idx);
    if (err == RVM_OK) {
        err = rvm_coh_graph_remove_node(&en->graph, pid);
        en->entries[idx].active = false;
    }
    return err;
}

rvm_err_t rvm_coh_engine_record_communication(rvm_coh_engine_t *en, rvm_partition_id_t from, rvm_partition_id_t to,
                                              uint64_t w)
{
    uint16_t e;
    if (en == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_find_edge(&en->graph, from, to, &e);
    if (err == RVM_ERR_NOT_FOUND) {
        return rvm_coh_graph_add_edge(&en->graph, from, to, w, NULL);
    }
    if (err != RVM_OK) {
        return err;
    }
    /* The graph takes signed deltas: a u64 weight is at most two INT64_MAX chunks plus a remainder. */
    for (uint32_t chunk = 0; chunk < 2 && w > (uint64_t)INT64_MAX; chunk++) {
        (void)rvm_coh_graph_update_weight(&en->graph, e, INT64_MAX);
        w -= (uint64_t)INT64_MAX;
    }
    return rvm_coh_graph_update_weight(&en->graph, e, (int64_t)w);
}

static void no_action(rvm_coh_decision_t *out, uint8_t reason)
{
    __builtin_memset(out, 0, sizeof *out);
    out->kind = RVM_COH_NO_ACTION;
    out->reason = reason;
}

/* The active pair with the largest mutual_bp whose merge signal and predicted merged score both pass. */
static bool best_merge(const rvm_coh_engine_t *en, rvm_coh_decision_t *out)
{
    bool found = false;
    for (uint32_t i = 0; i < RVM_COH_MAX_NODES; i++) {
        if (!en->entries[i].active) {
            continue;
        }
        for (uint32_t j = i + 1; j < RVM_COH_MAX_NODES; j++) {
            uint32_t bp;
            rvm_coherence_score_t predicted;
            if (!en->entries[j].active ||
                rvm_coh_merge_signal(&en->graph, en->entries[i].pid, en->entries[j].pid, &bp) != RVM_OK ||
                !rvm_coh_should_merge(bp) ||
                rvm_coh_predicted_merged_score(&en->graph, en->entries[i].pid, en->entries[j].pid, &predicted) !=
                    RVM_OK ||
                !rvm_coherence_meets(predicted, RVM_COHERENCE_DEFAULT_MERGE_THRESHOLD)) {
                continue;
            }
            if (!found || bp > out->signal_bp) {
                found = true;
                out->a = en->entries[i].pid;
                out->b = en->entries[j].pid;
                out->signal_bp = bp;
                out->predicted_score = predicted;
            }
        }
    }
    return found;
}

rvm_err_t rvm_coh_engine_recommend(rvm_coh_engine_t *en, rvm_coh_decision_t *out)
{
    if (en == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    no_action(out, en->mincut.degraded ? RVM_COH_REASON_DEGRADED : RVM_COH_REASON_NONE);
    if (en->mincut.degraded) {
        return RVM_OK;
    }
    uint32_t split = RVM_COH_MAX_NODES;
    for (uint32_t i = 0; i < RVM_COH_MAX_NODES; i++) {
        if (en->entries[i].active && en->entries[i].splittable && rvm_coh_should_split(en->entries[i].pressure) &&
            (split == RVM_COH_MAX_NODES || en->entries[i].pressure > en->entries[split].pressure)) {
            split = i;
        }
    }
    if (split != RVM_COH_MAX_NODES) {
        rvm_err_t err = rvm_coh_find_min_cut(&en->mincut, &en->graph, en->entries[split].pid, &out->cut);
        if (err != RVM_OK) {
            return err;
        }
        if (en->mincut.degraded) {
            no_action(out, RVM_COH_REASON_DEGRADED);
            return RVM_OK;
        }
        out->kind = RVM_COH_SPLIT;
        out->reason = RVM_COH_REASON_PRESSURE;
        out->a = en->entries[split].pid;
        out->signal_bp = en->entries[split].pressure;
        return RVM_OK;
    }
    if (best_merge(en, out)) {
        out->kind = RVM_COH_MERGE;
        out->reason = RVM_COH_REASON_MUTUAL_TRAFFIC;
    }
    return RVM_OK;
}

rvm_err_t rvm_coh_engine_tick(rvm_coh_engine_t *en, uint32_t load_percent, rvm_coh_decision_t *out)
{
    if (en == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    en->epoch++;
    (void)rvm_coh_decay(&en->graph, RVM_COH_DEFAULT_DECAY_BP, NULL);
    if (rvm_coh_adaptive_tick(&en->adaptive, load_percent)) {
        for (uint32_t i = 0; i < RVM_COH_MAX_NODES; i++) {
            if (en->entries[i].active) {
                (void)rvm_coh_score(&en->graph, en->entries[i].pid, &en->entries[i].score);
                (void)rvm_coh_pressure(&en->graph, en->entries[i].pid, &en->entries[i].pressure);
            }
        }
        rvm_coh_adaptive_record(&en->adaptive);
    }
    return rvm_coh_engine_recommend(en, out);
}

static const rvm_coh_entry_t *entry(const rvm_coh_engine_t *en, rvm_partition_id_t pid)
{
    uint16_t idx;
    if (en == NULL || rvm_coh_graph_index_of(&en->graph, pid, &idx) != RVM_OK) {
        return NULL;
    }
    return &en->entries[idx];
}

rvm_coherence_score_t rvm_coh_engine_score(const rvm_coh_engine_t *en, rvm_partition_id_t pid)
{
    const rvm_coh_entry_t *e = entry(en, pid);
    return e == NULL ? RVM_COHERENCE_MAX : e->score;
}

rvm_cut_pressure_t rvm_coh_engine_pressure(const rvm_coh_engine_t *en, rvm_partition_id_t pid)
{
    const rvm_coh_entry_t *e = entry(en, pid);
    return e == NULL ? RVM_CUT_PRESSURE_ZERO : e->pressure;
}
