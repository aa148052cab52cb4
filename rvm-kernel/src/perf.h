/*
 * The kernel's own cost, measured with the counter: a null hypercall round
 * trip (the interval between two back-to-back RVM_HC_VERSION calls of one
 * partition with no other trap on that CPU between them: exception entry,
 * dispatch, return and the caller's few loop instructions) and a partition
 * switch (a trap that changed the partition on the CPU, from the C entry to
 * the return to the vectors). Each keeps its minimum, the cost of the path
 * itself without interference. Under QEMU -icount shift=0 the virtual clock
 * advances one nanosecond per instruction, so counter time converted to
 * nanoseconds is an instruction count.
 */
#ifndef RVM_KERNEL_PERF_H
#define RVM_KERNEL_PERF_H

#include <stdbool.h>
#include <stdint.h>

/* At the C entry of every trap. */
void rvm_perf_trap_entry(void);
/* At the end of a trap; `switched` when it put another partition on the CPU. */
void rvm_perf_trap_exit(bool switched);
/* The trap being handled is a null hypercall (RVM_HC_VERSION) of partition `pid`. */
void rvm_perf_null_call(uint32_t pid);
/* Minimum null hypercall round trip and partition switch, in counter nanoseconds; 0 when never measured. */
uint64_t rvm_perf_hypercall_ns(void);
uint64_t rvm_perf_switch_ns(void);

#endif
