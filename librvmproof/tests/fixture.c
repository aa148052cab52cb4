#include "fixture.h"

#include <stdlib.h>
#include <string.h>

static void *zalloc(size_t n)
{
    size_t size = (n + 63u) / 64u * 64u;
    void *p = aligned_alloc(64, size);
    ck_assert_ptr_nonnull(p);
    memset(p, 0, size);
    return p;
}

void px_open(pfixture_t *f)
{
    memset(f, 0, sizeof *f);
    f->st.hot = zalloc(sizeof(rvm_cap_hot_t) * PX_SLOTS);
    f->st.cold = zalloc(sizeof(rvm_cap_cold_t) * PX_SLOTS);
    f->st.worklist = zalloc(sizeof(uint32_t) * PX_SLOTS);
    f->st.capacity = PX_SLOTS;
    f->st.objects = zalloc(sizeof(rvm_cap_object_t) * 16u);
    f->st.object_capacity = 16u;
    f->records = zalloc(sizeof(rvm_witness_record_t) * PX_LOG);
    f->cap_nonces = zalloc(sizeof(rvm_nonce_ring_t));
    f->policy = zalloc(sizeof(rvm_proof_policy_t));
    ck_assert_int_eq(rvm_witness_log_init(&f->log, f->records, PX_LOG, NULL), RVM_OK);
    ck_assert_int_eq(rvm_nonce_ring_init(f->cap_nonces, false), RVM_OK);
    ck_assert_int_eq(rvm_cap_manager_init(&f->m, &f->st, NULL, &f->log, f->cap_nonces), RVM_OK);
    ck_assert_int_eq(rvm_proof_policy_init(f->policy, false), RVM_OK);
}

void px_close(pfixture_t *f)
{
    free(f->st.hot);
    free(f->st.cold);
    free(f->st.worklist);
    free(f->st.objects);
    free(f->records);
    free(f->cap_nonces);
    free(f->policy);
    memset(f, 0, sizeof *f);
}

rvm_cap_handle_t px_root(pfixture_t *f, uint64_t object, rvm_rights_t rights, rvm_partition_id_t owner)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&f->m, RVM_PARTITION_HYPERVISOR, RVM_OBJ_REGION, object, rights, 0, owner, &h),
                     RVM_OK);
    return h;
}

rvm_proof_ctx_t px_good_ctx(pfixture_t *f, rvm_cap_handle_t h, uint64_t object, rvm_partition_id_t owner,
                            uint64_t nonce)
{
    rvm_proof_ctx_t c;
    ck_assert_int_eq(rvm_proof_ctx_init(&c, owner), RVM_OK);
    c.target_object = object;
    c.capability_handle = h.index;
    c.capability_generation = h.generation;
    c.region_base = 0x1000;
    c.region_limit = 0x3000;
    c.access_base = 0x2000;
    c.access_len = 0x1000;
    c.current_time_ns = 100;
    c.lease_expiry_ns = 200;
    c.nonce = nonce;
    memset(c.authorised_hash, 0xA5, sizeof c.authorised_hash);
    memset(c.mutation_hash, 0xA5, sizeof c.mutation_hash);
    ck_assert_int_eq(rvm_proof_ctx_bind_capability(&c, &f->m), RVM_OK);
    return c;
}

rvm_witness_record_t px_last(const pfixture_t *f)
{
    rvm_witness_record_t r;
    uint64_t n = rvm_witness_total_emitted(&f->log);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(rvm_witness_get(&f->log, n - 1u, &r), RVM_OK);
    return r;
}

int px_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
