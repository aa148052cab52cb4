#include <rvm/ct.h>
#include <rvm/proof_ed25519.h>
#include <rvm/sha256.h>
#include <rvm/sha512.h>

#include "ed25519_point.h"
#include "ed25519_scalar.h"

rvm_err_t rvm_ed25519_key_from_seed(rvm_ed25519_key_t *key, const uint8_t seed[RVM_ED25519_SEED_LEN])
{
    if (key == NULL || seed == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint8_t h[RVM_SHA512_DIGEST_LEN];
    rvm_sha512(seed, RVM_ED25519_SEED_LEN, h);
    /* RFC 8032 §5.1.5: clear the cofactor bits and fix the top bit at 254. */
    h[0] &= 248u;
    h[31] &= 127u;
    h[31] |= 64u;
    __builtin_memcpy(key->scalar, h, 32);
    __builtin_memcpy(key->prefix, h + 32, 32);
    rvm_ed25519_p3_t a;
    rvm_ed25519_scalarmult_base(&a, key->scalar);
    rvm_ed25519_p3_tobytes(key->public_key, &a);
    rvm_secure_zero(h, sizeof h);
    rvm_secure_zero(&a, sizeof a);
    return RVM_OK;
}

void rvm_ed25519_key_wipe(rvm_ed25519_key_t *key)
{
    if (key != NULL) {
        rvm_secure_zero(key, sizeof *key);
    }
}

rvm_err_t rvm_ed25519_sign(const rvm_ed25519_key_t *key, const uint8_t *msg, size_t len,
                           uint8_t sig[RVM_ED25519_SIG_LEN])
{
    if (key == NULL || sig == NULL || (msg == NULL && len != 0u)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint8_t h[RVM_SHA512_DIGEST_LEN];
    uint8_t r[32];
    uint8_t k[32];
    rvm_sha512_ctx_t ctx;
    /* r = SHA-512(prefix ‖ M) mod L, the deterministic nonce (RFC 8032 §5.1.6 steps 2-3). */
    rvm_sha512_init(&ctx);
    rvm_sha512_update(&ctx, key->prefix, 32);
    rvm_sha512_update(&ctx, msg, len);
    rvm_sha512_final(&ctx, h);
    rvm_ed25519_sc_reduce64(r, h);
    rvm_ed25519_p3_t rp;
    rvm_ed25519_scalarmult_base(&rp, r);
    rvm_ed25519_p3_tobytes(sig, &rp);
    /* k = SHA-512(R ‖ A ‖ M) mod L; S = r + k s mod L. */
    rvm_sha512_init(&ctx);
    rvm_sha512_update(&ctx, sig, 32);
    rvm_sha512_update(&ctx, key->public_key, 32);
    rvm_sha512_update(&ctx, msg, len);
    rvm_sha512_final(&ctx, h);
    rvm_ed25519_sc_reduce64(k, h);
    rvm_ed25519_sc_muladd(sig + 32, k, key->scalar, r);
    rvm_secure_zero(h, sizeof h);
    rvm_secure_zero(r, sizeof r);
    rvm_secure_zero(&rp, sizeof rp);
    return RVM_OK;
}

rvm_sig_err_t rvm_ed25519_verify(const uint8_t public_key[RVM_ED25519_PUBLIC_KEY_LEN], const uint8_t *msg,
                                 size_t len, const uint8_t sig[RVM_ED25519_SIG_LEN])
{
    if (public_key == NULL || sig == NULL || (msg == NULL && len != 0u)) {
        return RVM_SIG_MALFORMED_INPUT;
    }
    rvm_ed25519_p3_t a;
    if (!rvm_ed25519_sc_is_canonical(sig + 32) || rvm_ed25519_small_order_vartime(sig) ||
        rvm_ed25519_small_order_vartime(public_key) || !rvm_ed25519_p3_frombytes_vartime(&a, public_key)) {
        return RVM_SIG_MALFORMED_INPUT;
    }
    uint8_t h[RVM_SHA512_DIGEST_LEN];
    uint8_t k[32];
    rvm_sha512_ctx_t ctx;
    rvm_sha512_init(&ctx);
    rvm_sha512_update(&ctx, sig, 32);
    rvm_sha512_update(&ctx, public_key, RVM_ED25519_PUBLIC_KEY_LEN);
    rvm_sha512_update(&ctx, msg, len);
    rvm_sha512_final(&ctx, h);
    rvm_ed25519_sc_reduce64(k, h);
    /* [S]B - [k]A, computed as [k](-A) + [S]B. */
    rvm_ed25519_fe_neg(&a.X, &a.X);
    rvm_ed25519_fe_neg(&a.T, &a.T);
    rvm_ed25519_p2_t check;
    rvm_ed25519_double_scalarmult_vartime(&check, k, &a, sig + 32);
    uint8_t rcheck[32];
    rvm_ed25519_p2_tobytes(rcheck, &check);
    return rvm_ct_equal(rcheck, sig, 32) ? RVM_SIG_OK : RVM_SIG_BAD_SIGNATURE;
}

static const rvm_proof_ed25519_signer_t *as_ed25519(const rvm_proof_signer_t *self)
{
    /* base is the first member, so the signer is the enclosing object. */
    return (const rvm_proof_ed25519_signer_t *)(const void *)self;
}

static rvm_err_t ed25519_sign(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                              uint8_t sig[RVM_PROOF_SIG_LEN])
{
    if (self == NULL || digest == NULL || sig == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return rvm_ed25519_sign(&as_ed25519(self)->key, digest, RVM_PROOF_DIGEST_LEN, sig);
}

static rvm_sig_err_t ed25519_verify(const rvm_proof_signer_t *self, const uint8_t digest[RVM_PROOF_DIGEST_LEN],
                                    const uint8_t sig[RVM_PROOF_SIG_LEN])
{
    if (self == NULL || digest == NULL || sig == NULL) {
        return RVM_SIG_MALFORMED_INPUT;
    }
    return rvm_ed25519_verify(as_ed25519(self)->key.public_key, digest, RVM_PROOF_DIGEST_LEN, sig);
}

static void ed25519_signer_id(const rvm_proof_signer_t *self, uint8_t id[RVM_PROOF_SIGNER_ID_LEN])
{
    __builtin_memcpy(id, as_ed25519(self)->id, RVM_PROOF_SIGNER_ID_LEN);
}

rvm_err_t rvm_proof_ed25519_signer_init(rvm_proof_ed25519_signer_t *s, const uint8_t seed[RVM_ED25519_SEED_LEN])
{
    if (s == NULL || seed == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    s->base.sign = ed25519_sign;
    s->base.verify = ed25519_verify;
    s->base.signer_id = ed25519_signer_id;
    rvm_err_t e = rvm_ed25519_key_from_seed(&s->key, seed);
    if (e != RVM_OK) {
        return e;
    }
    const uint8_t domain = 0x01u;
    rvm_sha256_ctx_t h;
    rvm_sha256_init(&h);
    rvm_sha256_update(&h, &domain, 1);
    rvm_sha256_update(&h, s->key.public_key, RVM_ED25519_PUBLIC_KEY_LEN);
    rvm_sha256_final(&h, s->id);
    return RVM_OK;
}
