/* Owned regions: every valid operation and every rejection, stage-2 callbacks and witness records (§10.5, §10.9). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/mem_region.h>
#include <rvm/witness_verify.h>

#define CAP 8u
#define PG 4096u

/* A fake stage-2: one mapping list, with a switch to make the next map or unmap fail. */
typedef struct fake_s2 {
    unsigned maps;
    unsigned unmaps;
    rvm_partition_id_t last_owner;
    uint64_t last_gpa;
    unsigned fail_map_after;   /* 0 = never; n = the n-th map call from now fails */
    unsigned fail_unmap;
    int fail_all_maps;
    int mapped_pages[8];       /* pages mapped per partition */
} fake_s2_t;

static rvm_err_t fake_map(void *ctx, rvm_partition_id_t owner, rvm_gpa_t gpa, rvm_phys_addr_t pa, uint32_t pages,
                          rvm_region_policy_t perm)
{
    fake_s2_t *f = ctx;
    (void)pa;
    (void)perm;
    if (f->fail_all_maps || (f->fail_map_after != 0 && --f->fail_map_after == 0)) {
        return RVM_ERR_OUT_OF_MEMORY;
    }
    f->maps++;
    f->last_owner = owner;
    f->last_gpa = gpa.bits;
    f->mapped_pages[owner] += (int)pages;
    return RVM_OK;
}

static rvm_err_t fake_unmap(void *ctx, rvm_partition_id_t owner, rvm_gpa_t gpa, uint32_t pages)
{
    fake_s2_t *f = ctx;
    if (f->fail_unmap != 0) {
        f->fail_unmap--;
        return RVM_ERR_INTERNAL_ERROR;
    }
    f->unmaps++;
    f->last_owner = owner;
    f->last_gpa = gpa.bits;
    f->mapped_pages[owner] -= (int)pages;
    return RVM_OK;
}

static rvm_regions_t t;
static rvm_region_t slots[CAP];
static rvm_witness_log_t log_;
static rvm_witness_record_t *ring;
static fake_s2_t s2;
static rvm_stage2_ops_t ops = { fake_map, fake_unmap, &s2 };

static void setup(void)
{
    ring = aligned_alloc(64, 256 * sizeof *ring);
    ck_assert_int_eq(rvm_witness_log_init(&log_, ring, 256, NULL), RVM_OK);
    memset(&s2, 0, sizeof s2);
    ck_assert_int_eq(rvm_regions_init(&t, slots, CAP, &log_, &ops), RVM_OK);
}

static void teardown(void)
{
    free(ring);
}

static rvm_region_config_t cfg(rvm_partition_id_t owner, uint64_t gpa, uint64_t pa, uint32_t pages)
{
    return (rvm_region_config_t){ owner, rvm_gpa(gpa), rvm_phys(pa), pages, RVM_REGION_POLICY_READ_WRITE };
}

static rvm_witness_record_t last(void)
{
    rvm_witness_record_t r;
    ck_assert_int_eq(rvm_witness_get(&log_, rvm_witness_total_emitted(&log_) - 1, &r), RVM_OK);
    return r;
}

START_TEST(create_and_witness)
{
    rvm_region_config_t c = cfg(1, 0x80000, 0x40000000, 4);
    ck_assert_int_eq(rvm_region_create(&t, 7, &c), RVM_OK);
    rvm_witness_record_t r = last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_REGION_CREATE);
    ck_assert_uint_eq(r.target_object_id, 7);
    ck_assert_uint_eq(rvm_le32_load(r.payload), 1);
    ck_assert_uint_eq(rvm_le32_load(r.payload + 4), 4);
    ck_assert_uint_eq(rvm_region_count(&t), 1);
    ck_assert_uint_eq(rvm_region_count_owned(&t, 1), 1);
    rvm_region_t out;
    ck_assert_int_eq(rvm_region_get(&t, 7, &out), RVM_OK);
    ck_assert(!out.mapped);
    ck_assert_uint_eq(out.page_count, 4);
    rvm_region_id_t id = 0;
    rvm_region_config_t c2 = cfg(1, 0x100000, 0x40010000, 1);
    ck_assert_int_eq(rvm_region_create_auto(&t, &c2, &id), RVM_OK);
    ck_assert_uint_eq(id, 1);
    ck_assert_uint_eq(s2.maps, 0);
}
END_TEST

START_TEST(create_rejects)
{
    rvm_region_config_t c = cfg(1, 0x80000, 0x40000000, 4);
    ck_assert_int_eq(rvm_region_create(&t, 1, &c), RVM_OK);
    uint64_t before = rvm_witness_total_emitted(&log_);
    rvm_region_config_t bad = cfg(1, 0x80001, 0x50000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_ALIGNMENT_ERROR);
    bad = cfg(1, 0x90000, 0x50000800, 1);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_ALIGNMENT_ERROR);
    bad = cfg(1, 0x90000, 0x50000000, 0);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    bad = cfg(1, 0x90000, 0x50000000, 1);
    bad.perm = (rvm_region_policy_t){ false, false, false };
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_UNSUPPORTED);
    bad = cfg(0, 0x90000, 0x50000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_INVALID_ARGUMENT);
    bad = cfg(4097, 0x90000, 0x50000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_INVALID_ARGUMENT);
    bad = cfg(1, UINT64_MAX - 4095, 0x50000000, 2);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_INVALID_ARGUMENT);
    bad = cfg(1, 0x90000, 0x50000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 0, &bad), RVM_ERR_INVALID_ARGUMENT);
    /* Duplicate id; guest overlap with the same owner; host overlap with any owner. */
    ck_assert_int_eq(rvm_region_create(&t, 1, &bad), RVM_ERR_MEMORY_OVERLAP);
    bad = cfg(1, 0x83000, 0x50000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_MEMORY_OVERLAP);
    bad = cfg(2, 0x200000, 0x40003000, 2);
    ck_assert_int_eq(rvm_region_create(&t, 2, &bad), RVM_ERR_MEMORY_OVERLAP);
    /* Another owner may use the same guest range on other host pages. */
    rvm_region_config_t ok = cfg(2, 0x80000, 0x40004000, 4);
    ck_assert_int_eq(rvm_region_create(&t, 2, &ok), RVM_OK);
    ck_assert_uint_eq(rvm_witness_total_emitted(&log_), before + 1);
    for (uint32_t i = 3; i <= CAP; i++) {
        rvm_region_config_t more = cfg(3, 0x1000ull * i, 0x60000000 + 0x1000ull * i, 1);
        ck_assert_int_eq(rvm_region_create(&t, i, &more), RVM_OK);
    }
    rvm_region_config_t full = cfg(3, 0x900000, 0x70000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 99, &full), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    rvm_region_id_t id;
    ck_assert_int_eq(rvm_region_create_auto(&t, &full, &id), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
}
END_TEST

START_TEST(map_unmap_destroy)
{
    rvm_region_config_t c = cfg(3, 0x80000, 0x40000000, 4);
    ck_assert_int_eq(rvm_region_create(&t, 5, &c), RVM_OK);
    ck_assert_int_eq(rvm_region_unmap(&t, 5), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_region_map(&t, 5), RVM_OK);
    ck_assert_uint_eq(s2.maps, 1);
    ck_assert_int_eq(s2.mapped_pages[3], 4);
    rvm_witness_record_t r = last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_REGION_MAP);
    ck_assert_uint_eq(r.proof_tier, 2);
    ck_assert_uint_eq(r.target_object_id, 5);
    ck_assert_uint_eq(rvm_le64_load(r.payload), 0x80000);
    ck_assert_int_eq(rvm_region_map(&t, 5), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_region_destroy(&t, 5, NULL), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_region_unmap(&t, 5), RVM_OK);
    ck_assert_int_eq(s2.mapped_pages[3], 0);
    r = last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_REGION_UNMAP);
    ck_assert_uint_eq(r.proof_tier, 2);
    rvm_region_t out;
    ck_assert_int_eq(rvm_region_destroy(&t, 5, &out), RVM_OK);
    ck_assert_uint_eq(out.id, 5);
    ck_assert_uint_eq(last().action_kind, RVM_ACTION_REGION_DESTROY);
    ck_assert_int_eq(rvm_region_destroy(&t, 5, &out), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_region_map(&t, 5), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_region_unmap(&t, 5), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_region_get(&t, 5, &out), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_uint_eq(rvm_region_count(&t), 0);
}
END_TEST

START_TEST(failed_stage2_changes_leave_no_trace)
{
    rvm_region_config_t c = cfg(3, 0x80000, 0x40000000, 4);
    ck_assert_int_eq(rvm_region_create(&t, 5, &c), RVM_OK);
    uint64_t before = rvm_witness_total_emitted(&log_);
    s2.fail_map_after = 1;
    ck_assert_int_eq(rvm_region_map(&t, 5), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(rvm_witness_total_emitted(&log_), before);
    rvm_region_t out;
    ck_assert_int_eq(rvm_region_get(&t, 5, &out), RVM_OK);
    ck_assert(!out.mapped);
    ck_assert_int_eq(rvm_region_map(&t, 5), RVM_OK);
    before = rvm_witness_total_emitted(&log_);
    s2.fail_unmap = 1;
    ck_assert_int_eq(rvm_region_unmap(&t, 5), RVM_ERR_INTERNAL_ERROR);
    ck_assert_uint_eq(rvm_witness_total_emitted(&log_), before);
    ck_assert_int_eq(rvm_region_get(&t, 5, &out), RVM_OK);
    ck_assert(out.mapped);
}
END_TEST

START_TEST(transfer_moves_ownership_and_mapping)
{
    rvm_region_config_t c = cfg(1, 0x80000, 0x40000000, 4);
    ck_assert_int_eq(rvm_region_create(&t, 9, &c), RVM_OK);
    /* Unmapped: only the owner changes. */
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 2), RVM_OK);
    rvm_witness_record_t r = last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_REGION_TRANSFER);
    ck_assert_uint_eq(r.flags, 0);
    ck_assert_uint_eq(rvm_le32_load(r.payload), 1);
    ck_assert_uint_eq(rvm_le32_load(r.payload + 4), 2);
    ck_assert_uint_eq(rvm_region_count_owned(&t, 1), 0);
    ck_assert_uint_eq(rvm_region_count_owned(&t, 2), 1);
    /* Mapped: the mapping leaves the old owner's stage-2 and appears in the new one's. */
    ck_assert_int_eq(rvm_region_map(&t, 9), RVM_OK);
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 3), RVM_OK);
    ck_assert_int_eq(s2.mapped_pages[2], 0);
    ck_assert_int_eq(s2.mapped_pages[3], 4);
    r = last();
    ck_assert_uint_eq(r.flags, RVM_REGION_TRANSFER_REMAPPED);
    rvm_phys_addr_t pa;
    rvm_region_policy_t perm;
    ck_assert_int_eq(rvm_region_translate(&t, 2, rvm_gpa(0x80000), &pa, &perm), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_region_translate(&t, 3, rvm_gpa(0x81234), &pa, &perm), RVM_OK);
    ck_assert_uint_eq(pa.bits, 0x40001234);
    ck_assert(perm.write);
    ck_assert_int_eq(rvm_region_translate(&t, 3, rvm_gpa(0x84000), &pa, &perm), RVM_ERR_NOT_FOUND);
}
END_TEST

START_TEST(transfer_rejects)
{
    rvm_region_config_t c = cfg(1, 0x80000, 0x40000000, 4);
    ck_assert_int_eq(rvm_region_create(&t, 9, &c), RVM_OK);
    rvm_region_config_t other = cfg(2, 0x82000, 0x50000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 10, &other), RVM_OK);
    uint64_t before = rvm_witness_total_emitted(&log_);
    ck_assert_int_eq(rvm_region_transfer(&t, 99, 2), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 2), RVM_ERR_MEMORY_OVERLAP);
    /* The new owner's map fails: the old mapping is put back and nothing is witnessed. */
    ck_assert_int_eq(rvm_region_map(&t, 9), RVM_OK);
    before = rvm_witness_total_emitted(&log_);
    s2.fail_map_after = 1;
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 3), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(rvm_witness_total_emitted(&log_), before);
    ck_assert_int_eq(s2.mapped_pages[1], 4);
    ck_assert_int_eq(s2.mapped_pages[3], 0);
    rvm_region_t out;
    ck_assert_int_eq(rvm_region_get(&t, 9, &out), RVM_OK);
    ck_assert_uint_eq(out.owner, 1);
    ck_assert(out.mapped);
    /* Neither map works: the region is left unmapped with its old owner. */
    s2.fail_all_maps = 1;
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 3), RVM_ERR_INTERNAL_ERROR);
    ck_assert_uint_eq(rvm_witness_total_emitted(&log_), before);
    ck_assert_int_eq(rvm_region_get(&t, 9, &out), RVM_OK);
    ck_assert_uint_eq(out.owner, 1);
    ck_assert(!out.mapped);
    ck_assert_int_eq(s2.mapped_pages[1], 0);
    s2.fail_all_maps = 0;
    ck_assert_int_eq(rvm_region_transfer(&t, 9, 3), RVM_OK);
}
END_TEST

START_TEST(refuse_undrained_log_blocks_mutation)
{
    rvm_witness_record_t *small = aligned_alloc(64, 2 * sizeof *small);
    rvm_witness_log_t l2;
    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    wc.full_policy = RVM_WITNESS_REFUSE_UNDRAINED;
    ck_assert_int_eq(rvm_witness_log_init(&l2, small, 2, &wc), RVM_OK);
    rvm_regions_t t2;
    rvm_region_t s[2];
    ck_assert_int_eq(rvm_regions_init(&t2, s, 2, &l2, &ops), RVM_OK);
    rvm_region_config_t c = cfg(1, 0x80000, 0x40000000, 1);
    ck_assert_int_eq(rvm_region_create(&t2, 1, &c), RVM_OK);
    ck_assert_int_eq(rvm_region_map(&t2, 1), RVM_OK);
    ck_assert_int_eq(rvm_region_unmap(&t2, 1), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_region_transfer(&t2, 1, 2), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(s2.mapped_pages[1], 1);
    rvm_region_config_t c2 = cfg(1, 0x90000, 0x50000000, 1);
    ck_assert_int_eq(rvm_region_create(&t2, 2, &c2), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(rvm_region_count(&t2), 1);
    free(small);
}
END_TEST

START_TEST(detach_and_rebind)
{
    rvm_region_config_t c = cfg(1, 0x80000, 0x40000000, 2);
    ck_assert_int_eq(rvm_region_create(&t, 1, &c), RVM_OK);
    ck_assert_int_eq(rvm_region_map(&t, 1), RVM_OK);
    ck_assert_int_eq(rvm_region_detach(&t, 1), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_region_unmap(&t, 1), RVM_OK);
    ck_assert_int_eq(rvm_region_rebind(&t, 1, rvm_phys(0x50000000)), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_region_detach(&t, 1), RVM_OK);
    ck_assert_int_eq(rvm_region_detach(&t, 9), RVM_ERR_PARTITION_NOT_FOUND);
    /* Detached: no frames, so it cannot be mapped or translated, and its old frames are free for others. */
    ck_assert_int_eq(rvm_region_map(&t, 1), RVM_ERR_INVALID_PARTITION_STATE);
    rvm_phys_addr_t pa;
    rvm_region_policy_t perm;
    ck_assert_int_eq(rvm_region_translate(&t, 1, rvm_gpa(0x80000), &pa, &perm), RVM_ERR_NOT_FOUND);
    rvm_region_config_t other = cfg(2, 0x80000, 0x40000000, 1);
    ck_assert_int_eq(rvm_region_create(&t, 2, &other), RVM_OK);
    ck_assert_int_eq(rvm_region_rebind(&t, 1, rvm_phys(0x3FFFF000)), RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_region_rebind(&t, 1, rvm_phys(0x50000010)), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_region_rebind(&t, 9, rvm_phys(0x50000000)), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_region_rebind(&t, 1, rvm_phys(0x50000000)), RVM_OK);
    ck_assert_int_eq(rvm_region_map(&t, 1), RVM_OK);
    ck_assert_int_eq(rvm_region_translate(&t, 1, rvm_gpa(0x81008), &pa, &perm), RVM_OK);
    ck_assert_uint_eq(pa.bits, 0x50001008);
}
END_TEST

START_TEST(chain_of_records_verifies)
{
    rvm_region_config_t c = cfg(1, 0x80000, 0x40000000, 2);
    ck_assert_int_eq(rvm_region_create(&t, 1, &c), RVM_OK);
    ck_assert_int_eq(rvm_region_map(&t, 1), RVM_OK);
    ck_assert_int_eq(rvm_region_transfer(&t, 1, 2), RVM_OK);
    ck_assert_int_eq(rvm_region_unmap(&t, 1), RVM_OK);
    ck_assert_int_eq(rvm_region_destroy(&t, 1, NULL), RVM_OK);
    ck_assert_uint_eq(rvm_witness_total_emitted(&log_), 5);
    ck_assert_int_eq(rvm_witness_verify_log(&log_, NULL, NULL), RVM_OK);
    ck_assert_int_eq(rvm_regions_init(&t, slots, 0, &log_, &ops), RVM_ERR_INVALID_ARGUMENT);
    rvm_stage2_ops_t half = { fake_map, NULL, NULL };
    ck_assert_int_eq(rvm_regions_init(&t, slots, CAP, &log_, &half), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmmem-region");
    TCase *tc = tcase_create("region");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, create_and_witness);
    tcase_add_test(tc, create_rejects);
    tcase_add_test(tc, map_unmap_destroy);
    tcase_add_test(tc, failed_stage2_changes_leave_no_trace);
    tcase_add_test(tc, transfer_moves_ownership_and_mapping);
    tcase_add_test(tc, transfer_rejects);
    tcase_add_test(tc, refuse_undrained_log_blocks_mutation);
    tcase_add_test(tc, detach_and_rebind);
    tcase_add_test(tc, chain_of_records_verifies);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
