/* Scheduler instance: set-up, partition registration and pressure (spec §9.1, §9.2). */
#include <rvm/config.h>

#include "sched_internal.h"

void rvm_sched_config_default(rvm_sched_config_t *cfg, uint16_t cpu_count)
{
    cfg->cpu_count = cpu_count > RVM_SCHED_MAX_CPUS ? (uint16_t)RVM_SCHED_MAX_CPUS : cpu_count;
    cfg->max_per_cpu = (uint16_t)RVM_SCHED_DEFAULT_MAX_PER_CPU;
    cfg->boost_max = (uint16_t)RVM_CONFIG_PRESSURE_BOOST_MAX;
    cfg->coherence_present = true;
    cfg->epoch.interval_ns = RVM_EPOCH_DEFAULT_INTERVAL_NS;
    cfg->epoch.max_switches = (uint16_t)RVM_EPOCH_DEFAULT_MAX_SWITCHES;
}

static bool config_ok(const rvm_sched_storage_t *st, const rvm_sched_config_t *cfg)
{
    if (st->cpus == NULL || st->parts == NULL || st->index == NULL || st->part_capacity == 0 ||
        st->part_capacity > 0xFFFEu) {
        return false;
    }
    if (cfg->cpu_count == 0 || cfg->cpu_count > st->cpu_capacity || cfg->cpu_count > RVM_SCHED_MAX_CPUS) {
        return false;
    }
    if (cfg->max_per_cpu == 0 || cfg->max_per_cpu > RVM_SCHED_QUEUE_CAP) {
        return false;
    }
    return cfg->epoch.interval_ns != 0 && cfg->epoch.max_switches != 0;
}

rvm_err_t rvm_sched_init(rvm_sched_t *s, const rvm_sched_storage_t *st, const rvm_sched_config_t *cfg,
                         rvm_witness_log_t *log)
{
    if (s == NULL || st == NULL || cfg == NULL || log == NULL || !config_ok(st, cfg)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(st->cpus, 0, sizeof(rvm_sched_cpu_t) * cfg->cpu_count);
    __builtin_memset(st->parts, 0, sizeof(rvm_sched_part_t) * st->part_capacity);
    __builtin_memset(st->index, 0, sizeof(uint16_t) * RVM_SCHED_INDEX_LEN);
    s->cpus = st->cpus;
    s->parts = st->parts;
    s->index = st->index;
    s->cpu_count = cfg->cpu_count;
    s->part_capacity = st->part_capacity;
    s->max_per_cpu = cfg->max_per_cpu;
    s->boost_max = cfg->boost_max;
    s->policy = RVM_SCHED_FLOW;
    s->epoch = 0;
    s->degraded_since = 0;
    s->degraded_reason = RVM_SCHED_DEGRADED_NONE;
    s->coherence_present = cfg->coherence_present;
    s->epoch_cfg = cfg->epoch;
    s->log = log;
    for (uint16_t i = 0; i < cfg->cpu_count; i++) {
        s->cpus[i].policy_seen = s->policy;
    }
    if (!cfg->coherence_present) {
        /* DC-1: without the engine there is no pressure to trust, from the first tick on. */
        return rvm_sched_enter_degraded(s, RVM_SCHED_DEGRADED_COHERENCE_UNAVAILABLE);
    }
    return RVM_OK;
}

static bool affinity_ok(const rvm_sched_t *s, uint64_t affinity)
{
    uint64_t have = s->cpu_count >= 64u ? ~0ull : ((1ull << s->cpu_count) - 1u);
    return (affinity & have) != 0;
}

rvm_err_t rvm_sched_register(rvm_sched_t *s, rvm_partition_id_t pid, const rvm_sched_part_config_t *cfg)
{
    rvm_partition_id_t id;
    if (cfg == NULL || rvm_partition_id_make(pid, &id) != RVM_OK || rvm_sched_timing_check(&cfg->timing) != RVM_OK ||
        (cfg->flags & ~RVM_SCHED_PART_FLAGS_ALL) != 0 || !affinity_ok(s, cfg->affinity)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (s->index[id] != 0) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    for (uint16_t slot = 0; slot < s->part_capacity; slot++) {
        rvm_sched_part_t *p = &s->parts[slot];
        if (p->pid != RVM_PARTITION_HYPERVISOR) {
            continue;
        }
        p->pid = id;
        p->home = (uint16_t)RVM_SCHED_NO_CPU;
        p->flags = cfg->flags;
        p->static_priority = cfg->static_priority;
        p->queued = 0;
        __atomic_store_n(&p->pressure_q16, 0u, __ATOMIC_RELAXED);
        p->affinity = cfg->affinity;
        p->timing = cfg->timing;
        s->index[id] = (uint16_t)(slot + 1u);
        return RVM_OK;
    }
    return RVM_ERR_PARTITION_LIMIT_EXCEEDED;
}

rvm_err_t rvm_sched_unregister(rvm_sched_t *s, rvm_partition_id_t pid)
{
    rvm_sched_part_t *p = rvm_sched_lookup(s, pid);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->queued) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (p->home != RVM_SCHED_NO_CPU) {
        rvm_sched_cpu_t *c = &s->cpus[p->home];
        if (__atomic_load_n(&c->current, __ATOMIC_RELAXED) == pid) {
            return RVM_ERR_INVALID_PARTITION_STATE;
        }
        c->placed--;
    }
    s->index[pid] = 0;
    p->pid = RVM_PARTITION_HYPERVISOR;
    p->home = (uint16_t)RVM_SCHED_NO_CPU;
    return RVM_OK;
}

rvm_err_t rvm_sched_set_pressure(rvm_sched_t *s, rvm_partition_id_t pid, uint32_t pressure_bp)
{
    rvm_sched_part_t *p = rvm_sched_lookup(s, pid);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    uint32_t boost;
    rvm_err_t err = rvm_sched_pressure_boost(pressure_bp, s->boost_max, &boost);
    if (err != RVM_OK) {
        return err;
    }
    __atomic_store_n(&p->pressure_q16, boost, __ATOMIC_RELAXED);
    return RVM_OK;
}
