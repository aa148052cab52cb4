/*
 * The task runtime every partition of the placement images runs: at each
 * safe point (RVM_HC_TASK_SYNC) it learns which tasks it hosts, and steps
 * each one, whose whole state lives in the task's page, so a task resumes
 * wherever the kernel moved it.
 *
 * The workload: TASKS tasks in pairs whose partners change halfway. In phase
 * 0 task t talks with t ^ 1; in phase 1 odd tasks talk with the next one and
 * even tasks with the previous (so (1,2), (3,4), (5,0) for six). Each task
 * sends MESSAGES words per phase to its partner, one every PERIOD_US, and
 * checks that each word it receives comes from the right partner in order.
 * Round-robin placement puts every pair in two partitions in both phases.
 *
 * Built with STALL_MS, partition 1 first spins that long without reaching a
 * safe point, so that an operation the kernel decides for it meanwhile
 * outlives the DC-7 migration timeout. Built with STRUCTURAL, it makes the
 * structural calls of ../structural/host_ops.c between two safe points.
 */
#include <stdint.h>

#include "../check_guest.h"

#define STATE_MAGIC 0x5441534b53544154ull
#define BURST 4u

typedef struct task_state {
    uint64_t magic;
    uint64_t phase; /* 0, 1, or 2 once every word is sent */
    uint64_t sent[2];
    uint64_t received[2];
    uint64_t errors;
    uint64_t next_send; /* virtual counter */
    uint64_t reported;
} task_state_t;

void taskhost_main(uint64_t self, uint64_t self_cap);
CHECK_GUEST_ENTRY(taskhost_main)

#ifdef STRUCTURAL
void structural_step(uint64_t self, uint64_t self_cap, uint64_t mask, uint64_t sent);
#endif

static uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t counter_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static uint32_t partner(uint32_t t, uint64_t phase)
{
    if (phase == 0u) {
        return t ^ 1u;
    }
    return (t & 1u) != 0u ? (t + 1u) % TASKS : (t + TASKS - 1u) % TASKS;
}

static task_state_t *state_of(uint32_t t)
{
    return (task_state_t *)(uintptr_t)(RVM_HC_TASK_WINDOW_IPA + (uint64_t)t * RVM_HC_TASK_PAGE_BYTES); // NOLINT(performance-no-int-to-ptr)
}

static void receive(uint32_t t, task_state_t *s)
{
    for (;;) {
        rvm_hc_result_t r = hc(RVM_HC_TASK_RECV, t, 0, 0, 0);
        if (r.status != 0) {
            finish("taskhost: FAIL receive refused\n", 1);
        }
        if ((r.r1 & RVM_HC_IPC_GOT) == 0u) {
            return;
        }
        uint32_t from = (uint32_t)(r.r1 & 0xffffu);
        uint64_t phase = r.r2 >> 32;
        uint64_t seq = r.r2 & 0xffffffffu;
        if (phase > 1u || from != partner(t, phase) || seq != s->received[phase]) {
            s->errors++;
            continue;
        }
        s->received[phase]++;
    }
}

static void send(uint32_t t, task_state_t *s, uint64_t now, uint64_t period)
{
    for (uint32_t burst = 0; burst < BURST && s->phase < 2u && now >= s->next_send; burst++) {
        uint64_t word = (s->phase << 32) | s->sent[s->phase];
        rvm_hc_result_t r = hc(RVM_HC_TASK_SEND, t, partner(t, s->phase), word, 0);
        if (r.status == RVM_HC_IPC_FULL) {
            return;
        }
        if (r.status != 0) {
            finish("taskhost: FAIL send refused\n", 1);
        }
        s->next_send += period;
        if (++s->sent[s->phase] == MESSAGES) {
            s->phase++;
        }
    }
}

void taskhost_main(uint64_t self, uint64_t self_cap)
{
#ifndef STRUCTURAL
    (void)self_cap;
#endif
    const uint64_t period = counter_freq() * PERIOD_US / 1000000u;
#ifdef STALL_MS
    if (self == 1u) {
        uint64_t until = counter() + counter_freq() * STALL_MS / 1000u;
        while (counter() < until) {
        }
    }
#else
    (void)self;
#endif
    for (;;) {
        rvm_hc_result_t sync = hc(RVM_HC_TASK_SYNC, 0, 0, 0, 0);
        if (sync.status != 0) {
            finish("taskhost: FAIL sync refused\n", 1);
        }
        if ((sync.r2 & RVM_HC_TASK_ALL_DONE) != 0u) {
            (void)hc(RVM_HC_EXIT, 0, 0, 0, 0);
        }
        uint64_t now = counter();
        uint64_t most_sent = 0;
        for (uint32_t t = 0; t < TASKS; t++) {
            if ((sync.r1 & (UINT64_C(1) << t)) == 0u) {
                continue;
            }
            task_state_t *s = state_of(t);
            if (s->magic != STATE_MAGIC) {
                *s = (task_state_t){ STATE_MAGIC, 0, { 0, 0 }, { 0, 0 }, 0, now, 0 };
            }
            receive(t, s);
            send(t, s, now, period);
            if (s->phase == 2u && s->received[0] == MESSAGES && s->received[1] == MESSAGES && s->reported == 0u) {
                s->reported = 1;
                (void)hc(RVM_HC_TASK_DONE, t, s->sent[0] + s->sent[1], s->received[0] + s->received[1], s->errors);
            }
            most_sent = s->sent[0] + s->sent[1] > most_sent ? s->sent[0] + s->sent[1] : most_sent;
        }
#ifdef STRUCTURAL
        structural_step(self, self_cap, sync.r1, most_sent);
#else
        (void)most_sent;
#endif
        /* Until the next tick (or sooner): the kernel runs the others meanwhile. */
        __asm__ volatile("wfi" : : : "memory");
    }
}
