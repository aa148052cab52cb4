/*
 * Check guest for PSCI SYSTEM_RESET: each boot finds its initialised data as
 * the image has it (RAM reloaded, not left over) and x5 counting the resets,
 * then dirties that data and resets again, until the reset budget is spent
 * and the last SYSTEM_RESET ends the partition.
 */
#include <stdint.h>

#include <rvm/hypercall.h>

#define RESETS_MAX 16u
#define MARKER 0x5eedu

void reset_main(uint64_t pid, uint64_t c1, uint64_t c2, uint64_t c3, uint64_t c4, uint64_t resets);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb reset_main");
}

static volatile uint32_t marker = MARKER;
static volatile uint64_t boots_seen;

static void say(const char *s, uint64_t n)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

void reset_main(uint64_t pid, uint64_t c1, uint64_t c2, uint64_t c3, uint64_t c4, uint64_t resets)
{
    (void)pid;
    (void)c1;
    (void)c2;
    (void)c3;
    (void)c4;
    static const char first[] = "reset: first boot, resetting\n";
    static const char stale[] = "reset: FAIL memory survived the reset\n";
    static const char returned[] = "reset: FAIL SYSTEM_RESET returned\n";
    static const char last[] = "reset: 16 resets, asking for one more\n";
    if (marker != MARKER || boots_seen != 0u) {
        say(stale, sizeof stale - 1u);
        (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 1, 0, 0, 0, 0, 0);
    }
    marker = 0;
    boots_seen = resets + 1u;
    if (resets == 0u) {
        say(first, sizeof first - 1u);
    } else if (resets == RESETS_MAX) {
        say(last, sizeof last - 1u);
    }
    (void)rvm_hc_call(RVM_PSCI_SYSTEM_RESET, 0, 0, 0, 0, 0, 0);
    say(returned, sizeof returned - 1u);
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), 1, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
