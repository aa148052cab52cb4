/*
 * SHA-256 with the Armv8 Cryptographic Extension.
 *
 * The freestanding build compiles everything with -mgeneral-regs-only, so the
 * compiler may not touch FP/SIMD registers and the whole block loop is one asm
 * statement that turns the extensions on for the assembler only. It saves every
 * vector register it uses and restores it before returning, because at EL2 those
 * registers may still hold a guest's state.
 */
#include "sha256_impl.h"

/* Empty elsewhere, so that tools run over every source with another target's flags still parse it. */
#if defined(RVM_SHA256_HAVE_ARMV8_CE)

bool rvm_sha256_armv8_ce_probe(void)
{
    uint64_t isar0;
    uint64_t pfr0;
    /* Readable at EL1 and EL2; Linux emulates the read for EL0 (HWCAP_CPUID). */
    __asm__ volatile("mrs %0, ID_AA64ISAR0_EL1" : "=r"(isar0));
    __asm__ volatile("mrs %0, ID_AA64PFR0_EL1" : "=r"(pfr0));
    bool sha2 = ((isar0 >> 12) & 0xFu) >= 1u;
    bool advsimd = ((pfr0 >> 20) & 0xFu) != 0xFu;
    return sha2 && advsimd;
}

/*
 * Register use: v0 = ABCD, v1 = EFGH, v2/v3 = their values at the start of the
 * block, v4..v7 = the 16-word message schedule, v8 = W + K, v9 = ABCD before
 * SHA256H overwrites it (SHA256H2 needs the old value).
 */
#define CE_ROUNDS4(w)                                                                                              \
    "ld1 {v8.4s}, [%[kp]], #16\n\t"                                                                              \
    "add v8.4s, v8.4s, " w ".4s\n\t"                                                                             \
    "mov v9.16b, v0.16b\n\t"                                                                                     \
    "sha256h q0, q1, v8.4s\n\t"                                                                                  \
    "sha256h2 q1, q9, v8.4s\n\t"

/* As CE_ROUNDS4, and replaces w0 with the schedule words needed sixteen rounds later. */
#define CE_ROUNDS4_SCHED(w0, w1, w2, w3)                                                                           \
    "ld1 {v8.4s}, [%[kp]], #16\n\t"                                                                              \
    "add v8.4s, v8.4s, " w0 ".4s\n\t"                                                                            \
    "sha256su0 " w0 ".4s, " w1 ".4s\n\t"                                                                         \
    "mov v9.16b, v0.16b\n\t"                                                                                     \
    "sha256h q0, q1, v8.4s\n\t"                                                                                  \
    "sha256h2 q1, q9, v8.4s\n\t"                                                                                 \
    "sha256su1 " w0 ".4s, " w2 ".4s, " w3 ".4s\n\t"

#define CE_ROUNDS16_SCHED                                                                                          \
    CE_ROUNDS4_SCHED("v4", "v5", "v6", "v7")                                                                     \
    CE_ROUNDS4_SCHED("v5", "v6", "v7", "v4")                                                                     \
    CE_ROUNDS4_SCHED("v6", "v7", "v4", "v5")                                                                     \
    CE_ROUNDS4_SCHED("v7", "v4", "v5", "v6")

void rvm_sha256_armv8_ce_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    _Alignas(16) uint8_t saved[10 * 16];
    /* The asm works on a copy so that the compiler (and clang-tidy) can see where the state is written. */
    uint32_t st[8];
    const uint32_t *kp;
    if (nblocks == 0) {
        return;
    }
    for (unsigned i = 0; i < 8; i++) {
        st[i] = state[i];
    }
    __asm__ volatile(
        ".arch_extension fp\n\t"
        ".arch_extension simd\n\t"
        ".arch_extension sha2\n\t"
        "stp q0, q1, [%[sv], #0]\n\t"
        "stp q2, q3, [%[sv], #32]\n\t"
        "stp q4, q5, [%[sv], #64]\n\t"
        "stp q6, q7, [%[sv], #96]\n\t"
        "stp q8, q9, [%[sv], #128]\n\t"
        "ld1 {v0.4s, v1.4s}, [%[st]]\n\t"
        "1:\n\t"
        "ld1 {v4.16b, v5.16b, v6.16b, v7.16b}, [%[in]], #64\n\t"
        "mov %[kp], %[k]\n\t"
        "rev32 v4.16b, v4.16b\n\t"
        "rev32 v5.16b, v5.16b\n\t"
        "rev32 v6.16b, v6.16b\n\t"
        "rev32 v7.16b, v7.16b\n\t"
        "mov v2.16b, v0.16b\n\t"
        "mov v3.16b, v1.16b\n\t"
        CE_ROUNDS16_SCHED
        CE_ROUNDS16_SCHED
        CE_ROUNDS16_SCHED
        CE_ROUNDS4("v4")
        CE_ROUNDS4("v5")
        CE_ROUNDS4("v6")
        CE_ROUNDS4("v7")
        "add v0.4s, v0.4s, v2.4s\n\t"
        "add v1.4s, v1.4s, v3.4s\n\t"
        "subs %[n], %[n], #1\n\t"
        "b.ne 1b\n\t"
        "st1 {v0.4s, v1.4s}, [%[st]]\n\t"
        "ldp q0, q1, [%[sv], #0]\n\t"
        "ldp q2, q3, [%[sv], #32]\n\t"
        "ldp q4, q5, [%[sv], #64]\n\t"
        "ldp q6, q7, [%[sv], #96]\n\t"
        "ldp q8, q9, [%[sv], #128]\n\t"
        : [in] "+r"(blocks), [n] "+r"(nblocks), [kp] "=&r"(kp)
        : [st] "r"(st), [k] "r"(rvm_sha256_k), [sv] "r"(saved)
        : "cc", "memory");
    for (unsigned i = 0; i < 8; i++) {
        state[i] = st[i];
    }
}

#endif
