/*
 * The proof context (spec §7.3): every input of the P2 policy rules in one
 * value, so that P2 is a pure function of it (plus the nonce history).
 *
 * Besides the reference fields it carries what the intended rules of §7.4
 * need (DECISIONS 3): the address range the mutation touches, the validity
 * window, the presented and required proof tiers, the 32-byte hash of the
 * mutation the proof authorises and of the mutation being executed, and the
 * facts of the capability used (owner, object, depth, rights). The engine
 * fills the capability facts from the capability manager after P1; callers
 * evaluating P2 on their own bind them with rvm_proof_ctx_bind_capability.
 */
#ifndef RVM_PROOF_CONTEXT_H
#define RVM_PROOF_CONTEXT_H

#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/rights.h>

#define RVM_PROOF_HASH_LEN 32u

typedef struct rvm_proof_ctx {
    rvm_partition_id_t partition_id;   /* requester (required) */
    uint64_t target_object;            /* default 0 */
    uint8_t requested_operation;       /* rvm_action_kind_t; default 0 */
    uint8_t max_delegation_depth;      /* default 8 */
    uint8_t proof_tier;                /* tier of the presented proof; default RVM_PROOF_TIER_P2 */
    uint8_t required_tier;             /* tier the policy demands; default RVM_PROOF_TIER_P1 */
    uint32_t capability_handle;        /* handle index; default 0 */
    uint32_t capability_generation;    /* default 0 */
    uint32_t current_epoch;            /* default 0 */
    uint64_t region_base;              /* default 0: RegionBounds fails until the region is set */
    uint64_t region_limit;             /* default 0, exclusive */
    uint64_t access_base;              /* first address the mutation touches; default 0 */
    uint64_t access_len;               /* bytes it touches; default 0 */
    uint64_t lease_expiry_ns;          /* the proof's valid_until; default 2^64 - 1 */
    uint64_t current_time_ns;          /* default 0 */
    uint64_t max_validity_window_ns;   /* largest allowed lease_expiry_ns - current_time_ns; default 2^64 - 1 */
    uint64_t nonce;                    /* default 0 (refused unless the evaluator allows zero nonces) */
    uint8_t authorised_hash[RVM_PROOF_HASH_LEN]; /* mutation the proof authorises; default zeros */
    uint8_t mutation_hash[RVM_PROOF_HASH_LEN];   /* mutation being executed; default zeros */
    /* Capability facts, filled by the engine (or rvm_proof_ctx_bind_capability); default 0. */
    rvm_partition_id_t cap_owner;
    uint64_t cap_object;
    uint8_t cap_depth;
    rvm_rights_t cap_rights;
} rvm_proof_ctx_t;

/* Builder: every field at its §7.3 default, `partition_id` set; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_proof_ctx_init(rvm_proof_ctx_t *ctx, rvm_partition_id_t partition_id);

/*
 * Looks up (capability_handle, capability_generation) in `m` and copies its
 * owner, object id, depth and rights into `ctx`; INVALID_ARGUMENT on NULL,
 * else the lookup's INVALID_HANDLE / STALE_CAPABILITY (ctx unchanged).
 */
rvm_err_t rvm_proof_ctx_bind_capability(rvm_proof_ctx_t *ctx, const rvm_cap_manager_t *m);

#endif
