/* CPTR_EL2.TFP control for lazy FP/SIMD switching (AArch64 port; save and restore are in fpsimd.S). */
#include <rvm/fpsimd.h>

#include "sysreg.h"

#define CPTR_EL2_TFP (UINT64_C(1) << 10)

void rvm_arch_fpsimd_trap(bool enable)
{
    uint64_t cptr = sysreg_read_cptr_el2();
    sysreg_write_cptr_el2(enable ? (cptr | CPTR_EL2_TFP) : (cptr & ~CPTR_EL2_TFP));
    /* Without it an FP/SIMD instruction right after the call may still see the old setting. */
    isb();
}

bool rvm_arch_fpsimd_trapped(void)
{
    return (sysreg_read_cptr_el2() & CPTR_EL2_TFP) != 0;
}
