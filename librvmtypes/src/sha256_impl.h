/* Private to librvmtypes: the SHA-256 round constants and the CPU-specific compressors behind rvm_sha256_compress. */
#ifndef RVM_SHA256_IMPL_H
#define RVM_SHA256_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * These must name the same CPU families as librvmtypes/meson.build, which adds
 * sha256_x86.c or sha256_armv8.c only for them.
 */
#if defined(__x86_64__)
#define RVM_SHA256_HAVE_X86_SHANI 1
#elif defined(__aarch64__)
#define RVM_SHA256_HAVE_ARMV8_CE 1
#endif

/* Hidden so that a shared build never exports these helpers or lets them be interposed. */
#define RVM_SHA256_PRIVATE __attribute__((visibility("hidden")))

/* FIPS 180-4 K constants, shared so that every implementation reads one table. */
RVM_SHA256_PRIVATE extern const uint32_t rvm_sha256_k[64];

#if defined(RVM_SHA256_HAVE_X86_SHANI)
/* CPUID reports the SHA extensions together with the SSSE3 and SSE4.1 they are used with. */
RVM_SHA256_PRIVATE bool rvm_sha256_x86_shani_probe(void);
RVM_SHA256_PRIVATE void rvm_sha256_x86_shani_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
/* rvm_sha256_chain_xorfold64 for len <= RVM_SHA256_CHAIN_SHORT_MAX. */
RVM_SHA256_PRIVATE uint64_t rvm_sha256_x86_shani_chain_xorfold64(uint64_t prev, const uint8_t *msg, size_t len);
#endif

#if defined(RVM_SHA256_HAVE_ARMV8_CE)
/* ID_AA64ISAR0_EL1 reports SHA256H/SHA256H2/SHA256SU0/SHA256SU1. */
RVM_SHA256_PRIVATE bool rvm_sha256_armv8_ce_probe(void);
/* Preserves every FP/SIMD register it touches, so it is safe at EL2 once FP/SIMD access is not trapped. */
RVM_SHA256_PRIVATE void rvm_sha256_armv8_ce_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
#endif

#endif
