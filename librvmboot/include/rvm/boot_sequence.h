/* The witness-gated boot stage sequencer: order, timings, measurement and boot witnesses (spec §12.1, §12.2). */
#ifndef RVM_BOOT_SEQUENCE_H
#define RVM_BOOT_SEQUENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/boot_measure.h>
#include <rvm/err.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>

/*
 * Stage numbers keep the spec's two vocabularies: 0..6 are the
 * architectural stages of §12.1, 7 is ADR-137's first-partition stage.
 * They RUN in the order 0 1 2 3 4 5 7 6: the first partition must exist
 * before the scheduler is entered (kernel phase RootPartition precedes
 * Handoff, and §12.1 [C] maps RootPartition to stage 7, Handoff to stage 6).
 */
typedef enum rvm_boot_stage {
    RVM_BOOT_STAGE_RESET_VECTOR = 0,
    RVM_BOOT_STAGE_HARDWARE_DETECT = 1,
    RVM_BOOT_STAGE_MMU_SETUP = 2,
    RVM_BOOT_STAGE_HYPERVISOR_MODE = 3,
    RVM_BOOT_STAGE_KERNEL_OBJECT_INIT = 4,
    RVM_BOOT_STAGE_FIRST_WITNESS = 5,
    RVM_BOOT_STAGE_SCHEDULER_ENTRY = 6,
    RVM_BOOT_STAGE_FIRST_PARTITION = 7,
} rvm_boot_stage_t;

#define RVM_BOOT_STAGE_COUNT 8u
/* What rvm_boot_next_stage returns once every stage has completed. */
#define RVM_BOOT_STAGE_NONE 0xFFu

/*
 * Records kept before the witness log exists (§12.2). A record that does not
 * fit is refused with RVM_ERR_WITNESS_LOG_FULL and the call has no effect:
 * boot evidence is never dropped silently; attach the log and retry.
 */
#define RVM_BOOT_PRELOG_CAPACITY 8u

/*
 * Boot witness written when a stage completes, one per stage:
 *
 *   stage                 action
 *   0 ResetVector         0x83 ResetVectorEntry
 *   1 HardwareDetect      0x84 HardwareDetected
 *   2 MmuSetup            0x86 MmuConfigured
 *   3 HypervisorMode      0x87 HypervisorActive
 *   4 KernelObjectInit    0x88 KernelObjectsReady
 *   5 FirstWitness        0x81 BootComplete       (ADR-137 stage 6: the first witness in the log, the 250 ms gate)
 *   7 FirstPartition      0x89 FirstPartitionCreated
 *   6 SchedulerEntry      0x80 BootAttestation    (the last record: carries the final measurement)
 *
 * 0x85 UartInitialized has no stage of its own in the seven-stage sequence
 * (the console comes up inside HardwareDetect): emit it with rvm_boot_emit.
 *
 * Every boot witness has actor 0, target 0, proof tier 1, and
 *   timestamp_ns     the completion tick in ns (at least 1: the log restamps 0 with its own, later, clock),
 *   capability_hash  fold32(xorfold64(accumulator after this stage's extend)), binding the measurement into
 *                    the witness chain,
 *   payload[0]       the stage index,
 *   payload[1..8]    ticks from the start of ResetVector to this completion, LE, saturated to 56 bits,
 *   flags            0, except the BootAttestation record: the attached log's chain mode (DECISIONS 1).
 */

typedef struct rvm_boot_timing {
    uint64_t start_tick;
    uint64_t end_tick;
} rvm_boot_timing_t;

typedef struct rvm_boot_config {
    uint8_t hash;         /* rvm_boot_hash_t: accumulator and stage digests */
    uint32_t counter_hz;  /* generic-timer frequency (CNTFRQ_EL0), nonzero: converts ticks to timestamp_ns */
} rvm_boot_config_t;

/*
 * Fields are private to librvmboot; read them through the functions below.
 * The pre-log lives inside the context, so a statically allocated rvm_boot_t
 * is the static buffer §12.2 asks for: nothing is allocated before the log.
 */
typedef struct rvm_boot {
    rvm_witness_record_t prelog[RVM_BOOT_PRELOG_CAPACITY];
    rvm_boot_measure_t measure;
    rvm_boot_timing_t timing[RVM_BOOT_STAGE_COUNT];
    rvm_witness_log_t *log;   /* NULL until rvm_boot_attach_log */
    uint64_t last_tick;       /* newest tick seen: the counter never runs backwards */
    uint32_t counter_hz;
    uint8_t position;         /* index in the run order of the stage to begin or complete next */
    bool in_stage;            /* that stage has begun */
    uint8_t prelog_len;
    uint8_t chain_mode;       /* of the attached log */
} rvm_boot_t;

/* Starts a boot before ResetVector; RVM_ERR_INVALID_ARGUMENT for NULL, an unknown hash or counter_hz 0. */
rvm_err_t rvm_boot_init(rvm_boot_t *b, const rvm_boot_config_t *cfg);

/*
 * Common errors of the calls that advance the boot: RVM_ERR_UNSUPPORTED once
 * every stage has completed (checked first); RVM_ERR_INTERNAL_ERROR for a
 * stage out of order (not the next one, begun twice, completed before begun);
 * RVM_ERR_INVALID_ARGUMENT for NULL, a stage >= RVM_BOOT_STAGE_COUNT or a tick
 * below one already seen. A failed call changes nothing.
 */

/* Starts the next stage `stage` at `tick`. */
rvm_err_t rvm_boot_begin_stage(rvm_boot_t *b, uint8_t stage, uint64_t tick);

/*
 * Completes the begun stage at `tick` with its 32-byte `digest`: extends the
 * accumulator and writes the stage's witness (pre-log or log). FirstWitness
 * and the stages after it need an attached log (RVM_ERR_INTERNAL_ERROR
 * without one); RVM_ERR_WITNESS_LOG_FULL when the witness has no room.
 */
rvm_err_t rvm_boot_complete_stage(rvm_boot_t *b, uint8_t stage, uint64_t tick,
                                  const uint8_t digest[RVM_BOOT_DIGEST_LEN]);

/* As rvm_boot_complete_stage with the configured stage digest of `len` measured bytes (`data` NULL if 0). */
rvm_err_t rvm_boot_complete_stage_data(rvm_boot_t *b, uint8_t stage, uint64_t tick, const void *data, size_t len);

/*
 * Writes an extra boot witness (a sub-phase, UartInitialized) at `tick` with
 * the caller's payload; `action` must be 0x83..0x89, since BootComplete and
 * BootAttestation belong to the sequence. Same errors as the stage calls, and
 * RVM_ERR_WITNESS_LOG_FULL when the pre-log (or a log refusing undrained
 * records) has no room.
 */
rvm_err_t rvm_boot_emit(rvm_boot_t *b, uint8_t action, uint64_t tick, const uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE]);

/*
 * Creates the witness log over `storage` with `cfg` (NULL = defaults) and
 * appends the pre-log records to it in order, so their chain starts at
 * sequence 0; later witnesses go straight to it. RVM_ERR_UNSUPPORTED after
 * the boot, RVM_ERR_INTERNAL_ERROR if a log is already attached,
 * RVM_ERR_WITNESS_LOG_FULL if `capacity` cannot hold the pre-log, else any
 * rvm_witness_log_init error; on any error the pre-log is kept for a retry.
 */
rvm_err_t rvm_boot_attach_log(rvm_boot_t *b, rvm_witness_log_t *log, rvm_witness_record_t *storage,
                              uint32_t capacity, const rvm_witness_config_t *cfg);

/* Stage to begin or complete next, RVM_BOOT_STAGE_NONE once the boot has completed (and for NULL). */
uint8_t rvm_boot_next_stage(const rvm_boot_t *b);
/* True once SchedulerEntry has completed. */
bool rvm_boot_is_complete(const rvm_boot_t *b);
/* Witness action written when `stage` completes (table above); 0 for an unknown stage. */
uint8_t rvm_boot_stage_action(uint8_t stage);
/* Records waiting in the pre-log (0 once a log is attached). */
uint32_t rvm_boot_prelog_len(const rvm_boot_t *b);

/* Start and end tick of a completed stage; RVM_ERR_NOT_FOUND before it completes. */
rvm_err_t rvm_boot_stage_timing(const rvm_boot_t *b, uint8_t stage, rvm_boot_timing_t *out);
/* The digest a completed stage was measured with; RVM_ERR_NOT_FOUND before it completes. */
rvm_err_t rvm_boot_stage_digest_of(const rvm_boot_t *b, uint8_t stage, uint8_t out[RVM_BOOT_DIGEST_LEN]);
/* The accumulator now (all zero before the first completion). */
rvm_err_t rvm_boot_accumulator(const rvm_boot_t *b, uint8_t out[RVM_BOOT_DIGEST_LEN]);
/* The final accumulator, the attestation root; RVM_ERR_NOT_FOUND until the boot has completed. */
rvm_err_t rvm_boot_attestation(const rvm_boot_t *b, uint8_t out[RVM_BOOT_DIGEST_LEN]);

/* end(SchedulerEntry) − start(ResetVector); RVM_ERR_NOT_FOUND until the boot has completed. */
rvm_err_t rvm_boot_total_ticks(const rvm_boot_t *b, uint64_t *out);
/* Boot-to-first-witness: end(FirstWitness) − start(ResetVector); RVM_ERR_NOT_FOUND until FirstWitness completes. */
rvm_err_t rvm_boot_first_witness_ticks(const rvm_boot_t *b, uint64_t *out);
/* `ticks` of a `hz` counter in ns, saturating; 0 when `hz` is 0. Use it to check the 250 ms / 50 ms gates. */
uint64_t rvm_boot_ticks_to_ns(uint64_t ticks, uint32_t hz);

#endif
