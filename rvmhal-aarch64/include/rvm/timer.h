/* Arm generic timer: the EL2 physical timer (CNTHP) as the HAL hypervisor timer (AArch64 port). */
#ifndef RVM_TIMER_H
#define RVM_TIMER_H

#include <stdint.h>

#include <rvm/err.h>

/*
 * The CNTHP interrupt is level-sensitive: an IRQ handler must re-arm or stop
 * the timer before it ends the interrupt, or the same interrupt is taken again.
 */

/* Stops CNTHP and records its INTID (PPI: 16..31; QEMU virt: 26); fails if CNTFRQ_EL0 is 0. */
rvm_err_t rvm_gtimer_init(uint32_t hyp_intid);

#endif
