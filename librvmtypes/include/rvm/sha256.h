/* SHA-256 (FIPS 180-4), freestanding, with CPU instructions used where present. */
#ifndef RVM_SHA256_H
#define RVM_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

#define RVM_SHA256_DIGEST_LEN 32u
#define RVM_SHA256_BLOCK_LEN 64u

typedef struct rvm_sha256_ctx {
    uint32_t state[8];
    uint64_t total_len;              /* bytes absorbed so far */
    uint8_t buf[RVM_SHA256_BLOCK_LEN];
    uint32_t buf_len;
} rvm_sha256_ctx_t;

typedef enum rvm_sha256_impl {
    RVM_SHA256_IMPL_PORTABLE = 0,
    RVM_SHA256_IMPL_X86_SHANI = 1,    /* x86-64 SHA extensions, detected with CPUID */
    RVM_SHA256_IMPL_ARMV8_CE = 2,     /* Armv8 Cryptographic Extension, from ID_AA64ISAR0_EL1 */
} rvm_sha256_impl_t;

/* The FIPS 180-4 initial hash value H(0). */
extern const uint32_t rvm_sha256_iv[8];

void rvm_sha256_init(rvm_sha256_ctx_t *ctx);
void rvm_sha256_update(rvm_sha256_ctx_t *ctx, const void *data, size_t len);
/* Pads, writes the digest and wipes the context. */
void rvm_sha256_final(rvm_sha256_ctx_t *ctx, uint8_t out[RVM_SHA256_DIGEST_LEN]);
/* One-shot digest of `len` bytes. */
void rvm_sha256(const void *data, size_t len, uint8_t out[RVM_SHA256_DIGEST_LEN]);

/* Runs the compression function over `nblocks` whole 64-byte blocks (no padding). */
void rvm_sha256_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks);

/* Longest `len` for which rvm_sha256_chain_xorfold64 is a single compression: 8 + 47 + 1 + 8 = 64 bytes. */
#define RVM_SHA256_CHAIN_SHORT_MAX 47u
/*
 * Hash-chain step: xorfold64 (rvm/fold.h) of SHA-256(LE64(prev) ‖ msg[0..len)). One compression from the IV
 * when len ≤ RVM_SHA256_CHAIN_SHORT_MAX; any longer `len` is hashed by the general path, with the same result.
 */
uint64_t rvm_sha256_chain_xorfold64(uint64_t prev, const void *msg, size_t len);

/*
 * Implementation choice. Until rvm_sha256_select is called, the first use picks
 * the best available one (thread-safe), except on freestanding AArch64 (or any
 * -mgeneral-regs-only build): there it stays PORTABLE, because EL2 must not touch
 * FP/SIMD registers until the kernel has cleared CPTR_EL2.TFP on every CPU that
 * hashes and then selects RVM_SHA256_IMPL_ARMV8_CE itself. The CE path saves and
 * restores every vector register it uses.
 */

/* True when this CPU (and build) can run `impl`. */
bool rvm_sha256_impl_available(rvm_sha256_impl_t impl);
/* Forces `impl` for every later call; RVM_ERR_UNSUPPORTED (and no change) when it is not available. */
rvm_err_t rvm_sha256_select(rvm_sha256_impl_t impl);
/* The implementation in use now (making the first-use choice if none was made yet). */
rvm_sha256_impl_t rvm_sha256_active_impl(void);
/* "portable", "x86-shani" or "armv8-ce". */
const char *rvm_sha256_impl_name(rvm_sha256_impl_t impl);

#endif
