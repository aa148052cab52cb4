/*
 * The proof engine (spec §7.5): P1 -> P2 -> witness, and the P3 deep proof.
 *
 * Witness records written to the given log (payload [0] = the stage that
 * decided: 1 P1, 2 P2, 3 P3; [1] = requested_operation; rest zero):
 *   ProofVerifiedP1/P2/P3 (0x50-0x52)  proof_tier = token tier, actor = ctx partition,
 *                                      target = ctx target object, capability_hash = token hash
 *   ProofRejected (0x53)               proof_tier 0, same actor, target and hash
 * The nonce is recorded only after the success witness was appended, so a
 * full log (WITNESS_LOG_FULL) leaves the nonce usable.
 */
#ifndef RVM_PROOF_ENGINE_H
#define RVM_PROOF_ENGINE_H

#include <rvm/cap_manager.h>
#include <rvm/err.h>
#include <rvm/proof_context.h>
#include <rvm/proof_object.h>
#include <rvm/proof_policy.h>
#include <rvm/proof_types.h>
#include <rvm/witness_log.h>
#include <rvm/witness_signer.h>

/*
 * Runs P1 (PROVE on the ctx capability), binds the capability facts, runs
 * the six P2 rules and witnesses the outcome. Errors: INVALID_ARGUMENT (NULL,
 * nothing witnessed; token tier outside 1..3, witnessed as rejected), the P1
 * error (INVALID_HANDLE, STALE_CAPABILITY, INSUFFICIENT_CAPABILITY), PROOF_INVALID
 * for P2, or the log's append error.
 */
rvm_err_t rvm_proof_verify_and_witness(rvm_proof_policy_t *p, const rvm_proof_token_t *token,
                                       const rvm_proof_ctx_t *ctx, const rvm_cap_manager_t *m,
                                       rvm_witness_log_t *log);

/*
 * P3 deep proof: the capability derivation-chain walk to its root within
 * ctx->max_delegation_depth (rvm_cap_verify_p3), then, when `evidence` is not
 * NULL, rvm_proof_obj_verify(evidence, commitment, flags) (a Zk proof never
 * passes). Success appends ProofVerifiedP3, signed by `signer` through
 * rvm_witness_signed_append when it is not NULL; any failure appends
 * ProofRejected and returns PROOF_INVALID. INVALID_ARGUMENT (nothing
 * witnessed) on NULL ctx, manager or log, or evidence without a commitment.
 */
rvm_err_t rvm_proof_verify_p3(const rvm_proof_ctx_t *ctx, const rvm_cap_manager_t *m, rvm_witness_log_t *log,
                              const rvm_proof_obj_t *evidence, const uint8_t commitment[RVM_PROOF_COMMITMENT_LEN],
                              uint32_t flags, const rvm_witness_signer_t *signer);

#endif
