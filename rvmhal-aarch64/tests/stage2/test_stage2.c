/*
 * Stage-2 tables on the host. Frames come from a pool mapped below 4 GiB, so
 * that pointer = "physical address" also fits the small PA sizes. The pool
 * checks the frame contract (zeroed out, all-zero back, no double free), the
 * TLB hook checks that every IPA whose translation went away is invalidated
 * after its entry was cleared and before any frame is returned, and a model
 * test compares the software walk with a page array after random operations.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rvm/stage2.h>

#define REQUIRE(c)                                                                                      \
    do {                                                                                                \
        if (!(c)) {                                                                                     \
            ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c);                                          \
        }                                                                                               \
    } while (0)
#define REQUIRE_EQ(a, b)                                                                                \
    do {                                                                                                \
        unsigned long long a_ = (unsigned long long)(a);                                                \
        unsigned long long b_ = (unsigned long long)(b);                                                \
        if (a_ != b_) {                                                                                 \
            ck_abort_msg("%s:%d: %s == 0x%llx, %s == 0x%llx", __FILE__, __LINE__, #a, a_, #b, b_);     \
        }                                                                                               \
    } while (0)

#define KIB(n) ((uint64_t)(n) << 10)
#define MIB(n) ((uint64_t)(n) << 20)
#define GIB(n) ((uint64_t)(n) << 30)
#define PAGE RVM_S2_PAGE_SIZE
#define BLOCK RVM_S2_BLOCK_SIZE
#define POOL_FRAMES 1024u
#define POOL_BASE ((void *)(uintptr_t)0x30000000u)
#define PARANGE_40 2u

/* ---- frame pool and hooks ---- */

typedef struct inval {
    uint16_t vmid;
    uint64_t lo;
    uint64_t size;
} inval_t;

/* The model test's pages, so that the TLB hook can tell which invalidations were due. */
#define MODEL_BASE (GIB(1) - MIB(16))
#define MODEL_PAGES 8192u /* 32 MiB across the 1 GiB boundary: two level-2 tables */

typedef struct env {
    uint8_t *pool;
    bool used[POOL_FRAMES];
    uint32_t free_stack[POOL_FRAMES];
    uint32_t n_free;
    uint32_t outstanding;
    int64_t fail_after; /* allocations that succeed before one fails; < 0: never */
    uint32_t allocs, frees, syncs;
    inval_t invals[64];
    uint32_t n_inval;
    rvm_s2_space_t *space; /* for the hook's walk */
    bool pending[MODEL_PAGES]; /* translation removed in the model, invalidation still owed */
    uint32_t n_pending;
    uint32_t settled[2 * MODEL_PAGES]; /* settled in this operation: a split may map them again */
    uint32_t n_settled;
    rvm_s2_ops_t ops;
} env_t;

static env_t E;

static uint32_t frame_index(uint64_t pa)
{
    uint64_t off = pa - (uint64_t)(uintptr_t)E.pool;
    REQUIRE(pa >= (uint64_t)(uintptr_t)E.pool && off < (uint64_t)POOL_FRAMES * PAGE && off % PAGE == 0);
    return (uint32_t)(off / PAGE);
}

static rvm_err_t pool_alloc(void *ctx, rvm_phys_addr_t *out)
{
    REQUIRE(ctx == &E);
    if (E.fail_after == 0 || E.n_free == 0) {
        return RVM_ERR_OUT_OF_MEMORY;
    }
    if (E.fail_after > 0) {
        E.fail_after--;
    }
    uint32_t i = E.free_stack[--E.n_free];
    REQUIRE(!E.used[i]);
    E.used[i] = true;
    memset(E.pool + (size_t)i * PAGE, 0, PAGE);
    E.outstanding++;
    E.allocs++;
    *out = rvm_phys((uint64_t)(uintptr_t)(E.pool + (size_t)i * PAGE));
    return RVM_OK;
}

static void pool_free(void *ctx, rvm_phys_addr_t pa)
{
    REQUIRE(ctx == &E);
    uint32_t i = frame_index(pa.bits);
    REQUIRE(E.used[i]);
    REQUIRE_EQ(E.n_pending, 0); /* no frame comes back while an invalidation is owed */
    const uint64_t *w = (const uint64_t *)(E.pool + (size_t)i * PAGE);
    for (size_t k = 0; k < RVM_S2_ENTRIES; k++) {
        REQUIRE_EQ(w[k], 0);
    }
    /* Poison: a table still in use after this shows up as wrong walks (bit 0 clear = invalid). */
    memset(E.pool + (size_t)i * PAGE, 0x5A, PAGE);
    E.used[i] = false;
    E.free_stack[E.n_free++] = i;
    E.outstanding--;
    E.frees++;
}

static uint64_t *pool_frame(void *ctx, rvm_phys_addr_t pa)
{
    REQUIRE(ctx == &E);
    uint32_t i = frame_index(pa.bits);
    REQUIRE(E.used[i]);
    return (uint64_t *)(uintptr_t)pa.bits;
}

/*
 * A split's break-before-make invalidation finds the pages briefly unmapped,
 * then links them again; from then on they may be cached again, so the debt
 * comes back until a later invalidation.
 */
static void hook_sync(void *ctx)
{
    REQUIRE(ctx == &E);
    E.syncs++;
    for (uint32_t i = 0; i < E.n_settled; i++) {
        uint32_t p = E.settled[i];
        rvm_s2_walk_t w;
        if (!E.pending[p] && rvm_s2_translate(E.space, rvm_gpa(MODEL_BASE + (uint64_t)p * PAGE), &w) == RVM_OK) {
            E.pending[p] = true;
            E.n_pending++;
        }
    }
    E.n_settled = 0;
}

/* An owed invalidation is settled only by one issued after the walk stopped finding the page. */
static void hook_invalidate(void *ctx, uint16_t vmid, rvm_gpa_t ipa, uint64_t size)
{
    REQUIRE(ctx == &E);
    REQUIRE(size > 0 && size % PAGE == 0 && ipa.bits % PAGE == 0);
    REQUIRE(ipa.bits + size <= RVM_S2_IPA_LIMIT);
    if (E.n_inval < sizeof E.invals / sizeof E.invals[0]) {
        E.invals[E.n_inval] = (inval_t){ vmid, ipa.bits, size };
    }
    E.n_inval++;
    if (E.space == NULL || E.n_pending == 0) {
        return;
    }
    REQUIRE_EQ(vmid, E.space->vmid);
    for (uint32_t p = 0; p < MODEL_PAGES; p++) {
        uint64_t a = MODEL_BASE + (uint64_t)p * PAGE;
        if (E.pending[p] && a >= ipa.bits && a - ipa.bits < size) {
            rvm_s2_walk_t w;
            if (rvm_s2_translate(E.space, rvm_gpa(a), &w) != RVM_OK) {
                E.pending[p] = false;
                E.n_pending--;
                REQUIRE(E.n_settled < sizeof E.settled / sizeof E.settled[0]);
                E.settled[E.n_settled++] = p;
            }
        }
    }
}

static void env_open(void)
{
    memset(&E, 0, sizeof E);
    void *p = mmap(POOL_BASE, (size_t)POOL_FRAMES * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    ck_assert_msg(p == POOL_BASE, "cannot map the frame pool at %p", POOL_BASE);
    E.pool = p;
    for (uint32_t i = 0; i < POOL_FRAMES; i++) {
        E.free_stack[i] = POOL_FRAMES - 1u - i;
    }
    E.n_free = POOL_FRAMES;
    E.fail_after = -1;
    E.ops = (rvm_s2_ops_t){ pool_alloc, pool_free, pool_frame, hook_sync, hook_invalidate, &E };
}

static void env_close(void)
{
    munmap(E.pool, (size_t)POOL_FRAMES * PAGE);
}

static rvm_s2_space_t new_space(uint16_t vmid, uint32_t parange)
{
    rvm_s2_space_t s;
    ck_assert_int_eq(rvm_s2_init(&s, vmid, parange, &E.ops), RVM_OK);
    ck_assert_uint_eq(s.frames, 1);
    return s;
}

static rvm_s2_walk_t walk(const rvm_s2_space_t *s, uint64_t ipa)
{
    rvm_s2_walk_t w;
    rvm_err_t err = rvm_s2_translate(s, rvm_gpa(ipa), &w);
    ck_assert_int_eq(err, w.fault == RVM_S2_FAULT_NONE ? RVM_OK : RVM_ERR_NOT_FOUND);
    return w;
}

/* ---- registers and descriptors, bit for bit ---- */

START_TEST(registers)
{
    /* notes/toolchain.md §4 ran T0SZ 32 (0x80023560); DECISIONS 7 sets T0SZ 25. */
    ck_assert_uint_eq(rvm_s2_vtcr(2), 0x80023559u);
    ck_assert_uint_eq(rvm_s2_vtcr(0), 0x80003559u);
    ck_assert_uint_eq(rvm_s2_vtcr(5), 0x80053559u);
    ck_assert_uint_eq(rvm_s2_vtcr(6), 0x80053559u);
    ck_assert_uint_eq(rvm_s2_vtcr(7), 0x80053559u);
    ck_assert_uint_eq(rvm_s2_vttbr(1, rvm_phys(0x40206000u)), UINT64_C(0x0001000040206000));
    ck_assert_uint_eq(rvm_s2_vttbr(255, rvm_phys(UINT64_C(0xFFFF0000FFFFF000))), UINT64_C(0x00FF0000FFFFF000));
    static const uint32_t bits[] = { 32, 36, 40, 42, 44, 48, 48, 0, 0 };
    for (uint32_t i = 0; i < 9; i++) {
        ck_assert_uint_eq(rvm_s2_parange_bits(i), bits[i]);
    }
}
END_TEST

START_TEST(descriptors)
{
    const uint64_t pa = 0x40000000u;
    const uint64_t xn = UINT64_C(2) << 53;
    /* The notes' L3 page: AF, SH 3, S2AP RW, MemAttr 0b1111, page, valid = PA | 0x7FF. */
    ck_assert_uint_eq(rvm_s2_desc_page(rvm_phys(pa), RVM_S2_ATTR_WRITE | RVM_S2_ATTR_EXEC), pa | 0x7FFu);
    ck_assert_uint_eq(rvm_s2_desc_page(rvm_phys(pa), RVM_S2_ATTR_WRITE), pa | 0x7FFu | xn);
    ck_assert_uint_eq(rvm_s2_desc_page(rvm_phys(pa), 0), pa | 0x77Fu | xn);
    ck_assert_uint_eq(rvm_s2_desc_page(rvm_phys(pa), RVM_S2_ATTR_EXEC), pa | 0x77Fu);
    /* Device-nGnRE: MemAttr 0b0001. */
    ck_assert_uint_eq(rvm_s2_desc_page(rvm_phys(0x09000000u), RVM_S2_ATTR_WRITE | RVM_S2_ATTR_DEVICE),
                      0x09000000u | 0x7C7u | xn);
    ck_assert_uint_eq(rvm_s2_desc_page(rvm_phys(0x09000000u), RVM_S2_ATTR_DEVICE), 0x09000000u | 0x747u | xn);
    /* Blocks: bit 1 clear; spec §4.4's normal RAM block low bits 0x7FD. */
    ck_assert_uint_eq(rvm_s2_desc_block(rvm_phys(pa), RVM_S2_ATTR_WRITE | RVM_S2_ATTR_EXEC), pa | 0x7FDu);
    ck_assert_uint_eq(rvm_s2_desc_block(rvm_phys(pa + MIB(1)), RVM_S2_ATTR_WRITE), pa | 0x7FDu | xn);
    ck_assert_uint_eq(rvm_s2_desc_block(rvm_phys(0x08000000u), RVM_S2_ATTR_WRITE | RVM_S2_ATTR_DEVICE),
                      0x08000000u | 0x7C5u | xn);
    /* Output address bits above 47 never reach a descriptor. */
    ck_assert_uint_eq(rvm_s2_desc_page(rvm_phys(UINT64_C(0xFFFF123456789000)), RVM_S2_ATTR_EXEC | RVM_S2_ATTR_WRITE),
                      UINT64_C(0x0000123456789000) | 0x7FFu);
    ck_assert_uint_eq(rvm_s2_desc_table(rvm_phys(0x40201000u)), 0x40201003u);
    /* Decoding. */
    for (rvm_s2_attr_t a = 0; a <= RVM_S2_ATTR_ALL; a++) {
        ck_assert_uint_eq(rvm_s2_desc_attr(rvm_s2_desc_page(rvm_phys(pa), a)), a);
        ck_assert_uint_eq(rvm_s2_desc_attr(rvm_s2_desc_block(rvm_phys(pa), a)), a);
    }
    /* FEAT_XNX encodings 0b01 and 0b11 still forbid execution somewhere: not EXEC. */
    ck_assert_uint_eq(rvm_s2_desc_attr((pa | 0x7FFu) | (UINT64_C(1) << 53)), RVM_S2_ATTR_WRITE);
    ck_assert_uint_eq(rvm_s2_desc_attr((pa | 0x7FFu) | (UINT64_C(3) << 53)), RVM_S2_ATTR_WRITE);
}
END_TEST

/* ---- unit tests of the operations ---- */

START_TEST(init_errors)
{
    env_open();
    rvm_s2_space_t s;
    ck_assert_int_eq(rvm_s2_init(&s, 0, PARANGE_40, &E.ops), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_init(&s, 256, PARANGE_40, &E.ops), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_init(&s, 1, 7, &E.ops), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_init(NULL, 1, PARANGE_40, &E.ops), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_init(&s, 1, PARANGE_40, NULL), RVM_ERR_INVALID_ARGUMENT);
    rvm_s2_ops_t bad = E.ops;
    bad.invalidate = NULL;
    ck_assert_int_eq(rvm_s2_init(&s, 1, PARANGE_40, &bad), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(E.allocs, 0);
    E.fail_after = 0;
    ck_assert_int_eq(rvm_s2_init(&s, 1, PARANGE_40, &E.ops), RVM_ERR_OUT_OF_MEMORY);
    E.fail_after = -1;
    s = new_space(255, PARANGE_40);
    ck_assert_uint_eq(rvm_s2_vttbr(s.vmid, s.root) >> 48, 255);
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    env_close();
}
END_TEST

/* A space handed another VMID names it in VTTBR and in every later invalidation; a bad VMID changes nothing. */
START_TEST(vmid_changes_hands)
{
    env_open();
    rvm_s2_space_t s = new_space(5, PARANGE_40);
    ck_assert_int_eq(rvm_s2_set_vmid(&s, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_set_vmid(&s, 256), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_set_vmid(NULL, 7), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(s.vmid, 5);
    ck_assert_int_eq(rvm_s2_set_vmid(&s, 200), RVM_OK);
    ck_assert_uint_eq(rvm_s2_vttbr(s.vmid, s.root) >> 48, 200);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x200000u), rvm_phys(0x40200000u), PAGE, RVM_S2_ATTR_WRITE), RVM_OK);
    E.n_inval = 0;
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(0x200000u), PAGE), RVM_OK);
    ck_assert_uint_ge(E.n_inval, 1);
    ck_assert_uint_eq(E.invals[0].vmid, 200);
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    env_close();
}
END_TEST

START_TEST(map_errors)
{
    env_open();
    rvm_s2_space_t s = new_space(1, PARANGE_40);
    const rvm_s2_attr_t rw = RVM_S2_ATTR_WRITE;
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x1000u + 8), rvm_phys(0x1000u), PAGE, rw), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x1000u), rvm_phys(0x1800u), PAGE, rw), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x1000u), rvm_phys(0x1000u), 100, rw), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x1000u), rvm_phys(0x1000u), 0, rw), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x1000u), rvm_phys(0x1000u), PAGE, 8), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x1000u), rvm_phys(0x1000u), PAGE,
                                RVM_S2_ATTR_DEVICE | RVM_S2_ATTR_EXEC), RVM_ERR_INVALID_ARGUMENT);
    /* IPA beyond 39 bits, also through wrap-around. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(RVM_S2_IPA_LIMIT), rvm_phys(0), PAGE, rw), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(RVM_S2_IPA_LIMIT - PAGE), rvm_phys(0), 2 * PAGE, rw),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(PAGE), rvm_phys(0), UINT64_MAX & ~(PAGE - 1u), rw),
                     RVM_ERR_INVALID_ARGUMENT);
    /* PA beyond the configured 40 bits. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0), rvm_phys(GIB(1024)), PAGE, rw), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0), rvm_phys(GIB(1024) - PAGE), 2 * PAGE, rw), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(E.allocs, 1);
    /* The last page of both spaces is fine. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(RVM_S2_IPA_LIMIT - BLOCK), rvm_phys(GIB(1024) - BLOCK), BLOCK, rw),
                     RVM_OK);
    rvm_s2_walk_t w = walk(&s, RVM_S2_IPA_LIMIT - 1u);
    ck_assert_uint_eq(w.pa.bits, GIB(1024) - 1u);
    ck_assert_uint_eq(w.size, BLOCK);
    /* Overlap, partial or complete, with blocks and with pages. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(RVM_S2_IPA_LIMIT - BLOCK - PAGE), rvm_phys(0), 2 * PAGE, rw),
                     RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(2) + PAGE), rvm_phys(0), 3 * PAGE, rw), RVM_OK);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(2)), rvm_phys(0), BLOCK, rw), RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(2) + 3 * PAGE), rvm_phys(0), PAGE, rw), RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(2) + 4 * PAGE), rvm_phys(0), PAGE, rw), RVM_OK);
    ck_assert_int_eq(rvm_s2_map(NULL, rvm_gpa(0), rvm_phys(0), PAGE, rw), RVM_ERR_INVALID_ARGUMENT);
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    env_close();
}
END_TEST

START_TEST(small_pa_size)
{
    env_open();
    /* 32-bit PA: the pool lies below 4 GiB, so its tables are reachable. */
    rvm_s2_space_t s = new_space(3, 0);
    ck_assert_uint_eq(s.pa_limit, GIB(4));
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0), rvm_phys(GIB(4) - PAGE), PAGE, 0), RVM_OK);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(PAGE), rvm_phys(GIB(4)), PAGE, 0), RVM_ERR_INVALID_ARGUMENT);
    /* A descriptor beyond the PA size, written by hand, is an address size fault, as in hardware. */
    uint64_t *l1 = (uint64_t *)(uintptr_t)s.root.bits;
    uint64_t *l2 = (uint64_t *)(uintptr_t)(l1[0] & RVM_S2_DESC_ADDR_MASK);
    uint64_t *l3 = (uint64_t *)(uintptr_t)(l2[0] & RVM_S2_DESC_ADDR_MASK);
    uint64_t saved = l3[0];
    l3[0] = rvm_s2_desc_page(rvm_phys(GIB(4)), 0);
    rvm_s2_walk_t w = walk(&s, 0);
    ck_assert_int_eq(w.fault, RVM_S2_FAULT_ADDRESS_SIZE);
    ck_assert_uint_eq(w.level, 3);
    l3[0] = saved;
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    env_close();
}
END_TEST

START_TEST(block_or_page)
{
    env_open();
    rvm_s2_space_t s = new_space(1, PARANGE_40);
    const rvm_s2_attr_t rwx = RVM_S2_ATTR_WRITE | RVM_S2_ATTR_EXEC;
    /* 2 MiB-aligned both sides, 4 MiB + 8 KiB: two blocks and two pages. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x40000000u), rvm_phys(0x80000000u), MIB(4) + 2 * PAGE, rwx), RVM_OK);
    ck_assert_uint_eq(s.frames, 3);
    ck_assert_uint_eq(walk(&s, 0x40000000u).size, BLOCK);
    ck_assert_uint_eq(walk(&s, 0x40200000u + 0x1234u).size, BLOCK);
    ck_assert_uint_eq(walk(&s, 0x40200000u + 0x1234u).pa.bits, 0x80201234u);
    ck_assert_uint_eq(walk(&s, 0x40400000u).size, PAGE);
    ck_assert_uint_eq(walk(&s, 0x40401000u).level, 3);
    ck_assert_int_eq(walk(&s, 0x40402000u).fault, RVM_S2_FAULT_TRANSLATION);
    ck_assert_uint_eq(walk(&s, 0x40402000u).level, 3);
    /* PA aligned only to 4 KiB: pages throughout. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0x80000000u), rvm_phys(0x80001000u), BLOCK, rwx), RVM_OK);
    ck_assert_uint_eq(walk(&s, 0x80000000u).size, PAGE);
    ck_assert_uint_eq(walk(&s, 0x801FF000u).pa.bits, 0x80200000u);
    /* Both aligned but 4 KiB short of a block: pages. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0xC0000000u), rvm_phys(0xC0000000u), BLOCK - PAGE, rwx), RVM_OK);
    ck_assert_uint_eq(walk(&s, 0xC0000000u).size, PAGE);
    /* Unaligned start, then blocks once aligned. */
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(5) - PAGE), rvm_phys(GIB(5) - PAGE), BLOCK + PAGE, rwx), RVM_OK);
    ck_assert_uint_eq(walk(&s, GIB(5) - PAGE).size, PAGE);
    ck_assert_uint_eq(walk(&s, GIB(5)).size, BLOCK);
    /* Faults at each level. */
    ck_assert_uint_eq(walk(&s, GIB(100)).level, 1);
    ck_assert_uint_eq(walk(&s, 0x40800000u).level, 2);
    rvm_s2_walk_t w = walk(&s, RVM_S2_IPA_LIMIT);
    ck_assert_int_eq(w.fault, RVM_S2_FAULT_TRANSLATION);
    ck_assert_uint_eq(w.level, 0);
    ck_assert_int_eq(rvm_s2_translate(&s, rvm_gpa(0), NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_translate(NULL, rvm_gpa(0), &w), RVM_ERR_INVALID_ARGUMENT);
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    env_close();
}
END_TEST

START_TEST(attributes)
{
    env_open();
    rvm_s2_space_t s = new_space(1, PARANGE_40);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(0), rvm_phys(0x40000000u), PAGE, 0), RVM_OK);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(PAGE), rvm_phys(0x40001000u), PAGE, RVM_S2_ATTR_EXEC), RVM_OK);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(BLOCK), rvm_phys(0x08000000u), BLOCK,
                                RVM_S2_ATTR_WRITE | RVM_S2_ATTR_DEVICE), RVM_OK);
    rvm_s2_walk_t w = walk(&s, 0x10);
    ck_assert_uint_eq(w.attr, 0);
    ck_assert_uint_eq(w.desc & RVM_S2_DESC_S2AP_MASK, RVM_S2_DESC_S2AP_RO);
    ck_assert_uint_eq(w.desc & RVM_S2_DESC_XN_MASK, RVM_S2_DESC_XN);
    ck_assert_uint_eq(w.pa.bits, 0x40000010u);
    w = walk(&s, PAGE);
    ck_assert_uint_eq(w.attr, RVM_S2_ATTR_EXEC);
    ck_assert_uint_eq(w.desc & RVM_S2_DESC_XN_MASK, 0);
    w = walk(&s, BLOCK + 0x1000u);
    ck_assert_uint_eq(w.attr, RVM_S2_ATTR_WRITE | RVM_S2_ATTR_DEVICE);
    ck_assert_uint_eq(w.desc & RVM_S2_DESC_MEMATTR_MASK, RVM_S2_DESC_MEMATTR_DEVICE_NGNRE);
    ck_assert_uint_eq(w.desc, 0x08000000u | 0x7C5u | RVM_S2_DESC_XN);
    /* AF cleared by hand: the access-flag fault QEMU raised (ESR 0x8200000b, level 3). */
    uint64_t *l1 = (uint64_t *)(uintptr_t)s.root.bits;
    uint64_t *l2 = (uint64_t *)(uintptr_t)(l1[0] & RVM_S2_DESC_ADDR_MASK);
    uint64_t *l3 = (uint64_t *)(uintptr_t)(l2[0] & RVM_S2_DESC_ADDR_MASK);
    l3[1] &= ~RVM_S2_DESC_AF;
    w = walk(&s, PAGE);
    ck_assert_int_eq(w.fault, RVM_S2_FAULT_ACCESS_FLAG);
    ck_assert_uint_eq(w.level, 3);
    /* 0b01 at level 3 is reserved: a translation fault, not a block. */
    l3[1] = (l3[1] | RVM_S2_DESC_AF) & ~RVM_S2_DESC_TABLE;
    w = walk(&s, PAGE);
    ck_assert_int_eq(w.fault, RVM_S2_FAULT_TRANSLATION);
    ck_assert_uint_eq(w.level, 3);
    l3[1] |= RVM_S2_DESC_TABLE;
    /* A 1 GiB level-1 block (never built here) is still walked as the hardware would. */
    l1[5] = (GIB(3) & RVM_S2_DESC_ADDR_MASK) | 0x7FDu;
    w = walk(&s, GIB(5) + 0x12345u);
    ck_assert_int_eq(w.fault, RVM_S2_FAULT_NONE);
    ck_assert_uint_eq(w.level, 1);
    ck_assert_uint_eq(w.size, GIB(1));
    ck_assert_uint_eq(w.pa.bits, GIB(3) + 0x12345u);
    l1[5] = 0;
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    env_close();
}
END_TEST

START_TEST(unmap_split)
{
    env_open();
    rvm_s2_space_t s = new_space(7, PARANGE_40);
    const uint64_t ipa = GIB(1) + BLOCK;
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(ipa), rvm_phys(0x80000000u), 2 * BLOCK, RVM_S2_ATTR_WRITE), RVM_OK);
    ck_assert_uint_eq(s.frames, 2);
    uint32_t syncs = E.syncs;
    /* No frame for the split: nothing changes. */
    E.fail_after = 0;
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(ipa + BLOCK - PAGE), 2 * PAGE), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(walk(&s, ipa + BLOCK - PAGE).size, BLOCK);
    ck_assert_uint_eq(walk(&s, ipa + BLOCK).size, BLOCK);
    /* One frame: the first split happens (invisibly), the second fails, still nothing unmapped. */
    E.fail_after = 1;
    E.n_inval = 0;
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(ipa + BLOCK - PAGE), 2 * PAGE), RVM_ERR_OUT_OF_MEMORY);
    E.fail_after = -1;
    ck_assert_uint_eq(walk(&s, ipa + BLOCK - PAGE).size, PAGE);
    ck_assert_uint_eq(walk(&s, ipa + BLOCK - PAGE).pa.bits, 0x80000000u + BLOCK - PAGE);
    ck_assert_uint_eq(walk(&s, ipa + BLOCK).size, BLOCK);
    /* Break-before-make: the block was invalidated before the table replaced it. */
    ck_assert_uint_eq(E.n_inval, 1);
    ck_assert_uint_eq(E.invals[0].lo, ipa);
    ck_assert_uint_eq(E.invals[0].size, BLOCK);
    ck_assert_uint_eq(E.invals[0].vmid, 7);
    ck_assert_uint_gt(E.syncs, syncs);
    /* Now with frames: the straddling pair goes, the rest stays with its attributes. */
    E.n_inval = 0;
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(ipa + BLOCK - PAGE), 2 * PAGE), RVM_OK);
    ck_assert_int_eq(walk(&s, ipa + BLOCK - PAGE).fault, RVM_S2_FAULT_TRANSLATION);
    ck_assert_int_eq(walk(&s, ipa + BLOCK).fault, RVM_S2_FAULT_TRANSLATION);
    for (uint64_t a = ipa; a < ipa + 2 * BLOCK; a += PAGE) {
        if (a == ipa + BLOCK - PAGE || a == ipa + BLOCK) {
            continue;
        }
        rvm_s2_walk_t w = walk(&s, a);
        ck_assert_int_eq(w.fault, RVM_S2_FAULT_NONE);
        ck_assert_uint_eq(w.size, PAGE);
        ck_assert_uint_eq(w.pa.bits, 0x80000000u + (a - ipa));
        ck_assert_uint_eq(w.attr, RVM_S2_ATTR_WRITE);
        ck_assert_uint_eq(w.desc, rvm_s2_desc_page(w.pa, RVM_S2_ATTR_WRITE));
    }
    ck_assert_uint_eq(s.frames, 4);
    /* The last invalidation covers both unmapped pages. */
    inval_t last = E.invals[E.n_inval - 1u];
    ck_assert_uint_le(last.lo, ipa + BLOCK - PAGE);
    ck_assert_uint_ge(last.lo + last.size, ipa + BLOCK + PAGE);
    /* Holes are fine; unmapping everything returns every table but the root. */
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(0), GIB(4)), RVM_OK);
    ck_assert_uint_eq(s.frames, 1);
    ck_assert_uint_eq(E.outstanding, 1);
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(0), GIB(4)), RVM_OK);
    /* Errors. */
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(8), PAGE), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(0), 8), RVM_ERR_ALIGNMENT_ERROR);
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(0), 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(RVM_S2_IPA_LIMIT - PAGE), 2 * PAGE), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_s2_unmap(NULL, rvm_gpa(0), PAGE), RVM_ERR_INVALID_ARGUMENT);
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    ck_assert_uint_eq(E.allocs, E.frees);
    env_close();
}
END_TEST

START_TEST(map_out_of_memory)
{
    env_open();
    rvm_s2_space_t s = new_space(1, PARANGE_40);
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(1) - MIB(8)), rvm_phys(0), PAGE, 0), RVM_OK);
    const uint32_t before = E.outstanding;
    /* Needs a level-3 table, two level-2 tables and another level-3 table: fail each in turn. */
    for (int64_t n = 0; n < 4; n++) {
        E.fail_after = n;
        E.n_inval = 0;
        ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(1) - MIB(2) - PAGE), rvm_phys(MIB(64) - PAGE), GIB(1) + MIB(4), 0),
                         RVM_ERR_OUT_OF_MEMORY);
        E.fail_after = -1;
        ck_assert_uint_eq(E.outstanding, before);
        ck_assert_uint_eq(s.frames, before);
        ck_assert_int_eq(walk(&s, GIB(1) - MIB(8)).fault, RVM_S2_FAULT_NONE);
        ck_assert_int_eq(walk(&s, GIB(1) - MIB(2) - PAGE).fault, RVM_S2_FAULT_TRANSLATION);
        ck_assert_int_eq(walk(&s, GIB(1)).fault, RVM_S2_FAULT_TRANSLATION);
        ck_assert_int_eq(walk(&s, GIB(2)).fault, RVM_S2_FAULT_TRANSLATION);
        /* Entries that were live for a moment were invalidated before their tables went back. */
        ck_assert_uint_eq(E.n_inval, n > 0 ? 1u : 0u);
    }
    E.fail_after = 4;
    ck_assert_int_eq(rvm_s2_map(&s, rvm_gpa(GIB(1) - MIB(2) - PAGE), rvm_phys(MIB(64) - PAGE), GIB(1) + MIB(4), 0),
                     RVM_OK);
    E.fail_after = -1;
    ck_assert_uint_eq(s.frames, before + 4u);
    ck_assert_uint_eq(walk(&s, GIB(2) + MIB(2) - 2 * PAGE).pa.bits, MIB(64) - PAGE + GIB(1) + MIB(4) - PAGE);
    ck_assert_uint_eq(walk(&s, GIB(1)).size, BLOCK);
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    env_close();
}
END_TEST

/* ---- model test ---- */

#define STEPS 20000u
#define SAMPLES 64u

typedef struct mpage {
    bool mapped;
    uint64_t pa;
    rvm_s2_attr_t attr;
} mpage_t;

static mpage_t M[MODEL_PAGES];
static uint64_t rng_state;

/* Outcomes, printed so that a change in the mix of paths taken is visible. */
static struct {
    uint32_t mapped, overlap, map_oom, unmapped, unmap_oom, blocks;
} stats;

static uint64_t rng(void)
{
    /* splitmix64: a fixed seed gives the same run everywhere. */
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t n) { return rng() % n; }

static void check_page(const rvm_s2_space_t *s, uint32_t p)
{
    uint64_t a = MODEL_BASE + (uint64_t)p * PAGE;
    rvm_s2_walk_t w;
    rvm_err_t err = rvm_s2_translate(s, rvm_gpa(a + 0x18u), &w);
    if (!M[p].mapped) {
        REQUIRE_EQ(err, RVM_ERR_NOT_FOUND);
        REQUIRE_EQ(w.fault, RVM_S2_FAULT_TRANSLATION);
        return;
    }
    REQUIRE_EQ(err, RVM_OK);
    REQUIRE_EQ(w.pa.bits, M[p].pa + 0x18u);
    REQUIRE_EQ(w.attr, M[p].attr);
    /* A block exactly where the whole aligned 2 MiB was mapped in one piece; checked via the descriptor. */
    uint64_t expect = w.size == BLOCK ? rvm_s2_desc_block(rvm_phys(M[p].pa), M[p].attr)
                                      : rvm_s2_desc_page(rvm_phys(M[p].pa), M[p].attr);
    REQUIRE_EQ(w.desc, expect);
}

/* White box: every frame in use is reachable from the root exactly once and no table is empty. */
static void check_frames(const rvm_s2_space_t *s)
{
    static uint8_t seen[POOL_FRAMES];
    memset(seen, 0, sizeof seen);
    uint32_t reached = 1;
    seen[frame_index(s->root.bits)]++;
    const uint64_t *l1 = (const uint64_t *)(uintptr_t)s->root.bits;
    for (size_t i = 0; i < RVM_S2_ENTRIES; i++) {
        if (l1[i] == 0) {
            continue;
        }
        REQUIRE_EQ(l1[i] & 3u, 3u);
        uint64_t l2pa = l1[i] & RVM_S2_DESC_ADDR_MASK;
        REQUIRE_EQ(seen[frame_index(l2pa)]++, 0);
        reached++;
        const uint64_t *l2 = (const uint64_t *)(uintptr_t)l2pa;
        bool any2 = false;
        for (size_t j = 0; j < RVM_S2_ENTRIES; j++) {
            any2 |= l2[j] != 0;
            if ((l2[j] & 3u) != 3u) {
                continue;
            }
            uint64_t l3pa = l2[j] & RVM_S2_DESC_ADDR_MASK;
            REQUIRE_EQ(seen[frame_index(l3pa)]++, 0);
            reached++;
            const uint64_t *l3 = (const uint64_t *)(uintptr_t)l3pa;
            bool any3 = false;
            for (size_t k = 0; k < RVM_S2_ENTRIES; k++) {
                any3 |= l3[k] != 0;
            }
            REQUIRE(any3);
        }
        REQUIRE(any2);
    }
    REQUIRE_EQ(reached, E.outstanding);
    REQUIRE_EQ(reached, s->frames);
}

static bool model_range_mapped(uint32_t p, uint32_t n)
{
    for (uint32_t i = p; i < p + n; i++) {
        if (M[i].mapped) {
            return true;
        }
    }
    return false;
}

static void model_map(rvm_s2_space_t *s)
{
    /* Lengths from one page to a few blocks; block-aligned starts and PAs half the time. */
    uint32_t n = rng_below(4) == 0 ? (uint32_t)(1u + rng_below(3)) * 512u : (uint32_t)(1u + rng_below(700));
    uint32_t p = (uint32_t)rng_below(MODEL_PAGES - n + 1u);
    if (rng_below(2) == 0) {
        p &= ~511u;
    }
    uint64_t pa = GIB(8) + rng_below(1024) * (rng_below(2) == 0 ? BLOCK : PAGE);
    pa += (uint64_t)(p % 512u) * PAGE * (rng_below(4) != 0);
    rvm_s2_attr_t attr = (rvm_s2_attr_t)rng_below(8);
    if ((attr & RVM_S2_ATTR_DEVICE) != 0) {
        attr &= ~RVM_S2_ATTR_EXEC;
    }
    bool oom = rng_below(16) == 0;
    E.fail_after = oom ? (int64_t)rng_below(3) : -1;
    uint64_t ipa = MODEL_BASE + (uint64_t)p * PAGE;
    rvm_err_t err = rvm_s2_map(s, rvm_gpa(ipa), rvm_phys(pa), (uint64_t)n * PAGE, attr);
    E.fail_after = -1;
    if (model_range_mapped(p, n)) {
        REQUIRE_EQ(err, RVM_ERR_MEMORY_OVERLAP);
        stats.overlap++;
        return;
    }
    if (err == RVM_ERR_OUT_OF_MEMORY) {
        REQUIRE(oom);
        stats.map_oom++;
        return;
    }
    REQUIRE_EQ(err, RVM_OK);
    stats.mapped++;
    for (uint32_t i = 0; i < n; i++) {
        M[p + i] = (mpage_t){ true, pa + (uint64_t)i * PAGE, attr };
    }
    /* Block choice: each 2 MiB inside the range aligned on both sides is one block, everything else pages. */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t a = ipa + (uint64_t)i * PAGE;
        uint64_t o = pa + (uint64_t)i * PAGE;
        uint64_t chunk = a & ~(BLOCK - 1u);
        bool block = ((a ^ o) & (BLOCK - 1u)) == 0 && chunk >= ipa && chunk + BLOCK <= ipa + (uint64_t)n * PAGE;
        rvm_s2_walk_t w;
        REQUIRE_EQ(rvm_s2_translate(s, rvm_gpa(a), &w), RVM_OK);
        REQUIRE_EQ(w.size, block ? BLOCK : PAGE);
        stats.blocks += block && a == chunk;
    }
}

static void model_unmap(rvm_s2_space_t *s)
{
    uint32_t n = rng_below(8) == 0 ? MODEL_PAGES : (uint32_t)(1u + rng_below(1200));
    uint32_t p = (uint32_t)rng_below(MODEL_PAGES - n + 1u);
    bool oom = rng_below(16) == 0;
    E.fail_after = oom ? 0 : -1;
    for (uint32_t i = p; i < p + n; i++) {
        if (M[i].mapped) {
            E.pending[i] = true;
            E.n_pending++;
        }
    }
    uint32_t owed = E.n_pending;
    E.n_settled = 0;
    rvm_err_t err = rvm_s2_unmap(s, rvm_gpa(MODEL_BASE + (uint64_t)p * PAGE), (uint64_t)n * PAGE);
    E.fail_after = -1;
    E.n_settled = 0;
    if (err == RVM_ERR_OUT_OF_MEMORY) {
        REQUIRE(oom);
        stats.unmap_oom++;
        /* Nothing was unmapped, so nothing may have been settled by an invalidation after the fact. */
        REQUIRE_EQ(E.n_pending, owed);
        memset(E.pending, 0, sizeof E.pending);
        E.n_pending = 0;
        return;
    }
    REQUIRE_EQ(err, RVM_OK);
    REQUIRE_EQ(E.n_pending, 0);
    stats.unmapped++;
    for (uint32_t i = p; i < p + n; i++) {
        M[i].mapped = false;
    }
}

START_TEST(model)
{
    env_open();
    rng_state = 0x5eed2026u;
    memset(M, 0, sizeof M);
    rvm_s2_space_t s = new_space(42, PARANGE_40);
    E.space = &s;
    memset(&stats, 0, sizeof stats);
    for (uint32_t step = 0; step < STEPS; step++) {
        if (rng_below(100) < 55) {
            model_map(&s);
        } else {
            model_unmap(&s);
        }
        for (uint32_t k = 0; k < SAMPLES; k++) {
            check_page(&s, (uint32_t)rng_below(MODEL_PAGES));
        }
        check_frames(&s);
        if (step % 250 == 0) {
            for (uint32_t p = 0; p < MODEL_PAGES; p++) {
                check_page(&s, p);
            }
        }
    }
    for (uint32_t p = 0; p < MODEL_PAGES; p++) {
        if (M[p].mapped) {
            E.pending[p] = true;
            E.n_pending++;
        }
    }
    ck_assert_int_eq(rvm_s2_unmap(&s, rvm_gpa(0), RVM_S2_IPA_LIMIT), RVM_OK);
    ck_assert_uint_eq(E.n_pending, 0);
    ck_assert_uint_eq(s.frames, 1);
    ck_assert_uint_eq(E.outstanding, 1);
    E.space = NULL;
    rvm_s2_destroy(&s);
    ck_assert_uint_eq(E.outstanding, 0);
    ck_assert_uint_eq(E.allocs, E.frees);
    printf("model: %u maps (%u blocks), %u overlaps refused, %u map OOMs undone; %u unmaps, %u split OOMs; "
           "%u frames allocated and returned, %u invalidations\n",
           stats.mapped, stats.blocks, stats.overlap, stats.map_oom, stats.unmapped, stats.unmap_oom, E.allocs,
           E.n_inval);
    env_close();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmhal-stage2");
    TCase *tc = tcase_create("stage2");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, registers);
    tcase_add_test(tc, descriptors);
    tcase_add_test(tc, init_errors);
    tcase_add_test(tc, vmid_changes_hands);
    tcase_add_test(tc, map_errors);
    tcase_add_test(tc, small_pa_size);
    tcase_add_test(tc, block_or_page);
    tcase_add_test(tc, attributes);
    tcase_add_test(tc, unmap_split);
    tcase_add_test(tc, map_out_of_memory);
    tcase_add_test(tc, model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
