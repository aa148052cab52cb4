/*
 * Every runnable partition gets the CPU in table order for one slice; the
 * tick preempts, so no partition holds the CPU for longer than a slice. A
 * partition in WFI (trapped) is skipped until it has a virtual interrupt to
 * take, its virtual timer expires, or the next tick (WFI may end early
 * architecturally, so a guest re-checks its condition anyway); when every
 * partition waits, the CPU itself sleeps in WFI until the earliest of those.
 *
 * FP/SIMD registers are switched lazily (spec §4.5): most slices of most
 * partitions use none, so a switch only sets CPTR_EL2.TFP, and the 528 bytes
 * move when a partition that does not own them touches them and traps.
 */
#include "sched.h"

#include <stdbool.h>
#include <stddef.h>

#include <rvm/fpsimd.h>
#include <rvm/hal.h>

#include "shutdown.h"
#include "virq.h"

#define US_PER_S 1000000u

static rvm_partition_t *current;
/* CNTFRQ is fixed for the whole run, so the slice in counter ticks is computed once, at start. */
static uint64_t slice_ticks;
/* The partition whose FP/SIMD state is in the registers, or NULL; only it runs with the trap clear. */
static rvm_partition_t *fp_owner;

rvm_partition_t *rvm_sched_current(void)
{
    return current;
}

static void arm_tick(void)
{
    (void)rvm_hal_timer_arm(slice_ticks);
}

/* The next runnable partition after `from` in table order, wrapping around; `from` itself last. */
static rvm_partition_t *next_after(const rvm_partition_t *from)
{
    uint32_t n = rvm_partition_created();
    uint32_t start = from != NULL ? from->id : 0u; /* slot after `from` = its id */
    for (uint32_t i = 0; i < n; i++) {
        rvm_partition_t *p = rvm_partition_slot((start + i) % n);
        if (p == NULL || p->state != RVM_PARTITION_RUNNABLE) {
            continue;
        }
        if (p->waiting && rvm_virq_wants_cpu(p, p == current, rvm_hal_timer_now())) {
            p->waiting = false;
        }
        if (!p->waiting) {
            return p;
        }
    }
    return NULL;
}

static void switch_to(rvm_partition_t *next, rvm_trap_frame_t *f)
{
    if (next == current) {
        return;
    }
    if (current != NULL && current->state == RVM_PARTITION_RUNNABLE) {
        rvm_vcpu_save(&current->vcpu, f);
        rvm_virq_switch_out(current);
    }
    rvm_arch_vttbr_activate(rvm_partition_vttbr(next));
    rvm_vcpu_load(&next->vcpu, f);
    rvm_virq_switch_in(next);
    rvm_arch_fpsimd_trap(next != fp_owner);
    current = next;
}

_Noreturn void rvm_sched_start(void)
{
    rvm_partition_t *first = next_after(NULL);
    if (first == NULL) {
        rvm_shutdown();
    }
    slice_ticks = rvm_hal_timer_freq() * RVM_SCHED_SLICE_US / US_PER_S;
    rvm_trap_frame_t f = { 0 };
    switch_to(first, &f);
    arm_tick();
    rvm_arch_vcpu_enter(&f);
}

void rvm_sched_fp_claim(void)
{
    /* TFP traps EL2 too: the save and restore below would trap themselves. */
    rvm_arch_fpsimd_trap(false);
    if (fp_owner == current) {
        return;
    }
    if (fp_owner != NULL) {
        rvm_arch_fpsimd_save(&fp_owner->fp);
    }
    rvm_arch_fpsimd_restore(&current->fp);
    fp_owner = current;
}

void rvm_sched_fp_release(const rvm_partition_t *p)
{
    static const rvm_arch_fpsimd_state_t zero;
    if (p != fp_owner) {
        return;
    }
    rvm_arch_fpsimd_trap(false);
    rvm_arch_fpsimd_restore(&zero);
    /* Owned by nobody: whoever runs next must trap before its first FP/SIMD instruction. */
    rvm_arch_fpsimd_trap(true);
    fp_owner = NULL;
}

static void wake_all(void)
{
    for (uint32_t i = 0; i < rvm_partition_created(); i++) {
        rvm_partition_slot(i)->waiting = false;
    }
}

void rvm_sched_tick(rvm_trap_frame_t *f)
{
    arm_tick();
    wake_all();
    rvm_partition_t *next = next_after(current);
    if (next != NULL) {
        switch_to(next, f);
    }
}

void rvm_sched_yield(rvm_trap_frame_t *f)
{
    rvm_sched_tick(f);
}

/*
 * The hypervisor timer fires at the next tick or at the earliest virtual
 * timer of a waiting partition that is off the CPU, whichever comes first
 * (the running partition's own timer fires by itself).
 */
static void arm_idle_wakeup(void)
{
    uint64_t now = rvm_hal_timer_now();
    uint64_t wake = now + slice_ticks;
    for (uint32_t i = 0; i < rvm_partition_created(); i++) {
        const rvm_partition_t *p = rvm_partition_slot(i);
        if (p != current && p->state == RVM_PARTITION_RUNNABLE) {
            uint64_t deadline = rvm_virq_timer_deadline(p);
            wake = deadline < wake ? deadline : wake;
        }
    }
    (void)rvm_hal_timer_arm(wake > now ? wake - now : 0u);
}

/*
 * Sleeps at EL2, interrupts masked (WFI still wakes on a pending one), until
 * the tick has been handled or the loaded partition's virtual timer fired.
 */
static void idle_until_tick(rvm_trap_frame_t *f)
{
    arm_idle_wakeup();
    for (;;) {
        rvm_hal_wait_for_interrupt();
        uint32_t ack = rvm_hal_irq_ack();
        uint32_t intid = ack & RVM_HAL_IRQ_INTID_MASK;
        if (intid == RVM_HAL_IRQ_SPURIOUS) {
            continue;
        }
        if (rvm_virq_forward(intid, current)) {
            rvm_hal_irq_priority_drop(ack);
            current->waiting = false;
            return;
        }
        bool tick = intid == rvm_hal_timer_intid();
        if (tick) {
            rvm_sched_tick(f);
        }
        rvm_hal_irq_eoi(ack);
        if (tick) {
            return;
        }
    }
}

void rvm_sched_wait(rvm_trap_frame_t *f)
{
    current->waiting = true;
    rvm_partition_t *next = next_after(current);
    if (next != NULL) {
        switch_to(next, f);
        return;
    }
    idle_until_tick(f);
}

static bool any_runnable(void)
{
    for (uint32_t i = 0; i < rvm_partition_created(); i++) {
        if (rvm_partition_slot(i)->state == RVM_PARTITION_RUNNABLE) {
            return true;
        }
    }
    return false;
}

void rvm_sched_current_stopped(rvm_trap_frame_t *f)
{
    rvm_partition_t *next = next_after(current);
    if (next != NULL) {
        switch_to(next, f);
        arm_tick();
        return;
    }
    /* Only partitions waiting in WFI are left: sleep until the tick wakes them. */
    if (any_runnable()) {
        idle_until_tick(f);
        return;
    }
    rvm_shutdown();
}
