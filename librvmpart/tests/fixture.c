#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/witness_verify.h>

fixture_t fx;

static void *zalloc(size_t align, size_t n)
{
    size_t size = (n + align - 1) / align * align;
    void *p = aligned_alloc(align, size == 0 ? align : size);
    ck_assert_ptr_nonnull(p);
    memset(p, 0, size);
    return p;
}

static void flush(void *ctx, uint16_t vmid)
{
    fixture_t *f = ctx;
    f->flushes++;
    f->last_flushed = vmid;
}

static rvm_err_t map(void *ctx, rvm_partition_id_t part, uint64_t base, uint64_t size)
{
    fixture_t *f = ctx;
    if (f->map_result != RVM_OK) {
        return f->map_result;
    }
    f->maps++;
    f->last_map = (fx_call_t){ part, base, size };
    return RVM_OK;
}

static void unmap(void *ctx, rvm_partition_id_t part, uint64_t base, uint64_t size)
{
    fixture_t *f = ctx;
    f->unmaps++;
    f->last_unmap = (fx_call_t){ part, base, size };
}

static rvm_err_t share(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region)
{
    fixture_t *f = ctx;
    ck_assert_uint_eq(region->flags, RVM_REGION_READ);
    ck_assert_uint_ne(receiver, 0);
    f->shares++;
    return RVM_OK;
}

static void unshare(void *ctx, rvm_partition_id_t receiver, const rvm_region_desc_t *region)
{
    fixture_t *f = ctx;
    (void)receiver;
    (void)region;
    f->unshares++;
}

void fx_open(uint8_t full_policy)
{
    memset(&fx, 0, sizeof fx);
    const uint32_t slots = 4096;
    fx.st.hot = zalloc(64, sizeof(rvm_cap_hot_t) * slots);
    fx.st.cold = zalloc(64, sizeof(rvm_cap_cold_t) * slots);
    fx.st.worklist = zalloc(64, sizeof(uint32_t) * slots);
    fx.st.capacity = slots;
    fx.st.objects = zalloc(64, sizeof(rvm_cap_object_t) * 1024);
    fx.st.object_capacity = 1024;
    fx.records = zalloc(64, sizeof(rvm_witness_record_t) * FX_LOG_CAPACITY);
    fx.nonces = zalloc(64, sizeof(rvm_nonce_ring_t));
    fx.parts = zalloc(64, sizeof(rvm_partmgr_t));
    fx.ipc = zalloc(64, sizeof(rvm_ipc_t));
    fx.leases = zalloc(64, sizeof(rvm_lease_table_t));
    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    wc.full_policy = full_policy;
    ck_assert_int_eq(rvm_witness_log_init(&fx.log, fx.records, FX_LOG_CAPACITY, &wc), RVM_OK);
    ck_assert_int_eq(rvm_nonce_ring_init(fx.nonces, false), RVM_OK);
    ck_assert_int_eq(rvm_cap_manager_init(&fx.caps, &fx.st, NULL, &fx.log, fx.nonces), RVM_OK);
    ck_assert_int_eq(rvm_part_init(fx.parts, &fx.log, flush, &fx), RVM_OK);
    rvm_ipc_ops_t iops = { share, unshare, &fx };
    ck_assert_int_eq(rvm_ipc_init(fx.ipc, fx.parts, &fx.caps, &fx.log, &iops), RVM_OK);
    rvm_lease_ops_t lops = { map, unmap, &fx };
    ck_assert_int_eq(rvm_lease_init(fx.leases, fx.parts, &fx.caps, &fx.log, &lops), RVM_OK);
}

void fx_close(void)
{
    free(fx.st.hot);
    free(fx.st.cold);
    free(fx.st.worklist);
    free(fx.st.objects);
    free(fx.records);
    free(fx.nonces);
    free(fx.parts);
    free(fx.ipc);
    free(fx.leases);
    memset(&fx, 0, sizeof fx);
}

rvm_partition_id_t fx_running(void)
{
    rvm_partition_id_t id;
    ck_assert_int_eq(rvm_part_create(fx.parts, RVM_PARTITION_TYPE_AGENT, 1, 0, &id), RVM_OK);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, RVM_PARTITION_RUNNING), RVM_OK);
    return id;
}

uint64_t fx_records(void)
{
    return rvm_witness_total_emitted(&fx.log);
}

rvm_witness_record_t fx_record(uint64_t seq)
{
    rvm_witness_record_t r;
    ck_assert_int_eq(rvm_witness_get(&fx.log, seq, &r), RVM_OK);
    return r;
}

rvm_witness_record_t fx_last(void)
{
    ck_assert_uint_gt(fx_records(), 0);
    return fx_record(fx_records() - 1);
}

uint32_t fx_count_kind(uint64_t from, uint8_t kind)
{
    uint32_t n = 0;
    for (uint64_t s = from; s < fx_records(); s++) {
        if (fx_record(s).action_kind == kind) {
            n++;
        }
    }
    return n;
}

void fx_assert_chain(void)
{
    ck_assert_int_eq(rvm_witness_verify_log(&fx.log, NULL, NULL), RVM_OK);
}

int fx_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
