/* Hibernating and reconstructing partitions (see hibernation.h). */
#include "hibernation.h"

#include <stdbool.h>
#include <stddef.h>

#include <rvm/cap_verify.h>
#include <rvm/hibernate.h>
#include <rvm/hypercall.h>
#include <rvm/mem_checkpoint.h>
#include <rvm/mem_lz4.h>
#include <rvm/mmu.h>
#include <rvm/rights.h>

#include "audit.h"
#include "cold.h"
#include "domain.h"
#include "console.h"
#include "dispatch.h"
#include "frames.h"

_Static_assert(sizeof(rvm_hibernate_receipt_t) <= RVM_HC_RECEIPT_MAX, "the receipt fits the ABI's buffer");

/* The compressor writes into one block this large; RAM that does not compress below it is not hibernated. */
#define SCRATCH_BYTES (UINT64_C(2) << 20)

typedef struct dormant {
    rvm_checkpoint_t cp;
    rvm_phys_addr_t pa; /* the compressed bytes */
    uint64_t bytes;     /* the block holding them; 0 while they are in the cold tier */
    bool cold;
} dormant_t;

/* What a partition needs besides its RAM to continue where it stopped, kept with its cold image. */
typedef struct saved_state {
    rvm_vcpu_t vcpu;
    rvm_arch_fpsimd_state_t fp;
    rvm_vgic_state_t vgic;
    rvm_vdist_t vdist;
} saved_state_t;

static rvm_cap_manager_t *cap_manager;
static dormant_t dormant[RVM_VM_MAX + 1u];
static rvm_lz4_state_t lz4;
static rvm_checkpoint_id_t next_checkpoint = 1;

void rvm_hibernation_setup(rvm_cap_manager_t *caps)
{
    cap_manager = caps;
}

static uint64_t block_for(uint64_t bytes)
{
    uint64_t block = RVM_FRAMES_PAGE;
    while (block < bytes) {
        block <<= 1;
    }
    return block;
}

static void set(rvm_trap_frame_t *f, int64_t status, uint64_t r1)
{
    f->x[0] = (uint64_t)status;
    f->x[1] = r1;
}

/* The partition a Partition WRITE capability of the caller names: another one, on the caller's CPU. */
static rvm_err_t target_of(const rvm_vm_t *caller, uint64_t raw, rvm_vm_t **out)
{
    rvm_cap_handle_t h = { (uint32_t)(raw >> 32), (uint32_t)raw };
    rvm_err_t err = rvm_cap_check_p1(cap_manager, h, RVM_RIGHT_WRITE, RVM_OBJ_PARTITION);
    rvm_cap_info_t info;
    if (err == RVM_OK) {
        err = rvm_cap_lookup(cap_manager, h, &info);
    }
    if (err != RVM_OK) {
        return err;
    }
    if (info.owner != caller->id) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    rvm_vm_t *t = rvm_vm_get(info.object_id);
    if (t == NULL || t == caller) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    /* Its FP/SIMD registers may be live only on its own CPU, and it must not be running anywhere. */
    if (t->cpu != caller->cpu) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    *out = t;
    return RVM_OK;
}

/* What both calls check first: the domain records exist, the capability names a target, in state `state`. */
static rvm_err_t begin(const rvm_vm_t *caller, uint64_t raw, uint8_t state, rvm_partmgr_t **mgr, rvm_vm_t **t)
{
    *mgr = rvm_domain_partmgr();
    if (*mgr == NULL) {
        return RVM_ERR_UNSUPPORTED;
    }
    rvm_err_t err = target_of(caller, raw, t);
    if (err == RVM_OK && (*t)->state != state) {
        err = RVM_ERR_INVALID_PARTITION_STATE;
    }
    return err;
}

static void report(const rvm_vm_t *t, const char *what, const dormant_t *d, uint64_t free_before)
{
    rvm_console_begin();
    rvm_console_str("partition ");
    rvm_console_dec(t->id);
    rvm_console_str(what);
    rvm_console_dec(t->ram_bytes / RVM_FRAMES_PAGE);
    rvm_console_str(" RAM pages, checkpoint ");
    rvm_console_dec(d->cp.compressed_size);
    if (d->cold) {
        rvm_console_str(" B on flash");
    } else {
        rvm_console_str(" B in ");
        rvm_console_dec(d->bytes / RVM_FRAMES_PAGE);
        rvm_console_str(" pages");
    }
    uint64_t before = free_before / RVM_FRAMES_PAGE;
    uint64_t after = rvm_frames_available() / RVM_FRAMES_PAGE;
    rvm_console_str("; free pages ");
    rvm_console_dec(before);
    rvm_console_str(" -> ");
    rvm_console_dec(after);
    rvm_console_str(after >= before ? " (+" : " (-");
    rvm_console_dec(after >= before ? after - before : before - after);
    rvm_console_str(")");
    rvm_console_end();
}

/* Compresses the target's RAM into a block of its own size class and witnesses the checkpoint. */
static rvm_err_t checkpoint(const rvm_vm_t *t, dormant_t *d)
{
    rvm_phys_addr_t scratch;
    rvm_err_t err = rvm_frames_alloc(SCRATCH_BYTES, &scratch);
    if (err != RVM_OK) {
        return err;
    }
    err = rvm_checkpoint_build(next_checkpoint, t->id, RVM_COMPRESS_LZ4, &lz4, rvm_frames_ptr(t->ram_pa),
                               (size_t)t->ram_bytes, rvm_frames_ptr(scratch), (size_t)SCRATCH_BYTES, &d->cp);
    if (err == RVM_OK) {
        d->bytes = block_for(d->cp.compressed_size);
        err = rvm_frames_alloc(d->bytes, &d->pa);
    }
    if (err == RVM_OK) {
        __builtin_memcpy(rvm_frames_ptr(d->pa), rvm_frames_ptr(scratch), d->cp.compressed_size);
        err = rvm_checkpoint_anchor(rvm_audit_log(), &d->cp);
        if (err != RVM_OK) {
            (void)rvm_frames_free(d->pa, d->bytes);
        }
    }
    (void)rvm_frames_free(scratch, SCRATCH_BYTES);
    if (err == RVM_OK) {
        next_checkpoint++;
    }
    return err;
}

static void save_state(const rvm_vm_t *t, saved_state_t *s)
{
    __builtin_memset(s, 0, sizeof *s);
    s->vcpu = t->vcpu;
    s->fp = t->fp;
    s->vgic = t->vgic;
    s->vdist = t->vdist;
}

/*
 * Moves a hibernated partition's checkpoint on to flash with its saved state
 * and frees its frames; when that fails it simply stays in RAM (dormant).
 */
static void to_cold(const rvm_vm_t *t, uint64_t free_before)
{
    dormant_t *d = &dormant[t->id];
    saved_state_t s;
    save_state(t, &s);
    rvm_err_t err = rvm_cold_put(t, &d->cp, rvm_frames_ptr(d->pa), &s, sizeof s);
    if (err != RVM_OK) {
        rvm_console_begin();
        rvm_console_str("cold: partition ");
        rvm_console_dec(t->id);
        rvm_console_str(" stays dormant in RAM (err ");
        rvm_console_dec((uint64_t)(-(int64_t)err));
        rvm_console_str(")");
        rvm_console_end();
        return;
    }
    (void)rvm_frames_free(d->pa, d->bytes);
    d->bytes = 0;
    d->cold = true;
    report(t, " moved to cold storage: ", d, free_before);
}

/* Brings a cold checkpoint back into a block of RAM (and `s`); the image is checked against its hashes. */
static rvm_err_t from_cold(const rvm_vm_t *t, dormant_t *d, saved_state_t *s)
{
    rvm_phys_addr_t pa;
    rvm_err_t err = rvm_frames_alloc(SCRATCH_BYTES, &pa);
    if (err != RVM_OK) {
        return err;
    }
    err = rvm_cold_take(t, &d->cp, rvm_frames_ptr(pa), (size_t)SCRATCH_BYTES, s, sizeof *s);
    if (err != RVM_OK) {
        (void)rvm_frames_free(pa, SCRATCH_BYTES);
        return err;
    }
    d->pa = pa;
    d->bytes = SCRATCH_BYTES;
    d->cold = false;
    return RVM_OK;
}

static int64_t hibernate(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    rvm_partmgr_t *mgr = NULL;
    rvm_vm_t *t = NULL;
    rvm_err_t err = begin(caller, f->x[1], RVM_VM_RUNNABLE, &mgr, &t);
    if (err != RVM_OK) {
        return err;
    }
    if (f->x[3] < sizeof(rvm_hibernate_receipt_t)) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    err = rvm_vm_check(caller, f->x[2], sizeof(rvm_hibernate_receipt_t), true);
    if (err != RVM_OK) {
        return err;
    }
    uint64_t free_before = rvm_frames_available();
    dormant_t d = { 0 };
    err = checkpoint(t, &d);
    if (err != RVM_OK) {
        return err;
    }
    rvm_hibernate_receipt_t receipt;
    __builtin_memset(&receipt, 0, sizeof receipt);
    err = rvm_part_hibernate(mgr, rvm_domain_leases(), t->id, rvm_audit_now_ns(), 0, &receipt);
    if (err != RVM_OK) {
        (void)rvm_frames_free(d.pa, d.bytes);
        return err;
    }
    /* Witnessed: now its registers leave the CPU, its RAM leaves its stage-2 (TLB invalidated) and the allocator. */
    rvm_dispatch_fp_park(t);
    (void)rvm_s2_unmap(&t->s2, rvm_gpa(RVM_CONFIG_GUEST_RAM_IPA), t->ram_bytes);
    (void)rvm_frames_free(t->ram_pa, t->ram_bytes);
    t->state = RVM_VM_HIBERNATED;
    dormant[t->id] = d;
    rvm_vm_write(caller, f->x[2], &receipt, sizeof receipt);
    report(t, " hibernated: ", &d, free_before);
    if ((f->x[4] & RVM_HC_HIBERNATE_COLD) != 0u) {
        to_cold(t, free_before);
    }
    set(f, 0, sizeof receipt);
    return 0;
}

static int64_t reconstruct(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    rvm_partmgr_t *mgr = NULL;
    rvm_vm_t *t = NULL;
    rvm_err_t err = begin(caller, f->x[1], RVM_VM_HIBERNATED, &mgr, &t);
    if (err != RVM_OK) {
        return err;
    }
    if (f->x[3] != sizeof(rvm_hibernate_receipt_t)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    err = rvm_vm_check(caller, f->x[2], sizeof(rvm_hibernate_receipt_t), false);
    if (err != RVM_OK) {
        return err;
    }
    /* The receipt crossed a trust boundary: librvmpart checks it against its digest and the one it kept. */
    rvm_hibernate_receipt_t receipt;
    rvm_vm_read(caller, f->x[2], &receipt, sizeof receipt);
    if (receipt.receipt.original_id != t->id) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    dormant_t *d = &dormant[t->id];
    uint64_t free_before = rvm_frames_available();
    if (d->cold) {
        saved_state_t s;
        err = from_cold(t, d, &s);
        if (err != RVM_OK) {
            return err;
        }
    }
    rvm_phys_addr_t ram;
    err = rvm_frames_alloc(t->ram_bytes, &ram);
    if (err != RVM_OK) {
        return err;
    }
    rvm_reconstruction_t result;
    err = rvm_checkpoint_reconstruct(rvm_audit_log(), &d->cp, rvm_frames_ptr(d->pa), d->cp.compressed_size, NULL,
                                     rvm_frames_ptr(ram), (size_t)t->ram_bytes, &result);
    if (err == RVM_OK) {
        err = rvm_part_reconstruct(mgr, &receipt);
    }
    if (err == RVM_OK) {
        err = rvm_part_transition(mgr, t->id, RVM_PARTITION_RUNNING);
    }
    if (err == RVM_OK) {
        err = rvm_s2_map(&t->s2, rvm_gpa(RVM_CONFIG_GUEST_RAM_IPA), ram, t->ram_bytes,
                         RVM_S2_ATTR_WRITE | RVM_S2_ATTR_EXEC);
    }
    if (err != RVM_OK) {
        (void)rvm_frames_free(ram, t->ram_bytes);
        return err;
    }
    rvm_arch_icache_sync(ram.bits, t->ram_bytes);
    (void)rvm_frames_free(d->pa, d->bytes);
    t->ram_pa = ram;
    t->state = RVM_VM_RUNNABLE;
    rvm_dispatch_resume(t);
    report(t, " reconstructed: ", d, free_before);
    dormant[t->id] = (dormant_t){ 0 };
    set(f, 0, 0);
    return 0;
}

int64_t rvm_hibernation_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call)
{
    int64_t status = call == RVM_HC_HIBERNATE ? hibernate(f, caller) : reconstruct(f, caller);
    if (status < 0) {
        set(f, status, 0);
    }
    return status;
}

void rvm_hibernation_restore_cold(void)
{
    for (uint32_t i = 0; i < rvm_vm_created(); i++) {
        rvm_vm_t *p = rvm_vm_slot(i);
        if (!rvm_cold_has(p)) {
            continue;
        }
        dormant_t d = { 0 };
        saved_state_t s;
        rvm_err_t err = from_cold(p, &d, &s);
        rvm_reconstruction_t result;
        /* Its anchoring record is in the previous run's log: witness it again here, then verify against that. */
        if (err == RVM_OK) {
            err = rvm_checkpoint_reanchor(rvm_audit_log(), &d.cp);
        }
        if (err == RVM_OK) {
            err = rvm_checkpoint_reconstruct(rvm_audit_log(), &d.cp, rvm_frames_ptr(d.pa), d.cp.compressed_size,
                                             NULL, rvm_frames_ptr(p->ram_pa), (size_t)p->ram_bytes, &result);
        }
        if (d.bytes != 0u) {
            (void)rvm_frames_free(d.pa, d.bytes);
        }
        rvm_console_begin();
        rvm_console_str("partition ");
        rvm_console_dec(p->id);
        if (err != RVM_OK) {
            /* Its fresh boot image is intact: a refused cold image costs its saved progress, nothing else. */
            rvm_console_str(" not restored from cold storage (err ");
            rvm_console_dec((uint64_t)(-(int64_t)err));
            rvm_console_str("), starting fresh");
            rvm_console_end();
            continue;
        }
        rvm_arch_icache_sync(p->ram_pa.bits, p->ram_bytes);
        p->vcpu = s.vcpu;
        p->fp = s.fp;
        p->vgic = s.vgic;
        p->vdist = s.vdist;
        rvm_console_str(" restored from cold storage: checkpoint ");
        rvm_console_dec(d.cp.compressed_size);
        rvm_console_str(" B, continuing where it was hibernated");
        rvm_console_end();
    }
}

void rvm_hibernation_release(rvm_vm_t *p)
{
    dormant_t *d = &dormant[p->id];
    if (d->bytes != 0u) {
        (void)rvm_frames_free(d->pa, d->bytes);
        *d = (dormant_t){ 0 };
    }
}
