/*
 * The TEE quote pipeline (spec §7.9, ADR-142), in three roles: a quote
 * provider (behind an ops interface, so a hardware SGX/SEV-SNP/TDX/CCA one
 * can replace the software model), a verifier with a collateral policy, and
 * a digest signer that signs only after its own quote was accepted.
 *
 * Software quote (256 bytes, 133 used): [0..4) "RVMq", [4] platform byte,
 * [5..37) measurement, [37..101) report data, [101..133) HMAC-SHA256(provider
 * key, bytes 0..100), the rest zero. No hardware provider exists yet.
 */
#ifndef RVM_PROOF_TEE_H
#define RVM_PROOF_TEE_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/hmac.h>
#include <rvm/proof_signer.h>

#define RVM_TEE_QUOTE_LEN 256u
#define RVM_TEE_QUOTE_USED 133u
#define RVM_TEE_MEASUREMENT_LEN 32u
#define RVM_TEE_REPORT_DATA_LEN 64u

typedef enum rvm_tee_platform {
    RVM_TEE_SGX = 0x01,      /* MRENCLAVE */
    RVM_TEE_SEV_SNP = 0x02,  /* LAUNCH_DIGEST */
    RVM_TEE_TDX = 0x03,      /* MRTD + RTMR[0..3] */
    RVM_TEE_CCA = 0x04,      /* Realm Initial Measurement */
} rvm_tee_platform_t;

typedef struct rvm_tee_provider rvm_tee_provider_t;

/* A quote provider: local evidence from inside the TEE. */
struct rvm_tee_provider {
    /* Writes a RVM_TEE_QUOTE_LEN-byte quote binding `report_data`; RVM_OK or the provider's error. */
    rvm_err_t (*quote)(const rvm_tee_provider_t *self, const uint8_t report_data[RVM_TEE_REPORT_DATA_LEN],
                       uint8_t quote[RVM_TEE_QUOTE_LEN]);
    uint8_t platform;                                 /* rvm_tee_platform_t */
    uint8_t measurement[RVM_TEE_MEASUREMENT_LEN];     /* what this TEE reports */
};

/* The software model: quotes authenticated with an HMAC key shared with the verifier. */
typedef struct rvm_tee_sw_provider {
    rvm_tee_provider_t base;
    rvm_hmac_sha256_key_t key;
} rvm_tee_sw_provider_t;

/* INVALID_ARGUMENT on NULL, an empty key or an unknown platform. */
rvm_err_t rvm_tee_sw_provider_init(rvm_tee_sw_provider_t *p, uint8_t platform,
                                   const uint8_t measurement[RVM_TEE_MEASUREMENT_LEN], const uint8_t *key,
                                   size_t key_len);

/* The verifier: expected measurement, provider key, collateral valid while current epoch < expiry (0: no expiry). */
typedef struct rvm_tee_verifier {
    uint8_t expected_measurement[RVM_TEE_MEASUREMENT_LEN];
    rvm_hmac_sha256_key_t key;
    uint32_t current_epoch;
    uint32_t expiry_epoch;
} rvm_tee_verifier_t;

/* INVALID_ARGUMENT on NULL or an empty key. */
rvm_err_t rvm_tee_verifier_init(rvm_tee_verifier_t *v, const uint8_t expected_measurement[RVM_TEE_MEASUREMENT_LEN],
                                const uint8_t *key, size_t key_len, uint32_t expiry_epoch);
/* Advances the verifier's notion of the current epoch. */
void rvm_tee_verifier_set_epoch(rvm_tee_verifier_t *v, uint32_t epoch);
/* Installs fresh collateral valid until `new_expiry` (0 = never expires). */
void rvm_tee_verifier_refresh_collateral(rvm_tee_verifier_t *v, uint32_t new_expiry);

/*
 * Checks in this order: len < 133 or bad magic MALFORMED_INPUT, unknown
 * platform UNSUPPORTED_PLATFORM, collateral expired EXPIRED_COLLATERAL,
 * measurement BAD_MEASUREMENT, report data then HMAC BAD_SIGNATURE (all
 * compares constant time). NULL arguments give MALFORMED_INPUT.
 */
rvm_sig_err_t rvm_tee_verify_quote(const rvm_tee_verifier_t *v, const uint8_t *quote, size_t len,
                                   const uint8_t report_data[RVM_TEE_REPORT_DATA_LEN]);

/*
 * TEE-backed digest signer: report data = digest ‖ 32 zero bytes. sign
 * self-attests (quote from the provider, accepted by the verifier) and then
 * HMAC-signs; a failed self-attestation is PROOF_INVALID (never an all-zero
 * signature). verify = HMAC verify, then self-attest (a provider that cannot
 * quote counts as UNSUPPORTED_PLATFORM). signer_id =
 * SHA-256(0x03 ‖ platform byte ‖ measurement).
 */
typedef struct rvm_tee_signer {
    rvm_proof_signer_t base;
    const rvm_tee_provider_t *provider;
    const rvm_tee_verifier_t *verifier;
    rvm_proof_hmac_signer_t hmac;
} rvm_tee_signer_t;

/* INVALID_ARGUMENT on NULL or an empty key. */
rvm_err_t rvm_tee_signer_init(rvm_tee_signer_t *s, const rvm_tee_provider_t *provider,
                              const rvm_tee_verifier_t *verifier, const uint8_t *key, size_t key_len);

#endif
