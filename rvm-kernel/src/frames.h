/* Physical frame allocator over the RAM the device tree reports, minus what is already in use. */
#ifndef RVM_KERNEL_FRAMES_H
#define RVM_KERNEL_FRAMES_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>

#define RVM_FRAMES_PAGE UINT64_C(4096)
/* Free ranges the allocator tracks: the DTB's memory ranges, split around the reserved ones. */
#define RVM_FRAMES_MAX_RANGES 32u

typedef struct rvm_frames_range {
    uint64_t base;
    uint64_t end; /* exclusive */
} rvm_frames_range_t;

/* Starts over with `ram` minus `reserved` (page-rounded outward); RESOURCE_LIMIT_EXCEEDED if the split overflows. */
rvm_err_t rvm_frames_init(const rvm_frames_range_t *ram, uint32_t ram_count, const rvm_frames_range_t *reserved,
                          uint32_t reserved_count);
/* `size` bytes (a page multiple) aligned to `align` (a power of two >= a page), zeroed; OUT_OF_MEMORY if none fits. */
rvm_err_t rvm_frames_alloc(uint64_t size, uint64_t align, rvm_phys_addr_t *out);
/* Takes back one page from rvm_frames_alloc for reuse (zeroed again when handed out). */
void rvm_frames_free_page(rvm_phys_addr_t pa);
/* Bytes still free in the ranges (recycled pages not counted). */
uint64_t rvm_frames_available(void);
/* The pointer through which EL2 (MMU off, PA = VA) reaches physical address `pa`. */
void *rvm_frames_ptr(rvm_phys_addr_t pa);

#endif
