/*
 * rvm_hal_trap: every exception reaches the kernel here. Traps from a
 * partition are answered (hypercalls, tick) or contained (faults); a trap
 * taken at EL2 itself is a kernel error and ends the run.
 */
#include <rvm/esr.h>
#include <rvm/hal.h>
#include <rvm/trap_frame.h>

#include "audit.h"
#include "fault.h"
#include "hypercall.h"
#include "lock.h"
#include "structural.h"
#include "perf.h"
#include "dispatch.h"
#include "shutdown.h"
#include "virq.h"

static void lower_sync(rvm_trap_frame_t *f, rvm_vm_t *p)
{
    rvm_trap_t t;
    rvm_esr_decode(f->esr, f->far, f->hpfar, &t);
    switch (t.kind) {
    case RVM_TRAP_HVC64:
        if (t.u.call.imm16 != 0u) {
            f->x[0] = (uint64_t)(int64_t)RVM_HC_NOT_SUPPORTED;
            return;
        }
        rvm_hypercall(f, p);
        return;
    case RVM_TRAP_SMC64:
        /* A trapped SMC leaves ELR on the SMC itself: resume after it, as the firmware would. */
        f->elr += t.insn_len;
        if (t.u.call.imm16 != 0u) {
            f->x[0] = (uint64_t)(int64_t)RVM_HC_NOT_SUPPORTED;
            return;
        }
        rvm_hypercall(f, p);
        return;
    case RVM_TRAP_DABT_LOWER: {
        rvm_err_t err = rvm_virq_mmio(f, p, &t);
        if (err == RVM_ERR_MALFORMED_INPUT) {
            rvm_fault_contain(f, &t, "distributor access the virtual GIC cannot emulate");
        } else if (err != RVM_OK) {
            rvm_fault_contain(f, &t, "stage-2 data abort outside partition memory");
        }
        return;
    }
    case RVM_TRAP_IABT_LOWER:
        rvm_fault_contain(f, &t, "instruction abort");
        return;
    case RVM_TRAP_SYSREG:
        rvm_fault_contain(f, &t, "forbidden system register access");
        return;
    case RVM_TRAP_FP:
        /* ELR stays on the trapped instruction: it runs again on this partition's own registers. */
        rvm_dispatch_fp_claim();
        return;
    case RVM_TRAP_ILLEGAL_STATE:
        rvm_fault_contain(f, &t, "illegal execution state");
        return;
    case RVM_TRAP_SERROR:
        rvm_fault_contain(f, &t, "SError");
        return;
    case RVM_TRAP_WFX:
        /* Only WFI is trapped (HCR_EL2.TWI); WFI may complete early architecturally, so resume after it. */
        f->elr += t.insn_len;
        if (!t.u.wfx.wfe) {
            rvm_dispatch_wait(f);
        }
        return;
    case RVM_TRAP_UNKNOWN:
    default:
        rvm_fault_contain(f, &t, "undefined instruction");
        return;
    }
}

static void lower_irq(rvm_trap_frame_t *f)
{
    uint32_t ack = rvm_hal_irq_ack();
    uint32_t intid = ack & RVM_HAL_IRQ_INTID_MASK;
    if (intid == RVM_HAL_IRQ_SPURIOUS) {
        return;
    }
    /* The partition's end of the virtual interrupt deactivates the physical one. */
    if (rvm_virq_forward(intid, rvm_dispatch_current())) {
        rvm_hal_irq_priority_drop(ack);
        return;
    }
    /* The timer is level-sensitive: the tick re-arms it before the end of interrupt. */
    if (intid == rvm_hal_timer_intid()) {
        rvm_dispatch_tick(f);
    }
    rvm_hal_irq_eoi(ack);
}

void rvm_hal_trap(rvm_trap_frame_t *f, unsigned vector)
{
    rvm_perf_trap_entry();
    rvm_kernel_lock();
    rvm_vm_t *p = rvm_dispatch_current();
    if (p == NULL) {
        rvm_shutdown_fatal("trap before any partition ran, vector", vector);
    }
    switch (vector) {
    case RVM_TRAP_VECTOR_LOWER_SYNC:
        lower_sync(f, p);
        break;
    case RVM_TRAP_VECTOR_LOWER_IRQ:
        lower_irq(f);
        break;
    case RVM_TRAP_VECTOR_LOWER_SERROR: {
        rvm_trap_t t;
        rvm_esr_decode(f->esr, f->far, f->hpfar, &t);
        rvm_fault_contain(f, &t, "SError");
        break;
    }
    case RVM_TRAP_VECTOR_LOWER_FIQ:
        /* FIQs are not used on this platform; a stray one is dropped and the partition resumes. */
        break;
    default:
        rvm_shutdown_fatal("exception taken at EL2, esr", f->esr);
    }
    /* Destroyed from another CPU while loaded here: it ends before it would run again (at most a slice later). */
    rvm_vm_t *next = rvm_dispatch_current();
    if (next != NULL && next->doomed && next->state == RVM_VM_RUNNABLE) {
        rvm_structural_destroy_now(next);
        rvm_dispatch_current_stopped(f);
    }
    rvm_audit_stream();
    rvm_perf_trap_exit(rvm_dispatch_current() != p);
    rvm_kernel_unlock();
}
