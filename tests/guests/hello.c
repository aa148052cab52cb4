/*
 * Guest `hello`: the smallest useful partition. It proves that the kernel
 * entered it at EL1 with working hypercalls: it prints a greeting, the
 * partition id RVM_HC_SELF_ID reports and the ABI version RVM_HC_VERSION
 * reports, then exits with 0. Exit 1 when either call fails or the ABI
 * version is not the one this guest was built against.
 *
 * Console lines (the tests match them):
 *   hello: greetings from partition <id>
 *   hello: abi version <major>.<minor>
 *   hello: done
 *
 * It also makes NULL_CALLS back-to-back RVM_HC_VERSION calls, from which the
 * kernel measures the cost of a null hypercall round trip (its summary line).
 */
#include "guest.h"

#define NULL_CALLS 512

int main(void)
{
    for (int i = 0; i < NULL_CALLS; i++) {
        (void)rvm_hc_call(RVM_HC_FID(RVM_HC_VERSION), 0, 0, 0, 0, 0, 0);
    }
    guest_line_t line;
    rvm_hc_result_t self = rvm_hc_call(RVM_HC_FID(RVM_HC_SELF_ID), 0, 0, 0, 0, 0, 0);
    rvm_hc_result_t version = rvm_hc_call(RVM_HC_FID(RVM_HC_VERSION), 0, 0, 0, 0, 0, 0);
    if (self.status != 0 || version.status != 0) {
        guest_line_start(&line, "hello: FAILED self_id status=");
        guest_line_dec(&line, self.status);
        guest_line_str(&line, " version status=");
        guest_line_dec(&line, version.status);
        (void)guest_line_end(&line);
        return 1;
    }

    guest_line_start(&line, "hello: greetings from partition ");
    guest_line_dec(&line, (int64_t)self.r1);
    (void)guest_line_end(&line);

    guest_line_start(&line, "hello: abi version ");
    guest_line_dec(&line, (int64_t)(version.r1 >> 16));
    guest_line_str(&line, ".");
    guest_line_dec(&line, (int64_t)(version.r1 & 0xffffu));
    (void)guest_line_end(&line);

    if (version.r1 != RVM_HYPERCALL_ABI_VERSION) {
        guest_line_start(&line, "hello: FAILED abi version mismatch, built against ");
        guest_line_hex(&line, RVM_HYPERCALL_ABI_VERSION);
        (void)guest_line_end(&line);
        return 1;
    }

    guest_line_start(&line, "hello: done");
    (void)guest_line_end(&line);
    return 0;
}
