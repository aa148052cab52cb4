#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/proof_context.h>

#define SLOTS 64u
#define OBJECTS 32u

static void *zalloc(size_t align, size_t n)
{
    size_t size = (n + align - 1) / align * align;
    void *p = aligned_alloc(align, size == 0 ? align : size);
    ck_assert_ptr_nonnull(p);
    memset(p, 0, size);
    return p;
}

static const rvm_witness_signer_t *key(sfx_t *f, sfx_key_t k)
{
    if (k == SFX_KEY_A) {
        return &f->key_a.base;
    }
    return k == SFX_KEY_B ? &f->key_b.base : NULL;
}

void sfx_open(sfx_t *f, uint32_t log_capacity, uint8_t full_policy, sfx_key_t log_key, sfx_key_t gate_key)
{
    memset(f, 0, sizeof *f);
    static const uint8_t ka[32] = { 0xA1, 0xA2, 0xA3 };
    static const uint8_t kb[32] = { 0xB1, 0xB2, 0xB3 };
    rvm_witness_hmac_signer_init(&f->key_a, ka, sizeof ka);
    rvm_witness_hmac_signer_init(&f->key_b, kb, sizeof kb);

    f->st.hot = zalloc(64, sizeof(rvm_cap_hot_t) * SLOTS);
    f->st.cold = zalloc(64, sizeof(rvm_cap_cold_t) * SLOTS);
    f->st.worklist = zalloc(64, sizeof(uint32_t) * SLOTS);
    f->st.capacity = SLOTS;
    f->st.objects = zalloc(64, sizeof(rvm_cap_object_t) * OBJECTS);
    f->st.object_capacity = OBJECTS;
    f->records = zalloc(64, sizeof(rvm_witness_record_t) * log_capacity);
    f->log_capacity = log_capacity;
    f->nonces = zalloc(64, sizeof(rvm_nonce_ring_t));
    f->policy = zalloc(64, sizeof(rvm_proof_policy_t));

    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    wc.full_policy = full_policy;
    wc.signer = key(f, log_key);
    ck_assert_int_eq(rvm_witness_log_init(&f->log, f->records, log_capacity, &wc), RVM_OK);
    ck_assert_int_eq(rvm_nonce_ring_init(f->nonces, false), RVM_OK);
    ck_assert_int_eq(rvm_cap_manager_init(&f->m, &f->st, NULL, &f->log, f->nonces), RVM_OK);
    ck_assert_int_eq(rvm_proof_policy_init(f->policy, false), RVM_OK);

    rvm_sec_gate_config_t gc;
    rvm_sec_gate_config_default(&gc);
    gc.signer = key(f, gate_key);
    ck_assert_int_eq(rvm_sec_gate_init(&f->gate, &f->m, &f->log, f->policy, &gc), RVM_OK);
}

void sfx_close(sfx_t *f)
{
    free(f->st.hot);
    free(f->st.cold);
    free(f->st.worklist);
    free(f->st.objects);
    free(f->records);
    free(f->nonces);
    free(f->policy);
    memset(f, 0, sizeof *f);
}

rvm_cap_handle_t sfx_root(sfx_t *f, uint8_t type, uint64_t object_id, rvm_rights_t rights, rvm_partition_id_t owner)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&f->m, RVM_PARTITION_HYPERVISOR, type, object_id, rights, 0, owner, &h),
                     RVM_OK);
    return h;
}

uint64_t sfx_records(const sfx_t *f)
{
    return rvm_witness_total_emitted(&f->log);
}

rvm_witness_record_t sfx_record(const sfx_t *f, uint64_t seq)
{
    rvm_witness_record_t r;
    ck_assert_int_eq(rvm_witness_get(&f->log, seq, &r), RVM_OK);
    return r;
}

rvm_cap_token_t sfx_token(const sfx_t *f, rvm_cap_handle_t h)
{
    rvm_cap_info_t i;
    ck_assert_int_eq(rvm_cap_lookup(&f->m, h, &i), RVM_OK);
    return i.token;
}

rvm_sec_request_t sfx_request(rvm_partition_id_t caller, rvm_cap_handle_t h, uint8_t type, rvm_rights_t rights,
                              uint8_t action, uint64_t target)
{
    rvm_sec_request_t r;
    memset(&r, 0, sizeof r);
    r.caller = caller;
    r.handle = h;
    r.required_type = type;
    r.required_rights = rights;
    r.action = action;
    r.target_object_id = target;
    r.timestamp_ns = 123456789;
    return r;
}

void sfx_p2(rvm_proof_ctx_t *ctx, uint8_t tag, uint64_t nonce)
{
    ck_assert_int_eq(rvm_proof_ctx_init(ctx, 1), RVM_OK);
    ctx->region_base = 0x10000;
    ctx->region_limit = 0x20000;
    ctx->access_base = 0x10000;
    ctx->access_len = 0x1000;
    ctx->nonce = nonce;
    memset(ctx->authorised_hash, tag, sizeof ctx->authorised_hash);
    memset(ctx->mutation_hash, tag, sizeof ctx->mutation_hash);
}

int sfx_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
