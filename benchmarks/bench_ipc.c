/* IPC: one 48-byte message sent and received through librvmpart, capability checks included. */
#include <stdint.h>
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/ipc.h>
#include <rvm/partition.h>
#include <rvm/witness_log.h>

#include "benches.h"

RVM_CAP_STORAGE_DEFINE(bench_ipc_table, 1024, 256);

typedef struct ipc_ctx {
    rvm_witness_log_t log;
    rvm_witness_record_t *ring;
    rvm_nonce_ring_t nonces;
    rvm_cap_manager_t caps;
    rvm_partmgr_t parts;
    rvm_ipc_t ipc;
    rvm_partition_id_t a;
    rvm_partition_id_t b;
    rvm_edge_id_t edge;
    rvm_cap_handle_t tx;
    rvm_cap_handle_t rx;
    uint8_t payload[RVM_IPC_INLINE_MAX];
} ipc_ctx_t;

static void must(rvm_err_t e)
{
    if (e != RVM_OK) {
        abort();
    }
}

static void no_flush(void *ctx, uint16_t vmid)
{
    (void)ctx;
    (void)vmid;
}

static rvm_err_t no_share(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region)
{
    (void)ctx;
    (void)receiver;
    (void)region;
    return RVM_OK;
}

static void no_unshare(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region)
{
    (void)ctx;
    (void)receiver;
    (void)region;
}

static void send_recv(void *c, uint64_t first, uint64_t ops)
{
    ipc_ctx_t *x = c;
    uint64_t acc = 0;
    for (uint64_t i = first; i < first + ops; i++) {
        x->payload[0] = (uint8_t)i;
        must(rvm_ipc_send(&x->ipc, x->edge, x->a, x->tx, 1, x->payload, RVM_IPC_INLINE_MAX));
        rvm_ipc_msg_t m;
        bool got;
        must(rvm_ipc_recv(&x->ipc, x->edge, x->b, x->rx, &m, &got));
        acc += m.payload[0] + (uint64_t)got;
    }
    bench_sink(acc);
}

size_t bench_ipc(bench_result_t *out)
{
    static ipc_ctx_t x;
    x.ring = aligned_alloc(64, 1024 * sizeof(rvm_witness_record_t));
    if (x.ring == NULL) {
        abort();
    }
    must(rvm_witness_log_init(&x.log, x.ring, 1024, NULL));
    must(rvm_nonce_ring_init(&x.nonces, false));
    must(rvm_cap_manager_init(&x.caps, &bench_ipc_table, NULL, &x.log, &x.nonces));
    must(rvm_part_init(&x.parts, &x.log, no_flush, NULL));
    rvm_ipc_ops_t ops = { no_share, no_unshare, NULL };
    must(rvm_ipc_init(&x.ipc, &x.parts, &x.caps, &x.log, &ops));
    must(rvm_part_create(&x.parts, 0, 1, 0, &x.a));
    must(rvm_part_create(&x.parts, 0, 1, 0, &x.b));
    must(rvm_ipc_create(&x.ipc, x.a, x.b, 42, &x.edge, &x.tx, &x.rx));
    for (unsigned i = 0; i < RVM_IPC_INLINE_MAX; i++) {
        x.payload[i] = (uint8_t)(i * 13u);
    }
    bench_spec_t s = { .name = "ipc_send_recv", .batch = send_recv, .ctx = &x, .ops_per_batch = 100000,
                       .batches = 101 };
    bench_run(&s, &out[0]);
    free(x.ring);
    return 1;
}
