/* Check guest that sleeps in WFI: the kernel must run others meanwhile, idle itself when alone, and wake it. */
#include <stdint.h>

#include <rvm/hypercall.h>

#define SLEEPS 5u

void wfi_main(void);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb wfi_main");
}

static void say(const char *s, uint64_t n)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

void wfi_main(void)
{
    static const char begin[] = "wfi: sleeping\n";
    static const char woke[] = "wfi: woke 5 times\n";
    say(begin, sizeof begin - 1u);
    for (uint32_t i = 0; i < SLEEPS; i++) {
        __asm__ volatile("wfi" : : : "memory");
    }
    say(woke, sizeof woke - 1u);
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 0, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
