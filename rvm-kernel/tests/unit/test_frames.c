/* Host tests of the frame allocator (src/frames.c over librvmmem's buddy): reserved ranges, alignment, zeroing, reuse. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"

#define MIB (UINT64_C(1) << 20)
#define RAM_BYTES (32u * MIB)
#define BLOCK RVM_FRAMES_MAX_BLOCK

/* A block-aligned window of host memory stands in for RAM: PA = pointer, as at EL2 with its identity map. */
static uint8_t *ram;
static uint64_t base;

static void setup(void)
{
    ram = aligned_alloc(BLOCK, RAM_BYTES);
    ck_assert_ptr_nonnull(ram);
    memset(ram, 0xA5, RAM_BYTES);
    base = (uint64_t)(uintptr_t)ram;
}

static void teardown(void)
{
    free(ram);
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static int all_zero(rvm_phys_addr_t pa, uint64_t size)
{
    const uint8_t *p = rvm_frames_ptr(pa);
    for (uint64_t i = 0; i < size; i++) {
        if (p[i] != 0u) {
            return 0;
        }
    }
    return 1;
}

START_TEST(reserved_ranges_are_never_handed_out)
{
    rvm_frames_range_t mem = { base, base + RAM_BYTES };
    const rvm_frames_range_t reserved[] = { { base + 0x1000u, base + 0x4000u }, { base + 13u * MIB, base + 14u * MIB } };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, reserved, 2), RVM_OK);
    uint64_t before = rvm_frames_available();
    ck_assert_uint_gt(before, 0);
    /* Nothing beyond the RAM minus the reserved bytes and the bookkeeping can be free. */
    ck_assert_uint_le(before, RAM_BYTES - 0x3000u - MIB);
    rvm_phys_addr_t pa;
    uint64_t taken = 0;
    while (rvm_frames_alloc(RVM_FRAMES_PAGE, &pa) == RVM_OK) {
        ck_assert(!overlaps(pa.bits, RVM_FRAMES_PAGE, base + 0x1000u, 0x3000u));
        ck_assert(!overlaps(pa.bits, RVM_FRAMES_PAGE, base + 13u * MIB, MIB));
        ck_assert(pa.bits >= base && pa.bits + RVM_FRAMES_PAGE <= base + RAM_BYTES);
        taken += RVM_FRAMES_PAGE;
    }
    ck_assert_uint_eq(taken, before);
    ck_assert_uint_eq(rvm_frames_available(), 0);
}
END_TEST

START_TEST(blocks_are_aligned_to_their_size_and_zeroed)
{
    rvm_frames_range_t mem = { base, base + RAM_BYTES };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, NULL, 0), RVM_OK);
    rvm_phys_addr_t pa;
    ck_assert_int_eq(rvm_frames_alloc(BLOCK, &pa), RVM_OK);
    ck_assert_uint_eq(pa.bits % BLOCK, 0);
    ck_assert(all_zero(pa, BLOCK));
    ck_assert_int_eq(rvm_frames_alloc(2u * MIB, &pa), RVM_OK);
    ck_assert_uint_eq(pa.bits % (2u * MIB), 0);
    ck_assert(all_zero(pa, 2u * MIB));
}
END_TEST

START_TEST(freed_frames_come_back_zeroed_and_counted)
{
    rvm_frames_range_t mem = { base, base + RAM_BYTES };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, NULL, 0), RVM_OK);
    uint64_t before = rvm_frames_available();
    rvm_phys_addr_t a;
    ck_assert_int_eq(rvm_frames_alloc(BLOCK, &a), RVM_OK);
    ck_assert_uint_eq(rvm_frames_available(), before - BLOCK);
    memset(rvm_frames_ptr(a), 0x5A, BLOCK);
    ck_assert_int_eq(rvm_frames_free(a, BLOCK), RVM_OK);
    ck_assert_uint_eq(rvm_frames_available(), before);
    /* Whoever gets those frames next finds none of the old contents. */
    uint64_t seen = 0;
    rvm_phys_addr_t b;
    while (rvm_frames_alloc(BLOCK, &b) == RVM_OK) {
        ck_assert(all_zero(b, BLOCK));
        seen += b.bits == a.bits;
    }
    ck_assert_uint_eq(seen, 1);
}
END_TEST

START_TEST(bad_requests_are_refused)
{
    rvm_frames_range_t mem = { base, base + RAM_BYTES };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, NULL, 0), RVM_OK);
    rvm_phys_addr_t pa;
    ck_assert_int_eq(rvm_frames_alloc(0, &pa), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_frames_alloc(100, &pa), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_frames_alloc(3u * RVM_FRAMES_PAGE, &pa), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_frames_alloc(2u * BLOCK, &pa), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_frames_alloc(RVM_FRAMES_PAGE, &pa), RVM_OK);
    /* A double free, a wrong size and an address outside every range are refused. */
    ck_assert_int_eq(rvm_frames_free(pa, 2u * RVM_FRAMES_PAGE), RVM_ERR_INTERNAL_ERROR);
    ck_assert_int_eq(rvm_frames_free(pa, RVM_FRAMES_PAGE), RVM_OK);
    ck_assert_int_eq(rvm_frames_free(pa, RVM_FRAMES_PAGE), RVM_ERR_INTERNAL_ERROR);
    ck_assert_int_eq(rvm_frames_free((rvm_phys_addr_t){ base + 2u * RAM_BYTES }, RVM_FRAMES_PAGE),
                     RVM_ERR_INTERNAL_ERROR);
}
END_TEST

START_TEST(a_range_too_small_for_a_block_is_left_unused)
{
    rvm_frames_range_t mem = { base, base + BLOCK };
    /* The bookkeeping at its start leaves less than one aligned block. */
    ck_assert_int_eq(rvm_frames_init(&mem, 1, NULL, 0), RVM_ERR_OUT_OF_MEMORY);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmkernel-frames");
    TCase *tc = tcase_create("frames");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reserved_ranges_are_never_handed_out);
    tcase_add_test(tc, blocks_are_aligned_to_their_size_and_zeroed);
    tcase_add_test(tc, freed_frames_come_back_zeroed_and_counted);
    tcase_add_test(tc, bad_requests_are_refused);
    tcase_add_test(tc, a_range_too_small_for_a_block_is_left_unused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
