/*
 * Check guest for the parts of the ABI the shared test guests do not reach:
 * PSCI and SMCCC through HVC and through a trapped SMC, unknown IDs, the
 * entry registers, and PSCI SYSTEM_OFF (through SMC) as the way out. It
 * prints "abi: PASS" or "abi: FAIL <check>" on its console.
 */
#include <stddef.h>
#include <stdint.h>

#include <rvm/hypercall.h>

#define STACK_TOP 0x40100000u
#define PSCI_1_1 0x10001u
#define SMCCC_1_1 0x10001u

void abi_main(uint64_t pid, uint64_t cap);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb abi_main");
}

static rvm_hc_result_t smc_call(uint32_t fid, uint64_t a1)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1)
                     :
                     : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    rvm_hc_result_t r = { (int64_t)x0, x1, 0, 0 };
    return r;
}

static void say(const char *s)
{
    uint64_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

static const char *check(uint64_t pid, uint64_t cap)
{
    if (pid == 0 || rvm_hc_call(RVM_HC_FID(RVM_HC_SELF_ID), 0, 0, 0, 0, 0, 0).r1 != pid) {
        return "entry-x0-is-self-id\n";
    }
    if (cap == 0) {
        return "entry-x1-holds-a-capability\n";
    }
    if (rvm_hc_call(RVM_PSCI_VERSION, 0, 0, 0, 0, 0, 0).status != PSCI_1_1) {
        return "psci-version-hvc\n";
    }
    if (smc_call(RVM_PSCI_VERSION, 0).status != PSCI_1_1) {
        return "psci-version-smc\n";
    }
    if (smc_call(RVM_SMCCC_VERSION, 0).status != SMCCC_1_1) {
        return "smccc-version-smc\n";
    }
    if (rvm_hc_call(RVM_PSCI_FEATURES, RVM_PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0).status != 0) {
        return "psci-features-system-off\n";
    }
    if (rvm_hc_call(RVM_PSCI_FEATURES, 0x84000003u, 0, 0, 0, 0, 0).status != -1) {
        return "psci-features-cpu-on-unsupported\n";
    }
    if (smc_call(0x82000000u, 0).status != -1) {
        return "unknown-smc\n";
    }
    if (rvm_hc_call(RVM_HC_FID(0x7FFFu), 0, 0, 0, 0, 0, 0).status != RVM_HC_NOT_SUPPORTED) {
        return "unknown-vendor-call\n";
    }
    if (rvm_hc_call(RVM_HC_FID(RVM_HC_YIELD), 0, 0, 0, 0, 0, 0).status != 0) {
        return "yield\n";
    }
    return NULL;
}

void abi_main(uint64_t pid, uint64_t cap)
{
    const char *failed = check(pid, cap);
    if (failed == NULL) {
        say("abi: PASS\n");
    } else {
        say("abi: FAIL ");
        say(failed);
    }
    (void)smc_call(RVM_PSCI_SYSTEM_OFF, 0);
    for (;;) {
        say("abi: FAIL system-off-returned\n");
    }
}
