/* Coherence graph (spec §11.1): partitions as nodes, directed traffic edges, fixed capacity, caller-owned storage. */
#ifndef RVM_COH_GRAPH_H
#define RVM_COH_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>

/* The dense matrix and the 32-bit member masks of the mincut both rely on at most 32 nodes. */
#define RVM_COH_MAX_NODES 32u
#define RVM_COH_MAX_EDGES 128u
#define RVM_COH_NONE ((uint16_t)0xFFFFu)

typedef struct rvm_coh_node {
    rvm_partition_id_t pid;
    uint16_t first_out; /* head of the outgoing edge list, RVM_COH_NONE when empty */
    bool used;
} rvm_coh_node_t;

typedef struct rvm_coh_edge {
    uint64_t weight;
    uint16_t from;
    uint16_t to;
    uint16_t next_out;
    bool active;
} rvm_coh_edge_t;

/* Node slots and edge slots up to the capacities given at init; m[i][j] sums the weights of edges i->j. */
typedef struct rvm_coh_graph {
    rvm_coh_node_t nodes[RVM_COH_MAX_NODES];
    rvm_coh_edge_t edges[RVM_COH_MAX_EDGES];
    uint64_t m[RVM_COH_MAX_NODES][RVM_COH_MAX_NODES];
    uint64_t out_sum[RVM_COH_MAX_NODES];
    uint64_t in_sum[RVM_COH_MAX_NODES];
    uint16_t node_cap;
    uint16_t edge_cap;
    uint16_t node_count;
    uint16_t edge_count;
} rvm_coh_graph_t;

/* An outgoing neighbour as returned by rvm_coh_graph_neighbors. */
typedef struct rvm_coh_neighbor {
    rvm_partition_id_t to;
    uint64_t weight;
} rvm_coh_neighbor_t;

/* Empties the graph; INVALID_ARGUMENT unless 1 <= node_cap <= 32 and 1 <= edge_cap <= 128. */
rvm_err_t rvm_coh_graph_init(rvm_coh_graph_t *g, uint16_t node_cap, uint16_t edge_cap);
/* Adds a node: INVALID_PARTITION_STATE if present, RESOURCE_LIMIT_EXCEEDED if every slot is used. */
rvm_err_t rvm_coh_graph_add_node(rvm_coh_graph_t *g, rvm_partition_id_t pid);
/* Removes a node and every edge touching it; PARTITION_NOT_FOUND if absent. */
rvm_err_t rvm_coh_graph_remove_node(rvm_coh_graph_t *g, rvm_partition_id_t pid);
/* Adds a directed edge (parallel edges allowed); PARTITION_NOT_FOUND / RESOURCE_LIMIT_EXCEEDED. */
rvm_err_t rvm_coh_graph_add_edge(rvm_coh_graph_t *g, rvm_partition_id_t from, rvm_partition_id_t to, uint64_t weight,
                                 uint16_t *edge_out);
/* Removes one edge; NOT_FOUND if the index is not an active edge. */
rvm_err_t rvm_coh_graph_remove_edge(rvm_coh_graph_t *g, uint16_t edge);
/* Adds a signed delta to an edge's weight, saturating at 0 and 2^64-1; NOT_FOUND if inactive. */
rvm_err_t rvm_coh_graph_update_weight(rvm_coh_graph_t *g, uint16_t edge, int64_t delta);
/* Weight of an active edge; NOT_FOUND otherwise. */
rvm_err_t rvm_coh_graph_edge_weight(const rvm_coh_graph_t *g, uint16_t edge, uint64_t *w_out);
/* Endpoints of an active edge; NOT_FOUND otherwise. */
rvm_err_t rvm_coh_graph_edge_endpoints(const rvm_coh_graph_t *g, uint16_t edge, rvm_partition_id_t *from_out,
                                       rvm_partition_id_t *to_out);
/* Outgoing edges of pid (newest first), up to cap entries; RESOURCE_LIMIT_EXCEEDED if more exist. */
rvm_err_t rvm_coh_graph_neighbors(const rvm_coh_graph_t *g, rvm_partition_id_t pid, rvm_coh_neighbor_t *out,
                                  uint32_t cap, uint32_t *n_out);
/* Outgoing plus incoming weight of pid (a self-loop counts twice); PARTITION_NOT_FOUND if absent. */
rvm_err_t rvm_coh_graph_total_weight(const rvm_coh_graph_t *g, rvm_partition_id_t pid, uint64_t *w_out);
/* Sum of pid's self-loop weights, counted once; PARTITION_NOT_FOUND if absent. */
rvm_err_t rvm_coh_graph_internal_weight(const rvm_coh_graph_t *g, rvm_partition_id_t pid, uint64_t *w_out);
/* m[a][b] + m[b][a] (saturating); PARTITION_NOT_FOUND if either is absent. */
rvm_err_t rvm_coh_graph_weight_between(const rvm_coh_graph_t *g, rvm_partition_id_t a, rvm_partition_id_t b,
                                       uint64_t *w_out);
/* First active edge from -> to; NOT_FOUND if none, PARTITION_NOT_FOUND if a node is absent. */
rvm_err_t rvm_coh_graph_find_edge(const rvm_coh_graph_t *g, rvm_partition_id_t from, rvm_partition_id_t to,
                                  uint16_t *edge_out);
/* Node slot of pid; PARTITION_NOT_FOUND if absent. */
rvm_err_t rvm_coh_graph_index_of(const rvm_coh_graph_t *g, rvm_partition_id_t pid, uint16_t *index_out);
/* Iterates used node slots: from *cursor (start at 0), returns the next pid and advances; NOT_FOUND at the end. */
rvm_err_t rvm_coh_graph_next_node(const rvm_coh_graph_t *g, uint32_t *cursor, rvm_partition_id_t *pid_out);
/* Iterates active edges likewise, returning edge indices; NOT_FOUND at the end. */
rvm_err_t rvm_coh_graph_next_edge(const rvm_coh_graph_t *g, uint32_t *cursor, uint16_t *edge_out);

#endif
