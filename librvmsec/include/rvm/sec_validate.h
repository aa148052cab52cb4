/*
 * Validation of hypercall arguments at the trust boundary (spec §14.3).
 *
 * Everything a partition passes is hostile. Each argument class has one
 * check that returns RVM_OK or one specific error, and the kernel runs them
 * all before it changes any state (decode, then invoke).
 */
#ifndef RVM_SEC_VALIDATE_H
#define RVM_SEC_VALIDATE_H

#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/err.h>
#include <rvm/rights.h>

/* Partition id: 0 (the hypervisor) INVALID_PARTITION_STATE; above 4096 PARTITION_LIMIT_EXCEEDED. */
rvm_err_t rvm_sec_validate_partition_id(uint32_t id);

/*
 * Region [addr, addr + size): size 0, addr or size not 4 KiB aligned
 * ALIGNMENT_ERROR; addr + size beyond 2^64 MEMORY_OVERLAP.
 */
rvm_err_t rvm_sec_validate_region_bounds(uint64_t addr, uint64_t size);

/* Requested rights not all held: INSUFFICIENT_CAPABILITY. */
rvm_err_t rvm_sec_validate_rights(rvm_rights_t requested, rvm_rights_t held);

/* Lease whose expiry epoch is not after the current one: DEVICE_LEASE_EXPIRED. */
rvm_err_t rvm_sec_validate_lease_expiry(uint64_t expiry_epoch, uint64_t current_epoch);

/*
 * Decodes a handle passed in a register as (index << 32) | generation (spec
 * §15.5) into `out`: INVALID_HANDLE for generation 0 (never issued) or an
 * index at or above `capacity` (the table's slot count); INVALID_ARGUMENT on
 * NULL `out` or capacity 0. `out` is written only on success.
 */
rvm_err_t rvm_sec_validate_cap_handle(uint64_t raw, uint32_t capacity, rvm_cap_handle_t *out);

/*
 * Guest buffer [ipa, ipa + len) inside the window [base, base + size):
 * MEMORY_OVERLAP when ipa + len wraps past 2^64; INVALID_ARGUMENT when the
 * window itself wraps or the buffer is not inside it. An empty buffer must
 * still start inside the window or at its end.
 */
rvm_err_t rvm_sec_validate_guest_buffer(uint64_t ipa, uint64_t len, uint64_t window_base, uint64_t window_size);

/* Action code: MALFORMED_INPUT unless it is a defined ActionKind (spec §3.3). */
rvm_err_t rvm_sec_validate_action_kind(uint8_t code);

/* Message length above `max_len`: RESOURCE_LIMIT_EXCEEDED. Empty messages (notifications) are valid. */
rvm_err_t rvm_sec_validate_msg_len(uint64_t len, uint64_t max_len);

/* vCPU count: 0 INVALID_ARGUMENT; above `max_vcpus` VCPU_LIMIT_REACHED. */
rvm_err_t rvm_sec_validate_vcpu_count(uint32_t count, uint32_t max_vcpus);

#endif
