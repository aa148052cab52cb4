/* Identifiers and address kinds (spec §3.1). */
#ifndef RVM_IDS_H
#define RVM_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

/* Logical partition id; 0 is the hypervisor itself and is never allocated. */
typedef uint32_t rvm_partition_id_t;

#define RVM_PARTITION_HYPERVISOR ((rvm_partition_id_t)0)
#define RVM_PARTITION_ID_MAX_LOGICAL ((rvm_partition_id_t)4096)

/* A virtual CPU is named by its partition and its index inside it. */
typedef struct rvm_vcpu_id {
    rvm_partition_id_t partition;
    uint16_t index;
} rvm_vcpu_id_t;

/*
 * Host-physical, guest-physical (IPA) and hypervisor-virtual addresses are
 * one-field structs so that the compiler rejects passing one kind for another.
 */
typedef struct rvm_phys_addr { uint64_t bits; } rvm_phys_addr_t;
typedef struct rvm_gpa { uint64_t bits; } rvm_gpa_t;
typedef struct rvm_virt_addr { uint64_t bits; } rvm_virt_addr_t;

typedef uint64_t rvm_cap_id_t;        /* 0 = ROOT (bootstrap authority) */
typedef uint64_t rvm_edge_id_t;
typedef uint64_t rvm_region_id_t;
typedef uint64_t rvm_lease_id_t;
typedef uint64_t rvm_checkpoint_id_t;

#define RVM_CAP_ID_ROOT ((rvm_cap_id_t)0)
#define RVM_PAGE_SIZE 4096u
#define RVM_PAGE_MASK ((uint64_t)RVM_PAGE_SIZE - 1u)

/* Checked constructor: RVM_ERR_INVALID_ARGUMENT for 0 or ids above RVM_PARTITION_ID_MAX_LOGICAL. */
rvm_err_t rvm_partition_id_make(uint32_t raw, rvm_partition_id_t *out);

static inline rvm_phys_addr_t rvm_phys(uint64_t a) { return (rvm_phys_addr_t){ a }; }
static inline rvm_gpa_t rvm_gpa(uint64_t a) { return (rvm_gpa_t){ a }; }
static inline rvm_virt_addr_t rvm_virt(uint64_t a) { return (rvm_virt_addr_t){ a }; }

static inline bool rvm_addr_page_aligned(uint64_t a) { return (a & RVM_PAGE_MASK) == 0; }
static inline uint64_t rvm_addr_page_align_down(uint64_t a) { return a & ~RVM_PAGE_MASK; }

#endif
