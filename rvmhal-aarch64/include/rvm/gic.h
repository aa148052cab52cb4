/* GICv2 distributor and CPU interface as the HAL interrupt controller (AArch64 port). */
#ifndef RVM_GIC_H
#define RVM_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>

/* Priority given to every interrupt enabled through rvm_hal_irq_enable. */
#define RVM_GICV2_IRQ_PRIORITY 0xa0u
/* Priority mask after init: lets RVM_GICV2_IRQ_PRIORITY through. */
#define RVM_GICV2_DEFAULT_PMR 0xf0u

/*
 * Takes over the GICv2 at the given distributor and CPU-interface bases (from
 * the device tree): every interrupt disabled, both groups delivered as IRQ,
 * the end of an interrupt split into priority drop and deactivation (the CPU
 * interface needs its second 4 KiB page, GICC_DIR) so that forwarded
 * interrupts can stay active (rvm/vgic.h).
 * RVM_ERR_UNSUPPORTED if the distributor is not GICv2, RVM_ERR_INVALID_ARGUMENT for a 0 base.
 */
rvm_err_t rvm_gicv2_init(uintptr_t gicd_base, uintptr_t gicc_base);
/* Sets up the calling CPU's interface and banked SGIs/PPIs as init did the boot CPU's; RVM_ERR_INTERNAL_ERROR before init. */
rvm_err_t rvm_gicv2_cpu_init(void);
/* Sets the CPU interface's priority mask: only priorities numerically below `pmr` are signalled. */
rvm_err_t rvm_gicv2_set_priority_mask(uint8_t pmr);
/* True once rvm_gicv2_init has taken over a distributor. */
bool rvm_gicv2_ready(void);
/* Sets or clears the active state of `intid` (this CPU's banked copy below 32); ignored before init. */
void rvm_gicv2_set_active(uint32_t intid, bool active);

#endif
