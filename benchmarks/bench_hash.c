/* SHA-256 and HMAC-SHA256: RVM's against libsodium's, in the same run. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/hmac.h>
#include <rvm/sha256.h>

#include "benches.h"

#define MIB (1024u * 1024u)

typedef struct hash_ctx {
    uint8_t *buf;   /* inputs; offset by the op index so nothing is hoisted */
    uint8_t key[32];
} hash_ctx_t;

static void rvm_sha_64(void *c, uint64_t first, uint64_t ops)
{
    hash_ctx_t *h = c;
    uint8_t out[32];
    for (uint64_t i = first; i < first + ops; i++) {
        rvm_sha256(h->buf + (i & 255), 64, out);
        bench_sink(out[0]);
    }
}

static void sodium_sha_64(void *c, uint64_t first, uint64_t ops)
{
    hash_ctx_t *h = c;
    uint8_t out[32];
    for (uint64_t i = first; i < first + ops; i++) {
        crypto_hash_sha256(out, h->buf + (i & 255), 64);
        bench_sink(out[0]);
    }
}

static void rvm_sha_mib(void *c, uint64_t first, uint64_t ops)
{
    hash_ctx_t *h = c;
    uint8_t out[32];
    for (uint64_t i = first; i < first + ops; i++) {
        h->buf[0] = (uint8_t)i;
        rvm_sha256(h->buf, MIB, out);
        bench_sink(out[0]);
    }
}

static void sodium_sha_mib(void *c, uint64_t first, uint64_t ops)
{
    hash_ctx_t *h = c;
    uint8_t out[32];
    for (uint64_t i = first; i < first + ops; i++) {
        h->buf[0] = (uint8_t)i;
        crypto_hash_sha256(out, h->buf, MIB);
        bench_sink(out[0]);
    }
}

static void rvm_hmac_64(void *c, uint64_t first, uint64_t ops)
{
    hash_ctx_t *h = c;
    uint8_t out[32];
    for (uint64_t i = first; i < first + ops; i++) {
        rvm_hmac_sha256(h->key, sizeof h->key, h->buf + (i & 255), 64, out);
        bench_sink(out[0]);
    }
}

static void sodium_hmac_64(void *c, uint64_t first, uint64_t ops)
{
    hash_ctx_t *h = c;
    uint8_t out[32];
    for (uint64_t i = first; i < first + ops; i++) {
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, h->key, sizeof h->key);
        crypto_auth_hmacsha256_update(&st, h->buf + (i & 255), 64);
        crypto_auth_hmacsha256_final(&st, out);
        bench_sink(out[0]);
    }
}

size_t bench_hash(bench_result_t *out)
{
    if (sodium_init() < 0) {
        abort();
    }
    static hash_ctx_t ctx;
    ctx.buf = malloc(MIB + 256);
    if (ctx.buf == NULL) {
        abort();
    }
    uint64_t seed = 1;
    for (size_t i = 0; i < MIB + 256; i++) {
        ctx.buf[i] = (uint8_t)bench_rand(&seed);
    }
    memset(ctx.key, 0x0b, sizeof ctx.key);

    rvm_sha256_impl_t best = rvm_sha256_active_impl();
    const char *best_name = rvm_sha256_impl_name(best);
    const char *portable = rvm_sha256_impl_name(RVM_SHA256_IMPL_PORTABLE);
    size_t n = 0;
    /* 1 MiB = 16384 compressions, so 64 hashes already exceed 10^6 operations. */
    const bench_spec_t mib = { .ops_per_batch = 1, .batches = 64, .bytes_per_op = MIB, .n_per_op = MIB / 64 };
    const bench_spec_t small = { .ops_per_batch = 10000, .batches = 101 };

    bench_spec_t s = small;
    s.name = "sha256_64B", s.impl = best_name, s.batch = rvm_sha_64, s.ctx = &ctx;
    bench_run(&s, &out[n++]);
    s = mib;
    s.name = "sha256_1MiB", s.impl = best_name, s.batch = rvm_sha_mib, s.ctx = &ctx;
    bench_run(&s, &out[n++]);
    s = small;
    s.name = "hmac_sha256_64B", s.impl = best_name, s.batch = rvm_hmac_64, s.ctx = &ctx;
    bench_run(&s, &out[n++]);

    if (best != RVM_SHA256_IMPL_PORTABLE && rvm_sha256_select(RVM_SHA256_IMPL_PORTABLE) == RVM_OK) {
        s = small;
        s.name = "sha256_64B_portable", s.impl = portable, s.batch = rvm_sha_64, s.ctx = &ctx;
        bench_run(&s, &out[n++]);
        s = mib;
        s.name = "sha256_1MiB_portable", s.impl = portable, s.batch = rvm_sha_mib, s.ctx = &ctx;
        bench_run(&s, &out[n++]);
        s = small;
        s.name = "hmac_sha256_64B_portable", s.impl = portable, s.batch = rvm_hmac_64, s.ctx = &ctx;
        bench_run(&s, &out[n++]);
        rvm_sha256_select(best);
    }

    s = small;
    s.name = "sha256_64B_libsodium", s.impl = "libsodium", s.batch = sodium_sha_64, s.ctx = &ctx;
    bench_run(&s, &out[n++]);
    s = mib;
    s.name = "sha256_1MiB_libsodium", s.impl = "libsodium", s.batch = sodium_sha_mib, s.ctx = &ctx;
    bench_run(&s, &out[n++]);
    s = small;
    s.name = "hmac_sha256_64B_libsodium", s.impl = "libsodium", s.batch = sodium_hmac_64, s.ctx = &ctx;
    bench_run(&s, &out[n++]);
    return n;
}
