#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/part_world.h>

#include "part_internal.h"

rvm_err_t rvm_part_destroy(const rvm_part_world_t *w, rvm_partition_id_t id)
{
    if (w == NULL || w->parts == NULL || w->ipc == NULL || w->leases == NULL || w->caps == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_partition_t *p = rvm_part_slot(w->parts, id);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->on_cpu != 0) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_err_t e = rvm_lease_release_partition(w->leases, id);
    if (e == RVM_OK) {
        e = rvm_ipc_release_partition(w->ipc, id);
    }
    while (e == RVM_OK && p->cap_count != 0) {
        rvm_cap_handle_t h = p->caps[p->cap_count - 1u];
        uint32_t n;
        e = rvm_cap_revoke(w->caps, id, h, &n);
        /* A handle whose capability already went (revoked from above, deleted) has nothing left to revoke. */
        if (e == RVM_ERR_INVALID_HANDLE) {
            e = RVM_OK;
        }
        if (e == RVM_OK) {
            e = rvm_part_cap_remove(w->parts, id, h);
        }
    }
    if (e != RVM_OK) {
        return e;
    }
    return rvm_part_transition(w->parts, id, RVM_PARTITION_DESTROYED);
}
