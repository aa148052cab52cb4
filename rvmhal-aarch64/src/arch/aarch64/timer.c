/* CNTHP, the EL2 physical timer, as the HAL hypervisor timer. */
#include <rvm/hal.h>
#include <rvm/timer.h>

#include "sysreg.h"

#define CTL_ENABLE 1u
#define FIRST_PPI 16u
#define LAST_PPI 31u

static uint32_t timer_intid;
static bool timer_ready;

rvm_err_t rvm_gtimer_init(uint32_t hyp_intid)
{
    if (hyp_intid < FIRST_PPI || hyp_intid > LAST_PPI) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    sysreg_write_cnthp_ctl_el2(0);
    isb();
    if (sysreg_read_cntfrq_el0() == 0) {
        return RVM_ERR_UNSUPPORTED;
    }
    timer_intid = hyp_intid;
    timer_ready = true;
    return RVM_OK;
}

uint64_t rvm_hal_timer_freq(void)
{
    return sysreg_read_cntfrq_el0();
}

uint64_t rvm_hal_timer_now(void)
{
    return sysreg_read_cntpct_el0();
}

rvm_err_t rvm_hal_timer_arm(uint64_t ticks)
{
    if (!timer_ready) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    /* CVAL, not TVAL: TVAL is a signed 32-bit delta and would wrap for long deadlines. */
    uint64_t now = sysreg_read_cntpct_el0();
    uint64_t delta = ticks == 0 ? 1u : ticks;
    uint64_t deadline = delta > UINT64_MAX - now ? UINT64_MAX : now + delta;
    sysreg_write_cnthp_cval_el2(deadline);
    sysreg_write_cnthp_ctl_el2(CTL_ENABLE);
    isb();
    return RVM_OK;
}

void rvm_hal_timer_stop(void)
{
    sysreg_write_cnthp_ctl_el2(0);
    isb();
}

uint32_t rvm_hal_timer_intid(void)
{
    return timer_intid;
}
