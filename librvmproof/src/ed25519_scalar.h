/*
 * Arithmetic modulo the group order L = 2^252 + 27742317777372353535851937790883648493
 * (RFC 8032 §5.1), on 32-byte little-endian scalars; private to librvmproof.
 * Reduction and muladd are constant time: they handle the secret nonce and key.
 */
#ifndef RVMPROOF_ED25519_SCALAR_H
#define RVMPROOF_ED25519_SCALAR_H

#include <stdbool.h>
#include <stdint.h>

/* out = in mod L, for a 64-byte little-endian in (a SHA-512 digest). */
void rvm_ed25519_sc_reduce64(uint8_t out[32], const uint8_t in[64]);
/* out = (a * b + c) mod L, for any 32-byte a, b, c. */
void rvm_ed25519_sc_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32]);
/* True when s < L (a canonical S); variable time, for public signatures. */
bool rvm_ed25519_sc_is_canonical(const uint8_t s[32]);

#endif
