/* EL1 context switch, stage-2 activation and TLB maintenance for partitions (AArch64 port). */
#include <rvm/vcpu.h>

#include "sysreg.h"

/*
 * CPTR_EL2: RES1 bits (TZ and TSM among them, so SVE and SME stay trapped) with TFP set: no partition owns
 * the FP/SIMD registers yet, so the first use traps and the kernel's lazy switching hands them over.
 */
#define CPTR_EL2_GUEST (UINT64_C(0x33FF) | (UINT64_C(1) << 10))
/*
 * CNTHCTL_EL2: EL1PCTEN alone. The physical counter stays readable at EL1, but
 * the physical timer is the hardware's one, not switched with the vCPU: its
 * registers trap (EC 0x18), and a partition keeps time with its virtual timer.
 */
#define CNTHCTL_EL2_GUEST UINT64_C(1)
/*
 * MPIDR a vCPU reads: bit 31 (RES1), affinity 0. Every partition has one
 * vCPU, so each sees itself as CPU 0 of a uniprocessor, whichever physical
 * CPU it is placed on.
 */
#define VMPIDR_EL2_VCPU0 (UINT64_C(1) << 31)
#define VTTBR_VMID_SHIFT 48u
#define PARANGE_MASK UINT64_C(0xF)

/* Plain moves between a C variable and a named register; the name must be an assembler literal. */
#define MRS(reg, var) __asm__ volatile("mrs %0, " #reg : "=r"(var))
#define MSR(reg, val) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(val)) : "memory")

void rvm_arch_el1_save(rvm_arch_el1_regs_t *r)
{
    MRS(sctlr_el1, r->sctlr);
    MRS(ttbr0_el1, r->ttbr0);
    MRS(ttbr1_el1, r->ttbr1);
    MRS(tcr_el1, r->tcr);
    MRS(mair_el1, r->mair);
    MRS(amair_el1, r->amair);
    MRS(vbar_el1, r->vbar);
    MRS(contextidr_el1, r->contextidr);
    MRS(tpidr_el0, r->tpidr_el0);
    MRS(tpidrro_el0, r->tpidrro_el0);
    MRS(tpidr_el1, r->tpidr_el1);
    MRS(sp_el0, r->sp_el0);
    MRS(sp_el1, r->sp_el1);
    MRS(elr_el1, r->elr_el1);
    MRS(spsr_el1, r->spsr_el1);
    MRS(esr_el1, r->esr_el1);
    MRS(far_el1, r->far_el1);
    MRS(afsr0_el1, r->afsr0);
    MRS(afsr1_el1, r->afsr1);
    MRS(par_el1, r->par);
    MRS(cpacr_el1, r->cpacr);
    MRS(cntkctl_el1, r->cntkctl);
    MRS(cntv_ctl_el0, r->cntv_ctl);
    MRS(cntv_cval_el0, r->cntv_cval);
}

void rvm_arch_el1_restore(const rvm_arch_el1_regs_t *r)
{
    MSR(sctlr_el1, r->sctlr);
    MSR(ttbr0_el1, r->ttbr0);
    MSR(ttbr1_el1, r->ttbr1);
    MSR(tcr_el1, r->tcr);
    MSR(mair_el1, r->mair);
    MSR(amair_el1, r->amair);
    MSR(vbar_el1, r->vbar);
    MSR(contextidr_el1, r->contextidr);
    MSR(tpidr_el0, r->tpidr_el0);
    MSR(tpidrro_el0, r->tpidrro_el0);
    MSR(tpidr_el1, r->tpidr_el1);
    MSR(sp_el0, r->sp_el0);
    MSR(sp_el1, r->sp_el1);
    MSR(elr_el1, r->elr_el1);
    MSR(spsr_el1, r->spsr_el1);
    MSR(esr_el1, r->esr_el1);
    MSR(far_el1, r->far_el1);
    MSR(afsr0_el1, r->afsr0);
    MSR(afsr1_el1, r->afsr1);
    MSR(par_el1, r->par);
    MSR(cpacr_el1, r->cpacr);
    MSR(cntkctl_el1, r->cntkctl);
    /* The compare value first: enabling a timer against the previous partition's deadline could fire at once. */
    MSR(cntv_cval_el0, r->cntv_cval);
    MSR(cntv_ctl_el0, r->cntv_ctl);
    isb();
}

uint32_t rvm_arch_parange(void)
{
    uint64_t mmfr0;
    MRS(id_aa64mmfr0_el1, mmfr0);
    return (uint32_t)(mmfr0 & PARANGE_MASK);
}

void rvm_arch_guest_setup(uint64_t vtcr)
{
    uint64_t midr;
    MRS(midr_el1, midr);
    MSR(vpidr_el2, midr);
    MSR(vmpidr_el2, VMPIDR_EL2_VCPU0);
    MSR(vtcr_el2, vtcr);
    MSR(cptr_el2, CPTR_EL2_GUEST);
    MSR(cnthctl_el2, CNTHCTL_EL2_GUEST);
    MSR(cntvoff_el2, 0);
    MSR(hcr_el2, RVM_ARCH_HCR_GUEST);
    isb();
}

void rvm_arch_vttbr_activate(uint64_t vttbr)
{
    MSR(vttbr_el2, vttbr);
    isb();
    __asm__ volatile("tlbi vmalls12e1\n\tdsb ish\n\tisb" : : : "memory");
}

void rvm_arch_s2_sync(void)
{
    __asm__ volatile("dsb ishst" : : : "memory");
}

void rvm_arch_s2_flush_vmid(uint16_t vmid)
{
    uint64_t saved;
    MRS(vttbr_el2, saved);
    /* TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2, so borrow the register for the target VMID. */
    MSR(vttbr_el2, (uint64_t)vmid << VTTBR_VMID_SHIFT);
    isb();
    __asm__ volatile("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish" : : : "memory");
    MSR(vttbr_el2, saved);
    isb();
}
