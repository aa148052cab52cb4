#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void *zalloc(size_t align, size_t n)
{
    size_t size = (n + align - 1) / align * align;
    void *p = aligned_alloc(align, size == 0 ? align : size);
    ck_assert_ptr_nonnull(p);
    memset(p, 0, size);
    return p;
}

void fx_open(fixture_t *f, uint32_t slots, uint32_t objects, uint32_t log_capacity, uint8_t full_policy,
             const rvm_cap_config_t *cfg)
{
    memset(f, 0, sizeof *f);
    f->st.hot = zalloc(64, sizeof(rvm_cap_hot_t) * slots);
    f->st.cold = zalloc(64, sizeof(rvm_cap_cold_t) * slots);
    f->st.worklist = zalloc(64, sizeof(uint32_t) * slots);
    f->st.capacity = slots;
    f->st.objects = zalloc(64, sizeof(rvm_cap_object_t) * objects);
    f->st.object_capacity = objects;
    f->records = zalloc(64, sizeof(rvm_witness_record_t) * log_capacity);
    f->log_capacity = log_capacity;
    f->nonces = zalloc(64, sizeof(rvm_nonce_ring_t));
    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    wc.full_policy = full_policy;
    ck_assert_int_eq(rvm_witness_log_init(&f->log, f->records, log_capacity, &wc), RVM_OK);
    ck_assert_int_eq(rvm_nonce_ring_init(f->nonces, false), RVM_OK);
    ck_assert_int_eq(rvm_cap_manager_init(&f->m, &f->st, cfg, &f->log, f->nonces), RVM_OK);
}

void fx_close(fixture_t *f)
{
    free(f->st.hot);
    free(f->st.cold);
    free(f->st.worklist);
    free(f->st.objects);
    free(f->records);
    free(f->nonces);
    memset(f, 0, sizeof *f);
}

rvm_cap_handle_t fx_root(fixture_t *f, uint8_t type, uint64_t object_id, rvm_rights_t rights,
                         rvm_partition_id_t owner)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&f->m, RVM_PARTITION_HYPERVISOR, type, object_id, rights, 0, owner, &h),
                     RVM_OK);
    return h;
}

rvm_cap_handle_t fx_grant(fixture_t *f, rvm_partition_id_t caller, rvm_cap_handle_t src, rvm_rights_t rights,
                          rvm_partition_id_t target)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_grant(&f->m, caller, src, rights, 0, target, &h), RVM_OK);
    return h;
}

uint64_t fx_records(const fixture_t *f)
{
    return rvm_witness_total_emitted(&f->log);
}

rvm_witness_record_t fx_last_record(const fixture_t *f)
{
    rvm_witness_record_t r;
    ck_assert_uint_gt(fx_records(f), 0);
    ck_assert_int_eq(rvm_witness_get(&f->log, fx_records(f) - 1, &r), RVM_OK);
    return r;
}

bool fx_object_lists_sound(const fixture_t *f)
{
    const rvm_cap_manager_t *m = &f->m;
    uint32_t listed = 0;
    for (uint32_t o = 0; o < m->object_capacity; o++) {
        uint32_t prev = RVM_CAP_INDEX_NONE;
        uint32_t n = 0;
        for (uint32_t s = m->objects[o].first_slot; s != RVM_CAP_INDEX_NONE; s = m->cold[s].object_next) {
            /* A cycle or a slot listed twice breaks the count or the back links. */
            if (s >= m->capacity || n >= m->capacity || m->hot[s].key.generation == 0 || m->hot[s].key.index != s ||
                m->cold[s].object != o || m->cold[s].object_prev != prev) {
                return false;
            }
            prev = s;
            n++;
        }
        if (n != m->objects[o].refs) {
            return false;
        }
        listed += n;
    }
    return listed == m->stats.live;
}

bool fx_marked_stale(const fixture_t *f, uint32_t idx)
{
    const rvm_cap_hot_t *s = &f->m.hot[idx];
    ck_assert(s->stale == 0 || s->stale == RVM_CAP_STALE);
    bool marked = s->stale == RVM_CAP_STALE;
    ck_assert_int_eq(s->refusal, marked ? RVM_ERR_STALE_CAPABILITY : RVM_ERR_INSUFFICIENT_CAPABILITY);
    return marked;
}

int fx_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
