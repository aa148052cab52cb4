/* Partition manager and the §8.1 lifecycle: every pair of states, valid ones witnessed, invalid ones refused. */
#include <check.h>
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/hibernate.h>
#include <rvm/partition.h>
#include <rvm/vmid.h>

#include "fixture.h"

static void setup(void) { fx_open(RVM_WITNESS_OVERWRITE_OLDEST); }
static void teardown(void) { fx_close(); }

#define S_CREATED RVM_PARTITION_CREATED
#define S_RUNNING RVM_PARTITION_RUNNING
#define S_SUSPENDED RVM_PARTITION_SUSPENDED
#define S_DESTROYED RVM_PARTITION_DESTROYED
#define S_HIBERNATED RVM_PARTITION_HIBERNATED
#define S_MIGRATING RVM_PARTITION_MIGRATING

/* The spec's table (§8.1 plus Migrating), written out independently of the library's. */
static const struct {
    uint8_t from;
    uint8_t to;
    uint8_t kind;
    uint8_t tier;
} valid[] = {
    { S_CREATED, S_RUNNING, RVM_ACTION_PARTITION_RESUME, 1 },
    { S_CREATED, S_DESTROYED, RVM_ACTION_PARTITION_DESTROY, 2 },
    { S_RUNNING, S_SUSPENDED, RVM_ACTION_PARTITION_SUSPEND, 1 },
    { S_RUNNING, S_HIBERNATED, RVM_ACTION_PARTITION_HIBERNATE, 2 },
    { S_RUNNING, S_MIGRATING, RVM_ACTION_PARTITION_MIGRATE, 2 },
    { S_RUNNING, S_DESTROYED, RVM_ACTION_PARTITION_DESTROY, 2 },
    { S_SUSPENDED, S_RUNNING, RVM_ACTION_PARTITION_RESUME, 1 },
    { S_SUSPENDED, S_HIBERNATED, RVM_ACTION_PARTITION_HIBERNATE, 2 },
    { S_SUSPENDED, S_DESTROYED, RVM_ACTION_PARTITION_DESTROY, 2 },
    { S_HIBERNATED, S_CREATED, RVM_ACTION_PARTITION_RECONSTRUCT, 2 },
    { S_HIBERNATED, S_DESTROYED, RVM_ACTION_PARTITION_DESTROY, 2 },
    { S_MIGRATING, S_RUNNING, RVM_ACTION_PARTITION_MIGRATE, 2 },
    { S_MIGRATING, S_DESTROYED, RVM_ACTION_PARTITION_DESTROY, 2 },
};
#define N_VALID (sizeof valid / sizeof valid[0])

static int find_valid(uint8_t from, uint8_t to)
{
    for (unsigned i = 0; i < N_VALID; i++) {
        if (valid[i].from == from && valid[i].to == to) {
            return (int)i;
        }
    }
    return -1;
}

/* Receipt of each hibernated partition, by id. */
static rvm_hibernate_receipt_t receipts[64];

/* Performs one transition the way the kernel would: hibernate and reconstruct through their own calls. */
static rvm_err_t move(rvm_partition_id_t id, uint8_t to)
{
    const rvm_partition_t *p = rvm_part_get(fx.parts, id);
    ck_assert_uint_lt(id, 64);
    if (p != NULL && to == S_HIBERNATED && rvm_part_transition_allowed(p->state, to)) {
        return rvm_part_hibernate(fx.parts, fx.leases, id, 1000, 1, &receipts[id]);
    }
    if (p != NULL && p->state == S_HIBERNATED && to == S_CREATED) {
        return rvm_part_reconstruct(fx.parts, &receipts[id]);
    }
    return rvm_part_transition(fx.parts, id, to);
}

/* A fresh partition driven to `state` along valid transitions. */
static rvm_partition_id_t in_state(uint8_t state)
{
    rvm_partition_id_t id;
    ck_assert_int_eq(rvm_part_create(fx.parts, RVM_PARTITION_TYPE_AGENT, 1, 0, &id), RVM_OK);
    if (state == S_CREATED) {
        return id;
    }
    if (state == S_DESTROYED) {
        ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_DESTROYED), RVM_OK);
        return id;
    }
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_RUNNING), RVM_OK);
    if (state != S_RUNNING) {
        ck_assert_int_eq(move(id, state), RVM_OK);
    }
    return id;
}

START_TEST(every_pair)
{
    unsigned valid_seen = 0;
    for (uint8_t from = 0; from <= S_MIGRATING; from++) {
        for (uint8_t to = 0; to <= S_MIGRATING; to++) {
            rvm_partition_id_t id = in_state(from);
            uint64_t before = fx_records();
            rvm_err_t e = move(id, to);
            int v = find_valid(from, to);
            ck_assert_int_eq(rvm_part_transition_allowed(from, to), v >= 0);
            if (v < 0) {
                ck_assert_int_eq(e, RVM_ERR_INVALID_PARTITION_STATE);
                ck_assert_uint_eq(fx_records(), before);
                continue;
            }
            valid_seen++;
            ck_assert_int_eq(e, RVM_OK);
            ck_assert_uint_eq(fx_records(), before + 1);
            rvm_witness_record_t r = fx_last();
            ck_assert_uint_eq(r.action_kind, valid[v].kind);
            ck_assert_uint_eq(r.proof_tier, valid[v].tier);
            ck_assert_uint_eq(r.actor_partition_id, 0);
            ck_assert_uint_eq(r.target_object_id, id);
            ck_assert_uint_eq(r.payload[0], from);
            ck_assert_uint_eq(r.payload[1], to);
            const rvm_partition_t *p = rvm_part_get(fx.parts, id);
            if (to == S_DESTROYED) {
                ck_assert_ptr_null(p);
            } else {
                ck_assert_ptr_nonnull(p);
                ck_assert_uint_eq(p->state, to);
            }
        }
    }
    ck_assert_uint_eq(valid_seen, N_VALID);
    fx_assert_chain();
}
END_TEST

START_TEST(receipt_moves_need_their_calls)
{
    rvm_partition_id_t id = in_state(S_RUNNING);
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_HIBERNATED), RVM_ERR_UNSUPPORTED);
    ck_assert_int_eq(move(id, S_HIBERNATED), RVM_OK);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_CREATED), RVM_ERR_UNSUPPORTED);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_RUNNING), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_uint_eq(fx_records(), before + 1);
    ck_assert_uint_eq(rvm_part_get(fx.parts, id)->state, S_HIBERNATED);
}
END_TEST

START_TEST(undefined_states_refused)
{
    rvm_partition_id_t id = in_state(S_RUNNING);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, 6), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, 0xFF), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert(!rvm_part_transition_allowed(6, S_RUNNING));
    ck_assert_int_eq(rvm_part_transition(fx.parts, 0, S_RUNNING), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_part_transition(fx.parts, 4097, S_RUNNING), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_part_transition(fx.parts, 999, S_RUNNING), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

START_TEST(create_defaults_and_record)
{
    rvm_partition_id_t id;
    ck_assert_int_eq(rvm_part_create(fx.parts, RVM_PARTITION_TYPE_INFRASTRUCTURE, 3, 42, &id), RVM_OK);
    ck_assert_uint_eq(id, 1);
    const rvm_partition_t *p = rvm_part_get(fx.parts, id);
    ck_assert_uint_eq(p->state, S_CREATED);
    ck_assert_uint_eq(p->type, RVM_PARTITION_TYPE_INFRASTRUCTURE);
    ck_assert_uint_eq(p->vcpu_count, 3);
    ck_assert_uint_eq(p->coherence, 5000);
    ck_assert_uint_eq(p->cut_pressure, 0);
    ck_assert_uint_eq(p->cpu_affinity, UINT64_MAX);
    ck_assert_uint_eq(p->epoch, 42);
    ck_assert_uint_eq(p->vmid, RVM_VMID_NONE);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_CREATE);
    ck_assert_uint_eq(r.proof_tier, 1);
    ck_assert_uint_eq(r.target_object_id, id);
    ck_assert_uint_eq(rvm_le32_load(&r.payload[4]), RVM_PARTITION_TYPE_INFRASTRUCTURE);
    ck_assert_int_eq(rvm_part_create(fx.parts, 3, 1, 0, &id), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(limit_and_ids_never_reused)
{
    rvm_partition_id_t id = 0;
    for (unsigned i = 0; i < RVM_MAX_PARTITIONS; i++) {
        ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &id), RVM_OK);
        ck_assert_uint_eq(id, i + 1);
    }
    ck_assert_uint_eq(rvm_part_count(fx.parts), 256);
    ck_assert(!rvm_part_can_create(fx.parts));
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &id), RVM_ERR_PARTITION_LIMIT_EXCEEDED);
    ck_assert_uint_eq(fx_records(), before);
    ck_assert_int_eq(rvm_part_transition(fx.parts, 7, S_DESTROYED), RVM_OK);
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &id), RVM_OK);
    ck_assert_uint_eq(id, 257);
    /* The tombstone of 7 was the slot taken: 7 is now simply unknown. */
    ck_assert_int_eq(rvm_part_transition(fx.parts, 7, S_RUNNING), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_uint_eq(rvm_part_get(fx.parts, 257)->state, S_CREATED);
}
END_TEST

START_TEST(refused_when_log_full)
{
    fx_close();
    fx_open(RVM_WITNESS_REFUSE_UNDRAINED);
    rvm_partition_id_t id;
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &id), RVM_OK);
    rvm_witness_record_t filler = { .action_kind = RVM_ACTION_SCHEDULER_EPOCH, .proof_tier = 1 };
    while (rvm_witness_can_append(&fx.log)) {
        ck_assert_int_eq(rvm_witness_append(&fx.log, &filler, NULL), RVM_OK);
    }
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_RUNNING), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(rvm_part_get(fx.parts, id)->state, S_CREATED);
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &id), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(rvm_part_count(fx.parts), 1);
}
END_TEST

START_TEST(tasks_regions_caps)
{
    rvm_partition_id_t id = in_state(S_RUNNING);
    for (uint32_t t = 0; t < RVM_PART_MAX_TASKS; t++) {
        ck_assert_int_eq(rvm_part_task_add(fx.parts, id, 100 + t), RVM_OK);
    }
    ck_assert_int_eq(rvm_part_task_add(fx.parts, id, 999), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_part_task_remove(fx.parts, id, 105), RVM_OK);
    ck_assert_int_eq(rvm_part_task_remove(fx.parts, id, 105), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_part_task_add(fx.parts, id, 100), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(rvm_part_get(fx.parts, id)->tasks[5], 106);

    rvm_region_desc_t d = { 1, 0x10000, 4, RVM_REGION_READ | RVM_REGION_WRITE };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &d), RVM_OK);
    rvm_region_desc_t bad = d;
    bad.id = 2;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_MEMORY_OVERLAP);
    bad.base = 0x13000;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_MEMORY_OVERLAP);
    bad.base = 0x14000;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_OK);
    bad.id = 3;
    bad.base = 0x20001;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_ALIGNMENT_ERROR);
    bad.base = 0x20000;
    bad.flags = 0;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_INVALID_ARGUMENT);
    bad.flags = 8;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_INVALID_ARGUMENT);
    bad.flags = RVM_REGION_READ;
    bad.pages = 0;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_INVALID_ARGUMENT);
    bad.pages = 1;
    bad.base = UINT64_MAX & ~(uint64_t)0xFFF;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_INVALID_ARGUMENT);
    bad.base = 0x20000;
    bad.id = 1;
    ck_assert_int_eq(rvm_part_region_add(fx.parts, id, &bad), RVM_ERR_INVALID_ARGUMENT);
    rvm_region_desc_t got;
    ck_assert_int_eq(rvm_part_region_find(fx.parts, id, 2, &got), RVM_OK);
    ck_assert_uint_eq(got.base, 0x14000);
    ck_assert_int_eq(rvm_part_region_remove(fx.parts, id, 1), RVM_OK);
    ck_assert_int_eq(rvm_part_region_find(fx.parts, id, 1, &got), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_part_region_remove(fx.parts, id, 1), RVM_ERR_NOT_FOUND);

    rvm_cap_handle_t h = { 3, 9 };
    ck_assert_int_eq(rvm_part_cap_add(fx.parts, id, h), RVM_OK);
    ck_assert_int_eq(rvm_part_cap_remove(fx.parts, id, h), RVM_OK);
    ck_assert_int_eq(rvm_part_cap_remove(fx.parts, id, h), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_part_task_add(fx.parts, 77, 1), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

START_TEST(scores_clamped)
{
    rvm_partition_id_t id = in_state(S_RUNNING);
    ck_assert_int_eq(rvm_part_set_scores(fx.parts, id, 12000, 20000), RVM_OK);
    ck_assert_uint_eq(rvm_part_get(fx.parts, id)->coherence, 10000);
    ck_assert_uint_eq(rvm_part_get(fx.parts, id)->cut_pressure, 10000);
    ck_assert_int_eq(rvm_part_set_scores(fx.parts, 55, 1, 1), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

START_TEST(on_cpu_blocks_stop)
{
    rvm_partition_id_t id = in_state(S_RUNNING);
    uint16_t v;
    bool fresh;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, id, 1, &v, &fresh), RVM_OK);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_SUSPENDED), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_vmid_descheduled(fx.parts, id), RVM_OK);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, S_SUSPENDED), RVM_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-lifecycle");
    TCase *tc = tcase_create("lifecycle");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_pair);
    tcase_add_test(tc, undefined_states_refused);
    tcase_add_test(tc, receipt_moves_need_their_calls);
    tcase_add_test(tc, create_defaults_and_record);
    tcase_add_test(tc, limit_and_ids_never_reused);
    tcase_add_test(tc, refused_when_log_full);
    tcase_add_test(tc, tasks_regions_caps);
    tcase_add_test(tc, scores_clamped);
    tcase_add_test(tc, on_cpu_blocks_stop);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
