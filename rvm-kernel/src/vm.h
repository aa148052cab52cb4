/* The machine each partition runs in: VMID, stage-2 space, RAM, vCPU, interrupts, capabilities and lifecycle. */
#ifndef RVM_KERNEL_VM_H
#define RVM_KERNEL_VM_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/cap_manager.h>
#include <rvm/fpsimd.h>
#include <rvm/stage2.h>
#include <rvm/vgic.h>

#include "config.h"
#include "console.h"
#include "vcpu.h"
#include "virq.h"

/* Partitions the image can hold; ids run 1..RVM_VM_MAX (0 is the hypervisor). */
#ifndef RVM_VM_MAX
#define RVM_VM_MAX 16u
#endif

/* SYSTEM_RESETs a partition may ask for in its lifetime; the next one ends it. */
#define RVM_VM_RESETS_MAX 16u

typedef enum rvm_vm_state {
    RVM_VM_FREE = 0,
    RVM_VM_RUNNABLE,
    RVM_VM_STOPPED,
    RVM_VM_HIBERNATED, /* RAM compressed into a checkpoint and freed; brought back by reconstruction */
} rvm_vm_state_t;

typedef struct rvm_vm {
    const char *name;
    rvm_s2_space_t s2;
    rvm_phys_addr_t ram_pa;
    uint64_t ram_bytes;
    rvm_vcpu_t vcpu;
    /* FP/SIMD registers while another partition (or nobody) owns the live ones; zero at creation (FPCR 0). */
    rvm_arch_fpsimd_state_t fp;
    rvm_vgic_state_t vgic;      /* its list registers while it is off the CPU */
    uint64_t exit_code;
    const rvm_config_partition_t *cfg; /* what it was created from, and is rebuilt from on reset */
    rvm_cap_handle_t caps[RVM_CONFIG_MAX_CAPS];
    rvm_cap_handle_t self_cap;  /* of caps[]: the one to itself, which every service hypercall checks (P1) */
    /* The hypervisor's own Partition WRITE|PROVE capability to it: the authority of the splits and merges it decides. */
    rvm_cap_handle_t kernel_cap;
    uint64_t refusals;          /* hypercalls refused, witnessed or not */
    bool refusal_witnessed;     /* the security gate already witnessed the refusal being returned */
    rvm_console_line_t line;
    rvm_vdist_t vdist;          /* its emulated distributor */
    uint32_t id;
    uint32_t resets;            /* PSCI SYSTEM_RESETs so far */
    uint32_t cpu;               /* logical CPU it runs on (rvm_dispatch_place) */
    uint16_t vmid;
    uint8_t state;          /* rvm_vm_state_t */
    bool faulted;           /* stopped by fault containment rather than by its own request */
    bool waiting;           /* in WFI: not scheduled until it has an interrupt, its timer expires, or the tick */
    bool doomed;            /* destroyed while loaded on another CPU, which ends it at its next trap */
} rvm_vm_t;

/* Binds partitions to the frame allocator, the capability manager and the CPU's PARange. */
void rvm_vm_setup(rvm_cap_manager_t *caps, uint32_t parange);
/* Creates a runnable partition from a configuration entry: VMID, zeroed RAM with the image, stage-2, caps. */
rvm_err_t rvm_vm_create(const rvm_config_partition_t *cfg, rvm_vm_t **out);
/*
 * Creates the machine of partition `id`, which librvmpart made itself (a
 * split's second half; `id` is the next id), from `cfg` with RAM the caller
 * took from the allocator beforehand (`ram`, cfg->ram_bytes), so that the one
 * step that can run out of memory comes before the split. On failure the RAM
 * is the caller's again.
 */
rvm_err_t rvm_vm_adopt(const rvm_config_partition_t *cfg, uint32_t id, rvm_phys_addr_t ram, rvm_vm_t **out);
/* The live (runnable or stopped) partition `id`, or NULL. */
rvm_vm_t *rvm_vm_get(uint64_t id);
/* Partition in table slot `slot` (0-based) whatever its state, or NULL past the table. */
rvm_vm_t *rvm_vm_slot(uint32_t slot);
uint32_t rvm_vm_created(void);
/*
 * Ends a partition: flushes its console line, reports refusals beyond the
 * witnessed ones on the console, witnesses the end, returns its VMID and stage-2
 * tables, gives its RAM back to the allocator (which zeroes it before reuse)
 * and scrubs the FP/SIMD registers if it owns them.
 */
void rvm_vm_stop(rvm_vm_t *p, bool fault, uint64_t code);
/*
 * Restarts a runnable partition from its boot image (PSCI SYSTEM_RESET): RAM
 * scrubbed and reloaded, a fresh vCPU and interrupt state, the same id, VMID,
 * stage-2 and capabilities; witnessed (PartitionReconstruct, flags 0xFF).
 * RVM_ERR_RESOURCE_LIMIT_EXCEEDED after RVM_VM_RESETS_MAX resets, so a
 * reset loop cannot fill the witness log; the caller then ends the partition.
 * The caller must re-enter its vCPU (rvm_vcpu_load) if it is the running one.
 */
rvm_err_t rvm_vm_reset(rvm_vm_t *p);
/* VTTBR_EL2 value of a partition. */
uint64_t rvm_vm_vttbr(const rvm_vm_t *p);
/*
 * RVM_OK when every byte of [ipa, ipa + len) is mapped in the partition's
 * stage-2 (writable too when `write`), checked with the software walker, so
 * guest pointers are validated against exactly what the hardware would allow.
 */
rvm_err_t rvm_vm_check(const rvm_vm_t *p, uint64_t ipa, uint64_t len, bool write);
/* Copies from/to guest memory already validated with rvm_vm_check. */
void rvm_vm_read(const rvm_vm_t *p, uint64_t ipa, void *dst, uint64_t len);
void rvm_vm_write(const rvm_vm_t *p, uint64_t ipa, const void *src, uint64_t len);

#endif
