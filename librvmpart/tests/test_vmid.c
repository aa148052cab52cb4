/* VMID pool (§8.9, DC-12): assignment, least-recently-scheduled reclaim with TLB flush and witness, churn. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/hibernate.h>
#include <rvm/partition.h>
#include <rvm/vmid.h>

#include "fixture.h"

static void setup(void) { fx_open(RVM_WITNESS_OVERWRITE_OLDEST); }
static void teardown(void) { fx_close(); }

/* Acquire then leave the CPU at once: the partition now holds a VMID but may lose it. */
static uint16_t run_once(rvm_partition_id_t id, uint64_t now, bool *fresh)
{
    uint16_t v = 0;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, id, now, &v, fresh), RVM_OK);
    ck_assert_uint_ne(v, RVM_VMID_NONE);
    ck_assert_int_eq(rvm_vmid_descheduled(fx.parts, id), RVM_OK);
    return v;
}

START_TEST(first_acquire_assigns)
{
    rvm_partition_id_t a = fx_running();
    bool fresh;
    ck_assert_uint_eq(rvm_vmid_free_count(fx.parts), 255);
    ck_assert_uint_eq(run_once(a, 1, &fresh), 1);
    ck_assert(fresh);
    ck_assert_uint_eq(run_once(a, 2, &fresh), 1);
    ck_assert(!fresh);
    ck_assert_uint_eq(rvm_vmid_free_count(fx.parts), 254);
    uint16_t v;
    ck_assert_int_eq(rvm_vmid_of(fx.parts, a, &v), RVM_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(rvm_vmid_descheduled(fx.parts, a), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_uint_eq(fx.flushes, 0);
}
END_TEST

START_TEST(only_running_partitions)
{
    rvm_partition_id_t id;
    uint16_t v;
    bool fresh;
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &id), RVM_OK);
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, id, 1, &v, &fresh), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, RVM_PARTITION_RUNNING), RVM_OK);
    ck_assert_int_eq(rvm_part_transition(fx.parts, id, RVM_PARTITION_SUSPENDED), RVM_OK);
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, id, 1, &v, &fresh), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, 4000, 1, &v, &fresh), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, id, 1, NULL, &fresh), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(reclaim_least_recently_scheduled)
{
    rvm_partition_id_t ids[256];
    bool fresh;
    for (unsigned i = 0; i < 255; i++) {
        ids[i] = fx_running();
        /* Scheduled at epochs 10, 11, ...; the third one last of all. */
        ck_assert_uint_eq(run_once(ids[i], 10 + i, &fresh), i + 1);
    }
    (void)run_once(ids[2], 1000, &fresh);
    ck_assert_uint_eq(rvm_vmid_free_count(fx.parts), 0);
    ids[255] = fx_running();
    uint64_t before = fx_records();
    uint16_t v = run_once(ids[255], 2000, &fresh);
    ck_assert(fresh);
    ck_assert_uint_eq(v, 1);  /* ids[0] was scheduled least recently */
    ck_assert_uint_eq(fx.flushes, 1);
    ck_assert_uint_eq(fx.last_flushed, 1);
    ck_assert_uint_eq(rvm_vmid_reclaim_count(fx.parts), 1);
    ck_assert_uint_eq(fx_records(), before + 1);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_VMID_RECLAIM);
    ck_assert_uint_eq(r.actor_partition_id, ids[0]);
    ck_assert_uint_eq(r.target_object_id, ids[255]);
    ck_assert_uint_eq(rvm_le16_load(r.payload), 1);
    uint16_t held;
    ck_assert_int_eq(rvm_vmid_of(fx.parts, ids[0], &held), RVM_OK);
    ck_assert_uint_eq(held, RVM_VMID_NONE);

    /* The loser runs again: a fresh VMID, taken from the next least recently scheduled (ids[1], VMID 2). */
    v = run_once(ids[0], 2001, &fresh);
    ck_assert(fresh);
    ck_assert_uint_eq(v, 2);
    ck_assert_uint_eq(fx.flushes, 2);
    ck_assert_uint_eq(fx_last().actor_partition_id, ids[1]);
    ck_assert_uint_eq(fx_last().target_object_id, ids[0]);
    fx_assert_chain();
}
END_TEST

START_TEST(never_reclaimed_while_on_cpu)
{
    uint16_t v;
    bool fresh;
    rvm_partition_id_t ids[256];
    for (unsigned i = 0; i < 256; i++) {
        ids[i] = fx_running();
    }
    for (unsigned i = 0; i < 255; i++) {
        ck_assert_int_eq(rvm_vmid_acquire(fx.parts, ids[i], i, &v, &fresh), RVM_OK);
    }
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, ids[255], 1000, &v, &fresh), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(fx_records(), before);
    ck_assert_uint_eq(fx.flushes, 0);
    ck_assert_int_eq(rvm_vmid_descheduled(fx.parts, ids[199]), RVM_OK);
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, ids[255], 1001, &v, &fresh), RVM_OK);
    ck_assert_uint_eq(v, 200);
    ck_assert(fresh);
}
END_TEST

START_TEST(create_needs_an_obtainable_vmid)
{
    uint16_t v;
    bool fresh;
    rvm_partition_id_t ids[255];
    for (unsigned i = 0; i < 255; i++) {
        ids[i] = fx_running();
        ck_assert_int_eq(rvm_vmid_acquire(fx.parts, ids[i], i, &v, &fresh), RVM_OK);
    }
    ck_assert(!rvm_part_can_create(fx.parts));
    rvm_partition_id_t extra;
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &extra), RVM_ERR_PARTITION_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_vmid_descheduled(fx.parts, ids[10]), RVM_OK);
    ck_assert(rvm_part_can_create(fx.parts));
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &extra), RVM_OK);
}
END_TEST

START_TEST(release_on_hibernate_and_destroy)
{
    rvm_partition_id_t a = fx_running();
    rvm_partition_id_t b = fx_running();
    bool fresh;
    ck_assert_uint_eq(run_once(a, 1, &fresh), 1);
    ck_assert_uint_eq(run_once(b, 2, &fresh), 2);
    rvm_hibernate_receipt_t receipt;
    ck_assert_int_eq(rvm_part_hibernate(fx.parts, fx.leases, a, 5, 5, &receipt), RVM_OK);
    ck_assert_uint_eq(fx.flushes, 1);
    ck_assert_uint_eq(fx.last_flushed, 1);
    ck_assert_int_eq(rvm_part_transition(fx.parts, b, RVM_PARTITION_DESTROYED), RVM_OK);
    ck_assert_uint_eq(fx.flushes, 2);
    ck_assert_uint_eq(fx.last_flushed, 2);
    ck_assert_uint_eq(rvm_vmid_free_count(fx.parts), 255);
}
END_TEST

START_TEST(reclaim_refused_without_witness)
{
    fx_close();
    fx_open(RVM_WITNESS_REFUSE_UNDRAINED);
    bool fresh;
    rvm_partition_id_t ids[256];
    for (unsigned i = 0; i < 256; i++) {
        ids[i] = fx_running();
    }
    for (unsigned i = 0; i < 255; i++) {
        (void)run_once(ids[i], i, &fresh);
    }
    rvm_witness_record_t filler = { .action_kind = RVM_ACTION_SCHEDULER_EPOCH, .proof_tier = 1 };
    while (rvm_witness_can_append(&fx.log)) {
        ck_assert_int_eq(rvm_witness_append(&fx.log, &filler, NULL), RVM_OK);
    }
    uint16_t v;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, ids[255], 500, &v, &fresh), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(fx.flushes, 0);
    ck_assert_int_eq(rvm_vmid_of(fx.parts, ids[0], &v), RVM_OK);
    ck_assert_uint_eq(v, 1);
}
END_TEST

/* No two live partitions hold the same VMID; every held VMID is in 1..255. */
static void assert_unique(void)
{
    bool seen[RVM_VMID_COUNT] = { false };
    for (uint32_t s = 0; s < RVM_MAX_PARTITIONS; s++) {
        const rvm_partition_t *p = &fx.parts->parts[s];
        if (p->id == 0 || p->state == RVM_PARTITION_DESTROYED || p->vmid == RVM_VMID_NONE) {
            continue;
        }
        ck_assert_uint_lt(p->vmid, RVM_VMID_COUNT);
        ck_assert(!seen[p->vmid]);
        seen[p->vmid] = true;
    }
}

START_TEST(churn_over_many_partitions)
{
    rvm_partition_id_t live[RVM_MAX_PARTITIONS];
    unsigned n_live = 0;
    uint64_t seed = 12345;
    uint64_t now = 1;
    unsigned created = 0;
    unsigned refreshed = 0;
    uint64_t reclaims_seen = 0;
    static bool lost[RVM_PARTITION_ID_MAX_LOGICAL + 1];
    memset(lost, 0, sizeof lost);
    for (unsigned step = 0; step < 20000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(seed >> 33);
        if ((r % 4 == 0 || n_live < 8) && n_live < RVM_MAX_PARTITIONS && rvm_part_can_create(fx.parts)) {
            live[n_live++] = fx_running();
            created++;
        } else if (r % 9 == 1 && n_live == RVM_MAX_PARTITIONS) {
            unsigned k = (r >> 8) % n_live;
            ck_assert_int_eq(rvm_part_transition(fx.parts, live[k], RVM_PARTITION_DESTROYED), RVM_OK);
            live[k] = live[--n_live];
        }
        /* Several runs per step, so that most live partitions hold a VMID and the pool is contended. */
        for (unsigned k = 0; k < 8 && n_live > 0; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            rvm_partition_id_t id = live[(seed >> 33) % n_live];
            uint16_t before;
            ck_assert_int_eq(rvm_vmid_of(fx.parts, id, &before), RVM_OK);
            bool fresh;
            uint64_t seq = fx_records();
            uint16_t v = run_once(id, now++, &fresh);
            /* Without a VMID it gets a fresh one before running; with one it keeps it. */
            ck_assert(fresh == (before == RVM_VMID_NONE));
            if (before != RVM_VMID_NONE) {
                ck_assert_uint_eq(v, before);
            }
            if (lost[id]) {
                ck_assert(fresh);
                refreshed++;
                lost[id] = false;
            }
            if (fx_records() > seq) {
                rvm_witness_record_t rec = fx_last();
                ck_assert_uint_eq(rec.action_kind, RVM_ACTION_VMID_RECLAIM);
                ck_assert_uint_eq(rec.target_object_id, id);
                ck_assert_uint_eq(rvm_le16_load(rec.payload), v);
                lost[rec.actor_partition_id] = true;
                reclaims_seen++;
            }
            ck_assert_uint_eq(fx.parts->vmid_owner[v], id);
        }
        assert_unique();
        if (created > 1000) {
            break;
        }
    }
    ck_assert_uint_gt(created, 256);
    ck_assert_uint_gt(refreshed, 0);
    ck_assert_uint_gt(rvm_vmid_reclaim_count(fx.parts), 0);
    ck_assert_uint_eq(reclaims_seen, rvm_vmid_reclaim_count(fx.parts));
    /* One flush per reclaim, plus one per destroyed partition that held a VMID. */
    ck_assert_uint_gt(fx.flushes, reclaims_seen);
    ck_assert_uint_le(fx.flushes, reclaims_seen + (created - n_live));
    fx_assert_chain();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-vmid");
    TCase *tc = tcase_create("vmid");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, first_acquire_assigns);
    tcase_add_test(tc, only_running_partitions);
    tcase_add_test(tc, reclaim_least_recently_scheduled);
    tcase_add_test(tc, never_reclaimed_while_on_cpu);
    tcase_add_test(tc, create_needs_an_obtainable_vmid);
    tcase_add_test(tc, release_on_hibernate_and_destroy);
    tcase_add_test(tc, reclaim_refused_without_witness);
    tcase_add_test(tc, churn_over_many_partitions);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
