/* The guest call surface of rvm/hypercall.h: decode and validate everything first, then act (seL4 style). */
#ifndef RVM_KERNEL_HYPERCALL_H
#define RVM_KERNEL_HYPERCALL_H

#include <rvm/trap_frame.h>

#include "vm.h"

/* Answers the call in x0..x6 of `f` from the current partition (HVC #0 or trapped SMC, ELR already advanced). */
void rvm_hypercall(rvm_trap_frame_t *f, rvm_vm_t *caller);
/* Binds the handler to the capability manager that CAP_GRANT / CAP_REVOKE / WITNESS_QUERY consult. */
void rvm_hypercall_setup(rvm_cap_manager_t *caps);

#endif
