/* Flattened device tree (FDT v16/v17) reader: the platform description the hypervisor boots from. */
#ifndef RVM_DTB_H
#define RVM_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

/*
 * The blob is untrusted until rvm_dtb_open has walked all of it: every offset,
 * length, string and nesting level is checked against the blob's own header
 * and the caller's buffer length, so hostile input yields an error, never an
 * out-of-bounds read. Nothing is copied: results point into the blob, which
 * must outlive them. No allocation, no recursion.
 */

/* Deepest node nesting accepted (root = depth 1); QEMU virt reaches 6 (/cpus/cpu-map/socket0/cluster0/core0). */
#define RVM_DTB_MAX_DEPTH 16u
/* Memory ranges and CPUs rvm_dtb_read_platform can record. */
#define RVM_DTB_MAX_MEMORY_RANGES 16u
#define RVM_DTB_MAX_CPUS 64u
/* Banks (reg entries) of the "cfi-flash" node rvm_dtb_read_platform can record; QEMU virt has two. */
#define RVM_DTB_MAX_FLASH_BANKS 4u

/* A validated blob; fields are private to the reader. */
typedef struct rvm_dtb {
    const uint8_t *blob;
    uint32_t total_size;
    uint32_t struct_off;
    uint32_t struct_size;
    uint32_t strings_off;
    uint32_t strings_size;
    uint32_t root;
} rvm_dtb_t;

typedef struct rvm_dtb_region {
    uint64_t base;
    uint64_t size;
} rvm_dtb_region_t;

typedef enum rvm_dtb_gic_version {
    RVM_DTB_GIC_NONE = 0,
    RVM_DTB_GIC_V2 = 2, /* "arm,cortex-a15-gic" */
    RVM_DTB_GIC_V3 = 3, /* "arm,gic-v3" */
} rvm_dtb_gic_version_t;

typedef enum rvm_dtb_psci_method {
    RVM_DTB_PSCI_NONE = 0,
    RVM_DTB_PSCI_SMC,
    RVM_DTB_PSCI_HVC,
} rvm_dtb_psci_method_t;

/* Order of the "arm,armv8-timer" interrupts property (and of timer_intid below). */
typedef enum rvm_dtb_timer {
    RVM_DTB_TIMER_SECURE_PHYS = 0,
    RVM_DTB_TIMER_NONSECURE_PHYS,
    RVM_DTB_TIMER_VIRTUAL,
    RVM_DTB_TIMER_HYP_PHYS,
    RVM_DTB_TIMER_COUNT,
} rvm_dtb_timer_t;

/*
 * What the HAL needs from the tree. Interrupts are GIC INTIDs (SPI n = 32 + n,
 * PPI n = 16 + n), the numbering the GIC registers use. Devices whose node
 * says status != "okay" are ignored; of several matching nodes the first wins.
 */
typedef struct rvm_dtb_platform {
    rvm_dtb_region_t memory[RVM_DTB_MAX_MEMORY_RANGES]; /* every reg entry of every /memory@ node, in tree order */
    uint32_t memory_count;
    uint32_t cpu_count;                  /* /cpus/cpu@* nodes */
    uint64_t cpu_mpidr[RVM_DTB_MAX_CPUS]; /* their first reg entry: MPIDR affinity bits */
    bool uart_present;                   /* "arm,pl011" */
    rvm_dtb_region_t uart;
    uint32_t uart_intid;                 /* 0 when the node lists no interrupt */
    rvm_dtb_gic_version_t gic_version;
    rvm_dtb_region_t gicd;               /* distributor */
    rvm_dtb_region_t gicc;               /* v2: CPU interface */
    rvm_dtb_region_t gich;               /* v2: hypervisor control, size 0 when absent */
    rvm_dtb_region_t gicv;               /* v2: virtual CPU interface, size 0 when absent */
    rvm_dtb_region_t gicr;               /* v3: first redistributor region */
    bool timer_present;                  /* "arm,armv8-timer" */
    uint32_t timer_intid[RVM_DTB_TIMER_COUNT];
    bool rtc_present;                    /* "arm,pl031": a device partitions can lease (it is not the kernel's) */
    rvm_dtb_region_t rtc;
    rvm_dtb_psci_method_t psci_method;   /* "arm,psci*" node's method */
    uint32_t flash_count;                /* reg entries of the first "cfi-flash" node, in order; 0 when none */
    rvm_dtb_region_t flash[RVM_DTB_MAX_FLASH_BANKS];
    uint32_t flash_bank_width;           /* its "bank-width" in bytes (1, 2, 4 or 8); 0 when the node has none */
    const char *bootargs;                /* /chosen bootargs inside the blob, NUL-terminated; NULL when absent */
    uint32_t bootargs_len;               /* without the NUL */
} rvm_dtb_platform_t;

/*
 * Validates the header (magic, version 16..17, block offsets/sizes/alignment
 * within totalsize <= buf_len) and the whole structure block; fills *dtb.
 * RVM_ERR_INVALID_ARGUMENT (NULL), RVM_ERR_ALIGNMENT_ERROR (blob not 8-byte aligned),
 * RVM_ERR_MALFORMED_INPUT, RVM_ERR_RESOURCE_LIMIT_EXCEEDED (nesting beyond RVM_DTB_MAX_DEPTH).
 */
rvm_err_t rvm_dtb_open(rvm_dtb_t *dtb, const void *blob, size_t buf_len);

/*
 * Nodes are named by the offset of their FDT_BEGIN_NODE token within the
 * structure block (libfdt's convention; the root is usually 0).
 */

/* Offset of the node at an absolute path ("/", "/cpus/cpu@0"; "/memory" matches "memory@..."), or RVM_ERR_NOT_FOUND. */
rvm_err_t rvm_dtb_find_node(const rvm_dtb_t *dtb, const char *path, uint32_t *node);

/* Value and length of property `name` of the node at offset `node`; RVM_ERR_NOT_FOUND when it has none. */
rvm_err_t rvm_dtb_get_prop(const rvm_dtb_t *dtb, uint32_t node, const char *name, const uint8_t **value,
                           uint32_t *len);

/*
 * Fills *out from an opened tree: RVM_ERR_NOT_FOUND without a memory range or a CPU, RVM_ERR_BUFFER_TOO_SMALL
 * beyond the MAX limits, RVM_ERR_MALFORMED_INPUT for a property the HAL needs that it cannot decode.
 * On error *out is partial and must not be used.
 */
rvm_err_t rvm_dtb_read_platform(const rvm_dtb_t *dtb, rvm_dtb_platform_t *out);

#endif
