/*
 * Partition interrupts: each partition sees a GICv2 of its own. Its CPU
 * interface is the hardware's virtual CPU interface (GICV) mapped where the
 * device tree puts GICC, so acknowledging and ending interrupts never traps;
 * its distributor is emulated here for the 32 private interrupts a
 * single-vCPU partition can own (SGIs and PPIs). A partition's distributor
 * has no SPIs: it reports 32 lines, so their registers read as zero and
 * ignore writes, as the GIC architecture specifies for absent interrupts. The EL1 virtual
 * timer's interrupt is forwarded through a hardware list register.
 */
#ifndef RVM_KERNEL_VIRQ_H
#define RVM_KERNEL_VIRQ_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/dtb.h>
#include <rvm/err.h>
#include <rvm/esr.h>
#include <rvm/trap_frame.h>

struct rvm_vm;

/* Number of interrupts in a partition's distributor: the banked SGIs and PPIs. */
#define RVM_VIRQ_LINES 32u

/* A partition's emulated distributor. */
typedef struct rvm_vdist {
    uint32_t ctlr;                          /* GICD_CTLR: bit 0 forwards interrupts to the CPU interface */
    uint32_t enabled;                       /* GICD_ISENABLER0 */
    uint32_t pending;                       /* raised but not yet in a list register */
    uint8_t priority[RVM_VIRQ_LINES];       /* GICD_IPRIORITYR0..7 */
} rvm_vdist_t;

/* Records where the device tree puts the GIC frames and which PPI is the EL1 virtual timer. */
rvm_err_t rvm_virq_setup(const rvm_dtb_platform_t *plat);
/* Takes over the calling CPU's (banked) virtual interface control registers; the boot CPU's is done by setup. */
rvm_err_t rvm_virq_cpu_setup(void);
/* Maps the virtual CPU interface into the partition's stage-2 and resets its distributor and list registers. */
rvm_err_t rvm_virq_partition_init(struct rvm_vm *p);
/*
 * Emulates the stage-2 data abort `t` of the running partition if it hit its
 * distributor: RVM_OK (ELR advanced), RVM_ERR_NOT_FOUND when the address is
 * not the distributor's, RVM_ERR_MALFORMED_INPUT for an access it cannot
 * emulate (no syndrome, wrong size, unaligned), which the caller contains.
 */
rvm_err_t rvm_virq_mmio(rvm_trap_frame_t *f, struct rvm_vm *p, const rvm_trap_t *t);
/*
 * Hands the physical interrupt `intid` to `p`, the partition whose timer
 * state is on the CPU, if it is one partitions own: true when it was listed
 * for `p` (end it with rvm_hal_irq_priority_drop), false when it is the
 * hypervisor's or `p` cannot take it now (end it with rvm_hal_irq_eoi).
 */
bool rvm_virq_forward(uint32_t intid, struct rvm_vm *p);
/* Puts `p`'s interrupt state on the CPU: its list registers, and the forwarded PPIs enabled as its distributor says. */
void rvm_virq_switch_in(struct rvm_vm *p);
/* Takes the running partition's interrupt state off the CPU. */
void rvm_virq_switch_out(struct rvm_vm *p);
/* Keeps the forwarded PPIs of a partition that ended from firing for it again. */
void rvm_virq_partition_stop(struct rvm_vm *p, bool running);
/* True when `p` has an interrupt it has not acknowledged yet, or its virtual timer has expired while it was off the CPU. */
bool rvm_virq_wants_cpu(const struct rvm_vm *p, bool running, uint64_t now);
/* Counter value at which `p`'s virtual timer next fires, UINT64_MAX when it is off or masked. */
uint64_t rvm_virq_timer_deadline(const struct rvm_vm *p);

#endif
