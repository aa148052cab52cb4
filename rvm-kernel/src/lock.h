/*
 * The kernel lock: one lock around all kernel state, taken on every entry
 * from a partition and at CPU start-up, released before a CPU returns to a
 * partition or sleeps. Kernel work is short and bounded (decode, check,
 * switch), so CPUs contend for microseconds while partitions run in parallel;
 * finer locks can come where measurements show contention.
 */
#ifndef RVM_KERNEL_LOCK_H
#define RVM_KERNEL_LOCK_H

void rvm_kernel_lock(void);
void rvm_kernel_unlock(void);

#endif
