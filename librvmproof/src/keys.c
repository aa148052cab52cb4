#include <rvm/endian.h>
#include <rvm/proof_keys.h>
#include <rvm/sha256.h>

rvm_err_t rvm_proof_derive_key(const uint8_t measurement[RVM_PROOF_MEASUREMENT_LEN], rvm_partition_id_t partition,
                               uint32_t tag, uint8_t out[RVM_PROOF_KEY_LEN])
{
    static const char *const tags[] = { "rvm-witness-key-v1", "rvm-attestation-key-v1", "rvm-ipc-key-v1" };
    static const size_t tag_len[] = { 18u, 22u, 14u };
    if (measurement == NULL || out == NULL || tag > RVM_PROOF_KEY_IPC) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint8_t le[4];
    rvm_le32_store(le, partition);
    rvm_sha256_ctx_t h;
    rvm_sha256_init(&h);
    rvm_sha256_update(&h, measurement, RVM_PROOF_MEASUREMENT_LEN);
    rvm_sha256_update(&h, le, sizeof le);
    rvm_sha256_update(&h, tags[tag], tag_len[tag]);
    rvm_sha256_final(&h, out);
    return RVM_OK;
}

rvm_err_t rvm_proof_derive_bundle(const uint8_t measurement[RVM_PROOF_MEASUREMENT_LEN],
                                  rvm_partition_id_t partition, rvm_proof_key_bundle_t *out)
{
    if (measurement == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    (void)rvm_proof_derive_key(measurement, partition, RVM_PROOF_KEY_WITNESS, out->witness);
    (void)rvm_proof_derive_key(measurement, partition, RVM_PROOF_KEY_ATTESTATION, out->attestation);
    (void)rvm_proof_derive_key(measurement, partition, RVM_PROOF_KEY_IPC, out->ipc);
    return RVM_OK;
}

void rvm_proof_dev_measurement(uint8_t out[RVM_PROOF_MEASUREMENT_LEN])
{
    rvm_sha256("rvm-dev-measurement", 19u, out);
}
