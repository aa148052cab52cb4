/*
 * Check guest for what a partition finds in the FP/SIMD registers on its
 * first use: all of v0..v31, FPSR and FPCR zero, whatever the FP guests
 * before it left there. Built general-regs-only so that no compiler code
 * touches the registers before it looks; the asm enables FP/SIMD for itself.
 * It prints "fpzero: fp zero" or "fpzero: fp LEAKED".
 */
#include <stdint.h>

#include <rvm/hypercall.h>

/*
 * Both FP guests load their values in their first slice, so the check waits
 * until it has been preempted PREEMPTIONS times (a jump of the counter of
 * more than GAP_US between two reads: other partitions ran meanwhile) and at
 * least SPIN_MS have passed. Counting preemptions rather than time alone
 * keeps it meaningful when a loaded host starves QEMU for whole slices.
 */
#define SPIN_MS 10u
#define PREEMPTIONS 3u
#define GAP_US 500u
#define MS_PER_S 1000u
#define US_PER_S 1000000u

void fpzero_main(void);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\t"
                     "mov x9, #(3 << 20)\n\tmsr cpacr_el1, x9\n\tisb\n\tb fpzero_main");
}

static void say(const char *s, uint64_t n)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

void fpzero_main(void)
{
    static const char zero[] = "fpzero: fp zero\n";
    static const char leaked[] = "fpzero: fp LEAKED\n";
    static _Alignas(16) uint64_t out[66];
    uint64_t freq;
    uint64_t start;
    uint64_t now;
    __asm__ volatile("mrs %0, cntfrq_el0\n\tmrs %1, cntvct_el0" : "=r"(freq), "=r"(start));
    uint64_t last = start;
    uint32_t preempted = 0;
    do {
        __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(now) : : "memory");
        if (now - last > freq / US_PER_S * GAP_US) {
            preempted++;
        }
        last = now;
    } while (preempted < PREEMPTIONS || now - start < freq / MS_PER_S * SPIN_MS);
    __asm__ volatile(".arch_extension fp\n\t.arch_extension simd\n\t"
                     "stp q0, q1, [%[out], #0]\n\tstp q2, q3, [%[out], #32]\n\t"
                     "stp q4, q5, [%[out], #64]\n\tstp q6, q7, [%[out], #96]\n\t"
                     "stp q8, q9, [%[out], #128]\n\tstp q10, q11, [%[out], #160]\n\t"
                     "stp q12, q13, [%[out], #192]\n\tstp q14, q15, [%[out], #224]\n\t"
                     "stp q16, q17, [%[out], #256]\n\tstp q18, q19, [%[out], #288]\n\t"
                     "stp q20, q21, [%[out], #320]\n\tstp q22, q23, [%[out], #352]\n\t"
                     "stp q24, q25, [%[out], #384]\n\tstp q26, q27, [%[out], #416]\n\t"
                     "stp q28, q29, [%[out], #448]\n\tstp q30, q31, [%[out], #480]\n\t"
                     "mrs x9, fpsr\n\tmrs x10, fpcr\n\tstr x9, [%[out], #512]\n\tstr x10, [%[out], #520]"
                     :
                     : [out] "r"(out)
                     : "x9", "x10", "memory");
    uint64_t any = 0;
    for (uint32_t i = 0; i < 66u; i++) {
        any |= out[i];
    }
    if (any == 0u) {
        say(zero, sizeof zero - 1u);
    } else {
        say(leaked, sizeof leaked - 1u);
    }
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 0, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
