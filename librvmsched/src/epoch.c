/* Epoch accounting (spec §9.4, DC-10): per-CPU monotonic counters, differenced once per epoch. */
#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/sched_epoch.h>

#include "sched_internal.h"

static uint16_t sat16(uint64_t v) { return v > 0xFFFFu ? (uint16_t)0xFFFFu : (uint16_t)v; }
static uint32_t sat32(uint64_t v) { return v > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)v; }

rvm_err_t rvm_sched_tick_epoch(rvm_sched_t *s, rvm_sched_epoch_summary_t *out)
{
    uint64_t switches = 0;
    uint64_t ns = 0;
    uint64_t runnable = 0;
    uint16_t n = s->cpu_count;
    for (uint16_t i = 0; i < n; i++) {
        rvm_sched_cpu_t *c = &s->cpus[i];
        /* Each counter has one writer (its CPU); unsigned differences survive wrap-around. The snapshot
         * becomes the next base only once the witness is in the log. */
        c->epoch_snap_switches = __atomic_load_n(&c->switches, __ATOMIC_RELAXED);
        c->epoch_snap_ns = __atomic_load_n(&c->switch_ns, __ATOMIC_RELAXED);
        switches += c->epoch_snap_switches - c->epoch_base_switches;
        ns += c->epoch_snap_ns - c->epoch_base_ns;
        runnable += __atomic_load_n(&c->len, __ATOMIC_RELAXED);
    }
    rvm_sched_epoch_summary_t sum;
    sum.base.epoch = s->epoch;
    sum.base.switch_count = sat16(switches);
    sum.base.runnable_count = sat16(runnable);
    sum.switch_time_us = sat32(ns / 1000u);
    sum.degraded = (rvm_sched_policy_load(s) & RVM_SCHED_POLICY_DEGRADED) != 0;
    sum.over_budget = switches > s->epoch_cfg.max_switches;

    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE];
    rvm_le16_store(payload, sum.base.switch_count);
    rvm_le16_store(payload + 2, sum.base.runnable_count);
    rvm_le32_store(payload + 4, sum.switch_time_us);
    uint8_t flags = (uint8_t)((sum.degraded ? RVM_SCHED_EPOCH_FLAG_DEGRADED : 0u) |
                              (sum.over_budget ? RVM_SCHED_EPOCH_FLAG_OVER_BUDGET : 0u));
    rvm_err_t err = rvm_sched_witness(s, RVM_ACTION_SCHEDULER_EPOCH, flags, RVM_PARTITION_HYPERVISOR, sum.base.epoch,
                                      payload);
    if (err != RVM_OK) {
        return err;
    }
    for (uint16_t i = 0; i < n; i++) {
        s->cpus[i].epoch_base_switches = s->cpus[i].epoch_snap_switches;
        s->cpus[i].epoch_base_ns = s->cpus[i].epoch_snap_ns;
    }
    s->epoch++;
    if (out != NULL) {
        *out = sum;
    }
    return RVM_OK;
}

uint32_t rvm_sched_epoch(const rvm_sched_t *s)
{
    return s->epoch;
}

uint64_t rvm_sched_epoch_interval_ns(const rvm_sched_t *s)
{
    return s->epoch_cfg.interval_ns;
}
