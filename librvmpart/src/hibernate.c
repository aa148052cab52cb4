#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/ct.h>
#include <rvm/endian.h>
#include <rvm/hibernate.h>
#include <rvm/sha256.h>

#include "part_internal.h"

static void put32(rvm_sha256_ctx_t *c, uint32_t v)
{
    uint8_t b[4];
    rvm_le32_store(b, v);
    rvm_sha256_update(c, b, sizeof b);
}

static void put64(rvm_sha256_ctx_t *c, uint64_t v)
{
    uint8_t b[8];
    rvm_le64_store(b, v);
    rvm_sha256_update(c, b, sizeof b);
}

rvm_err_t rvm_hibernate_receipt_digest(const rvm_hibernate_receipt_t *r, uint8_t out[RVM_RECEIPT_DIGEST_LEN])
{
    if (r == NULL || out == NULL || r->task_count > RVM_PART_MAX_TASKS || r->region_count > RVM_PART_MAX_REGIONS) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* Field by field, never the in-memory image: padding bytes are not part of the state. */
    static const uint8_t domain[] = { 'R', 'V', 'M', '-', 'H', 'I', 'B', '1' };
    rvm_sha256_ctx_t c;
    rvm_sha256_init(&c);
    rvm_sha256_update(&c, domain, sizeof domain);
    put32(&c, r->receipt.original_id);
    put32(&c, r->receipt.checkpoint.partition);
    put64(&c, r->receipt.checkpoint.witness_sequence);
    put64(&c, r->receipt.checkpoint.timestamp_ns);
    put32(&c, r->receipt.checkpoint.epoch);
    put32(&c, r->receipt.was_hibernated ? 1u : 0u);
    put32(&c, r->type);
    put32(&c, r->vcpu_count);
    put32(&c, r->coherence);
    put32(&c, r->task_count);
    put32(&c, r->region_count);
    for (uint32_t i = 0; i < r->task_count; i++) {
        put32(&c, r->tasks[i]);
    }
    for (uint32_t i = 0; i < r->region_count; i++) {
        put64(&c, r->regions[i].id);
        put64(&c, r->regions[i].base);
        put32(&c, r->regions[i].pages);
        put32(&c, r->regions[i].flags);
    }
    rvm_sha256_final(&c, out);
    return RVM_OK;
}

rvm_err_t rvm_part_hibernate(rvm_partmgr_t *mgr, const rvm_lease_table_t *leases, rvm_partition_id_t id,
                             uint64_t now_ns, uint32_t epoch, rvm_hibernate_receipt_t *out)
{
    if (mgr == NULL || leases == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (!rvm_part_transition_allowed(p->state, RVM_PARTITION_HIBERNATED) || p->on_cpu != 0) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (rvm_lease_count_of(leases, id) != 0) {
        return RVM_ERR_DEVICE_LEASE_CONFLICT;
    }
    rvm_hibernate_receipt_t r;
    __builtin_memset(&r, 0, sizeof r);
    r.receipt.original_id = id;
    r.receipt.checkpoint.partition = id;
    r.receipt.checkpoint.witness_sequence = rvm_witness_total_emitted(mgr->log);
    r.receipt.checkpoint.timestamp_ns = now_ns;
    r.receipt.checkpoint.epoch = epoch;
    r.receipt.was_hibernated = true;
    r.type = p->type;
    r.vcpu_count = p->vcpu_count;
    r.coherence = p->coherence;
    r.task_count = p->task_count;
    r.region_count = p->region_count;
    for (uint32_t i = 0; i < p->task_count; i++) {
        r.tasks[i] = p->tasks[i];
    }
    for (uint32_t i = 0; i < p->region_count; i++) {
        r.regions[i] = p->regions[i];
    }
    rvm_err_t e = rvm_hibernate_receipt_digest(&r, r.digest);
    if (e != RVM_OK) {
        return e;
    }
    e = rvm_part_transition_ex(mgr, id, RVM_PARTITION_HIBERNATED, rvm_le32_load(r.digest));
    if (e != RVM_OK) {
        return e;
    }
    __builtin_memcpy(p->receipt_digest, r.digest, RVM_RECEIPT_DIGEST_LEN);
    __builtin_memset(p->tasks, 0, sizeof p->tasks);
    __builtin_memset(p->regions, 0, sizeof p->regions);
    p->task_count = 0;
    p->region_count = 0;
    *out = r;
    return RVM_OK;
}

static bool receipt_authentic(const rvm_partition_t *p, const rvm_hibernate_receipt_t *r)
{
    uint8_t d[RVM_RECEIPT_DIGEST_LEN];
    if (rvm_hibernate_receipt_digest(r, d) != RVM_OK) {
        return false;
    }
    /* Both compares always run, in constant time: a forger learns nothing from the timing. */
    bool self = rvm_ct_equal(d, r->digest, RVM_RECEIPT_DIGEST_LEN);
    bool kept = rvm_ct_equal(r->digest, p->receipt_digest, RVM_RECEIPT_DIGEST_LEN);
    return self & kept & r->receipt.was_hibernated & (r->receipt.checkpoint.partition == p->id);
}

rvm_err_t rvm_part_reconstruct(rvm_partmgr_t *mgr, const rvm_hibernate_receipt_t *receipt)
{
    if (mgr == NULL || receipt == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_partition_t *p = rvm_part_slot(mgr, receipt->receipt.original_id);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->state != RVM_PARTITION_HIBERNATED) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (!receipt_authentic(p, receipt)) {
        rvm_err_t e = rvm_part_emit(mgr->log, RVM_ACTION_PARTITION_RECONSTRUCT, 0, RVM_PARTITION_HYPERVISOR, p->id, 0,
                                    NULL, 1);
        return e != RVM_OK ? e : RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    rvm_err_t e = rvm_part_transition_ex(mgr, p->id, RVM_PARTITION_CREATED, rvm_le32_load(receipt->digest));
    if (e != RVM_OK) {
        return e;
    }
    for (uint32_t i = 0; i < receipt->task_count; i++) {
        p->tasks[i] = receipt->tasks[i];
    }
    for (uint32_t i = 0; i < receipt->region_count; i++) {
        p->regions[i] = receipt->regions[i];
    }
    p->task_count = receipt->task_count;
    p->region_count = receipt->region_count;
    __builtin_memset(p->receipt_digest, 0, RVM_RECEIPT_DIGEST_LEN);
    return RVM_OK;
}
