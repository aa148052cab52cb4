/* Partitions as coherence domains, and the IPC between them (see domain.h). */
#include "domain.h"

#include <stdbool.h>
#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/device_lease.h>
#include <rvm/hypercall.h>
#include <rvm/ipc.h>
#include <rvm/partition.h>
#include <rvm/rights.h>
#include <rvm/vmid.h>
#include <rvm/vcpu.h>

#include "audit.h"
#include "coherence.h"
#include "config.h"
#include "console.h"
#include "frames.h"
#include "gate.h"

typedef struct channel_end {
    rvm_cap_handle_t handle;
    rvm_edge_id_t edge;
    uint32_t owner;
    uint32_t peer;
    uint8_t receive; /* 0: send end, 1: receive end */
} channel_end_t;

static rvm_partmgr_t parts;
static rvm_ipc_t ipc;
/* No device is leasable on this platform yet: the table stays empty, and hibernation checks it. */
static rvm_lease_table_t leases;
static channel_end_t ends[RVM_DOMAIN_CHANNEL_ENDS_MAX];

/* A channel the kernel made for task messages from one partition to another; its ends stay with the kernel. */
typedef struct link {
    rvm_edge_id_t edge;
    uint32_t from;
    uint32_t to;
    rvm_cap_handle_t send_end;
    rvm_cap_handle_t recv_end;
    bool live;
} link_t;

static link_t links[RVM_DOMAIN_LINKS_MAX];
static uint32_t end_count;
static bool active;
static rvm_cap_manager_t *cap_manager_of_leases;
/* The scheduler epoch lease durations count in, as of CPU 0's last tick. */
static uint64_t epoch_now;
static rvm_phys_addr_t region_pa[RVM_VM_MAX + 1u];

static void flush_vmid(void *ctx, uint16_t vmid)
{
    (void)ctx;
    rvm_arch_s2_flush_vmid(vmid);
}

static uint64_t share_ipa(rvm_partition_id_t owner)
{
    return RVM_HC_SHARE_WINDOW_IPA + (uint64_t)owner * RVM_HC_SHARE_REGION_BYTES;
}

/* The region id is its owner's partition id: one region each. */
static rvm_err_t share(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region)
{
    (void)ctx;
    rvm_vm_t *to = rvm_vm_get(receiver);
    if (to == NULL || region->id == 0u || region->id > RVM_VM_MAX) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    /* Read-only and never executable in the receiver, whatever the owner may do with it. */
    return rvm_s2_map(&to->s2, rvm_gpa(share_ipa((rvm_partition_id_t)region->id)), region_pa[region->id],
                      RVM_HC_SHARE_REGION_BYTES, 0);
}

static void unshare(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region)
{
    (void)ctx;
    rvm_vm_t *to = rvm_vm_get(receiver);
    if (to != NULL && to->state == RVM_VM_RUNNABLE) {
        (void)rvm_s2_unmap(&to->s2, rvm_gpa(share_ipa((rvm_partition_id_t)region->id)), RVM_HC_SHARE_REGION_BYTES);
    }
}

/* A leased device's registers appear at their physical address in the holder, as on bare metal. */
static rvm_err_t map_lease(void *ctx, rvm_partition_id_t part, uint64_t base, uint64_t size)
{
    (void)ctx;
    rvm_vm_t *p = rvm_vm_get(part);
    if (p == NULL || p->state != RVM_VM_RUNNABLE) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    return rvm_s2_map(&p->s2, rvm_gpa(base), rvm_phys(base), size, RVM_S2_ATTR_WRITE | RVM_S2_ATTR_DEVICE);
}

/* Unmapped with the holder's TLB entries invalidated: its next access to the window faults. */
static void unmap_lease(void *ctx, rvm_partition_id_t part, uint64_t base, uint64_t size)
{
    (void)ctx;
    rvm_vm_t *p = rvm_vm_get(part);
    if (p != NULL && p->state == RVM_VM_RUNNABLE) {
        (void)rvm_s2_unmap(&p->s2, rvm_gpa(base), size);
    }
}

/*
 * The platform's leasable devices (the PL031 RTC on QEMU virt) are
 * registered, and the control partition (the first) gets a Device capability
 * to each, WRITE, which authorises lending it: the handle of the first goes
 * to it in x3 at entry.
 */
static rvm_err_t register_devices(const rvm_dtb_platform_t *plat, rvm_cap_manager_t *caps)
{
    rvm_vm_t *control = rvm_vm_slot(0);
    if (!plat->rtc_present || control == NULL) {
        return RVM_OK;
    }
    uint32_t id = 0;
    rvm_err_t err = rvm_lease_register_device(&leases, RVM_DEVICE_GENERIC, plat->rtc.base, plat->rtc.size,
                                              RVM_DEVICE_NO_IRQ, &id);
    rvm_cap_handle_t h = RVM_CAP_HANDLE_NULL;
    if (err == RVM_OK) {
        err = rvm_cap_create_root(caps, 0, RVM_OBJ_DEVICE, id, RVM_RIGHT_READ | RVM_RIGHT_WRITE, 0, control->id, &h);
    }
    if (err == RVM_OK) {
        control->caps[2] = h;
        control->vcpu.frame.x[3] = rvm_cap_handle_pack(h);
    }
    return err;
}

static rvm_err_t add_region(rvm_vm_t *p)
{
    rvm_err_t err = rvm_frames_alloc(RVM_HC_SHARE_REGION_BYTES, &region_pa[p->id]);
    if (err == RVM_OK) {
        err = rvm_s2_map(&p->s2, rvm_gpa(RVM_HC_SHARE_REGION_IPA), region_pa[p->id], RVM_HC_SHARE_REGION_BYTES,
                         RVM_S2_ATTR_WRITE);
    }
    if (err == RVM_OK) {
        const rvm_region_desc_t desc = { p->id, RVM_HC_SHARE_REGION_IPA, RVM_HC_SHARE_REGION_BYTES >> 12,
                                         RVM_REGION_READ | RVM_REGION_WRITE };
        err = rvm_part_region_add(&parts, p->id, &desc);
    }
    return err;
}

static rvm_err_t add_end(rvm_cap_handle_t h, rvm_edge_id_t edge, uint32_t owner, uint32_t peer, uint8_t receive)
{
    if (end_count == RVM_DOMAIN_CHANNEL_ENDS_MAX) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    ends[end_count++] = (channel_end_t){ h, edge, owner, peer, receive };
    return RVM_OK;
}

rvm_err_t rvm_domain_init(void)
{
    return rvm_part_init(&parts, rvm_audit_log(), flush_vmid, NULL);
}

rvm_err_t rvm_domain_register(uint32_t id, uint16_t *vmid)
{
    rvm_partition_id_t got = 0;
    rvm_err_t err = rvm_part_create(&parts, RVM_PARTITION_TYPE_AGENT, 1, 0, &got);
    if (err == RVM_OK && got != id) {
        err = RVM_ERR_INTERNAL_ERROR;
    }
    if (err == RVM_OK) {
        err = rvm_part_transition(&parts, id, RVM_PARTITION_RUNNING);
    }
    /* Its first VMID, which its stage-2 space is made for; it is on no CPU until the scheduler picks it. */
    bool fresh = false;
    if (err == RVM_OK) {
        err = rvm_vmid_acquire(&parts, id, rvm_audit_now_ns(), vmid, &fresh);
    }
    if (err == RVM_OK) {
        err = rvm_vmid_descheduled(&parts, id);
    }
    return err;
}

rvm_err_t rvm_domain_adopt(uint32_t id, uint16_t *vmid)
{
    bool fresh = false;
    rvm_err_t err = rvm_vmid_acquire(&parts, id, rvm_audit_now_ns(), vmid, &fresh);
    if (err == RVM_OK) {
        err = rvm_vmid_descheduled(&parts, id);
    }
    return err;
}

rvm_err_t rvm_domain_run(rvm_vm_t *p)
{
    uint16_t vmid = 0;
    bool fresh = false;
    rvm_err_t err = rvm_vmid_acquire(&parts, p->id, rvm_audit_now_ns(), &vmid, &fresh);
    if (err == RVM_OK && fresh) {
        /* Its old VMID was reclaimed (and flushed) while it was off every CPU. */
        p->vmid = vmid;
        err = rvm_s2_set_vmid(&p->s2, vmid);
    }
    return err;
}

void rvm_domain_leave(const rvm_vm_t *p)
{
    (void)rvm_vmid_descheduled(&parts, p->id);
}

rvm_err_t rvm_domain_setup(rvm_cap_manager_t *caps, const rvm_dtb_platform_t *plat)
{
    size_t count = 0;
    const rvm_config_channel_t *cfg = rvm_config_channels(&count);
    cap_manager_of_leases = caps;
    rvm_err_t err = RVM_OK;
    for (uint32_t i = 0; i < rvm_vm_created() && err == RVM_OK && rvm_config_share_region(); i++) {
        err = add_region(rvm_vm_slot(i));
    }
    const rvm_ipc_ops_t ops = { share, unshare, NULL };
    if (err == RVM_OK) {
        err = rvm_ipc_init(&ipc, &parts, caps, rvm_audit_log(), &ops);
    }
    const rvm_lease_ops_t lease_ops = { map_lease, unmap_lease, NULL };
    if (err == RVM_OK) {
        err = rvm_lease_init(&leases, &parts, caps, rvm_audit_log(), &lease_ops);
    }
    if (err == RVM_OK) {
        err = register_devices(plat, caps);
    }
    for (size_t i = 0; i < count && err == RVM_OK; i++) {
        uint32_t from = cfg[i].source + 1u;
        uint32_t to = cfg[i].dest + 1u;
        rvm_edge_id_t edge = 0;
        rvm_cap_handle_t send_end = RVM_CAP_HANDLE_NULL;
        rvm_cap_handle_t recv_end = RVM_CAP_HANDLE_NULL;
        /* The badge names the sender: the receiver learns who wrote, and the sender cannot choose it. */
        err = rvm_ipc_create(&ipc, from, to, from, &edge, &send_end, &recv_end);
        if (err == RVM_OK) {
            err = add_end(send_end, edge, from, to, 0);
        }
        if (err == RVM_OK) {
            err = add_end(recv_end, edge, to, from, 1);
        }
    }
    active = err == RVM_OK;
    return err;
}

/* The channel end `raw` names, if it is one of the caller's: the edge comes from the kernel, never the caller. */
static const channel_end_t *end_of(const rvm_vm_t *caller, uint64_t raw, uint8_t receive)
{
    for (uint32_t i = 0; i < end_count; i++) {
        if (ends[i].owner == caller->id && ends[i].receive == receive && rvm_cap_handle_pack(ends[i].handle) == raw) {
            return &ends[i];
        }
    }
    return NULL;
}

static void set(rvm_trap_frame_t *f, int64_t status, uint64_t r1, uint64_t r2, uint64_t r3)
{
    f->x[0] = (uint64_t)status;
    f->x[1] = r1;
    f->x[2] = r2;
    f->x[3] = r3;
}

static int64_t send(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    const channel_end_t *e = end_of(caller, f->x[1], 0);
    uint64_t ipa = f->x[2];
    uint64_t len = f->x[3];
    if (len > RVM_HC_IPC_INLINE_MAX || f->x[4] > UINT16_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_vm_check(caller, ipa, len, false);
    if (err != RVM_OK) {
        return err;
    }
    uint8_t buf[RVM_HC_IPC_INLINE_MAX];
    rvm_vm_read(caller, ipa, buf, len);
    /* A handle that is no end of the caller's still goes to the library, which answers with the capability error. */
    err = rvm_ipc_send(&ipc, e != NULL ? e->edge : 0u, caller->id, rvm_cap_handle_unpack(f->x[1]), (uint16_t)f->x[4], buf,
                       (uint16_t)len);
    if (err == RVM_OK && e != NULL) {
        rvm_coherence_message(caller->id, e->peer, RVM_COHERENCE_NO_TASK, RVM_COHERENCE_NO_TASK);
    }
    set(f, err, 0, 0, 0);
    return err == RVM_ERR_RESOURCE_LIMIT_EXCEEDED ? 0 : err;
}

static int64_t send_region(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    const channel_end_t *e = end_of(caller, f->x[1], 0);
    if (f->x[2] > UINT16_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_ipc_send_region(&ipc, e != NULL ? e->edge : 0u, caller->id, rvm_cap_handle_unpack(f->x[1]),
                                        (uint16_t)f->x[2], caller->id);
    set(f, err, 0, 0, 0);
    return err == RVM_ERR_RESOURCE_LIMIT_EXCEEDED ? 0 : err;
}

static int64_t recv(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    const channel_end_t *e = end_of(caller, f->x[1], 1);
    uint64_t ipa = f->x[2];
    if (f->x[3] < RVM_HC_IPC_INLINE_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_vm_check(caller, ipa, RVM_HC_IPC_INLINE_MAX, true);
    if (err != RVM_OK) {
        return err;
    }
    rvm_ipc_msg_t msg;
    bool got = false;
    err = rvm_ipc_recv(&ipc, e != NULL ? e->edge : 0u, caller->id, rvm_cap_handle_unpack(f->x[1]), &msg, &got);
    if (err != RVM_OK || !got) {
        set(f, err, 0, 0, 0);
        return err;
    }
    uint64_t info = RVM_HC_IPC_GOT | ((uint64_t)msg.kind << 16) | msg.msg_type;
    if (msg.kind == RVM_IPC_REGION) {
        set(f, 0, share_ipa((rvm_partition_id_t)msg.region.id), info, msg.badge);
        return 0;
    }
    rvm_vm_write(caller, ipa, msg.payload, msg.payload_len);
    set(f, 0, msg.payload_len, info, msg.badge);
    return 0;
}

static int64_t notify_or_wait(rvm_trap_frame_t *f, const rvm_vm_t *caller, bool wait)
{
    const channel_end_t *e = end_of(caller, f->x[1], wait ? 1 : 0);
    rvm_edge_id_t edge = e != NULL ? e->edge : 0u;
    uint64_t bits = 0;
    rvm_err_t err = wait ? rvm_ipc_wait(&ipc, edge, caller->id, rvm_cap_handle_unpack(f->x[1]), f->x[2], &bits)
                         : rvm_ipc_notify(&ipc, edge, caller->id, rvm_cap_handle_unpack(f->x[1]), f->x[2]);
    set(f, err, bits, 0, 0);
    return err;
}

static int64_t list(rvm_trap_frame_t *f, const rvm_vm_t *caller)
{
    uint64_t n = f->x[1];
    for (uint32_t i = 0; i < end_count; i++) {
        if (ends[i].owner != caller->id) {
            continue;
        }
        if (n == 0u) {
            set(f, 0, rvm_cap_handle_pack(ends[i].handle), ends[i].peer, ends[i].receive);
            return 0;
        }
        n--;
    }
    return RVM_ERR_NOT_FOUND;
}

static int64_t dispatch(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call)
{
    if (!active) {
        return RVM_ERR_NOT_FOUND;
    }
    switch (call) {
    case RVM_HC_IPC_SEND:
        return send(f, caller);
    case RVM_HC_IPC_SEND_REGION:
        return send_region(f, caller);
    case RVM_HC_IPC_RECV:
        return recv(f, caller);
    case RVM_HC_IPC_NOTIFY:
        return notify_or_wait(f, caller, false);
    case RVM_HC_IPC_WAIT:
        return notify_or_wait(f, caller, true);
    case RVM_HC_IPC_CHANNEL:
        return list(f, caller);
    default:
        return RVM_HC_NOT_SUPPORTED;
    }
}

int64_t rvm_domain_ipc_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call)
{
    int64_t status = dispatch(f, caller, call);
    if (status < 0) {
        set(f, status, 0, 0, 0);
    }
    return status;
}

void rvm_domain_release(rvm_vm_t *p)
{
    /* Off its CPU first: a partition on one can only migrate, and its VMID goes back flushed. */
    rvm_domain_leave(p);
    if (!active) {
        (void)rvm_part_transition(&parts, p->id, RVM_PARTITION_DESTROYED);
        return;
    }
    /* Receivers lose their mappings of its region before the region's frames can go anywhere else. */
    (void)rvm_ipc_release_partition(&ipc, p->id);
    for (uint32_t i = 0; i < end_count; i++) {
        if (ends[i].owner == p->id || ends[i].peer == p->id) {
            ends[i].owner = 0;
        }
    }
    rvm_domain_links_forget(p->id);
    if (region_pa[p->id].bits != 0u) {
        (void)rvm_frames_free(region_pa[p->id], RVM_HC_SHARE_REGION_BYTES);
        region_pa[p->id] = (rvm_phys_addr_t){ 0 };
    }
    (void)rvm_part_transition(&parts, p->id, RVM_PARTITION_DESTROYED);
}

static int64_t lease_call(rvm_trap_frame_t *f, const rvm_vm_t *caller, uint32_t call)
{
    rvm_cap_handle_t h = rvm_cap_handle_unpack(f->x[1]);
    bool grant = call == RVM_HC_LEASE_GRANT;
    if (grant && (f->x[3] == 0u || f->x[3] > RVM_HC_LEASE_MAX_EPOCHS || f->x[2] > UINT32_MAX)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /*
     * What would make the lease fail once authorised is checked first, for the
     * capability's owner only (others learn nothing from the answer): the
     * gate's record is the mutation's, so it must not authorise one that
     * cannot happen.
     */
    rvm_cap_info_t pre;
    if (grant && rvm_cap_lookup(cap_manager_of_leases, h, &pre) == RVM_OK && pre.owner == caller->id &&
        pre.token.type == RVM_OBJ_DEVICE) {
        const rvm_vm_t *holder_vm = rvm_vm_get(f->x[2]);
        rvm_partition_id_t holder = 0;
        rvm_err_t busy = rvm_lease_holder(&leases, (uint32_t)pre.object_id, &holder);
        if (busy == RVM_OK && holder != 0u) {
            busy = RVM_ERR_DEVICE_LEASE_CONFLICT;
        }
        if (busy == RVM_OK && (holder_vm == NULL || holder_vm->state != RVM_VM_RUNNABLE)) {
            busy = RVM_ERR_PARTITION_NOT_FOUND;
        }
        if (busy != RVM_OK) {
            return busy;
        }
    }
    /* The gate decides on the Device capability; the record names the holder (grant) or the lease (revoke). */
    const rvm_gate_call_t c = { caller->id, h, RVM_OBJ_DEVICE, RVM_RIGHT_WRITE,
                                grant ? RVM_ACTION_DEVICE_LEASE_GRANT : RVM_ACTION_DEVICE_LEASE_REVOKE, f->x[2],
                                call, { f->x[2], f->x[3], 0, 0 }, NULL, NULL };
    rvm_err_t err = rvm_gate_check(&c);
    rvm_cap_info_t info;
    if (err == RVM_OK) {
        err = rvm_cap_lookup(cap_manager_of_leases, h, &info);
    }
    if (err != RVM_OK) {
        return err;
    }
    if (!grant) {
        rvm_lease_t lease;
        err = rvm_lease_get(&leases, f->x[2], &lease);
        if (err == RVM_OK && lease.device != info.object_id) {
            err = RVM_ERR_DEVICE_LEASE_NOT_FOUND;
        }
        if (err == RVM_OK) {
            err = rvm_lease_revoke(&leases, f->x[2]);
        }
        set(f, err, 0, 0, 0);
        return err;
    }
    rvm_lease_id_t lease = 0;
    err = rvm_lease_grant(&leases, (uint32_t)info.object_id, (rvm_partition_id_t)f->x[2], f->x[3], epoch_now,
                          (uint32_t)info.object_id, &lease);
    set(f, err, err == RVM_OK ? lease : 0u, 0, 0);
    return err;
}

int64_t rvm_domain_lease_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call)
{
    int64_t status = active ? lease_call(f, caller, call) : RVM_ERR_UNSUPPORTED;
    if (status < 0) {
        set(f, status, 0, 0, 0);
    }
    return status;
}

void rvm_domain_tick(uint64_t epoch)
{
    epoch_now = epoch;
    uint32_t expired = 0;
    if (active && rvm_lease_tick(&leases, epoch, &expired) == RVM_OK && expired != 0u) {
        rvm_console_begin();
        rvm_console_str("leases: ");
        rvm_console_dec(expired);
        rvm_console_str(" expired at epoch ");
        rvm_console_dec(epoch);
        rvm_console_end();
    }
}

static link_t *link_between(uint32_t from, uint32_t to)
{
    for (uint32_t i = 0; i < RVM_DOMAIN_LINKS_MAX; i++) {
        if (links[i].live && links[i].from == from && links[i].to == to) {
            return &links[i];
        }
    }
    return NULL;
}

static rvm_err_t link_open(uint32_t from, uint32_t to, link_t **out)
{
    for (uint32_t i = 0; i < RVM_DOMAIN_LINKS_MAX; i++) {
        link_t *l = &links[i];
        if (!l->live) {
            rvm_err_t err = rvm_ipc_create(&ipc, from, to, from, &l->edge, &l->send_end, &l->recv_end);
            if (err != RVM_OK) {
                return err;
            }
            l->from = from;
            l->to = to;
            l->live = true;
            *out = l;
            return RVM_OK;
        }
    }
    return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
}

rvm_err_t rvm_domain_link_send(uint32_t from, uint32_t to, const void *msg, uint16_t len)
{
    if (!active) {
        return RVM_ERR_NOT_FOUND;
    }
    link_t *l = link_between(from, to);
    if (l == NULL) {
        rvm_err_t err = link_open(from, to, &l);
        if (err != RVM_OK) {
            return err;
        }
    }
    return rvm_ipc_send(&ipc, l->edge, from, l->send_end, RVM_DOMAIN_LINK_MSG_TYPE, msg, len);
}

rvm_err_t rvm_domain_link_pop(uint32_t part, bool incoming_only, void *msg, uint16_t *len, bool *got)
{
    *got = false;
    for (uint32_t i = 0; i < RVM_DOMAIN_LINKS_MAX && active; i++) {
        const link_t *l = &links[i];
        if (!l->live || (l->to != part && (incoming_only || l->from != part))) {
            continue;
        }
        rvm_ipc_msg_t m;
        rvm_err_t err = rvm_ipc_recv(&ipc, l->edge, l->to, l->recv_end, &m, got);
        if (err != RVM_OK) {
            return err;
        }
        if (*got) {
            uint8_t *out = msg;
            for (uint32_t b = 0; b < m.payload_len; b++) {
                out[b] = m.payload[b];
            }
            *len = m.payload_len;
            return RVM_OK;
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_domain_links_close(uint32_t part, uint32_t keep_peer)
{
    for (uint32_t i = 0; i < RVM_DOMAIN_LINKS_MAX; i++) {
        link_t *l = &links[i];
        if (!l->live || (l->from != part && l->to != part)) {
            continue;
        }
        uint32_t peer = l->from == part ? l->to : l->from;
        uint32_t queued = 0;
        rvm_err_t err = rvm_ipc_pending(&ipc, l->edge, &queued);
        if (err == RVM_OK && queued != 0u) {
            err = RVM_ERR_INVALID_PARTITION_STATE;
        }
        if (err == RVM_OK && peer != keep_peer) {
            err = rvm_ipc_destroy(&ipc, l->edge);
            l->live = err != RVM_OK;
        }
        if (err != RVM_OK) {
            return err;
        }
    }
    return RVM_OK;
}

void rvm_domain_links_forget(uint32_t part)
{
    for (uint32_t i = 0; i < RVM_DOMAIN_LINKS_MAX; i++) {
        if (links[i].from == part || links[i].to == part) {
            links[i].live = false;
        }
    }
}

rvm_err_t rvm_domain_world(rvm_part_world_t *w)
{
    if (!active) {
        return RVM_ERR_NOT_FOUND;
    }
    *w = (rvm_part_world_t){ &parts, &ipc, &leases, cap_manager_of_leases };
    return RVM_OK;
}

rvm_partmgr_t *rvm_domain_partmgr(void)
{
    return active ? &parts : NULL;
}

const rvm_lease_table_t *rvm_domain_leases(void)
{
    return active ? &leases : NULL;
}
