/*
 * Dispatching partitions onto CPUs with librvmsched: the library keeps one run
 * queue per CPU and decides which partition runs next (two-signal priority,
 * FIFO among equals, so equal partitions take turns); this file moves the
 * state (EL1 registers, stage-2, list registers, lazy FP/SIMD) and sleeps.
 * Each partition is placed on one CPU at start; its CPU's tick preempts it,
 * so no partition holds a CPU for longer than a slice. A partition in WFI
 * (trapped) leaves the queue until it has a virtual interrupt to take, its
 * virtual timer expires, or the next tick (WFI may end early
 * architecturally, so a guest re-checks its condition anyway); when a CPU's
 * queue is empty the CPU sleeps in WFI until the earliest of those. A CPU
 * with no partition left parks; the CPU on which the last one ends shuts down.
 * CPU 0's tick also closes the scheduler epochs (one witness each).
 *
 * FP/SIMD registers are switched lazily (spec §4.5): most slices of most
 * partitions use none, so a switch only sets CPTR_EL2.TFP, and the 528 bytes
 * move when a partition that does not own them touches them and traps.
 *
 * Everything here runs under the kernel lock, which is dropped only while a
 * CPU sleeps or runs a partition.
 */
#include "dispatch.h"

#include <stdbool.h>
#include <stddef.h>

#include <rvm/fpsimd.h>
#include <rvm/hal.h>
#include <rvm/sched.h>
#include <rvm/sched_epoch.h>
#include <rvm/sched_smp.h>
#include <rvm/smp.h>

#include "audit.h"
#include "coherence.h"
#include "domain.h"
#include "lock.h"
#include "shutdown.h"
#include "task.h"
#include "tiers.h"
#include "virq.h"

#define US_PER_S 1000000u

typedef struct sched_cpu {
    rvm_vm_t *current;  /* the partition on this CPU, or NULL before the first */
    rvm_vm_t *fp_owner; /* whose FP/SIMD state is in this CPU's registers; only it runs untrapped */
} sched_cpu_t;

static sched_cpu_t cpus[RVM_HAL_CPU_MAX];
/* CNTFRQ is fixed for the whole run, so the slice in counter ticks is computed once, at setup. */
static uint64_t slice_ticks;
RVM_SCHED_STORAGE_DEFINE(sched_storage, RVM_HAL_CPU_MAX, RVM_VM_MAX);
static rvm_sched_t sched;
static uint64_t next_epoch_ns;
static uint64_t switches;
/* Counter ticks each CPU slept in idle_until_tick, and the counter at the last load reading. */
static uint64_t idle_ticks[RVM_HAL_CPU_MAX];
static uint64_t load_since;
static uint32_t online_cpus;
static const rvm_sched_part_config_t part_config_template = { { 0, 0, 0 }, 0, 0, RVM_PRIORITY_DEFAULT };

static sched_cpu_t *here(void)
{
    return &cpus[rvm_hal_cpu_id()];
}

rvm_vm_t *rvm_dispatch_current(void)
{
    return here()->current;
}

static uint16_t this_cpu(void)
{
    return (uint16_t)rvm_hal_cpu_id();
}

/* Queues a partition on its CPU; it is runnable and neither queued nor running there (kernel invariant). */
static void enqueue(const rvm_vm_t *p)
{
    (void)rvm_sched_enqueue(&sched, (uint16_t)p->cpu, p->id, rvm_audit_now_ns());
}

rvm_err_t rvm_dispatch_setup(uint32_t cpu_count)
{
    slice_ticks = rvm_hal_timer_freq() * RVM_DISPATCH_SLICE_US / US_PER_S;
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, (uint16_t)cpu_count);
    /* Every partition could end up on one CPU, up to what one queue can hold. */
    cfg.max_per_cpu = RVM_SCHED_QUEUE_CAP;
    if (RVM_VM_MAX < cfg.max_per_cpu) {
        cfg.max_per_cpu = RVM_VM_MAX;
    }
    /* Without the coherence engine (DC-1) the scheduler runs degraded: pressure ignored. */
    cfg.coherence_present = rvm_coherence_enabled();
    online_cpus = cpu_count;
    rvm_err_t err = rvm_sched_init(&sched, &sched_storage, &cfg, rvm_audit_log());
    for (uint16_t cpu = 0; cpu < cpu_count && err == RVM_OK; cpu++) {
        err = rvm_sched_cpu_online(&sched, cpu);
    }
    for (uint32_t i = 0; i < rvm_vm_created() && err == RVM_OK; i++) {
        err = rvm_dispatch_add(rvm_vm_slot(i));
    }
    next_epoch_ns = rvm_audit_now_ns() + rvm_sched_epoch_interval_ns(&sched);
    load_since = rvm_hal_timer_now();
    return err;
}

rvm_err_t rvm_dispatch_add(rvm_vm_t *p)
{
    rvm_sched_part_config_t part = part_config_template;
    part.affinity = (UINT64_C(1) << online_cpus) - 1u;
    uint16_t cpu = 0;
    rvm_err_t err = rvm_sched_register(&sched, p->id, &part);
    if (err == RVM_OK) {
        err = rvm_sched_place(&sched, p->id, &cpu);
    }
    if (err == RVM_OK) {
        p->cpu = cpu;
        enqueue(p);
    }
    return err;
}

bool rvm_dispatch_loaded_elsewhere(const rvm_vm_t *p)
{
    for (uint32_t cpu = 0; cpu < online_cpus; cpu++) {
        if (cpu != rvm_hal_cpu_id() && cpus[cpu].current == p) {
            return true;
        }
    }
    return false;
}

void rvm_dispatch_remove(const rvm_vm_t *p)
{
    /* Queued, it is unregistered when pick() meets it; otherwise now. */
    (void)rvm_sched_unregister(&sched, p->id);
}

void rvm_dispatch_set_pressure(uint32_t pid, uint32_t pressure_bp)
{
    (void)rvm_sched_set_pressure(&sched, pid, pressure_bp);
}

/* Busy share of every online CPU's time since the last reading; a CPU parked for good counts as idle. */
static uint32_t load_percent(void)
{
    uint64_t now = rvm_hal_timer_now();
    uint64_t span = (now - load_since) * online_cpus;
    uint64_t idle = 0;
    for (uint32_t cpu = 0; cpu < online_cpus; cpu++) {
        idle += idle_ticks[cpu];
        idle_ticks[cpu] = 0;
    }
    load_since = now;
    if (span == 0u || idle >= span) {
        return 0;
    }
    return (uint32_t)((span - idle) * 100u / span);
}

uint64_t rvm_dispatch_switches(void)
{
    return switches;
}

static void arm_tick(void)
{
    (void)rvm_hal_timer_arm(slice_ticks);
}

/* Puts back in the queue every waiting partition of this CPU that has something to do (or all, at a tick). */
static void wake(const sched_cpu_t *c, bool all)
{
    uint32_t cpu = rvm_hal_cpu_id();
    uint64_t now = rvm_hal_timer_now();
    for (uint32_t i = 0; i < rvm_vm_created(); i++) {
        rvm_vm_t *p = rvm_vm_slot(i);
        if (p->cpu == cpu && p->state == RVM_VM_RUNNABLE && p->waiting &&
            (all || rvm_virq_wants_cpu(p, p == c->current, now))) {
            p->waiting = false;
            enqueue(p);
        }
    }
}

/*
 * The partition the scheduler picks for this CPU now, or NULL when its queue
 * is empty. One that stopped being runnable while queued (hibernated) leaves
 * the queue here.
 */
static rvm_vm_t *pick(void)
{
    for (uint32_t tries = 0; tries <= RVM_VM_MAX; tries++) {
        rvm_partition_id_t prev = 0;
        rvm_partition_id_t next = 0;
        if (rvm_sched_pick_next(&sched, this_cpu(), &prev, &next) != RVM_OK) {
            return NULL;
        }
        rvm_vm_t *p = rvm_vm_get(next);
        if (p != NULL && p->state == RVM_VM_RUNNABLE) {
            return p;
        }
        (void)rvm_sched_release(&sched, this_cpu(), &prev);
        if (p != NULL && p->state == RVM_VM_STOPPED) {
            /* Destroyed while queued: it leaves the scheduler on its way out of the queue. */
            (void)rvm_sched_unregister(&sched, next);
        }
    }
    return NULL;
}

void rvm_dispatch_resume(rvm_vm_t *p)
{
    p->waiting = false;
    enqueue(p);
}

static void switch_to(sched_cpu_t *c, rvm_vm_t *next, rvm_trap_frame_t *f)
{
    if (next == c->current) {
        return;
    }
    if (c->current != NULL && c->current->state == RVM_VM_RUNNABLE) {
        rvm_vcpu_save(&c->current->vcpu, f);
        rvm_virq_switch_out(c->current);
        rvm_domain_leave(c->current);
    }
    /* With at most RVM_HAL_CPU_MAX partitions on CPUs, one of the 255 VMIDs is always free or reclaimable. */
    if (rvm_domain_run(next) != RVM_OK) {
        rvm_shutdown_fatal("no VMID for partition", next->id);
    }
    rvm_arch_vttbr_activate(rvm_vm_vttbr(next));
    rvm_vcpu_load(&next->vcpu, f);
    rvm_virq_switch_in(next);
    rvm_arch_fpsimd_trap(next != c->fp_owner);
    c->current = next;
    switches++;
}

static bool any_runnable(bool this_cpu_only)
{
    uint32_t cpu = rvm_hal_cpu_id();
    for (uint32_t i = 0; i < rvm_vm_created(); i++) {
        const rvm_vm_t *p = rvm_vm_slot(i);
        if (p->state == RVM_VM_RUNNABLE && (!this_cpu_only || p->cpu == cpu)) {
            return true;
        }
    }
    return false;
}

/* Nothing left to run here while other CPUs still have partitions: stop ticking and sleep for good. */
_Noreturn static void park(void)
{
    /* Nothing may be placed here any more (a split's new half, for one): this CPU will not look. */
    (void)rvm_sched_cpu_offline(&sched, this_cpu());
    idle_ticks[rvm_hal_cpu_id()] = 0;
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

_Noreturn void rvm_dispatch_start(void)
{
    sched_cpu_t *c = here();
    rvm_vm_t *first = pick();
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

void rvm_dispatch_fp_claim(void)
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

void rvm_dispatch_fp_park(rvm_vm_t *p)
{
    sched_cpu_t *c = here();
    if (p != c->fp_owner) {
        return;
    }
    rvm_arch_fpsimd_trap(false);
    rvm_arch_fpsimd_save(&p->fp);
    rvm_arch_fpsimd_trap(true);
    c->fp_owner = NULL;
}

void rvm_dispatch_fp_release(const rvm_vm_t *p)
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

void rvm_dispatch_tick(rvm_trap_frame_t *f)
{
    sched_cpu_t *c = here();
    arm_tick();
    if (rvm_hal_cpu_id() == 0u && rvm_audit_now_ns() >= next_epoch_ns) {
        (void)rvm_sched_tick_epoch(&sched, NULL);
        next_epoch_ns += rvm_sched_epoch_interval_ns(&sched);
        uint64_t epoch = rvm_sched_epoch(&sched);
        rvm_domain_tick(epoch);
        rvm_task_epoch(epoch);
        rvm_coherence_epoch(epoch, load_percent());
        rvm_tiers_epoch();
    }
    wake(c, true);
    if (c->current != NULL && c->current->state == RVM_VM_RUNNABLE && !c->current->waiting) {
        enqueue(c->current);
    }
    rvm_vm_t *next = pick();
    if (next != NULL) {
        switch_to(c, next, f);
    }
}

void rvm_dispatch_yield(rvm_trap_frame_t *f)
{
    rvm_dispatch_tick(f);
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
    uint64_t wake_at = now + slice_ticks;
    for (uint32_t i = 0; i < rvm_vm_created(); i++) {
        const rvm_vm_t *p = rvm_vm_slot(i);
        if (p != c->current && p->cpu == cpu && p->state == RVM_VM_RUNNABLE) {
            uint64_t deadline = rvm_virq_timer_deadline(p);
            wake_at = deadline < wake_at ? deadline : wake_at;
        }
    }
    (void)rvm_hal_timer_arm(wake_at > now ? wake_at - now : 0u);
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
        uint64_t slept = rvm_hal_timer_now();
        rvm_hal_wait_for_interrupt();
        rvm_kernel_lock();
        idle_ticks[rvm_hal_cpu_id()] += rvm_hal_timer_now() - slept;
        uint32_t ack = rvm_hal_irq_ack();
        uint32_t intid = ack & RVM_HAL_IRQ_INTID_MASK;
        if (intid == RVM_HAL_IRQ_SPURIOUS) {
            continue;
        }
        if (rvm_virq_forward(intid, c->current)) {
            rvm_hal_irq_priority_drop(ack);
            c->current->waiting = false;
            enqueue(c->current);
            (void)pick();
            return;
        }
        bool tick = intid == rvm_hal_timer_intid();
        if (tick) {
            rvm_dispatch_tick(f);
        }
        rvm_hal_irq_eoi(ack);
        if (tick) {
            return;
        }
    }
}

void rvm_dispatch_wait(rvm_trap_frame_t *f)
{
    sched_cpu_t *c = here();
    c->current->waiting = true;
    wake(c, false);
    rvm_vm_t *next = pick();
    if (next != NULL) {
        switch_to(c, next, f);
        return;
    }
    rvm_partition_id_t prev = 0;
    (void)rvm_sched_release(&sched, this_cpu(), &prev);
    idle_until_tick(c, f);
}

void rvm_dispatch_current_stopped(rvm_trap_frame_t *f)
{
    sched_cpu_t *c = here();
    rvm_partition_id_t prev = 0;
    (void)rvm_sched_release(&sched, this_cpu(), &prev);
    (void)rvm_sched_unregister(&sched, c->current->id);
    if (any_runnable(true)) {
        wake(c, false);
        rvm_vm_t *next = pick();
        if (next != NULL) {
            switch_to(c, next, f);
            arm_tick();
            return;
        }
        /* Only partitions waiting in WFI are left here: sleep until the tick wakes them. */
        idle_until_tick(c, f);
        return;
    }
    if (!any_runnable(false)) {
        rvm_shutdown();
    }
    park();
}
