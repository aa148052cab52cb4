/* Shared between librvmsched's own files: the policy word, lookups, heap operations and witnesses. */
#ifndef RVM_SCHED_INTERNAL_H
#define RVM_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/sched.h>
#include <rvm/sched_mode.h>

/*
 * The policy word packs everything that changes an entry's key: mode (bits
 * 0-1), degraded (bit 2) and a generation (bits 8-31) bumped on every change,
 * so a CPU sees that its keys are stale by comparing one word.
 */
#define RVM_SCHED_POLICY_MODE_MASK 0x3u
#define RVM_SCHED_POLICY_DEGRADED 0x4u
#define RVM_SCHED_POLICY_GEN_SHIFT 8u

static inline uint32_t rvm_sched_policy_load(const rvm_sched_t *s)
{
    return __atomic_load_n(&s->policy, __ATOMIC_ACQUIRE);
}

static inline uint32_t rvm_sched_policy_make(uint32_t old, uint32_t mode, bool degraded)
{
    uint32_t gen = (old >> RVM_SCHED_POLICY_GEN_SHIFT) + 1u;
    return (gen << RVM_SCHED_POLICY_GEN_SHIFT) | (degraded ? RVM_SCHED_POLICY_DEGRADED : 0u) |
           (mode & RVM_SCHED_POLICY_MODE_MASK);
}

/* Registered partition with this id, or NULL (the id itself may be hostile). */
static inline rvm_sched_part_t *rvm_sched_lookup(const rvm_sched_t *s, rvm_partition_id_t pid)
{
    if (pid == RVM_PARTITION_HYPERVISOR || pid > RVM_PARTITION_ID_MAX_LOGICAL) {
        return NULL;
    }
    uint16_t slot1 = s->index[pid];
    return slot1 == 0 ? NULL : &s->parts[slot1 - 1u];
}

/* CPU record for a hot-path call: NULL with the error set for a bad index or an offline CPU. */
static inline rvm_sched_cpu_t *rvm_sched_online_cpu(const rvm_sched_t *s, uint16_t cpu, rvm_err_t *err)
{
    if (cpu >= s->cpu_count) {
        *err = RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
        return NULL;
    }
    rvm_sched_cpu_t *c = &s->cpus[cpu];
    if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
        *err = RVM_ERR_INVALID_PARTITION_STATE;
        return NULL;
    }
    return c;
}

/* Inserts an entry (the heap has room) with a fresh tie-break under the CPU's current keys. */
void rvm_sched_heap_insert(const rvm_sched_t *s, rvm_sched_cpu_t *c, uint16_t slot, uint16_t urgency,
                           uint32_t pressure_q16);

/* Removes the entry at heap position `pos` (< len) and restores the heap. */
void rvm_sched_heap_remove_at(rvm_sched_cpu_t *c, uint32_t pos);

/* Recomputes every key of a CPU's queue under `policy` if it was built under another one. */
void rvm_sched_heap_refresh(const rvm_sched_t *s, rvm_sched_cpu_t *c, uint32_t policy);

/* Appends a scheduler witness (tier 1) with the given fields; the log's error on failure. */
rvm_err_t rvm_sched_witness(rvm_sched_t *s, uint8_t kind, uint8_t flags, rvm_partition_id_t actor, uint64_t target,
                            const uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE]);

#endif
