/*
 * Check guest for lazy FP/SIMD switching: fills v0..v31 and FPCR with values
 * derived from SEED and says "NAME: loaded" (a hypercall with them live),
 * then spins for SPIN_MS of counter time while the tick hands the CPU to the
 * other FP guest (built with another SEED) several times, reading d1 on every
 * pass so that each slice starts with an FP/SIMD trap. It then compares every
 * register with what it loaded and prints "NAME: fp ok" or "NAME: fp CORRUPTED".
 */
#include <stdint.h>

#include <rvm/hypercall.h>

#define SPIN_MS 60u
#define MS_PER_S 1000u
/* FPCR.RMode (bits 23:22) and FZ (bit 24): writable on every FP implementation, and the reset value is 0. */
#define FPCR_MASK (UINT64_C(7) << 22)

void fp_main(void);

/* CPACR_EL1.FPEN = 0b11 first: the compiler may use SIMD registers anywhere in the C below. */
__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\t"
                     "mov x9, #(3 << 20)\n\tmsr cpacr_el1, x9\n\tisb\n\tb fp_main");
}

static void say(const char *s, uint64_t n)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

/* One asm block from the loads to the stores, so no compiler code can touch the registers in between. */
static uint64_t load_spin_store(const uint64_t *in, uint64_t *out, uint64_t fpcr, uint64_t ticks)
{
    static const char loaded[] = NAME ": loaded\n";
    uint64_t got_fpcr;
    __asm__ volatile(
        "msr fpcr, %[fpcr]\n\t"
        "ldp q0, q1, [%[in], #0]\n\tldp q2, q3, [%[in], #32]\n\t"
        "ldp q4, q5, [%[in], #64]\n\tldp q6, q7, [%[in], #96]\n\t"
        "ldp q8, q9, [%[in], #128]\n\tldp q10, q11, [%[in], #160]\n\t"
        "ldp q12, q13, [%[in], #192]\n\tldp q14, q15, [%[in], #224]\n\t"
        "ldp q16, q17, [%[in], #256]\n\tldp q18, q19, [%[in], #288]\n\t"
        "ldp q20, q21, [%[in], #320]\n\tldp q22, q23, [%[in], #352]\n\t"
        "ldp q24, q25, [%[in], #384]\n\tldp q26, q27, [%[in], #416]\n\t"
        "ldp q28, q29, [%[in], #448]\n\tldp q30, q31, [%[in], #480]\n\t"
        "mov x0, %[fid]\n\tmov x1, %[msg]\n\tmov x2, %[len]\n\thvc #0\n\t"
        "mrs x10, cntvct_el0\n\t"
        "add x10, x10, %[ticks]\n"
        "1:\n\t"
        "fmov x11, d1\n\t"
        "mrs x12, cntvct_el0\n\t"
        "cmp x12, x10\n\t"
        "b.lo 1b\n\t"
        "stp q0, q1, [%[out], #0]\n\tstp q2, q3, [%[out], #32]\n\t"
        "stp q4, q5, [%[out], #64]\n\tstp q6, q7, [%[out], #96]\n\t"
        "stp q8, q9, [%[out], #128]\n\tstp q10, q11, [%[out], #160]\n\t"
        "stp q12, q13, [%[out], #192]\n\tstp q14, q15, [%[out], #224]\n\t"
        "stp q16, q17, [%[out], #256]\n\tstp q18, q19, [%[out], #288]\n\t"
        "stp q20, q21, [%[out], #320]\n\tstp q22, q23, [%[out], #352]\n\t"
        "stp q24, q25, [%[out], #384]\n\tstp q26, q27, [%[out], #416]\n\t"
        "stp q28, q29, [%[out], #448]\n\tstp q30, q31, [%[out], #480]\n\t"
        "mrs %[got], fpcr\n\t"
        "msr fpcr, xzr"
        : [got] "=&r"(got_fpcr)
        : [in] "r"(in), [out] "r"(out), [fpcr] "r"(fpcr), [ticks] "r"(ticks),
          [fid] "r"((uint64_t)RVM_HC_FID(RVM_HC_CONSOLE_WRITE)), [msg] "r"(loaded), [len] "r"(sizeof loaded - 1u)
        : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
          "x16", "x17", "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
          "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
          "v26", "v27", "v28", "v29", "v30", "v31");
    return got_fpcr;
}

void fp_main(void)
{
    static const char ok[] = NAME ": fp ok\n";
    static const char bad[] = NAME ": fp CORRUPTED\n";
    static _Alignas(16) uint64_t in[64];
    static _Alignas(16) uint64_t out[64];
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    for (uint64_t i = 0; i < 64u; i++) {
        in[i] = (UINT64_C(SEED) << 32) | (i * UINT64_C(0x01010101)) | 1u;
    }
    uint64_t fpcr = (UINT64_C(SEED) << 22) & FPCR_MASK;
    uint64_t got = load_spin_store(in, out, fpcr, freq / MS_PER_S * SPIN_MS);
    uint64_t diff = (got ^ fpcr) & FPCR_MASK;
    for (uint64_t i = 0; i < 64u; i++) {
        diff |= in[i] ^ out[i];
    }
    if (diff == 0u) {
        say(ok, sizeof ok - 1u);
    } else {
        say(bad, sizeof bad - 1u);
    }
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 0, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
