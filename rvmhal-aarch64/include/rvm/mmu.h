/*
 * The hypervisor's own address space (AArch64 port): an EL2 stage-1 identity
 * map, RAM as normal write-back cacheable memory and device frames as
 * Device-nGnRE, never executable. With it, EL2's loads and stores are
 * cacheable and coherent with the stage-2 walker and with other CPUs, and
 * exclusive accesses (the spinlocks of rvm/spinlock.h) are architecturally
 * defined; with the MMU off all of them would target Device memory.
 */
#ifndef RVM_MMU_H
#define RVM_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>

/* Regions one map can hold, and the 1 GiB slots of address space that may contain them (one table each). */
#define RVM_MMU_REGION_MAX 16u
#define RVM_MMU_L2_TABLES 16u
/* The map covers virtual (= physical) addresses below 2^39, as a level-1 walk of 4 KiB granules allows. */
#define RVM_MMU_VA_BITS 39u

typedef struct rvm_mmu_region {
    uint64_t base;
    uint64_t size;
    bool device; /* Device-nGnRE and execute-never, else normal write-back memory */
} rvm_mmu_region_t;

/*
 * Builds the identity map of `regions` (each widened to 2 MiB boundaries) and
 * turns the MMU and caches on for this CPU. RVM_ERR_INVALID_ARGUMENT for a
 * region beyond RVM_MMU_VA_BITS, an empty one or too many;
 * RVM_ERR_MEMORY_OVERLAP when a RAM and a device region share a 2 MiB block;
 * RVM_ERR_RESOURCE_LIMIT_EXCEEDED when more than RVM_MMU_L2_TABLES gigabyte
 * slots are touched. Call once, on the boot CPU, before other CPUs start.
 */
rvm_err_t rvm_arch_mmu_init(const rvm_mmu_region_t *regions, uint32_t count);
/* Turns on the map rvm_arch_mmu_init built, on a CPU that starts later; RVM_ERR_INTERNAL_ERROR before it. */
rvm_err_t rvm_arch_mmu_enable(void);
/* True when this CPU runs with the EL2 MMU on. */
bool rvm_arch_mmu_enabled(void);
/*
 * Makes instructions written as data at [pa, pa + len) visible to instruction
 * fetch on every CPU (clean to the point of unification, invalidate the
 * instruction caches), as a guest image load needs before the guest runs.
 */
void rvm_arch_icache_sync(uint64_t pa, uint64_t len);

#endif
