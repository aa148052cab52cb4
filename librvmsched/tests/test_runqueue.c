/* Per-CPU run queues: order, the pressure boost, periodic urgency, FIFO ties and every rejection (spec §9.2). */
#include <check.h>
#include <stdlib.h>

#include "fixture.h"

#define MS 1000000ull

static fixture_t f;

static void open_default(void) { fx_open(&f, 2, 64, 64, RVM_WITNESS_OVERWRITE_OLDEST, NULL, 2); }
static void teardown(void) { fx_close(&f); }

START_TEST(urgency_order)
{
    for (rvm_partition_id_t p = 1; p <= 3; p++) {
        fx_part_on(&f, p, 0);
    }
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 50), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 200), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 3, 100), RVM_OK);
    uint32_t len = 0;
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 0, &len), RVM_OK);
    ck_assert_uint_eq(len, 3);
    rvm_partition_id_t prev = 99;
    rvm_partition_id_t next = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_OK);
    ck_assert_uint_eq(prev, 0);
    ck_assert_uint_eq(next, 2);
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_OK);
    ck_assert_uint_eq(prev, 2);
    ck_assert_uint_eq(next, 3);
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_OK);
    ck_assert_uint_eq(prev, 3);
    ck_assert_uint_eq(next, 1);
    rvm_partition_id_t cur = 0;
    ck_assert_int_eq(rvm_sched_running(&f.s, 0, &cur), RVM_OK);
    ck_assert_uint_eq(cur, 1);
    /* Empty: nothing changes. */
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_running(&f.s, 0, &cur), RVM_OK);
    ck_assert_uint_eq(cur, 1);
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 0, &len), RVM_OK);
    ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(equal_priorities_are_fifo)
{
    for (rvm_partition_id_t p = 1; p <= 8; p++) {
        fx_part_on(&f, p, 0);
    }
    const rvm_partition_id_t order[8] = { 5, 3, 8, 1, 7, 2, 6, 4 };
    for (unsigned i = 0; i < 8; i++) {
        ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, order[i], 7), RVM_OK);
    }
    for (unsigned i = 0; i < 8; i++) {
        ck_assert_uint_eq(fx_pick(&f, 0), order[i]);
    }
}
END_TEST

START_TEST(higher_pressure_runs_first_at_equal_urgency)
{
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 1, 5000), RVM_OK);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 2, 9000), RVM_OK);
    /* The low-pressure partition is enqueued first: insertion order alone would run it first. */
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 100), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 2);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
}
END_TEST

START_TEST(pressure_boost_outweighs_urgency_unless_degraded)
{
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 1, 10000), RVM_OK);
    /* Flow: 100 + 1024 beats 150. */
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 150), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 100), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    ck_assert_uint_eq(fx_pick(&f, 0), 2);
    /* Degraded (spec §19 item 42): urgency 150 beats urgency 100 with large pressure,
     * also for entries queued before the switch. */
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 150), RVM_OK);
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 2);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    /* Leaving degraded mode restores the boost for what is queued. */
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 150), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_exit_degraded(&f.s), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
}
END_TEST

START_TEST(pressure_taken_at_enqueue)
{
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 100), RVM_OK);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 2, 10000), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    ck_assert_uint_eq(fx_pick(&f, 0), 2);
}
END_TEST

START_TEST(periodic_urgency_orders_the_queue)
{
    rvm_sched_part_config_t loose = { .timing = { 10 * MS, 10 * MS, 0 }, .affinity = FX_ALL_CPUS };
    rvm_sched_part_config_t tight = { .timing = { 10 * MS, 4 * MS, 0 }, .affinity = FX_ALL_CPUS };
    rvm_sched_part_config_t late = { .timing = { 10 * MS, 10 * MS, 20 * MS }, .affinity = FX_ALL_CPUS };
    ck_assert_int_eq(rvm_sched_register(&f.s, 1, &loose), RVM_OK);
    ck_assert_int_eq(rvm_sched_register(&f.s, 2, &tight), RVM_OK);
    ck_assert_int_eq(rvm_sched_register(&f.s, 3, &late), RVM_OK);
    for (rvm_partition_id_t p = 1; p <= 3; p++) {
        ck_assert_int_eq(rvm_sched_place_on(&f.s, p, 1), RVM_OK);
    }
    /* At 3 ms: loose 19660, tight 49151, late not yet released (0). */
    for (rvm_partition_id_t p = 1; p <= 3; p++) {
        ck_assert_int_eq(rvm_sched_enqueue(&f.s, 1, p, 3 * MS), RVM_OK);
    }
    ck_assert_uint_eq(fx_pick(&f, 1), 2);
    ck_assert_uint_eq(fx_pick(&f, 1), 1);
    ck_assert_uint_eq(fx_pick(&f, 1), 3);
    /* At 27 ms: loose 45874, tight past its deadline (65535), late 45874 but enqueued later. */
    ck_assert_int_eq(rvm_sched_enqueue(&f.s, 1, 3, 27 * MS), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue(&f.s, 1, 1, 27 * MS), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue(&f.s, 1, 2, 27 * MS), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 1), 2);
    ck_assert_uint_eq(fx_pick(&f, 1), 3);
    ck_assert_uint_eq(fx_pick(&f, 1), 1);
}
END_TEST

START_TEST(enqueue_rejections)
{
    fx_part_on(&f, 1, 0);
    fx_part(&f, 2, 0, 0, FX_ALL_CPUS); /* registered, never placed */
    fx_part_on(&f, 3, 1);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 2, 1, 1), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0xFFFF, 1, 1), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 9, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 0, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, RVM_PARTITION_ID_MAX_LOGICAL + 1, 1),
                     RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 0xFFFFFFFFu, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 1), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 3, 1), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_enqueue(&f.s, 0, 3, 0), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 1), RVM_OK);
    /* Double enqueue. */
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 5), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_enqueue(&f.s, 0, 1, 5), RVM_ERR_INVALID_PARTITION_STATE);
    uint32_t len = 0;
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 0, &len), RVM_OK);
    ck_assert_uint_eq(len, 1);
    /* Offline CPU. */
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 3, 0), RVM_OK);
    ck_assert_int_eq(rvm_sched_cpu_offline(&f.s, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 2, 0), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 2, 1), RVM_ERR_INVALID_PARTITION_STATE);
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 1, &prev, &next), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_release(&f.s, 1, &prev), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_switch_cost(&f.s, 1, 5), RVM_ERR_INVALID_PARTITION_STATE);
}
END_TEST

START_TEST(hot_path_argument_rejections)
{
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = 0;
    uint32_t len = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, NULL, &next), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 2, &prev, &next), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_release(&f.s, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_release(&f.s, 2, &prev), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_release(&f.s, 0, &prev), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_switch_cost(&f.s, 2, 5), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 2, &len), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_running(&f.s, 2, &prev), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_running(&f.s, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(release_and_requeue_current)
{
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 10), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    /* The running partition goes back to the queue and wins again: no change of partition. */
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 10), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 5), RVM_OK);
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = 0;
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_OK);
    ck_assert_uint_eq(prev, 1);
    ck_assert_uint_eq(next, 1);
    ck_assert_int_eq(rvm_sched_release(&f.s, 0, &prev), RVM_OK);
    ck_assert_uint_eq(prev, 1);
    ck_assert_int_eq(rvm_sched_running(&f.s, 0, &next), RVM_OK);
    ck_assert_uint_eq(next, 0);
    ck_assert_int_eq(rvm_sched_pick_next(&f.s, 0, &prev, &next), RVM_OK);
    ck_assert_uint_eq(prev, 0);
    ck_assert_uint_eq(next, 2);
    /* Two changes of the running partition (idle -> 1, idle -> 2); re-picking 1 was not one. */
    rvm_sched_epoch_summary_t sum;
    ck_assert_int_eq(rvm_sched_tick_epoch(&f.s, &sum), RVM_OK);
    ck_assert_uint_eq(sum.base.switch_count, 2);
}
END_TEST

START_TEST(full_queue_and_random_order)
{
    fx_close(&f);
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, 1);
    cfg.max_per_cpu = RVM_SCHED_QUEUE_CAP;
    fx_open(&f, 1, RVM_SCHED_QUEUE_CAP + 1, 64, RVM_WITNESS_OVERWRITE_OLDEST, &cfg, 1);
    for (rvm_partition_id_t p = 1; p <= RVM_SCHED_QUEUE_CAP; p++) {
        fx_part_on(&f, p, 0);
    }
    /* The CPU is full: the queue can never be asked to hold more than it has room for. */
    fx_part(&f, 100, 0, 0, FX_ALL_CPUS);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 100, 0), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    uint16_t cpu = 0;
    ck_assert_int_eq(rvm_sched_place(&f.s, 100, &cpu), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);

    /* Random urgencies with repeats: the pick order is by urgency, FIFO among equals. */
    uint16_t urg[RVM_SCHED_QUEUE_CAP + 1];
    srand(7);
    for (unsigned round = 0; round < 50; round++) {
        for (rvm_partition_id_t p = 1; p <= RVM_SCHED_QUEUE_CAP; p++) {
            urg[p] = (uint16_t)(rand() % 8);
            ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, p, urg[p]), RVM_OK);
        }
        uint32_t len = 0;
        ck_assert_int_eq(rvm_sched_queue_len(&f.s, 0, &len), RVM_OK);
        ck_assert_uint_eq(len, RVM_SCHED_QUEUE_CAP);
        int last_u = 0x10000;
        rvm_partition_id_t last_p = 0;
        for (unsigned i = 0; i < RVM_SCHED_QUEUE_CAP; i++) {
            rvm_partition_id_t p = fx_pick(&f, 0);
            ck_assert(urg[p] < last_u || (urg[p] == last_u && p > last_p));
            last_u = urg[p];
            last_p = p;
        }
        ck_assert_int_eq(rvm_sched_release(&f.s, 0, &last_p), RVM_OK);
    }
}
END_TEST

START_TEST(register_rejections)
{
    rvm_sched_part_config_t pc = { .timing = { 0, 0, 0 }, .affinity = FX_ALL_CPUS };
    ck_assert_int_eq(rvm_sched_register(&f.s, 0, &pc), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_register(&f.s, RVM_PARTITION_ID_MAX_LOGICAL + 1, &pc), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_register(&f.s, 1, NULL), RVM_ERR_INVALID_ARGUMENT);
    pc.timing = (rvm_sched_timing_t){ 10, 11, 0 };
    ck_assert_int_eq(rvm_sched_register(&f.s, 1, &pc), RVM_ERR_INVALID_ARGUMENT);
    pc.timing = (rvm_sched_timing_t){ 0, 0, 0 };
    pc.flags = 0x04;
    ck_assert_int_eq(rvm_sched_register(&f.s, 1, &pc), RVM_ERR_INVALID_ARGUMENT);
    pc.flags = 0;
    pc.affinity = 0;
    ck_assert_int_eq(rvm_sched_register(&f.s, 1, &pc), RVM_ERR_INVALID_ARGUMENT);
    pc.affinity = 1ull << 2; /* only a CPU this scheduler does not have */
    ck_assert_int_eq(rvm_sched_register(&f.s, 1, &pc), RVM_ERR_INVALID_ARGUMENT);
    pc.affinity = 1ull << 1;
    ck_assert_int_eq(rvm_sched_register(&f.s, RVM_PARTITION_ID_MAX_LOGICAL, &pc), RVM_OK);
    ck_assert_int_eq(rvm_sched_register(&f.s, RVM_PARTITION_ID_MAX_LOGICAL, &pc), RVM_ERR_INVALID_PARTITION_STATE);
    for (rvm_partition_id_t p = 1; p < 64; p++) {
        ck_assert_int_eq(rvm_sched_register(&f.s, p, &pc), RVM_OK);
    }
    ck_assert_int_eq(rvm_sched_register(&f.s, 64, &pc), RVM_ERR_PARTITION_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 64, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 1, 10001), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_set_pressure(&f.s, 1, 10000), RVM_OK);
}
END_TEST

START_TEST(unregister_states)
{
    fx_part_on(&f, 1, 0);
    ck_assert_int_eq(rvm_sched_unregister(&f.s, 2), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_unregister(&f.s, 1), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    ck_assert_int_eq(rvm_sched_unregister(&f.s, 1), RVM_ERR_INVALID_PARTITION_STATE);
    rvm_partition_id_t prev = 0;
    ck_assert_int_eq(rvm_sched_release(&f.s, 0, &prev), RVM_OK);
    uint32_t load = 9;
    ck_assert_int_eq(rvm_sched_cpu_load(&f.s, 0, &load), RVM_OK);
    ck_assert_uint_eq(load, 1);
    ck_assert_int_eq(rvm_sched_unregister(&f.s, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_cpu_load(&f.s, 0, &load), RVM_OK);
    ck_assert_uint_eq(load, 0);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_unregister(&f.s, 1), RVM_ERR_PARTITION_NOT_FOUND);
    /* An unplaced partition unregisters too, and the id can be used again. */
    fx_part(&f, 1, 0, 0, FX_ALL_CPUS);
    ck_assert_int_eq(rvm_sched_unregister(&f.s, 1), RVM_OK);
    fx_part_on(&f, 1, 1);
}
END_TEST

START_TEST(init_rejections)
{
    rvm_sched_config_t cfg;
    rvm_sched_t s;
    rvm_sched_config_default(&cfg, 2);
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, &cfg, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_init(&s, NULL, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, NULL, &f.log), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_init(NULL, &f.st, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    cfg.cpu_count = 0;
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    cfg.cpu_count = 3; /* more than the storage holds */
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    rvm_sched_config_default(&cfg, 2);
    cfg.max_per_cpu = 0;
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    cfg.max_per_cpu = RVM_SCHED_QUEUE_CAP + 1;
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    rvm_sched_config_default(&cfg, 2);
    cfg.epoch.interval_ns = 0;
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    rvm_sched_config_default(&cfg, 2);
    cfg.epoch.max_switches = 0;
    ck_assert_int_eq(rvm_sched_init(&s, &f.st, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    rvm_sched_config_default(&cfg, 2);
    rvm_sched_storage_t bad = f.st;
    bad.part_capacity = 0;
    ck_assert_int_eq(rvm_sched_init(&s, &bad, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    bad = f.st;
    bad.index = NULL;
    ck_assert_int_eq(rvm_sched_init(&s, &bad, &cfg, &f.log), RVM_ERR_INVALID_ARGUMENT);
    /* Defaults clamp the CPU count to the affinity width. */
    rvm_sched_config_default(&cfg, 1000);
    ck_assert_uint_eq(cfg.cpu_count, RVM_SCHED_MAX_CPUS);
    ck_assert_uint_eq(cfg.boost_max, 1024);
    ck_assert_uint_eq(cfg.max_per_cpu, 8);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmsched-runqueue");
    TCase *tc = tcase_create("runqueue");
    tcase_add_checked_fixture(tc, open_default, teardown);
    tcase_add_test(tc, urgency_order);
    tcase_add_test(tc, equal_priorities_are_fifo);
    tcase_add_test(tc, higher_pressure_runs_first_at_equal_urgency);
    tcase_add_test(tc, pressure_boost_outweighs_urgency_unless_degraded);
    tcase_add_test(tc, pressure_taken_at_enqueue);
    tcase_add_test(tc, periodic_urgency_orders_the_queue);
    tcase_add_test(tc, enqueue_rejections);
    tcase_add_test(tc, hot_path_argument_rejections);
    tcase_add_test(tc, release_and_requeue_current);
    tcase_add_test(tc, full_queue_and_random_order);
    tcase_add_test(tc, register_rejections);
    tcase_add_test(tc, unregister_states);
    tcase_add_test(tc, init_rejections);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
