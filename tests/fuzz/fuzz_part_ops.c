/*
 * libFuzzer target: the input is a program of librvmpart operations with
 * hostile partition ids, edge ids, capability handles, lengths, plans and
 * receipts, as a partition's hypercalls could supply them. After every step
 * the VMID pool, the channel table and the lease table must be consistent
 * and the witness chain must verify; any violation aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/cap_manager.h>
#include <rvm/hibernate.h>
#include <rvm/ipc.h>
#include <rvm/merge.h>
#include <rvm/part_world.h>
#include <rvm/split.h>
#include <rvm/vmid.h>
#include <rvm/witness_log.h>
#include <rvm/witness_verify.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

RVM_CAP_STORAGE_DEFINE(fuzz_part_table, 256, 64);
static rvm_witness_record_t ring[8192];
static rvm_nonce_ring_t nonces;
static rvm_cap_manager_t caps;
static rvm_partmgr_t parts;
static rvm_ipc_t ipc;
static rvm_lease_table_t leases;
static rvm_hibernate_receipt_t receipt;
static rvm_witness_log_t wlog;
/* One byte more than any message may carry, so that a length of 49 reaches the library's check. */
static uint8_t payload[RVM_IPC_INLINE_MAX + 1];

#define KEEP 32u
static rvm_cap_handle_t known[KEEP];
static uint32_t nknown;

static void flush(void *ctx, uint16_t vmid)
{
    (void)ctx;
    if (vmid == 0) {
        abort();
    }
}

static rvm_err_t map(void *ctx, rvm_partition_id_t p, uint64_t base, uint64_t size)
{
    (void)ctx;
    (void)base;
    (void)size;
    return p == 0 ? RVM_ERR_INTERNAL_ERROR : RVM_OK;
}

static void unmap(void *ctx, rvm_partition_id_t p, uint64_t base, uint64_t size)
{
    (void)ctx;
    (void)p;
    (void)base;
    (void)size;
}

static rvm_err_t share(void *ctx, rvm_partition_id_t r, const rvm_region_desc_t *d)
{
    (void)ctx;
    (void)r;
    return d->flags == RVM_REGION_READ ? RVM_OK : RVM_ERR_INTERNAL_ERROR;
}

static void unshare(void *ctx, rvm_partition_id_t r, const rvm_region_desc_t *d)
{
    (void)ctx;
    (void)r;
    (void)d;
}

static void check_invariants(void)
{
    uint32_t live = 0;
    uint32_t held = 0;
    for (uint32_t s = 0; s < RVM_MAX_PARTITIONS; s++) {
        const rvm_partition_t *p = &parts.parts[s];
        if (p->id == 0 || p->state == RVM_PARTITION_DESTROYED) {
            continue;
        }
        live++;
        if (p->vmid != RVM_VMID_NONE) {
            held++;
            if (p->vmid >= RVM_VMID_COUNT || parts.vmid_owner[p->vmid] != p->id) {
                abort();
            }
        }
        if (p->task_count > RVM_PART_MAX_TASKS || p->region_count > RVM_PART_MAX_REGIONS ||
            p->cap_count > RVM_PART_MAX_CAPS) {
            abort();
        }
    }
    if (live != rvm_part_count(&parts) || held + rvm_vmid_free_count(&parts) != RVM_VMID_COUNT - 1u) {
        abort();
    }
    for (uint32_t i = 0; i < RVM_IPC_MAX_CHANNELS; i++) {
        const rvm_ipc_channel_t *c = &ipc.channels[i];
        if (c->edge != 0 && (c->tail - c->head > RVM_IPC_QUEUE_DEPTH || rvm_part_get(&parts, c->source) == NULL ||
                             rvm_part_get(&parts, c->dest) == NULL)) {
            abort();
        }
    }
    for (uint32_t i = 0; i < RVM_LEASE_MAX_LEASES; i++) {
        if (leases.leases[i].id != 0 && rvm_part_get(&parts, leases.leases[i].holder) == NULL) {
            abort();
        }
    }
    if (rvm_witness_verify_log(&wlog, NULL, NULL) != RVM_OK) {
        abort();
    }
}

static void keep(rvm_cap_handle_t h)
{
    known[nknown % KEEP] = h;
    nknown++;
}

/* A handle from the program: one the kernel issued, or a forged one. */
static rvm_cap_handle_t handle(uint8_t sel, uint8_t gen)
{
    if (sel < 0xC0 && nknown != 0) {
        return known[sel % (nknown < KEEP ? nknown : KEEP)];
    }
    return (rvm_cap_handle_t){ sel, gen };
}

static void run_split(const uint8_t *a, rvm_partition_id_t pid)
{
    rvm_split_region_use_t uses[2] = { { a[3] % 8u, a[4], a[5] }, { a[4] % 8u, a[5], a[3] } };
    rvm_split_edge_side_t edges[2] = { { a[5] % 8u, a[6] & 1u }, { a[6] % 8u, (uint8_t)(a[6] >> 1) } };
    rvm_split_plan_t plan = { .b_tasks = a[2], .cut_epoch = a[3] % 4u, .cross_cost = a[4] % 3u, .uses = uses,
                              .use_count = a[5] % 3u, .edges = edges, .edge_count = a[6] % 3u,
                              .cut_links = a[7] % 5u };
    rvm_cap_handle_t auth;
    if (rvm_cap_create_root(&caps, 0, RVM_OBJ_PARTITION, pid, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, 0, 1, &auth) !=
        RVM_OK) {
        return;
    }
    rvm_part_world_t w = { &parts, &ipc, &leases, &caps };
    rvm_partition_id_t nid;
    (void)rvm_part_split(&w, 1, auth, pid, &plan, 3, a[7] % 3u, &nid, NULL);
    (void)rvm_cap_delete(&caps, 1, auth);
}

static void run_merge(const uint8_t *a, rvm_partition_id_t x, rvm_partition_id_t y, uint64_t nonce)
{
    rvm_cap_handle_t auth;
    if (rvm_cap_create_root(&caps, 0, RVM_OBJ_PARTITION, x, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, 0, 1, &auth) != RVM_OK) {
        return;
    }
    (void)rvm_part_set_scores(&parts, x, 6000u + 1000u * (a[3] & 3u), 0);
    (void)rvm_part_set_scores(&parts, y, 6000u + 1000u * (a[4] & 3u), 0);
    rvm_cap_policy_ctx_t pol = { .expected_owner = 1, .region_base = 0, .region_limit = 1, .lease_expiry_ns = 9,
                                 .current_time_ns = a[5] % 12u, .max_delegation_depth = 8, .nonce = nonce };
    rvm_part_world_t w = { &parts, &ipc, &leases, &caps };
    (void)rvm_part_merge(&w, 1, auth, &pol, x, y, 7000, NULL);
    (void)rvm_cap_delete(&caps, 1, auth);
}

static void step(const uint8_t *a, uint64_t n)
{
    rvm_partition_id_t p1 = a[1] % 20u;
    rvm_partition_id_t p2 = a[2] % 20u;
    rvm_part_world_t w = { &parts, &ipc, &leases, &caps };
    rvm_partition_id_t id;
    uint16_t v;
    bool fresh;
    rvm_edge_id_t e;
    rvm_cap_handle_t t;
    rvm_cap_handle_t r;
    rvm_ipc_msg_t m;
    bool got;
    uint64_t bits;
    uint32_t cnt;
    rvm_lease_id_t lid;
    switch (a[0] % 16u) {
    case 0:
        (void)rvm_part_create(&parts, a[1] % 4u, a[2], a[3], &id);
        break;
    case 1:
        if (a[2] % 6u != RVM_PARTITION_DESTROYED) {
            (void)rvm_part_transition(&parts, p1, a[2] % 6u);
        }
        break;
    case 2:
        (void)rvm_part_destroy(&w, p1);
        break;
    case 3:
        (void)rvm_vmid_acquire(&parts, p1, n, &v, &fresh);
        break;
    case 4:
        (void)rvm_vmid_descheduled(&parts, p1);
        break;
    case 5:
        if (rvm_ipc_create(&ipc, p1, p2, a[3], &e, &t, &r) == RVM_OK) {
            keep(t);
            keep(r);
        }
        break;
    case 6:
        (void)rvm_ipc_send(&ipc, a[3] % 8u, p1, handle(a[4], a[5]), a[6], payload, (uint16_t)(a[7] % 50u));
        break;
    case 7:
        (void)rvm_ipc_recv(&ipc, a[3] % 8u, p1, handle(a[4], a[5]), &m, &got);
        break;
    case 8:
        if ((a[6] & 1u) != 0) {
            (void)rvm_ipc_notify(&ipc, a[3] % 8u, p1, handle(a[4], a[5]), a[7]);
        } else {
            (void)rvm_ipc_wait(&ipc, a[3] % 8u, p1, handle(a[4], a[5]), a[7], &bits);
        }
        break;
    case 9: {
        rvm_region_desc_t d = { a[3] % 8u, (uint64_t)a[4] << 12, a[5] % 4u, a[6] % 9u };
        (void)rvm_part_region_add(&parts, p1, &d);
        (void)rvm_part_task_add(&parts, p1, a[7]);
        break;
    }
    case 10:
        if ((a[6] & 1u) != 0) {
            (void)rvm_ipc_send_region(&ipc, a[3] % 8u, p1, handle(a[4], a[5]), 0, a[7] % 8u);
        } else {
            (void)rvm_ipc_unshare(&ipc, a[3] % 8u, p1, a[7] % 8u);
        }
        break;
    case 11:
        if (a[3] % 4u == 0) {
            (void)rvm_lease_register_device(&leases, a[4] % 7u, (uint64_t)a[5] << 12, 0x1000, 0, &cnt);
        } else if (a[3] % 4u == 1) {
            (void)rvm_lease_grant(&leases, a[4] % 8u, p1, a[5] % 4u, n, 0, &lid);
        } else if (a[3] % 4u == 2) {
            (void)rvm_lease_revoke(&leases, a[4] % 8u);
        } else {
            (void)rvm_lease_tick(&leases, n, &cnt);
        }
        break;
    case 12:
        if ((a[3] & 1u) != 0) {
            (void)rvm_part_hibernate(&parts, &leases, p1, n, (uint32_t)n, &receipt);
        } else {
            rvm_hibernate_receipt_t bad = receipt;
            ((uint8_t *)&bad)[a[4] % sizeof bad] ^= a[5];
            (void)rvm_part_reconstruct(&parts, (a[6] & 1u) != 0 ? &bad : &receipt);
        }
        break;
    case 13:
        run_split(a, p1);
        break;
    case 14:
        run_merge(a, p1, p2, n);
        break;
    default:
        (void)rvm_ipc_destroy(&ipc, a[3] % 8u);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rvm_ipc_ops_t iops = { share, unshare, NULL };
    rvm_lease_ops_t lops = { map, unmap, NULL };
    memset(&receipt, 0, sizeof receipt);
    nknown = 0;
    if (rvm_witness_log_init(&wlog, ring, 8192, NULL) != RVM_OK || rvm_nonce_ring_init(&nonces, false) != RVM_OK ||
        rvm_cap_manager_init(&caps, &fuzz_part_table, NULL, &wlog, &nonces) != RVM_OK ||
        rvm_part_init(&parts, &wlog, flush, NULL) != RVM_OK || rvm_ipc_init(&ipc, &parts, &caps, &wlog, &iops) != RVM_OK ||
        rvm_lease_init(&leases, &parts, &caps, &wlog, &lops) != RVM_OK) {
        abort();
    }
    for (size_t i = 0; i + 8 <= size && i < 8 * 300; i += 8) {
        step(data + i, i / 8 + 1);
        check_invariants();
    }
    return 0;
}
