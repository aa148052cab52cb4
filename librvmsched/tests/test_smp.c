/* SMP coordination: CPU states, placement, migration, idle search and the rebalance hint (spec §9.6). */
#include <check.h>
#include <stdlib.h>

#include "fixture.h"

static fixture_t f;

static void open_default(void)
{
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, 4);
    cfg.max_per_cpu = 3;
    fx_open(&f, 4, 32, 64, RVM_WITNESS_OVERWRITE_OLDEST, &cfg, 0);
}
static void teardown(void) { fx_close(&f); }

static uint32_t load(uint16_t cpu)
{
    uint32_t n = 0;
    ck_assert_int_eq(rvm_sched_cpu_load(&f.s, cpu, &n), RVM_OK);
    return n;
}

START_TEST(cpu_state_transitions)
{
    ck_assert_uint_eq(rvm_sched_active_count(&f.s), 0);
    ck_assert(!rvm_sched_cpu_is_online(&f.s, 0));
    ck_assert_int_eq(rvm_sched_cpu_offline(&f.s, 0), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 0), RVM_OK);
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 0), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 3), RVM_OK);
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 4), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_cpu_offline(&f.s, 4), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert(rvm_sched_cpu_is_online(&f.s, 3));
    ck_assert(!rvm_sched_cpu_is_online(&f.s, 4));
    ck_assert_uint_eq(rvm_sched_active_count(&f.s), 2);
    /* A CPU with a partition placed on it, or running one, stays up. */
    fx_part_on(&f, 1, 3);
    ck_assert_int_eq(rvm_sched_cpu_offline(&f.s, 3), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 3, 1, 1), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 3), 1);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 1, 0), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_cpu_offline(&f.s, 3), RVM_ERR_INVALID_PARTITION_STATE);
    rvm_partition_id_t prev = 0;
    ck_assert_int_eq(rvm_sched_release(&f.s, 3, &prev), RVM_OK);
    ck_assert_int_eq(rvm_sched_cpu_offline(&f.s, 3), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 1, 0), RVM_OK);
    ck_assert_int_eq(rvm_sched_cpu_offline(&f.s, 3), RVM_OK);
    ck_assert_uint_eq(rvm_sched_active_count(&f.s), 1);
    /* And it can come back. */
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 3), RVM_OK);
    ck_assert_uint_eq(rvm_sched_active_count(&f.s), 2);
}
END_TEST

START_TEST(placement_least_loaded_with_affinity)
{
    for (uint16_t c = 0; c < 3; c++) {
        ck_assert_int_eq(rvm_sched_cpu_online(&f.s, c), RVM_OK);
    }
    uint16_t cpu = 99;
    for (rvm_partition_id_t p = 1; p <= 6; p++) {
        fx_part(&f, p, 0, 0, FX_ALL_CPUS);
        ck_assert_int_eq(rvm_sched_place(&f.s, p, &cpu), RVM_OK);
        ck_assert_uint_eq(cpu, (p - 1) % 3);
    }
    /* Affinity: CPUs 1 and 3 only, 3 offline -> CPU 1 even though CPU 0 has equal load. */
    fx_part(&f, 7, 0, 0, (1ull << 1) | (1ull << 3));
    ck_assert_int_eq(rvm_sched_place(&f.s, 7, &cpu), RVM_OK);
    ck_assert_uint_eq(cpu, 1);
    ck_assert_int_eq(rvm_sched_cpu_of(&f.s, 7, &cpu), RVM_OK);
    ck_assert_uint_eq(cpu, 1);
    ck_assert_uint_eq(load(0), 2);
    ck_assert_uint_eq(load(1), 3);
    ck_assert_uint_eq(load(2), 2);
    /* CPU 1 is full (3 per CPU) and 3 is offline. */
    fx_part(&f, 8, 0, 0, (1ull << 1) | (1ull << 3));
    ck_assert_int_eq(rvm_sched_place(&f.s, 8, &cpu), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    /* Only offline CPUs in the affinity. */
    fx_part(&f, 9, 0, 0, 1ull << 3);
    ck_assert_int_eq(rvm_sched_place(&f.s, 9, &cpu), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_cpu_of(&f.s, 9, &cpu), RVM_OK);
    ck_assert_uint_eq(cpu, RVM_SCHED_NO_CPU);
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 3), RVM_OK);
    ck_assert_int_eq(rvm_sched_place(&f.s, 9, NULL), RVM_OK);
    ck_assert_int_eq(rvm_sched_cpu_of(&f.s, 9, &cpu), RVM_OK);
    ck_assert_uint_eq(cpu, 3);
    /* Rejections. */
    ck_assert_int_eq(rvm_sched_place(&f.s, 9, &cpu), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_place(&f.s, 42, &cpu), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_cpu_of(&f.s, 42, &cpu), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_cpu_of(&f.s, 9, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_cpu_load(&f.s, 4, &(uint32_t){ 0 }), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_cpu_load(&f.s, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(degraded_placement_still_balances)
{
    for (uint16_t c = 0; c < 3; c++) {
        ck_assert_int_eq(rvm_sched_cpu_online(&f.s, c), RVM_OK);
    }
    ck_assert_int_eq(rvm_sched_enter_degraded(&f.s, RVM_SCHED_DEGRADED_COHERENCE_UNAVAILABLE), RVM_OK);
    uint16_t cpu = 99;
    /* Without the coherence graph placement still spreads the load: 0, 1, 2, then 0 again. */
    for (rvm_partition_id_t p = 1; p <= 4; p++) {
        fx_part(&f, p, 0, 0, FX_ALL_CPUS);
        ck_assert_int_eq(rvm_sched_place(&f.s, p, &cpu), RVM_OK);
        ck_assert_uint_eq(cpu, (p - 1u) % 3u);
    }
}
END_TEST

START_TEST(place_on_rejections)
{
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 0), RVM_OK);
    fx_part(&f, 1, 0, 0, 1ull << 0 | 1ull << 1);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 2, 0), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 1, 4), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 1, 1), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_cpu_online(&f.s, 2), RVM_OK);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 1, 2), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 1, 0), RVM_OK);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 1, 0), RVM_ERR_INVALID_PARTITION_STATE);
    fx_part_on(&f, 2, 0);
    fx_part_on(&f, 3, 0);
    fx_part(&f, 4, 0, 0, FX_ALL_CPUS);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 4, 0), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(load(0), 3);
}
END_TEST

START_TEST(migrate_moves_the_queue_entry)
{
    for (uint16_t c = 0; c < 2; c++) {
        ck_assert_int_eq(rvm_sched_cpu_online(&f.s, c), RVM_OK);
    }
    fx_part_on(&f, 1, 0);
    fx_part_on(&f, 2, 0);
    fx_part_on(&f, 3, 0);
    fx_part_on(&f, 4, 1);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 1, 10), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 30), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 3, 20), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 4, 25), RVM_OK);
    uint16_t from = 0;
    uint16_t to = 0;
    ck_assert_int_eq(rvm_sched_rebalance_hint(&f.s, &from, &to), RVM_OK);
    ck_assert_uint_eq(from, 0);
    ck_assert_uint_eq(to, 1);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 2, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_rebalance_hint(&f.s, &from, &to), RVM_ERR_NOT_FOUND);
    uint32_t len = 0;
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 0, &len), RVM_OK);
    ck_assert_uint_eq(len, 2);
    ck_assert_int_eq(rvm_sched_queue_len(&f.s, 1, &len), RVM_OK);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(load(0), 2);
    ck_assert_uint_eq(load(1), 2);
    /* It keeps its urgency on the new CPU, and can only be enqueued there now. */
    ck_assert_uint_eq(fx_pick(&f, 1), 2);
    ck_assert_uint_eq(fx_pick(&f, 1), 4);
    ck_assert_uint_eq(fx_pick(&f, 0), 3);
    ck_assert_uint_eq(fx_pick(&f, 0), 1);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 0, 2, 1), RVM_ERR_INVALID_PARTITION_STATE);
    /* An unqueued, not running partition moves too. */
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 3, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 3, 1), RVM_OK);
}
END_TEST

START_TEST(migrate_rejections)
{
    for (uint16_t c = 0; c < 2; c++) {
        ck_assert_int_eq(rvm_sched_cpu_online(&f.s, c), RVM_OK);
    }
    fx_part_on(&f, 1, 0);
    fx_part(&f, 2, 0, 0, FX_ALL_CPUS);
    fx_part(&f, 3, 0, 0, 1ull << 0);
    ck_assert_int_eq(rvm_sched_place_on(&f.s, 3, 0), RVM_OK);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 9, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 2, 1), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 1, 0), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 1, 4), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 1, 2), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 3, 1), RVM_ERR_INVALID_ARGUMENT);
    fx_part_on(&f, 4, 1);
    fx_part_on(&f, 5, 1);
    fx_part_on(&f, 6, 1);
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 1, 1), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(load(0), 2);
    ck_assert_uint_eq(load(1), 3);
    uint16_t cpu = 9;
    ck_assert_int_eq(rvm_sched_cpu_of(&f.s, 1, &cpu), RVM_OK);
    ck_assert_uint_eq(cpu, 0);
}
END_TEST

START_TEST(idle_search_and_rebalance_hint)
{
    uint16_t cpu = 0;
    ck_assert_int_eq(rvm_sched_find_idle_cpu(&f.s, &cpu), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_find_idle_cpu(&f.s, NULL), RVM_ERR_INVALID_ARGUMENT);
    for (uint16_t c = 1; c < 4; c++) {
        ck_assert_int_eq(rvm_sched_cpu_online(&f.s, c), RVM_OK);
    }
    ck_assert_int_eq(rvm_sched_find_idle_cpu(&f.s, &cpu), RVM_OK);
    ck_assert_uint_eq(cpu, 1);
    fx_part_on(&f, 1, 1);
    fx_part_on(&f, 2, 2);
    fx_part_on(&f, 3, 2);
    fx_part_on(&f, 4, 2);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 1, 1, 1), RVM_OK);
    ck_assert_uint_eq(fx_pick(&f, 1), 1);
    ck_assert_int_eq(rvm_sched_find_idle_cpu(&f.s, &cpu), RVM_OK);
    ck_assert_uint_eq(cpu, 2);
    uint16_t from = 9;
    uint16_t to = 9;
    ck_assert_int_eq(rvm_sched_rebalance_hint(&f.s, &from, &to), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_rebalance_hint(&f.s, NULL, &to), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 2, 2, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_rebalance_hint(&f.s, &from, &to), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_sched_enqueue_urgency(&f.s, 2, 3, 1), RVM_OK);
    ck_assert_int_eq(rvm_sched_rebalance_hint(&f.s, &from, &to), RVM_OK);
    ck_assert_uint_eq(from, 2);
    ck_assert_uint_eq(to, 1);
    /* Following the hint balances the queues. */
    ck_assert_int_eq(rvm_sched_migrate(&f.s, 3, to), RVM_OK);
    ck_assert_int_eq(rvm_sched_rebalance_hint(&f.s, &from, &to), RVM_ERR_NOT_FOUND);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmsched-smp");
    TCase *tc = tcase_create("smp");
    tcase_add_checked_fixture(tc, open_default, teardown);
    tcase_add_test(tc, cpu_state_transitions);
    tcase_add_test(tc, placement_least_loaded_with_affinity);
    tcase_add_test(tc, degraded_placement_still_balances);
    tcase_add_test(tc, place_on_rejections);
    tcase_add_test(tc, migrate_moves_the_queue_entry);
    tcase_add_test(tc, migrate_rejections);
    tcase_add_test(tc, idle_search_and_rebalance_hint);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
