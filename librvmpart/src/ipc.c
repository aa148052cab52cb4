#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/ipc.h>

#include "part_internal.h"

rvm_err_t rvm_ipc_init(rvm_ipc_t *ipc, rvm_partmgr_t *parts, rvm_cap_manager_t *caps, rvm_witness_log_t *log,
                       const rvm_ipc_ops_t *ops)
{
    if (ipc == NULL || parts == NULL || caps == NULL || log == NULL || ops == NULL || ops->share == NULL ||
        ops->unshare == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(ipc, 0, sizeof *ipc);
    ipc->next_edge = 1;
    ipc->parts = parts;
    ipc->caps = caps;
    ipc->log = log;
    ipc->ops = *ops;
    return RVM_OK;
}

/* Channels are placed at edge % capacity and probed linearly, so a lookup is usually one compare. */
static uint32_t channel_index(const rvm_ipc_t *ipc, rvm_edge_id_t edge)
{
    if (edge == 0) {
        return RVM_IPC_MAX_CHANNELS;
    }
    uint32_t start = (uint32_t)(edge % RVM_IPC_MAX_CHANNELS);
    for (uint32_t k = 0; k < RVM_IPC_MAX_CHANNELS; k++) {
        uint32_t i = (start + k) % RVM_IPC_MAX_CHANNELS;
        if (ipc->channels[i].edge == edge) {
            return i;
        }
    }
    return RVM_IPC_MAX_CHANNELS;
}

static rvm_ipc_channel_t *channel_of(rvm_ipc_t *ipc, rvm_edge_id_t edge)
{
    uint32_t i = channel_index(ipc, edge);
    return i == RVM_IPC_MAX_CHANNELS ? NULL : &ipc->channels[i];
}

/*
 * The checks the read-only queries start with: INVALID_ARGUMENT without the
 * table or an output (`args_ok`), PARTITION_NOT_FOUND for an unknown edge.
 */
static rvm_err_t channel_for(const rvm_ipc_t *ipc, rvm_edge_id_t edge, bool args_ok, const rvm_ipc_channel_t **c)
{
    if (ipc == NULL || !args_ok) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t i = channel_index(ipc, edge);
    if (i == RVM_IPC_MAX_CHANNELS) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    *c = &ipc->channels[i];
    return RVM_OK;
}

static void edge_payload(uint8_t *pl, rvm_edge_id_t edge)
{
    rvm_le64_store(pl, edge);
}

rvm_err_t rvm_ipc_create(rvm_ipc_t *ipc, rvm_partition_id_t from, rvm_partition_id_t to, uint64_t sender_badge,
                         rvm_edge_id_t *edge, rvm_cap_handle_t *send_cap, rvm_cap_handle_t *recv_cap)
{
    if (ipc == NULL || edge == NULL || send_cap == NULL || recv_cap == NULL || from == to) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_partition_t *pf = rvm_part_get(ipc->parts, from);
    const rvm_partition_t *pt = rvm_part_get(ipc->parts, to);
    if (pf == NULL || pt == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (ipc->channel_count == RVM_IPC_MAX_CHANNELS || pf->cap_count == RVM_PART_MAX_CAPS ||
        pt->cap_count == RVM_PART_MAX_CAPS || ipc->next_edge == UINT64_MAX) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_edge_id_t id = ipc->next_edge;
    uint32_t start = (uint32_t)(id % RVM_IPC_MAX_CHANNELS);
    uint32_t slot = start;
    for (uint32_t k = 0; k < RVM_IPC_MAX_CHANNELS; k++) {
        slot = (start + k) % RVM_IPC_MAX_CHANNELS;
        if (ipc->channels[slot].edge == 0) {
            break;
        }
    }
    /* The capabilities first (librvmcap witnesses each), then the edge's own record, then the commit. */
    rvm_cap_handle_t s;
    rvm_cap_handle_t r;
    rvm_err_t e = rvm_cap_create_root(ipc->caps, RVM_PARTITION_HYPERVISOR, RVM_OBJ_COMM_EDGE, id, RVM_RIGHT_WRITE,
                                      sender_badge, from, &s);
    if (e != RVM_OK) {
        return e;
    }
    e = rvm_cap_create_root(ipc->caps, RVM_PARTITION_HYPERVISOR, RVM_OBJ_COMM_EDGE, id, RVM_RIGHT_READ, 0, to, &r);
    if (e == RVM_OK) {
        uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
        edge_payload(pl, id);
        e = rvm_part_emit(ipc->log, RVM_ACTION_COMM_EDGE_CREATE, 1, from, to, 0, pl, 0);
        if (e != RVM_OK) {
            (void)rvm_cap_delete(ipc->caps, to, r);
        }
    }
    if (e != RVM_OK) {
        (void)rvm_cap_delete(ipc->caps, from, s);
        return e;
    }
    rvm_ipc_channel_t *c = &ipc->channels[slot];
    __builtin_memset(c, 0, sizeof *c);
    c->edge = id;
    c->source = from;
    c->dest = to;
    c->send_cap = s;
    c->recv_cap = r;
    ipc->channel_count++;
    ipc->next_edge++;
    (void)rvm_part_cap_add(ipc->parts, from, s);
    (void)rvm_part_cap_add(ipc->parts, to, r);
    *edge = id;
    *send_cap = s;
    *recv_cap = r;
    return RVM_OK;
}

static void drop_endpoint_cap(rvm_ipc_t *ipc, rvm_partition_id_t owner, rvm_cap_handle_t h)
{
    uint32_t n;
    /* The capability may already be gone (its owner deleted it); nothing is left to revoke then. */
    (void)rvm_cap_revoke(ipc->caps, owner, h, &n);
    (void)rvm_part_cap_remove(ipc->parts, owner, h);
}

static void unshare_slot(rvm_ipc_t *ipc, rvm_ipc_share_t *sh)
{
    ipc->ops.unshare(ipc->ops.ctx, sh->receiver, &sh->region);
    __builtin_memset(sh, 0, sizeof *sh);
}

rvm_err_t rvm_ipc_destroy(rvm_ipc_t *ipc, rvm_edge_id_t edge)
{
    if (ipc == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_ipc_channel_t *c = channel_of(ipc, edge);
    if (c == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    edge_payload(pl, edge);
    rvm_err_t e = rvm_part_emit(ipc->log, RVM_ACTION_COMM_EDGE_DESTROY, 1, RVM_PARTITION_HYPERVISOR, 0, 0, pl, 0);
    if (e != RVM_OK) {
        return e;
    }
    drop_endpoint_cap(ipc, c->source, c->send_cap);
    drop_endpoint_cap(ipc, c->dest, c->recv_cap);
    for (uint32_t i = 0; i < RVM_IPC_MAX_SHARES; i++) {
        if (ipc->shares[i].edge == edge) {
            unshare_slot(ipc, &ipc->shares[i]);
        }
    }
    __builtin_memset(c, 0, sizeof *c);
    ipc->channel_count--;
    return RVM_OK;
}

/* The capability passes P1 for `rights` on a CommEdge and is the caller's own capability to this edge. */
static rvm_err_t check_endpoint(const rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller,
                                rvm_cap_handle_t cap, rvm_rights_t rights, uint64_t *badge)
{
    rvm_err_t e = rvm_cap_check_p1(ipc->caps, cap, rights, RVM_OBJ_COMM_EDGE);
    if (e != RVM_OK) {
        return e;
    }
    rvm_cap_info_t info;
    e = rvm_cap_lookup(ipc->caps, cap, &info);
    if (e != RVM_OK) {
        return e;
    }
    if (info.owner != caller || info.object_id != edge) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    *badge = info.badge;
    return RVM_OK;
}

/* Validates a send and returns the ring slot the message goes into. */
static rvm_err_t begin_send(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                            rvm_ipc_channel_t **out_c, uint64_t *badge)
{
    rvm_ipc_channel_t *c = channel_of(ipc, edge);
    if (c == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (c->source != caller) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    rvm_err_t e = check_endpoint(ipc, edge, caller, cap, RVM_RIGHT_WRITE, badge);
    if (e != RVM_OK) {
        return e;
    }
    if (c->tail - c->head == RVM_IPC_QUEUE_DEPTH) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    *out_c = c;
    return RVM_OK;
}

static rvm_ipc_msg_t *enqueue(rvm_ipc_channel_t *c, uint64_t badge, uint16_t msg_type, uint8_t kind)
{
    rvm_ipc_msg_t *m = &c->ring[c->tail % RVM_IPC_QUEUE_DEPTH];
    m->sender = c->source;
    m->receiver = c->dest;
    m->edge = c->edge;
    m->sequence = c->next_sequence++;
    m->badge = badge;
    m->msg_type = msg_type;
    m->kind = kind;
    c->tail++;
    if (c->weight != UINT64_MAX) {
        c->weight++;
    }
    return m;
}

rvm_err_t rvm_ipc_send(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                       uint16_t msg_type, const void *payload, uint16_t len)
{
    if (ipc == NULL || len > RVM_IPC_INLINE_MAX || (payload == NULL && len != 0)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_ipc_channel_t *c;
    uint64_t badge;
    rvm_err_t e = begin_send(ipc, edge, caller, cap, &c, &badge);
    if (e != RVM_OK) {
        return e;
    }
    rvm_ipc_msg_t *m = enqueue(c, badge, msg_type, RVM_IPC_INLINE);
    m->payload_len = len;
    if (len != 0) {
        __builtin_memcpy(m->payload, payload, len);
    }
    __builtin_memset(m->payload + len, 0, RVM_IPC_INLINE_MAX - len);
    __builtin_memset(&m->region, 0, sizeof m->region);
    return RVM_OK;
}

static rvm_ipc_share_t *free_share(rvm_ipc_t *ipc)
{
    for (uint32_t i = 0; i < RVM_IPC_MAX_SHARES; i++) {
        if (ipc->shares[i].edge == 0) {
            return &ipc->shares[i];
        }
    }
    return NULL;
}

rvm_err_t rvm_ipc_send_region(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                              uint16_t msg_type, rvm_region_id_t region)
{
    if (ipc == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_ipc_channel_t *c;
    uint64_t badge;
    rvm_err_t e = begin_send(ipc, edge, caller, cap, &c, &badge);
    if (e != RVM_OK) {
        return e;
    }
    rvm_region_desc_t d;
    e = rvm_part_region_find(ipc->parts, caller, region, &d);
    if (e != RVM_OK) {
        return e;
    }
    if ((d.flags & RVM_REGION_READ) == 0) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    d.flags = RVM_REGION_READ;
    rvm_ipc_share_t *sh = free_share(ipc);
    if (sh == NULL) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    edge_payload(pl, edge);
    e = rvm_part_emit(ipc->log, RVM_ACTION_ZERO_COPY_SHARE, 1, caller, region, 0, pl, 0);
    if (e != RVM_OK) {
        return e;
    }
    e = ipc->ops.share(ipc->ops.ctx, c->dest, &d);
    if (e != RVM_OK) {
        return e;
    }
    sh->edge = edge;
    sh->owner = caller;
    sh->receiver = c->dest;
    sh->region = d;
    rvm_ipc_msg_t *m = enqueue(c, badge, msg_type, RVM_IPC_REGION);
    m->payload_len = 0;
    __builtin_memset(m->payload, 0, RVM_IPC_INLINE_MAX);
    m->region = d;
    return RVM_OK;
}

rvm_err_t rvm_ipc_recv(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                       rvm_ipc_msg_t *out, bool *got)
{
    if (ipc == NULL || out == NULL || got == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_ipc_channel_t *c = channel_of(ipc, edge);
    if (c == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (c->dest != caller) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    uint64_t badge;
    rvm_err_t e = check_endpoint(ipc, edge, caller, cap, RVM_RIGHT_READ, &badge);
    if (e != RVM_OK) {
        return e;
    }
    if (c->head == c->tail) {
        *got = false;
        return RVM_OK;
    }
    *out = c->ring[c->head % RVM_IPC_QUEUE_DEPTH];
    c->head++;
    *got = true;
    return RVM_OK;
}

rvm_err_t rvm_ipc_unshare(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_region_id_t region)
{
    if (ipc == NULL || edge == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < RVM_IPC_MAX_SHARES; i++) {
        rvm_ipc_share_t *sh = &ipc->shares[i];
        if (sh->edge == edge && sh->receiver == caller && sh->region.id == region) {
            uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
            edge_payload(pl, edge);
            rvm_err_t e = rvm_part_emit(ipc->log, RVM_ACTION_REGION_UNSHARE, 1, caller, region, 0, pl, 0);
            if (e != RVM_OK) {
                return e;
            }
            unshare_slot(ipc, sh);
            return RVM_OK;
        }
    }
    return RVM_ERR_NOT_FOUND;
}

rvm_err_t rvm_ipc_notify(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                         uint64_t mask)
{
    if (ipc == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_ipc_channel_t *c = channel_of(ipc, edge);
    if (c == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (c->source != caller) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    uint64_t badge;
    rvm_err_t e = check_endpoint(ipc, edge, caller, cap, RVM_RIGHT_WRITE, &badge);
    if (e != RVM_OK) {
        return e;
    }
    c->notify |= mask;
    return RVM_OK;
}

rvm_err_t rvm_ipc_wait(rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t caller, rvm_cap_handle_t cap,
                       uint64_t mask, uint64_t *bits)
{
    if (ipc == NULL || bits == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_ipc_channel_t *c = channel_of(ipc, edge);
    if (c == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (c->dest != caller) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    uint64_t badge;
    rvm_err_t e = check_endpoint(ipc, edge, caller, cap, RVM_RIGHT_READ, &badge);
    if (e != RVM_OK) {
        return e;
    }
    *bits = c->notify & mask;
    c->notify &= ~mask;
    return RVM_OK;
}

rvm_err_t rvm_ipc_weight(const rvm_ipc_t *ipc, rvm_edge_id_t edge, uint64_t *weight)
{
    const rvm_ipc_channel_t *c = NULL;
    rvm_err_t err = channel_for(ipc, edge, weight != NULL, &c);
    if (err != RVM_OK) {
        return err;
    }
    *weight = c->weight;
    return RVM_OK;
}

rvm_err_t rvm_ipc_pending(const rvm_ipc_t *ipc, rvm_edge_id_t edge, uint32_t *n)
{
    const rvm_ipc_channel_t *c = NULL;
    rvm_err_t err = channel_for(ipc, edge, n != NULL, &c);
    if (err != RVM_OK) {
        return err;
    }
    *n = c->tail - c->head;
    return RVM_OK;
}

rvm_err_t rvm_ipc_endpoints(const rvm_ipc_t *ipc, rvm_edge_id_t edge, rvm_partition_id_t *source,
                            rvm_partition_id_t *dest)
{
    const rvm_ipc_channel_t *c = NULL;
    rvm_err_t err = channel_for(ipc, edge, source != NULL && dest != NULL, &c);
    if (err != RVM_OK) {
        return err;
    }
    *source = c->source;
    *dest = c->dest;
    return RVM_OK;
}

uint32_t rvm_ipc_channel_count(const rvm_ipc_t *ipc)
{
    return ipc == NULL ? 0 : ipc->channel_count;
}

bool rvm_ipc_adjacent(const rvm_ipc_t *ipc, rvm_partition_id_t a, rvm_partition_id_t b)
{
    if (ipc == NULL) {
        return false;
    }
    for (uint32_t i = 0; i < RVM_IPC_MAX_CHANNELS; i++) {
        const rvm_ipc_channel_t *c = &ipc->channels[i];
        if (c->edge != 0 && ((c->source == a && c->dest == b) || (c->source == b && c->dest == a))) {
            return true;
        }
    }
    return false;
}

rvm_err_t rvm_ipc_release_partition(rvm_ipc_t *ipc, rvm_partition_id_t id)
{
    if (ipc == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < RVM_IPC_MAX_CHANNELS; i++) {
        const rvm_ipc_channel_t *c = &ipc->channels[i];
        if (c->edge != 0 && (c->source == id || c->dest == id)) {
            rvm_err_t e = rvm_ipc_destroy(ipc, c->edge);
            if (e != RVM_OK) {
                return e;
            }
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_ipc_move_endpoint(struct rvm_ipc *ipc, rvm_edge_id_t edge, rvm_partition_id_t old,
                                rvm_partition_id_t new_id)
{
    rvm_ipc_channel_t *c = channel_of(ipc, edge);
    if (c == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    bool is_source = c->source == old;
    rvm_cap_handle_t oldcap = is_source ? c->send_cap : c->recv_cap;
    rvm_cap_info_t info;
    rvm_err_t e = rvm_cap_lookup(ipc->caps, oldcap, &info);
    if (e != RVM_OK) {
        return e;
    }
    rvm_cap_handle_t h;
    e = rvm_cap_create_root(ipc->caps, RVM_PARTITION_HYPERVISOR, RVM_OBJ_COMM_EDGE, edge, info.token.rights,
                            info.badge, new_id, &h);
    if (e != RVM_OK) {
        return e;
    }
    e = rvm_cap_delete(ipc->caps, old, oldcap);
    if (e == RVM_OK) {
        (void)rvm_part_cap_remove(ipc->parts, old, oldcap);
        e = rvm_part_cap_add(ipc->parts, new_id, h);
    }
    if (e != RVM_OK) {
        return e;
    }
    if (is_source) {
        c->source = new_id;
        c->send_cap = h;
    } else {
        c->dest = new_id;
        c->recv_cap = h;
    }
    for (uint32_t i = 0; i < RVM_IPC_MAX_SHARES; i++) {
        rvm_ipc_share_t *sh = &ipc->shares[i];
        if (sh->edge == edge && sh->owner == old) {
            sh->owner = new_id;
        }
        /* The mapping lives in the old receiver's stage-2: it goes, and the sender may share again. */
        if (sh->edge == edge && sh->receiver == old) {
            uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
            edge_payload(pl, edge);
            e = rvm_part_emit(ipc->log, RVM_ACTION_REGION_UNSHARE, 1, old, sh->region.id, 0, pl, 0);
            if (e != RVM_OK) {
                return e;
            }
            unshare_slot(ipc, sh);
        }
    }
    return RVM_OK;
}

bool rvm_ipc_is_endpoint_cap(const struct rvm_ipc *ipc, rvm_cap_handle_t h)
{
    for (uint32_t i = 0; i < RVM_IPC_MAX_CHANNELS; i++) {
        const rvm_ipc_channel_t *c = &ipc->channels[i];
        if (c->edge != 0 && (rvm_cap_handle_eq(c->send_cap, h) || rvm_cap_handle_eq(c->recv_cap, h))) {
            return true;
        }
    }
    return false;
}
