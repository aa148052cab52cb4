/* Hibernate and reconstruct (§8.8): the receipt, its SHA-256 digest, and refusal of corrupted or forged receipts. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/hibernate.h>
#include <rvm/sha256.h>
#include <rvm/vmid.h>

#include "fixture.h"

static rvm_partition_id_t p;
static rvm_hibernate_receipt_t rc;

static void setup(void)
{
    fx_open(RVM_WITNESS_OVERWRITE_OLDEST);
    p = fx_running();
    ck_assert_int_eq(rvm_part_task_add(fx.parts, p, 7), RVM_OK);
    ck_assert_int_eq(rvm_part_task_add(fx.parts, p, 9), RVM_OK);
    rvm_region_desc_t d = { 5, 0x40000, 3, RVM_REGION_READ | RVM_REGION_WRITE };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, p, &d), RVM_OK);
    ck_assert_int_eq(rvm_part_set_scores(fx.parts, p, 6100, 0), RVM_OK);
}
static void teardown(void) { fx_close(); }

START_TEST(hibernate_writes_receipt)
{
    uint16_t v;
    bool fresh;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, p, 1, &v, &fresh), RVM_OK);
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 123456, 9, &rc), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_vmid_descheduled(fx.parts, p), RVM_OK);
    uint64_t seq = fx_records();
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 123456, 9, &rc), RVM_OK);
    ck_assert_uint_eq(rc.receipt.original_id, p);
    ck_assert_uint_eq(rc.receipt.checkpoint.partition, p);
    ck_assert_uint_eq(rc.receipt.checkpoint.witness_sequence, seq);
    ck_assert_uint_eq(rc.receipt.checkpoint.timestamp_ns, 123456);
    ck_assert_uint_eq(rc.receipt.checkpoint.epoch, 9);
    ck_assert(rc.receipt.was_hibernated);
    ck_assert_uint_eq(rc.coherence, 6100);
    ck_assert_uint_eq(rc.task_count, 2);
    ck_assert_uint_eq(rc.tasks[1], 9);
    ck_assert_uint_eq(rc.region_count, 1);
    ck_assert_uint_eq(rc.regions[0].pages, 3);
    uint8_t d[32];
    ck_assert_int_eq(rvm_hibernate_receipt_digest(&rc, d), RVM_OK);
    ck_assert_mem_eq(d, rc.digest, 32);
    rvm_witness_record_t r = fx_record(seq);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_HIBERNATE);
    ck_assert_uint_eq(r.proof_tier, 2);
    ck_assert_uint_eq(r.target_object_id, p);
    ck_assert_uint_eq(rvm_le32_load(r.payload + 4), rvm_le32_load(rc.digest));
    const rvm_partition_t *pp = rvm_part_get(fx.parts, p);
    ck_assert_uint_eq(pp->state, RVM_PARTITION_HIBERNATED);
    ck_assert_uint_eq(pp->task_count, 0);
    ck_assert_uint_eq(pp->region_count, 0);
    ck_assert_uint_eq(pp->vmid, RVM_VMID_NONE);
    ck_assert_uint_eq(fx.flushes, 1);
}
END_TEST

/* The digest is SHA-256 over the documented encoding, computed here independently. */
START_TEST(digest_encoding)
{
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 77, 3, &rc), RVM_OK);
    uint8_t buf[256];
    size_t n = 0;
    memcpy(buf, "RVM-HIB1", 8);
    n = 8;
#define PUT32(v) (rvm_le32_store(buf + n, (uint32_t)(v)), n += 4)
#define PUT64(v) (rvm_le64_store(buf + n, (uint64_t)(v)), n += 8)
    PUT32(p);
    PUT32(p);
    PUT64(rc.receipt.checkpoint.witness_sequence);
    PUT64(77);
    PUT32(3);
    PUT32(1);
    PUT32(RVM_PARTITION_TYPE_AGENT);
    PUT32(1);
    PUT32(6100);
    PUT32(2);
    PUT32(1);
    PUT32(7);
    PUT32(9);
    PUT64(5);
    PUT64(0x40000);
    PUT32(3);
    PUT32(RVM_REGION_READ | RVM_REGION_WRITE);
    uint8_t want[32];
    rvm_sha256(buf, n, want);
    ck_assert_mem_eq(rc.digest, want, 32);
    rc.task_count = 17;
    ck_assert_int_eq(rvm_hibernate_receipt_digest(&rc, want), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(reconstruct_restores)
{
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 1, 1, &rc), RVM_OK);
    uint64_t seq = fx_records();
    ck_assert_int_eq(rvm_part_reconstruct(fx.parts, &rc), RVM_OK);
    rvm_witness_record_t r = fx_record(seq);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_RECONSTRUCT);
    ck_assert_uint_eq(r.proof_tier, 2);
    ck_assert_uint_eq(r.payload[0], RVM_PARTITION_HIBERNATED);
    ck_assert_uint_eq(r.payload[1], RVM_PARTITION_CREATED);
    const rvm_partition_t *pp = rvm_part_get(fx.parts, p);
    ck_assert_uint_eq(pp->state, RVM_PARTITION_CREATED);
    ck_assert_uint_eq(pp->task_count, 2);
    ck_assert_uint_eq(pp->tasks[0], 7);
    rvm_region_desc_t d;
    ck_assert_int_eq(rvm_part_region_find(fx.parts, p, 5, &d), RVM_OK);
    ck_assert_uint_eq(d.base, 0x40000);
    /* It starts again with a fresh VMID, and the receipt cannot be used twice. */
    ck_assert_int_eq(rvm_part_transition(fx.parts, p, RVM_PARTITION_RUNNING), RVM_OK);
    uint16_t v;
    bool fresh;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, p, 2, &v, &fresh), RVM_OK);
    ck_assert(fresh);
    ck_assert_int_eq(rvm_part_reconstruct(fx.parts, &rc), RVM_ERR_INVALID_PARTITION_STATE);
    fx_assert_chain();
}
END_TEST

static void expect_corrupted(const rvm_hibernate_receipt_t *bad)
{
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_part_reconstruct(fx.parts, bad), RVM_ERR_CHECKPOINT_CORRUPTED);
    ck_assert_uint_eq(fx_records(), before + 1);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_RECONSTRUCT);
    ck_assert_uint_eq(r.proof_tier, 0);
    ck_assert_uint_eq(r.flags, 1);
    ck_assert_uint_eq(rvm_part_get(fx.parts, p)->state, RVM_PARTITION_HIBERNATED);
}

START_TEST(corrupted_receipts_refused)
{
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 1, 1, &rc), RVM_OK);
    rvm_hibernate_receipt_t bad = rc;
    bad.tasks[0] ^= 1;
    expect_corrupted(&bad);
    bad = rc;
    bad.regions[0].flags |= RVM_REGION_EXECUTE;
    expect_corrupted(&bad);
    bad = rc;
    bad.digest[31] ^= 0x80;
    expect_corrupted(&bad);
    bad = rc;
    bad.receipt.checkpoint.epoch++;
    expect_corrupted(&bad);
    bad = rc;
    bad.task_count = 99;
    expect_corrupted(&bad);
    /* A well-formed forgery: content changed and the digest recomputed to match. */
    bad = rc;
    bad.region_count = 0;
    ck_assert_int_eq(rvm_hibernate_receipt_digest(&bad, bad.digest), RVM_OK);
    expect_corrupted(&bad);
    /* The genuine one still works. */
    ck_assert_int_eq(rvm_part_reconstruct(fx.parts, &rc), RVM_OK);
}
END_TEST

START_TEST(hibernate_refusals)
{
    uint32_t dev;
    rvm_lease_id_t l;
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_STORAGE, 0x1000, 0x1000, 0, &dev), RVM_OK);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, dev, p, 10, 0, 0, &l), RVM_OK);
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 1, 1, &rc), RVM_ERR_DEVICE_LEASE_CONFLICT);
    ck_assert_int_eq(rvm_lease_revoke(fx.leases, l), RVM_OK);
    rvm_partition_id_t c;
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &c), RVM_OK);
    before = fx_records();
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, c, 1, 1, &rc), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, 999, 1, 1, &rc), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_uint_eq(fx_records(), before);
    ck_assert_int_eq(rvm_part_transition(fx.parts, p, RVM_PARTITION_SUSPENDED), RVM_OK);
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 1, 1, &rc), RVM_OK);
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, p, 1, 1, &rc), RVM_ERR_INVALID_PARTITION_STATE);
    rvm_hibernate_receipt_t other = rc;
    other.receipt.original_id = c;
    ck_assert_int_eq(rvm_part_reconstruct(fx.parts, &other), RVM_ERR_INVALID_PARTITION_STATE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-hibernate");
    TCase *tc = tcase_create("hibernate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, hibernate_writes_receipt);
    tcase_add_test(tc, digest_encoding);
    tcase_add_test(tc, reconstruct_restores);
    tcase_add_test(tc, corrupted_receipts_refused);
    tcase_add_test(tc, hibernate_refusals);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
