/* CPU-local HAL operations of the AArch64 port. */
#include <rvm/hal.h>

#include "sysreg.h"

void rvm_hal_irq_local_enable(void)
{
    irq_unmask();
}

void rvm_hal_irq_local_disable(void)
{
    irq_mask();
}

void rvm_hal_wait_for_interrupt(void)
{
    /* WFI wakes on a pending interrupt even while PSTATE.I masks it, which is what idle loops rely on. */
    dsb_sy();
    wfi();
}

_Noreturn void rvm_hal_halt(void)
{
    all_exceptions_mask();
    for (;;) {
        wfi();
    }
}
