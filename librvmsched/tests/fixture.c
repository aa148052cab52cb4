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

void fx_open(fixture_t *f, uint16_t cpus, uint16_t parts, uint32_t log_capacity, uint8_t full_policy,
             const rvm_sched_config_t *cfg, uint16_t online)
{
    memset(f, 0, sizeof *f);
    f->st.cpus = zalloc(64, sizeof(rvm_sched_cpu_t) * cpus);
    f->st.cpu_capacity = cpus;
    f->st.parts = zalloc(64, sizeof(rvm_sched_part_t) * parts);
    f->st.part_capacity = parts;
    f->st.index = zalloc(64, sizeof(uint16_t) * RVM_SCHED_INDEX_LEN);
    f->records = zalloc(64, sizeof(rvm_witness_record_t) * log_capacity);
    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    wc.full_policy = full_policy;
    ck_assert_int_eq(rvm_witness_log_init(&f->log, f->records, log_capacity, &wc), RVM_OK);
    rvm_sched_config_t def;
    if (cfg == NULL) {
        rvm_sched_config_default(&def, cpus);
        cfg = &def;
    }
    ck_assert_int_eq(rvm_sched_init(&f->s, &f->st, cfg, &f->log), RVM_OK);
    for (uint16_t i = 0; i < online; i++) {
        ck_assert_int_eq(rvm_sched_cpu_online(&f->s, i), RVM_OK);
    }
}

void fx_close(fixture_t *f)
{
    free(f->st.cpus);
    free(f->st.parts);
    free(f->st.index);
    free(f->records);
    memset(f, 0, sizeof *f);
}

void fx_part(fixture_t *f, rvm_partition_id_t pid, uint8_t flags, uint8_t prio, uint64_t affinity)
{
    rvm_sched_part_config_t pc = { .timing = { 0, 0, 0 }, .affinity = affinity, .flags = flags,
                                   .static_priority = prio };
    ck_assert_int_eq(rvm_sched_register(&f->s, pid, &pc), RVM_OK);
}

void fx_part_on(fixture_t *f, rvm_partition_id_t pid, uint16_t cpu)
{
    fx_part(f, pid, 0, RVM_PRIORITY_DEFAULT, FX_ALL_CPUS);
    ck_assert_int_eq(rvm_sched_place_on(&f->s, pid, cpu), RVM_OK);
}

rvm_partition_id_t fx_pick(fixture_t *f, uint16_t cpu)
{
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f->s, cpu, &prev, &next), RVM_OK);
    return next;
}

uint64_t fx_records(const fixture_t *f)
{
    return rvm_witness_total_emitted(&f->log);
}

rvm_witness_record_t fx_record(const fixture_t *f, uint64_t seq)
{
    rvm_witness_record_t r;
    ck_assert_int_eq(rvm_witness_get(&f->log, seq, &r), RVM_OK);
    return r;
}

int fx_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
