/*
 * Constant-time proof of Ed25519 key derivation and signing under valgrind
 * memcheck: the seed, then the expanded secret scalar and nonce prefix, are
 * marked undefined, so any branch or table address that depends on them
 * (SHA-512, the comb's digit recoding and table selection, the point
 * arithmetic, the reduction mod L) is reported and fails the run through
 * --error-exitcode. Outputs are marked defined once the call returned: the
 * public key and signature are public by design.
 * With "--control", the variable-time canonical-S check is run on the secret
 * scalar instead; that run must fail, proving the harness sees such branches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include <rvm/proof_ed25519.h>

#include "ed25519_scalar.h"

#define ROUNDS 8u

int main(int argc, char **argv)
{
    int control = argc > 1 && strcmp(argv[1], "--control") == 0;
    uint8_t msg[100];
    for (unsigned i = 0; i < sizeof msg; i++) {
        msg[i] = (uint8_t)(i * 7u);
    }
    unsigned sum = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        uint8_t seed[32];
        for (unsigned i = 0; i < sizeof seed; i++) {
            seed[i] = (uint8_t)(r * 31u + i * 13u + 1u);
        }
        /* Round 0 uses extreme seeds' bytes too: all zero. */
        if (r == 0) {
            memset(seed, 0, sizeof seed);
        }
        rvm_ed25519_key_t key;
        VALGRIND_MAKE_MEM_UNDEFINED(seed, sizeof seed);
        if (rvm_ed25519_key_from_seed(&key, seed) != RVM_OK) {
            return EXIT_FAILURE;
        }
        VALGRIND_MAKE_MEM_DEFINED(key.public_key, sizeof key.public_key);

        VALGRIND_MAKE_MEM_UNDEFINED(key.scalar, sizeof key.scalar);
        VALGRIND_MAKE_MEM_UNDEFINED(key.prefix, sizeof key.prefix);
        if (control) {
            sum += rvm_ed25519_sc_is_canonical(key.scalar) ? 1u : 0u;
        } else {
            uint8_t sig[64];
            if (rvm_ed25519_sign(&key, msg, r * 12u, sig) != RVM_OK) {
                return EXIT_FAILURE;
            }
            VALGRIND_MAKE_MEM_DEFINED(sig, sizeof sig);
            VALGRIND_MAKE_MEM_DEFINED(&key, sizeof key);
            /* The signature must still be right: constant time must not mean wrong. */
            if (rvm_ed25519_verify(key.public_key, msg, r * 12u, sig) != RVM_SIG_OK) {
                fprintf(stderr, "round %u: signature does not verify\n", r);
                return EXIT_FAILURE;
            }
        }
        rvm_ed25519_key_wipe(&key);
    }
    printf("ed25519 constant-time run done (%u)\n", sum);
    return EXIT_SUCCESS;
}
