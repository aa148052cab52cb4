/*
 * Lease check guest, the holder (partition 2): once told it holds the RTC,
 * reads the device's identification and clock registers at their physical
 * address, then keeps reading until the lease expires and the window leaves
 * its stage-2, which stops it (a contained fault).
 */
#include <stdint.h>

#include <rvm/hypercall.h>

#define RTC_BASE 0x09010000u
#define RTC_DR 0x000u
#define RTC_PERIPHID0 0xfe0u
#define PL031_PERIPHID0 0x31u
#define GIVE_UP_MS 5000u
#define MS_PER_S 1000u

void holder_main(void);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb holder_main");
}

static rvm_hc_result_t hc(uint32_t call, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    return rvm_hc_call(RVM_HC_FID(call), a1, a2, a3, a4, 0, 0);
}

static void say(const char *s, uint64_t n)
{
    (void)hc(RVM_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)s, n, 0, 0);
}

static uint32_t rtc(uint32_t off)
{
    return *(volatile uint32_t *)(uintptr_t)(RTC_BASE + off); // NOLINT(performance-no-int-to-ptr): an IPA
}

void holder_main(void)
{
    uint64_t from_lender = 0;
    for (uint64_t n = 0;; n++) {
        rvm_hc_result_t r = hc(RVM_HC_IPC_CHANNEL, n, 0, 0, 0);
        if (r.status != 0) {
            break;
        }
        if (r.r2 == 1u && r.r3 == 1u) {
            from_lender = r.r1;
        }
    }
    static uint64_t msg[6];
    for (;;) {
        rvm_hc_result_t r = hc(RVM_HC_IPC_RECV, from_lender, (uint64_t)(uintptr_t)msg, sizeof msg, 0);
        if (r.status != 0) {
            static const char fail[] = "holder: FAIL receive refused\n";
            say(fail, sizeof fail - 1u);
            (void)hc(RVM_HC_EXIT, 1, 0, 0, 0);
        }
        if ((r.r2 & RVM_HC_IPC_GOT) != 0u) {
            break;
        }
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
    }
    if ((rtc(RTC_PERIPHID0) & 0xffu) != PL031_PERIPHID0 || rtc(RTC_DR) == 0u) {
        static const char bad[] = "holder: FAIL the RTC does not answer\n";
        say(bad, sizeof bad - 1u);
        (void)hc(RVM_HC_EXIT, 1, 0, 0, 0);
    }
    static const char ok[] = "holder: RTC PeriphID0 0x31 read while leased; reading until the lease ends\n";
    say(ok, sizeof ok - 1u);
    uint64_t freq;
    uint64_t start;
    uint64_t now;
    __asm__ volatile("mrs %0, cntfrq_el0\n\tmrs %1, cntvct_el0" : "=r"(freq), "=r"(start));
    do {
        (void)rtc(RTC_DR);
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
        __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(now) : : "memory");
    } while (now - start < freq / MS_PER_S * GIVE_UP_MS);
    static const char esc[] = "holder: ESCAPED the device stayed mapped after its lease\n";
    say(esc, sizeof esc - 1u);
    (void)hc(RVM_HC_EXIT, 1, 0, 0, 0);
    for (;;) {
    }
}
