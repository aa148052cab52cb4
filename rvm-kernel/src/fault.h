/* Fault containment (failure class F2): a partition that misbehaves is stopped, the rest keep running. */
#ifndef RVM_KERNEL_FAULT_H
#define RVM_KERNEL_FAULT_H

#include <rvm/esr.h>
#include <rvm/trap_frame.h>

/*
 * Stops the current partition for the trap `t` it caused: one witness
 * (PartitionDestroy, flags = F2, payload = ESR), one console line
 * `[RVM] partition <id> stopped: <reason>`, then the next partition runs.
 */
void rvm_fault_contain(rvm_trap_frame_t *f, const rvm_trap_t *t, const char *reason);

#endif
