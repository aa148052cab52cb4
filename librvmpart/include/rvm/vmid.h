/*
 * VMID management (spec §8.9, DC-12, DECISIONS 6): logical partitions (up to
 * 4096) share the 255 hardware VMIDs 1..255, which act as a cache. A
 * partition gets a VMID when it is about to run; when none is free, the
 * least recently scheduled partition that is on no CPU yields its VMID: the
 * old holder's TLB entries are flushed through the kernel's callback, the
 * VmidReclaim 0xA0 witness is appended (actor = old holder, target = new
 * holder, payload[0..2] = VMID LE, tier 1), and the VMID changes hands. A
 * partition whose VMID was reclaimed gets a fresh one (possibly a different
 * number) on its next acquire, so the kernel must rebuild VTTBR from the
 * returned VMID every time `fresh` is set. VMID = id & 0xFF is never used.
 * VMIDs released by hibernate or destroy are flushed before they return to
 * the pool, so a VMID handed out is always clean.
 */
#ifndef RVM_VMID_H
#define RVM_VMID_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/partition.h>

/*
 * The partition is about to run on a CPU at scheduler epoch `now`: returns
 * its VMID, assigning (or reclaiming) one when it has none (`fresh` true).
 * The partition must be Running (INVALID_PARTITION_STATE otherwise);
 * RESOURCE_LIMIT_EXCEEDED when every VMID holder is on a CPU.
 * Pair every successful call with rvm_vmid_descheduled.
 */
rvm_err_t rvm_vmid_acquire(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint64_t now, uint16_t *vmid,
                           bool *fresh);

/* The partition left a CPU; INVALID_PARTITION_STATE when it was on none. */
rvm_err_t rvm_vmid_descheduled(rvm_partmgr_t *mgr, rvm_partition_id_t id);

/* VMID held by the partition now (RVM_VMID_NONE when it has none); PARTITION_NOT_FOUND for an unknown id. */
rvm_err_t rvm_vmid_of(const rvm_partmgr_t *mgr, rvm_partition_id_t id, uint16_t *vmid);

/* Free VMIDs among 1..255. */
uint32_t rvm_vmid_free_count(const rvm_partmgr_t *mgr);

/* VMIDs taken from one partition and given to another so far. */
uint64_t rvm_vmid_reclaim_count(const rvm_partmgr_t *mgr);

#endif
