/*
 * Structural hypercalls (rvm/hypercall.h, ABI 0.5): creating and destroying
 * partitions, splitting and merging them, and moving a task's page to
 * another partition. Each is validated, then decided by the security gate
 * (gate.h) on the caller's capability and proof, and only then carried out:
 * at once (create, destroy) or at the partition's next safe point (task.h).
 */
#ifndef RVM_KERNEL_STRUCTURAL_H
#define RVM_KERNEL_STRUCTURAL_H

#include <stdint.h>

#include <rvm/trap_frame.h>

#include "vm.h"

/* The call `call` for `caller`, registers x1.. of `f` as rvm/hypercall.h lays out; returns the status it set. */
int64_t rvm_structural_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call);

/*
 * Ends partition `p`, whose destruction the gate authorised and which is on
 * no CPU but this one's (not running: this CPU is in the hypervisor):
 * librvmpart releases what it holds, then its machine goes.
 */
void rvm_structural_destroy_now(rvm_vm_t *p);

#endif
