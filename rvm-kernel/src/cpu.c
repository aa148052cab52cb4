/* Secondary CPU bring-up (see cpu.h). */
#include "cpu.h"

#include <stdbool.h>

#include <rvm/gic.h>
#include <rvm/hal.h>
#include <rvm/smp.h>
#include <rvm/timer.h>
#include <rvm/vcpu.h>

#include "console.h"
#include "lock.h"
#include "dispatch.h"
#include "virq.h"

/* A CPU that has not come up within this long is reported and left out. */
#define START_TIMEOUT_MS 500u
#define MS_PER_S 1000u

static uint32_t online_mask = 1u; /* bit n: logical CPU n is set up; the boot CPU is */
static uint32_t released;
static uint64_t guest_vtcr;

uint32_t rvm_cpu_online(void)
{
    return (uint32_t)__builtin_popcount(__atomic_load_n(&online_mask, __ATOMIC_ACQUIRE));
}

static bool wait_online(uint32_t cpu)
{
    uint64_t deadline = rvm_hal_timer_now() + rvm_hal_timer_freq() * START_TIMEOUT_MS / MS_PER_S;
    while ((__atomic_load_n(&online_mask, __ATOMIC_ACQUIRE) & (1u << cpu)) == 0u) {
        if (rvm_hal_timer_now() > deadline) {
            return false;
        }
    }
    return true;
}

static void report(uint32_t cpu, const char *what, int64_t err)
{
    rvm_console_begin();
    rvm_console_str("cpu ");
    rvm_console_dec(cpu);
    rvm_console_str(": ");
    rvm_console_str(what);
    if (err != 0) {
        rvm_console_str(" (err ");
        rvm_console_dec((uint64_t)(-err));
        rvm_console_str(")");
    }
    rvm_console_end();
}

uint32_t rvm_cpu_bring_up(const rvm_dtb_platform_t *plat, uint64_t vtcr)
{
    guest_vtcr = vtcr;
    if (plat->cpu_count > 1u && plat->psci_method != RVM_DTB_PSCI_SMC) {
        rvm_console_line("cpus: the device tree gives no PSCI over SMC, running on the boot CPU only");
        return 1;
    }
    uint32_t next = 1;
    for (uint32_t i = 0; i < plat->cpu_count && i < RVM_DTB_MAX_CPUS && next < RVM_HAL_CPU_MAX; i++) {
        /* The boot CPU is the one with affinity 0 (the entry code parks any other). */
        if ((plat->cpu_mpidr[i] & UINT64_C(0xff00ffffff)) == 0u) {
            continue;
        }
        uint32_t cpu = next++;
        rvm_err_t err = rvm_hal_cpu_start(cpu, plat->cpu_mpidr[i]);
        if (err != RVM_OK) {
            report(cpu, "PSCI CPU_ON refused", err);
            continue;
        }
        if (!wait_online(cpu)) {
            report(cpu, "did not come up", 0);
        }
    }
    return rvm_cpu_online();
}

void rvm_cpu_release(void)
{
    __atomic_store_n(&released, 1u, __ATOMIC_RELEASE);
    __asm__ volatile("dsb ish\n\tsev" : : : "memory");
}

void rvm_hal_secondary_main(uint32_t cpu)
{
    rvm_kernel_lock();
    rvm_err_t err = rvm_gicv2_cpu_init();
    if (err == RVM_OK) {
        err = rvm_virq_cpu_setup();
    }
    if (err == RVM_OK) {
        err = rvm_gtimer_init(rvm_hal_timer_intid());
    }
    if (err == RVM_OK) {
        err = rvm_hal_irq_enable(rvm_hal_timer_intid());
    }
    if (err != RVM_OK) {
        report(cpu, "setup failed, left out", err);
        rvm_kernel_unlock();
        rvm_hal_halt();
    }
    rvm_arch_guest_setup(guest_vtcr);
    __atomic_fetch_or(&online_mask, 1u << cpu, __ATOMIC_RELEASE);
    rvm_kernel_unlock();
    while (__atomic_load_n(&released, __ATOMIC_ACQUIRE) == 0u) {
        __asm__ volatile("wfe" : : : "memory");
    }
    rvm_kernel_lock();
    rvm_dispatch_start();
}
