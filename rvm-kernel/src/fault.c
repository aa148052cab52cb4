/* F2 containment: everything the guest did stays inside its partition, which ends here. */
#include "fault.h"

#include "console.h"
#include "vm.h"
#include "dispatch.h"
#include "shutdown.h"

void rvm_fault_contain(rvm_trap_frame_t *f, const rvm_trap_t *t, const char *reason)
{
    rvm_vm_t *p = rvm_dispatch_current();
    rvm_console_begin();
    rvm_console_str("partition ");
    rvm_console_dec(p->id);
    rvm_console_str(" stopped: ");
    rvm_console_str(reason);
    rvm_console_str(" (esr=");
    rvm_console_hex(f->esr);
    rvm_console_str(" elr=");
    rvm_console_hex(f->elr);
    if (t->kind == RVM_TRAP_DABT_LOWER || t->kind == RVM_TRAP_IABT_LOWER) {
        rvm_console_str(" ipa=");
        rvm_console_hex(t->u.abort.ipa_valid ? t->u.abort.ipa.bits : t->u.abort.far);
    }
    rvm_console_str(")");
    rvm_console_end();
    rvm_shutdown_count_fault();
    rvm_vm_stop(p, true, f->esr);
    rvm_dispatch_current_stopped(f);
}
