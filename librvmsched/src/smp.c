/* SMP coordination (spec §9.6): CPU states, placement across CPUs, migration. Cold path, global lock. */
#include <rvm/sched_smp.h>

#include "sched_internal.h"

static bool online(const rvm_sched_cpu_t *c)
{
    return __atomic_load_n(&c->online, __ATOMIC_ACQUIRE) != 0;
}

rvm_err_t rvm_sched_cpu_online(rvm_sched_t *s, uint16_t cpu)
{
    if (cpu >= s->cpu_count) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_sched_cpu_t *c = &s->cpus[cpu];
    if (online(c)) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    __atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
    return RVM_OK;
}

rvm_err_t rvm_sched_cpu_offline(rvm_sched_t *s, uint16_t cpu)
{
    if (cpu >= s->cpu_count) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_sched_cpu_t *c = &s->cpus[cpu];
    if (!online(c) || __atomic_load_n(&c->current, __ATOMIC_RELAXED) != RVM_PARTITION_HYPERVISOR || c->placed != 0) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    __atomic_store_n(&c->online, 0, __ATOMIC_RELEASE);
    return RVM_OK;
}

bool rvm_sched_cpu_is_online(const rvm_sched_t *s, uint16_t cpu)
{
    return cpu < s->cpu_count && online(&s->cpus[cpu]);
}

uint16_t rvm_sched_active_count(const rvm_sched_t *s)
{
    uint16_t n = 0;
    for (uint16_t i = 0; i < s->cpu_count; i++) {
        n = (uint16_t)(n + (online(&s->cpus[i]) ? 1u : 0u));
    }
    return n;
}

rvm_err_t rvm_sched_cpu_load(const rvm_sched_t *s, uint16_t cpu, uint32_t *placed)
{
    if (placed == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cpu >= s->cpu_count) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    *placed = s->cpus[cpu].placed;
    return RVM_OK;
}

static bool in_affinity(const rvm_sched_part_t *p, uint16_t cpu)
{
    return ((p->affinity >> cpu) & 1u) != 0;
}

/* Checks shared by placement and migration onto `cpu`. */
static rvm_err_t target_ok(const rvm_sched_t *s, const rvm_sched_part_t *p, uint16_t cpu)
{
    if (cpu >= s->cpu_count) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    if (!online(&s->cpus[cpu])) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (!in_affinity(p, cpu)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return s->cpus[cpu].placed >= s->max_per_cpu ? RVM_ERR_RESOURCE_LIMIT_EXCEEDED : RVM_OK;
}

rvm_err_t rvm_sched_place_on(rvm_sched_t *s, rvm_partition_id_t pid, uint16_t cpu)
{
    rvm_sched_part_t *p = rvm_sched_lookup(s, pid);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->home != RVM_SCHED_NO_CPU) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_err_t err = target_ok(s, p, cpu);
    if (err != RVM_OK) {
        return err;
    }
    s->cpus[cpu].placed++;
    p->home = cpu;
    return RVM_OK;
}

rvm_err_t rvm_sched_place(rvm_sched_t *s, rvm_partition_id_t pid, uint16_t *cpu_out)
{
    rvm_sched_part_t *p = rvm_sched_lookup(s, pid);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->home != RVM_SCHED_NO_CPU) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    bool any_online = false;
    uint16_t best = (uint16_t)RVM_SCHED_NO_CPU;
    for (uint16_t i = 0; i < s->cpu_count; i++) {
        const rvm_sched_cpu_t *c = &s->cpus[i];
        if (!in_affinity(p, i) || !online(c)) {
            continue;
        }
        any_online = true;
        if (c->placed >= s->max_per_cpu) {
            continue;
        }
        if (best == RVM_SCHED_NO_CPU || c->placed < s->cpus[best].placed) {
            best = i;
        }
    }
    if (best == RVM_SCHED_NO_CPU) {
        return any_online ? RVM_ERR_RESOURCE_LIMIT_EXCEEDED : RVM_ERR_NOT_FOUND;
    }
    s->cpus[best].placed++;
    p->home = best;
    if (cpu_out != NULL) {
        *cpu_out = best;
    }
    return RVM_OK;
}

rvm_err_t rvm_sched_cpu_of(const rvm_sched_t *s, rvm_partition_id_t pid, uint16_t *cpu)
{
    if (cpu == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_sched_part_t *p = rvm_sched_lookup(s, pid);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    *cpu = p->home;
    return RVM_OK;
}

/* Heap position of the entry for `slot` in a CPU's queue; the queue holds it (the partition is queued there). */
static uint32_t find_entry(const rvm_sched_cpu_t *c, uint16_t slot)
{
    uint32_t pos = 0;
    while (pos < c->len && c->heap[pos].slot != slot) {
        pos++;
    }
    return pos;
}

rvm_err_t rvm_sched_migrate(rvm_sched_t *s, rvm_partition_id_t pid, uint16_t to)
{
    rvm_sched_part_t *p = rvm_sched_lookup(s, pid);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->home == RVM_SCHED_NO_CPU || p->home == to) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_sched_cpu_t *from = &s->cpus[p->home];
    if (__atomic_load_n(&from->current, __ATOMIC_RELAXED) == pid) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_err_t err = target_ok(s, p, to);
    if (err != RVM_OK) {
        return err;
    }
    rvm_sched_cpu_t *dst = &s->cpus[to];
    if (p->queued) {
        uint16_t slot = (uint16_t)(p - s->parts);
        uint32_t pos = find_entry(from, slot);
        rvm_sched_entry_t e = from->heap[pos];
        rvm_sched_heap_remove_at(from, pos);
        rvm_sched_heap_refresh(s, dst, rvm_sched_policy_load(s));
        rvm_sched_heap_insert(s, dst, slot, e.urgency, e.pressure_q16);
    }
    from->placed--;
    dst->placed++;
    p->home = to;
    return RVM_OK;
}

rvm_err_t rvm_sched_find_idle_cpu(const rvm_sched_t *s, uint16_t *cpu)
{
    if (cpu == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint16_t i = 0; i < s->cpu_count; i++) {
        const rvm_sched_cpu_t *c = &s->cpus[i];
        if (online(c) && __atomic_load_n(&c->current, __ATOMIC_RELAXED) == RVM_PARTITION_HYPERVISOR) {
            *cpu = i;
            return RVM_OK;
        }
    }
    return RVM_ERR_NOT_FOUND;
}

rvm_err_t rvm_sched_rebalance_hint(const rvm_sched_t *s, uint16_t *from, uint16_t *to)
{
    if (from == NULL || to == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint16_t busiest = (uint16_t)RVM_SCHED_NO_CPU;
    uint16_t idlest = (uint16_t)RVM_SCHED_NO_CPU;
    uint32_t most = 0;
    uint32_t least = 0;
    for (uint16_t i = 0; i < s->cpu_count; i++) {
        if (!online(&s->cpus[i])) {
            continue;
        }
        uint32_t len = __atomic_load_n(&s->cpus[i].len, __ATOMIC_RELAXED);
        if (busiest == RVM_SCHED_NO_CPU || len > most) {
            busiest = i;
            most = len;
        }
        if (idlest == RVM_SCHED_NO_CPU || len < least) {
            idlest = i;
            least = len;
        }
    }
    if (busiest == RVM_SCHED_NO_CPU || most < least + 2u) {
        return RVM_ERR_NOT_FOUND;
    }
    *from = busiest;
    *to = idlest;
    return RVM_OK;
}
