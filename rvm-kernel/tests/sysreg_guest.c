/*
 * Check guest that writes ACTLR_EL1, which HCR_EL2.TACR traps to the
 * hypervisor (EC 0x18): the partition must be stopped for a forbidden system
 * register access, the others unaffected.
 */
#include <stdint.h>

#include <rvm/hypercall.h>

void sysreg_main(void);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb sysreg_main");
}

static void say(const char *s, uint64_t n)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

void sysreg_main(void)
{
    static const char msg[] = "sysreg: writing actlr_el1\n";
    static const char escaped[] = "sysreg: ESCAPED\n";
    say(msg, sizeof msg - 1u);
    __asm__ volatile("msr actlr_el1, xzr" : : : "memory");
    say(escaped, sizeof escaped - 1u);
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 1, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
