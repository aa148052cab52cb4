/*
 * First-fit over a small range list plus a stack of recycled pages. Stage-2
 * tables come and go one page at a time; partition RAM is a few large
 * aligned blocks taken once, so nothing fancier pays for itself here.
 */
#include "frames.h"

#include <stdbool.h>
#include <stddef.h>

/* Recycled single pages kept for reuse; beyond this they are simply not reused. */
#define FREE_PAGES_MAX 256u

static rvm_frames_range_t ranges[RVM_FRAMES_MAX_RANGES];
static uint32_t range_count;
static uint64_t free_pages[FREE_PAGES_MAX];
static uint32_t free_page_count;

void *rvm_frames_ptr(rvm_phys_addr_t pa)
{
    return (void *)(uintptr_t)pa.bits; // NOLINT(performance-no-int-to-ptr): EL2 runs with PA = VA
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

rvm_err_t rvm_frames_init(const rvm_frames_range_t *ram, uint32_t ram_count, const rvm_frames_range_t *reserved,
                          uint32_t reserved_count)
{
    range_count = 0;
    free_page_count = 0;
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
    return RVM_OK;
}

static void zero(uint64_t pa, uint64_t size)
{
    /* Page-aligned and a page multiple: 8-byte stores are aligned, which -mstrict-align needs. */
    uint64_t *p = rvm_frames_ptr((rvm_phys_addr_t){ pa });
    for (uint64_t i = 0; i < size / sizeof(uint64_t); i++) {
        p[i] = 0;
    }
}

rvm_err_t rvm_frames_alloc(uint64_t size, uint64_t align, rvm_phys_addr_t *out)
{
    if (size == 0u || (size & (RVM_FRAMES_PAGE - 1u)) != 0u || align < RVM_FRAMES_PAGE ||
        (align & (align - 1u)) != 0u) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (size == RVM_FRAMES_PAGE && align == RVM_FRAMES_PAGE && free_page_count > 0u) {
        uint64_t pa = free_pages[--free_page_count];
        zero(pa, size);
        out->bits = pa;
        return RVM_OK;
    }
    for (uint32_t i = 0; i < range_count; i++) {
        uint64_t base = round_up(ranges[i].base, align);
        if (base < ranges[i].base || base > ranges[i].end || ranges[i].end - base < size) {
            continue;
        }
        /* The alignment gap stays free as a range of its own; with no room to track it, those bytes are
         * given up rather than the allocation failed. */
        uint64_t gap_first = ranges[i].base;
        uint64_t gap_end = base;
        ranges[i].base = base + size;
        (void)add_range(gap_first, gap_end);
        zero(base, size);
        out->bits = base;
        return RVM_OK;
    }
    return RVM_ERR_OUT_OF_MEMORY;
}

void rvm_frames_free_page(rvm_phys_addr_t pa)
{
    if (free_page_count < FREE_PAGES_MAX) {
        free_pages[free_page_count++] = pa.bits;
    }
}

uint64_t rvm_frames_available(void)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < range_count; i++) {
        total += ranges[i].end - ranges[i].base;
    }
    return total;
}
