/*
 * Proof objects (spec §7.2) and Merkle-path evidence (ADR-142).
 *
 * A proof carries a 32-byte commitment and up to 64 bytes of data (longer
 * preimages are truncated). Verification against the expected commitment:
 *   Hash     data non-empty and commitment == SHA-256(data) (DECISIONS 3);
 *            with RVM_PROOF_OBJ_FNV_FALLBACK, LE64(fnv1a64(data)) ‖ 24 zero bytes
 *   Witness  data is 16-byte links (prev_hash u64 LE, record_hash u64 LE), at
 *            least one; each link's record_hash equals the next link's
 *            prev_hash; trailing bytes short of a link are ignored
 *   Zk       RVM_ERR_UNSUPPORTED: no zero-knowledge verifier exists, and such a
 *            proof must never pass
 * Commitments are compared in constant time. Merkle evidence does not fit in
 * 64 bytes, so it is a separate check over a caller-provided path.
 */
#ifndef RVM_PROOF_OBJECT_H
#define RVM_PROOF_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/rights.h>

#define RVM_PROOF_COMMITMENT_LEN 32u
#define RVM_PROOF_DATA_MAX 64u
#define RVM_PROOF_MERKLE_MAX_DEPTH 32u

typedef enum rvm_proof_obj_tier {
    RVM_PROOF_OBJ_HASH = 0,
    RVM_PROOF_OBJ_WITNESS = 1,
    RVM_PROOF_OBJ_ZK = 2,
} rvm_proof_obj_tier_t;

/* Verification flag: Hash proofs use the reference's FNV-1a commitment instead of SHA-256. */
#define RVM_PROOF_OBJ_FNV_FALLBACK 0x1u

typedef struct rvm_proof_obj {
    uint8_t tier;   /* rvm_proof_obj_tier_t */
    uint8_t data_len;
    uint8_t commitment[RVM_PROOF_COMMITMENT_LEN];
    uint8_t data[RVM_PROOF_DATA_MAX];
} rvm_proof_obj_t;

/* Builds a proof, keeping the first 64 bytes of `data`; INVALID_ARGUMENT on NULL (data may be NULL when len is 0). */
rvm_err_t rvm_proof_obj_init(rvm_proof_obj_t *p, uint8_t tier, const uint8_t commitment[RVM_PROOF_COMMITMENT_LEN],
                             const void *data, size_t len);

/* Hash-tier commitment: SHA-256(data), or the FNV form under RVM_PROOF_OBJ_FNV_FALLBACK; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_proof_hash_commitment(const void *data, size_t len, uint32_t flags,
                                    uint8_t out[RVM_PROOF_COMMITMENT_LEN]);

/* Checks `p` against `expected` as described above: RVM_OK, PROOF_INVALID, UNSUPPORTED, INVALID_ARGUMENT. */
rvm_err_t rvm_proof_obj_verify(const rvm_proof_obj_t *p, const uint8_t expected[RVM_PROOF_COMMITMENT_LEN],
                               uint32_t flags);

/* As rvm_proof_obj_verify, but `rights` must hold PROVE first (else INSUFFICIENT_CAPABILITY). */
rvm_err_t rvm_proof_obj_verify_with_cap(const rvm_proof_obj_t *p, const uint8_t expected[RVM_PROOF_COMMITMENT_LEN],
                                        uint32_t flags, rvm_rights_t rights);

/*
 * Merkle path: from `leaf`, for level i combine with path[i] as
 * SHA-256(node ‖ path[i]) when bit i of `index` is 0, SHA-256(path[i] ‖ node)
 * when it is 1; the result must equal `root` (constant-time compare).
 * RVM_OK, PROOF_INVALID, or INVALID_ARGUMENT (NULL, depth > 32, index bits above depth).
 */
rvm_err_t rvm_proof_merkle_verify(const uint8_t leaf[RVM_PROOF_COMMITMENT_LEN],
                                  const uint8_t (*path)[RVM_PROOF_COMMITMENT_LEN], uint32_t depth, uint64_t index,
                                  const uint8_t root[RVM_PROOF_COMMITMENT_LEN]);

#endif
