/* Replay: feeding verified records to a state machine from a checkpoint onwards (spec §6.8). */
#ifndef RVM_WITNESS_REPLAY_H
#define RVM_WITNESS_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>
#include <rvm/witness_signer.h>
#include <rvm/witness_verify.h>

/* Applies one record; any code other than RVM_OK stops the replay and is returned by it. */
typedef rvm_err_t (*rvm_witness_replay_fn)(void *ctx, const rvm_witness_record_t *rec);

/* Where replay resumes: the first sequence the restored state does not yet reflect and the chain value before it. */
typedef struct rvm_witness_checkpoint {
    uint64_t sequence;
    uint64_t chain_value;
} rvm_witness_checkpoint_t;

/* Captures the log's current end: a checkpoint taken now reflects every record emitted so far. */
rvm_err_t rvm_witness_log_checkpoint(const rvm_witness_log_t *log, rvm_witness_checkpoint_t *cp);

/*
 * Both replays verify each record against the running chain value (and the
 * signer, when given) before passing it to `fn`, in sequence order. They stop
 * at the first failure with the verifiers' code (see witness_verify.h), or
 * with the callback's own code (reason STOPPED); `result` (may be NULL) says
 * where. A checkpoint outside the records is RVM_ERR_NOT_FOUND, except that a
 * slice starting after its checkpoint is a sequence gap.
 */

/* Replays a slice from `from->sequence` on; records before the checkpoint are skipped. */
rvm_err_t rvm_witness_replay(uint8_t chain_mode, uint8_t digest, const rvm_witness_checkpoint_t *from,
                             const rvm_witness_record_t *records, size_t n, const rvm_witness_signer_t *signer,
                             rvm_witness_replay_fn fn, void *ctx, rvm_witness_verify_result_t *result);

/* Replays a log's live ring from the checkpoint; NOT_FOUND once the checkpoint's record has been overwritten. */
rvm_err_t rvm_witness_log_replay(const rvm_witness_log_t *log, const rvm_witness_checkpoint_t *from,
                                 const rvm_witness_signer_t *signer, rvm_witness_replay_fn fn, void *ctx,
                                 rvm_witness_verify_result_t *result);

#endif
