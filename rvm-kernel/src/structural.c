/* Structural hypercalls (see structural.h). */
#include "structural.h"

#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/cap_manager.h>
#include <rvm/hypercall.h>
#include <rvm/part_world.h>
#include <rvm/rights.h>

#include "coherence.h"
#include "config.h"
#include "dispatch.h"
#include "domain.h"
#include "gate.h"
#include "task.h"

/* Nonces of partitions' proofs stay below this bit; the hypervisor's own use it (gate.c keeps them apart too). */
#define GUEST_NONCE_LIMIT (UINT64_C(1) << 63)
/* What the creator of a partition holds over it. */
#define CREATOR_RIGHTS (RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_GRANT | RVM_RIGHT_REVOKE | RVM_RIGHT_PROVE)
#define SELF_ONLY_RIGHTS                                                                                           \
    (RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_EXECUTE | RVM_RIGHT_GRANT | RVM_RIGHT_REVOKE | RVM_RIGHT_PROVE)

/*
 * Configuration entries of created partitions: the image of the configured
 * entry they name, with a capability to themselves and nothing else, so that
 * a copy of the control partition is not a second control partition.
 */
static rvm_config_partition_t created_cfg[RVM_VM_MAX];
static uint32_t created_count;

static void set(rvm_trap_frame_t *f, int64_t status, uint64_t r1, uint64_t r2)
{
    f->x[0] = (uint64_t)status;
    f->x[1] = r1;
    f->x[2] = r2;
}

/* Copies a partition's proof out of its memory; a hostile address or nonce is refused before the gate. */
static rvm_err_t read_proof(const rvm_vm_t *caller, uint64_t ipa, rvm_hc_proof_t *out)
{
    rvm_err_t err = rvm_vm_check(caller, ipa, sizeof *out, false);
    if (err != RVM_OK) {
        return err;
    }
    rvm_vm_read(caller, ipa, out, sizeof *out);
    return out->nonce == 0u || out->nonce >= GUEST_NONCE_LIMIT ? RVM_ERR_INVALID_ARGUMENT : RVM_OK;
}

static rvm_err_t read_p3(const rvm_vm_t *caller, uint64_t ipa, rvm_hc_p3_t *out)
{
    rvm_err_t err = rvm_vm_check(caller, ipa, sizeof *out, false);
    if (err == RVM_OK) {
        rvm_vm_read(caller, ipa, out, sizeof *out);
    }
    return err;
}

/*
 * The gate checks a capability's type, rights and owner; which object it
 * names matters to P2 (rule 1), so a P1 call, or a second capability, is
 * checked for its object here: a Partition capability of `caller`'s naming
 * `object`, with `rights`.
 */
static rvm_err_t names(const rvm_vm_t *caller, uint64_t raw, uint64_t object, rvm_rights_t rights)
{
    rvm_part_world_t w;
    rvm_cap_info_t info;
    rvm_err_t err = rvm_domain_world(&w);
    if (err == RVM_OK) {
        err = rvm_cap_lookup(w.caps, rvm_cap_handle_unpack(raw), &info);
    }
    if (err != RVM_OK) {
        return err;
    }
    if (info.owner != caller->id || info.token.type != RVM_OBJ_PARTITION || info.object_id != object ||
        (info.token.rights & rights) != rights) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    return RVM_OK;
}

static rvm_vm_t *live(uint64_t id)
{
    rvm_vm_t *p = rvm_vm_get(id);
    return p != NULL && p->state == RVM_VM_RUNNABLE ? p : NULL;
}

static int64_t create(rvm_trap_frame_t *f, rvm_vm_t *caller)
{
    size_t count = 0;
    const rvm_config_partition_t *cfg = rvm_config_partitions(&count);
    if (f->x[2] >= count) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (created_count == RVM_VM_MAX || rvm_vm_created() == RVM_VM_MAX) {
        return RVM_ERR_PARTITION_LIMIT_EXCEEDED;
    }
    /* Creation is authorised by the partition table, Partition object 0, and no other partition. */
    rvm_err_t named = names(caller, f->x[1], 0, RVM_RIGHT_WRITE);
    if (named != RVM_OK) {
        return named;
    }
    const rvm_gate_call_t c = { caller->id, rvm_cap_handle_unpack(f->x[1]), RVM_OBJ_PARTITION, RVM_RIGHT_WRITE,
                                RVM_ACTION_PARTITION_CREATE, 0, RVM_HC_PARTITION_CREATE, { f->x[2], 0, 0, 0 },
                                NULL, NULL };
    rvm_err_t err = rvm_gate_check(&c);
    if (err != RVM_OK) {
        return err;
    }
    rvm_config_partition_t *entry = &created_cfg[created_count];
    *entry = (rvm_config_partition_t){ cfg[f->x[2]].name, cfg[f->x[2]].image, cfg[f->x[2]].image_end,
                                       cfg[f->x[2]].ram_bytes, { { RVM_CONFIG_OBJ_SELF, SELF_ONLY_RIGHTS } } };
    rvm_vm_t *p = NULL;
    err = rvm_vm_create(entry, &p);
    rvm_cap_handle_t h = RVM_CAP_HANDLE_NULL;
    rvm_part_world_t w;
    if (err == RVM_OK) {
        created_count++;
        err = rvm_domain_world(&w);
    }
    if (err == RVM_OK) {
        err = rvm_cap_create_root(w.caps, 0, RVM_OBJ_PARTITION, p->id, CREATOR_RIGHTS, 0, caller->id, &h);
    }
    if (err == RVM_OK) {
        err = rvm_dispatch_add(p);
    }
    if (err != RVM_OK) {
        /* Authorised and witnessed, then out of memory or slots: the half-made partition ends at once. */
        if (p != NULL) {
            rvm_vm_stop(p, false, (uint64_t)(int64_t)err);
        }
        return err;
    }
    set(f, 0, p->id, rvm_cap_handle_pack(h));
    return 0;
}

static int64_t destroy(rvm_trap_frame_t *f, rvm_vm_t *caller)
{
    rvm_vm_t *target = live(f->x[2]);
    rvm_hc_proof_t proof;
    if (target == NULL || target->doomed) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    rvm_err_t err = read_proof(caller, f->x[3], &proof);
    const rvm_gate_call_t c = { caller->id, rvm_cap_handle_unpack(f->x[1]), RVM_OBJ_PARTITION, RVM_RIGHT_WRITE,
                                RVM_ACTION_PARTITION_DESTROY, target->id, RVM_HC_PARTITION_DESTROY,
                                { target->id, 0, 0, 0 }, &proof, NULL };
    if (err == RVM_OK) {
        err = rvm_gate_check(&c);
    }
    if (err != RVM_OK) {
        return err;
    }
    set(f, 0, 0, 0);
    if (target != caller && rvm_dispatch_loaded_elsewhere(target)) {
        /* Its CPU ends it at its next trap, at the latest that CPU's next tick. */
        target->doomed = true;
        return 0;
    }
    rvm_structural_destroy_now(target);
    if (target == caller) {
        rvm_dispatch_current_stopped(f);
    } else {
        rvm_dispatch_remove(target);
    }
    return 0;
}

void rvm_structural_destroy_now(rvm_vm_t *p)
{
    rvm_part_world_t w;
    rvm_domain_leave(p);
    if (rvm_domain_world(&w) == RVM_OK) {
        (void)rvm_part_destroy(&w, p->id);
    }
    rvm_vm_stop(p, false, 0u);
}

static int64_t split(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    rvm_hc_proof_t proof;
    if (live(f->x[2]) == NULL || f->x[3] > UINT32_MAX) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    uint32_t pid = (uint32_t)f->x[2];
    uint32_t mask = (uint32_t)f->x[3];
    rvm_err_t err = rvm_task_check_split(pid, mask);
    if (err == RVM_OK) {
        err = read_proof(caller, f->x[4], &proof);
    }
    const rvm_gate_call_t c = { caller->id, rvm_cap_handle_unpack(f->x[1]), RVM_OBJ_PARTITION, RVM_RIGHT_WRITE,
                                RVM_ACTION_PARTITION_SPLIT, pid, RVM_HC_PARTITION_SPLIT, { pid, mask, 0, 0 }, &proof,
                                NULL };
    if (err == RVM_OK) {
        err = rvm_gate_check(&c);
    }
    if (err != RVM_OK) {
        return err;
    }
    rvm_task_request_split(caller->id, c.handle, pid, mask, rvm_task_epoch_now());
    set(f, 0, 0, 0);
    return 0;
}

static int64_t merge(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    rvm_hc_proof_t proof;
    rvm_hc_p3_t p3;
    if (live(f->x[2]) == NULL || live(f->x[3]) == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    uint32_t absorber = (uint32_t)f->x[2];
    uint32_t absorbed = (uint32_t)f->x[3];
    uint32_t predicted = 0;
    /* Both must consent: what the absorbed partition holds becomes the absorber's. */
    rvm_err_t err = names(caller, f->x[6], absorbed, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE);
    if (err == RVM_OK) {
        err = rvm_task_check_merge(absorber, absorbed);
    }
    if (err == RVM_OK) {
        err = read_proof(caller, f->x[4], &proof);
    }
    if (err == RVM_OK) {
        err = read_p3(caller, f->x[5], &p3);
    }
    const rvm_gate_call_t c = { caller->id, rvm_cap_handle_unpack(f->x[1]), RVM_OBJ_PARTITION, RVM_RIGHT_WRITE,
                                RVM_ACTION_PARTITION_MERGE, absorber, RVM_HC_PARTITION_MERGE,
                                { absorber, absorbed, 0, 0 }, &proof, &p3 };
    if (err == RVM_OK) {
        err = rvm_gate_check(&c);
    }
    if (err != RVM_OK) {
        return err;
    }
    /* DC-11's coherence condition is librvmpart's to check, on the engine's prediction (0 without one). */
    (void)rvm_coherence_predicted(absorber, absorbed, &predicted);
    rvm_task_request_merge(caller->id, c.handle, absorber, absorbed, predicted);
    set(f, 0, 0, 0);
    return 0;
}

static int64_t transfer(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    rvm_hc_proof_t proof;
    if (f->x[2] < RVM_HC_TASK_REGION(0) || f->x[2] >= RVM_HC_TASK_REGION(RVM_HC_TASK_MAX)) {
        return RVM_ERR_NOT_FOUND;
    }
    uint32_t t = (uint32_t)(f->x[2] - RVM_HC_TASK_REGION(0));
    uint32_t owner = rvm_task_host(t);
    if (owner == 0u || f->x[3] > UINT32_MAX) {
        return RVM_ERR_NOT_FOUND;
    }
    uint32_t to = (uint32_t)f->x[3];
    rvm_err_t err = rvm_task_check_move(t, owner, to);
    if (err == RVM_OK) {
        err = read_proof(caller, f->x[4], &proof);
    }
    const rvm_gate_call_t c = { caller->id, rvm_cap_handle_unpack(f->x[1]), RVM_OBJ_PARTITION, RVM_RIGHT_WRITE,
                                RVM_ACTION_REGION_TRANSFER, owner, RVM_HC_REGION_TRANSFER, { f->x[2], to, 0, 0 },
                                &proof, NULL };
    if (err == RVM_OK) {
        err = rvm_gate_check(&c);
    }
    if (err != RVM_OK) {
        return err;
    }
    rvm_task_request_move(caller->id, t, to);
    set(f, 0, 0, 0);
    return 0;
}

int64_t rvm_structural_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call)
{
    int64_t status;
    switch (call) {
    case RVM_HC_PARTITION_CREATE:
        status = create(f, caller);
        break;
    case RVM_HC_PARTITION_DESTROY:
        status = destroy(f, caller);
        break;
    case RVM_HC_PARTITION_SPLIT:
        status = split(f, caller);
        break;
    case RVM_HC_PARTITION_MERGE:
        status = merge(f, caller);
        break;
    case RVM_HC_REGION_TRANSFER:
        status = transfer(f, caller);
        break;
    default:
        status = RVM_HC_NOT_SUPPORTED;
        break;
    }
    if (status < 0) {
        set(f, status, 0, 0);
    }
    return status;
}
