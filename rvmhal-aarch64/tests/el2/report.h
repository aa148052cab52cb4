/* What the EL2 test images share: failed checks on the console, and the semihosting exit that ends QEMU. */
#ifndef RVM_EL2_TEST_REPORT_H
#define RVM_EL2_TEST_REPORT_H

#include <stdbool.h>
#include <stdint.h>

/* Checks that failed so far. */
extern unsigned failures;

void put_hex(uint64_t v);
/* Counts and prints "[RVM] el2: FAIL <what> detail=<hex>" unless `ok`. */
void check(bool ok, const char *what, uint64_t detail);
/* Semihosting SYS_EXIT: QEMU exits with `status`. */
_Noreturn void semihost_exit(uint64_t status);

#endif
