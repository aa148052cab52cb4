/*
 * Physical frames for partitions and their stage-2 tables: librvmmem's buddy
 * allocator over the RAM the device tree reports, minus what is already in
 * use (the image, the device tree). The only source of partition memory.
 */
#ifndef RVM_KERNEL_FRAMES_H
#define RVM_KERNEL_FRAMES_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/mem_buddy.h>

#define RVM_FRAMES_PAGE UINT64_C(4096)
/* The largest block (buddy order 10): partition RAM comes in one such block or a power-of-two part of it. */
#define RVM_FRAMES_MAX_BLOCK (RVM_FRAMES_PAGE << 10)
/* RAM ranges, split around the reserved ones, that the allocator can hold (one buddy each). */
#define RVM_FRAMES_MAX_RANGES 8u

typedef struct rvm_frames_range {
    uint64_t base;
    uint64_t end; /* exclusive */
} rvm_frames_range_t;

/*
 * Starts over with `ram` minus `reserved` (page-rounded outward). Each free
 * range keeps its own bookkeeping at its start and serves blocks aligned to
 * their size from the RVM_FRAMES_MAX_BLOCK-aligned rest.
 * RESOURCE_LIMIT_EXCEEDED if the split overflows; OUT_OF_MEMORY if no range
 * can hold a block.
 */
rvm_err_t rvm_frames_init(const rvm_frames_range_t *ram, uint32_t ram_count, const rvm_frames_range_t *reserved,
                          uint32_t reserved_count);
/*
 * `size` bytes (a power-of-two number of pages up to RVM_FRAMES_MAX_BLOCK),
 * aligned to `size`, reading as zero. INVALID_ARGUMENT for another size;
 * OUT_OF_MEMORY if no block is free.
 */
rvm_err_t rvm_frames_alloc(uint64_t size, rvm_phys_addr_t *out);
/* Gives back a block rvm_frames_alloc handed out with this size; INTERNAL_ERROR for anything else. */
rvm_err_t rvm_frames_free(rvm_phys_addr_t pa, uint64_t size);
/* The buddy of the range with the most free pages, for a library that allocates itself (the tier engine); NULL before init. */
rvm_buddy_t *rvm_frames_buddy(void);
/* Bytes free in all ranges. */
uint64_t rvm_frames_available(void);
/* Bytes free right after rvm_frames_init: with every partition gone, rvm_frames_available must be back at it. */
uint64_t rvm_frames_initial(void);
/* The pointer through which EL2 (identity map) reaches physical address `pa`. */
void *rvm_frames_ptr(rvm_phys_addr_t pa);

#endif
