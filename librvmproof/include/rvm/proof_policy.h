/*
 * The P2 policy evaluator (spec §7.4): six rules, in this order, with the
 * intended checks of ADR-135 (DECISIONS 3):
 *   1 OwnershipChain   partition_id <= 4096, capability owner == partition,
 *                      capability object == target, PROVE held, presented
 *                      tier >= required tier, authorised_hash == mutation_hash
 *                      (32 bytes, constant time): the proof authorises exactly
 *                      this mutation by this owner
 *   2 RegionBounds     region_base < region_limit and [access_base,
 *                      access_base + access_len) inside [region_base, region_limit)
 *   3 LeaseExpiry      current_time_ns <= lease_expiry_ns
 *   4 DelegationDepth  max_delegation_depth <= 8 and capability depth <= it
 *   5 NonceReplay      nonce fresh in this evaluator's own ring (§5.8)
 *   6 TimeWindow       current_time_ns <= lease_expiry_ns and
 *                      lease_expiry_ns - current_time_ns <= max_validity_window_ns
 * Rules 1-4 and 6 run in constant time with respect to the context: no
 * branch or address depends on any field but the nonce, whose lookup in the
 * ring is public by nature (the nonce is a one-time counter, not a secret);
 * its verdict joins the others through the same branch-free accumulator.
 * tests/ct_p2.c proves this under valgrind memcheck.
 */
#ifndef RVM_PROOF_POLICY_H
#define RVM_PROOF_POLICY_H

#include <stdbool.h>

#include <rvm/err.h>
#include <rvm/nonce.h>
#include <rvm/proof_context.h>

typedef enum rvm_proof_rule {
    RVM_PROOF_RULE_OWNERSHIP_CHAIN = 1,
    RVM_PROOF_RULE_REGION_BOUNDS = 2,
    RVM_PROOF_RULE_LEASE_EXPIRY = 3,
    RVM_PROOF_RULE_DELEGATION_DEPTH = 4,
    RVM_PROOF_RULE_NONCE_REPLAY = 5,
    RVM_PROOF_RULE_TIME_WINDOW = 6,
} rvm_proof_rule_t;

#define RVM_PROOF_RULE_COUNT 6u

/* Holds the evaluator's own nonce history; fields private to librvmproof. */
typedef struct rvm_proof_policy {
    rvm_nonce_ring_t nonces;
} rvm_proof_policy_t;

/* Empties the nonce history; `allow_zero_nonce` lets nonce 0 pass (it is then never recorded). */
rvm_err_t rvm_proof_policy_init(rvm_proof_policy_t *p, bool allow_zero_nonce);

/*
 * All six rules without recording the nonce: RVM_OK or PROOF_INVALID (never
 * which rule failed), in constant time as described above. INVALID_ARGUMENT on NULL.
 */
rvm_err_t rvm_proof_p2_check(const rvm_proof_policy_t *p, const rvm_proof_ctx_t *ctx);

/* rvm_proof_p2_check, then records a non-zero nonce when everything passed. */
rvm_err_t rvm_proof_p2_evaluate_all(rvm_proof_policy_t *p, const rvm_proof_ctx_t *ctx);

/*
 * One rule alone, nothing recorded. Errors when it fails: OwnershipChain
 * INSUFFICIENT_CAPABILITY, RegionBounds PROOF_INVALID, LeaseExpiry
 * DEVICE_LEASE_EXPIRED, DelegationDepth DELEGATION_DEPTH_EXCEEDED, NonceReplay
 * PROOF_INVALID, TimeWindow PROOF_BUDGET_EXCEEDED; INVALID_ARGUMENT for NULL
 * or an unknown rule.
 */
rvm_err_t rvm_proof_p2_evaluate_rule(const rvm_proof_policy_t *p, const rvm_proof_ctx_t *ctx, uint32_t rule);

/*
 * Records `nonce` as used (0 is never recorded), for callers that commit only
 * after their own witness: NONCE_REPLAY when it is not fresh, INVALID_ARGUMENT on NULL.
 */
rvm_err_t rvm_proof_policy_commit_nonce(rvm_proof_policy_t *p, uint64_t nonce);

#endif
