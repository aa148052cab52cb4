/* Measured boot accumulator and stage digests (spec §12.3, §12.4). */
#include <rvm/boot_measure.h>
#include <rvm/endian.h>
#include <rvm/fnv.h>
#include <rvm/sha256.h>

/* acc ‖ stage ‖ h: the accumulator's input in both hash forms. */
#define MEASURE_INPUT_LEN (2u * RVM_BOOT_DIGEST_LEN + 1u)
#define FNV_DIGEST_BUF_LEN 64u

/* The reference's FNV "digest": FNV-1a-64 of the suffixes starting at 0, 8, 16, 24, each stored LE. */
static void fnv_suffix_digest(const uint8_t *in, size_t len, uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    for (size_t k = 0; k < 4u; k++) {
        rvm_le64_store(out + 8u * k, rvm_fnv1a64(in + 8u * k, len - 8u * k));
    }
}

rvm_err_t rvm_boot_measure_init(rvm_boot_measure_t *m, uint8_t hash)
{
    if (m == NULL || (hash != RVM_BOOT_HASH_SHA256 && hash != RVM_BOOT_HASH_FNV)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *m = (rvm_boot_measure_t){.hash = hash};
    return RVM_OK;
}

rvm_err_t rvm_boot_measure_extend(rvm_boot_measure_t *m, uint8_t stage, const uint8_t h[RVM_BOOT_DIGEST_LEN])
{
    if (m == NULL || h == NULL || stage >= RVM_BOOT_MEASURE_SLOTS) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint8_t in[MEASURE_INPUT_LEN];
    for (size_t i = 0; i < RVM_BOOT_DIGEST_LEN; i++) {
        in[i] = m->acc[i];
        in[RVM_BOOT_DIGEST_LEN + 1u + i] = h[i];
        m->phase_hash[stage][i] = h[i];
    }
    in[RVM_BOOT_DIGEST_LEN] = stage;
    if (m->hash == RVM_BOOT_HASH_FNV) {
        fnv_suffix_digest(in, sizeof in, m->acc);
    } else {
        rvm_sha256(in, sizeof in, m->acc);
    }
    m->count++;
    return RVM_OK;
}

rvm_err_t rvm_boot_measure_root(const rvm_boot_measure_t *m, uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    if (m == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < RVM_BOOT_DIGEST_LEN; i++) {
        out[i] = m->acc[i];
    }
    return RVM_OK;
}

bool rvm_boot_measure_is_virgin(const rvm_boot_measure_t *m) { return m == NULL || m->count == 0; }

rvm_err_t rvm_boot_stage_digest_fnv(uint8_t stage, const void *data, size_t len, uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    if (out == NULL || (data == NULL && len != 0)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint8_t buf[FNV_DIGEST_BUF_LEN] = {0};
    const uint8_t *p = data;
    buf[0] = stage;
    for (size_t i = 0; i < len && i < RVM_BOOT_FNV_DIGEST_DATA_MAX; i++) {
        buf[1u + i] = p[i];
    }
    fnv_suffix_digest(buf, sizeof buf, out);
    return RVM_OK;
}

rvm_err_t rvm_boot_stage_digest_sha256(uint8_t stage, const void *data, size_t len,
                                       uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    if (out == NULL || (data == NULL && len != 0)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_sha256_ctx_t ctx;
    rvm_sha256_init(&ctx);
    rvm_sha256_update(&ctx, &stage, 1);
    if (len != 0) {
        rvm_sha256_update(&ctx, data, len);
    }
    rvm_sha256_final(&ctx, out);
    return RVM_OK;
}

rvm_err_t rvm_boot_stage_digest(uint8_t hash, uint8_t stage, const void *data, size_t len,
                                uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    switch (hash) {
    case RVM_BOOT_HASH_SHA256:
        return rvm_boot_stage_digest_sha256(stage, data, len, out);
    case RVM_BOOT_HASH_FNV:
        return rvm_boot_stage_digest_fnv(stage, data, len, out);
    default:
        return RVM_ERR_INVALID_ARGUMENT;
    }
}
