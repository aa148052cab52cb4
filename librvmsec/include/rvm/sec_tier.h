/*
 * The least proof tier each action needs (DC-3, spec §15.5 "Right / tier").
 *
 * P1 is the capability check alone, P2 adds a verified policy proof, P3 adds
 * the deep proof (derivation chain plus witness evidence). From §15.5:
 *   P1  PartitionCreate, Suspend, Resume, capability grant/revoke, region
 *       create/share/map, channels and IPC, lease revoke, scheduler changes
 *   P2  PartitionDestroy, Split, Hibernate, Reconstruct, RegionTransfer
 *   P3  PartitionMerge and PartitionMigrate (DC-3: merge, migration and
 *       device leases need the deep proof); DeviceLeaseGrant and
 *       DeviceLeaseRenew when the lease goes to an untrusted partition
 * Actions the table does not name follow their nearest listed relative:
 * StructuralSplit as Split (P2), StructuralMerge as Merge (P3),
 * CapabilityEscalate P2 (it widens authority), CheckpointRestored and
 * MemoryRollback as Reconstruct (P2); every other defined action is P1.
 */
#ifndef RVM_SEC_TIER_H
#define RVM_SEC_TIER_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>

/*
 * Writes the least tier (1..3) that `action` needs to `tier_out`;
 * `target_untrusted` says whether a device lease goes to an untrusted
 * partition. MALFORMED_INPUT for an undefined action code; INVALID_ARGUMENT
 * for the proof pipeline's own records (ProofVerifiedP1..ProofEscalated),
 * which no request may ask to write, or NULL `tier_out`.
 */
rvm_err_t rvm_sec_action_min_tier(uint8_t action, bool target_untrusted, uint8_t *tier_out);

#endif
