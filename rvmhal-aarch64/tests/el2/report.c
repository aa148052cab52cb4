/* Console reporting and the semihosting exit of the EL2 test images (report.h). */
#include "report.h"

#include <rvm/hal.h>

unsigned failures;

void put_hex(uint64_t v)
{
    rvm_hal_console_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        rvm_hal_console_putc("0123456789abcdef"[(v >> (unsigned)shift) & 0xfu]);
    }
}

void check(bool ok, const char *what, uint64_t detail)
{
    if (ok) {
        return;
    }
    failures++;
    rvm_hal_console_puts("[RVM] el2: FAIL ");
    rvm_hal_console_puts(what);
    rvm_hal_console_puts(" detail=");
    put_hex(detail);
    rvm_hal_console_puts("\n");
}

_Noreturn void semihost_exit(uint64_t status)
{
    uint64_t block[2] = { 0x20026u, status };
    register uint64_t x0 __asm__("x0") = 0x18u;
    register uint64_t *x1 __asm__("x1") = block;
    __asm__ volatile("hlt #0xf000" : : "r"(x0), "r"(x1) : "memory");
    rvm_hal_halt();
}
