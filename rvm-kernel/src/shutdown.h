/*
 * The end of a run: summary line, the rest of the witness stream, semihosting exit.
 *
 * Exit status convention (what QEMU returns to the test harness):
 *   0  clean: no kernel error; contained partition faults are counted in the summary, not errors
 *   1  kernel error: a trap the kernel cannot attribute to a partition, a failed boot stage, a broken chain
 *   2  no usable platform description: the device tree is missing or malformed
 *   3  entered below EL2 (reported by the HAL's entry code before the kernel runs)
 */
#ifndef RVM_KERNEL_SHUTDOWN_H
#define RVM_KERNEL_SHUTDOWN_H

#include <stdint.h>

#define RVM_EXIT_CLEAN 0u
#define RVM_EXIT_KERNEL_ERROR 1u
#define RVM_EXIT_NO_PLATFORM 2u

/* Counts one contained partition fault for the summary. */
void rvm_shutdown_count_fault(void);
/* Prints the summary, verifies and ends the witness stream, exits. */
_Noreturn void rvm_shutdown(void);
/* Stops the machine after a kernel error (`why` is printed as `[RVM] fatal: <why>`): witness stream ended, status 1. */
_Noreturn void rvm_shutdown_fatal(const char *why, uint64_t detail);

#endif
