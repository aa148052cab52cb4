/* Tasks and their placement (see task.h). */
#include "task.h"

#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/hypercall.h>
#include <rvm/merge.h>
#include <rvm/split.h>

#include "audit.h"
#include "coherence.h"
#include "console.h"
#include "dispatch.h"
#include "domain.h"
#include "frames.h"
#include "shutdown.h"
#include "tiers.h"

/* Messages waiting for one task; a full inbox makes senders retry. */
#define INBOX_DEPTH 64u
/* A task message on a channel between partitions: sending task, receiving task, word (little-endian). */
#define WIRE_BYTES 16u
#define NS_PER_MS 1000000u
/* Epochs between two console lines of message counts. */
#define REPORT_EPOCHS 10u
/* A split's cut must be from the last few epochs: older, the traffic it describes may be gone. */
#define CUT_MAX_STALENESS 10u

_Static_assert(RVM_TASKS <= RVM_HC_TASK_MAX, "task masks are 32 bits");
_Static_assert(RVM_HC_IPC_INLINE_MAX >= WIRE_BYTES, "a task message fits one inline IPC payload");

typedef struct task_msg {
    uint32_t from;
    uint64_t word;
} task_msg_t;

typedef struct task {
    rvm_phys_addr_t page;
    task_msg_t inbox[INBOX_DEPTH];
    uint32_t host; /* partition whose stage-2 maps the page; 0: ended (or no such task) */
    uint32_t head;
    uint32_t queued;
    bool done;
} task_t;

typedef enum op_kind {
    OP_NONE = 0,
    OP_SPLIT,
    OP_MERGE,
    OP_MOVE,
} op_kind_t;

/* The one structural operation waiting for its partition's safe point, authorised by the gate already. */
typedef struct op {
    uint8_t kind;          /* op_kind_t */
    uint32_t part;         /* the partition that carries it out: the one split, absorbed, or giving a task up */
    uint32_t absorber;     /* merge: the absorber; move: the task's new host */
    uint32_t b_tasks;      /* split: task-id mask of the new half; move: the task's bit */
    uint32_t predicted;    /* merge: the engine's predicted score of the result */
    uint64_t cut_epoch;    /* split */
    uint64_t deadline_ns;  /* DC-7 */
    uint32_t caller;       /* who asked: 0 for the hypervisor (the coherence engine) */
    rvm_cap_handle_t authority; /* the capability the gate accepted, which librvmpart checks again */
} op_t;

typedef struct counts {
    uint64_t cross;
    uint64_t intra;
} counts_t;

static task_t tasks[RVM_TASKS > 0u ? RVM_TASKS : 1u];
/* RVM_TASKS, set by rvm_task_setup: the bounds checks read it at run time, one code path with and without tasks. */
static uint32_t task_count;
static op_t pending;
static counts_t total;
static counts_t window;
static uint64_t window_start;
static uint64_t epoch_now;
static uint32_t splits;
static uint32_t merges;
static uint32_t abandoned;
static uint32_t refused_ops;
static uint64_t policy_nonce;

static uint64_t page_ipa(uint32_t t)
{
    return RVM_HC_TASK_WINDOW_IPA + (uint64_t)t * RVM_HC_TASK_PAGE_BYTES;
}

static rvm_region_desc_t region_of(uint32_t t)
{
    return (rvm_region_desc_t){ RVM_HC_TASK_REGION(t), page_ipa(t), 1, RVM_REGION_READ | RVM_REGION_WRITE };
}

static rvm_err_t map_page(uint32_t t, uint32_t pid)
{
    rvm_vm_t *p = rvm_vm_get(pid);
    if (p == NULL || p->state != RVM_VM_RUNNABLE) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    /* Data only: a task page is never executable. */
    return rvm_s2_map(&p->s2, rvm_gpa(page_ipa(t)), tasks[t].page, RVM_HC_TASK_PAGE_BYTES, RVM_S2_ATTR_WRITE);
}

/* Tasks 0..count-1 round-robin over the partitions from slot `first` on. */
static rvm_err_t place_tasks(uint32_t count, uint32_t first)
{
    uint32_t created = rvm_vm_created();
    rvm_partmgr_t *mgr = rvm_domain_partmgr();
    uint32_t parts = created > first ? created - first : 0u;
    if (count != 0u && (parts == 0u || mgr == NULL)) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    for (uint32_t t = 0; t < count; t++) {
        /* Round-robin, as a static placement would: the engine has seen no traffic yet. */
        uint32_t host = rvm_vm_slot(first + t % parts)->id;
        rvm_err_t err = rvm_tiers_page(RVM_HC_TASK_REGION(t), host, &tasks[t].page);
        if (err != RVM_OK) {
            return err;
        }
        tasks[t].host = host;
        err = map_page(t, host);
        if (err == RVM_OK) {
            err = rvm_part_task_add(mgr, host, t);
        }
        const rvm_region_desc_t region = region_of(t);
        if (err == RVM_OK) {
            err = rvm_part_region_add(mgr, host, &region);
        }
        if (err != RVM_OK) {
            return err;
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_task_setup(void)
{
    task_count = RVM_TASKS;
    rvm_err_t err = place_tasks(task_count, RVM_TASK_FIRST_HOST);
    if (err == RVM_OK) {
        rvm_coherence_tasks_moved();
    }
    return err;
}

uint32_t rvm_task_count(void)
{
    return RVM_TASKS;
}

uint32_t rvm_task_host(uint32_t t)
{
    return t < task_count ? tasks[t].host : 0u;
}

uint32_t rvm_task_hosted(uint32_t pid)
{
    uint32_t n = 0;
    for (uint32_t t = 0; t < task_count; t++) {
        n += tasks[t].host == pid && pid != 0u ? 1u : 0u;
    }
    return n;
}

static uint32_t hosted_mask(uint32_t pid)
{
    uint32_t mask = 0;
    for (uint32_t t = 0; t < task_count; t++) {
        mask |= tasks[t].host == pid ? UINT32_C(1) << t : 0u;
    }
    return mask;
}

static bool all_done(void)
{
    for (uint32_t t = 0; t < task_count; t++) {
        if (!tasks[t].done) {
            return false;
        }
    }
    return true;
}

static bool inbox_push(uint32_t to, uint32_t from, uint64_t word)
{
    task_t *t = &tasks[to];
    if (t->queued == INBOX_DEPTH) {
        return false;
    }
    t->inbox[(t->head + t->queued) % INBOX_DEPTH] = (task_msg_t){ from, word };
    t->queued++;
    return true;
}

/* Room for any one message: a message leaves a channel only when its inbox, whichever it is, can take it. */
static bool every_inbox_has_room(void)
{
    for (uint32_t t = 0; t < task_count; t++) {
        if (tasks[t].queued == INBOX_DEPTH) {
            return false;
        }
    }
    return true;
}

/*
 * Moves messages off the kernel's channels of `pid` (only those into it when
 * `incoming_only`) into their tasks' inboxes; true when they are all empty.
 * Only the kernel writes these channels, so a malformed message is a kernel
 * bug and is dropped loudly rather than delivered.
 */
static bool drain(uint32_t pid, bool incoming_only)
{
    for (uint32_t n = 0; n < RVM_DOMAIN_LINKS_MAX * RVM_IPC_QUEUE_DEPTH; n++) {
        if (!every_inbox_has_room()) {
            return false;
        }
        uint8_t wire[RVM_HC_IPC_INLINE_MAX];
        uint16_t len = 0;
        bool got = false;
        if (rvm_domain_link_pop(pid, incoming_only, wire, &len, &got) != RVM_OK) {
            return false;
        }
        if (!got) {
            return true;
        }
        uint32_t from = rvm_le32_load(wire);
        uint32_t to = rvm_le32_load(wire + 4);
        if (len != WIRE_BYTES || from >= task_count || to >= task_count) {
            rvm_shutdown_fatal("malformed task message on a kernel channel", len);
        }
        (void)inbox_push(to, from, rvm_le64_load(wire + 8));
    }
    return false;
}

static void set(rvm_trap_frame_t *f, int64_t status, uint64_t r1, uint64_t r2)
{
    f->x[0] = (uint64_t)status;
    f->x[1] = r1;
    f->x[2] = r2;
}

/* The task `raw` names, if the caller hosts it. */
static rvm_err_t own_task(const rvm_vm_t *caller, uint64_t raw, uint32_t *t)
{
    if (raw >= task_count) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (tasks[raw].host != caller->id) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    *t = (uint32_t)raw;
    return RVM_OK;
}

static int64_t send(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    uint32_t from = 0;
    rvm_err_t err = own_task(caller, f->x[1], &from);
    if (err != RVM_OK) {
        return err;
    }
    if (f->x[2] >= task_count) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t to = (uint32_t)f->x[2];
    uint32_t host = tasks[to].host;
    if (host == 0u || tasks[to].done) {
        return RVM_ERR_NOT_FOUND;
    }
    if (host == caller->id) {
        err = inbox_push(to, from, f->x[3]) ? RVM_OK : RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    } else {
        uint8_t wire[WIRE_BYTES];
        rvm_le32_store(wire, from);
        rvm_le32_store(wire + 4, to);
        rvm_le64_store(wire + 8, f->x[3]);
        err = rvm_domain_link_send(caller->id, host, wire, WIRE_BYTES);
    }
    if (err == RVM_OK) {
        rvm_tiers_access(RVM_HC_TASK_REGION(from));
        counts_t *c[2] = { &total, &window };
        for (uint32_t i = 0; i < 2u; i++) {
            c[i]->cross += host != caller->id ? 1u : 0u;
            c[i]->intra += host == caller->id ? 1u : 0u;
        }
        rvm_coherence_message(caller->id, host, from, to);
    }
    set(f, err, 0, 0);
    /* A full queue is an answer, not a refusal: the sender retries once the receiver ran. */
    return err == RVM_ERR_RESOURCE_LIMIT_EXCEEDED ? 0 : err;
}

static int64_t recv(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    uint32_t t = 0;
    rvm_err_t err = own_task(caller, f->x[1], &t);
    if (err != RVM_OK) {
        return err;
    }
    (void)drain(caller->id, true);
    task_t *k = &tasks[t];
    if (k->queued == 0u) {
        set(f, 0, 0, 0);
        return 0;
    }
    rvm_tiers_access(RVM_HC_TASK_REGION(t));
    task_msg_t m = k->inbox[k->head];
    k->head = (k->head + 1u) % INBOX_DEPTH;
    k->queued--;
    set(f, 0, RVM_HC_IPC_GOT | m.from, m.word);
    return 0;
}

static int64_t done(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    uint32_t t = 0;
    rvm_err_t err = own_task(caller, f->x[1], &t);
    if (err != RVM_OK) {
        return err;
    }
    if (!tasks[t].done) {
        tasks[t].done = true;
        rvm_console_begin();
        rvm_console_str("task ");
        rvm_console_dec(t);
        rvm_console_str(" finished in partition ");
        rvm_console_dec(caller->id);
        rvm_console_str(": sent=");
        rvm_console_dec(f->x[2]);
        rvm_console_str(" received=");
        rvm_console_dec(f->x[3]);
        rvm_console_str(" errors=");
        rvm_console_dec(f->x[4]);
        rvm_console_end();
    }
    set(f, 0, 0, 0);
    return 0;
}

/* "placement: <what><a><joiner><b> at epoch <n>"; b is left out when 0. */
static void op_line(const char *what, uint32_t a, const char *joiner, uint32_t b)
{
    rvm_console_begin();
    rvm_console_str("placement: ");
    rvm_console_str(what);
    rvm_console_dec(a);
    if (b != 0u) {
        rvm_console_str(joiner);
        rvm_console_dec(b);
    }
    rvm_console_str(" at epoch ");
    rvm_console_dec(epoch_now);
    rvm_console_end();
}

/*
 * librvmcap's own P2 context for rvm_part_merge, which checks the authority
 * again: owned by whoever asked, within its depth, a fresh nonce of
 * librvmcap's ring (the gate's proof was checked against the gate's).
 */
static rvm_cap_policy_ctx_t merge_policy(uint32_t owner)
{
    uint64_t now = rvm_audit_now_ns();
    return (rvm_cap_policy_ctx_t){ .expected_owner = owner, .region_base = 0, .region_limit = 1,
                                   .lease_expiry_ns = now + (uint64_t)RVM_TASK_MIGRATION_TIMEOUT_MS * NS_PER_MS,
                                   .current_time_ns = now, .max_delegation_depth = RVM_CAP_MAX_DEPTH,
                                   .nonce = ++policy_nonce };
}

/* The split plan of `src` (librvmpart's task order) and the DC-9 uses of its task pages. */
static uint32_t plan_split(const rvm_partition_t *src, uint32_t b_tasks, rvm_split_region_use_t *uses,
                           uint32_t *use_count)
{
    uint32_t b_bits = 0;
    *use_count = 0;
    for (uint32_t i = 0; i < src->task_count; i++) {
        uint32_t t = src->tasks[i];
        bool to_b = t < task_count && (b_tasks & (UINT32_C(1) << t)) != 0u;
        b_bits |= to_b ? UINT32_C(1) << i : 0u;
        if (t < task_count) {
            /* Only its own task touches a task page, so the page follows it. */
            uses[(*use_count)++] = (rvm_split_region_use_t){ RVM_HC_TASK_REGION(t), to_b ? 0u : 1u, to_b ? 1u : 0u };
        }
    }
    return b_bits;
}

/* Task `t`'s page leaves `from` (its runtime is at the safe point) for `to`. */
static void move_page(uint32_t t, rvm_vm_t *from, uint32_t to)
{
    if (map_page(t, to) != RVM_OK) {
        rvm_shutdown_fatal("cannot map a moved task page", t);
    }
    (void)rvm_s2_unmap(&from->s2, rvm_gpa(page_ipa(t)), RVM_HC_TASK_PAGE_BYTES);
    tasks[t].host = to;
}

/*
 * The second half's machine could not be built (out of frames for its tables
 * or of capability slots): librvmpart's half of the split is undone, its
 * tasks and their page regions going back to the source (the pages never
 * left its stage-2), and the empty half is destroyed, witnessed.
 */
static void undo_split(const rvm_part_world_t *w, uint32_t src, uint32_t b)
{
    for (uint32_t t = 0; t < task_count; t++) {
        const rvm_region_desc_t region = region_of(t);
        if (tasks[t].host != src || (pending.b_tasks & (UINT32_C(1) << t)) == 0u) {
            continue;
        }
        if (rvm_part_task_remove(w->parts, b, t) != RVM_OK || rvm_part_task_add(w->parts, src, t) != RVM_OK ||
            rvm_part_region_remove(w->parts, b, region.id) != RVM_OK ||
            rvm_part_region_add(w->parts, src, &region) != RVM_OK) {
            rvm_shutdown_fatal("cannot undo a split", t);
        }
    }
    (void)rvm_part_destroy(w, b);
    op_line("split undone, no room for a new partition: partition ", src, "", 0);
}

/* Carries out the pending split of the caller; false when it must wait for its next safe point. */
static bool split_now(rvm_vm_t *src)
{
    rvm_part_world_t w;
    if (rvm_domain_world(&w) != RVM_OK || !drain(src->id, false) || rvm_domain_links_close(src->id, 0) != RVM_OK) {
        return false;
    }
    const rvm_partition_t *rec = rvm_part_get(w.parts, src->id);
    rvm_split_region_use_t uses[RVM_PART_MAX_TASKS];
    uint32_t use_count = 0;
    if (rec == NULL || rec->task_count > RVM_PART_MAX_TASKS) {
        return false;
    }
    const rvm_split_plan_t plan = { plan_split(rec, pending.b_tasks, uses, &use_count), pending.cut_epoch, 1, uses,
                                    use_count, NULL, 0, 0 };
    rvm_phys_addr_t ram = { 0 };
    rvm_err_t err = rvm_frames_alloc(src->cfg->ram_bytes, &ram);
    rvm_partition_id_t b = 0;
    if (err == RVM_OK) {
        /* Its vCPU is in this hypercall, not running: librvmpart wants a source on no CPU. */
        rvm_domain_leave(src);
        /* A refusal is librvmpart's to witness, with its reason. */
        err = rvm_part_split(&w, pending.caller, pending.authority, src->id, &plan, epoch_now, CUT_MAX_STALENESS, &b,
                             NULL);
        if (rvm_domain_run(src) != RVM_OK) {
            rvm_shutdown_fatal("no VMID for partition", src->id);
        }
        rvm_arch_vttbr_activate(rvm_vm_vttbr(src));
    }
    rvm_vm_t *half = NULL;
    if (err == RVM_OK) {
        err = rvm_vm_adopt(src->cfg, b, ram, &half);
        if (err != RVM_OK) {
            undo_split(&w, src->id, b);
        }
    }
    if (err == RVM_OK) {
        for (uint32_t t = 0; t < task_count; t++) {
            rvm_region_desc_t region;
            if (tasks[t].host != src->id || (pending.b_tasks & (UINT32_C(1) << t)) == 0u) {
                continue;
            }
            /* DC-9 put each page where its task went; the mapping follows librvmpart's records. */
            if (rvm_part_region_find(w.parts, b, RVM_HC_TASK_REGION(t), &region) != RVM_OK) {
                rvm_shutdown_fatal("a split left a task page behind", t);
            }
            move_page(t, src, b);
        }
        if (rvm_dispatch_add(half) != RVM_OK) {
            rvm_shutdown_fatal("cannot schedule the second half of a split", b);
        }
        splits++;
        op_line("split partition ", src->id, ", new partition ", b);
        rvm_coherence_tasks_moved();
        return true;
    }
    if (ram.bits != 0u) {
        (void)rvm_frames_free(ram, src->cfg->ram_bytes);
    }
    /* Refused (witnessed by librvmpart), or no memory for the second half: the engine may decide again. */
    refused_ops++;
    return true;
}

/* Carries out the pending merge of the caller into its absorber; false when it must wait. */
static bool merge_now(rvm_trap_frame_t *f, rvm_vm_t *gone)
{
    rvm_part_world_t w;
    rvm_vm_t *into = rvm_vm_get(pending.absorber);
    if (into == NULL || into->state != RVM_VM_RUNNABLE) {
        refused_ops++;
        return true;
    }
    if (rvm_domain_world(&w) != RVM_OK || !drain(gone->id, false) ||
        rvm_domain_links_close(gone->id, into->id) != RVM_OK) {
        return false;
    }
    const rvm_cap_policy_ctx_t policy = merge_policy(pending.caller);
    rvm_domain_leave(gone);
    rvm_err_t err = rvm_part_merge(&w, pending.caller, pending.authority, &policy, into->id, gone->id,
                                   pending.predicted, NULL);
    if (err != RVM_OK) {
        if (rvm_domain_run(gone) != RVM_OK) {
            rvm_shutdown_fatal("no VMID for partition", gone->id);
        }
        rvm_arch_vttbr_activate(rvm_vm_vttbr(gone));
        refused_ops++;
        return true;
    }
    rvm_domain_links_forget(gone->id);
    for (uint32_t t = 0; t < task_count; t++) {
        if (tasks[t].host == gone->id) {
            move_page(t, gone, into->id);
        }
    }
    merges++;
    op_line("merged partition ", gone->id, " into ", into->id);
    pending.kind = OP_NONE;
    rvm_coherence_tasks_moved();
    /* Everything it had is the absorber's now; what is left is an empty machine, which ends here. */
    rvm_vm_stop(gone, false, 0u);
    rvm_dispatch_current_stopped(f);
    return true;
}

/* Carries out the pending move of one task out of the caller; false when it must wait. */
static bool move_now(rvm_vm_t *src)
{
    uint32_t t = (uint32_t)__builtin_ctz(pending.b_tasks);
    rvm_partmgr_t *mgr = rvm_domain_partmgr();
    rvm_vm_t *to = rvm_vm_get(pending.absorber);
    if (mgr == NULL || to == NULL || to->state != RVM_VM_RUNNABLE || tasks[t].host != src->id) {
        refused_ops++;
        return true;
    }
    /* Everything the task sent or was sent from here is delivered first, so nothing overtakes it. */
    if (!drain(src->id, false)) {
        return false;
    }
    const rvm_region_desc_t region = region_of(t);
    rvm_err_t err = rvm_part_task_remove(mgr, src->id, t);
    if (err == RVM_OK) {
        err = rvm_part_region_remove(mgr, src->id, region.id);
    }
    if (err == RVM_OK) {
        err = rvm_part_task_add(mgr, to->id, t);
    }
    if (err == RVM_OK) {
        err = rvm_part_region_add(mgr, to->id, &region);
    }
    if (err != RVM_OK) {
        rvm_shutdown_fatal("cannot move a task's records", t);
    }
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE];
    rvm_le64_store(payload, ((uint64_t)src->id << 32) | to->id);
    (void)rvm_audit_emit(RVM_ACTION_REGION_TRANSFER, pending.caller, region.id, 0, payload);
    move_page(t, src, to->id);
    op_line("moved a task from partition ", src->id, " to ", to->id);
    rvm_coherence_tasks_moved();
    return true;
}

static int64_t sync(rvm_trap_frame_t *f, rvm_vm_t *caller)
{
    if (pending.kind != OP_NONE && pending.part == caller->id) {
        bool finished = pending.kind == OP_SPLIT   ? split_now(caller)
                        : pending.kind == OP_MERGE ? merge_now(f, caller)
                                                   : move_now(caller);
        if (caller->state != RVM_VM_RUNNABLE) {
            /* Merged away: `f` already holds the partition that runs next. */
            return 0;
        }
        if (finished) {
            pending.kind = OP_NONE;
        }
    }
    set(f, 0, hosted_mask(caller->id), all_done() ? RVM_HC_TASK_ALL_DONE : 0u);
    return 0;
}

int64_t rvm_task_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call)
{
    int64_t status = RVM_ERR_NOT_FOUND;
    if (task_count != 0u) {
        switch (call) {
        case RVM_HC_TASK_SYNC:
            status = sync(f, caller);
            break;
        case RVM_HC_TASK_SEND:
            status = send(f, caller);
            break;
        case RVM_HC_TASK_RECV:
            status = recv(f, caller);
            break;
        case RVM_HC_TASK_DONE:
            status = done(f, caller);
            break;
        default:
            status = RVM_HC_NOT_SUPPORTED;
            break;
        }
    }
    if (status < 0) {
        set(f, status, 0, 0);
    }
    return status;
}

bool rvm_task_busy(void)
{
    return pending.kind != OP_NONE;
}

rvm_err_t rvm_task_check_split(uint32_t pid, uint32_t b_tasks)
{
    if (pending.kind != OP_NONE) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    uint32_t mask = hosted_mask(pid);
    /* Both halves keep a task, and only the partition's own tasks move. */
    if (task_count == 0u || (b_tasks & ~mask) != 0u || b_tasks == 0u || b_tasks == mask) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

rvm_err_t rvm_task_check_merge(uint32_t absorber, uint32_t absorbed)
{
    if (pending.kind != OP_NONE) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (absorber == absorbed || rvm_task_hosted(absorber) == 0u || rvm_task_hosted(absorbed) == 0u) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

rvm_err_t rvm_task_check_move(uint32_t t, uint32_t from, uint32_t to)
{
    const rvm_vm_t *dest = rvm_vm_get(to);
    if (pending.kind != OP_NONE) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (t >= task_count || tasks[t].host != from || from == to || dest == NULL || dest->state != RVM_VM_RUNNABLE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

static void queue(const op_t *op)
{
    pending = *op;
    pending.deadline_ns = rvm_audit_now_ns() + (uint64_t)RVM_TASK_MIGRATION_TIMEOUT_MS * NS_PER_MS;
}

void rvm_task_request_split(uint32_t caller, rvm_cap_handle_t authority, uint32_t pid, uint32_t b_tasks,
                            uint64_t epoch)
{
    queue(&(op_t){ .kind = OP_SPLIT, .part = pid, .b_tasks = b_tasks, .cut_epoch = epoch, .caller = caller,
                   .authority = authority });
}

void rvm_task_request_merge(uint32_t caller, rvm_cap_handle_t authority, uint32_t absorber, uint32_t absorbed,
                            uint32_t predicted)
{
    queue(&(op_t){ .kind = OP_MERGE, .part = absorbed, .absorber = absorber, .predicted = predicted,
                   .caller = caller, .authority = authority });
}

void rvm_task_request_move(uint32_t caller, uint32_t t, uint32_t to)
{
    queue(&(op_t){ .kind = OP_MOVE, .part = tasks[t].host, .absorber = to, .b_tasks = UINT32_C(1) << t,
                   .caller = caller });
}

uint64_t rvm_task_epoch_now(void)
{
    return epoch_now;
}

void rvm_task_epoch(uint64_t epoch)
{
    epoch_now = epoch;
    if (task_count == 0u) {
        return;
    }
    if (pending.kind != OP_NONE && rvm_audit_now_ns() > pending.deadline_ns) {
        uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
        rvm_le32_store(payload, RVM_TASK_MIGRATION_TIMEOUT_MS);
        rvm_le32_store(payload + 4, pending.kind == OP_MERGE ? pending.absorber : pending.b_tasks);
        /* Nothing has moved: the operation happens whole at the safe point or not at all. */
        (void)rvm_audit_emit(RVM_ACTION_MIGRATION_TIMEOUT, 0, pending.part, pending.kind, payload);
        op_line(pending.kind == OP_SPLIT   ? "split abandoned (timeout): partition "
                : pending.kind == OP_MERGE ? "merge abandoned (timeout): partition "
                                           : "task move abandoned (timeout): partition ",
                pending.part, "", 0);
        abandoned++;
        pending.kind = OP_NONE;
    }
    if (epoch - window_start >= REPORT_EPOCHS) {
        rvm_console_begin();
        rvm_console_str("placement: epochs ");
        rvm_console_dec(window_start);
        rvm_console_str("-");
        rvm_console_dec(epoch - 1u);
        rvm_console_str(" cross=");
        rvm_console_dec(window.cross);
        rvm_console_str(" intra=");
        rvm_console_dec(window.intra);
        rvm_console_end();
        window = (counts_t){ 0 };
        window_start = epoch;
    }
}

void rvm_task_partition_ended(rvm_vm_t *p)
{
    for (uint32_t t = 0; t < task_count; t++) {
        if (tasks[t].host == p->id) {
            (void)rvm_s2_unmap(&p->s2, rvm_gpa(page_ipa(t)), RVM_HC_TASK_PAGE_BYTES);
            rvm_tiers_release(RVM_HC_TASK_REGION(t));
            tasks[t].host = 0;
            tasks[t].queued = 0;
        }
    }
    if (pending.kind != OP_NONE && (pending.part == p->id || pending.absorber == p->id)) {
        /* Authorised, never carried out: counted with the refused ones. */
        pending.kind = OP_NONE;
        refused_ops++;
    }
}

void rvm_task_report(void)
{
    if (task_count == 0u) {
        return;
    }
    rvm_console_begin();
    rvm_console_str("placement: tasks=");
    rvm_console_dec(task_count);
    rvm_console_str(" messages=");
    rvm_console_dec(total.cross + total.intra);
    rvm_console_str(" cross=");
    rvm_console_dec(total.cross);
    rvm_console_str(" intra=");
    rvm_console_dec(total.intra);
    rvm_console_str(" splits=");
    rvm_console_dec(splits);
    rvm_console_str(" merges=");
    rvm_console_dec(merges);
    rvm_console_str(" refused=");
    rvm_console_dec(refused_ops);
    rvm_console_str(" abandoned=");
    rvm_console_dec(abandoned);
    rvm_console_str(rvm_coherence_enabled() ? " coherence=on" : " coherence=off (degraded)");
    rvm_console_end();
}
