/*
 * Lease check guest, the lender (partition 1, the control partition): lends
 * the PL031 RTC, for which it holds the Device capability (x3 at entry), to
 * partition 2 for LEASE_EPOCHS scheduler epochs, checks that a forged handle
 * and a second lease of the held device are refused, tells partition 2 over
 * their channel, and stays until partition 2 has ended.
 */
#include <stdint.h>

#include <rvm/hypercall.h>

#define LEASE_EPOCHS 5u
#define STATUS_LEASE_CONFLICT (-28)

void lender_main(uint64_t pid, uint64_t self_cap, uint64_t log_cap, uint64_t device_cap);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb lender_main");
}

static rvm_hc_result_t hc(uint32_t call, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    return rvm_hc_call(RVM_HC_FID(call), a1, a2, a3, a4, 0, 0);
}

static _Noreturn void finish(const char *s, uint64_t n, uint64_t code)
{
    (void)hc(RVM_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)s, n, 0, 0);
    (void)hc(RVM_HC_EXIT, code, 0, 0, 0);
    for (;;) {
    }
}

#define SAY_AND_EXIT(msg, code)                                                                                    \
    do {                                                                                                           \
        static const char m_[] = msg;                                                                              \
        finish(m_, sizeof m_ - 1u, (code));                                                                        \
    } while (0)

void lender_main(uint64_t pid, uint64_t self_cap, uint64_t log_cap, uint64_t device_cap)
{
    (void)pid;
    (void)self_cap;
    (void)log_cap;
    uint64_t to_holder = 0;
    for (uint64_t n = 0;; n++) {
        rvm_hc_result_t r = hc(RVM_HC_IPC_CHANNEL, n, 0, 0, 0);
        if (r.status != 0) {
            break;
        }
        if (r.r2 == 2u && r.r3 == 0u) {
            to_holder = r.r1;
        }
    }
    if (to_holder == 0u || device_cap == 0u) {
        SAY_AND_EXIT("lender: FAIL no channel or no device capability\n", 1);
    }
    if (hc(RVM_HC_LEASE_GRANT, device_cap ^ 1u, 2, LEASE_EPOCHS, 0).status == 0) {
        SAY_AND_EXIT("lender: FAIL a forged device handle was accepted\n", 1);
    }
    rvm_hc_result_t g = hc(RVM_HC_LEASE_GRANT, device_cap, 2, LEASE_EPOCHS, 0);
    if (g.status != 0) {
        SAY_AND_EXIT("lender: FAIL lease refused\n", 1);
    }
    if (hc(RVM_HC_LEASE_GRANT, device_cap, 1, LEASE_EPOCHS, 0).status != STATUS_LEASE_CONFLICT) {
        SAY_AND_EXIT("lender: FAIL a held device was lent twice\n", 1);
    }
    static const char lent[] = "lender: RTC lent to partition 2 for 5 epochs\n";
    (void)hc(RVM_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)lent, sizeof lent - 1u, 0, 0);
    static uint64_t lease;
    lease = g.r1;
    if (hc(RVM_HC_IPC_SEND, to_holder, (uint64_t)(uintptr_t)&lease, sizeof lease, 0).status != 0) {
        SAY_AND_EXIT("lender: FAIL could not tell the holder\n", 1);
    }
    while (hc(RVM_HC_IPC_NOTIFY, to_holder, 0, 0, 0).status == 0) {
        (void)hc(RVM_HC_YIELD, 0, 0, 0, 0);
    }
    SAY_AND_EXIT("lender: done\n", 0);
}
