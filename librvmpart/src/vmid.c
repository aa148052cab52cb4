#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/vmid.h>

#include "part_internal.h"

/* Reclaim victim: holds a VMID, is on no CPU, scheduled least recently (lowest slot on ties). */
static rvm_partition_t *reclaim_victim(rvm_partmgr_t *mgr)
{
    rvm_partition_t *best = NULL;
    for (uint32_t s = 0; s < RVM_MAX_PARTITIONS; s++) {
        rvm_partition_t *p = &mgr->parts[s];
        if (p->id == 0 || p->vmid == RVM_VMID_NONE || p->on_cpu != 0) {
            continue;
        }
        if (best == NULL || p->last_scheduled < best->last_scheduled) {
            best = p;
        }
    }
    return best;
}

bool rvm_vmid_obtainable(const rvm_partmgr_t *mgr)
{
    if (mgr->vmid_free != 0) {
        return true;
    }
    for (uint32_t s = 0; s < RVM_MAX_PARTITIONS; s++) {
        const rvm_partition_t *p = &mgr->parts[s];
        if (p->id != 0 && p->vmid != RVM_VMID_NONE && p->on_cpu == 0) {
            return true;
        }
    }
    return false;
}

void rvm_vmid_release(rvm_partmgr_t *mgr, rvm_partition_t *p)
{
    if (p->vmid == RVM_VMID_NONE) {
        return;
    }
    mgr->flush(mgr->flush_ctx, p->vmid);
    mgr->vmid_owner[p->vmid] = RVM_PARTITION_HYPERVISOR;
    mgr->vmid_free++;
    p->vmid = RVM_VMID_NONE;
}

static uint16_t first_free_vmid(const rvm_partmgr_t *mgr)
{
    for (uint16_t v = 1; v < RVM_VMID_COUNT; v++) {
        if (mgr->vmid_owner[v] == RVM_PARTITION_HYPERVISOR) {
            return v;
        }
    }
    return RVM_VMID_NONE;
}

/* Takes the VMID of the least recently scheduled idle holder for `p`: witness, flush, hand over. */
static rvm_err_t reclaim_for(rvm_partmgr_t *mgr, rvm_partition_t *p, uint16_t *out)
{
    rvm_partition_t *victim = reclaim_victim(mgr);
    if (victim == NULL) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    uint16_t v = victim->vmid;
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    rvm_le16_store(pl, v);
    rvm_err_t e = rvm_part_emit(mgr->log, RVM_ACTION_VMID_RECLAIM, 1, victim->id, p->id, 0, pl, 0);
    if (e != RVM_OK) {
        return e;
    }
    mgr->flush(mgr->flush_ctx, v);
    victim->vmid = RVM_VMID_NONE;
    mgr->vmid_owner[v] = p->id;
    mgr->vmid_reclaims++;
    *out = v;
    return RVM_OK;
}

rvm_err_t rvm_vmid_acquire(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint64_t now, uint16_t *vmid,
                           bool *fresh)
{
    if (mgr == NULL || vmid == NULL || fresh == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->state != RVM_PARTITION_RUNNING) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (p->on_cpu == UINT16_MAX) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    bool assigned = false;
    if (p->vmid == RVM_VMID_NONE) {
        uint16_t v = first_free_vmid(mgr);
        if (v != RVM_VMID_NONE) {
            mgr->vmid_owner[v] = id;
            mgr->vmid_free--;
        } else {
            rvm_err_t e = reclaim_for(mgr, p, &v);
            if (e != RVM_OK) {
                return e;
            }
        }
        p->vmid = v;
        assigned = true;
    }
    p->on_cpu++;
    if (now > p->last_scheduled) {
        p->last_scheduled = now;
    }
    *vmid = p->vmid;
    *fresh = assigned;
    return RVM_OK;
}

rvm_err_t rvm_vmid_descheduled(rvm_partmgr_t *mgr, rvm_partition_id_t id)
{
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return mgr == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->on_cpu == 0) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    p->on_cpu--;
    return RVM_OK;
}

rvm_err_t rvm_vmid_of(const rvm_partmgr_t *mgr, rvm_partition_id_t id, uint16_t *vmid)
{
    if (mgr == NULL || vmid == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_partition_t *p = rvm_part_get(mgr, id);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    *vmid = p->vmid;
    return RVM_OK;
}

uint32_t rvm_vmid_free_count(const rvm_partmgr_t *mgr)
{
    return mgr == NULL ? 0 : mgr->vmid_free;
}

uint64_t rvm_vmid_reclaim_count(const rvm_partmgr_t *mgr)
{
    return mgr == NULL ? 0 : mgr->vmid_reclaims;
}
