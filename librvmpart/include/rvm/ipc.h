/*
 * Communication edges and IPC (spec §8.4, ADR-140): one-directional,
 * capability-checked channels with a fixed-capacity message ring each.
 *
 * Creating a channel (kernel only) makes two root capabilities on the
 * CommEdge object named by the edge id: WRITE for the source, carrying the
 * badge the kernel chose for it, and READ for the destination. Sending needs
 * a capability that passes P1 for WRITE on a CommEdge, is owned by the
 * caller and names this edge, and the caller must be the channel's source;
 * receiving needs the same with READ by the destination. Every message
 * carries the badge of the sender's capability, set by the library, never by
 * the sender. A full ring refuses the message with RESOURCE_LIMIT_EXCEEDED;
 * nothing is ever dropped. Each message sent adds one to the edge's weight
 * (saturating), the traffic signal the coherence engine decays per epoch.
 *
 * Payloads: up to RVM_IPC_INLINE_MAX bytes inline, or a region descriptor
 * (zero-copy): the sender names one of its own regions (looked up in the
 * partition manager, never taken from the sender), the library records a
 * read-only share of it with the receiver and asks the kernel to map it
 * read-only through the `share` callback; `unshare` undoes it.
 *
 * Notification words: `notify` ORs bits into the edge's word (WRITE),
 * `wait` returns the requested bits that are set and clears them (READ).
 * Neither blocks: blocking is the scheduler's business.
 *
 * Witness records (tier 1): CommEdgeCreate 0x30 (actor source, target dest,
 * payload edge id LE), CommEdgeDestroy 0x31 (actor 0, target 0, payload edge
 * id), ZeroCopyShare 0x34 (actor sender, target region id, payload edge id),
 * RegionUnshare 0x24 (actor receiver, target region id, payload edge id).
 * Individual messages and notifications are not witnessed, like partition
 * switches (DC-10): the hot path must stay far below the cost of one hashed
 * record; the edge weight is their summary.
 *
 * Errors: INVALID_ARGUMENT (null, bad length or kind, same endpoints),
 * PARTITION_NOT_FOUND (unknown edge or partition, as in the reference),
 * INSUFFICIENT_CAPABILITY / INVALID_HANDLE / STALE_CAPABILITY /
 * CAPABILITY_TYPE_MISMATCH (capability checks), RESOURCE_LIMIT_EXCEEDED
 * (channel table, ring or share table full), NOT_FOUND (unknown region or
 * share), and whatever the witness log or librvmcap return.
 */
#ifndef RVM_IPC_H
#define RVM_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/cap_manager.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/partition.h>
#include <rvm/witness_log.h>

#define RVM_IPC_MAX_CHANNELS 128u
#define RVM_IPC_QUEUE_DEPTH 16u
#define RVM_IPC_INLINE_MAX 48u
#define RVM_IPC_MAX_SHARES 64u

_Static_assert((RVM_IPC_QUEUE_DEPTH & (RVM_IPC_QUEUE_DEPTH - 1u)) == 0 && RVM_IPC_QUEUE_DEPTH != 0,
               "queue depth is a non-zero power of two");

typedef enum rvm_ipc_kind {
    RVM_IPC_INLINE = 0,   /* payload[0..payload_len) */
    RVM_IPC_REGION = 1,   /* region: a read-only shared region of the sender */
} rvm_ipc_kind_t;

typedef struct rvm_ipc_msg {
    rvm_partition_id_t sender;
    rvm_partition_id_t receiver;
    rvm_edge_id_t edge;
    uint64_t sequence;         /* per channel, from 0 */
    uint64_t badge;            /* the sender's kernel-assigned badge */
    uint16_t msg_type;
    uint16_t payload_len;
    uint8_t kind;              /* rvm_ipc_kind_t */
    uint8_t payload[RVM_IPC_INLINE_MAX];
    rvm_region_desc_t region;  /* kind REGION: descriptor with flags reduced to READ */
} rvm_ipc_msg_t;

/* Maps (share) or unmaps (unshare) `region` read-only into `receiver`'s stage-2; supplied by the kernel. */
typedef struct rvm_ipc_ops {
    rvm_err_t (*share)(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region);
    void (*unshare)(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region);
    void *ctx;
} rvm_ipc_ops_t;

typedef struct rvm_ipc_channel {
    rvm_edge_id_t edge;        /* 0 = free */
    rvm_partition_id_t source;
    rvm_partition_id_t dest;
    uint32_t head;             /* next to receive */
    uint32_t tail;             /* next to send; tail - head = queued */
    uint64_t weight;
    uint64_t next_sequence;
    uint64_t notify;
    rvm_cap_handle_t send_cap;
    rvm_cap_handle_t recv_cap;
    rvm_ipc_msg_t ring[RVM_IPC_QUEUE_DEPTH];
} rvm_ipc_channel_t;

typedef struct rvm_ipc_share {
    rvm_edge_id_t edge;        /* 0 = free */
    rvm_partition_id_t owner;
    rvm_partition_id_t receiver;
    rvm_region_desc_t region;
} rvm_ipc_share_t;

/* Fields are private to librvmpart. */
typedef struct rvm_ipc {
    rvm_ipc_channel_t channels[RVM_IPC_MAX_CHANNELS];
    rvm_ipc_share_t shares[RVM_IPC_MAX_SHARES];
    uint32_t channel_count;
    rvm_edge_id_t next_edge;
    rvm_partmgr_t *parts;
    rvm_cap_manager_t *caps;
    rvm_witness_log_t *log;
    rvm_ipc_ops_t ops;
} rvm_ipc_t;

/* Binds the channel table to the partition manager, capability manager, log and the kernel's share ops. */
rvm_err_t rvm_ipc_init(rvm_ipc_t *ipc, rvm_partmgr_t *parts, rvm_cap_manager_t *caps, rvm_witness_log_t *log,
                       const rvm_ipc_ops_t *ops);

/*
 * Kernel only: creates the channel `from` -> `to` (both live, distinct) and
 * the two endpoint capabilities, registered in each partition's view.
 */
rvm_err_t rvm_ipc_create(rvm_ipc_t *ipc, rvm_partition_id_t from, rvm_partition_id_t to, uint64_t sender_badge,
                         rvm_edge_id_t *edge, rvm_cap_handle_t *send_cap, rvm_cap_handle_t *recv_cap);

/* Kernel only: revokes both endpoint capabilities, undoes the channel's shares and frees it. */
rvm_err_t rvm_ipc_destroy(rvm_ipc_t *ipc, rvm_edge_id_t edge);

/* Sends `len` (<= RVM_IPC_INLINE_MAX) inline bytes from `caller` holding `cap`. */
rvm_err_t rvm_ipc_send(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                       uint16_t msg_type, const void *payload, uint16_t len);

/* Sends a read-only share of the caller's region `region` (see above). */
rvm_err_t rvm_ipc_send_region(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                              uint16_t msg_type, rvm_region_id_t region);

/* Receives the oldest message into `out` (`got` false and RVM_OK when the ring is empty). */
rvm_err_t rvm_ipc_recv(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                       rvm_ipc_msg_t *out, bool *got);

/* Receiver `caller` gives up its share of `region` received on `edge`: unmapped, then forgotten. */
rvm_err_t rvm_ipc_unshare(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_region_id_t region);

/* Sets the bits of `mask` in the edge's notification word (WRITE). */
rvm_err_t rvm_ipc_notify(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                         uint64_t mask);

/* Returns the bits of `mask` that are set in the word in `bits` and clears them (READ). */
rvm_err_t rvm_ipc_wait(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                       uint64_t mask, uint64_t *bits);

/* Edge weight (messages sent, saturating). */
rvm_err_t rvm_ipc_weight(const rvm_ipc_t *ipc, rvm_edge_id_t edge, uint64_t *weight);

/* Messages queued on the edge. */
rvm_err_t rvm_ipc_pending(const rvm_ipc_t *ipc, rvm_edge_id_t edge, uint32_t *n);

/* Source and destination of the edge. */
rvm_err_t rvm_ipc_endpoints(const rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t *source,
                            rvm_partition_id_t *dest);

/* Live channels. */
uint32_t rvm_ipc_channel_count(const rvm_ipc_t *ipc);

/* True when a channel joins `a` and `b` in either direction. */
bool rvm_ipc_adjacent(const rvm_ipc_t *ipc, rvm_partition_id_t a, rvm_partition_id_t b);

/* Kernel only: destroys every channel with `id` as an endpoint (before the partition is destroyed). */
rvm_err_t rvm_ipc_release_partition(rvm_ipc_t *ipc, rvm_partition_id_t id);

#endif
