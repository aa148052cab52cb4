/*
 * One buddy allocator (librvmmem) per free RAM range. Frames are zeroed by the
 * allocator when handed out again, never twice, so freeing is cheap and no
 * later owner can read what the last one left.
 */
#include "frames.h"

#include <stdbool.h>
#include <stddef.h>

#include <rvm/mem_buddy.h>

static rvm_frames_range_t ranges[RVM_FRAMES_MAX_RANGES];
static uint32_t range_count;
static rvm_buddy_t buddies[RVM_FRAMES_MAX_RANGES];
static rvm_buddy_storage_t storage[RVM_FRAMES_MAX_RANGES];
static uint32_t buddy_count;
static uint64_t initial_free;

void *rvm_frames_ptr(rvm_phys_addr_t pa)
{
    return (void *)(uintptr_t)pa.bits; // NOLINT(performance-no-int-to-ptr): EL2 maps PA = VA
}

static uint64_t round_up(uint64_t v, uint64_t align)
{
    return (v + align - 1u) & ~(align - 1u);
}

static bool add_range(uint64_t first, uint64_t end)
{
    if (first >= end) {
        return true;
    }
    if (range_count == RVM_FRAMES_MAX_RANGES) {
        return false;
    }
    ranges[range_count].base = first;
    ranges[range_count].end = end;
    range_count++;
    return true;
}

/* Removes [base, end) from every range, splitting a range it falls inside. */
static bool carve(uint64_t base, uint64_t end)
{
    uint32_t n = range_count;
    for (uint32_t i = 0; i < n; i++) {
        rvm_frames_range_t r = ranges[i];
        if (end <= r.base || base >= r.end) {
            continue;
        }
        ranges[i].end = base > r.base ? base : r.base;
        if (end < r.end && !add_range(end, r.end)) {
            return false;
        }
    }
    return true;
}

/*
 * The range's bookkeeping goes first (9 bytes a page, sized for the whole
 * range), the allocator's pages from the next block boundary on. Ranges too
 * small for one block are left unused.
 */
static void add_buddy(const rvm_frames_range_t *r)
{
    uint64_t pages_max = (r->end - r->base) / RVM_FRAMES_PAGE;
    uint64_t meta_end = round_up(r->base + RVM_BUDDY_META_BYTES(pages_max), RVM_FRAMES_PAGE);
    uint64_t base = round_up(meta_end, RVM_FRAMES_MAX_BLOCK);
    if (base >= r->end || r->end - base < RVM_FRAMES_MAX_BLOCK) {
        return;
    }
    uint64_t pages = (r->end - base) / RVM_FRAMES_PAGE;
    pages = pages > RVM_BUDDY_MAX_PAGES ? RVM_BUDDY_MAX_PAGES : pages;
    uint8_t *meta = rvm_frames_ptr((rvm_phys_addr_t){ r->base });
    rvm_buddy_storage_t *st = &storage[buddy_count];
    st->links = (rvm_buddy_link_t *)(void *)meta;
    st->state = meta + pages * sizeof(rvm_buddy_link_t);
    st->pages = (uint32_t)pages;
    /* RAM is not assumed to be zero at boot (firmware, an earlier run): every frame is cleared on first use. */
    if (rvm_buddy_init(&buddies[buddy_count], st, (rvm_phys_addr_t){ base }, rvm_frames_ptr((rvm_phys_addr_t){ base }),
                       false) == RVM_OK) {
        buddy_count++;
    }
}

rvm_err_t rvm_frames_init(const rvm_frames_range_t *ram, uint32_t ram_count, const rvm_frames_range_t *reserved,
                          uint32_t reserved_count)
{
    range_count = 0;
    buddy_count = 0;
    for (uint32_t i = 0; i < ram_count; i++) {
        uint64_t base = round_up(ram[i].base, RVM_FRAMES_PAGE);
        uint64_t end = ram[i].end & ~(RVM_FRAMES_PAGE - 1u);
        if (!add_range(base, end)) {
            return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
        }
    }
    for (uint32_t i = 0; i < reserved_count; i++) {
        uint64_t base = reserved[i].base & ~(RVM_FRAMES_PAGE - 1u);
        uint64_t end = round_up(reserved[i].end, RVM_FRAMES_PAGE);
        if (!carve(base, end)) {
            return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
        }
    }
    for (uint32_t i = 0; i < range_count; i++) {
        add_buddy(&ranges[i]);
    }
    initial_free = rvm_frames_available();
    return buddy_count > 0u ? RVM_OK : RVM_ERR_OUT_OF_MEMORY;
}

static rvm_err_t order_of(uint64_t size, uint32_t *order)
{
    if (size < RVM_FRAMES_PAGE || size > RVM_FRAMES_MAX_BLOCK || (size & (size - 1u)) != 0u) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return rvm_buddy_order_for_pages(size / RVM_FRAMES_PAGE, order);
}

rvm_err_t rvm_frames_alloc(uint64_t size, rvm_phys_addr_t *out)
{
    uint32_t order = 0;
    rvm_err_t err = order_of(size, &order);
    if (err != RVM_OK) {
        return err;
    }
    for (uint32_t i = 0; i < buddy_count; i++) {
        if (rvm_buddy_alloc(&buddies[i], order, RVM_BUDDY_ZERO, out) == RVM_OK) {
            return RVM_OK;
        }
    }
    return RVM_ERR_OUT_OF_MEMORY;
}

rvm_err_t rvm_frames_free(rvm_phys_addr_t pa, uint64_t size)
{
    uint32_t order = 0;
    if (order_of(size, &order) != RVM_OK) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    for (uint32_t i = 0; i < buddy_count; i++) {
        if (rvm_buddy_ptr(&buddies[i], pa, (size_t)size) != NULL) {
            return rvm_buddy_free(&buddies[i], pa, order) == RVM_OK ? RVM_OK : RVM_ERR_INTERNAL_ERROR;
        }
    }
    return RVM_ERR_INTERNAL_ERROR;
}

uint64_t rvm_frames_available(void)
{
    uint64_t pages = 0;
    for (uint32_t i = 0; i < buddy_count; i++) {
        pages += rvm_buddy_free_pages(&buddies[i]);
    }
    return pages * RVM_FRAMES_PAGE;
}

uint64_t rvm_frames_initial(void)
{
    return initial_free;
}

rvm_buddy_t *rvm_frames_buddy(void)
{
    rvm_buddy_t *best = NULL;
    for (uint32_t i = 0; i < buddy_count; i++) {
        if (best == NULL || rvm_buddy_free_pages(&buddies[i]) > rvm_buddy_free_pages(best)) {
            best = &buddies[i];
        }
    }
    return best;
}
