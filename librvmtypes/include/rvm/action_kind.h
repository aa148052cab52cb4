/* Witness action kinds (spec §3.3): one byte, the high nibble names the subsystem. */
#ifndef RVM_ACTION_KIND_H
#define RVM_ACTION_KIND_H

#include <stdbool.h>
#include <stdint.h>

/*
 * X(code, NAME, "DisplayName"). One list feeds the enum, the name table and
 * the validity check, so a code can never be added to one and not the others.
 * Codes up to 0xA1 without a "RVM allocation" comment are the reference's 60;
 * the rest give codes to witnesses that the ADRs name without a number, in a
 * free slot of their subsystem's nibble, as spec §3.3 asks.
 */
#define RVM_ACTION_KIND_LIST(X)                                   \
    X(0x01, PARTITION_CREATE, "PartitionCreate")                  \
    X(0x02, PARTITION_DESTROY, "PartitionDestroy")                \
    X(0x03, PARTITION_SUSPEND, "PartitionSuspend")                \
    X(0x04, PARTITION_RESUME, "PartitionResume")                  \
    X(0x05, PARTITION_SPLIT, "PartitionSplit")                    \
    X(0x06, PARTITION_MERGE, "PartitionMerge")                    \
    X(0x07, PARTITION_HIBERNATE, "PartitionHibernate")            \
    X(0x08, PARTITION_RECONSTRUCT, "PartitionReconstruct")        \
    X(0x09, PARTITION_MIGRATE, "PartitionMigrate")                \
    X(0x10, CAPABILITY_GRANT, "CapabilityGrant")                  \
    X(0x11, CAPABILITY_REVOKE, "CapabilityRevoke")                \
    X(0x12, CAPABILITY_DELEGATE, "CapabilityDelegate")            \
    X(0x13, CAPABILITY_ESCALATE, "CapabilityEscalate")            \
    X(0x14, CAPABILITY_ATTENUATED, "CapabilityAttenuated")        \
    /* RVM allocations: delete, per-object epoch bump, global epoch bump. */ \
    X(0x15, CAPABILITY_DELETE, "CapabilityDelete")                \
    X(0x16, CAPABILITY_EPOCH_BUMP, "CapabilityEpochBump")         \
    X(0x17, CAPABILITY_GLOBAL_EPOCH_BUMP, "CapabilityGlobalEpochBump") \
    X(0x18, CAPABILITY_CREATE_ROOT, "CapabilityCreateRoot")       \
    X(0x20, REGION_CREATE, "RegionCreate")                        \
    X(0x21, REGION_DESTROY, "RegionDestroy")                      \
    X(0x22, REGION_TRANSFER, "RegionTransfer")                    \
    X(0x23, REGION_SHARE, "RegionShare")                          \
    X(0x24, REGION_UNSHARE, "RegionUnshare")                      \
    X(0x25, REGION_PROMOTE, "RegionPromote")                      \
    X(0x26, REGION_DEMOTE, "RegionDemote")                        \
    X(0x27, REGION_MAP, "RegionMap")                              \
    X(0x28, REGION_UNMAP, "RegionUnmap")                          \
    /* RVM allocation: a write to a dormant region, kept as a checkpoint delta. */ \
    X(0x29, REGION_DELTA, "RegionDelta")                          \
    X(0x30, COMM_EDGE_CREATE, "CommEdgeCreate")                   \
    X(0x31, COMM_EDGE_DESTROY, "CommEdgeDestroy")                 \
    X(0x32, IPC_SEND, "IpcSend")                                  \
    X(0x33, IPC_RECEIVE, "IpcReceive")                            \
    X(0x34, ZERO_COPY_SHARE, "ZeroCopyShare")                     \
    X(0x35, NOTIFICATION_SIGNAL, "NotificationSignal")            \
    X(0x36, EDGE_RELOCATED, "EdgeRelocated") /* RVM allocation */ \
    X(0x40, DEVICE_LEASE_GRANT, "DeviceLeaseGrant")               \
    X(0x41, DEVICE_LEASE_REVOKE, "DeviceLeaseRevoke")             \
    X(0x42, DEVICE_LEASE_EXPIRE, "DeviceLeaseExpire")             \
    X(0x43, DEVICE_LEASE_RENEW, "DeviceLeaseRenew")               \
    X(0x50, PROOF_VERIFIED_P1, "ProofVerifiedP1")                 \
    X(0x51, PROOF_VERIFIED_P2, "ProofVerifiedP2")                 \
    X(0x52, PROOF_VERIFIED_P3, "ProofVerifiedP3")                 \
    X(0x53, PROOF_REJECTED, "ProofRejected")                      \
    X(0x54, PROOF_ESCALATED, "ProofEscalated")                    \
    X(0x60, SCHEDULER_EPOCH, "SchedulerEpoch")                    \
    X(0x61, SCHEDULER_MODE_SWITCH, "SchedulerModeSwitch")         \
    X(0x62, TASK_SPAWN, "TaskSpawn")                              \
    X(0x63, TASK_TERMINATE, "TaskTerminate")                      \
    X(0x64, STRUCTURAL_SPLIT, "StructuralSplit")                  \
    X(0x65, STRUCTURAL_MERGE, "StructuralMerge")                  \
    X(0x66, AGENT_SPAWNED, "AgentSpawned") /* RVM allocation */   \
    X(0x67, AGENT_RECONSTRUCTED, "AgentReconstructed") /* RVM allocation */ \
    X(0x70, RECOVERY_ENTER, "RecoveryEnter")                      \
    X(0x71, RECOVERY_EXIT, "RecoveryExit")                        \
    X(0x72, CHECKPOINT_CREATED, "CheckpointCreated")              \
    X(0x73, CHECKPOINT_RESTORED, "CheckpointRestored")            \
    X(0x74, MINCUT_BUDGET_EXCEEDED, "MinCutBudgetExceeded")       \
    X(0x75, DEGRADED_MODE_ENTERED, "DegradedModeEntered")         \
    X(0x76, DEGRADED_MODE_EXITED, "DegradedModeExited")           \
    /* RVM allocations for the DC-14 failure classes. */          \
    X(0x77, AGENT_RESTART, "AgentRestart")                        \
    X(0x78, MEMORY_ROLLBACK, "MemoryRollback")                    \
    X(0x79, KERNEL_REBOOT, "KernelReboot")                        \
    X(0x7A, FAILURE_ESCALATED, "FailureEscalated")                \
    X(0x80, BOOT_ATTESTATION, "BootAttestation")                  \
    X(0x81, BOOT_COMPLETE, "BootComplete")                        \
    X(0x82, TEE_ATTESTATION, "TeeAttestation")                    \
    /* RVM allocations for the ADR-137 boot stages, upgrade and sleep. */ \
    X(0x83, RESET_VECTOR_ENTRY, "ResetVectorEntry")               \
    X(0x84, HARDWARE_DETECTED, "HardwareDetected")                \
    X(0x85, UART_INITIALIZED, "UartInitialized")                  \
    X(0x86, MMU_CONFIGURED, "MmuConfigured")                      \
    X(0x87, HYPERVISOR_ACTIVE, "HypervisorActive")                \
    X(0x88, KERNEL_OBJECTS_READY, "KernelObjectsReady")           \
    X(0x89, FIRST_PARTITION_CREATED, "FirstPartitionCreated")     \
    X(0x8A, UPGRADE_BEGIN, "UpgradeBegin")                        \
    X(0x8B, UPGRADE_COMMIT, "UpgradeCommit")                      \
    X(0x8C, UPGRADE_ROLLBACK, "UpgradeRollback")                  \
    X(0x8D, SLEEP_ENTER, "SleepEnter")                            \
    X(0x8E, SLEEP_EXIT, "SleepExit")                              \
    X(0x90, VECTOR_PUT, "VectorPut")                              \
    X(0x91, VECTOR_DELETE, "VectorDelete")                        \
    X(0x92, GRAPH_MUTATION, "GraphMutation")                      \
    X(0x93, COHERENCE_RECOMPUTED, "CoherenceRecomputed")          \
    X(0xA0, VMID_RECLAIM, "VmidReclaim")                          \
    X(0xA1, MIGRATION_TIMEOUT, "MigrationTimeout")

#define RVM_ACTION_KIND_ENUMERATOR(code, name, str) RVM_ACTION_##name = (code),
typedef enum rvm_action_kind {
    RVM_ACTION_KIND_LIST(RVM_ACTION_KIND_ENUMERATOR)
} rvm_action_kind_t;
#undef RVM_ACTION_KIND_ENUMERATOR

typedef enum rvm_subsystem {
    RVM_SUBSYS_PARTITION = 0x0,
    RVM_SUBSYS_CAPABILITY = 0x1,
    RVM_SUBSYS_MEMORY = 0x2,
    RVM_SUBSYS_COMMUNICATION = 0x3,
    RVM_SUBSYS_DEVICE = 0x4,
    RVM_SUBSYS_PROOF = 0x5,
    RVM_SUBSYS_SCHEDULER = 0x6,
    RVM_SUBSYS_RECOVERY = 0x7,
    RVM_SUBSYS_BOOT = 0x8,
    RVM_SUBSYS_GRAPH = 0x9,
    RVM_SUBSYS_VMID_MIGRATION = 0xA,
} rvm_subsystem_t;

/* True for a defined action code; decoders reject every other byte. */
bool rvm_action_kind_valid(uint8_t code);
/* Display name ("PartitionCreate"), or NULL for an undefined code. */
const char *rvm_action_kind_name(uint8_t code);
/* Parses a display name back to its code; false when the name is unknown. */
bool rvm_action_kind_from_name(const char *name, uint8_t *out);
/* Subsystem of a code: its high nibble. */
static inline rvm_subsystem_t rvm_action_kind_subsystem(uint8_t code) { return (rvm_subsystem_t)(code >> 4); }

#endif
