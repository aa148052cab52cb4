/*
 * Ed25519 (RFC 8032 §5.1, pure Ed25519, no context or prehash), freestanding,
 * and an rvm_proof_signer_t that signs the 32-byte digest with it. Optional
 * (spec §3.13): built unless the build sets -Ded25519=false, which leaves this
 * header uninstalled and its functions out of the library.
 *
 * Signing and key derivation are constant time in the secret key and nonce.
 * Verification (variable time; its inputs are public) is strict and accepts
 * exactly what libsodium's crypto_sign_ed25519_verify_detached accepts:
 *  - S must be canonical, S < L;
 *  - A must be canonical (its y < p), must decode (x^2 = (y^2-1)/(dy^2+1) has a
 *    root; x = 0 with the sign bit set is refused), and must not have small order;
 *  - R must not have small order: its y (reduced mod p, sign bit ignored) is not
 *    0, 1, -1 or the y of a point of order 8;
 *  - the cofactorless equation: encode([S]B - [k]A) must equal R byte for byte,
 *    with k = SHA-512(R ‖ A ‖ M) mod L. The encoding is canonical, so an R with
 *    y >= p, or one that does not decode, never matches.
 */
#ifndef RVM_PROOF_ED25519_H
#define RVM_PROOF_ED25519_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/proof_signer.h>

#define RVM_ED25519_SEED_LEN 32u
#define RVM_ED25519_PUBLIC_KEY_LEN 32u
#define RVM_ED25519_SIG_LEN 64u

/* A key pair expanded from its seed (RFC 8032 §5.1.5). Secret: wipe with rvm_ed25519_key_wipe. */
typedef struct rvm_ed25519_key {
    uint8_t scalar[32];   /* s: the clamped first half of SHA-512(seed) */
    uint8_t prefix[32];   /* the second half, which keys the deterministic nonce */
    uint8_t public_key[RVM_ED25519_PUBLIC_KEY_LEN];
} rvm_ed25519_key_t;

/* Derives the key pair of a 32-byte seed; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_ed25519_key_from_seed(rvm_ed25519_key_t *key, const uint8_t seed[RVM_ED25519_SEED_LEN]);
/* Zeroes the key so that no secret stays in memory. */
void rvm_ed25519_key_wipe(rvm_ed25519_key_t *key);
/* Writes the 64-byte signature R ‖ S of `msg`; INVALID_ARGUMENT on NULL (msg may be NULL when len is 0). */
rvm_err_t rvm_ed25519_sign(const rvm_ed25519_key_t *key, const uint8_t *msg, size_t len,
                           uint8_t sig[RVM_ED25519_SIG_LEN]);
/*
 * RVM_SIG_OK when `sig` is a valid signature of `msg` under `public_key` (checks above);
 * RVM_SIG_MALFORMED_INPUT for NULL arguments, S >= L, and an A or R refused on its own
 * (non-canonical, not on the curve, small order); RVM_SIG_BAD_SIGNATURE otherwise.
 */
rvm_sig_err_t rvm_ed25519_verify(const uint8_t public_key[RVM_ED25519_PUBLIC_KEY_LEN], const uint8_t *msg,
                                 size_t len, const uint8_t sig[RVM_ED25519_SIG_LEN]);

/*
 * Ed25519 digest signer (spec §7.7): sig = Ed25519 signature of the 32 digest bytes,
 * signer_id = SHA-256(0x01 ‖ public key); verify as rvm_ed25519_verify.
 */
typedef struct rvm_proof_ed25519_signer {
    rvm_proof_signer_t base;
    rvm_ed25519_key_t key;
    uint8_t id[RVM_PROOF_SIGNER_ID_LEN];
} rvm_proof_ed25519_signer_t;

/* Prepares the signer from a 32-byte seed; INVALID_ARGUMENT on NULL. Wipe s->key when done with it. */
rvm_err_t rvm_proof_ed25519_signer_init(rvm_proof_ed25519_signer_t *s, const uint8_t seed[RVM_ED25519_SEED_LEN]);

#endif
