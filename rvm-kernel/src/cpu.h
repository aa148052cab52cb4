/*
 * Secondary CPUs: started through PSCI CPU_ON once the boot is complete. Each
 * sets up what is banked per CPU (its GIC CPU interface and list registers,
 * its hypervisor timer, the EL2 controls for partitions), reports itself
 * online and waits until the boot CPU has placed the partitions, then
 * schedules its own share.
 */
#ifndef RVM_KERNEL_CPU_H
#define RVM_KERNEL_CPU_H

#include <stdint.h>

#include <rvm/dtb.h>

/* Starts every CPU the device tree lists (up to RVM_HAL_CPU_MAX) and waits for each; returns how many are online. */
uint32_t rvm_cpu_bring_up(const rvm_dtb_platform_t *plat, uint64_t vtcr);
/* Lets the started CPUs enter the scheduler (after the partitions are placed). */
void rvm_cpu_release(void);
/* CPUs online, the boot CPU included. */
uint32_t rvm_cpu_online(void);

#endif
