/* EL2 stage-1 identity map (AArch64 port): level-1 table, level-2 tables of 2 MiB blocks. */
#include <rvm/mmu.h>

#include <stddef.h>

#include "sysreg.h"

#define ENTRIES 512u
#define L1_SHIFT 30u
#define L2_SHIFT 21u
#define BLOCK_SIZE (UINT64_C(1) << L2_SHIFT)
#define VA_LIMIT (UINT64_C(1) << RVM_MMU_VA_BITS)

/* Descriptor bits (Arm ARM D8.3, stage 1, EL2 regime). */
#define DESC_VALID UINT64_C(1)
#define DESC_TABLE UINT64_C(3)
#define DESC_BLOCK UINT64_C(1)
#define DESC_ATTR_NORMAL (UINT64_C(0) << 2)
#define DESC_ATTR_DEVICE (UINT64_C(1) << 2)
#define DESC_SH_INNER (UINT64_C(3) << 8)
#define DESC_AF (UINT64_C(1) << 10)
#define DESC_XN (UINT64_C(1) << 54)
#define DESC_ADDR_MASK UINT64_C(0x0000FFFFFFFFF000)

/* MAIR_EL2: index 0 normal inner/outer write-back read/write-allocate, index 1 Device-nGnRE. */
#define MAIR_EL2_VALUE UINT64_C(0x04FF)
/*
 * TCR_EL2: T0SZ 25 (39-bit VA, walk from level 1), table walks inner/outer
 * write-back cacheable and inner shareable, 4 KiB granule, RES1 bits 23 and
 * 31; PS (bits 18:16) from the CPU's PARange.
 */
#define TCR_EL2_BASE (UINT64_C(25) | (UINT64_C(1) << 8) | (UINT64_C(1) << 10) | (UINT64_C(3) << 12) | \
                      (UINT64_C(1) << 23) | (UINT64_C(1) << 31))
#define TCR_PS_SHIFT 16u
#define PARANGE_MAX 5u /* 48 bits; larger encodings need 52-bit descriptors */
#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_I (UINT64_C(1) << 12)
#define CACHE_LINE_MIN 4u

static uint64_t l1[ENTRIES] __attribute__((aligned(4096)));
static uint64_t l2[RVM_MMU_L2_TABLES][ENTRIES] __attribute__((aligned(4096)));
static uint32_t l2_used;
static uint64_t tcr;
static bool built;

#define MRS(reg, var) __asm__ volatile("mrs %0, " #reg : "=r"(var))
#define MSR(reg, val) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(val)) : "memory")

static uint64_t *l2_for(uint64_t va)
{
    uint64_t *slot = &l1[va >> L1_SHIFT];
    if ((*slot & DESC_VALID) != 0u) {
        return (uint64_t *)(uintptr_t)(*slot & DESC_ADDR_MASK); // NOLINT(performance-no-int-to-ptr): identity map
    }
    if (l2_used == RVM_MMU_L2_TABLES) {
        return NULL;
    }
    uint64_t *t = l2[l2_used++];
    *slot = (uint64_t)(uintptr_t)t | DESC_TABLE;
    return t;
}

static rvm_err_t map_region(const rvm_mmu_region_t *r)
{
    uint64_t start = r->base & ~(BLOCK_SIZE - 1u);
    uint64_t end = (r->base + r->size + BLOCK_SIZE - 1u) & ~(BLOCK_SIZE - 1u);
    uint64_t attr = r->device ? (DESC_ATTR_DEVICE | DESC_XN) : (DESC_ATTR_NORMAL | DESC_SH_INNER);
    for (uint64_t va = start; va < end; va += BLOCK_SIZE) {
        uint64_t *t = l2_for(va);
        if (t == NULL) {
            return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
        }
        uint64_t desc = va | attr | DESC_AF | DESC_BLOCK;
        uint64_t *e = &t[(va >> L2_SHIFT) % ENTRIES];
        if ((*e & DESC_VALID) != 0u && *e != desc) {
            return RVM_ERR_MEMORY_OVERLAP;
        }
        *e = desc;
    }
    return RVM_OK;
}

/* Smallest data cache line of the system (CTR_EL0.DminLine): maintenance by address steps by it. */
static uint64_t dcache_line(void)
{
    uint64_t ctr;
    MRS(ctr_el0, ctr);
    return (uint64_t)CACHE_LINE_MIN << ((ctr >> 16) & 0xfu);
}

static void dcache_clean_invalidate(uint64_t start, uint64_t len)
{
    uint64_t line = dcache_line();
    for (uint64_t a = start & ~(line - 1u); a < start + len; a += line) {
        __asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" : : : "memory");
}

rvm_err_t rvm_arch_mmu_init(const rvm_mmu_region_t *regions, uint32_t count)
{
    if (regions == NULL || count == 0u || count > RVM_MMU_REGION_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < count; i++) {
        const rvm_mmu_region_t *r = &regions[i];
        if (r->size == 0u || r->base >= VA_LIMIT || r->size > VA_LIMIT - r->base) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        rvm_err_t err = map_region(&regions[i]);
        if (err != RVM_OK) {
            return err;
        }
    }
    uint64_t mmfr0;
    MRS(id_aa64mmfr0_el1, mmfr0);
    uint64_t ps = mmfr0 & 0xfu;
    tcr = TCR_EL2_BASE | ((ps > PARANGE_MAX ? PARANGE_MAX : ps) << TCR_PS_SHIFT);
    /* The walker reads the tables through the cache once the MMU is on: no stale line may shadow them. */
    dcache_clean_invalidate((uint64_t)(uintptr_t)l1, sizeof l1);
    dcache_clean_invalidate((uint64_t)(uintptr_t)l2, sizeof l2);
    built = true;
    /* CPUs started later read these with their MMU still off, from memory. */
    dcache_clean_invalidate((uint64_t)(uintptr_t)&tcr, sizeof tcr);
    dcache_clean_invalidate((uint64_t)(uintptr_t)&built, sizeof built);
    return rvm_arch_mmu_enable();
}

rvm_err_t rvm_arch_mmu_enable(void)
{
    if (!built) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    MSR(mair_el2, MAIR_EL2_VALUE);
    MSR(tcr_el2, tcr);
    MSR(ttbr0_el2, (uint64_t)(uintptr_t)l1);
    __asm__ volatile("dsb ish\n\tisb\n\ttlbi alle2\n\tdsb ish\n\tisb" : : : "memory");
    uint64_t sctlr;
    MRS(sctlr_el2, sctlr);
    MSR(sctlr_el2, sctlr | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
    return RVM_OK;
}

bool rvm_arch_mmu_enabled(void)
{
    uint64_t sctlr;
    MRS(sctlr_el2, sctlr);
    return (sctlr & SCTLR_M) != 0u;
}

void rvm_arch_icache_sync(uint64_t pa, uint64_t len)
{
    uint64_t dline = dcache_line();
    for (uint64_t a = pa & ~(dline - 1u); a < pa + len; a += dline) {
        __asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" : : : "memory");
}
