/*
 * Per-CPU run queues (spec §9.2): a binary max-heap of 64-bit keys, so that
 * enqueue and pick are O(log n) and a pick compares keys only. A key is
 * eligible bit (63) | priority (62..32) | FIFO tie-break (31..0): among equal
 * priorities the earlier enqueue wins, whatever the heap shape.
 */
#include "sched_internal.h"

#define KEY_ELIGIBLE (1ull << 63)
#define KEY_TIE_MASK 0xFFFFFFFFull

/* Heap key of an entry under `policy`; `tie` is its FIFO tie-break. */
static uint64_t key_of(uint32_t policy, uint64_t tie, uint16_t urgency, uint32_t pressure_q16,
                       const rvm_sched_part_t *p)
{
    uint32_t pressure = (policy & RVM_SCHED_POLICY_DEGRADED) != 0 ? 0u : pressure_q16;
    uint64_t eligible = KEY_ELIGIBLE;
    uint32_t prio;
    switch (policy & RVM_SCHED_POLICY_MODE_MASK) {
    case RVM_SCHED_REFLEX:
        /* Deterministic order: static priority first, urgency within it; pressure plays no part. */
        eligible = (p->flags & RVM_SCHED_PART_REALTIME) != 0 ? KEY_ELIGIBLE : 0;
        prio = ((uint32_t)p->static_priority << 16) | urgency;
        break;
    case RVM_SCHED_RECOVERY:
        eligible = (p->flags & RVM_SCHED_PART_RECOVERY) != 0 ? KEY_ELIGIBLE : 0;
        prio = rvm_sched_priority(urgency, pressure);
        break;
    default:
        prio = rvm_sched_priority(urgency, pressure);
        break;
    }
    return eligible | ((uint64_t)prio << 32) | (tie & KEY_TIE_MASK);
}

static void sift_down(rvm_sched_cpu_t *c, uint32_t pos, uint32_t len)
{
    rvm_sched_entry_t e = c->heap[pos];
    /* Bounded: pos at least doubles on every step. */
    while (2u * pos + 1u < len) {
        uint32_t child = 2u * pos + 1u;
        if (child + 1u < len && c->heap[child + 1u].key > c->heap[child].key) {
            child++;
        }
        if (c->heap[child].key <= e.key) {
            break;
        }
        c->heap[pos] = c->heap[child];
        pos = child;
    }
    c->heap[pos] = e;
}

static void sift_up(rvm_sched_cpu_t *c, uint32_t pos, rvm_sched_entry_t e)
{
    while (pos > 0) {
        uint32_t parent = (pos - 1u) / 2u;
        if (c->heap[parent].key >= e.key) {
            break;
        }
        c->heap[pos] = c->heap[parent];
        pos = parent;
    }
    c->heap[pos] = e;
}

void rvm_sched_heap_insert(const rvm_sched_t *s, rvm_sched_cpu_t *c, uint16_t slot, uint16_t urgency,
                           uint32_t pressure_q16)
{
    uint32_t len = c->len;
    /* Later enqueues get smaller tie-breaks. The counter restarts whenever the queue is empty, so the
     * FIFO order among equals can only be disturbed by 2^32 enqueues without the queue ever draining
     * (and then only among equal priorities). */
    if (len == 0) {
        c->seq = 0;
    }
    rvm_sched_entry_t e;
    e.key = key_of(c->policy_seen, KEY_TIE_MASK - c->seq, urgency, pressure_q16, &s->parts[slot]);
    e.pressure_q16 = pressure_q16;
    e.slot = slot;
    e.urgency = urgency;
    c->seq++;
    sift_up(c, len, e);
    __atomic_store_n(&c->len, len + 1u, __ATOMIC_RELAXED);
}

void rvm_sched_heap_remove_at(rvm_sched_cpu_t *c, uint32_t pos)
{
    uint32_t len = c->len - 1u;
    __atomic_store_n(&c->len, len, __ATOMIC_RELAXED);
    if (pos == len) {
        return;
    }
    rvm_sched_entry_t last = c->heap[len];
    if (pos > 0 && c->heap[(pos - 1u) / 2u].key < last.key) {
        sift_up(c, pos, last);
    } else {
        c->heap[pos] = last;
        sift_down(c, pos, len);
    }
}

void rvm_sched_heap_refresh(const rvm_sched_t *s, rvm_sched_cpu_t *c, uint32_t policy)
{
    if (c->policy_seen == policy) {
        return;
    }
    uint32_t len = c->len;
    for (uint32_t i = 0; i < len; i++) {
        rvm_sched_entry_t *e = &c->heap[i];
        e->key = key_of(policy, e->key, e->urgency, e->pressure_q16, &s->parts[e->slot]);
    }
    /* Floyd's bottom-up heap construction: O(n), once per mode or degraded change. */
    for (uint32_t i = len / 2u; i > 0; i--) {
        sift_down(c, i - 1u, len);
    }
    c->policy_seen = policy;
}

static rvm_err_t enqueue(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t pid, const uint64_t *now_ns,
                         uint16_t urgency)
{
    rvm_err_t err = RVM_OK;
    rvm_sched_cpu_t *c = rvm_sched_online_cpu(s, cpu, &err);
    if (c == NULL) {
        return err;
    }
    rvm_sched_part_t *p = rvm_sched_lookup(s, pid);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->home != cpu || p->queued) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    /* No room check: only partitions placed here enter this queue, each once, and placement
     * stops at max_per_cpu <= RVM_SCHED_QUEUE_CAP. */
    rvm_sched_heap_refresh(s, c, rvm_sched_policy_load(s));
    if (now_ns != NULL) {
        urgency = rvm_sched_deadline_urgency(&p->timing, *now_ns);
    }
    rvm_sched_heap_insert(s, c, (uint16_t)(p - s->parts), urgency,
                          __atomic_load_n(&p->pressure_q16, __ATOMIC_RELAXED));
    p->queued = 1;
    return RVM_OK;
}

rvm_err_t rvm_sched_enqueue(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t pid, uint64_t now_ns)
{
    return enqueue(s, cpu, pid, &now_ns, 0);
}

rvm_err_t rvm_sched_enqueue_urgency(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t pid, uint16_t urgency)
{
    return enqueue(s, cpu, pid, NULL, urgency);
}

rvm_err_t rvm_sched_pick_next(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t *prev, rvm_partition_id_t *next)
{
    if (prev == NULL || next == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = RVM_OK;
    rvm_sched_cpu_t *c = rvm_sched_online_cpu(s, cpu, &err);
    if (c == NULL) {
        return err;
    }
    rvm_sched_heap_refresh(s, c, rvm_sched_policy_load(s));
    /* Ineligible entries sort below every eligible one: an ineligible root means none may run. */
    if (c->len == 0 || (c->heap[0].key & KEY_ELIGIBLE) == 0) {
        return RVM_ERR_NOT_FOUND;
    }
    uint16_t slot = c->heap[0].slot;
    rvm_sched_heap_remove_at(c, 0);
    rvm_sched_part_t *p = &s->parts[slot];
    p->queued = 0;
    *prev = c->current;
    if (p->pid != c->current) {
        __atomic_store_n(&c->current, p->pid, __ATOMIC_RELAXED);
        __atomic_store_n(&c->switches, c->switches + 1u, __ATOMIC_RELAXED);
    }
    *next = p->pid;
    return RVM_OK;
}

rvm_err_t rvm_sched_release(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t *prev)
{
    if (prev == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = RVM_OK;
    rvm_sched_cpu_t *c = rvm_sched_online_cpu(s, cpu, &err);
    if (c == NULL) {
        return err;
    }
    if (c->current == RVM_PARTITION_HYPERVISOR) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    *prev = c->current;
    __atomic_store_n(&c->current, RVM_PARTITION_HYPERVISOR, __ATOMIC_RELAXED);
    return RVM_OK;
}

rvm_err_t rvm_sched_switch_cost(rvm_sched_t *s, uint16_t cpu, uint64_t elapsed_ns)
{
    rvm_err_t err = RVM_OK;
    rvm_sched_cpu_t *c = rvm_sched_online_cpu(s, cpu, &err);
    if (c == NULL) {
        return err;
    }
    __atomic_store_n(&c->switch_ns, c->switch_ns + elapsed_ns, __ATOMIC_RELAXED);
    return RVM_OK;
}

rvm_err_t rvm_sched_queue_len(const rvm_sched_t *s, uint16_t cpu, uint32_t *len)
{
    if (len == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cpu >= s->cpu_count) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    *len = __atomic_load_n(&s->cpus[cpu].len, __ATOMIC_RELAXED);
    return RVM_OK;
}

rvm_err_t rvm_sched_running(const rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t *pid)
{
    if (pid == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cpu >= s->cpu_count) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    *pid = __atomic_load_n(&s->cpus[cpu].current, __ATOMIC_RELAXED);
    return RVM_OK;
}
