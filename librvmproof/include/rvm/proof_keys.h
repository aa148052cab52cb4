/*
 * Key derivation from the boot measurement (spec §7.8):
 * key = SHA-256(measurement ‖ LE32(partition) ‖ tag). Different partitions
 * or tags give unrelated keys, so one partition's key says nothing of another's.
 */
#ifndef RVM_PROOF_KEYS_H
#define RVM_PROOF_KEYS_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>

#define RVM_PROOF_KEY_LEN 32u
#define RVM_PROOF_MEASUREMENT_LEN 32u

typedef enum rvm_proof_key_tag {
    RVM_PROOF_KEY_WITNESS = 0,      /* "rvm-witness-key-v1" */
    RVM_PROOF_KEY_ATTESTATION = 1,  /* "rvm-attestation-key-v1" */
    RVM_PROOF_KEY_IPC = 2,          /* "rvm-ipc-key-v1" */
} rvm_proof_key_tag_t;

typedef struct rvm_proof_key_bundle {
    uint8_t witness[RVM_PROOF_KEY_LEN];
    uint8_t attestation[RVM_PROOF_KEY_LEN];
    uint8_t ipc[RVM_PROOF_KEY_LEN];
} rvm_proof_key_bundle_t;

/* Derives the `tag` key of `partition`; INVALID_ARGUMENT on NULL or an unknown tag. */
rvm_err_t rvm_proof_derive_key(const uint8_t measurement[RVM_PROOF_MEASUREMENT_LEN], rvm_partition_id_t partition,
                               uint32_t tag, uint8_t out[RVM_PROOF_KEY_LEN]);

/* Derives all three keys of `partition`; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_proof_derive_bundle(const uint8_t measurement[RVM_PROOF_MEASUREMENT_LEN],
                                  rvm_partition_id_t partition, rvm_proof_key_bundle_t *out);

/* SHA-256("rvm-dev-measurement"): a public value for development builds only, never for a measured boot. */
void rvm_proof_dev_measurement(uint8_t out[RVM_PROOF_MEASUREMENT_LEN]);

#endif
