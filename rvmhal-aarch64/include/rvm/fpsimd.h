/*
 * FP/SIMD register file of the AArch64 port, for lazy switching between
 * partitions (spec §4.5). EL2 code is built general-regs-only, so the
 * registers hold whichever partition used them last; the kernel leaves
 * CPTR_EL2.TFP set after a switch, and the partition's first FP/SIMD
 * instruction traps to EL2 with ESR_EL2.EC = 0x07 (RVM_ESR_EC_FP, decoded as
 * RVM_TRAP_FP by rvm/esr.h). The kernel then clears the trap, saves the
 * previous owner's state, restores the new owner's and returns to the same
 * instruction (ELR_EL2 unchanged), which runs again without trapping.
 *
 * Only the Advanced SIMD/FP view is covered: SVE and SME state must stay
 * trapped (CPTR_EL2.TZ and TSM, as rvm_arch_guest_setup leaves them), since
 * writing a V register zeroes the upper part of the Z register behind it.
 */
#ifndef RVM_FPSIMD_H
#define RVM_FPSIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One partition's FP/SIMD state; the layout is shared with fpsimd.S. */
typedef struct rvm_arch_fpsimd_state {
    /* v0..v31, 16 bytes each in the order a Q-register store writes them. */
    _Alignas(16) uint8_t v[32][16];
    /* Upper halves are RES0 today; kept 64-bit so a later extension's bits survive a switch. */
    uint64_t fpsr;
    uint64_t fpcr;
} rvm_arch_fpsimd_state_t;

_Static_assert(offsetof(rvm_arch_fpsimd_state_t, fpsr) == 512, "FP/SIMD layout is shared with fpsimd.S");
_Static_assert(offsetof(rvm_arch_fpsimd_state_t, fpcr) == 520, "FP/SIMD layout is shared with fpsimd.S");
_Static_assert(sizeof(rvm_arch_fpsimd_state_t) == 528, "FP/SIMD layout is shared with fpsimd.S");
_Static_assert(_Alignof(rvm_arch_fpsimd_state_t) == 16, "Q-register pairs are stored 16-byte aligned");

/*
 * Copy the live registers to *s, and *s to the live registers. Both execute
 * FP/SIMD instructions at EL2, so they must run with the trap cleared
 * (rvm_arch_fpsimd_trap(false)); with it set they trap to EL2 themselves.
 * No ISB is needed after a restore: FPSR and FPCR writes are ordered before
 * later FP instructions without one.
 */
void rvm_arch_fpsimd_save(rvm_arch_fpsimd_state_t *s);
void rvm_arch_fpsimd_restore(const rvm_arch_fpsimd_state_t *s);

/*
 * Sets (enable) or clears CPTR_EL2.TFP, leaving the other bits as they are,
 * and synchronises, so the next instruction is already trapped or not. With
 * HCR_EL2.E2H = 0 the trap covers EL2 as well as EL1 and EL0.
 */
void rvm_arch_fpsimd_trap(bool enable);
/* Whether CPTR_EL2.TFP is set on this CPU. */
bool rvm_arch_fpsimd_trapped(void);

#endif
