/*
 * Stage-2 translation tables (spec §4.3-§4.4, DECISIONS 7): 4 KiB granule,
 * 39-bit IPA (T0SZ = 25) walked from one level-1 table, 2 MiB level-2 blocks
 * and 4 KiB level-3 pages. Portable: table frames are reached through the
 * caller's callbacks, so the same code runs on the host (PA = pointer) and at
 * EL2 with the MMU off (PA = VA).
 */
#ifndef RVM_STAGE2_H
#define RVM_STAGE2_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>

#define RVM_S2_IPA_BITS 39u
#define RVM_S2_IPA_LIMIT (UINT64_C(1) << RVM_S2_IPA_BITS)
#define RVM_S2_PAGE_SIZE (UINT64_C(1) << 12)
#define RVM_S2_BLOCK_SIZE (UINT64_C(1) << 21)
#define RVM_S2_ENTRIES 512u
#define RVM_S2_VMID_MIN 1u
#define RVM_S2_VMID_MAX 255u /* VTCR_EL2.VS = 0: 8-bit VMIDs */

/* Mapping attributes. The zero value is the least privilege: read-only, execute-never, Normal memory. */
typedef uint32_t rvm_s2_attr_t;
#define RVM_S2_ATTR_WRITE ((rvm_s2_attr_t)1u << 0)  /* S2AP = RW instead of RO */
#define RVM_S2_ATTR_EXEC ((rvm_s2_attr_t)1u << 1)   /* XN = 0b00 instead of 0b10 */
#define RVM_S2_ATTR_DEVICE ((rvm_s2_attr_t)1u << 2) /* Device-nGnRE instead of Normal write-back */
#define RVM_S2_ATTR_ALL (RVM_S2_ATTR_WRITE | RVM_S2_ATTR_EXEC | RVM_S2_ATTR_DEVICE)

/* Descriptor fields (Arm ARM D8.3, observed on QEMU: see notes/toolchain.md §4). */
#define RVM_S2_DESC_VALID (UINT64_C(1) << 0)
#define RVM_S2_DESC_TABLE (UINT64_C(1) << 1) /* table at levels 1-2, page at level 3 */
#define RVM_S2_DESC_MEMATTR_NORMAL_WB (UINT64_C(0xF) << 2)
#define RVM_S2_DESC_MEMATTR_DEVICE_NGNRE (UINT64_C(0x1) << 2)
#define RVM_S2_DESC_MEMATTR_MASK (UINT64_C(0xF) << 2)
#define RVM_S2_DESC_S2AP_RO (UINT64_C(1) << 6)
#define RVM_S2_DESC_S2AP_RW (UINT64_C(3) << 6)
#define RVM_S2_DESC_S2AP_MASK (UINT64_C(3) << 6)
#define RVM_S2_DESC_SH_INNER (UINT64_C(3) << 8)
#define RVM_S2_DESC_AF (UINT64_C(1) << 10)
#define RVM_S2_DESC_XN (UINT64_C(2) << 53) /* XN[1:0] = 0b10: no execution at EL1 or EL0 */
#define RVM_S2_DESC_XN_MASK (UINT64_C(3) << 53)
#define RVM_S2_DESC_ADDR_MASK UINT64_C(0x0000FFFFFFFFF000) /* output address bits [47:12] */

/*
 * What the tables need from their owner. Every callback receives `ctx`.
 * alloc:      one zeroed, 4 KiB-aligned frame; its physical address in *out,
 *             RVM_ERR_OUT_OF_MEMORY when none is left.
 * free:       takes back a frame from alloc; it arrives all-zero and no
 *             translation through it survives in any TLB or walk cache.
 * frame:      the pointer through which this code reads and writes the frame
 *             at `pa` (the identity at EL2 with the MMU off).
 * sync:       makes the table writes done so far visible to the hardware
 *             walkers (DSB ISHST); called before a new table is linked and
 *             when a map completes.
 * invalidate: makes table writes visible, then removes every stage-2 TLB and
 *             walk-cache entry of `vmid` for IPAs in [ipa, ipa + size) and
 *             waits for completion on all CPUs (DSB ISHST; TLBI IPAS2E1IS per
 *             page or VMALLS12E1IS for large ranges; DSB ISH; ISB).
 */
typedef struct rvm_s2_ops {
    rvm_err_t (*alloc)(void *ctx, rvm_phys_addr_t *out);
    void (*free)(void *ctx, rvm_phys_addr_t pa);
    uint64_t *(*frame)(void *ctx, rvm_phys_addr_t pa);
    void (*sync)(void *ctx);
    void (*invalidate)(void *ctx, uint16_t vmid, rvm_gpa_t ipa, uint64_t size);
    void *ctx;
} rvm_s2_ops_t;

/* One guest's stage-2 address space. Fields are read-only outside stage2.c. */
typedef struct rvm_s2_space {
    rvm_s2_ops_t ops;
    rvm_phys_addr_t root; /* level-1 table, the base in VTTBR_EL2 */
    uint64_t pa_limit;    /* first output address beyond the configured PA size */
    uint32_t frames;      /* table frames held, the root included */
    uint16_t vmid;
} rvm_s2_space_t;

/* Result of a software walk, the same answer the hardware would give. */
typedef enum rvm_s2_fault {
    RVM_S2_FAULT_NONE = 0,
    RVM_S2_FAULT_TRANSLATION,  /* no valid descriptor, or an IPA beyond 39 bits (level 0) */
    RVM_S2_FAULT_ACCESS_FLAG,  /* leaf with AF = 0 */
    RVM_S2_FAULT_ADDRESS_SIZE, /* a table or output address beyond the PA size */
} rvm_s2_fault_t;

typedef struct rvm_s2_walk {
    rvm_s2_fault_t fault;
    uint8_t level;        /* level of the leaf, or of the descriptor that faulted */
    rvm_phys_addr_t pa;   /* output address of the IPA itself, not of its page */
    uint64_t size;        /* bytes the leaf maps: 1 GiB, 2 MiB or 4 KiB */
    uint64_t desc;        /* the leaf descriptor as stored */
    rvm_s2_attr_t attr;   /* access the leaf grants, decoded from desc */
} rvm_s2_walk_t;

/* PA width of an ID_AA64MMFR0_EL1.PARange value, capped at 48 bits (descriptors carry PA[47:12]); 0 if reserved. */
uint32_t rvm_s2_parange_bits(uint32_t parange);
/* VTCR_EL2: T0SZ 25, SL0 1, 4 KiB granule, inner-shareable write-back walks, PS = PARange capped at 48 bits. */
uint64_t rvm_s2_vtcr(uint32_t parange);
/* VTTBR_EL2 = VMID << 48 | level-1 table PA (bits [47:1]). */
uint64_t rvm_s2_vttbr(uint16_t vmid, rvm_phys_addr_t root);

/* Table descriptor (levels 1-2) pointing at the table frame `next`. */
uint64_t rvm_s2_desc_table(rvm_phys_addr_t next);
/* Level-2 2 MiB block descriptor; `pa` is truncated to 2 MiB alignment. AF and SH = inner always set. */
uint64_t rvm_s2_desc_block(rvm_phys_addr_t pa, rvm_s2_attr_t attr);
/* Level-3 4 KiB page descriptor; `pa` is truncated to 4 KiB alignment. AF and SH = inner always set. */
uint64_t rvm_s2_desc_page(rvm_phys_addr_t pa, rvm_s2_attr_t attr);
/* Access granted by a leaf descriptor: WRITE if S2AP = RW, EXEC only if XN = 0b00, DEVICE unless MemAttr is Normal. */
rvm_s2_attr_t rvm_s2_desc_attr(uint64_t desc);

/* Empty space for `vmid` (1..255; 0 is the hypervisor's) with output addresses within `parange`'s PA size.
 * Allocates the level-1 table; RVM_ERR_INVALID_ARGUMENT for a bad VMID, PARange or missing callback. */
rvm_err_t rvm_s2_init(rvm_s2_space_t *s, uint16_t vmid, uint32_t parange, const rvm_s2_ops_t *ops);
/* Unmaps everything, invalidates the whole VMID and returns every frame, root included; `s` is then unusable. */
void rvm_s2_destroy(rvm_s2_space_t *s);
/*
 * The VMID (1..255) the space's invalidations and VTTBR name from now on, when
 * the kernel hands the space another one (VMIDs are a cache of 255 shared by
 * more spaces); RVM_ERR_INVALID_ARGUMENT outside 1..255, nothing changed.
 */
rvm_err_t rvm_s2_set_vmid(rvm_s2_space_t *s, uint16_t vmid);

/* Maps [ipa, +size) to [pa, +size) with 2 MiB blocks where both addresses and the length allow, else 4 KiB pages.
 * Errors change nothing: ALIGNMENT_ERROR, MEMORY_OVERLAP, OUT_OF_MEMORY, INVALID_ARGUMENT (size 0, range beyond
 * the IPA or PA size, unknown attribute bits, DEVICE with EXEC). */
rvm_err_t rvm_s2_map(rvm_s2_space_t *s, rvm_gpa_t ipa, rvm_phys_addr_t pa, uint64_t size, rvm_s2_attr_t attr);
/* Unmaps whatever is mapped in [ipa, +size), splitting straddling blocks, invalidates, then frees emptied tables.
 * Errors change nothing: ALIGNMENT_ERROR, INVALID_ARGUMENT (size 0 or beyond 39 bits), OUT_OF_MEMORY (split). */
rvm_err_t rvm_s2_unmap(rvm_s2_space_t *s, rvm_gpa_t ipa, uint64_t size);
/* Walks the tables for `ipa` as the hardware does: RVM_OK when mapped, else RVM_ERR_NOT_FOUND with the fault
 * and its level in *out (RVM_ERR_INVALID_ARGUMENT for null pointers). */
rvm_err_t rvm_s2_translate(const rvm_s2_space_t *s, rvm_gpa_t ipa, rvm_s2_walk_t *out);

#endif
