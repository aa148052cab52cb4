/*
 * The security gate (spec §14.2 with its [C] hardening, DECISIONS 4): the one
 * decision point the kernel passes for every structural mutation.
 *
 * A request names the calling partition and a capability handle, never a
 * token value. The gate, in this order, stopping at the first failure:
 *   1 checks the request itself: caller id <= 4096, a defined, requestable
 *     action, a non-zero timestamp (DECISIONS: never left 0; P2 reads the
 *     same clock), a defined object type and rights, a P3 proof only on top of a
 *     P2 proof, P3 evidence only with its expected commitment;
 *   2 runs P1 through librvmcap (handle, staleness, type, rights; constant
 *     time in the rights), asking for PROVE as well when a proof is
 *     presented, and reports an invalid or stale handle;
 *   3 requires the caller to own the capability, read with the token hash
 *     from the slot P1 checked (rvm_cap_check_p1_facts); a foreign handle is
 *     reported as INVALID_HANDLE, like a forged one;
 *   4 reports a type mismatch, then missing rights;
 *   5 requires the presented tier (1 without proof, 2 with a P2 proof, 3
 *     with P2 and P3) to reach max(rvm_sec_action_min_tier(action,
 *     target_untrusted), 3 if require_p3);
 *   6 P2: the proof context must authorise a non-zero mutation hash and pass
 *     librvmproof's six P2 rules, evaluated on the context the kernel filled
 *     with the authority fields overwritten by the gate (requester = caller,
 *     target, operation = action, handle, capability facts from the table,
 *     presented and required tiers, current time = request timestamp);
 *   7 P3: librvmcap's derivation-chain walk from the handle to its root
 *     (within the configured depth), the optional proof object checked by
 *     rvm_proof_obj_verify, and 1..4 witness records named by sequence
 *     number: each must still be in the log, the sequences consecutive, and
 *     the records must verify as a chain from the log's chain value before
 *     the first of them (rvm_witness_verify_chain_from, which recomputes
 *     prev_hash and record_hash); a signed gate also verifies each record's
 *     signature with its signer and rejects unsigned ones;
 *   8 records the P2 nonce as used (a replayed nonce is refused here too),
 *     then appends the request's witness record.
 *
 * Witness records, exactly one per call that gets past the NULL checks:
 *   success  action_kind = action, proof_tier = presented tier, flags and
 *            payload from the request, actor = caller, target, capability_hash =
 *            rvm_cap_hash32 of the table's token, timestamp = request timestamp
 *   denial   ProofRejected (0x53), proof_tier 0, actor = caller, target,
 *            capability_hash as above once the handle resolved (0 before),
 *            timestamp = request timestamp, flags = rvm_sec_reason_t, payload
 *            [0] action, [1] required tier, [2] presented tier, [3] 0,
 *            [4..8] the returned rvm_err_t as a little-endian int32
 * A signed gate appends both kinds through rvm_witness_signed_append.
 *
 * No witness, no mutation: the caller mutates only when the gate returns
 * RVM_OK, which it does only after the success record is in the log. When
 * the log refuses it (WITNESS_LOG_FULL under REFUSE_UNDRAINED) the gate
 * returns that error and appends nothing; a P2 nonce is spent all the same,
 * so a retry needs a fresh proof (fail closed: one proof never passes twice).
 * A denial whose ProofRejected record the log refuses still returns the
 * denial code, with witness_sequence = RVM_SEC_NO_WITNESS.
 *
 * Errors: INVALID_ARGUMENT (NULL pointer: nothing witnessed; malformed
 * request fields or a proof-pipeline action), PARTITION_LIMIT_EXCEEDED
 * (caller id), MALFORMED_INPUT (undefined action code), INVALID_HANDLE,
 * STALE_CAPABILITY, CAPABILITY_TYPE_MISMATCH, INSUFFICIENT_CAPABILITY,
 * PROOF_TIER_INSUFFICIENT, PROOF_INVALID (P2 rules, zero hash, derivation
 * chain, evidence, link count), UNSUPPORTED (Zk evidence),
 * WITNESS_CHAIN_BROKEN (link not in the log, not consecutive, chain
 * mismatch), WITNESS_VERIFICATION_FAILED (record hash, signature, unsigned
 * link in a signed gate), NONCE_REPLAY (the nonce was recorded between P2
 * and its commit, which serialised calls rule out), or the log's append error.
 *
 * The gate reads the capability manager and the log's history and appends
 * to the log; the caller serialises calls with every other user of both.
 */
#ifndef RVM_SEC_GATE_H
#define RVM_SEC_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/cap_manager.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/proof_context.h>
#include <rvm/proof_object.h>
#include <rvm/proof_policy.h>
#include <rvm/rights.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>
#include <rvm/witness_signer.h>

#define RVM_SEC_P3_MAX_LINKS 4u

/* witness_sequence of a denial whose ProofRejected record the log refused. */
#define RVM_SEC_NO_WITNESS UINT64_MAX

/* Why the gate said no; written to the ProofRejected record's flags and the response. */
typedef enum rvm_sec_reason {
    RVM_SEC_REASON_NONE = 0,
    RVM_SEC_REASON_BAD_REQUEST = 1,       /* caller id, object type, rights bits or P3 without P2 */
    RVM_SEC_REASON_BAD_ACTION = 2,        /* undefined or not requestable action */
    RVM_SEC_REASON_HANDLE = 3,            /* no live capability behind the handle */
    RVM_SEC_REASON_STALE = 4,             /* its object's epoch moved on */
    RVM_SEC_REASON_OWNER = 5,             /* live, but another partition's */
    RVM_SEC_REASON_TYPE = 6,
    RVM_SEC_REASON_RIGHTS = 7,
    RVM_SEC_REASON_TIER = 8,              /* presented tier below the action's */
    RVM_SEC_REASON_P2_ZERO = 9,           /* P2 proof authorising an all-zero mutation hash */
    RVM_SEC_REASON_P2_POLICY = 10,        /* a P2 rule failed */
    RVM_SEC_REASON_P3_DERIVATION = 11,    /* derivation chain to the root broken */
    RVM_SEC_REASON_P3_EVIDENCE = 12,      /* proof object does not verify */
    RVM_SEC_REASON_P3_LINK_COUNT = 13,    /* 0 or more than 4 links */
    RVM_SEC_REASON_P3_LINK_MISSING = 14,  /* a named record is not (or no longer) in the log */
    RVM_SEC_REASON_P3_LINK_UNCHAINED = 15, /* sequences not consecutive or links do not chain */
    RVM_SEC_REASON_P3_LINK_HASH = 16,     /* a record's hash does not match its content */
    RVM_SEC_REASON_P3_LINK_SIGNATURE = 17, /* a record's signature does not verify */
    RVM_SEC_REASON_P3_LINK_UNSIGNED = 18, /* an unsigned record presented to a signed gate */
    RVM_SEC_REASON_WITNESS = 19,          /* the log refused the success record */
} rvm_sec_reason_t;

/* The deep proof presented with a request (spec §14.2 step 4, hardened). */
typedef struct rvm_sec_p3 {
    uint64_t link_seq[RVM_SEC_P3_MAX_LINKS];  /* witness sequences, consecutive, oldest first */
    uint8_t link_count;                       /* 1..RVM_SEC_P3_MAX_LINKS */
    const rvm_proof_obj_t *evidence;          /* optional proof object, or NULL */
    const uint8_t *evidence_commitment;       /* RVM_PROOF_COMMITMENT_LEN bytes; required with evidence */
    uint32_t evidence_flags;                  /* rvm_proof_obj_verify flags */
} rvm_sec_p3_t;

typedef struct rvm_sec_request {
    rvm_partition_id_t caller;             /* the trapping partition (0 = the hypervisor itself) */
    rvm_cap_handle_t handle;               /* capability the caller presents */
    uint8_t required_type;                 /* rvm_obj_type_t */
    rvm_rights_t required_rights;
    uint8_t action;                        /* rvm_action_kind_t of the mutation */
    uint8_t flags;                         /* action-specific, copied to the success record */
    bool require_p3;                       /* demand P3 beyond the action's own tier */
    bool target_untrusted;                 /* device lease to an untrusted partition */
    uint64_t target_object_id;
    uint64_t timestamp_ns;                 /* the kernel fills it from the counter; 0 is refused */
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE]; /* action-specific, copied to the success record */
    const rvm_proof_ctx_t *p2;             /* P2 proof context, or NULL for none */
    const rvm_sec_p3_t *p3;                /* P3 proof, or NULL for none */
} rvm_sec_request_t;

typedef struct rvm_sec_response {
    uint64_t witness_sequence;   /* the record appended (RVM_SEC_NO_WITNESS if none) */
    uint8_t proof_tier;          /* presented tier on success, 0 on denial */
    uint8_t reason;              /* rvm_sec_reason_t, NONE on success */
} rvm_sec_response_t;

typedef struct rvm_sec_gate_config {
    uint8_t chain_mode;                  /* the log's rvm_witness_chain_mode_t, to verify P3 links */
    uint8_t digest;                      /* the log's rvm_witness_digest_t */
    uint8_t max_delegation_depth;        /* bound of the P3 derivation walk, 1..RVM_CAP_MAX_DEPTH */
    const rvm_witness_signer_t *signer;  /* NULL: plain gate; else the signed gate's record signer */
} rvm_sec_gate_config_t;

/* Fields are private to librvmsec. */
typedef struct rvm_sec_gate {
    const rvm_cap_manager_t *caps;
    rvm_witness_log_t *log;
    rvm_proof_policy_t *policy;
    const rvm_witness_signer_t *signer;
    uint8_t chain_mode;
    uint8_t digest;
    uint8_t max_depth;
} rvm_sec_gate_t;

/* Chain mode 2, SHA-256 (the log's defaults), depth RVM_CAP_MAX_DEPTH, unsigned. */
void rvm_sec_gate_config_default(rvm_sec_gate_config_t *cfg);

/*
 * Binds a gate to the kernel's capability manager, witness log and P2
 * evaluator (its nonce history); `cfg` NULL means the defaults, and its
 * chain mode and digest must be the ones the log was configured with.
 * INVALID_ARGUMENT on a NULL object or an undefined mode, digest or depth.
 */
rvm_err_t rvm_sec_gate_init(rvm_sec_gate_t *g, const rvm_cap_manager_t *caps, rvm_witness_log_t *log,
                            rvm_proof_policy_t *policy, const rvm_sec_gate_config_t *cfg);

/* True when the gate signs its records and verifies P3 link signatures. */
bool rvm_sec_gate_is_signed(const rvm_sec_gate_t *g);

/* Decides `req` as described above; `resp` is always written once g, req and resp are non-NULL. */
rvm_err_t rvm_sec_gate_check(rvm_sec_gate_t *g, const rvm_sec_request_t *req, rvm_sec_response_t *resp);

#endif
