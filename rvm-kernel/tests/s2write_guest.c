/*
 * Check guest that writes outside its RAM, at the address ADDR given at build
 * time (-DADDR=...): past its 4 MiB, where under an identity map the
 * hypervisor's own allocations and other partitions' RAM would be, or the GIC
 * distributor's MMIO frame, which only the hypervisor may program. Either
 * write must raise a stage-2 data abort that stops this partition alone.
 */
#include <stdint.h>

#include <rvm/hypercall.h>

void s2write_main(void);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb s2write_main");
}

static void say(const char *s, uint64_t n)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

void s2write_main(void)
{
    static const char msg[] = NAME ": writing " ADDR_TEXT "\n";
    static const char escaped[] = NAME ": ESCAPED\n";
    say(msg, sizeof msg - 1u);
    *(volatile uint32_t *)(uintptr_t)ADDR = 0xFFFFFFFFu; // NOLINT(performance-no-int-to-ptr): an IPA
    say(escaped, sizeof escaped - 1u);
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 1, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
