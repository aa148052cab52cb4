/*
 * Check guest that revokes its own capability to itself (x1 at entry): the
 * services it authorised must then be refused with the P1 error while EXIT
 * still works. It can no longer print, so the QEMU test reads the outcome
 * from the witness stream (ProofRejected for CONSOLE_WRITE, then an orderly
 * PartitionDestroy); the exit code is 0 only when every refusal was the P1
 * error RVM_ERR_INVALID_HANDLE, else the bit of the first call that was not.
 */
#include <stdint.h>

#include <rvm/hypercall.h>

/* RVM_ERR_INVALID_HANDLE of rvm/err.h: what P1 answers for a revoked handle. */
#define INVALID_HANDLE (-36)

void selfcap_main(uint64_t pid, uint64_t self);

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb selfcap_main");
}

static int64_t say(const char *s, uint64_t n)
{
    return rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0).status;
}

void selfcap_main(uint64_t pid, uint64_t self)
{
    static const char begin[] = "selfcap: revoking its own capability\n";
    static const char escaped[] = "selfcap: ESCAPED console write without its capability\n";
    (void)pid;
    (void)say(begin, sizeof begin - 1u);
    uint64_t code = 0;
    if (rvm_hc_call(RVM_HC_FID(RVM_HC_CAP_REVOKE), self, 0, 0, 0, 0, 0).status != 0) {
        code = 1u;
    } else if (say(escaped, sizeof escaped - 1u) != INVALID_HANDLE) {
        code = 2u;
    } else if (rvm_hc_call(RVM_HC_FID(RVM_HC_SELF_ID), 0, 0, 0, 0, 0, 0).status != INVALID_HANDLE) {
        code = 4u;
    } else if (rvm_hc_call(RVM_HC_FID(RVM_HC_VERSION), 0, 0, 0, 0, 0, 0).status != INVALID_HANDLE) {
        code = 8u;
    } else if (rvm_hc_call(RVM_HC_FID(RVM_HC_YIELD), 0, 0, 0, 0, 0, 0).status != INVALID_HANDLE) {
        code = 16u;
    }
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), code, 0, 0, 0, 0, 0);
    for (;;) {
    }
}
