/* Coherence graph storage: edge slots with per-node singly linked out-lists plus a dense weight matrix. */
#include <rvm/coh_graph.h>

#include "coh_internal.h"

static uint64_t sat_sub(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

rvm_err_t rvm_coh_graph_init(rvm_coh_graph_t *g, uint16_t node_cap, uint16_t edge_cap)
{
    if (g == NULL || node_cap == 0 || node_cap > RVM_COH_MAX_NODES || edge_cap == 0 || edge_cap > RVM_COH_MAX_EDGES) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(g, 0, sizeof *g);
    for (uint32_t i = 0; i < RVM_COH_MAX_NODES; i++) {
        g->nodes[i].first_out = RVM_COH_NONE;
    }
    for (uint32_t e = 0; e < RVM_COH_MAX_EDGES; e++) {
        g->edges[e].next_out = RVM_COH_NONE;
    }
    g->node_cap = node_cap;
    g->edge_cap = edge_cap;
    return RVM_OK;
}

rvm_err_t rvm_coh_graph_index_of(const rvm_coh_graph_t *g, rvm_partition_id_t pid, uint16_t *index_out)
{
    if (g == NULL || index_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint16_t i = 0; i < g->node_cap; i++) {
        if (g->nodes[i].used && g->nodes[i].pid == pid) {
            *index_out = i;
            return RVM_OK;
        }
    }
    return RVM_ERR_PARTITION_NOT_FOUND;
}

rvm_err_t rvm_coh_graph_add_node(rvm_coh_graph_t *g, rvm_partition_id_t pid)
{
    uint16_t idx;
    if (g == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (rvm_coh_graph_index_of(g, pid, &idx) == RVM_OK) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    for (uint16_t i = 0; i < g->node_cap; i++) {
        if (!g->nodes[i].used) {
            g->nodes[i].used = true;
            g->nodes[i].pid = pid;
            g->nodes[i].first_out = RVM_COH_NONE;
            g->node_count++;
            return RVM_OK;
        }
    }
    return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
}

static bool edge_ok(const rvm_coh_graph_t *g, uint16_t e) { return e < g->edge_cap && g->edges[e].active; }

/* Moves an edge's weight in or out of the matrix and the caches. */
static void account(rvm_coh_graph_t *g, const rvm_coh_edge_t *ed, uint64_t w, bool add)
{
    if (add) {
        g->m[ed->from][ed->to] = rvm_coh_sat_add(g->m[ed->from][ed->to], w);
        g->out_sum[ed->from] = rvm_coh_sat_add(g->out_sum[ed->from], w);
        g->in_sum[ed->to] = rvm_coh_sat_add(g->in_sum[ed->to], w);
    } else {
        g->m[ed->from][ed->to] = sat_sub(g->m[ed->from][ed->to], w);
        g->out_sum[ed->from] = sat_sub(g->out_sum[ed->from], w);
        g->in_sum[ed->to] = sat_sub(g->in_sum[ed->to], w);
    }
}

rvm_err_t rvm_coh_graph_remove_edge(rvm_coh_graph_t *g, uint16_t edge)
{
    if (g == NULL || !edge_ok(g, edge)) {
        return g == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_NOT_FOUND;
    }
    rvm_coh_edge_t *ed = &g->edges[edge];
    uint16_t *link = &g->nodes[ed->from].first_out;
    for (uint32_t steps = 0; steps < g->edge_cap && *link != RVM_COH_NONE; steps++) {
        if (*link == edge) {
            *link = ed->next_out;
            break;
        }
        link = &g->edges[*link].next_out;
    }
    account(g, ed, ed->weight, false);
    ed->active = false;
    ed->weight = 0;
    ed->next_out = RVM_COH_NONE;
    g->edge_count--;
    return RVM_OK;
}

rvm_err_t rvm_coh_graph_remove_node(rvm_coh_graph_t *g, rvm_partition_id_t pid)
{
    uint16_t idx;
    rvm_err_t err = rvm_coh_graph_index_of(g, pid, &idx);
    if (err != RVM_OK) {
        return err;
    }
    for (uint16_t e = 0; e < g->edge_cap; e++) {
        if (g->edges[e].active && (g->edges[e].from == idx || g->edges[e].to == idx)) {
            (void)rvm_coh_graph_remove_edge(g, e);
        }
    }
    /* Saturated sums may not return to zero edge by edge: clear the row, column and caches outright. */
    for (uint32_t j = 0; j < RVM_COH_MAX_NODES; j++) {
        g->m[idx][j] = 0;
        g->m[j][idx] = 0;
    }
    g->out_sum[idx] = 0;
    g->in_sum[idx] = 0;
    g->nodes[idx].used = false;
    g->nodes[idx].pid = 0;
    g->nodes[idx].first_out = RVM_COH_NONE;
    g->node_count--;
    return RVM_OK;
}

rvm_err_t rvm_coh_graph_add_edge(rvm_coh_graph_t *g, rvm_partition_id_t from, rvm_partition_id_t to, uint64_t weight,
                                 uint16_t *edge_out)
{
    uint16_t f;
    uint16_t t;
    rvm_err_t err = rvm_coh_graph_index_of(g, from, &f);
    if (err == RVM_OK) {
        err = rvm_coh_graph_index_of(g, to, &t);
    }
    if (err != RVM_OK) {
        return err;
    }
    for (uint16_t e = 0; e < g->edge_cap; e++) {
        rvm_coh_edge_t *ed = &g->edges[e];
        if (!ed->active) {
            ed->active = true;
            ed->from = f;
            ed->to = t;
            ed->weight = weight;
            ed->next_out = g->nodes[f].first_out;
            g->nodes[f].first_out = e;
            account(g, ed, weight, true);
            g->edge_count++;
            if (edge_out != NULL) {
                *edge_out = e;
            }
            return RVM_OK;
        }
    }
    return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
}

rvm_err_t rvm_coh_graph_update_weight(rvm_coh_graph_t *g, uint16_t edge, int64_t delta)
{
    if (g == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!edge_ok(g, edge)) {
        return RVM_ERR_NOT_FOUND;
    }
    rvm_coh_edge_t *ed = &g->edges[edge];
    if (delta >= 0) {
        uint64_t d = (uint64_t)delta;
        uint64_t nw = rvm_coh_sat_add(ed->weight, d);
        account(g, ed, nw - ed->weight, true);
        ed->weight = nw;
    } else {
        /* Negating through unsigned arithmetic keeps INT64_MIN well defined. */
        uint64_t d = (uint64_t)0 - (uint64_t)delta;
        uint64_t nw = sat_sub(ed->weight, d);
        account(g, ed, ed->weight - nw, false);
        ed->weight = nw;
    }
    return RVM_OK;
}

rvm_err_t rvm_coh_graph_edge_weight(const rvm_coh_graph_t *g, uint16_t edge, uint64_t *w_out)
{
    if (g == NULL || w_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!edge_ok(g, edge)) {
        return RVM_ERR_NOT_FOUND;
    }
    *w_out = g->edges[edge].weight;
    return RVM_OK;
}

rvm_err_t rvm_coh_graph_edge_endpoints(const rvm_coh_graph_t *g, uint16_t edge, rvm_partition_id_t *from_out,
                                       rvm_partition_id_t *to_out)
{
    if (g == NULL || from_out == NULL || to_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!edge_ok(g, edge)) {
        return RVM_ERR_NOT_FOUND;
    }
    *from_out = g->nodes[g->edges[edge].from].pid;
    *to_out = g->nodes[g->edges[edge].to].pid;
    return RVM_OK;
}

rvm_err_t rvm_coh_graph_neighbors(const rvm_coh_graph_t *g, rvm_partition_id_t pid, rvm_coh_neighbor_t *out,
                                  uint32_t cap, uint32_t *n_out)
{
    uint16_t idx;
    if (n_out == NULL || (out == NULL && cap != 0)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_index_of(g, pid, &idx);
    if (err != RVM_OK) {
        return err;
    }
    uint32_t n = 0;
    uint16_t e = g->nodes[idx].first_out;
    for (uint32_t steps = 0; steps < g->edge_cap && e != RVM_COH_NONE; steps++) {
        if (n == cap) {
            return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
        }
        out[n].to = g->nodes[g->edges[e].to].pid;
        out[n].weight = g->edges[e].weight;
        n++;
        e = g->edges[e].next_out;
    }
    *n_out = n;
    return RVM_OK;
}

rvm_err_t rvm_coh_graph_total_weight(const rvm_coh_graph_t *g, rvm_partition_id_t pid, uint64_t *w_out)
{
    uint16_t idx;
    if (w_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_index_of(g, pid, &idx);
    if (err == RVM_OK) {
        *w_out = rvm_coh_sat_add(g->out_sum[idx], g->in_sum[idx]);
    }
    return err;
}

rvm_err_t rvm_coh_graph_internal_weight(const rvm_coh_graph_t *g, rvm_partition_id_t pid, uint64_t *w_out)
{
    uint16_t idx;
    if (w_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_index_of(g, pid, &idx);
    if (err == RVM_OK) {
        *w_out = g->m[idx][idx];
    }
    return err;
}

rvm_err_t rvm_coh_graph_weight_between(const rvm_coh_graph_t *g, rvm_partition_id_t a, rvm_partition_id_t b,
                                       uint64_t *w_out)
{
    uint16_t ia;
    uint16_t ib;
    if (w_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_index_of(g, a, &ia);
    if (err == RVM_OK) {
        err = rvm_coh_graph_index_of(g, b, &ib);
    }
    if (err == RVM_OK) {
        *w_out = rvm_coh_sat_add(g->m[ia][ib], g->m[ib][ia]);
    }
    return err;
}

rvm_err_t rvm_coh_graph_find_edge(const rvm_coh_graph_t *g, rvm_partition_id_t from, rvm_partition_id_t to,
                                  uint16_t *edge_out)
{
    uint16_t f;
    uint16_t t;
    if (edge_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_coh_graph_index_of(g, from, &f);
    if (err == RVM_OK) {
        err = rvm_coh_graph_index_of(g, to, &t);
    }
    if (err != RVM_OK) {
        return err;
    }
    /* A zero matrix entry can still hide zero-weight edges, so only a non-empty list walk decides. */
    uint16_t e = g->nodes[f].first_out;
    for (uint32_t steps = 0; steps < g->edge_cap && e != RVM_COH_NONE; steps++) {
        if (g->edges[e].to == t) {
            *edge_out = e;
            return RVM_OK;
        }
        e = g->edges[e].next_out;
    }
    return RVM_ERR_NOT_FOUND;
}

rvm_err_t rvm_coh_graph_next_node(const rvm_coh_graph_t *g, uint32_t *cursor, rvm_partition_id_t *pid_out)
{
    if (g == NULL || cursor == NULL || pid_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = *cursor; i < g->node_cap; i++) {
        if (g->nodes[i].used) {
            *pid_out = g->nodes[i].pid;
            *cursor = i + 1;
            return RVM_OK;
        }
    }
    *cursor = g->node_cap;
    return RVM_ERR_NOT_FOUND;
}

rvm_err_t rvm_coh_graph_next_edge(const rvm_coh_graph_t *g, uint32_t *cursor, uint16_t *edge_out)
{
    if (g == NULL || cursor == NULL || edge_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t e = *cursor; e < g->edge_cap; e++) {
        if (g->edges[e].active) {
            *edge_out = (uint16_t)e;
            *cursor = e + 1;
            return RVM_OK;
        }
    }
    *cursor = g->edge_cap;
    return RVM_ERR_NOT_FOUND;
}
