/* Dispatching partitions onto CPUs as librvmsched decides, preempted by each CPU's hypervisor timer. */
#ifndef RVM_KERNEL_DISPATCH_H
#define RVM_KERNEL_DISPATCH_H

#include <stdbool.h>

#include <rvm/trap_frame.h>

#include "vm.h"

/* Time slice in microseconds of the hypervisor timer. */
#ifndef RVM_DISPATCH_SLICE_US
#define RVM_DISPATCH_SLICE_US 2000u
#endif

/*
 * Sets up the scheduler (librvmsched) for `cpu_count` CPUs, places every
 * partition on the least loaded one and queues it; before any CPU starts.
 */
rvm_err_t rvm_dispatch_setup(uint32_t cpu_count);
/* A partition created while the system runs (a split's second half) is placed on the least loaded CPU and queued. */
rvm_err_t rvm_dispatch_add(rvm_vm_t *p);
/* True when `p`'s vCPU is loaded on another CPU (running there, or that CPU idles with it in WFI). */
bool rvm_dispatch_loaded_elsewhere(const rvm_vm_t *p);
/* `p`, stopped by someone else (destroyed), leaves the scheduler. */
void rvm_dispatch_remove(const rvm_vm_t *p);
/* The coherence engine's cut pressure of `pid`: its scheduling boost from its next enqueue (ignored when degraded). */
void rvm_dispatch_set_pressure(uint32_t pid, uint32_t pressure_bp);
/* Partition switches so far, on all CPUs. */
uint64_t rvm_dispatch_switches(void);
/*
 * Called on each CPU with the kernel lock held: enters the CPU's first runnable
 * partition with the tick armed, dropping the lock; parks the CPU if it has
 * none, or shuts down when no CPU has any.
 */
_Noreturn void rvm_dispatch_start(void);
/* The partition whose trap is being handled (the one on the CPU). */
rvm_vm_t *rvm_dispatch_current(void);
/* Timer tick: re-arms the slice and moves the CPU to the next runnable partition, if another exists. */
void rvm_dispatch_tick(rvm_trap_frame_t *f);
/* The current partition gives up the rest of its slice. */
void rvm_dispatch_yield(rvm_trap_frame_t *f);
/* The current partition waits in WFI: others run, or the CPU sleeps until the next tick if none has work. */
void rvm_dispatch_wait(rvm_trap_frame_t *f);
/*
 * The current partition executed FP/SIMD with the registers trapped (lazy
 * switching, spec §4.5): saves the owner's registers, loads the current
 * partition's and makes it the owner, so the instruction runs again untrapped.
 */
void rvm_dispatch_fp_claim(void);
/* `p` leaves the CPU for a while (hibernation): if it owns this CPU's FP/SIMD registers they are saved into it. */
void rvm_dispatch_fp_park(rvm_vm_t *p);
/* `p` is runnable again (reconstructed): it joins its CPU's queue. */
void rvm_dispatch_resume(rvm_vm_t *p);
/* `p` is ending: if it owns the FP/SIMD registers they are zeroed and owned by nobody, so none of it leaks. */
void rvm_dispatch_fp_release(const rvm_vm_t *p);
/* The current partition has stopped: loads the next runnable one into `f`, or shuts down when none is left. */
void rvm_dispatch_current_stopped(rvm_trap_frame_t *f);

#endif
