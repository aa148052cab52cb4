#include <rvm/ct.h>
#include <rvm/proof_signer.h>
#include <rvm/sha256.h>

static const rvm_proof_hmac_signer_t *as_hmac(const rvm_proof_signer_t *self)
{
    /* base is the first member, so the signer is the enclosing object. */
    return (const rvm_proof_hmac_signer_t *)(const void *)self;
}

static rvm_err_t hmac_sign(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                           uint8_t sig[RVM_PROOF_SIG_LEN])
{
    if (self == NULL || digest == NULL || sig == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_hmac_sha256_keyed(&as_hmac(self)->key, digest, RVM_PROOF_DIGEST_LEN, sig);
    __builtin_memset(sig + RVM_HMAC_SHA256_LEN, 0, RVM_PROOF_SIG_LEN - RVM_HMAC_SHA256_LEN);
    return RVM_OK;
}

static rvm_err_t dual_sign(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                           uint8_t sig[RVM_PROOF_SIG_LEN])
{
    if (self == NULL || digest == NULL || sig == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_hmac_sha256_key_t *k = &as_hmac(self)->key;
    rvm_hmac_sha256_keyed(k, digest, RVM_PROOF_DIGEST_LEN, sig);
    rvm_hmac_sha256_keyed(k, sig, RVM_HMAC_SHA256_LEN, sig + RVM_HMAC_SHA256_LEN);
    return RVM_OK;
}

/* Recomputes with `self->sign` and compares all 64 bytes in constant time. */
static rvm_sig_err_t hmac_verify(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                                 const uint8_t sig[RVM_PROOF_SIG_LEN])
{
    if (self == NULL || digest == NULL || sig == NULL) {
        return RVM_SIG_MALFORMED_INPUT;
    }
    uint8_t expect[RVM_PROOF_SIG_LEN];
    (void)self->sign(self, digest, expect);
    bool ok = rvm_ct_equal(expect, sig, RVM_PROOF_SIG_LEN);
    rvm_secure_zero(expect, sizeof expect);
    return ok ? RVM_SIG_OK : RVM_SIG_BAD_SIGNATURE;
}

static void hmac_signer_id(const rvm_proof_signer_t *self, uint8_t id[RVM_PROOF_SIGNER_ID_LEN])
{
    __builtin_memcpy(id, as_hmac(self)->id, RVM_PROOF_SIGNER_ID_LEN);
}

rvm_err_t rvm_proof_hmac_signer_init(rvm_proof_hmac_signer_t *s, const uint8_t *key, size_t key_len, bool dual)
{
    if (s == NULL || key == NULL || key_len == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    s->base.sign = dual ? dual_sign : hmac_sign;
    s->base.verify = hmac_verify;
    s->base.signer_id = hmac_signer_id;
    rvm_hmac_sha256_key_init(&s->key, key, key_len);
    uint8_t key_hash[RVM_SHA256_DIGEST_LEN];
    rvm_sha256(key, key_len, key_hash);
    const uint8_t domain = dual ? 0x04u : 0x02u;
    rvm_sha256_ctx_t h;
    rvm_sha256_init(&h);
    rvm_sha256_update(&h, &domain, 1);
    rvm_sha256_update(&h, key_hash, sizeof key_hash);
    if (dual) {
        rvm_sha256_update(&h, "rvm-dual-hmac", 13u);
    } else {
        rvm_sha256_update(&h, "rvm-witness-hmac", 16u);
    }
    rvm_sha256_final(&h, s->id);
    rvm_secure_zero(key_hash, sizeof key_hash);
    return RVM_OK;
}

static const rvm_proof_record_signer_t *as_bridge(const rvm_witness_signer_t *self)
{
    return (const rvm_proof_record_signer_t *)(const void *)self;
}

/* aux = first 8 bytes of inner.sign(SHA-256(msg)); zero when the inner signer fails. */
static void bridge_tag(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                       uint8_t aux[RVM_WITNESS_AUX_SIZE])
{
    const rvm_proof_signer_t *inner = as_bridge(self)->inner;
    uint8_t digest[RVM_SHA256_DIGEST_LEN];
    uint8_t sig[RVM_PROOF_SIG_LEN];
    rvm_sha256(msg, RVM_WITNESS_SIGNED_LEN, digest);
    if (inner->sign(inner, digest, sig) == RVM_OK) {
        __builtin_memcpy(aux, sig, RVM_WITNESS_AUX_SIZE);
    } else {
        __builtin_memset(aux, 0, RVM_WITNESS_AUX_SIZE);
    }
    rvm_secure_zero(sig, sizeof sig);
}

static bool bridge_verify(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                          const uint8_t aux[RVM_WITNESS_AUX_SIZE])
{
    uint8_t expect[RVM_WITNESS_AUX_SIZE];
    uint8_t zero[RVM_WITNESS_AUX_SIZE] = { 0 };
    bridge_tag(self, msg, expect);
    /* An all-zero tag is what a failed signing leaves, never a signature. */
    bool match = rvm_ct_equal(expect, aux, RVM_WITNESS_AUX_SIZE);
    return match && !rvm_ct_equal(expect, zero, RVM_WITNESS_AUX_SIZE);
}

rvm_err_t rvm_proof_record_signer_init(rvm_proof_record_signer_t *s, const rvm_proof_signer_t *inner)
{
    if (s == NULL || inner == NULL || inner->sign == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    s->base.sign = bridge_tag;
    s->base.verify = bridge_verify;
    s->inner = inner;
    return RVM_OK;
}
