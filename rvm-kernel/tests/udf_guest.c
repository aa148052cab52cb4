/* Check guest that executes an undefined instruction with no EL1 vectors: the fault must stay in its partition. */
#include <stdint.h>

#include <rvm/hypercall.h>

void udf_main(void);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb udf_main");
}

void udf_main(void)
{
    static const char msg[] = "udf: executing udf\n";
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)msg, sizeof msg - 1u, 0, 0, 0, 0);
    __asm__ volatile("udf #0");
    static const char escaped[] = "udf: ESCAPED\n";
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)escaped, sizeof escaped - 1u, 0, 0, 0,
                      0);
    for (;;) {
    }
}
