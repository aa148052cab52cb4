/* Stoer-Wagner over at most 32 super-nodes; groups are bit masks over the subgraph's local indices. */
#include <rvm/action_kind.h>
#include <rvm/coh_mincut.h>
#include <rvm/endian.h>

#include "coh_internal.h"

void rvm_coh_mincut_config_default(rvm_coh_mincut_config_t *cfg)
{
    if (cfg == NULL) {
        return;
    }
    cfg->max_phases = RVM_COH_MINCUT_DEFAULT_MAX_PHASES;
    cfg->now = NULL;
    cfg->now_ctx = NULL;
    cfg->budget_ticks = 0;
    cfg->ticks_per_us = 1;
}

rvm_err_t rvm_coh_mincut_init(rvm_coh_mincut_t *mc, const rvm_coh_mincut_config_t *cfg, rvm_witness_log_t *log)
{
    if (mc == NULL || cfg == NULL || log == NULL || cfg->max_phases == 0 || cfg->ticks_per_us == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(mc, 0, sizeof *mc);
    mc->cfg = *cfg;
    mc->log = log;
    mc->last_known_cut.cut_weight = RVM_COH_CUT_NONE;
    return RVM_OK;
}

void rvm_coh_mincut_clear_degraded(rvm_coh_mincut_t *mc)
{
    if (mc != NULL) {
        mc->degraded = false;
    }
}

static void fill_cut(const rvm_coh_mincut_t *mc, uint32_t n, uint32_t left_mask, uint64_t weight, bool within,
                     rvm_coh_cut_t *out)
{
    out->left_count = 0;
    out->right_count = 0;
    for (uint32_t i = 0; i < n; i++) {
        if ((left_mask >> i) & 1u) {
            out->left[out->left_count++] = mc->pids[i];
        } else {
            out->right[out->right_count++] = mc->pids[i];
        }
    }
    out->cut_weight = weight;
    out->within_budget = within;
}

static rvm_err_t witness_overrun(rvm_coh_mincut_t *mc, uint64_t elapsed_ticks)
{
    rvm_witness_record_t rec;
    rec.sequence = 0;
    rec.timestamp_ns = 0;
    rec.action_kind = RVM_ACTION_MINCUT_BUDGET_EXCEEDED;
    rec.proof_tier = 1;
    rec.flags = 0;
    rec.reserved = 0;
    rec.actor_partition_id = RVM_PARTITION_HYPERVISOR;
    rec.target_object_id = mc->pids[0];
    rec.capability_hash = 0;
    rvm_le64_store(rec.payload, elapsed_ticks / mc->cfg.ticks_per_us);
    rec.prev_hash = 0;
    rec.record_hash = 0;
    rvm_le64_store(rec.aux, mc->epoch);
    rec.pad = 0;
    return rvm_witness_append(mc->log, &rec, NULL);
}

/* Runs the budgeted algorithm on mc->w / mc->pids[0..n). */
static rvm_err_t stoer_wagner(rvm_coh_mincut_t *mc, uint32_t n, rvm_coh_cut_t *out)
{
    mc->epoch++;
    if (n < 2) {
        fill_cut(mc, n, 1u, 0, true, out);
        mc->compute_count++;
        mc->last_known_cut = *out;
        mc->has_last = true;
        return RVM_OK;
    }
    uint32_t groups[RVM_COH_MAX_NODES];
    uint64_t key[RVM_COH_MAX_NODES];
    for (uint32_t i = 0; i < n; i++) {
        groups[i] = 1u << i;
    }
    uint32_t active = n == 32 ? UINT32_MAX : (1u << n) - 1u;
    uint64_t best = RVM_COH_CUT_NONE;
    uint32_t best_mask = 0;
    uint32_t phases = 0;
    uint64_t start = mc->cfg.now != NULL ? mc->cfg.now(mc->cfg.now_ctx) : 0;

    for (uint32_t remaining = n; remaining > 1; remaining--) {
        if (phases >= mc->cfg.max_phases) {
            fill_cut(mc, n, best_mask, best, false, out);
            mc->budget_exceeded_count++;
            mc->last_known_cut = *out;
            mc->has_last = true;
            return RVM_OK;
        }
        if (mc->cfg.now != NULL && phases > 0) {
            uint64_t elapsed = mc->cfg.now(mc->cfg.now_ctx) - start;
            if (elapsed > mc->cfg.budget_ticks) {
                if (mc->has_last) {
                    *out = mc->last_known_cut;
                    out->within_budget = false;
                } else {
                    fill_cut(mc, n, best_mask, best, false, out);
                }
                mc->budget_exceeded_count++;
                mc->degraded = true;
                return witness_overrun(mc, elapsed);
            }
        }
        uint32_t s = (uint32_t)__builtin_ctz(active);
        uint32_t in_a = 1u << s;
        for (uint32_t j = 0; j < n; j++) {
            key[j] = mc->w[s][j];
        }
        uint32_t prev = s;
        uint32_t cur = s;
        for (uint32_t step = 1; step < remaining; step++) {
            uint32_t cand = active & ~in_a;
            uint32_t t = (uint32_t)__builtin_ctz(cand);
            for (uint32_t rest = cand & (cand - 1u); rest != 0; rest &= rest - 1u) {
                uint32_t j = (uint32_t)__builtin_ctz(rest);
                if (key[j] > key[t]) {
                    t = j;
                }
            }
            prev = cur;
            cur = t;
            in_a |= 1u << t;
            for (uint32_t rest = active & ~in_a; rest != 0; rest &= rest - 1u) {
                uint32_t j = (uint32_t)__builtin_ctz(rest);
                key[j] = rvm_coh_sat_add(key[j], mc->w[t][j]);
            }
        }
        if (key[cur] < best) {
            best = key[cur];
            best_mask = groups[cur];
        }
        for (uint32_t j = 0; j < n; j++) {
            mc->w[prev][j] = rvm_coh_sat_add(mc->w[prev][j], mc->w[cur][j]);
            mc->w[j][prev] = rvm_coh_sat_add(mc->w[j][prev], mc->w[j][cur]);
        }
        groups[prev] |= groups[cur];
        active &= ~(1u << cur);
        phases++;
    }
    fill_cut(mc, n, best_mask, best, true, out);
    mc->compute_count++;
    mc->last_known_cut = *out;
    mc->has_last = true;
    return RVM_OK;
}

/* Loads the undirected weights between the chosen graph slots into the working matrix. */
static void load_matrix(rvm_coh_mincut_t *mc, const rvm_coh_graph_t *g, const uint16_t *slot, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        mc->pids[i] = g->nodes[slot[i]].pid;
        for (uint32_t j = 0; j < n; j++) {
            mc->w[i][j] = i == j ? 0 : rvm_coh_sat_add(g->m[slot[i]][slot[j]], g->m[slot[j]][slot[i]]);
        }
    }
}

static bool has_slot(const uint16_t *slot, uint32_t n, uint16_t s)
{
    for (uint32_t i = 0; i < n; i++) {
        if (slot[i] == s) {
            return true;
        }
    }
    return false;
}

rvm_err_t rvm_coh_find_min_cut(rvm_coh_mincut_t *mc, const rvm_coh_graph_t *g, rvm_partition_id_t root,
                               rvm_coh_cut_t *out)
{
    uint16_t slot[RVM_COH_MAX_NODES];
    uint16_t r;
    if (mc == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_index_of(g, root, &r);
    if (err != RVM_OK) {
        return err;
    }
    uint32_t n = 0;
    slot[n++] = r;
    uint16_t e = g->nodes[r].first_out;
    for (uint32_t steps = 0; steps < g->edge_cap && e != RVM_COH_NONE; steps++) {
        if (!has_slot(slot, n, g->edges[e].to)) {
            slot[n++] = g->edges[e].to;
        }
        e = g->edges[e].next_out;
    }
    for (uint16_t k = 0; k < g->edge_cap; k++) {
        if (g->edges[k].active && g->edges[k].to == r && !has_slot(slot, n, g->edges[k].from)) {
            slot[n++] = g->edges[k].from;
        }
    }
    load_matrix(mc, g, slot, n);
    return stoer_wagner(mc, n, out);
}

rvm_err_t rvm_coh_min_cut_of(rvm_coh_mincut_t *mc, const rvm_coh_graph_t *g, const rvm_partition_id_t *nodes,
                             uint32_t count, rvm_coh_cut_t *out)
{
    uint16_t slot[RVM_COH_MAX_NODES];
    if (mc == NULL || g == NULL || nodes == NULL || out == NULL || count == 0 || count > RVM_COH_MAX_NODES) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < count; i++) {
        rvm_err_t err = rvm_coh_graph_index_of(g, nodes[i], &slot[i]);
        if (err != RVM_OK) {
            return err;
        }
        if (has_slot(slot, i, slot[i])) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
    }
    load_matrix(mc, g, slot, count);
    return stoer_wagner(mc, count, out);
}
