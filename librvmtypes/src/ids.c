#include <rvm/ids.h>

rvm_err_t rvm_partition_id_make(uint32_t raw, rvm_partition_id_t *out)
{
    if (out == NULL || raw == RVM_PARTITION_HYPERVISOR || raw > RVM_PARTITION_ID_MAX_LOGICAL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *out = raw;
    return RVM_OK;
}
