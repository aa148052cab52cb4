/* Adaptive recomputation frequency (spec §11.8). */
#include <check.h>
#include <stdlib.h>

#include <rvm/coh_adaptive.h>

START_TEST(intervals_follow_load)
{
    rvm_coh_adaptive_t a;
    rvm_coh_adaptive_reset(&a);
    ck_assert(rvm_coh_adaptive_tick(&a, 95)); /* the first tick always computes */
    rvm_coh_adaptive_record(&a);
    ck_assert_uint_eq(a.interval, 4);
    ck_assert_uint_eq(rvm_coh_adaptive_duty_cycle_bp(&a), 2500);
    ck_assert(!rvm_coh_adaptive_tick(&a, 95));
    ck_assert(!rvm_coh_adaptive_tick(&a, 95));
    ck_assert(!rvm_coh_adaptive_tick(&a, 95));
    ck_assert(rvm_coh_adaptive_tick(&a, 95));
    rvm_coh_adaptive_record(&a);
    ck_assert_uint_eq(a.last_compute_epoch, 5);
    ck_assert(!rvm_coh_adaptive_tick(&a, 61));
    ck_assert_uint_eq(rvm_coh_adaptive_duty_cycle_bp(&a), 5000);
    ck_assert(rvm_coh_adaptive_tick(&a, 80)); /* 80 is not above 80: interval 2 */
    ck_assert_uint_eq(a.interval, 2);
    rvm_coh_adaptive_record(&a);
    ck_assert(rvm_coh_adaptive_tick(&a, 60));
    ck_assert_uint_eq(a.interval, 1);
    ck_assert_uint_eq(rvm_coh_adaptive_duty_cycle_bp(&a), 10000);
    rvm_coh_adaptive_record(&a);
    ck_assert_uint_eq(a.compute_count, 4);
    rvm_coh_adaptive_reset(&a);
    ck_assert_uint_eq(a.epoch, 0);
    ck_assert_uint_eq(a.compute_count, 0);
    ck_assert(rvm_coh_adaptive_tick(&a, 99));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmcoh-adaptive");
    TCase *tc = tcase_create("adaptive");
    tcase_add_test(tc, intervals_follow_load);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
