/*
 * Check guest that never touches FP/SIMD (built general-regs-only): it spins
 * through several ticks between the FP guests, so switches into and out of a
 * partition that leaves the registers to their owner are exercised too.
 */
#include <stdint.h>

#include <rvm/hypercall.h>

#define SPIN_MS 60u
#define MS_PER_S 1000u

void nofp_main(void);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb nofp_main");
}

void nofp_main(void)
{
    static const char done[] = "nofp: done\n";
    uint64_t freq;
    uint64_t start;
    uint64_t now;
    __asm__ volatile("mrs %0, cntfrq_el0\n\tmrs %1, cntvct_el0" : "=r"(freq), "=r"(start));
    do {
        __asm__ volatile("mrs %0, cntvct_el0" : "=r"(now));
    } while (now - start < freq / MS_PER_S * SPIN_MS);
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)done, sizeof done - 1u, 0, 0, 0, 0);
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 0, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
