/* Buddy allocator of physical frames over a caller-provided range (spec §10.4, §10.9). */
#ifndef RVM_MEM_BUDDY_H
#define RVM_MEM_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>

/* Orders 0..10: blocks of 1..1024 pages of 4 KiB. */
#define RVM_BUDDY_MAX_ORDER 10u
#define RVM_BUDDY_ORDER_COUNT (RVM_BUDDY_MAX_ORDER + 1u)
/* Ranges are limited so that a page index and the "no page" marker fit in 32 bits. */
#define RVM_BUDDY_MAX_PAGES (1u << 30)

/* Per-page bookkeeping: free-list links of a free block's head page, and the page's state byte. */
typedef struct rvm_buddy_link {
    uint32_t next;
    uint32_t prev;
} rvm_buddy_link_t;

/*
 * Metadata storage the caller provides for a range of `pages` pages: one link
 * and one state byte per page (9 bytes a page, 0.22 % of the range).
 */
typedef struct rvm_buddy_storage {
    rvm_buddy_link_t *links;
    uint8_t *state;
    uint32_t pages;
} rvm_buddy_storage_t;

/* Bytes of metadata a range of `pages` pages needs. */
#define RVM_BUDDY_META_BYTES(pages) ((size_t)(pages) * (sizeof(rvm_buddy_link_t) + 1u))

/* Static metadata for a range of `pages` pages, named `name` (an rvm_buddy_storage_t). */
#define RVM_BUDDY_STORAGE_DEFINE(name, npages)            \
    static rvm_buddy_link_t name##_links[(npages)];       \
    static uint8_t name##_state[(npages)];                \
    static rvm_buddy_storage_t name = { name##_links, name##_state, (npages) }

/* Allocation flags. */
#define RVM_BUDDY_ZERO 0u    /* default: the frames handed out read as zero */
#define RVM_BUDDY_NOZERO 1u  /* the caller overwrites every byte before anyone else can read them */

/*
 * The allocator. Fields are private. Not thread-safe: the kernel serialises
 * calls (one allocator per CPU or one lock around it).
 */
typedef struct rvm_buddy {
    rvm_buddy_link_t *links;
    uint8_t *state;
    uint8_t *base_ptr;       /* where the hypervisor reads and writes the range */
    uint64_t base_pa;
    uint32_t pages;
    uint32_t max_order;      /* largest order with 2^k <= pages */
    uint32_t nonempty;       /* bit k set when the free list of order k is not empty */
    uint32_t heads[RVM_BUDDY_ORDER_COUNT];
    uint64_t free_pages;
} rvm_buddy_t;

/*
 * Binds `b` to `storage->pages` pages at physical address `base_pa`, accessed
 * through `base_ptr` (the identity mapping in the kernel, an ordinary buffer in
 * hosted tests). Every block of the largest usable order starts free; pages past
 * a multiple of that block size are never handed out. `assume_zeroed` says the
 * whole range already reads as zero (fresh RAM the boot code cleared), so first
 * allocations skip the zeroing; otherwise every frame is zeroed when first handed
 * out. Errors: ALIGNMENT_ERROR for an unaligned base; RESOURCE_LIMIT_EXCEEDED for
 * 0 pages or more than RVM_BUDDY_MAX_PAGES; INVALID_ARGUMENT for NULL pointers.
 */
rvm_err_t rvm_buddy_init(rvm_buddy_t *b, const rvm_buddy_storage_t *storage, rvm_phys_addr_t base_pa, void *base_ptr,
                         bool assume_zeroed);

/*
 * Allocates 2^order contiguous pages, aligned to their size, and writes the
 * physical address to `pa`. With RVM_BUDDY_ZERO the frames read as zero.
 * Errors: OUT_OF_MEMORY when no block is free or order exceeds the maximum;
 * INVALID_ARGUMENT for unknown flags.
 */
rvm_err_t rvm_buddy_alloc(rvm_buddy_t *b, uint32_t order, uint32_t flags, rvm_phys_addr_t *pa);

/*
 * Returns the block at `pa` that rvm_buddy_alloc handed out with this `order`,
 * coalescing it with free buddies. Errors: INVALID_TIER_TRANSITION for an order
 * above the maximum (reference behaviour); ALIGNMENT_ERROR for an address outside
 * the range or not aligned to the block; INTERNAL_ERROR when the block is not an
 * allocated block of that order (double free, wrong order, interior page).
 */
rvm_err_t rvm_buddy_free(rvm_buddy_t *b, rvm_phys_addr_t pa, uint32_t order);

/* Pages currently free (sum over free blocks of 2^order). */
uint64_t rvm_buddy_free_pages(const rvm_buddy_t *b);

/* Largest order this range can serve. */
uint32_t rvm_buddy_max_order(const rvm_buddy_t *b);

/* Smallest order whose block holds `pages` pages; RESOURCE_LIMIT_EXCEEDED for 0 or more than 2^10. */
rvm_err_t rvm_buddy_order_for_pages(uint64_t pages, uint32_t *order);

/* Hypervisor pointer to the byte at `pa` (valid for `len` bytes), or NULL when that is outside the range. */
void *rvm_buddy_ptr(const rvm_buddy_t *b, rvm_phys_addr_t pa, size_t len);

#endif
