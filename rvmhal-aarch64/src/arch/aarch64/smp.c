/* Secondary CPU start-up through PSCI CPU_ON (AArch64 port). */
#include <rvm/smp.h>

#include "platform.h"
#include "sysreg.h"

_Static_assert(RVM_HAL_ARCH_CPU_MAX == RVM_HAL_CPU_MAX, "entry.S reserves a stack for every CPU of rvm/smp.h");

#define PSCI_CPU_ON_64 0xC4000003u
#define PSCI_SUCCESS 0
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INVALID_ADDRESS (-9)

uint32_t rvm_hal_cpu_id(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, tpidr_el2" : "=r"(v));
    return (uint32_t)v;
}

static int64_t smc4(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    /* SMCCC: x4..x17 may be clobbered by the callee. */
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
                       "memory");
    return (int64_t)x0;
}

rvm_err_t rvm_hal_cpu_start(uint32_t cpu, uint64_t mpidr)
{
    if (cpu == 0u || cpu >= RVM_HAL_CPU_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* The new CPU reads what it needs with its MMU and caches still off: it must be in memory, not only in ours. */
    dsb_sy();
    int64_t r = smc4(PSCI_CPU_ON_64, mpidr, (uint64_t)(uintptr_t)&rvm_hal_secondary_entry, cpu);
    switch (r) {
    case PSCI_SUCCESS:
        return RVM_OK;
    case PSCI_INVALID_PARAMETERS:
    case PSCI_INVALID_ADDRESS:
        return RVM_ERR_INVALID_ARGUMENT;
    case PSCI_ALREADY_ON:
    case PSCI_ON_PENDING:
        return RVM_ERR_INVALID_PARTITION_STATE;
    default:
        return RVM_ERR_INTERNAL_ERROR;
    }
}
