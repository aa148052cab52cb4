#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/partition.h>

#include "part_internal.h"

rvm_err_t rvm_part_cap_reissue(struct rvm_cap_manager *caps, rvm_partmgr_t *mgr, rvm_cap_handle_t h,
                               rvm_partition_id_t from, rvm_partition_id_t to)
{
    rvm_cap_info_t info;
    rvm_err_t e = rvm_cap_lookup(caps, h, &info);
    if (e != RVM_OK) {
        return e;
    }
    rvm_cap_handle_t nh;
    e = rvm_cap_create_root(caps, RVM_PARTITION_HYPERVISOR, info.token.type, info.object_id, info.token.rights,
                            info.badge, to, &nh);
    if (e != RVM_OK) {
        return e;
    }
    e = rvm_cap_delete(caps, from, h);
    if (e != RVM_OK) {
        return e;
    }
    (void)rvm_part_cap_remove(mgr, from, h);
    return rvm_part_cap_add(mgr, to, nh);
}
