/*
 * 64-byte digest signers (spec §7.7): an ops interface so that Ed25519- or
 * TEE-backed signers can be added beside the HMAC ones, and the bridge that
 * uses any of them as an 8-byte witness-record signer.
 * The HMAC and dual-HMAC signers here are symmetric and belong inside one
 * trust domain; the Ed25519 signer (rvm/proof_ed25519.h) is asymmetric.
 */
#ifndef RVM_PROOF_SIGNER_H
#define RVM_PROOF_SIGNER_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/hmac.h>
#include <rvm/witness_signer.h>

#define RVM_PROOF_DIGEST_LEN 32u
#define RVM_PROOF_SIG_LEN 64u
#define RVM_PROOF_SIGNER_ID_LEN 32u

/* Signature verification outcome (spec §7.7): 0 on success, else one of these. */
typedef enum rvm_sig_err {
    RVM_SIG_OK = 0,
    RVM_SIG_BAD_SIGNATURE = 1,
    RVM_SIG_UNKNOWN_KEY = 2,
    RVM_SIG_BAD_MEASUREMENT = 3,
    RVM_SIG_EXPIRED_COLLATERAL = 4,
    RVM_SIG_REPLAY = 5,
    RVM_SIG_UNSUPPORTED_PLATFORM = 6,
    RVM_SIG_MALFORMED_INPUT = 7,
} rvm_sig_err_t;

typedef struct rvm_proof_signer rvm_proof_signer_t;

struct rvm_proof_signer {
    /* Writes the 64-byte signature of `digest`; RVM_OK or the signer's error. */
    rvm_err_t (*sign)(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                      uint8_t sig[RVM_PROOF_SIG_LEN]);
    /* RVM_SIG_OK or the reason `sig` does not sign `digest`. */
    rvm_sig_err_t (*verify)(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                            const uint8_t sig[RVM_PROOF_SIG_LEN]);
    /* Writes the 32-byte public identity of the signer. */
    void (*signer_id)(const rvm_proof_signer_t *self, uint8_t id[RVM_PROOF_SIGNER_ID_LEN]);
};

/* HMAC-SHA256 signer: sig = HMAC(key, digest) ‖ 32 zero bytes. */
typedef struct rvm_proof_hmac_signer {
    rvm_proof_signer_t base;
    rvm_hmac_sha256_key_t key;
    uint8_t id[RVM_PROOF_SIGNER_ID_LEN];
} rvm_proof_hmac_signer_t;

/*
 * Prepares an HMAC signer (id = SHA-256(0x02 ‖ SHA-256(key) ‖ "rvm-witness-hmac"));
 * with `dual`, the dual-HMAC signer (sig = t1 ‖ HMAC(key, t1), t1 = HMAC(key, digest);
 * id = SHA-256(0x04 ‖ SHA-256(key) ‖ "rvm-dual-hmac")). INVALID_ARGUMENT on NULL or an empty key.
 */
rvm_err_t rvm_proof_hmac_signer_init(rvm_proof_hmac_signer_t *s, const uint8_t *key, size_t key_len, bool dual);

/*
 * Bridge to the witness log: aux = the first 8 bytes of the 64-byte
 * signature of SHA-256(ser[0..52]); verification recomputes them and compares
 * in constant time. A signing error leaves aux zero and the record unverifiable.
 */
typedef struct rvm_proof_record_signer {
    rvm_witness_signer_t base;
    const rvm_proof_signer_t *inner;
} rvm_proof_record_signer_t;

/* Binds the bridge to `inner`; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_proof_record_signer_init(rvm_proof_record_signer_t *s, const rvm_proof_signer_t *inner);

#endif
