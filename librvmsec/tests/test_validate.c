/* Hypercall argument validation (spec §14.3) and the per-action tier table (DC-3, §15.5). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/sec_tier.h>
#include <rvm/sec_validate.h>

#include "fixture.h"

START_TEST(partition_id)
{
    ck_assert_int_eq(rvm_sec_validate_partition_id(0), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sec_validate_partition_id(1), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_partition_id(4096), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_partition_id(4097), RVM_ERR_PARTITION_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sec_validate_partition_id(UINT32_MAX), RVM_ERR_PARTITION_LIMIT_EXCEEDED);
}
END_TEST

START_TEST(region_bounds)
{
    ck_assert_int_eq(rvm_sec_validate_region_bounds(0x1000, 0x2000), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_region_bounds(0, 0x1000), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_region_bounds(0x1000, 0), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_sec_validate_region_bounds(0x1001, 0x1000), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_sec_validate_region_bounds(0x1000, 0x1800), RVM_ERR_ALIGNMENT_ERROR);
    /* Ends exactly at 2^64: overflows 64 bits. */
    ck_assert_int_eq(rvm_sec_validate_region_bounds(UINT64_MAX - 0xFFF, 0x1000), RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_sec_validate_region_bounds(UINT64_MAX - 0x1FFF, 0x1000), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_region_bounds(0x1000, UINT64_MAX - 0xFFF), RVM_ERR_MEMORY_OVERLAP);
}
END_TEST

START_TEST(rights)
{
    ck_assert_int_eq(rvm_sec_validate_rights(RVM_RIGHT_READ, RVM_RIGHT_READ | RVM_RIGHT_WRITE), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_rights(0, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_rights(RVM_RIGHT_WRITE, RVM_RIGHT_READ), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_sec_validate_rights(RVM_RIGHT_READ | RVM_RIGHT_PROVE, RVM_RIGHT_READ),
                     RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_sec_validate_rights(0x80, RVM_RIGHTS_ALL), RVM_ERR_INSUFFICIENT_CAPABILITY);
}
END_TEST

START_TEST(lease_expiry)
{
    ck_assert_int_eq(rvm_sec_validate_lease_expiry(10, 9), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_lease_expiry(10, 10), RVM_ERR_DEVICE_LEASE_EXPIRED);
    ck_assert_int_eq(rvm_sec_validate_lease_expiry(10, 11), RVM_ERR_DEVICE_LEASE_EXPIRED);
    ck_assert_int_eq(rvm_sec_validate_lease_expiry(0, 0), RVM_ERR_DEVICE_LEASE_EXPIRED);
    ck_assert_int_eq(rvm_sec_validate_lease_expiry(UINT64_MAX, UINT64_MAX - 1), RVM_OK);
}
END_TEST

START_TEST(cap_handle_encoding)
{
    rvm_cap_handle_t h = { 99, 99 };
    ck_assert_int_eq(rvm_sec_validate_cap_handle(((uint64_t)5 << 32) | 7, 256, &h), RVM_OK);
    ck_assert_uint_eq(h.index, 5);
    ck_assert_uint_eq(h.generation, 7);
    ck_assert_int_eq(rvm_sec_validate_cap_handle(((uint64_t)255 << 32) | 0xFFFFFFFFu, 256, &h), RVM_OK);
    ck_assert_uint_eq(h.index, 255);
    ck_assert_uint_eq(h.generation, 0xFFFFFFFFu);
    h = (rvm_cap_handle_t){ 99, 99 };
    ck_assert_int_eq(rvm_sec_validate_cap_handle((uint64_t)5 << 32, 256, &h), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_sec_validate_cap_handle(((uint64_t)256 << 32) | 1, 256, &h), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_sec_validate_cap_handle(UINT64_MAX, 256, &h), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_sec_validate_cap_handle(0, 256, &h), RVM_ERR_INVALID_HANDLE);
    ck_assert_uint_eq(h.index, 99);   /* untouched on failure */
    ck_assert_int_eq(rvm_sec_validate_cap_handle(1, 0, &h), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_validate_cap_handle(1, 256, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(guest_buffer)
{
    const uint64_t base = 0x40000000;
    const uint64_t size = 0x100000;
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base, 16, base, size), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base, size, base, size), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base + size - 1, 1, base, size), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base + size, 0, base, size), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base + size, 1, base, size), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base - 1, 2, base, size), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base, size + 1, base, size), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base + size + 1, 0, base, size), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base + 16, UINT64_MAX, base, size), RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(UINT64_MAX, 1, base, size), RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(base, 1, UINT64_MAX, 2), RVM_ERR_INVALID_ARGUMENT);
    /* A window reaching the top of the address space is fine. */
    ck_assert_int_eq(rvm_sec_validate_guest_buffer(UINT64_MAX - 1, 1, UINT64_MAX - 15, 15), RVM_OK);
}
END_TEST

START_TEST(action_kind)
{
    ck_assert_int_eq(rvm_sec_validate_action_kind(RVM_ACTION_PARTITION_CREATE), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_action_kind(RVM_ACTION_MIGRATION_TIMEOUT), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_action_kind(0x00), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_sec_validate_action_kind(0x0A), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_sec_validate_action_kind(0xFF), RVM_ERR_MALFORMED_INPUT);
    unsigned valid = 0;
    for (unsigned c = 0; c < 256; c++) {
        valid += rvm_sec_validate_action_kind((uint8_t)c) == RVM_OK;
        ck_assert((rvm_sec_validate_action_kind((uint8_t)c) == RVM_OK) == rvm_action_kind_valid((uint8_t)c));
    }
    ck_assert_uint_gt(valid, 60);
}
END_TEST

START_TEST(msg_len_and_vcpus)
{
    ck_assert_int_eq(rvm_sec_validate_msg_len(0, 256), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_msg_len(256, 256), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_msg_len(257, 256), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sec_validate_msg_len(UINT64_MAX, 256), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sec_validate_vcpu_count(0, 8), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_validate_vcpu_count(1, 8), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_vcpu_count(8, 8), RVM_OK);
    ck_assert_int_eq(rvm_sec_validate_vcpu_count(9, 8), RVM_ERR_VCPU_LIMIT_REACHED);
    ck_assert_int_eq(rvm_sec_validate_vcpu_count(UINT32_MAX, 8), RVM_ERR_VCPU_LIMIT_REACHED);
}
END_TEST

static uint8_t tier_of(uint8_t action, bool untrusted)
{
    uint8_t t = 0xEE;
    ck_assert_int_eq(rvm_sec_action_min_tier(action, untrusted, &t), RVM_OK);
    return t;
}

START_TEST(tier_table)
{
    /* §15.5 "Right / tier". */
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_CREATE, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_DESTROY, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_SUSPEND, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_RESUME, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_SPLIT, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_MERGE, false), 3);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_HIBERNATE, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_RECONSTRUCT, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_MIGRATE, false), 3);
    ck_assert_uint_eq(tier_of(RVM_ACTION_CAPABILITY_GRANT, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_CAPABILITY_REVOKE, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_CAPABILITY_ESCALATE, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_REGION_CREATE, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_REGION_TRANSFER, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_REGION_SHARE, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_COMM_EDGE_CREATE, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_IPC_SEND, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_DEVICE_LEASE_GRANT, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_DEVICE_LEASE_GRANT, true), 3);
    ck_assert_uint_eq(tier_of(RVM_ACTION_DEVICE_LEASE_RENEW, true), 3);
    ck_assert_uint_eq(tier_of(RVM_ACTION_DEVICE_LEASE_REVOKE, true), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_SCHEDULER_MODE_SWITCH, false), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_STRUCTURAL_SPLIT, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_STRUCTURAL_MERGE, false), 3);
    ck_assert_uint_eq(tier_of(RVM_ACTION_CHECKPOINT_RESTORED, false), 2);
    ck_assert_uint_eq(tier_of(RVM_ACTION_MEMORY_ROLLBACK, false), 2);
    /* Untrusted only matters for leases. */
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_CREATE, true), 1);
    ck_assert_uint_eq(tier_of(RVM_ACTION_PARTITION_DESTROY, true), 2);
}
END_TEST

START_TEST(tier_rejections)
{
    uint8_t t = 0xEE;
    for (unsigned c = RVM_ACTION_PROOF_VERIFIED_P1; c <= RVM_ACTION_PROOF_ESCALATED; c++) {
        ck_assert_int_eq(rvm_sec_action_min_tier((uint8_t)c, false, &t), RVM_ERR_INVALID_ARGUMENT);
    }
    ck_assert_int_eq(rvm_sec_action_min_tier(0x00, false, &t), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_sec_action_min_tier(0xFF, false, &t), RVM_ERR_MALFORMED_INPUT);
    ck_assert_uint_eq(t, 0xEE);
    ck_assert_int_eq(rvm_sec_action_min_tier(RVM_ACTION_PARTITION_CREATE, false, NULL), RVM_ERR_INVALID_ARGUMENT);
    /* Every other defined action has a tier in 1..3. */
    for (unsigned c = 0; c < 256; c++) {
        bool proof = c >= RVM_ACTION_PROOF_VERIFIED_P1 && c <= RVM_ACTION_PROOF_ESCALATED;
        if (rvm_action_kind_valid((uint8_t)c) && !proof) {
            uint8_t v = tier_of((uint8_t)c, false);
            ck_assert(v >= 1 && v <= 3);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sec_validate");
    TCase *tc = tcase_create("validate");
    tcase_add_test(tc, partition_id);
    tcase_add_test(tc, region_bounds);
    tcase_add_test(tc, rights);
    tcase_add_test(tc, lease_expiry);
    tcase_add_test(tc, cap_handle_encoding);
    tcase_add_test(tc, guest_buffer);
    tcase_add_test(tc, action_kind);
    tcase_add_test(tc, msg_len_and_vcpus);
    tcase_add_test(tc, tier_table);
    tcase_add_test(tc, tier_rejections);
    suite_add_tcase(s, tc);
    return sfx_run_suite(s);
}
