/* Helpers shared by the SHA-256 and HMAC tests: the implementation list, a reproducible PRNG, hex. */
#ifndef RVM_SHA256_TEST_UTIL_H
#define RVM_SHA256_TEST_UTIL_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rvm/sha256.h>

static const rvm_sha256_impl_t all_impls[] = {
    RVM_SHA256_IMPL_PORTABLE,
    RVM_SHA256_IMPL_X86_SHANI,
    RVM_SHA256_IMPL_ARMV8_CE,
};
#define N_IMPLS (sizeof all_impls / sizeof all_impls[0])

/* Fills `out` with the implementations this CPU can run; portable is always first. */
static inline size_t available_impls(rvm_sha256_impl_t out[N_IMPLS])
{
    size_t n = 0;
    for (size_t i = 0; i < N_IMPLS; i++) {
        if (rvm_sha256_impl_available(all_impls[i])) {
            out[n++] = all_impls[i];
        }
    }
    return n;
}

/* splitmix64 with a fixed seed, so any failure reproduces. */
static uint64_t rng_state;

static inline void rng_seed(uint64_t seed) { rng_state = seed; }

static inline uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)rng_next();
    }
}

/* Decodes hex into at most `cap` bytes and returns how many it wrote. */
static inline size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2;
    ck_assert_uint_eq(strlen(hex) % 2, 0);
    ck_assert_uint_le(n, cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

#endif
