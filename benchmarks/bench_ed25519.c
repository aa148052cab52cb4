/* Ed25519 sign and verify (64-byte message): RVM's against libsodium's, on the same key, message and signature. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/proof_ed25519.h>

#include "benches.h"

typedef struct ed_ctx {
    rvm_ed25519_key_t key;
    uint8_t sodium_sk[crypto_sign_ed25519_SECRETKEYBYTES];
    uint8_t msg[64];
    uint8_t sig[64];
} ed_ctx_t;

static void rvm_verify(void *c, uint64_t first, uint64_t ops)
{
    ed_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        if (rvm_ed25519_verify(x->key.public_key, x->msg, sizeof x->msg, x->sig) != RVM_SIG_OK) {
            abort();
        }
    }
}

static void sodium_verify(void *c, uint64_t first, uint64_t ops)
{
    ed_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        if (crypto_sign_ed25519_verify_detached(x->sig, x->msg, sizeof x->msg, x->key.public_key) != 0) {
            abort();
        }
    }
}

/* Signing varies the message each time so that nothing can be cached between runs. */
static void rvm_sign(void *c, uint64_t first, uint64_t ops)
{
    ed_ctx_t *x = c;
    uint8_t sig[64];
    for (uint64_t i = first; i < first + ops; i++) {
        memcpy(x->msg, &i, sizeof i);
        if (rvm_ed25519_sign(&x->key, x->msg, sizeof x->msg, sig) != RVM_OK) {
            abort();
        }
        bench_sink(sig[0]);
    }
}

static void sodium_sign(void *c, uint64_t first, uint64_t ops)
{
    ed_ctx_t *x = c;
    uint8_t sig[64];
    for (uint64_t i = first; i < first + ops; i++) {
        memcpy(x->msg, &i, sizeof i);
        if (crypto_sign_ed25519_detached(sig, NULL, x->msg, sizeof x->msg, x->sodium_sk) != 0) {
            abort();
        }
        bench_sink(sig[0]);
    }
}

size_t bench_ed25519(bench_result_t *out)
{
    if (sodium_init() < 0) {
        abort();
    }
    static ed_ctx_t x;
    uint8_t seed[32];
    uint64_t st = 25519;
    for (size_t i = 0; i < sizeof seed; i++) {
        seed[i] = (uint8_t)bench_rand(&st);
    }
    for (size_t i = 0; i < sizeof x.msg; i++) {
        x.msg[i] = (uint8_t)bench_rand(&st);
    }
    uint8_t pk[crypto_sign_ed25519_PUBLICKEYBYTES];
    /* Both libraries must derive the same key and RVM's signature must verify under both, or the race is void. */
    if (rvm_ed25519_key_from_seed(&x.key, seed) != RVM_OK ||
        crypto_sign_ed25519_seed_keypair(pk, x.sodium_sk, seed) != 0 || memcmp(pk, x.key.public_key, sizeof pk) != 0 ||
        rvm_ed25519_sign(&x.key, x.msg, sizeof x.msg, x.sig) != RVM_OK) {
        abort();
    }
    size_t n = 0;
    bench_spec_t s = { .ctx = &x, .ops_per_batch = 100, .batches = 101 };
    s.name = "ed25519_verify", s.impl = "rvm", s.batch = rvm_verify;
    bench_run(&s, &out[n++]);
    s.name = "ed25519_verify_libsodium", s.impl = "libsodium", s.batch = sodium_verify;
    bench_run(&s, &out[n++]);
    s.name = "ed25519_sign", s.impl = "rvm", s.batch = rvm_sign;
    bench_run(&s, &out[n++]);
    s.name = "ed25519_sign_libsodium", s.impl = "libsodium", s.batch = sodium_sign;
    bench_run(&s, &out[n++]);
    rvm_ed25519_key_wipe(&x.key);
    sodium_memzero(x.sodium_sk, sizeof x.sodium_sk);
    return n;
}
