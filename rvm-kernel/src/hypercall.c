/*
 * Hypercall dispatch. authorise() and decode() read only registers and the
 * caller's state and may refuse; invoke() runs only on a fully validated
 * request, so a refused call changes nothing beyond its refusal witness.
 * Capability checks (librvmcap P1) come first: a partition without the
 * right gets the capability error whatever its arguments.
 */
#include "hypercall.h"

#include <stdbool.h>
#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/hypercall.h>
#include <rvm/rights.h>
#include <rvm/witness_log.h>

#include "audit.h"
#include "domain.h"
#include "console.h"
#include "dispatch.h"
#include "hibernation.h"
#include "perf.h"
#include "structural.h"
#include "task.h"
#include "virq.h"

#define VENDOR_MASK 0xFFFF0000u
#define VENDOR_BASE 0xC6000000u
#define VENDOR_CALL_MASK 0x0000FFFFu
#define PSCI_VERSION_1_1 0x00010001u
#define SMCCC_VERSION_1_1 0x00010001u
#define PSCI_NOT_SUPPORTED (-1)
#define RECORD_BYTES 64u
/* Records one WITNESS_QUERY can return: bounded so that one call cannot hold EL2 for long. */
#define QUERY_MAX 64u

typedef enum call_kind {
    CALL_UNKNOWN = 0,
    CALL_VERSION,
    CALL_SELF_ID,
    CALL_EXIT,
    CALL_YIELD,
    CALL_CONSOLE_WRITE,
    CALL_WITNESS_QUERY,
    CALL_CAP_GRANT,
    CALL_CAP_REVOKE,
    CALL_SMCCC_VERSION,
    CALL_SMCCC_FEATURES,
    CALL_PSCI_VERSION,
    CALL_PSCI_FEATURES,
    CALL_PSCI_CPU_OFF,
    CALL_PSCI_SYSTEM_OFF,
    CALL_PSCI_SYSTEM_RESET,
    CALL_CHANNEL,
    CALL_HIBERNATION,
    CALL_LEASE,
    CALL_TASK,
    CALL_STRUCTURAL,
} call_kind_t;

/* A validated request: what invoke() needs and nothing it must still check. */
typedef struct request {
    call_kind_t kind;
    uint64_t ipa;
    uint64_t len;
    uint64_t a3;
    bool see_all;
    rvm_cap_handle_t handle;
    rvm_rights_t rights;
    uint32_t target;
    uint64_t badge;
} request_t;

static rvm_cap_manager_t *cap_manager;

void rvm_hypercall_setup(rvm_cap_manager_t *caps)
{
    cap_manager = caps;
}

static call_kind_t classify(uint32_t fid)
{
    if ((fid & VENDOR_MASK) == VENDOR_BASE) {
        switch (fid & VENDOR_CALL_MASK) {
        case RVM_HC_VERSION: return CALL_VERSION;
        case RVM_HC_SELF_ID: return CALL_SELF_ID;
        case RVM_HC_EXIT: return CALL_EXIT;
        case RVM_HC_YIELD: return CALL_YIELD;
        case RVM_HC_CONSOLE_WRITE: return CALL_CONSOLE_WRITE;
        case RVM_HC_WITNESS_QUERY: return CALL_WITNESS_QUERY;
        case RVM_HC_CAP_GRANT: return CALL_CAP_GRANT;
        case RVM_HC_CAP_REVOKE: return CALL_CAP_REVOKE;
        case RVM_HC_IPC_SEND:
        case RVM_HC_IPC_RECV:
        case RVM_HC_IPC_NOTIFY:
        case RVM_HC_IPC_WAIT:
        case RVM_HC_IPC_CHANNEL:
        case RVM_HC_IPC_SEND_REGION: return CALL_CHANNEL;
        case RVM_HC_HIBERNATE:
        case RVM_HC_RECONSTRUCT: return CALL_HIBERNATION;
        case RVM_HC_LEASE_GRANT:
        case RVM_HC_LEASE_REVOKE: return CALL_LEASE;
        case RVM_HC_TASK_SYNC:
        case RVM_HC_TASK_SEND:
        case RVM_HC_TASK_RECV:
        case RVM_HC_TASK_DONE: return CALL_TASK;
        case RVM_HC_PARTITION_CREATE:
        case RVM_HC_PARTITION_DESTROY:
        case RVM_HC_PARTITION_SPLIT:
        case RVM_HC_PARTITION_MERGE:
        case RVM_HC_REGION_TRANSFER: return CALL_STRUCTURAL;
        default: return CALL_UNKNOWN;
        }
    }
    switch (fid) {
    case RVM_SMCCC_VERSION: return CALL_SMCCC_VERSION;
    case RVM_SMCCC_ARCH_FEATURES: return CALL_SMCCC_FEATURES;
    case RVM_PSCI_VERSION: return CALL_PSCI_VERSION;
    case RVM_PSCI_FEATURES: return CALL_PSCI_FEATURES;
    case RVM_PSCI_CPU_OFF: return CALL_PSCI_CPU_OFF;
    case RVM_PSCI_SYSTEM_OFF: return CALL_PSCI_SYSTEM_OFF;
    case RVM_PSCI_SYSTEM_RESET: return CALL_PSCI_SYSTEM_RESET;
    default: return CALL_UNKNOWN;
    }
}

/* The right on its capability to itself that a call needs (the table in rvm/hypercall.h); 0 for none. */
static rvm_rights_t self_right(call_kind_t kind, const rvm_trap_frame_t *f)
{
    switch (kind) {
    case CALL_VERSION:
    case CALL_SELF_ID:
    case CALL_SMCCC_VERSION:
    case CALL_SMCCC_FEATURES:
    case CALL_PSCI_VERSION:
    case CALL_PSCI_FEATURES:
        return RVM_RIGHT_READ;
    case CALL_CONSOLE_WRITE:
        return RVM_RIGHT_WRITE;
    case CALL_YIELD:
        return RVM_RIGHT_EXECUTE;
    case CALL_WITNESS_QUERY:
        /* With a log handle, that capability alone decides (decode_log_handle). */
        return f->x[3] == 0u ? RVM_RIGHT_READ : 0u;
    case CALL_TASK: {
        uint32_t call = (uint32_t)f->x[0] & VENDOR_CALL_MASK;
        return call == RVM_HC_TASK_SEND || call == RVM_HC_TASK_DONE ? RVM_RIGHT_WRITE : RVM_RIGHT_READ;
    }
    case CALL_CHANNEL:
        /* Listing its channel ends is about the caller; the others are authorised by the end they name. */
        return (f->x[0] & VENDOR_CALL_MASK) == RVM_HC_IPC_CHANNEL ? RVM_RIGHT_READ : 0u;
    default:
        return 0u;
    }
}

static rvm_err_t authorise(const rvm_trap_frame_t *f, const rvm_vm_t *caller, call_kind_t kind)
{
    rvm_rights_t need = self_right(kind, f);
    if (need == 0u) {
        return RVM_OK;
    }
    return rvm_cap_check_p1(cap_manager, caller->self_cap, need, RVM_OBJ_PARTITION);
}

/* May the caller read the whole log? Only through a WitnessLog READ capability it owns. */
static rvm_err_t decode_log_handle(const rvm_vm_t *caller, uint64_t raw, bool *see_all)
{
    *see_all = false;
    if (raw == 0u) {
        return RVM_OK;
    }
    rvm_cap_info_t info;
    rvm_err_t err = rvm_cap_lookup(cap_manager, rvm_cap_handle_unpack(raw), &info);
    if (err != RVM_OK) {
        return err;
    }
    if (info.owner != caller->id) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    if (info.token.type != RVM_OBJ_WITNESS_LOG) {
        return RVM_ERR_CAPABILITY_TYPE_MISMATCH;
    }
    if ((info.token.rights & RVM_RIGHT_READ) == 0u) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    *see_all = true;
    return RVM_OK;
}

static rvm_err_t decode(const rvm_trap_frame_t *f, const rvm_vm_t *caller, request_t *r)
{
    *r = (request_t){ 0 };
    r->kind = classify((uint32_t)f->x[0]);
    rvm_err_t auth = authorise(f, caller, r->kind);
    if (auth != RVM_OK) {
        return auth;
    }
    switch (r->kind) {
    case CALL_CONSOLE_WRITE:
        r->ipa = f->x[1];
        r->len = f->x[2];
        if (r->len > RVM_HC_CONSOLE_MAX) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
        return rvm_vm_check(caller, r->ipa, r->len, false);
    case CALL_WITNESS_QUERY: {
        r->ipa = f->x[1];
        r->len = f->x[2] > QUERY_MAX ? QUERY_MAX : f->x[2];
        rvm_err_t err = decode_log_handle(caller, f->x[3], &r->see_all);
        if (err != RVM_OK) {
            return err;
        }
        return rvm_vm_check(caller, r->ipa, r->len * RECORD_BYTES, true);
    }
    case CALL_CAP_GRANT: {
        /* The handle first, so a forged or stale one is answered with the capability library's own code. */
        rvm_cap_info_t info;
        r->handle = rvm_cap_handle_unpack(f->x[1]);
        rvm_err_t err = rvm_cap_lookup(cap_manager, r->handle, &info);
        if (err != RVM_OK) {
            return err;
        }
        if (f->x[2] > RVM_RIGHTS_ALL) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
        r->rights = (rvm_rights_t)f->x[2];
        if (rvm_vm_get(f->x[3]) == NULL) {
            return RVM_ERR_PARTITION_NOT_FOUND;
        }
        r->target = (uint32_t)f->x[3];
        r->badge = f->x[4];
        return RVM_OK;
    }
    case CALL_CAP_REVOKE:
        r->handle = rvm_cap_handle_unpack(f->x[1]);
        return RVM_OK;
    case CALL_CHANNEL:
    case CALL_HIBERNATION:
    case CALL_LEASE:
    case CALL_TASK:
    case CALL_STRUCTURAL:
        r->a3 = f->x[0] & VENDOR_CALL_MASK;
        return RVM_OK;
    case CALL_PSCI_FEATURES:
    case CALL_SMCCC_FEATURES:
    case CALL_EXIT:
        r->a3 = f->x[1];
        return RVM_OK;
    default:
        return RVM_OK;
    }
}

static void set_result(rvm_trap_frame_t *f, int64_t status, uint64_t r1)
{
    f->x[0] = (uint64_t)status;
    f->x[1] = r1;
}

/* Newest `len` records the caller may see, written oldest-first into its buffer; returns how many. */
static uint64_t witness_query(const rvm_vm_t *caller, const request_t *r)
{
    const rvm_witness_log_t *log = rvm_audit_log();
    uint64_t total = rvm_witness_total_emitted(log);
    uint64_t oldest = rvm_witness_oldest_sequence(log);
    uint64_t picked[QUERY_MAX];
    uint64_t n = 0;
    for (uint64_t seq = total; seq > oldest && n < r->len; seq--) {
        rvm_witness_record_t rec;
        if (rvm_witness_get(log, seq - 1u, &rec) != RVM_OK) {
            break;
        }
        if (r->see_all || rec.actor_partition_id == caller->id || rec.target_object_id == caller->id) {
            picked[n++] = seq - 1u;
        }
    }
    for (uint64_t i = 0; i < n; i++) {
        rvm_witness_record_t rec;
        uint8_t bytes[RECORD_BYTES];
        (void)rvm_witness_get(log, picked[n - 1u - i], &rec);
        rvm_witness_record_serialize(&rec, bytes);
        rvm_vm_write(caller, r->ipa + i * RECORD_BYTES, bytes, RECORD_BYTES);
    }
    return n;
}

static bool psci_supported(uint64_t fid)
{
    return fid == RVM_PSCI_VERSION || fid == RVM_PSCI_FEATURES || fid == RVM_PSCI_CPU_OFF ||
           fid == RVM_PSCI_SYSTEM_OFF || fid == RVM_PSCI_SYSTEM_RESET || fid == RVM_SMCCC_VERSION;
}

/* Returns the status of a refusal (negative) or 0 for a call answered. */
static int64_t invoke(rvm_trap_frame_t *f, rvm_vm_t *caller, const request_t *r)
{
    switch (r->kind) {
    case CALL_VERSION:
        rvm_perf_null_call(caller->id);
        set_result(f, 0, RVM_HYPERCALL_ABI_VERSION);
        return 0;
    case CALL_SELF_ID:
        set_result(f, 0, caller->id);
        return 0;
    case CALL_YIELD:
        set_result(f, 0, 0);
        rvm_dispatch_yield(f);
        return 0;
    case CALL_CONSOLE_WRITE:
        for (uint64_t i = 0; i < r->len; i++) {
            char c;
            rvm_vm_read(caller, r->ipa + i, &c, 1);
            rvm_console_guest_putc(&caller->line, caller->id, c);
        }
        set_result(f, 0, r->len);
        return 0;
    case CALL_WITNESS_QUERY:
        set_result(f, 0, witness_query(caller, r));
        return 0;
    case CALL_CAP_GRANT: {
        rvm_cap_handle_t out = RVM_CAP_HANDLE_NULL;
        rvm_err_t err = rvm_cap_grant(cap_manager, caller->id, r->handle, r->rights, r->badge, r->target, &out);
        set_result(f, err, err == RVM_OK ? rvm_cap_handle_pack(out) : 0u);
        return err;
    }
    case CALL_CAP_REVOKE: {
        uint32_t count = 0;
        rvm_err_t err = rvm_cap_revoke(cap_manager, caller->id, r->handle, &count);
        set_result(f, err, count);
        return err;
    }
    case CALL_CHANNEL:
        return rvm_domain_ipc_call(f, caller, (uint32_t)r->a3);
    case CALL_HIBERNATION:
        return rvm_hibernation_call(f, caller, (uint32_t)r->a3);
    case CALL_LEASE:
        return rvm_domain_lease_call(f, caller, (uint32_t)r->a3);
    case CALL_TASK:
        return rvm_task_call(f, caller, (uint32_t)r->a3);
    case CALL_STRUCTURAL:
        /* The security gate decides, on the capability and proof the call presents. */
        return rvm_structural_call(f, caller, (uint32_t)r->a3);
    case CALL_SMCCC_VERSION:
        f->x[0] = SMCCC_VERSION_1_1;
        return 0;
    case CALL_SMCCC_FEATURES:
        f->x[0] = (uint64_t)(int64_t)((uint32_t)r->a3 == RVM_SMCCC_ARCH_FEATURES ? 0 : PSCI_NOT_SUPPORTED);
        return 0;
    case CALL_PSCI_VERSION:
        f->x[0] = PSCI_VERSION_1_1;
        return 0;
    case CALL_PSCI_FEATURES:
        f->x[0] = (uint64_t)(int64_t)(psci_supported((uint32_t)r->a3) ? 0 : PSCI_NOT_SUPPORTED);
        return 0;
    case CALL_PSCI_SYSTEM_RESET:
        if (rvm_vm_reset(caller) == RVM_OK) {
            rvm_vcpu_load(&caller->vcpu, f);
            rvm_virq_switch_in(caller);
            return 0;
        }
        /* Past its reset budget the partition's "system" goes off instead. */
        rvm_vm_stop(caller, false, 0u);
        rvm_dispatch_current_stopped(f);
        return 0;
    case CALL_EXIT:
    case CALL_PSCI_CPU_OFF:
    case CALL_PSCI_SYSTEM_OFF:
        /* One vCPU per partition: turning it off, or the partition's whole "system", ends the partition. */
        rvm_vm_stop(caller, false, r->kind == CALL_EXIT ? r->a3 : 0u);
        rvm_dispatch_current_stopped(f);
        return 0;
    case CALL_UNKNOWN:
        f->x[0] = (uint64_t)(int64_t)RVM_HC_NOT_SUPPORTED;
        return RVM_HC_NOT_SUPPORTED;
    }
    return 0;
}

/* Witnesses a refusal (ProofRejected, payload: function ID then status, both 32-bit LE) within the bound. */
static void refused(rvm_vm_t *caller, uint32_t fid, int64_t status)
{
    caller->refusals++;
    bool witnessed = caller->refusal_witnessed;
    caller->refusal_witnessed = false;
    if (witnessed || caller->refusals > RVM_HC_REFUSALS_WITNESSED) {
        return;
    }
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    uint32_t code = (uint32_t)(int32_t)status;
    for (uint32_t i = 0; i < 4u; i++) {
        payload[i] = (uint8_t)(fid >> (8u * i));
        payload[4u + i] = (uint8_t)(code >> (8u * i));
    }
    (void)rvm_audit_emit(RVM_ACTION_PROOF_REJECTED, caller->id, caller->id, 0, payload);
}

void rvm_hypercall(rvm_trap_frame_t *f, rvm_vm_t *caller)
{
    request_t r;
    const uint32_t fid = (uint32_t)f->x[0];
    rvm_err_t err = decode(f, caller, &r);
    if (err != RVM_OK) {
        set_result(f, err, 0);
        refused(caller, fid, err);
        return;
    }
    int64_t status = invoke(f, caller, &r);
    if (status < 0) {
        refused(caller, fid, status);
    }
}
