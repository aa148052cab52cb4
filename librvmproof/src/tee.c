#include <rvm/ct.h>
#include <rvm/proof_tee.h>
#include <rvm/sha256.h>

#define OFF_PLATFORM 4u
#define OFF_MEASUREMENT 5u
#define OFF_REPORT 37u
#define OFF_MAC 101u

static const uint8_t magic[4] = { 'R', 'V', 'M', 'q' };

static bool known_platform(uint8_t p)
{
    return p >= RVM_TEE_SGX && p <= RVM_TEE_CCA;
}

static rvm_err_t sw_quote(const rvm_tee_provider_t *self, const uint8_t report_data[RVM_TEE_REPORT_DATA_LEN],
                          uint8_t quote[RVM_TEE_QUOTE_LEN])
{
    if (self == NULL || report_data == NULL || quote == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_tee_sw_provider_t *p = (const rvm_tee_sw_provider_t *)(const void *)self;
    __builtin_memset(quote, 0, RVM_TEE_QUOTE_LEN);
    __builtin_memcpy(quote, magic, sizeof magic);
    quote[OFF_PLATFORM] = self->platform;
    __builtin_memcpy(quote + OFF_MEASUREMENT, self->measurement, RVM_TEE_MEASUREMENT_LEN);
    __builtin_memcpy(quote + OFF_REPORT, report_data, RVM_TEE_REPORT_DATA_LEN);
    rvm_hmac_sha256_keyed(&p->key, quote, OFF_MAC, quote + OFF_MAC);
    return RVM_OK;
}

rvm_err_t rvm_tee_sw_provider_init(rvm_tee_sw_provider_t *p, uint8_t platform,
                                   const uint8_t measurement[RVM_TEE_MEASUREMENT_LEN], const uint8_t *key,
                                   size_t key_len)
{
    if (p == NULL || measurement == NULL || key == NULL || key_len == 0 || !known_platform(platform)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    p->base.quote = sw_quote;
    p->base.platform = platform;
    __builtin_memcpy(p->base.measurement, measurement, RVM_TEE_MEASUREMENT_LEN);
    rvm_hmac_sha256_key_init(&p->key, key, key_len);
    return RVM_OK;
}

rvm_err_t rvm_tee_verifier_init(rvm_tee_verifier_t *v, const uint8_t expected_measurement[RVM_TEE_MEASUREMENT_LEN],
                                const uint8_t *key, size_t key_len, uint32_t expiry_epoch)
{
    if (v == NULL || expected_measurement == NULL || key == NULL || key_len == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memcpy(v->expected_measurement, expected_measurement, RVM_TEE_MEASUREMENT_LEN);
    rvm_hmac_sha256_key_init(&v->key, key, key_len);
    v->current_epoch = 0;
    v->expiry_epoch = expiry_epoch;
    return RVM_OK;
}

void rvm_tee_verifier_set_epoch(rvm_tee_verifier_t *v, uint32_t epoch)
{
    if (v != NULL) {
        v->current_epoch = epoch;
    }
}

void rvm_tee_verifier_refresh_collateral(rvm_tee_verifier_t *v, uint32_t new_expiry)
{
    if (v != NULL) {
        v->expiry_epoch = new_expiry;
    }
}

rvm_sig_err_t rvm_tee_verify_quote(const rvm_tee_verifier_t *v, const uint8_t *quote, size_t len,
                                   const uint8_t report_data[RVM_TEE_REPORT_DATA_LEN])
{
    if (v == NULL || quote == NULL || report_data == NULL || len < RVM_TEE_QUOTE_USED) {
        return RVM_SIG_MALFORMED_INPUT;
    }
    if (!rvm_ct_equal(quote, magic, sizeof magic)) {
        return RVM_SIG_MALFORMED_INPUT;
    }
    if (!known_platform(quote[OFF_PLATFORM])) {
        return RVM_SIG_UNSUPPORTED_PLATFORM;
    }
    if (v->expiry_epoch != 0 && v->current_epoch >= v->expiry_epoch) {
        return RVM_SIG_EXPIRED_COLLATERAL;
    }
    if (!rvm_ct_equal(quote + OFF_MEASUREMENT, v->expected_measurement, RVM_TEE_MEASUREMENT_LEN)) {
        return RVM_SIG_BAD_MEASUREMENT;
    }
    if (!rvm_ct_equal(quote + OFF_REPORT, report_data, RVM_TEE_REPORT_DATA_LEN)) {
        return RVM_SIG_BAD_SIGNATURE;
    }
    uint8_t mac[RVM_HMAC_SHA256_LEN];
    rvm_hmac_sha256_keyed(&v->key, quote, OFF_MAC, mac);
    bool ok = rvm_ct_equal(mac, quote + OFF_MAC, RVM_HMAC_SHA256_LEN);
    return ok ? RVM_SIG_OK : RVM_SIG_BAD_SIGNATURE;
}

static const rvm_tee_signer_t *as_tee(const rvm_proof_signer_t *self)
{
    return (const rvm_tee_signer_t *)(const void *)self;
}

static rvm_sig_err_t self_attest(const rvm_tee_signer_t *s, const uint8_t digest[RVM_PROOF_DIGEST_LEN])
{
    uint8_t report[RVM_TEE_REPORT_DATA_LEN] = { 0 };
    uint8_t quote[RVM_TEE_QUOTE_LEN];
    __builtin_memcpy(report, digest, RVM_PROOF_DIGEST_LEN);
    if (s->provider->quote(s->provider, report, quote) != RVM_OK) {
        return RVM_SIG_UNSUPPORTED_PLATFORM;
    }
    return rvm_tee_verify_quote(s->verifier, quote, sizeof quote, report);
}

static rvm_err_t tee_sign(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                          uint8_t sig[RVM_PROOF_SIG_LEN])
{
    if (self == NULL || digest == NULL || sig == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_tee_signer_t *s = as_tee(self);
    if (self_attest(s, digest) != RVM_SIG_OK) {
        return RVM_ERR_PROOF_INVALID;
    }
    return s->hmac.base.sign(&s->hmac.base, digest, sig);
}

static rvm_sig_err_t tee_verify(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                                const uint8_t sig[RVM_PROOF_SIG_LEN])
{
    if (self == NULL || digest == NULL || sig == NULL) {
        return RVM_SIG_MALFORMED_INPUT;
    }
    const rvm_tee_signer_t *s = as_tee(self);
    rvm_sig_err_t err = s->hmac.base.verify(&s->hmac.base, digest, sig);
    if (err != RVM_SIG_OK) {
        return err;
    }
    return self_attest(s, digest);
}

static void tee_signer_id(const rvm_proof_signer_t *self, uint8_t id[RVM_PROOF_SIGNER_ID_LEN])
{
    const rvm_tee_provider_t *p = as_tee(self)->provider;
    uint8_t pre[2] = { 0x03, p->platform };
    rvm_sha256_ctx_t h;
    rvm_sha256_init(&h);
    rvm_sha256_update(&h, pre, sizeof pre);
    rvm_sha256_update(&h, p->measurement, RVM_TEE_MEASUREMENT_LEN);
    rvm_sha256_final(&h, id);
}

rvm_err_t rvm_tee_signer_init(rvm_tee_signer_t *s, const rvm_tee_provider_t *provider,
                              const rvm_tee_verifier_t *verifier, const uint8_t *key, size_t key_len)
{
    if (s == NULL || provider == NULL || provider->quote == NULL || verifier == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_proof_hmac_signer_init(&s->hmac, key, key_len, false);
    if (err != RVM_OK) {
        return err;
    }
    s->base.sign = tee_sign;
    s->base.verify = tee_verify;
    s->base.signer_id = tee_signer_id;
    s->provider = provider;
    s->verifier = verifier;
    return RVM_OK;
}
