/*
 * Bare-metal EL2 check of the AArch64 HAL on QEMU virt: entry state and DTB
 * pointer, synchronous traps through the vectors (HVC and BRK: syndrome,
 * return address, registers), CNTHP timer interrupts through the GICv2 with
 * the priority mask honoured, FP/SIMD save, restore and lazy-switch trap,
 * and console receive. Plays the kernel: it provides rvm_hal_main and
 * rvm_hal_trap.
 * Exit status (semihosting): 0 when every check passed, 1 otherwise.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/dtb.h>
#include <rvm/esr.h>
#include <rvm/fpsimd.h>
#include <rvm/gic.h>
#include <rvm/hal.h>
#include <rvm/mmu.h>
#include <rvm/timer.h>
#include <rvm/uart.h>
#include <rvm/vgic.h>

#include "report.h"

/* QEMU virt's devices; the kernel will take them from the device tree. */
#define VIRT_PL011 0x09000000u
#define VIRT_PL011_CLK 24000000u
#define VIRT_GICD 0x08000000u
#define VIRT_GICC 0x08010000u
#define VIRT_GICH 0x08030000u
#define VIRT_VTIMER_INTID 27u
#define VIRT_CNTHP_INTID 26u

#define EC_HVC64 0x16u
#define EC_BRK64 0x3cu
#define HVC_IMM 0x42u
#define BRK_IMM 0x7u
#define TRAP_REPLY 0x5eedull
#define TIMER_IRQS_WANTED 5u

/* What the trap handler saw, for the main flow to check. */
static volatile struct {
    unsigned count;
    unsigned vector;
    uint64_t esr;
    uint64_t elr;
    uint64_t x1;
    uint64_t x9;
    uint64_t x17;
} sync_seen;

/* FP/SIMD access traps (EC 0x07), kept apart from sync_seen so the HVC/BRK checks count only theirs. */
static volatile struct {
    unsigned count;
    uint64_t esr;
    uint64_t elr;
    rvm_trap_kind_t kind;
} fp_seen;

static volatile struct {
    unsigned count;
    unsigned other;
    uint64_t period;
    uint64_t deadline;
    unsigned early;
} tick;

static void timer_arm_period(void)
{
    tick.deadline = rvm_hal_timer_now() + tick.period;
    check(rvm_hal_timer_arm(tick.period) == RVM_OK, "timer arm", 0);
}

static void on_irq(void)
{
    uint32_t ack = rvm_hal_irq_ack();
    uint32_t intid = ack & RVM_HAL_IRQ_INTID_MASK;
    if (intid == rvm_hal_timer_intid()) {
        tick.count++;
        if (rvm_hal_timer_now() < tick.deadline) {
            tick.early++;
        }
        /* Level-sensitive: the line must drop (re-arm or stop) before the EOI. */
        if (tick.count < TIMER_IRQS_WANTED) {
            timer_arm_period();
        } else {
            rvm_hal_timer_stop();
        }
    } else if (intid != RVM_HAL_IRQ_SPURIOUS) {
        tick.other++;
    }
    rvm_hal_irq_eoi(ack);
}

void rvm_hal_trap(rvm_trap_frame_t *frame, unsigned vector)
{
    if (vector == RVM_TRAP_VECTOR_CURRENT_IRQ) {
        on_irq();
        return;
    }
    rvm_trap_t trap;
    rvm_esr_decode(frame->esr, frame->far, frame->hpfar, &trap);
    if (vector == RVM_TRAP_VECTOR_CURRENT_SYNC && trap.kind == RVM_TRAP_FP) {
        fp_seen.count++;
        fp_seen.esr = frame->esr;
        fp_seen.elr = frame->elr;
        fp_seen.kind = trap.kind;
        /* What the kernel's lazy switch does: untrap, then retry the same instruction (ELR left alone). */
        rvm_arch_fpsimd_trap(false);
        return;
    }
    if (vector == RVM_TRAP_VECTOR_CURRENT_SYNC) {
        sync_seen.count++;
        sync_seen.vector = vector;
        sync_seen.esr = frame->esr;
        sync_seen.elr = frame->elr;
        sync_seen.x1 = frame->x[1];
        sync_seen.x9 = frame->x[9];
        sync_seen.x17 = frame->x[17];
        /* HVC returns past itself; BRK returns to itself and would trap forever. */
        if ((frame->esr >> 26) == EC_BRK64) {
            frame->elr += 4;
        }
        frame->x[0] = TRAP_REPLY;
        return;
    }
    rvm_hal_console_puts("[RVM] el2: FAIL unexpected trap vector=");
    put_hex(vector);
    rvm_hal_console_puts(" esr=");
    put_hex(frame->esr);
    rvm_hal_console_puts(" elr=");
    put_hex(frame->elr);
    rvm_hal_console_puts("\n");
    semihost_exit(1);
}

/*
 * The markers are moved into x1, x9 and x17 inside the asm itself, and the
 * registers are clobbers, so no operand can live in them across the trap.
 */
#define TRAP_WITH_MARKERS(insn)                                                                                    \
    __asm__ volatile("mov x0, xzr\n\tmov x1, %[m0]\n\tmov x9, %[m1]\n\tmov x17, %[m2]\n\t"                          \
                     "adr %[pc], 1f\n1:\t" insn "\n\t"                                                              \
                     "mov %[m0], x1\n\tmov %[m1], x9\n\tmov %[m2], x17\n\tmov %[r], x0"                            \
                     : [m0] "+r"(m0), [m1] "+r"(m1), [m2] "+r"(m2), [pc] "=&r"(pc), [r] "=&r"(result)                \
                     :                                                                                             \
                     : "x0", "x1", "x9", "x17", "memory")

/* Runs `hvc #0x42` (brk = false) or `brk #7` with marker values in x1, x9, x17; returns x0 afterwards. */
static uint64_t trap_once(bool brk, uint64_t *trap_pc, uint64_t marks[3])
{
    uint64_t m0 = marks[0];
    uint64_t m1 = marks[1];
    uint64_t m2 = marks[2];
    uint64_t pc;
    uint64_t result;
    if (brk) {
        TRAP_WITH_MARKERS("brk #0x7");
    } else {
        TRAP_WITH_MARKERS("hvc #0x42");
    }
    marks[0] = m0;
    marks[1] = m1;
    marks[2] = m2;
    *trap_pc = pc;
    return result;
}

static void check_sync_trap(bool brk)
{
    const uint64_t want[3] = { 0x1111000000000001ull, 0x9999000000000009ull, 0x1717000000000017ull };
    uint64_t marks[3] = { want[0], want[1], want[2] };
    uint64_t pc = 0;
    unsigned before = sync_seen.count;
    uint64_t x0 = trap_once(brk, &pc, marks);
    uint32_t ec = brk ? EC_BRK64 : EC_HVC64;
    uint32_t imm = brk ? BRK_IMM : HVC_IMM;
    /* IL = 1 (32-bit instruction); ISS = the immediate. */
    uint64_t esr = ((uint64_t)ec << 26) | (1u << 25) | imm;
    /* The frame's ELR is the preferred return address: after an HVC, at a BRK. */
    uint64_t elr = brk ? pc : pc + 4;
    const char *name = brk ? "brk" : "hvc";
    check(sync_seen.count == before + 1, name, sync_seen.count);
    check(sync_seen.vector == RVM_TRAP_VECTOR_CURRENT_SYNC, "sync vector", sync_seen.vector);
    check(sync_seen.esr == esr, "sync esr", sync_seen.esr);
    check(sync_seen.elr == elr, "sync elr", sync_seen.elr);
    check(sync_seen.x1 == want[0] && sync_seen.x9 == want[1] && sync_seen.x17 == want[2], "frame x1/x9/x17", sync_seen.x9);
    check(marks[0] == want[0] && marks[1] == want[1] && marks[2] == want[2], "registers restored", marks[1]);
    check(x0 == TRAP_REPLY, "x0 from the frame", x0);
    rvm_hal_console_puts("[RVM] el2: ");
    rvm_hal_console_puts(name);
    rvm_hal_console_puts(" trap esr=");
    put_hex(sync_seen.esr);
    rvm_hal_console_puts(" elr=");
    put_hex(sync_seen.elr);
    rvm_hal_console_puts("\n");
}

/*
 * Partition-like FP/SIMD states. 528 bytes cannot all differ, so: the bytes
 * of v0..v15 are all distinct, those of v16..v31 too, each differs from the
 * byte 256 before it (a swapped register shows), and the seeds make two
 * states differ in every byte. FPSR and FPCR use only bits every AArch64 CPU
 * implements (cumulative flags and QC; AHP, DN, FZ, RMode).
 */
#define FPSIMD_SEED_A 0x00u
#define FPSIMD_SEED_B 0x80u
#define FPSR_A UINT64_C(0x08000015)
#define FPSR_B UINT64_C(0x0000008a)
#define FPCR_A UINT64_C(0x05400000)
#define FPCR_B UINT64_C(0x02800000)
#define FPSIMD_SWITCHES 3u

static void fpsimd_fill(rvm_arch_fpsimd_state_t *s, uint8_t seed, uint64_t fpsr, uint64_t fpcr)
{
    for (unsigned i = 0; i < 32u; i++) {
        for (unsigned j = 0; j < 16u; j++) {
            unsigned k = i * 16u + j;
            s->v[i][j] = (uint8_t)(k + seed + (k >> 8) * 0x5bu);
        }
    }
    s->fpsr = fpsr;
    s->fpcr = fpcr;
}

/* 0 when equal, else 1 + the offset of the first differing byte (512 + n for FPSR/FPCR), as a failure detail. */
static uint64_t fpsimd_diff(const rvm_arch_fpsimd_state_t *got, const rvm_arch_fpsimd_state_t *want)
{
    for (unsigned i = 0; i < 32u; i++) {
        for (unsigned j = 0; j < 16u; j++) {
            if (got->v[i][j] != want->v[i][j]) {
                return 1u + i * 16u + j;
            }
        }
    }
    if (got->fpsr != want->fpsr) {
        return 1u + 512u;
    }
    if (got->fpcr != want->fpcr) {
        return 1u + 520u;
    }
    return 0;
}

static void check_fpsimd(void)
{
    static rvm_arch_fpsimd_state_t a;
    static rvm_arch_fpsimd_state_t b;
    static rvm_arch_fpsimd_state_t want_a;
    static rvm_arch_fpsimd_state_t want_b;
    static rvm_arch_fpsimd_state_t out;

    rvm_arch_fpsimd_trap(false);
    check(!rvm_arch_fpsimd_trapped(), "fpsimd untrapped", 0);
    fpsimd_fill(&want_a, FPSIMD_SEED_A, FPSR_A, FPCR_A);
    fpsimd_fill(&want_b, FPSIMD_SEED_B, FPSR_B, FPCR_B);
    a = want_a;
    b = want_b;

    /* Round trip through the registers, FPSR and FPCR included. */
    rvm_arch_fpsimd_restore(&a);
    rvm_arch_fpsimd_save(&out);
    check(fpsimd_diff(&out, &want_a) == 0, "fpsimd round trip", fpsimd_diff(&out, &want_a));

    /* Two owners taking turns: each save must capture what its restore loaded. */
    for (unsigned n = 0; n < FPSIMD_SWITCHES; n++) {
        rvm_arch_fpsimd_save(&a);
        rvm_arch_fpsimd_restore(&b);
        rvm_arch_fpsimd_save(&b);
        rvm_arch_fpsimd_restore(&a);
    }
    rvm_arch_fpsimd_save(&a);
    check(fpsimd_diff(&a, &want_a) == 0, "fpsimd switch keeps a", fpsimd_diff(&a, &want_a));
    check(fpsimd_diff(&b, &want_b) == 0, "fpsimd switch keeps b", fpsimd_diff(&b, &want_b));

    /* Trapped: the save's first instruction traps once, the handler untraps, the retry saves state a. */
    unsigned before = fp_seen.count;
    out = want_b;
    rvm_arch_fpsimd_trap(true);
    check(rvm_arch_fpsimd_trapped(), "fpsimd trapped", 0);
    rvm_arch_fpsimd_save(&out);
    check(fp_seen.count == before + 1, "fpsimd one trap", fp_seen.count - before);
    check((fp_seen.esr >> 26) == RVM_ESR_EC_FP, "fpsimd trap ec", fp_seen.esr);
    check(fp_seen.kind == RVM_TRAP_FP, "fpsimd trap decoded", fp_seen.kind);
    check(fp_seen.elr == (uint64_t)(uintptr_t)rvm_arch_fpsimd_save, "fpsimd trap elr", fp_seen.elr);
    check(!rvm_arch_fpsimd_trapped(), "fpsimd untrapped by handler", 0);
    check(fpsimd_diff(&out, &want_a) == 0, "fpsimd save after retry", fpsimd_diff(&out, &want_a));

    /* Untrapped: no FP/SIMD instruction may trap. */
    before = fp_seen.count;
    rvm_arch_fpsimd_restore(&b);
    rvm_arch_fpsimd_save(&out);
    check(fp_seen.count == before, "fpsimd no trap", fp_seen.count - before);
    check(fpsimd_diff(&out, &want_b) == 0, "fpsimd untrapped round trip", fpsimd_diff(&out, &want_b));

    rvm_hal_console_puts("[RVM] el2: fpsimd trap esr=");
    put_hex(fp_seen.esr);
    rvm_hal_console_puts(" elr=");
    put_hex(fp_seen.elr);
    rvm_hal_console_puts("\n");
}

/* Busy-waits (no WFI, so a missing interrupt cannot hang the test) until `cond` or `ticks` pass. */
static bool wait_until(const volatile unsigned *counter, unsigned target, uint64_t ticks)
{
    uint64_t end = rvm_hal_timer_now() + ticks;
    while (*counter < target) {
        if (rvm_hal_timer_now() > end) {
            return false;
        }
    }
    return true;
}

static void check_timer_irqs(void)
{
    uint64_t freq = rvm_hal_timer_freq();
    check(rvm_hal_timer_arm(1) == RVM_ERR_INTERNAL_ERROR, "arm before init fails", 0);
    check(rvm_gtimer_init(VIRT_CNTHP_INTID) == RVM_OK, "timer init", 0);
    check(rvm_gicv2_init(VIRT_GICD, VIRT_GICC) == RVM_OK, "gicv2 init", 0);
    check(rvm_hal_irq_enable(1020) == RVM_ERR_INVALID_ARGUMENT, "intid 1020 refused", 0);
    check(rvm_hal_irq_enable(rvm_hal_timer_intid()) == RVM_OK, "enable cnthp", rvm_hal_timer_intid());
    tick.period = freq / 1000u; /* 1 ms */

    /* Priority mask 0 lets nothing through: the due timer must stay pending, not taken. */
    check(rvm_gicv2_set_priority_mask(0) == RVM_OK, "pmr 0", 0);
    timer_arm_period();
    rvm_hal_irq_local_enable();
    check(!wait_until(&tick.count, 1, 5u * tick.period), "masked by pmr", tick.count);
    /* WFI must wake on the pending interrupt even with PSTATE.I set. */
    rvm_hal_irq_local_disable();
    check(rvm_gicv2_set_priority_mask(RVM_GICV2_DEFAULT_PMR) == RVM_OK, "pmr default", 0);
    rvm_hal_wait_for_interrupt();
    check(tick.count == 0, "no irq while masked", tick.count);
    uint64_t start = rvm_hal_timer_now();
    rvm_hal_irq_local_enable();
    bool all = wait_until(&tick.count, TIMER_IRQS_WANTED, 5u * freq);
    uint64_t took = rvm_hal_timer_now() - start;
    rvm_hal_irq_local_disable();
    check(all, "timer irqs", tick.count);
    check(tick.early == 0, "no tick before its deadline", tick.early);
    check(tick.other == 0, "no other interrupt", tick.other);
    /* Stopped after the last tick: nothing more may arrive. */
    rvm_hal_irq_local_enable();
    check(!wait_until(&tick.count, TIMER_IRQS_WANTED + 1, 3u * tick.period), "timer stopped", tick.count);
    rvm_hal_irq_local_disable();
    check(rvm_hal_irq_disable(rvm_hal_timer_intid()) == RVM_OK, "disable cnthp", 0);
    rvm_hal_console_puts("[RVM] el2: timer irqs=");
    put_hex(tick.count);
    rvm_hal_console_puts(" freq=");
    put_hex(freq);
    rvm_hal_console_puts(" ticks=");
    put_hex(took);
    rvm_hal_console_puts("\n");
}

/* The harness types "rvm" once it reads the ready line; ten seconds leave room for a loaded host. */
static void check_console_rx(void)
{
    static const char want[] = "rvm";
    size_t got = 0;
    rvm_hal_console_puts("[RVM] el2: console rx ready\n");
    uint64_t end = rvm_hal_timer_now() + 10u * rvm_hal_timer_freq();
    while (got < sizeof want - 1 && rvm_hal_timer_now() < end) {
        int c = rvm_hal_console_getc();
        if (c < 0) {
            continue;
        }
        check(c == want[got], "console rx byte", (uint64_t)c);
        got++;
    }
    check(got == sizeof want - 1, "console rx count", got);
}

/* List-register bookkeeping at EL2; delivery to a partition is proven by the kernel's vtimer test. */
static void check_vgic(void)
{
    static rvm_vgic_state_t s;
    static rvm_vgic_state_t fresh;
    check(rvm_vgic_init(0) == RVM_ERR_INVALID_ARGUMENT, "vgic init 0", 0);
    check(rvm_vgic_inject(&s, true, 27, 0xa0, 27) == RVM_ERR_INTERNAL_ERROR, "vgic inject before init", 0);
    check(rvm_vgic_init(VIRT_GICH) == RVM_OK, "vgic init", 0);
    uint32_t n = rvm_vgic_lr_count();
    check(n >= 1u && n <= RVM_VGIC_LR_MAX, "vgic list registers", n);
    rvm_vgic_state_init(&fresh);
    rvm_vgic_restore(&fresh);
    check(!rvm_vgic_pending(&fresh, true), "vgic nothing pending", 0);
    check(rvm_vgic_inject(&s, true, VIRT_VTIMER_INTID, 0xa0, VIRT_VTIMER_INTID) == RVM_OK, "vgic inject hw", 0);
    check(rvm_vgic_pending(&s, true), "vgic pending live", 0);
    check(rvm_vgic_inject(&s, true, VIRT_VTIMER_INTID, 0xa0, VIRT_VTIMER_INTID) == RVM_OK, "vgic inject again", 0);
    check(rvm_vgic_inject(&s, true, 1020, 0xa0, RVM_VGIC_NO_PINTID) == RVM_ERR_INVALID_ARGUMENT, "vgic vintid 1020", 0);
    check(rvm_vgic_inject(&s, true, 40, 0xa0, 32) == RVM_ERR_INVALID_ARGUMENT, "vgic pintid 32", 0);
    /* The repeated injection took no second register: n - 1 remain for distinct interrupts. */
    uint32_t taken = 1;
    while (taken < n && rvm_vgic_inject(&s, true, 100u + taken, 0x80, RVM_VGIC_NO_PINTID) == RVM_OK) {
        taken++;
    }
    check(taken == n, "vgic fills every list register", taken);
    check(rvm_vgic_inject(&s, true, 999, 0x80, RVM_VGIC_NO_PINTID) == RVM_ERR_RESOURCE_LIMIT_EXCEEDED, "vgic full", 0);
    rvm_vgic_save(&s);
    /* HW | pending | priority 0xa0 >> 3 | pINTID 27 | vINTID 27. */
    uint32_t want = (1u << 31) | (1u << 28) | (0x14u << 23) | (27u << 10) | 27u;
    check(s.lr[0] == want, "vgic saved list register", s.lr[0]);
    check(s.hw_active == (1u << VIRT_VTIMER_INTID), "vgic forwarded active", s.hw_active);
    rvm_vgic_restore(&fresh);
    check(!rvm_vgic_pending(&fresh, true), "vgic switched to fresh", 0);
    rvm_vgic_restore(&s);
    check(rvm_vgic_pending(&s, true), "vgic switched back", 0);
    check(rvm_vgic_inject(&s, true, 999, 0x80, RVM_VGIC_NO_PINTID) == RVM_ERR_RESOURCE_LIMIT_EXCEEDED, "vgic full again", 0);
    rvm_vgic_save(&s);
    rvm_vgic_restore(&fresh);
    rvm_hal_console_puts("[RVM] el2: vgic list registers=");
    put_hex(n);
    rvm_hal_console_puts("\n");
}

/* The EL2 identity map from the device tree; every later check then runs with the MMU and caches on. */
static void check_mmu(uint64_t dtb_pa)
{
    static rvm_dtb_t dtb;
    static rvm_dtb_platform_t plat;
    const void *blob = (const void *)(uintptr_t)dtb_pa; // NOLINT(performance-no-int-to-ptr): a physical address
    check(rvm_dtb_open(&dtb, blob, 1u << 20) == RVM_OK, "mmu: dtb open", 0);
    check(rvm_dtb_read_platform(&dtb, &plat) == RVM_OK, "mmu: dtb platform", 0);
    check(rvm_arch_mmu_enable() == RVM_ERR_INTERNAL_ERROR, "mmu enable before init", 0);
    check(!rvm_arch_mmu_enabled(), "mmu off at entry", 0);
    const rvm_mmu_region_t beyond = { UINT64_C(1) << RVM_MMU_VA_BITS, 4096, true };
    const rvm_mmu_region_t empty = { 0x40000000u, 0, false };
    check(rvm_arch_mmu_init(NULL, 1) == RVM_ERR_INVALID_ARGUMENT, "mmu init NULL", 0);
    check(rvm_arch_mmu_init(&beyond, 1) == RVM_ERR_INVALID_ARGUMENT, "mmu init beyond the VA range", 0);
    check(rvm_arch_mmu_init(&empty, 1) == RVM_ERR_INVALID_ARGUMENT, "mmu init empty region", 0);
    rvm_mmu_region_t r[RVM_MMU_REGION_MAX];
    uint32_t n = 0;
    for (uint32_t i = 0; i < plat.memory_count && n < 8u; i++) {
        r[n++] = (rvm_mmu_region_t){ plat.memory[i].base, plat.memory[i].size, false };
    }
    r[n++] = (rvm_mmu_region_t){ plat.uart.base, plat.uart.size, true };
    r[n++] = (rvm_mmu_region_t){ plat.gicd.base, plat.gicd.size, true };
    r[n++] = (rvm_mmu_region_t){ plat.gicc.base, plat.gicc.size, true };
    r[n++] = (rvm_mmu_region_t){ plat.gich.base, plat.gich.size, true };
    check(rvm_arch_mmu_init(r, n) == RVM_OK, "mmu init", n);
    check(rvm_arch_mmu_enabled(), "mmu on", 0);
    /* Device memory over the RAM's first 2 MiB block: refused, the map unchanged. */
    const rvm_mmu_region_t clash = { plat.memory[0].base, 4096, true };
    check(rvm_arch_mmu_init(&clash, 1) == RVM_ERR_MEMORY_OVERLAP, "mmu device over RAM", 0);
    static volatile uint64_t probe;
    probe = 0x1234;
    check(probe == 0x1234, "mmu RAM reads back", probe);
    rvm_hal_console_puts("[RVM] el2: mmu on\n");
}

void rvm_hal_main(uint64_t dtb_pa)
{
    check(rvm_pl011_init(VIRT_PL011, VIRT_PL011_CLK, 115200) == RVM_OK, "pl011 init", 0);
    rvm_hal_console_puts("[RVM] el2: boot dtb=");
    put_hex(dtb_pa);
    rvm_hal_console_puts("\n");
    /* Big-endian 0xd00dfeed at the start of the blob; the ELF boot found it at the RAM base. */
    const volatile uint8_t *fdt = (const volatile uint8_t *)(uintptr_t)dtb_pa; // NOLINT(performance-no-int-to-ptr): a physical address
    check(dtb_pa != 0 && fdt[0] == 0xd0 && fdt[1] == 0x0d && fdt[2] == 0xfe && fdt[3] == 0xed, "dtb magic", dtb_pa);

    check_mmu(dtb_pa);
    check_sync_trap(false);
    check_sync_trap(true);
    check_fpsimd();
    check_timer_irqs();
    check_vgic();
    check_console_rx();

    if (failures == 0) {
        rvm_hal_console_puts("[RVM] el2: PASS\n");
        semihost_exit(0);
    }
    rvm_hal_console_puts("[RVM] el2: FAILED\n");
    semihost_exit(1);
}
