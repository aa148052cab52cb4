/* vCPU state moves between the trap frame, the EL1 registers and the partition's saved context. */
#include "vcpu.h"

#define SPSR_M_MASK UINT64_C(0xF)
#define SPSR_M_EL1T UINT64_C(0x4)
#define SPSR_M_EL1H UINT64_C(0x5)
/* SPSR.M[4]: 1 would mean an AArch32 target. */
#define SPSR_M4 (UINT64_C(1) << 4)
#define VCPU_MAX_ARGS 8u

void rvm_vcpu_init(rvm_vcpu_t *v, uint64_t entry, uint64_t sp, const uint64_t *args, uint32_t nargs)
{
    *v = (rvm_vcpu_t){ 0 };
    for (uint32_t i = 0; i < nargs && i < VCPU_MAX_ARGS; i++) {
        v->frame.x[i] = args[i];
    }
    v->frame.elr = entry;
    v->frame.spsr = RVM_ARCH_SPSR_EL1H_MASKED;
    v->el1.sctlr = RVM_ARCH_SCTLR_EL1_RESET;
    v->el1.sp_el1 = sp;
}

rvm_err_t rvm_vcpu_check_entry(const rvm_vcpu_t *v, uint64_t base, uint64_t size)
{
    if (v->frame.elr < base || v->frame.elr - base >= size || (v->frame.elr & 3u) != 0u) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    return RVM_OK;
}

void rvm_vcpu_sanitise(rvm_trap_frame_t *f)
{
    uint64_t m = f->spsr & SPSR_M_MASK;
    if ((f->spsr & SPSR_M4) != 0u || (m != SPSR_M_EL1H && m != SPSR_M_EL1T)) {
        f->spsr = RVM_ARCH_SPSR_EL1H_MASKED;
    }
}

void rvm_vcpu_save(rvm_vcpu_t *v, const rvm_trap_frame_t *f)
{
    v->frame = *f;
    rvm_arch_el1_save(&v->el1);
}

void rvm_vcpu_load(rvm_vcpu_t *v, rvm_trap_frame_t *f)
{
    rvm_vcpu_sanitise(&v->frame);
    rvm_arch_el1_restore(&v->el1);
    for (uint32_t i = 0; i < 31u; i++) {
        f->x[i] = v->frame.x[i];
    }
    f->elr = v->frame.elr;
    f->spsr = v->frame.spsr;
}
