/* Hypercall argument validation (spec §14.3 and the hypercall layer's own argument classes). */
#include <rvm/sec_validate.h>

#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/ids.h>

rvm_err_t rvm_sec_validate_partition_id(uint32_t id)
{
    if (id == RVM_PARTITION_HYPERVISOR) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (id > RVM_PARTITION_ID_MAX_LOGICAL) {
        return RVM_ERR_PARTITION_LIMIT_EXCEEDED;
    }
    return RVM_OK;
}

rvm_err_t rvm_sec_validate_region_bounds(uint64_t addr, uint64_t size)
{
    uint64_t end;
    if (size == 0 || !rvm_addr_page_aligned(addr) || !rvm_addr_page_aligned(size)) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    if (__builtin_add_overflow(addr, size, &end)) {
        return RVM_ERR_MEMORY_OVERLAP;
    }
    return RVM_OK;
}

rvm_err_t rvm_sec_validate_rights(rvm_rights_t requested, rvm_rights_t held)
{
    return rvm_rights_contains(held, requested) ? RVM_OK : RVM_ERR_INSUFFICIENT_CAPABILITY;
}

rvm_err_t rvm_sec_validate_lease_expiry(uint64_t expiry_epoch, uint64_t current_epoch)
{
    return current_epoch >= expiry_epoch ? RVM_ERR_DEVICE_LEASE_EXPIRED : RVM_OK;
}

rvm_err_t rvm_sec_validate_cap_handle(uint64_t raw, uint32_t capacity, rvm_cap_handle_t *out)
{
    if (out == NULL || capacity == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t index = (uint32_t)(raw >> 32);
    uint32_t generation = (uint32_t)raw;
    if (generation == 0 || index >= capacity) {
        return RVM_ERR_INVALID_HANDLE;
    }
    out->index = index;
    out->generation = generation;
    return RVM_OK;
}

rvm_err_t rvm_sec_validate_guest_buffer(uint64_t ipa, uint64_t len, uint64_t window_base, uint64_t window_size)
{
    uint64_t window_end;
    uint64_t end;
    if (__builtin_add_overflow(window_base, window_size, &window_end)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (__builtin_add_overflow(ipa, len, &end)) {
        return RVM_ERR_MEMORY_OVERLAP;
    }
    if (ipa < window_base || end > window_end) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

rvm_err_t rvm_sec_validate_action_kind(uint8_t code)
{
    return rvm_action_kind_valid(code) ? RVM_OK : RVM_ERR_MALFORMED_INPUT;
}

rvm_err_t rvm_sec_validate_msg_len(uint64_t len, uint64_t max_len)
{
    return len > max_len ? RVM_ERR_RESOURCE_LIMIT_EXCEEDED : RVM_OK;
}

rvm_err_t rvm_sec_validate_vcpu_count(uint32_t count, uint32_t max_vcpus)
{
    if (count == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return count > max_vcpus ? RVM_ERR_VCPU_LIMIT_REACHED : RVM_OK;
}
