/*
 * Weak defaults for the kernel's hooks. They keep the library linkable on its
 * own (the freestanding link test links it without a kernel) and turn a
 * missing hook into a message instead of a jump to address 0.
 */
#include <rvm/hal.h>
#include <rvm/smp.h>

static void put_hex(uint64_t v)
{
    rvm_hal_console_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        rvm_hal_console_putc("0123456789abcdef"[(v >> (unsigned)shift) & 0xfu]);
    }
}

__attribute__((weak)) void rvm_hal_main(uint64_t dtb_pa)
{
    rvm_hal_console_puts("[RVM] fatal: no kernel linked (rvm_hal_main missing), dtb=");
    put_hex(dtb_pa);
    rvm_hal_console_puts("\n");
    rvm_hal_halt();
}

__attribute__((weak)) void rvm_hal_trap(rvm_trap_frame_t *frame, unsigned vector)
{
    rvm_hal_console_puts("[RVM] fatal: unhandled trap (rvm_hal_trap missing) vector=");
    put_hex(vector);
    rvm_hal_console_puts(" esr=");
    put_hex(frame->esr);
    rvm_hal_console_puts(" elr=");
    put_hex(frame->elr);
    rvm_hal_console_puts(" far=");
    put_hex(frame->far);
    rvm_hal_console_puts("\n");
    rvm_hal_halt();
}

__attribute__((weak)) void rvm_hal_secondary_main(uint32_t cpu)
{
    rvm_hal_console_puts("[RVM] fatal: CPU started without a kernel hook (rvm_hal_secondary_main missing), cpu=");
    put_hex(cpu);
    rvm_hal_console_puts("\n");
    rvm_hal_halt();
}
