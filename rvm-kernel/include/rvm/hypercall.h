/*
 * The guest-facing hypercall ABI of RVM (DECISIONS 10). Guests include this
 * header; it is versioned with rvm-kernel (rvm/rvmkernel_version.h) and by
 * RVM_HYPERCALL_ABI_VERSION, which RVM_HC_VERSION returns.
 *
 * Convention: Arm SMC Calling Convention 1.1, `HVC #0` from EL1. w0 holds the
 * function ID, an SMC64 fast call in the vendor-specific hypervisor service
 * range (owning entity 6): RVM_HC_FID(call) = 0xC6000000 | call. Arguments in
 * x1..x6; on return x0 is the status (0 or a negative rvm_err_t code of
 * rvm/err.h) and x1..x3 the results. An unknown function ID returns
 * RVM_HC_NOT_SUPPORTED (-1, the SMCCC value). Capability handles travel as
 * (index << 32) | generation. Guest buffers are guest-physical addresses
 * (IPAs) that must lie wholly inside memory the caller may access.
 *
 * Capabilities (since ABI 0.2): every call is authorised by a capability (librvmcap P1). The
 * services below need the caller's capability to itself (RVM_OBJ_PARTITION,
 * object = its own id, the handle in x1 at entry) with the right named next
 * to each call: READ to learn something, WRITE to produce output, EXECUTE to
 * give the CPU away. The kernel keeps that handle in the partition record,
 * so guests pass none; once the partition revokes or deletes its copy, or
 * the copy goes stale, those calls fail with the P1 error
 * (RVM_ERR_INVALID_HANDLE -36, RVM_ERR_STALE_CAPABILITY -10, or
 * RVM_ERR_INSUFFICIENT_CAPABILITY -9 when the right is missing). CAP_GRANT and
 * CAP_REVOKE are authorised by the handle they name. Ending the partition
 * (RVM_HC_EXIT, PSCI CPU_OFF / SYSTEM_OFF) needs no capability: it only gives
 * resources up, and a partition must always be able to stop; nor does PSCI
 * SYSTEM_RESET, which gives the partition nothing it did not have.
 * Every refused call is witnessed (ProofRejected 0x53, actor and target the
 * caller, payload the function ID then the status, both 32-bit LE), the
 * first RVM_HC_REFUSALS_WITNESSED per partition; later ones are counted and
 * reported on the console when the partition stops, so no partition can
 * flood the log.
 *
 * PSCI (owning entity 4) and SMCCC_VERSION / SMCCC_ARCH_FEATURES (entity 0)
 * are answered at their standard IDs, through HVC and through trapped SMC.
 * PSCI CPU_OFF and SYSTEM_OFF end the calling partition (one vCPU each), as
 * RVM_HC_EXIT with code 0 does. PSCI SYSTEM_RESET (since ABI 0.3) restarts it
 * from its boot image in the entry state below, RAM scrubbed, with the same
 * id and capabilities; after RVM_PARTITION_RESETS_MAX (16) resets it ends the
 * partition instead, so that a reset loop cannot flood the witness log.
 *
 * Entry state: EL1h, DAIF masked, MMU off, at the first byte of the image
 * (IPA RVM_GUEST_ENTRY_IPA); SP_EL1 = the top of the partition's RAM;
 * x0 = the partition's id (as RVM_HC_SELF_ID); x5 = how many times it has
 * been reset (0 at its first entry); x1..x4 = the handles of the
 * capabilities the configuration gives it, in configuration order, 0 where
 * there is none: x1 is a capability to the partition itself (READ, WRITE,
 * EXECUTE, GRANT, REVOKE; derived from a root the hypervisor keeps, so a
 * revoked one cannot be re-derived); for the first (control) partition, x2
 * WitnessLog READ|GRANT, x3 Device WRITE for the leasable device (if the
 * platform has one) and x4 Partition WRITE|GRANT on object 0, the partition
 * table, which authorises RVM_HC_PARTITION_CREATE.
 */
#ifndef RVM_HYPERCALL_H
#define RVM_HYPERCALL_H

#include <stdint.h>

#define RVM_HYPERCALL_ABI_VERSION_MAJOR 0u
#define RVM_HYPERCALL_ABI_VERSION_MINOR 5u
#define RVM_HYPERCALL_ABI_VERSION ((RVM_HYPERCALL_ABI_VERSION_MAJOR << 16) | RVM_HYPERCALL_ABI_VERSION_MINOR)

/* Where every partition's RAM starts and its image is entered. */
#define RVM_GUEST_ENTRY_IPA 0x40000000u

#define RVM_HC_FID(call) (0xC6000000u | (uint32_t)(call))
#define RVM_HC_NOT_SUPPORTED (-1)

/* Call numbers: the spec's §15.5 table, plus RVM allocations in the matching nibble; [needs] the capability. */
/*
 * Structural calls (since ABI 0.5) pass librvmsec's security gate: the
 * capability named by x1 (owned by the caller, of the type and with the
 * rights listed), then the proof tier the action needs (DC-3): P2 calls take
 * a struct rvm_hc_proof that authorises exactly this call, P3 calls also a
 * struct rvm_hc_p3 naming witness records. A refusal changes nothing and is
 * witnessed (ProofRejected, by the gate, then as every refused call).
 */
#define RVM_HC_PARTITION_CREATE 0x01u  /* x1 = a Partition WRITE capability to object 0 (the partition table; the
                                        * control partition gets one in x4), x2 = index of a configured image
                                        * -> x1 = the new partition's id, x2 = a Partition READ|WRITE|GRANT|REVOKE|
                                        * PROVE capability to it, owned by the caller [P1] */
#define RVM_HC_PARTITION_DESTROY 0x02u /* x1 = a Partition WRITE capability naming the target, x2 = its id, x3 =
                                        * proof IPA; one loaded on another CPU ends at that CPU's next trap, at
                                        * the latest its next tick [P2] */
#define RVM_HC_PARTITION_SPLIT 0x05u   /* x1 = a Partition WRITE capability naming it, x2 = its id, x3 = mask of its
                                        * tasks that go to the new half, x4 = proof IPA: done at its next
                                        * TASK_SYNC, or abandoned after 100 ms [P2] */
#define RVM_HC_PARTITION_MERGE 0x06u   /* x1 = a Partition WRITE capability naming the absorber, x2 = its id, x3 =
                                        * the absorbed partition's id, x4 = proof IPA, x5 = P3 IPA, x6 = a Partition
                                        * WRITE|PROVE capability naming the absorbed one (both consent): done at
                                        * the absorbed one's next TASK_SYNC [P3] */
#define RVM_HC_REGION_TRANSFER 0x21u   /* x1 = a Partition WRITE capability naming the region's owner, x2 = region
                                        * (RVM_HC_TASK_REGION(t): a task page), x3 = the new owner, x4 = proof IPA:
                                        * the task moves at the owner's next TASK_SYNC [P2] */
#define RVM_HC_VERSION 0x00u          /* -> x1 = RVM_HYPERCALL_ABI_VERSION [self READ] */
#define RVM_HC_SELF_ID 0x09u          /* -> x1 = the caller's partition id (RVM allocation) [self READ] */
#define RVM_HC_HIBERNATE 0x07u       /* x1 = handle of a Partition capability naming another partition, x2 = buffer
                                       * IPA, x3 = its size (>= RVM_HC_RECEIPT_MAX), x4 = flags
                                       * (RVM_HC_HIBERNATE_COLD) -> x1 = receipt bytes written: the partition's
                                       * RAM is compressed into a witnessed checkpoint and freed
                                       * [the handle: WRITE, owned by the caller; the target on the caller's CPU,
                                       * not running, holding no lease] */
/* HIBERNATE x4 flag: move the checkpoint on to the cold tier (flash), where it survives a reboot. */
#define RVM_HC_HIBERNATE_COLD 1u
#define RVM_HC_RECONSTRUCT 0x08u     /* x1 = the same handle, x2 = receipt IPA, x3 = its length: verified against
                                       * its digest and the one kept at hibernation, the checkpoint against the
                                       * witness chain, then RAM restored and the partition runnable again;
                                       * RVM_ERR_CHECKPOINT_CORRUPTED (-30) for a altered receipt [as HIBERNATE] */
#define RVM_HC_EXIT 0x0Au             /* x1 = exit code; does not return (RVM allocation) [none] */
#define RVM_HC_CAP_GRANT 0x10u        /* x1 = src handle, x2 = rights, x3 = target pid, x4 = badge -> x1 = handle
                                       * [src, owned by the caller, with GRANT or GRANT_ONCE] */
#define RVM_HC_CAP_REVOKE 0x11u       /* x1 = handle -> x1 = capabilities revoked [the handle owned by the caller,
                                       * or an ancestor of it owned by the caller with REVOKE] */
#define RVM_HC_IPC_SEND 0x31u        /* x1 = send handle, x2 = buffer IPA, x3 = length (<= RVM_HC_IPC_INLINE_MAX),
                                       * x4 = message type (16 bits) [the handle: CommEdge WRITE, owned by the
                                       * caller, the channel's source]; a full channel answers
                                       * RVM_ERR_RESOURCE_LIMIT_EXCEEDED (flow control: not a refusal) */
#define RVM_HC_IPC_RECV 0x32u        /* x1 = receive handle, x2 = buffer IPA, x3 = capacity (>=
                                       * RVM_HC_IPC_INLINE_MAX) -> x2 = RVM_HC_IPC_GOT | kind << 16 | type when a
                                       * message was taken (else 0), x1 = its length, or for a region message
                                       * the IPA where the region is now mapped read-only
                                       * (RVM_HC_SHARE_REGION_BYTES long), x3 = the sender's badge [CommEdge READ,
                                       * owned by the caller, the channel's destination] */
#define RVM_HC_IPC_NOTIFY 0x33u      /* x1 = send handle, x2 = mask: sets those bits of the channel's word [WRITE] */
#define RVM_HC_IPC_WAIT 0x34u        /* x1 = receive handle, x2 = mask -> x1 = those bits that were set, now
                                       * cleared; never blocks [READ] */
#define RVM_HC_IPC_CHANNEL 0x35u     /* x1 = n -> x1 = handle of the caller's n-th channel end, x2 = peer
                                       * partition id, x3 = 0 send end / 1 receive end; RVM_ERR_NOT_FOUND past the
                                       * last (RVM allocation) [self READ] */
#define RVM_HC_IPC_SEND_REGION 0x36u /* x1 = send handle, x2 = message type: shares the caller's region
                                       * (RVM_HC_SHARE_REGION_IPA) read-only with the receiver, zero-copy (RVM
                                       * allocation) [as IPC_SEND] */
#define RVM_HC_TASK_SYNC 0x38u       /* a safe point: -> x1 = mask of the tasks the caller hosts now (bit t), x2 =
                                       * RVM_HC_TASK_ALL_DONE when every task of the image has finished. Until its
                                       * next TASK_SYNC the caller touches no task page outside that mask: tasks
                                       * move between partitions only here (RVM allocation) [self READ] */
#define RVM_HC_TASK_SEND 0x39u       /* x1 = sending task (hosted by the caller), x2 = receiving task, x3 = a 64-bit
                                       * word: delivered in order, never dropped; RVM_HC_IPC_FULL while the
                                       * receiver's queue is full (RVM allocation) [self WRITE] */
#define RVM_HC_TASK_RECV 0x3Au       /* x1 = a task the caller hosts -> x1 = RVM_HC_IPC_GOT | sending task, x2 = the
                                       * word; x1 = 0 when nothing is queued (RVM allocation) [self READ] */
#define RVM_HC_TASK_DONE 0x3Bu       /* x1 = a task the caller hosts, x2 = words it sent, x3 = received, x4 =
                                       * errors it found: the task has finished (RVM allocation) [self WRITE] */
#define RVM_HC_LEASE_GRANT 0x40u     /* x1 = handle of a Device capability, x2 = holder partition id, x3 = duration
                                       * in scheduler epochs (10 ms; 1..RVM_HC_LEASE_MAX_EPOCHS) -> x1 = lease id:
                                       * the device's registers are mapped into the holder at their physical
                                       * address until the lease expires or is revoked [the handle: WRITE, owned
                                       * by the caller; the first partition gets one for the platform's leasable
                                       * device, the PL031 RTC on QEMU virt, in x3 at entry] */
#define RVM_HC_LEASE_REVOKE 0x41u    /* x1 = the Device capability, x2 = lease id: ends it early [as GRANT] */
#define RVM_HC_WITNESS_QUERY 0x50u    /* x1 = buffer IPA, x2 = capacity in 64-byte records, x3 = WitnessLog handle
                                       * or 0 -> x1 = records copied, newest last [x3 != 0: that WitnessLog
                                       * capability, owned by the caller, with READ: every record is seen;
                                       * x3 = 0: self READ, and only records whose actor or target is the
                                       * caller are seen] */
#define RVM_HC_YIELD 0x60u            /* give up the rest of the time slice [self EXECUTE] */
#define RVM_HC_CONSOLE_WRITE 0x70u    /* x1 = buffer IPA, x2 = length (<= RVM_HC_CONSOLE_MAX) (RVM allocation)
                                       * [self WRITE] */

#define RVM_HC_CONSOLE_MAX 256u
/* IPC (since ABI 0.4): channels come from the image's configuration; RVM_HC_IPC_CHANNEL lists a partition's. */
#define RVM_HC_IPC_INLINE_MAX 48u
#define RVM_HC_IPC_GOT (UINT64_C(1) << 31)
/* Status of IPC_SEND on a full channel (rvm/err.h: RVM_ERR_RESOURCE_LIMIT_EXCEEDED): retry after the receiver ran. */
#define RVM_HC_IPC_FULL (-32)
#define RVM_HC_IPC_KIND_INLINE 0u
#define RVM_HC_IPC_KIND_REGION 1u
/*
 * A partition of an image with channels owns one region it may share: RAM at
 * RVM_HC_SHARE_REGION_IPA. A region received from partition `p` is mapped
 * read-only at RVM_HC_SHARE_WINDOW_IPA + p * RVM_HC_SHARE_REGION_BYTES.
 */
#define RVM_HC_SHARE_REGION_IPA 0x50000000u
#define RVM_HC_SHARE_REGION_BYTES 0x200000u
#define RVM_HC_SHARE_WINDOW_IPA 0x60000000u
/* Bytes a hibernation receipt can take (since ABI 0.4); its contents are the kernel's, checked on the way back. */
#define RVM_HC_RECEIPT_MAX 1024u
/* Longest device lease, in scheduler epochs (since ABI 0.4). */
#define RVM_HC_LEASE_MAX_EPOCHS 100000u
/*
 * Tasks (since ABI 0.5): units of work the kernel places, splits and merges
 * between partitions along the communication graph (the coherence engine).
 * Task t's state lives in one page at RVM_HC_TASK_WINDOW_IPA + t * 4 KiB,
 * mapped only in the partition hosting it; its messages wait in the kernel
 * while it moves. Images without tasks answer TASK_* with RVM_ERR_NOT_FOUND.
 */
#define RVM_HC_TASK_WINDOW_IPA 0x70000000u
#define RVM_HC_TASK_PAGE_BYTES 0x1000u
#define RVM_HC_TASK_MAX 32u
#define RVM_HC_TASK_ALL_DONE 1u
/* The region of task t's page, for RVM_HC_REGION_TRANSFER. */
#define RVM_HC_TASK_REGION(t) (0x1000u + (uint32_t)(t))

/*
 * A P2 proof: it authorises one mutation, the one whose canonical bytes
 * (rvm_hc_mutation_bytes) hash to `authorised_hash` under SHA-256, once
 * (`nonce`, non-zero, never seen before) and until `valid_until_ns` on the
 * counter's nanosecond clock, at most RVM_HC_PROOF_WINDOW_NS ahead. The
 * capability that presents it needs PROVE besides its call's rights.
 */
typedef struct rvm_hc_proof {
    uint8_t authorised_hash[32];
    uint64_t nonce;
    uint64_t valid_until_ns;
} rvm_hc_proof_t;
#define RVM_HC_PROOF_WINDOW_NS 1000000000u
#define RVM_HC_MUTATION_BYTES 48u

/* A P3 proof's evidence: 1..4 consecutive witness records by sequence number, oldest first. */
typedef struct rvm_hc_p3 {
    uint64_t link_seq[4];
    uint64_t link_count;
} rvm_hc_p3_t;

/*
 * The canonical bytes of a structural call that a proof authorises: "RVMMUT01",
 * the call number and the caller's id (32-bit little-endian each), then the
 * call's x2..x5 arguments other than proof addresses, zero where the call has
 * fewer (64-bit little-endian each).
 */
static inline void rvm_hc_mutation_bytes(uint8_t out[RVM_HC_MUTATION_BYTES], uint32_t call, uint32_t caller,
                                         uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    static const char magic[8] = { 'R', 'V', 'M', 'M', 'U', 'T', '0', '1' };
    const uint64_t args[4] = { a2, a3, a4, a5 };
    for (uint32_t i = 0; i < 8u; i++) {
        out[i] = (uint8_t)magic[i];
    }
    for (uint32_t i = 0; i < 4u; i++) {
        out[8u + i] = (uint8_t)(call >> (8u * i));
        out[12u + i] = (uint8_t)(caller >> (8u * i));
    }
    for (uint32_t a = 0; a < 4u; a++) {
        for (uint32_t i = 0; i < 8u; i++) {
            out[16u + 8u * a + i] = (uint8_t)(args[a] >> (8u * i));
        }
    }
}

/* Refusals per partition that are witnessed (see above). */
#define RVM_HC_REFUSALS_WITNESSED 16u

/* Standard IDs the hypervisor also answers: VERSION and FEATURES [self READ], the others [none]. */
#define RVM_SMCCC_VERSION 0x80000000u
#define RVM_SMCCC_ARCH_FEATURES 0x80000001u
#define RVM_PSCI_VERSION 0x84000000u
#define RVM_PSCI_CPU_OFF 0x84000002u
#define RVM_PSCI_SYSTEM_OFF 0x84000008u
#define RVM_PSCI_SYSTEM_RESET 0x84000009u
#define RVM_PSCI_FEATURES 0x8400000Au

typedef struct rvm_hc_result {
    int64_t status;   /* x0 */
    uint64_t r1;      /* x1 */
    uint64_t r2;      /* x2 */
    uint64_t r3;      /* x3 */
} rvm_hc_result_t;

/* Packs a capability handle for a hypercall argument. */
static inline uint64_t rvm_hc_handle(uint32_t index, uint32_t generation)
{
    return ((uint64_t)index << 32) | generation;
}

#if defined(__aarch64__)
/* Issues `HVC #0` with function ID `fid` and arguments a1..a6 (guest side). */
static inline rvm_hc_result_t rvm_hc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                          uint64_t a5, uint64_t a6)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    register uint64_t x4 __asm__("x4") = a4;
    register uint64_t x5 __asm__("x5") = a5;
    register uint64_t x6 __asm__("x6") = a6;
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6)
                     :
                     : "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
    /* Copied out at once: gcc only guarantees register variables at the asm statement itself. */
    rvm_hc_result_t r = { (int64_t)x0, x1, x2, x3 };
    return r;
}
#endif

#endif
