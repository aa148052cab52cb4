#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/device_lease.h>
#include <rvm/endian.h>

#include "part_internal.h"

rvm_err_t rvm_lease_init(rvm_lease_table_t *t, const rvm_partmgr_t *parts, rvm_cap_manager_t *caps,
                         rvm_witness_log_t *log, const rvm_lease_ops_t *ops)
{
    if (t == NULL || parts == NULL || caps == NULL || log == NULL || ops == NULL || ops->map == NULL ||
        ops->unmap == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(t, 0, sizeof *t);
    t->next_lease = 1;
    t->parts = parts;
    t->caps = caps;
    t->log = log;
    t->ops = *ops;
    return RVM_OK;
}

static bool class_valid(uint8_t c)
{
    return c <= RVM_DEVICE_INTERRUPT_CONTROLLER || c == RVM_DEVICE_GENERIC;
}

static bool kernel_owned(uint8_t c)
{
    return c == RVM_DEVICE_SERIAL || c == RVM_DEVICE_TIMER || c == RVM_DEVICE_INTERRUPT_CONTROLLER;
}

rvm_err_t rvm_lease_register_device(rvm_lease_table_t *t, uint8_t device_class, uint64_t mmio_base,
                                    uint64_t mmio_size, uint32_t irq, uint32_t *id)
{
    if (t == NULL || id == NULL || !class_valid(device_class) || mmio_size == 0 ||
        !rvm_addr_page_aligned(mmio_base) || !rvm_addr_page_aligned(mmio_size) ||
        mmio_base > UINT64_MAX - mmio_size) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (t->device_count == RVM_LEASE_MAX_DEVICES) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_device_info_t *d = &t->devices[t->device_count];
    d->id = t->device_count;
    d->device_class = device_class;
    d->available = true;
    d->mmio_base = mmio_base;
    d->mmio_size = mmio_size;
    d->irq = irq;
    *id = t->device_count++;
    return RVM_OK;
}

static rvm_lease_t *lease_of(rvm_lease_table_t *t, rvm_lease_id_t lease)
{
    for (uint32_t i = 0; lease != 0 && i < RVM_LEASE_MAX_LEASES; i++) {
        if (t->leases[i].id == lease) {
            return &t->leases[i];
        }
    }
    return NULL;
}

uint32_t rvm_lease_count_of(const rvm_lease_table_t *t, rvm_partition_id_t part)
{
    uint32_t n = 0;
    for (uint32_t i = 0; t != NULL && i < RVM_LEASE_MAX_LEASES; i++) {
        if (t->leases[i].id != 0 && t->leases[i].holder == part) {
            n++;
        }
    }
    return n;
}

rvm_err_t rvm_lease_grant(rvm_lease_table_t *t, uint32_t device, rvm_partition_id_t part, uint64_t duration,
                          uint64_t now, uint32_t cap_hash, rvm_lease_id_t *lease)
{
    if (t == NULL || lease == NULL || duration == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (device >= t->device_count) {
        return RVM_ERR_DEVICE_LEASE_NOT_FOUND;
    }
    rvm_device_info_t *d = &t->devices[device];
    if (!d->available || kernel_owned(d->device_class)) {
        return RVM_ERR_DEVICE_LEASE_CONFLICT;
    }
    const rvm_partition_t *p = rvm_part_get(t->parts, part);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->state != RVM_PARTITION_RUNNING && p->state != RVM_PARTITION_SUSPENDED) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_lease_t *slot = NULL;
    for (uint32_t i = 0; slot == NULL && i < RVM_LEASE_MAX_LEASES; i++) {
        if (t->leases[i].id == 0) {
            slot = &t->leases[i];
        }
    }
    if (slot == NULL || rvm_lease_count_of(t, part) >= RVM_MAX_LEASES_PER_PARTITION || t->next_lease == UINT64_MAX) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_lease_id_t id = t->next_lease;
    rvm_err_t e = t->ops.map(t->ops.ctx, part, d->mmio_base, d->mmio_size);
    if (e != RVM_OK) {
        return e;
    }
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    rvm_le64_store(pl, id);
    e = rvm_part_emit(t->log, RVM_ACTION_DEVICE_LEASE_GRANT, 1, part, device, cap_hash, pl, 0);
    if (e != RVM_OK) {
        t->ops.unmap(t->ops.ctx, part, d->mmio_base, d->mmio_size);
        return e;
    }
    slot->id = id;
    slot->device = device;
    slot->holder = part;
    slot->granted_epoch = now;
    slot->expiry_epoch = now > UINT64_MAX - duration ? UINT64_MAX : now + duration;
    slot->cap_hash = cap_hash;
    d->available = false;
    t->lease_count++;
    t->next_lease++;
    *lease = id;
    return RVM_OK;
}

/*
 * Ends a lease: the device's capabilities are invalidated first, so that a
 * failure anywhere leaves the holder with less authority, never more; then
 * the lease's own record (`kind`), the unmap, and the device is free.
 */
static rvm_err_t end_lease(rvm_lease_table_t *t, rvm_lease_t *l, uint8_t kind)
{
    rvm_err_t e = rvm_cap_bump_object_epoch(t->caps, RVM_PARTITION_HYPERVISOR, RVM_OBJ_DEVICE, l->device);
    /* No capability naming the device means nothing to invalidate. */
    if (e != RVM_OK && e != RVM_ERR_NOT_FOUND) {
        return e;
    }
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    rvm_le64_store(pl, l->id);
    if (kind == RVM_ACTION_DEVICE_LEASE_EXPIRE) {
        e = rvm_part_emit(t->log, kind, 1, l->holder, l->device, l->cap_hash, pl, 0);
    } else {
        e = rvm_part_emit(t->log, kind, 1, RVM_PARTITION_HYPERVISOR, 0, 0, pl, 0);
    }
    if (e != RVM_OK) {
        return e;
    }
    rvm_device_info_t *d = &t->devices[l->device];
    t->ops.unmap(t->ops.ctx, l->holder, d->mmio_base, d->mmio_size);
    d->available = true;
    __builtin_memset(l, 0, sizeof *l);
    t->lease_count--;
    return RVM_OK;
}

rvm_err_t rvm_lease_revoke(rvm_lease_table_t *t, rvm_lease_id_t lease)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_lease_t *l = lease_of(t, lease);
    if (l == NULL) {
        return RVM_ERR_DEVICE_LEASE_NOT_FOUND;
    }
    return end_lease(t, l, RVM_ACTION_DEVICE_LEASE_REVOKE);
}

rvm_err_t rvm_lease_check(const rvm_lease_table_t *t, rvm_lease_id_t lease, uint64_t now)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; lease != 0 && i < RVM_LEASE_MAX_LEASES; i++) {
        if (t->leases[i].id == lease) {
            return now >= t->leases[i].expiry_epoch ? RVM_ERR_DEVICE_LEASE_EXPIRED : RVM_OK;
        }
    }
    return RVM_ERR_DEVICE_LEASE_NOT_FOUND;
}

rvm_err_t rvm_lease_tick(rvm_lease_table_t *t, uint64_t now, uint32_t *expired)
{
    if (t == NULL || expired == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *expired = 0;
    for (uint32_t i = 0; i < RVM_LEASE_MAX_LEASES; i++) {
        rvm_lease_t *l = &t->leases[i];
        if (l->id == 0 || now < l->expiry_epoch) {
            continue;
        }
        rvm_err_t e = end_lease(t, l, RVM_ACTION_DEVICE_LEASE_EXPIRE);
        if (e != RVM_OK) {
            return e;
        }
        (*expired)++;
    }
    return RVM_OK;
}

rvm_err_t rvm_lease_holder(const rvm_lease_table_t *t, uint32_t device, rvm_partition_id_t *holder)
{
    if (t == NULL || holder == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (device >= t->device_count) {
        return RVM_ERR_DEVICE_LEASE_NOT_FOUND;
    }
    *holder = RVM_PARTITION_HYPERVISOR;
    for (uint32_t i = 0; i < RVM_LEASE_MAX_LEASES; i++) {
        if (t->leases[i].id != 0 && t->leases[i].device == device) {
            *holder = t->leases[i].holder;
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_lease_get(const rvm_lease_table_t *t, rvm_lease_id_t lease, rvm_lease_t *out)
{
    if (t == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; lease != 0 && i < RVM_LEASE_MAX_LEASES; i++) {
        if (t->leases[i].id == lease) {
            *out = t->leases[i];
            return RVM_OK;
        }
    }
    return RVM_ERR_DEVICE_LEASE_NOT_FOUND;
}

rvm_err_t rvm_lease_release_partition(rvm_lease_table_t *t, rvm_partition_id_t part)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < RVM_LEASE_MAX_LEASES; i++) {
        if (t->leases[i].id != 0 && t->leases[i].holder == part) {
            rvm_err_t e = rvm_lease_revoke(t, t->leases[i].id);
            if (e != RVM_OK) {
                return e;
            }
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_lease_map_all(struct rvm_lease_table *t, rvm_partition_id_t from, rvm_partition_id_t to)
{
    for (uint32_t i = 0; i < RVM_LEASE_MAX_LEASES; i++) {
        const rvm_lease_t *l = &t->leases[i];
        if (l->id == 0 || l->holder != from) {
            continue;
        }
        const rvm_device_info_t *d = &t->devices[l->device];
        rvm_err_t e = t->ops.map(t->ops.ctx, to, d->mmio_base, d->mmio_size);
        if (e != RVM_OK) {
            rvm_lease_unmap_first(t, from, to, i);
            return e;
        }
    }
    return RVM_OK;
}

void rvm_lease_unmap_first(struct rvm_lease_table *t, rvm_partition_id_t from, rvm_partition_id_t to, uint32_t n)
{
    for (uint32_t k = 0; k < n && k < RVM_LEASE_MAX_LEASES; k++) {
        if (t->leases[k].id != 0 && t->leases[k].holder == from) {
            const rvm_device_info_t *d = &t->devices[t->leases[k].device];
            t->ops.unmap(t->ops.ctx, to, d->mmio_base, d->mmio_size);
        }
    }
}

void rvm_lease_move_all(struct rvm_lease_table *t, rvm_partition_id_t from, rvm_partition_id_t to)
{
    for (uint32_t i = 0; i < RVM_LEASE_MAX_LEASES; i++) {
        rvm_lease_t *l = &t->leases[i];
        if (l->id != 0 && l->holder == from) {
            const rvm_device_info_t *d = &t->devices[l->device];
            t->ops.unmap(t->ops.ctx, from, d->mmio_base, d->mmio_size);
            l->holder = to;
        }
    }
}

bool rvm_lease_windows_overlap(const struct rvm_lease_table *t, rvm_partition_id_t a, rvm_partition_id_t b)
{
    for (uint32_t i = 0; i < RVM_LEASE_MAX_LEASES; i++) {
        const rvm_lease_t *la = &t->leases[i];
        if (la->id == 0 || la->holder != a) {
            continue;
        }
        const rvm_device_info_t *da = &t->devices[la->device];
        for (uint32_t k = 0; k < RVM_LEASE_MAX_LEASES; k++) {
            const rvm_lease_t *lb = &t->leases[k];
            if (lb->id == 0 || lb->holder != b) {
                continue;
            }
            const rvm_device_info_t *db = &t->devices[lb->device];
            /* Registration guarantees base + size does not wrap. */
            if (da->mmio_base < db->mmio_base + db->mmio_size && db->mmio_base < da->mmio_base + da->mmio_size) {
                return true;
            }
        }
    }
    return false;
}
