/* A partition's virtual CPU: the register state that lives in the hardware only while it runs. */
#ifndef RVM_KERNEL_VCPU_H
#define RVM_KERNEL_VCPU_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/trap_frame.h>
#include <rvm/vcpu.h>

typedef struct rvm_vcpu {
    rvm_trap_frame_t frame;   /* x0..x30, ELR_EL2, SPSR_EL2 as the vectors save and restore them */
    rvm_arch_el1_regs_t el1;  /* EL1 system registers, SP_EL0/SP_EL1 and the virtual timer */
} rvm_vcpu_t;

/* Reset state: EL1h with interrupts masked, MMU off, ELR = entry, SP_EL1 = sp, x0.. as given (up to 8). */
void rvm_vcpu_init(rvm_vcpu_t *v, uint64_t entry, uint64_t sp, const uint64_t *args, uint32_t nargs);
/* RVM_OK when the entry point lies inside [base, base + size), 4-byte aligned: no partition starts outside its RAM. */
rvm_err_t rvm_vcpu_check_entry(const rvm_vcpu_t *v, uint64_t base, uint64_t size);
/* Forces SPSR_EL2 to EL1h or EL1t (else EL1h masked), so no ERET can reach EL2 or AArch32. */
void rvm_vcpu_sanitise(rvm_trap_frame_t *f);
/* Takes the running vCPU's state off the CPU: the trap frame and the live EL1 registers. */
void rvm_vcpu_save(rvm_vcpu_t *v, const rvm_trap_frame_t *f);
/* Puts a vCPU on the CPU: EL1 registers now, GPRs/ELR/SPSR into the frame the vectors return through. */
void rvm_vcpu_load(rvm_vcpu_t *v, rvm_trap_frame_t *f);

#endif
