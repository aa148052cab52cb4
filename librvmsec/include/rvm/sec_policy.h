/*
 * Policy evaluation (spec §14.1) over a capability resolved from the table.
 *
 * The capability is named by its handle, never by a token value the caller
 * built (DECISIONS 4): the handle is resolved through librvmcap and must be
 * live, current and owned by the caller. The resolved token is then checked
 * in the spec's order, stopping at the first failure:
 *   1 an epoch is given and the token's epoch differs  INSUFFICIENT_CAPABILITY
 *   2 the token's type differs from the required one   CAPABILITY_TYPE_MISMATCH
 *   3 a required right is not held                     INSUFFICIENT_CAPABILITY
 *   4 a commitment is given and is all zero            PROOF_INVALID
 * Resolution failures come first: INVALID_HANDLE (no such live capability, or
 * one that another partition owns: a partition cannot tell a foreign handle
 * from a forged one) and STALE_CAPABILITY.
 * Step 4 checks presence only; verifying a proof is the gate's job (sec_gate.h).
 */
#ifndef RVM_SEC_POLICY_H
#define RVM_SEC_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/cap_manager.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/rights.h>

#define RVM_SEC_COMMITMENT_LEN 32u

typedef struct rvm_sec_policy_request {
    rvm_cap_handle_t handle;
    uint8_t required_type;                 /* rvm_obj_type_t */
    rvm_rights_t required_rights;
    const uint8_t *proof_commitment;       /* RVM_SEC_COMMITMENT_LEN bytes, or NULL for none */
    bool check_epoch;                      /* compare the token's epoch with current_epoch */
    uint32_t current_epoch;
} rvm_sec_policy_request_t;

typedef struct rvm_sec_decision {
    bool allow;
    rvm_err_t err;   /* RVM_OK when allowed, else the denial code */
} rvm_sec_decision_t;

/* Evaluates `req` for `caller` into `out`; returns INVALID_ARGUMENT on NULL (out untouched), else RVM_OK. */
rvm_err_t rvm_sec_policy_evaluate(const rvm_cap_manager_t *m, rvm_partition_id_t caller,
                                  const rvm_sec_policy_request_t *req, rvm_sec_decision_t *out);

/* The same evaluation, returning RVM_OK or the denial code (INVALID_ARGUMENT on NULL). */
rvm_err_t rvm_sec_policy_enforce(const rvm_cap_manager_t *m, rvm_partition_id_t caller,
                                 const rvm_sec_policy_request_t *req);

#endif
