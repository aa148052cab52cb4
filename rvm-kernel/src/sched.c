/*
 * Each partition is placed on one CPU, and every CPU gives its runnable
 * partitions the CPU in table order for one slice; its tick preempts, so no
 * partition holds a CPU for longer than a slice. A partition in WFI (trapped)
 * is skipped until it has a virtual interrupt to take, its virtual timer
 * expires, or the next tick (WFI may end early architecturally, so a guest
 * re-checks its condition anyway); when every partition of a CPU waits, the
 * CPU itself sleeps in WFI until the earliest of those. A CPU with no
 * partition left parks; the CPU on which the last one ends shuts down.
 *
 * FP/SIMD registers are switched lazily (spec §4.5): most slices of most
 * partitions use none, so a switch only sets CPTR_EL2.TFP, and the 528 bytes
 * move when a partition that does not own them touches them and traps.
 *
 * Everything here runs under the kernel lock, which is dropped only while a
 * CPU sleeps or runs a partition.
 */
#include "sched.h"

#include <stdbool.h>
#include <stddef.h>

#include <rvm/fpsimd.h>
#include <rvm/hal.h>
#include <rvm/smp.h>

#include "lock.h"
#include "shutdown.h"
#include "virq.h"

#define US_PER_S 1000000u

typedef struct sched_cpu {
    rvm_partition_t *current;  /* the partition on this CPU, or NULL before the first */
    rvm_partition_t *fp_owner; /* whose FP/SIMD state is in this CPU's registers; only it runs untrapped */
} sched_cpu_t;

static sched_cpu_t cpus[RVM_HAL_CPU_MAX];
/* CNTFRQ is fixed for the whole run, so the slice in counter ticks is computed once, at placement. */
static uint64_t slice_ticks;

static sched_cpu_t *here(void)
{
    return &cpus[rvm_hal_cpu_id()];
}

rvm_partition_t *rvm_sched_current(void)
{
    return here()->current;
}

void rvm_sched_place(uint32_t cpu_count)
{
    slice_ticks = rvm_hal_timer_freq() * RVM_SCHED_SLICE_US / US_PER_S;
    for (uint32_t i = 0; i < rvm_partition_created(); i++) {
        rvm_partition_slot(i)->cpu = i % cpu_count;
    }
}

static void arm_tick(void)
{
    (void)rvm_hal_timer_arm(slice_ticks);
}

/* The next runnable partition of this CPU after `from` in table order, wrapping around; `from` itself last. */
static rvm_partition_t *next_after(const sched_cpu_t *c, const rvm_partition_t *from)
{
    uint32_t n = rvm_partition_created();
    uint32_t cpu = rvm_hal_cpu_id();
    uint32_t start = from != NULL ? from->id : 0u; /* slot after `from` = its id */
    for (uint32_t i = 0; i < n; i++) {
        rvm_partition_t *p = rvm_partition_slot((start + i) % n);
        if (p == NULL || p->cpu != cpu || p->state != RVM_PARTITION_RUNNABLE) {
            continue;
        }
        if (p->waiting && rvm_virq_wants_cpu(p, p == c->current, rvm_hal_timer_now())) {
            p->waiting = false;
        }
        if (!p->waiting) {
            return p;
        }
    }
    return NULL;
}

static void switch_to(sched_cpu_t *c, rvm_partition_t *next, rvm_trap_frame_t *f)
{
    if (next == c->current) {
        return;
    }
    if (c->current != NULL && c->current->state == RVM_PARTITION_RUNNABLE) {
        rvm_vcpu_save(&c->current->vcpu, f);
        rvm_virq_switch_out(c->current);
    }
    rvm_arch_vttbr_activate(rvm_partition_vttbr(next));
    rvm_vcpu_load(&next->vcpu, f);
    rvm_virq_switch_in(next);
    rvm_arch_fpsimd_trap(next != c->fp_owner);
    c->current = next;
}

static bool any_runnable(bool this_cpu_only)
{
    uint32_t cpu = rvm_hal_cpu_id();
    for (uint32_t i = 0; i < rvm_partition_created(); i++) {
        const rvm_partition_t *p = rvm_partition_slot(i);
        if (p->state == RVM_PARTITION_RUNNABLE && (!this_cpu_only || p->cpu == cpu)) {
            return true;
        }
    }
    return false;
}

/* Nothing left to run here while other CPUs still have partitions: stop ticking and sleep for good. */
_Noreturn static void park(void)
{
    rvm_hal_timer_stop();
    rvm_kernel_unlock();
    for (;;) {
        rvm_hal_wait_for_interrupt();
        uint32_t ack = rvm_hal_irq_ack();
        if ((ack & RVM_HAL_IRQ_INTID_MASK) != RVM_HAL_IRQ_SPURIOUS) {
            rvm_hal_irq_eoi(ack);
        }
    }
}

_Noreturn void rvm_sched_start(void)
{
    sched_cpu_t *c = here();
    rvm_partition_t *first = next_after(c, NULL);
    if (first == NULL) {
        if (!any_runnable(false)) {
            rvm_shutdown();
        }
        park();
    }
    rvm_trap_frame_t f = { 0 };
    switch_to(c, first, &f);
    arm_tick();
    rvm_kernel_unlock();
    rvm_arch_vcpu_enter(&f);
}

void rvm_sched_fp_claim(void)
{
    sched_cpu_t *c = here();
    /* TFP traps EL2 too: the save and restore below would trap themselves. */
    rvm_arch_fpsimd_trap(false);
    if (c->fp_owner == c->current) {
        return;
    }
    if (c->fp_owner != NULL) {
        rvm_arch_fpsimd_save(&c->fp_owner->fp);
    }
    rvm_arch_fpsimd_restore(&c->current->fp);
    c->fp_owner = c->current;
}

void rvm_sched_fp_release(const rvm_partition_t *p)
{
    static const rvm_arch_fpsimd_state_t zero;
    sched_cpu_t *c = here();
    if (p != c->fp_owner) {
        return;
    }
    rvm_arch_fpsimd_trap(false);
    rvm_arch_fpsimd_restore(&zero);
    /* Owned by nobody: whoever runs next must trap before its first FP/SIMD instruction. */
    rvm_arch_fpsimd_trap(true);
    c->fp_owner = NULL;
}

static void wake_all(void)
{
    uint32_t cpu = rvm_hal_cpu_id();
    for (uint32_t i = 0; i < rvm_partition_created(); i++) {
        rvm_partition_t *p = rvm_partition_slot(i);
        if (p->cpu == cpu) {
            p->waiting = false;
        }
    }
}

void rvm_sched_tick(rvm_trap_frame_t *f)
{
    sched_cpu_t *c = here();
    arm_tick();
    wake_all();
    rvm_partition_t *next = next_after(c, c->current);
    if (next != NULL) {
        switch_to(c, next, f);
    }
}

void rvm_sched_yield(rvm_trap_frame_t *f)
{
    rvm_sched_tick(f);
}

/*
 * The hypervisor timer fires at the next tick or at the earliest virtual
 * timer of a waiting partition of this CPU that is off the CPU, whichever
 * comes first (the loaded partition's own timer fires by itself).
 */
static void arm_idle_wakeup(const sched_cpu_t *c)
{
    uint32_t cpu = rvm_hal_cpu_id();
    uint64_t now = rvm_hal_timer_now();
    uint64_t wake = now + slice_ticks;
    for (uint32_t i = 0; i < rvm_partition_created(); i++) {
        const rvm_partition_t *p = rvm_partition_slot(i);
        if (p != c->current && p->cpu == cpu && p->state == RVM_PARTITION_RUNNABLE) {
            uint64_t deadline = rvm_virq_timer_deadline(p);
            wake = deadline < wake ? deadline : wake;
        }
    }
    (void)rvm_hal_timer_arm(wake > now ? wake - now : 0u);
}

/*
 * Sleeps at EL2 with the kernel lock dropped, interrupts masked (WFI still
 * wakes on a pending one), until the tick has been handled or the loaded
 * partition's virtual timer fired.
 */
static void idle_until_tick(sched_cpu_t *c, rvm_trap_frame_t *f)
{
    arm_idle_wakeup(c);
    for (;;) {
        rvm_kernel_unlock();
        rvm_hal_wait_for_interrupt();
        rvm_kernel_lock();
        uint32_t ack = rvm_hal_irq_ack();
        uint32_t intid = ack & RVM_HAL_IRQ_INTID_MASK;
        if (intid == RVM_HAL_IRQ_SPURIOUS) {
            continue;
        }
        if (rvm_virq_forward(intid, c->current)) {
            rvm_hal_irq_priority_drop(ack);
            c->current->waiting = false;
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
    sched_cpu_t *c = here();
    c->current->waiting = true;
    rvm_partition_t *next = next_after(c, c->current);
    if (next != NULL) {
        switch_to(c, next, f);
        return;
    }
    idle_until_tick(c, f);
}

void rvm_sched_current_stopped(rvm_trap_frame_t *f)
{
    sched_cpu_t *c = here();
    rvm_partition_t *next = next_after(c, c->current);
    if (next != NULL) {
        switch_to(c, next, f);
        arm_tick();
        return;
    }
    /* Only partitions waiting in WFI are left here: sleep until the tick wakes them. */
    if (any_runnable(true)) {
        idle_until_tick(c, f);
        return;
    }
    if (!any_runnable(false)) {
        rvm_shutdown();
    }
    park();
}
