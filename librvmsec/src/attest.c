/* Attestation chain and report (spec §14.4). */
#include <rvm/sec_attest.h>

#include <stddef.h>

#include <rvm/ct.h>
#include <rvm/sha256.h>

rvm_err_t rvm_sec_attest_init(rvm_sec_attest_chain_t *c)
{
    if (c == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(c, 0, sizeof *c);
    return RVM_OK;
}

rvm_err_t rvm_sec_attest_extend(rvm_sec_attest_chain_t *c, uint32_t sequence,
                                const uint8_t hash[RVM_SEC_ATTEST_HASH_LEN], uint8_t source)
{
    if (c == NULL || hash == NULL ||
        (source != RVM_SEC_ATTEST_BOOT_MEASUREMENT && source != RVM_SEC_ATTEST_RUNTIME_WITNESS)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (c->count >= RVM_SEC_ATTEST_MAX_ENTRIES) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_sec_attest_entry_t *e = &c->entries[c->count];
    e->sequence = sequence;
    __builtin_memcpy(e->hash, hash, RVM_SEC_ATTEST_HASH_LEN);
    e->source = source;

    rvm_sha256_ctx_t h;
    rvm_sha256_init(&h);
    rvm_sha256_update(&h, c->root, RVM_SEC_ATTEST_HASH_LEN);
    rvm_sha256_update(&h, hash, RVM_SEC_ATTEST_HASH_LEN);
    rvm_sha256_final(&h, c->root);
    c->count++;
    return RVM_OK;
}

rvm_err_t rvm_sec_attest_report(const rvm_sec_attest_chain_t *c, rvm_sec_attest_report_t *out)
{
    if (c == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t boot = 0;
    uint32_t n = 0;
    /* Bounded by the array as well, whatever a corrupted count says. */
    for (; n < RVM_SEC_ATTEST_MAX_ENTRIES && n < c->count; n++) {
        boot += c->entries[n].source == RVM_SEC_ATTEST_BOOT_MEASUREMENT;
    }
    out->entry_count = n;
    __builtin_memcpy(out->chain_root, c->root, RVM_SEC_ATTEST_HASH_LEN);
    out->boot_measurement_count = boot;
    out->runtime_witness_count = n - boot;
    return RVM_OK;
}

bool rvm_sec_attest_verify(const rvm_sec_attest_report_t *r, const uint8_t expected_root[RVM_SEC_ATTEST_HASH_LEN])
{
    if (r == NULL || expected_root == NULL) {
        return false;
    }
    return rvm_ct_equal(r->chain_root, expected_root, RVM_SEC_ATTEST_HASH_LEN);
}

rvm_err_t rvm_sec_attest_build_boot_chain(rvm_sec_attest_chain_t *c,
                                          const uint8_t boot_measurement[RVM_SEC_ATTEST_HASH_LEN],
                                          const uint8_t kernel_digest[RVM_SEC_ATTEST_HASH_LEN],
                                          const uint8_t partition_digest[RVM_SEC_ATTEST_HASH_LEN])
{
    if (c == NULL || boot_measurement == NULL || kernel_digest == NULL || partition_digest == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_sec_attest_init(c);
    if (err == RVM_OK) {
        err = rvm_sec_attest_extend(c, 0, boot_measurement, RVM_SEC_ATTEST_BOOT_MEASUREMENT);
    }
    if (err == RVM_OK) {
        err = rvm_sec_attest_extend(c, 1, kernel_digest, RVM_SEC_ATTEST_BOOT_MEASUREMENT);
    }
    if (err == RVM_OK) {
        err = rvm_sec_attest_extend(c, 2, partition_digest, RVM_SEC_ATTEST_RUNTIME_WITNESS);
    }
    return err;
}
