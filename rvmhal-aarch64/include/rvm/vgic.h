/*
 * Virtual interrupts for partitions through the GICv2 virtualization
 * extensions (AArch64 port): the hypervisor control interface (GICH) holds
 * list registers that the partition's virtual CPU interface (GICV, mapped at
 * the IPA where the partition expects its GICC) signals and acknowledges
 * without trapping. A list register is per CPU, so each vCPU keeps a copy
 * that moves on and off the CPU with the rest of its context.
 *
 * A hardware-forwarded interrupt (pintid given) stays active at the physical
 * GIC until the partition deactivates the virtual one: the kernel ends it
 * with rvm_hal_irq_priority_drop, never rvm_hal_irq_eoi, so a level-sensitive
 * source such as the EL1 virtual timer cannot fire again before the partition
 * has handled it.
 */
#ifndef RVM_VGIC_H
#define RVM_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>

/* Architectural maximum of GICH list registers; the CPU's own count is rvm_vgic_lr_count. */
#define RVM_VGIC_LR_MAX 64u
/* pintid of a purely virtual interrupt, with no physical source behind it. */
#define RVM_VGIC_NO_PINTID 0xFFFFFFFFu
/* Virtual INTIDs 1020..1023 are special in the GIC architecture and cannot be injected. */
#define RVM_VGIC_VINTID_LIMIT 1020u
/* Physical interrupts that may be forwarded: the banked private ones (SGIs and PPIs). */
#define RVM_VGIC_PINTID_LIMIT 32u

/* The virtual interface of one vCPU while it is off the CPU. */
typedef struct rvm_vgic_state {
    uint32_t hcr;
    uint32_t vmcr;      /* the partition's GICV_CTLR, PMR and binary points */
    uint32_t apr;       /* active priorities */
    uint32_t hw_active; /* private physical INTIDs forwarded to this vCPU, active when it was switched out */
    uint32_t lr[RVM_VGIC_LR_MAX];
} rvm_vgic_state_t;

/*
 * Takes over the GICH interface at `gich_base` (from the device tree) and
 * enables it. RVM_ERR_INVALID_ARGUMENT for a 0 base, RVM_ERR_INTERNAL_ERROR
 * before rvm_gicv2_init (forwarding needs the distributor).
 */
rvm_err_t rvm_vgic_init(uintptr_t gich_base);
/* Number of list registers this CPU implements (0 before rvm_vgic_init). */
uint32_t rvm_vgic_lr_count(void);
/* State of a fresh vCPU: no interrupt listed, its virtual CPU interface disabled. */
void rvm_vgic_state_init(rvm_vgic_state_t *s);
/*
 * Takes the virtual interface off the CPU into *s. Forwarded interrupts still
 * listed are deactivated at the physical GIC (and remembered in s->hw_active),
 * so the next vCPU's own source can fire.
 */
void rvm_vgic_save(rvm_vgic_state_t *s);
/* Puts *s on the CPU, re-activating the physical interrupts it had in flight. */
void rvm_vgic_restore(const rvm_vgic_state_t *s);
/*
 * Makes `vintid` pending with `priority` (upper 5 bits used) in *s, or in the
 * live list registers when `live` (the vCPU is on this CPU, *s is stale).
 * `pintid` names the physical interrupt the partition's deactivation ends, or
 * is RVM_VGIC_NO_PINTID. An interrupt already listed is not listed twice (a
 * virtual-only one becomes pending again if active). RVM_ERR_INVALID_ARGUMENT
 * for an INTID out of range, RVM_ERR_RESOURCE_LIMIT_EXCEEDED when every list
 * register is in use, RVM_ERR_INTERNAL_ERROR before rvm_vgic_init.
 */
rvm_err_t rvm_vgic_inject(rvm_vgic_state_t *s, bool live, uint32_t vintid, uint8_t priority, uint32_t pintid);
/* True when an interrupt is pending (not yet acknowledged by the partition) in *s, or live. */
bool rvm_vgic_pending(const rvm_vgic_state_t *s, bool live);

#endif
