/*
 * Hibernate and reconstruct (spec §8.8, ADR-133).
 *
 * Hibernate takes a Running or Suspended partition that is on no CPU and
 * holds no device lease, writes its state summary into a receipt (the
 * §3.10 reconstruction receipt plus type, vCPU count, coherence, tasks and
 * region descriptors), digests the receipt with SHA-256, moves the partition
 * to Hibernated (PartitionHibernate, payload[4..8] = first four digest bytes
 * LE; the VMID is released) and clears its tasks and region descriptors:
 * librvmmem compresses the regions to the dormant tier, the receipt says
 * what to bring back. The manager keeps the digest with the partition.
 *
 * Reconstruct checks the receipt: its digest must match its contents
 * (corruption) and the digest the manager kept for that partition (a
 * receipt for another hibernation, or a well-formed forgery, is refused);
 * failures are RVM_ERR_CHECKPOINT_CORRUPTED, witnessed PartitionReconstruct
 * with proof_tier 0 and flags 1, target = the receipt's partition. A good
 * receipt restores the tasks and descriptors and moves the partition to
 * Created (PartitionReconstruct, tier 2); the kernel then rebuilds stage-2
 * from librvmmem and starts it (Created -> Running), when it gets a fresh VMID.
 */
#ifndef RVM_HIBERNATE_H
#define RVM_HIBERNATE_H

#include <stdint.h>

#include <rvm/device_lease.h>
#include <rvm/err.h>
#include <rvm/failure.h>
#include <rvm/partition.h>

#define RVM_RECEIPT_DIGEST_LEN 32u

typedef struct rvm_hibernate_receipt {
    rvm_reconstruction_receipt_t receipt;  /* original id, checkpoint, was_hibernated */
    uint8_t type;
    uint16_t vcpu_count;
    rvm_coherence_score_t coherence;
    uint32_t task_count;
    uint32_t region_count;
    uint32_t tasks[RVM_PART_MAX_TASKS];
    rvm_region_desc_t regions[RVM_PART_MAX_REGIONS];
    uint8_t digest[RVM_RECEIPT_DIGEST_LEN];  /* SHA-256 of the canonical encoding of the fields above */
} rvm_hibernate_receipt_t;

/*
 * SHA-256 of the receipt's canonical little-endian encoding (every field
 * above `digest`, unused task and region slots excluded). INVALID_ARGUMENT
 * when the counts exceed the table sizes.
 */
rvm_err_t rvm_hibernate_receipt_digest(const rvm_hibernate_receipt_t *r, uint8_t out[RVM_RECEIPT_DIGEST_LEN]);

/*
 * Hibernates partition `id` at time `now_ns`, scheduler epoch `epoch`;
 * `out` receives the receipt (checkpoint.witness_sequence = sequence of the
 * PartitionHibernate record). DEVICE_LEASE_CONFLICT while it holds a lease;
 * the lifecycle's errors otherwise.
 */
rvm_err_t rvm_part_hibernate(rvm_partmgr_t *mgr, const rvm_lease_table_t *leases, rvm_partition_id_t id,
                             uint64_t now_ns, uint32_t epoch, rvm_hibernate_receipt_t *out);

/* Verifies `receipt` and brings its partition back to Created (see above). */
rvm_err_t rvm_part_reconstruct(rvm_partmgr_t *mgr, const rvm_hibernate_receipt_t *receipt);

#endif
