/* Record signers: an 8-byte truncated signature in `aux` over the canonical bytes 0..51 (spec §6.6). */
#ifndef RVM_WITNESS_SIGNER_H
#define RVM_WITNESS_SIGNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/hmac.h>
#include <rvm/witness_record.h>

typedef struct rvm_witness_signer rvm_witness_signer_t;

/*
 * A signer is an interface so that a TEE- or Ed25519-backed signer can be
 * plugged in later without touching the log. Both operations see only the
 * canonical serialisation, so they cover sequence and chain fields too.
 */
struct rvm_witness_signer {
    void (*sign)(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                 uint8_t aux[RVM_WITNESS_AUX_SIZE]);
    bool (*verify)(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                   const uint8_t aux[RVM_WITNESS_AUX_SIZE]);
};

/* HMAC-SHA256 signer (the default): aux = first 8 bytes of HMAC(key, ser[0..52]). */
typedef struct rvm_witness_hmac_signer {
    rvm_witness_signer_t base;
    rvm_hmac_sha256_key_t key;
} rvm_witness_hmac_signer_t;

/* FNV "strict" signer for builds without crypto: aux = LE64(fnv1a64(ser[0..52])). Not a MAC. */
typedef struct rvm_witness_fnv_signer {
    rvm_witness_signer_t base;
} rvm_witness_fnv_signer_t;

/* The public default key, SHA-256("rvm-witness-default-key-v1"); production installs a derived key. */
void rvm_witness_default_key(uint8_t key[32]);
/* Prepares an HMAC signer; the key is copied (as pad states) so the caller may wipe it. */
void rvm_witness_hmac_signer_init(rvm_witness_hmac_signer_t *s, const uint8_t *key, size_t key_len);
/* Prepares the FNV signer. */
void rvm_witness_fnv_signer_init(rvm_witness_fnv_signer_t *s);
/* Signs a record in place: serialises it and writes `aux`. */
void rvm_witness_sign_record(const rvm_witness_signer_t *s, rvm_witness_record_t *rec);
/* Checks a record's `aux` against the signer, in constant time for the HMAC signer. */
bool rvm_witness_verify_record(const rvm_witness_signer_t *s, const rvm_witness_record_t *rec);

#endif
