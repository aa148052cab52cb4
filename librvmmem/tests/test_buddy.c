/* Buddy allocator: geometry, split/coalesce, zeroing, every rejection (spec §10.4). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/mem_buddy.h>

#define BASE 0x40000000ull

typedef struct arena {
    rvm_buddy_t b;
    rvm_buddy_storage_t st;
    uint8_t *mem;
} arena_t;

static void arena_open(arena_t *a, uint32_t pages, bool zeroed)
{
    a->st.links = calloc(pages, sizeof(rvm_buddy_link_t));
    a->st.state = calloc(pages, 1);
    a->st.pages = pages;
    a->mem = aligned_alloc(4096, (size_t)pages * 4096);
    ck_assert_ptr_nonnull(a->mem);
    memset(a->mem, zeroed ? 0 : 0xA5, (size_t)pages * 4096);
    ck_assert_int_eq(rvm_buddy_init(&a->b, &a->st, rvm_phys(BASE), a->mem, zeroed), RVM_OK);
}

static void arena_close(arena_t *a)
{
    free(a->st.links);
    free(a->st.state);
    free(a->mem);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

START_TEST(geometry)
{
    arena_t a;
    arena_open(&a, 256, true);
    ck_assert_uint_eq(rvm_buddy_max_order(&a.b), 8);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 256);
    arena_close(&a);
    /* 3000 pages: order 10 blocks, two of them; 952 pages are never usable. */
    arena_open(&a, 3000, true);
    ck_assert_uint_eq(rvm_buddy_max_order(&a.b), 10);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 2048);
    arena_close(&a);
    arena_open(&a, 1, true);
    ck_assert_uint_eq(rvm_buddy_max_order(&a.b), 0);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 1);
    arena_close(&a);
}
END_TEST

START_TEST(init_rejects)
{
    rvm_buddy_t b;
    rvm_buddy_link_t links[4];
    uint8_t state[4];
    uint8_t mem[16];
    rvm_buddy_storage_t st = { links, state, 4 };
    ck_assert_int_eq(rvm_buddy_init(&b, &st, rvm_phys(BASE + 8), mem, true), RVM_ERR_ALIGNMENT_ERROR);
    st.pages = 0;
    ck_assert_int_eq(rvm_buddy_init(&b, &st, rvm_phys(BASE), mem, true), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    st.pages = RVM_BUDDY_MAX_PAGES + 1;
    ck_assert_int_eq(rvm_buddy_init(&b, &st, rvm_phys(BASE), mem, true), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    st.pages = 4;
    ck_assert_int_eq(rvm_buddy_init(&b, &st, rvm_phys(BASE), NULL, true), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_buddy_init(NULL, &st, rvm_phys(BASE), mem, true), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(split_and_coalesce)
{
    arena_t a;
    arena_open(&a, 256, true);
    rvm_phys_addr_t p0, p1, p2;
    /* The first allocation splits the order-8 block down and takes its left-most page. */
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &p0), RVM_OK);
    ck_assert_uint_eq(p0.bits, BASE);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 255);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &p1), RVM_OK);
    ck_assert_uint_eq(p1.bits, BASE + 4096);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 1, RVM_BUDDY_ZERO, &p2), RVM_OK);
    ck_assert_uint_eq(p2.bits, BASE + 2 * 4096);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 252);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p1, 0), RVM_OK);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p0, 0), RVM_OK);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p2, 1), RVM_OK);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 256);
    /* Fully coalesced: the whole range is one block again. */
    rvm_phys_addr_t all;
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 8, RVM_BUDDY_NOZERO, &all), RVM_OK);
    ck_assert_uint_eq(all.bits, BASE);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &p0), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_int_eq(rvm_buddy_free(&a.b, all, 8), RVM_OK);
    arena_close(&a);
}
END_TEST

START_TEST(exhaust_and_refill)
{
    arena_t a;
    arena_open(&a, 64, true);
    rvm_phys_addr_t pages[64];
    for (unsigned i = 0; i < 64; i++) {
        ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &pages[i]), RVM_OK);
        for (unsigned j = 0; j < i; j++) {
            ck_assert_uint_ne(pages[i].bits, pages[j].bits);
        }
    }
    rvm_phys_addr_t x;
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &x), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 7, RVM_BUDDY_ZERO, &x), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 0);
    for (unsigned i = 0; i < 64; i += 2) {
        ck_assert_int_eq(rvm_buddy_free(&a.b, pages[i], 0), RVM_OK);
    }
    /* 32 free pages but no two adjacent: an order-1 request cannot be served. */
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 32);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 1, RVM_BUDDY_ZERO, &x), RVM_ERR_OUT_OF_MEMORY);
    for (unsigned i = 1; i < 64; i += 2) {
        ck_assert_int_eq(rvm_buddy_free(&a.b, pages[i], 0), RVM_OK);
    }
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 6, RVM_BUDDY_ZERO, &x), RVM_OK);
    arena_close(&a);
}
END_TEST

START_TEST(free_rejects)
{
    arena_t a;
    arena_open(&a, 256, true);
    rvm_phys_addr_t p, q;
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &p), RVM_OK);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 2, RVM_BUDDY_ZERO, &q), RVM_OK);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p, 11), RVM_ERR_INVALID_TIER_TRANSITION);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p, 9), RVM_ERR_INVALID_TIER_TRANSITION);
    ck_assert_int_eq(rvm_buddy_free(&a.b, rvm_phys(BASE - 4096), 0), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_buddy_free(&a.b, rvm_phys(BASE + 10), 0), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_buddy_free(&a.b, rvm_phys(BASE + 256ull * 4096), 0), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_buddy_free(&a.b, rvm_phys(q.bits + 4096), 2), RVM_ERR_ALIGNMENT_ERROR);
    /* Wrong order, interior page, never allocated. */
    ck_assert_int_eq(rvm_buddy_free(&a.b, q, 1), RVM_ERR_INTERNAL_ERROR);
    ck_assert_int_eq(rvm_buddy_free(&a.b, rvm_phys(q.bits + 4096), 0), RVM_ERR_INTERNAL_ERROR);
    ck_assert_int_eq(rvm_buddy_free(&a.b, rvm_phys(BASE + 128ull * 4096), 0), RVM_ERR_INTERNAL_ERROR);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p, 0), RVM_OK);
    /* Double free: of the block itself, and once it has merged into a free ancestor. */
    ck_assert_int_eq(rvm_buddy_free(&a.b, p, 0), RVM_ERR_INTERNAL_ERROR);
    ck_assert_int_eq(rvm_buddy_free(&a.b, q, 2), RVM_OK);
    ck_assert_int_eq(rvm_buddy_free(&a.b, q, 2), RVM_ERR_INTERNAL_ERROR);
    ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 256);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, 7, &p), RVM_ERR_INVALID_ARGUMENT);
    arena_close(&a);
}
END_TEST

START_TEST(frames_are_zeroed_before_reuse)
{
    arena_t a;
    arena_open(&a, 16, false);
    rvm_phys_addr_t p;
    /* Range not known to be zero: the first hand-out clears it. */
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 2, RVM_BUDDY_ZERO, &p), RVM_OK);
    uint8_t *m = rvm_buddy_ptr(&a.b, p, 4 * 4096);
    ck_assert_ptr_nonnull(m);
    ck_assert(all_zero(m, 4 * 4096));
    memset(m, 0x5C, 4 * 4096);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p, 2), RVM_OK);
    /* A freed frame is dirty: the next zeroed allocation of any part of it reads zero. */
    for (unsigned i = 0; i < 4; i++) {
        rvm_phys_addr_t q;
        ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &q), RVM_OK);
        ck_assert(all_zero(rvm_buddy_ptr(&a.b, q, 4096), 4096));
        memset(rvm_buddy_ptr(&a.b, q, 4096), 0x11, 4096);
    }
    arena_close(&a);
}
END_TEST

START_TEST(nozero_skips_clearing)
{
    arena_t a;
    arena_open(&a, 4, true);
    rvm_phys_addr_t p;
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &p), RVM_OK);
    uint8_t *m = rvm_buddy_ptr(&a.b, p, 4096);
    memset(m, 0x77, 4096);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p, 0), RVM_OK);
    /* The caller promised to overwrite: the old bytes are not cleared for it. */
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_NOZERO, &p), RVM_OK);
    ck_assert_ptr_eq(rvm_buddy_ptr(&a.b, p, 4096), m);
    ck_assert_uint_eq(m[100], 0x77);
    ck_assert_int_eq(rvm_buddy_free(&a.b, p, 0), RVM_OK);
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 0, RVM_BUDDY_ZERO, &p), RVM_OK);
    ck_assert(all_zero(m, 4096));
    arena_close(&a);
}
END_TEST

START_TEST(order_for_pages_and_ptr)
{
    uint32_t k = 99;
    ck_assert_int_eq(rvm_buddy_order_for_pages(1, &k), RVM_OK);
    ck_assert_uint_eq(k, 0);
    ck_assert_int_eq(rvm_buddy_order_for_pages(3, &k), RVM_OK);
    ck_assert_uint_eq(k, 2);
    ck_assert_int_eq(rvm_buddy_order_for_pages(1024, &k), RVM_OK);
    ck_assert_uint_eq(k, 10);
    ck_assert_int_eq(rvm_buddy_order_for_pages(1025, &k), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_buddy_order_for_pages(0, &k), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    arena_t a;
    arena_open(&a, 4, true);
    ck_assert_ptr_eq(rvm_buddy_ptr(&a.b, rvm_phys(BASE), 4 * 4096), a.mem);
    ck_assert_ptr_null(rvm_buddy_ptr(&a.b, rvm_phys(BASE), 4 * 4096 + 1));
    ck_assert_ptr_null(rvm_buddy_ptr(&a.b, rvm_phys(BASE - 1), 1));
    arena_close(&a);
}
END_TEST

/* Property: random alloc/free sequences keep the free count exact and blocks disjoint. */
START_TEST(random_model)
{
    arena_t a;
    arena_open(&a, 512, true);
    enum { LIVE = 128 };
    rvm_phys_addr_t addr[LIVE];
    uint32_t ord[LIVE];
    unsigned live = 0;
    uint64_t used = 0;
    uint64_t seed = 12345;
    static uint8_t owner[512];
    memset(owner, 0, sizeof owner);
    for (unsigned step = 0; step < 20000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(seed >> 33);
        if (live < LIVE && (r & 1) == 0) {
            uint32_t o = (r >> 1) % 5;
            rvm_phys_addr_t p;
            rvm_err_t e = rvm_buddy_alloc(&a.b, o, RVM_BUDDY_NOZERO, &p);
            if (e == RVM_OK) {
                uint64_t first = (p.bits - BASE) / 4096;
                ck_assert_uint_eq(first % (1u << o), 0);
                for (uint64_t i = first; i < first + (1u << o); i++) {
                    ck_assert_uint_eq(owner[i], 0);
                    owner[i] = 1;
                }
                addr[live] = p;
                ord[live++] = o;
                used += 1u << o;
            } else {
                ck_assert_int_eq(e, RVM_ERR_OUT_OF_MEMORY);
            }
        } else if (live > 0) {
            unsigned i = (r >> 1) % live;
            ck_assert_int_eq(rvm_buddy_free(&a.b, addr[i], ord[i]), RVM_OK);
            uint64_t first = (addr[i].bits - BASE) / 4096;
            memset(owner + first, 0, 1u << ord[i]);
            used -= 1u << ord[i];
            addr[i] = addr[--live];
            ord[i] = ord[live];
        }
        ck_assert_uint_eq(rvm_buddy_free_pages(&a.b), 512 - used);
    }
    while (live > 0) {
        live--;
        ck_assert_int_eq(rvm_buddy_free(&a.b, addr[live], ord[live]), RVM_OK);
    }
    rvm_phys_addr_t all;
    ck_assert_int_eq(rvm_buddy_alloc(&a.b, 9, RVM_BUDDY_NOZERO, &all), RVM_OK);
    arena_close(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmmem-buddy");
    TCase *tc = tcase_create("buddy");
    tcase_add_test(tc, geometry);
    tcase_add_test(tc, init_rejects);
    tcase_add_test(tc, split_and_coalesce);
    tcase_add_test(tc, exhaust_and_refill);
    tcase_add_test(tc, free_rejects);
    tcase_add_test(tc, frames_are_zeroed_before_reuse);
    tcase_add_test(tc, nozero_skips_clearing);
    tcase_add_test(tc, order_for_pages_and_ptr);
    tcase_add_test(tc, random_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
