/*
 * EL2 operations the kernel needs to run partitions (AArch64 port): the EL1
 * system-register context of a vCPU, stage-2 activation and TLB maintenance,
 * entry into a partition, and the semihosting exit used to end an image.
 * The kernel keeps the policy (which context, which VMID); the HAL only moves
 * registers, because it is the one place allowed to touch them.
 */
#ifndef RVM_VCPU_H
#define RVM_VCPU_H

#include <stdint.h>

#include <rvm/trap_frame.h>

/*
 * HCR_EL2 while partitions run: VM | SWIO | FMO | IMO | AMO | TWI | TSC | TACR | RW.
 * TSC makes a guest SMC (PSCI) reach the kernel instead of the firmware; TWI
 * lets the kernel give the CPU of a guest waiting in WFI to another partition
 * and sleep itself when no partition has work. TACR: ACTLR_EL1 is
 * implementation-defined control of the core that no vCPU switch carries over,
 * so a partition's write would reach the partitions after it; EL1 access traps
 * (ESR_EL2 EC 0x18).
 */
#define RVM_ARCH_HCR_GUEST UINT64_C(0x8028203B)
/* SCTLR_EL1 of a fresh vCPU: the RES1 bits only, so the MMU and caches are off. */
#define RVM_ARCH_SCTLR_EL1_RESET UINT64_C(0x30D00800)
/* SPSR_EL2 of a fresh vCPU: EL1h with D, A, I and F masked. */
#define RVM_ARCH_SPSR_EL1H_MASKED UINT64_C(0x3C5)

/* The EL1 (and EL0) system registers of one vCPU that a switch must carry over. */
typedef struct rvm_arch_el1_regs {
    uint64_t sctlr;
    uint64_t ttbr0;
    uint64_t ttbr1;
    uint64_t tcr;
    uint64_t mair;
    uint64_t amair;
    uint64_t vbar;
    uint64_t contextidr;
    uint64_t tpidr_el0;
    uint64_t tpidrro_el0;
    uint64_t tpidr_el1;
    uint64_t sp_el0;
    uint64_t sp_el1;
    uint64_t elr_el1;
    uint64_t spsr_el1;
    uint64_t esr_el1;
    uint64_t far_el1;
    uint64_t afsr0;
    uint64_t afsr1;
    uint64_t par;
    uint64_t cpacr;
    uint64_t cntkctl;
    uint64_t cntv_ctl;
    uint64_t cntv_cval;
} rvm_arch_el1_regs_t;

/* Reads the live EL1 registers into *r (the vCPU being switched out). */
void rvm_arch_el1_save(rvm_arch_el1_regs_t *r);
/* Loads *r into the EL1 registers (the vCPU being switched in). */
void rvm_arch_el1_restore(const rvm_arch_el1_regs_t *r);

/* ID_AA64MMFR0_EL1.PARange of this CPU, for rvm_s2_vtcr and rvm_s2_init. */
uint32_t rvm_arch_parange(void);

/*
 * Prepares EL2 for running partitions: VTCR_EL2 = vtcr, HCR_EL2 =
 * RVM_ARCH_HCR_GUEST, FP/SIMD trapped (CPTR_EL2.TFP, until the kernel's lazy
 * switching hands the registers to a partition: rvm/fpsimd.h), SVE and SME
 * trapped for good (CPTR_EL2.TZ, TSM: only the FP/SIMD view is switched), EL1
 * access to the physical counter (not the physical timer), CNTVOFF_EL2 = 0,
 * VPIDR = the real MIDR and VMPIDR = CPU 0 of a uniprocessor (one vCPU per
 * partition). Per CPU: every CPU that runs partitions calls it.
 */
void rvm_arch_guest_setup(uint64_t vtcr);

/* Makes `vttbr` the current stage-2 regime and invalidates its VMID's stage-1 and stage-2 TLB entries. */
void rvm_arch_vttbr_activate(uint64_t vttbr);

/* Waits until stage-2 table writes are visible to the hardware walkers (DSB ISHST). */
void rvm_arch_s2_sync(void);

/* Invalidates every stage-1 and stage-2 TLB entry of `vmid` on all CPUs, keeping the current VTTBR_EL2. */
void rvm_arch_s2_flush_vmid(uint16_t vmid);

/*
 * Loads x0..x30, ELR_EL2 and SPSR_EL2 from *frame and returns to the
 * partition with ERET; the EL2 stack stays where it is, so later traps are
 * taken below the caller's frame. The caller has validated ELR and SPSR.
 */
_Noreturn void rvm_arch_vcpu_enter(const rvm_trap_frame_t *frame);

/* Ends the emulator with `status` through semihosting SYS_EXIT; halts if no debugger or emulator answers. */
_Noreturn void rvm_arch_system_exit(uint32_t status);

#endif
