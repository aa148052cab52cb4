#include <rvm/ct.h>
#include <rvm/endian.h>
#include <rvm/fnv.h>
#include <rvm/sha256.h>
#include <rvm/witness_signer.h>

static const char default_key_label[] = "rvm-witness-default-key-v1";

void rvm_witness_default_key(uint8_t key[32])
{
    rvm_sha256(default_key_label, sizeof default_key_label - 1, key);
}

static void hmac_sign(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                      uint8_t aux[RVM_WITNESS_AUX_SIZE])
{
    const rvm_witness_hmac_signer_t *s = (const rvm_witness_hmac_signer_t *)self;
    uint8_t tag[RVM_HMAC_SHA256_LEN];
    rvm_hmac_sha256_keyed(&s->key, msg, RVM_WITNESS_SIGNED_LEN, tag);
    __builtin_memcpy(aux, tag, RVM_WITNESS_AUX_SIZE);
}

static bool hmac_verify(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                        const uint8_t aux[RVM_WITNESS_AUX_SIZE])
{
    uint8_t expect[RVM_WITNESS_AUX_SIZE];
    hmac_sign(self, msg, expect);
    return rvm_ct_equal(expect, aux, RVM_WITNESS_AUX_SIZE);
}

static void fnv_sign(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                     uint8_t aux[RVM_WITNESS_AUX_SIZE])
{
    (void)self;
    rvm_le64_store(aux, rvm_fnv1a64(msg, RVM_WITNESS_SIGNED_LEN));
}

static bool fnv_verify(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                       const uint8_t aux[RVM_WITNESS_AUX_SIZE])
{
    uint8_t expect[RVM_WITNESS_AUX_SIZE];
    fnv_sign(self, msg, expect);
    return rvm_ct_equal(expect, aux, RVM_WITNESS_AUX_SIZE);
}

void rvm_witness_hmac_signer_init(rvm_witness_hmac_signer_t *s, const uint8_t *key, size_t key_len)
{
    s->base.sign = hmac_sign;
    s->base.verify = hmac_verify;
    rvm_hmac_sha256_key_init(&s->key, key, key_len);
}

void rvm_witness_fnv_signer_init(rvm_witness_fnv_signer_t *s)
{
    s->base.sign = fnv_sign;
    s->base.verify = fnv_verify;
}

void rvm_witness_sign_record(const rvm_witness_signer_t *s, rvm_witness_record_t *rec)
{
    uint8_t ser[RVM_WITNESS_RECORD_SIZE];
    rvm_witness_record_serialize(rec, ser);
    s->sign(s, ser, rec->aux);
}

bool rvm_witness_verify_record(const rvm_witness_signer_t *s, const rvm_witness_record_t *rec)
{
    uint8_t ser[RVM_WITNESS_RECORD_SIZE];
    rvm_witness_record_serialize(rec, ser);
    return s->verify(s, ser, rec->aux);
}
