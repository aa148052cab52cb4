/*
 * Secondary CPUs (AArch64 port): logical CPU ids, start-up through PSCI
 * CPU_ON, and the hook a started CPU enters. CPU 0 is the one the image was
 * entered on. A started CPU runs at EL2 with the boot CPU's vector table, its
 * own stack and, when rvm_arch_mmu_init ran before, the same EL2 map.
 */
#ifndef RVM_SMP_H
#define RVM_SMP_H

#include <stdint.h>

#include <rvm/err.h>

/* CPUs the port can run, the boot CPU included (one EL2 stack each). */
#define RVM_HAL_CPU_MAX 8u

/* Logical id of the calling CPU: 0 for the boot CPU, else the id it was started with. */
uint32_t rvm_hal_cpu_id(void);

/*
 * Starts logical CPU `cpu` (1..RVM_HAL_CPU_MAX-1), the core with affinity
 * `mpidr`, through PSCI CPU_ON over SMC (the conduit at EL2 on a platform
 * with EL3 firmware or QEMU's built-in PSCI). RVM_ERR_INVALID_ARGUMENT for an
 * id out of range or a core PSCI does not know, RVM_ERR_INVALID_PARTITION_STATE
 * when the core is already on or starting, RVM_ERR_INTERNAL_ERROR for any other
 * PSCI failure.
 */
rvm_err_t rvm_hal_cpu_start(uint32_t cpu, uint64_t mpidr);

/*
 * Where a CPU started by rvm_hal_cpu_start begins (x0 = its logical id): EL2
 * set up as on the boot CPU, its stack, the EL2 map on, then
 * rvm_hal_secondary_main. Not called from C.
 */
void rvm_hal_secondary_entry(void);

/* Kernel hook: a started CPU's C entry, on its own stack with the MMU on; must not return. */
void rvm_hal_secondary_main(uint32_t cpu);

#endif
