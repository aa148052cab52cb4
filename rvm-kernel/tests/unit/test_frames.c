/* Host tests of the frame allocator (src/frames.c): reserved ranges carved out, alignment, zeroing, reuse. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"

#define MIB (UINT64_C(1) << 20)
#define RAM_BYTES (8u * MIB)

/* A 2 MiB-aligned window of host memory stands in for RAM: PA = pointer, as at EL2 with the MMU off. */
static uint8_t *ram;
static uint64_t base;

static void setup(void)
{
    ram = aligned_alloc(2u * MIB, RAM_BYTES);
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

START_TEST(reserved_ranges_are_never_handed_out)
{
    const rvm_frames_range_t mem = { base, base + RAM_BYTES };
    /* Unaligned reservations: the page around each byte is reserved too. */
    const rvm_frames_range_t reserved[2] = { { base + 0x1234u, base + 0x3001u }, { base + 5u * MIB, base + 6u * MIB } };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, reserved, 2), RVM_OK);
    ck_assert_uint_eq(rvm_frames_available(), RAM_BYTES - 0x3000u - MIB);
    rvm_phys_addr_t pa;
    while (rvm_frames_alloc(RVM_FRAMES_PAGE, RVM_FRAMES_PAGE, &pa) == RVM_OK) {
        ck_assert(!overlaps(pa.bits, RVM_FRAMES_PAGE, base + 0x1000u, 0x3000u));
        ck_assert(!overlaps(pa.bits, RVM_FRAMES_PAGE, base + 5u * MIB, MIB));
        ck_assert(pa.bits >= base && pa.bits + RVM_FRAMES_PAGE <= base + RAM_BYTES);
    }
    ck_assert_uint_eq(rvm_frames_available(), 0);
}
END_TEST

START_TEST(aligned_blocks_are_zeroed)
{
    const rvm_frames_range_t mem = { base + RVM_FRAMES_PAGE, base + RAM_BYTES };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, NULL, 0), RVM_OK);
    rvm_phys_addr_t pa;
    ck_assert_int_eq(rvm_frames_alloc(2u * MIB, 2u * MIB, &pa), RVM_OK);
    ck_assert_uint_eq(pa.bits % (2u * MIB), 0);
    ck_assert_uint_eq(pa.bits, base + 2u * MIB);
    const uint8_t *p = rvm_frames_ptr(pa);
    uint8_t any = 0;
    for (uint64_t i = 0; i < 2u * MIB; i++) {
        any |= p[i];
    }
    ck_assert_uint_eq(any, 0);
    /* The alignment gap below the block stays free. */
    ck_assert_uint_eq(rvm_frames_available(), RAM_BYTES - RVM_FRAMES_PAGE - 2u * MIB);
}
END_TEST

START_TEST(freed_pages_come_back_zeroed)
{
    const rvm_frames_range_t mem = { base, base + 2u * RVM_FRAMES_PAGE };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, NULL, 0), RVM_OK);
    rvm_phys_addr_t a;
    rvm_phys_addr_t b;
    rvm_phys_addr_t c;
    ck_assert_int_eq(rvm_frames_alloc(RVM_FRAMES_PAGE, RVM_FRAMES_PAGE, &a), RVM_OK);
    ck_assert_int_eq(rvm_frames_alloc(RVM_FRAMES_PAGE, RVM_FRAMES_PAGE, &b), RVM_OK);
    ck_assert_int_eq(rvm_frames_alloc(RVM_FRAMES_PAGE, RVM_FRAMES_PAGE, &c), RVM_ERR_OUT_OF_MEMORY);
    memset(rvm_frames_ptr(a), 0x5A, RVM_FRAMES_PAGE);
    rvm_frames_free_page(a);
    ck_assert_int_eq(rvm_frames_alloc(RVM_FRAMES_PAGE, RVM_FRAMES_PAGE, &c), RVM_OK);
    ck_assert_uint_eq(c.bits, a.bits);
    ck_assert_uint_eq(((const uint8_t *)rvm_frames_ptr(c))[100], 0);
}
END_TEST

START_TEST(bad_requests_are_refused)
{
    const rvm_frames_range_t mem = { base, base + RAM_BYTES };
    ck_assert_int_eq(rvm_frames_init(&mem, 1, NULL, 0), RVM_OK);
    rvm_phys_addr_t pa;
    ck_assert_int_eq(rvm_frames_alloc(0, RVM_FRAMES_PAGE, &pa), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_frames_alloc(100, RVM_FRAMES_PAGE, &pa), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_frames_alloc(RVM_FRAMES_PAGE, 3u * RVM_FRAMES_PAGE, &pa), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_frames_alloc(2u * RAM_BYTES, RVM_FRAMES_PAGE, &pa), RVM_ERR_OUT_OF_MEMORY);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvm-kernel-frames");
    TCase *tc = tcase_create("frames");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reserved_ranges_are_never_handed_out);
    tcase_add_test(tc, aligned_blocks_are_zeroed);
    tcase_add_test(tc, freed_pages_come_back_zeroed);
    tcase_add_test(tc, bad_requests_are_refused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
