/* Orderly end of the hypervisor once no partition is left, or after a kernel error. */
#include "shutdown.h"

#include <stdbool.h>

#include <rvm/vcpu.h>
#include <rvm/witness_log.h>

#include "audit.h"
#include "console.h"
#include "cpu.h"
#include "dispatch.h"
#include "frames.h"
#include "perf.h"
#include "task.h"
#include "vm.h"

static uint64_t faults_contained;

void rvm_shutdown_count_fault(void)
{
    faults_contained++;
}

_Noreturn void rvm_shutdown(void)
{
    /* A partition still hibernated ends with the run (a cold image stays on flash for the next one). */
    for (uint32_t i = 0; i < rvm_vm_created(); i++) {
        rvm_vm_t *p = rvm_vm_slot(i);
        if (p->state == RVM_VM_HIBERNATED) {
            rvm_vm_stop(p, false, 0);
        }
    }
    uint64_t bad_seq = 0;
    uint64_t witnesses = rvm_witness_total_emitted(rvm_audit_log());
    bool ok = rvm_audit_verify(&bad_seq);
    /* The log is complete: stream its tail and end line first, so that the
     * summary is the run's last line, where tools and people look for it. */
    rvm_audit_end();
    rvm_task_report();
    /* Every partition has ended: all its RAM and stage-2 tables must be back in the allocator. */
    uint64_t free_now = rvm_frames_available();
    rvm_console_begin();
    if (free_now == rvm_frames_initial()) {
        rvm_console_str("memory: every frame returned, ");
    } else {
        rvm_console_str("memory: LEAKED ");
        rvm_console_dec((rvm_frames_initial() - free_now) >> 10);
        rvm_console_str(" KiB, ");
    }
    rvm_console_dec(free_now >> 10);
    rvm_console_str(" KiB free");
    rvm_console_end();
    rvm_console_begin();
    rvm_console_str("summary: partitions=");
    rvm_console_dec(rvm_vm_created());
    rvm_console_str(" faults_contained=");
    rvm_console_dec(faults_contained);
    rvm_console_str(" witnesses=");
    rvm_console_dec(witnesses);
    if (ok) {
        rvm_console_str(" chain=verified");
    } else {
        rvm_console_str(" chain=BROKEN at ");
        rvm_console_dec(bad_seq);
    }
    rvm_console_str(" cpus=");
    rvm_console_dec(rvm_cpu_online());
    rvm_console_str(" switches=");
    rvm_console_dec(rvm_dispatch_switches());
    rvm_console_str(" hypercall_insns=");
    rvm_console_dec(rvm_perf_hypercall_ns());
    rvm_console_str(" switch_insns=");
    rvm_console_dec(rvm_perf_switch_ns());
    rvm_console_end();
    rvm_arch_system_exit(ok ? RVM_EXIT_CLEAN : RVM_EXIT_KERNEL_ERROR);
}

_Noreturn void rvm_shutdown_fatal(const char *why, uint64_t detail)
{
    rvm_console_begin();
    rvm_console_str("fatal: ");
    rvm_console_str(why);
    rvm_console_str(" ");
    rvm_console_hex(detail);
    rvm_console_end();
    rvm_audit_end();
    rvm_task_report();
    rvm_arch_system_exit(RVM_EXIT_KERNEL_ERROR);
}
