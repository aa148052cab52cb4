/* Kernel path costs (see perf.h); per-CPU state, under the kernel lock except the entry stamp. */
#include "perf.h"

#include <rvm/boot_sequence.h>
#include <rvm/hal.h>
#include <rvm/smp.h>

typedef struct perf_cpu {
    uint64_t entry;     /* counter at the C entry of the trap in progress */
    uint64_t traps;     /* traps taken on this CPU */
    uint64_t null_at;   /* entry counter of the last null hypercall */
    uint64_t null_trap; /* its trap number */
    uint32_t null_pid;  /* its caller */
} perf_cpu_t;

static perf_cpu_t cpus[RVM_HAL_CPU_MAX];
static uint64_t min_hypercall;
static uint64_t min_switch;

static uint64_t to_ns(uint64_t ticks)
{
    return rvm_boot_ticks_to_ns(ticks, (uint32_t)rvm_hal_timer_freq());
}

static void keep_min(uint64_t *min, uint64_t v)
{
    if (v != 0u && (*min == 0u || v < *min)) {
        *min = v;
    }
}

void rvm_perf_trap_entry(void)
{
    perf_cpu_t *c = &cpus[rvm_hal_cpu_id()];
    c->entry = rvm_hal_timer_now();
    c->traps++;
}

void rvm_perf_trap_exit(bool switched)
{
    if (switched) {
        const perf_cpu_t *c = &cpus[rvm_hal_cpu_id()];
        keep_min(&min_switch, to_ns(rvm_hal_timer_now() - c->entry));
    }
}

void rvm_perf_null_call(uint32_t pid)
{
    perf_cpu_t *c = &cpus[rvm_hal_cpu_id()];
    if (c->null_pid == pid && c->null_trap + 1u == c->traps) {
        keep_min(&min_hypercall, to_ns(c->entry - c->null_at));
    }
    c->null_pid = pid;
    c->null_at = c->entry;
    c->null_trap = c->traps;
}

uint64_t rvm_perf_hypercall_ns(void)
{
    return min_hypercall;
}

uint64_t rvm_perf_switch_ns(void)
{
    return min_switch;
}
