/* The two signals: the reference priority function, the bp -> Q16.16 conversion, deadline urgency (spec §9.1). */
#include <check.h>
#include <stdlib.h>

#include <rvm/sched_priority.h>

#include "fixture.h"

#define MS 1000000ull

START_TEST(priority_reference_examples)
{
    /* Spec §9.1 and §19 item 27. */
    ck_assert_uint_eq(rvm_sched_priority(100, 0x00030000u), 103);
    ck_assert_uint_eq(rvm_sched_priority(100, 0), 100);
    ck_assert_uint_eq(rvm_sched_priority(0, 0x00010000u), 1);
    ck_assert_uint_eq(rvm_sched_priority(0xFFFF, 0xFFFFFFFFu), 0x1FFFEu);
    /* The reference bug: a raw bp pressure below 2^16 boosts nothing. */
    ck_assert_uint_eq(rvm_sched_priority(100, 9000), 100);
}
END_TEST

START_TEST(pressure_boost_conversion)
{
    uint32_t q = 1;
    ck_assert_int_eq(rvm_sched_pressure_boost(10000, 1024, &q), RVM_OK);
    ck_assert_uint_eq(q, 1024u << 16);
    ck_assert_uint_eq(rvm_sched_priority(100, q), 1124);
    ck_assert_int_eq(rvm_sched_pressure_boost(5000, 1024, &q), RVM_OK);
    ck_assert_uint_eq(q, 512u << 16);
    ck_assert_int_eq(rvm_sched_pressure_boost(9000, 1024, &q), RVM_OK);
    ck_assert_uint_eq(q >> 16, 921); /* floor(9000 * 1024 / 10000) */
    ck_assert_uint_eq(rvm_sched_priority(100, q), 1021);
    ck_assert_int_eq(rvm_sched_pressure_boost(0, 1024, &q), RVM_OK);
    ck_assert_uint_eq(q, 0);
    /* Seed builds: no boost at all. */
    ck_assert_int_eq(rvm_sched_pressure_boost(10000, 0, &q), RVM_OK);
    ck_assert_uint_eq(q, 0);
    ck_assert_int_eq(rvm_sched_pressure_boost(10000, 0xFFFF, &q), RVM_OK);
    ck_assert_uint_eq(q, 0xFFFFu << 16);
    q = 7;
    ck_assert_int_eq(rvm_sched_pressure_boost(10001, 1024, &q), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(q, 7);
    ck_assert_int_eq(rvm_sched_pressure_boost(100, 1024, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(timing_rules)
{
    rvm_sched_timing_t t = { 0, 0, 0 };
    ck_assert_int_eq(rvm_sched_timing_check(&t), RVM_OK);
    t = (rvm_sched_timing_t){ 0, 1, 0 };
    ck_assert_int_eq(rvm_sched_timing_check(&t), RVM_ERR_INVALID_ARGUMENT);
    t = (rvm_sched_timing_t){ 10 * MS, 10 * MS, 5 };
    ck_assert_int_eq(rvm_sched_timing_check(&t), RVM_OK);
    t = (rvm_sched_timing_t){ 10 * MS, 0, 0 };
    ck_assert_int_eq(rvm_sched_timing_check(&t), RVM_ERR_INVALID_ARGUMENT);
    t = (rvm_sched_timing_t){ 10 * MS, 10 * MS + 1, 0 };
    ck_assert_int_eq(rvm_sched_timing_check(&t), RVM_ERR_INVALID_ARGUMENT);
    t = (rvm_sched_timing_t){ RVM_SCHED_PERIOD_MAX_NS, RVM_SCHED_PERIOD_MAX_NS, 0 };
    ck_assert_int_eq(rvm_sched_timing_check(&t), RVM_OK);
    t = (rvm_sched_timing_t){ RVM_SCHED_PERIOD_MAX_NS + 1, 1, 0 };
    ck_assert_int_eq(rvm_sched_timing_check(&t), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sched_timing_check(NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(urgency_over_periods)
{
    rvm_sched_timing_t t = { 10 * MS, 10 * MS, 0 };
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 0), 0);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 5 * MS), 32767);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 10 * MS - 1), 65534);
    /* A new release starts the next period from zero. */
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 10 * MS), 0);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 15 * MS), 32767);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 1000 * MS + 2500000), 16383);
}
END_TEST

START_TEST(urgency_constrained_deadline)
{
    rvm_sched_timing_t t = { 10 * MS, 4 * MS, 3 * MS };
    /* Before the first release nothing is urgent. */
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 2 * MS), 0);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 3 * MS), 0);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 5 * MS), 32767);
    /* At and past the deadline: saturated until the next release. */
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 7 * MS), 65535);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 12 * MS), 65535);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 13 * MS), 0);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&t, 14 * MS), 16383);
}
END_TEST

START_TEST(urgency_edges)
{
    rvm_sched_timing_t best_effort = { 0, 0, 0 };
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&best_effort, 123456789), 0);
    /* The longest allowed period does not overflow. */
    rvm_sched_timing_t longest = { RVM_SCHED_PERIOD_MAX_NS, RVM_SCHED_PERIOD_MAX_NS, 0 };
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&longest, RVM_SCHED_PERIOD_MAX_NS - 1), 65534);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&longest, RVM_SCHED_PERIOD_MAX_NS / 2), 32767);
    /* Timings the check rejects yield 0 rather than divide by zero. */
    rvm_sched_timing_t bad = { 10, 0, 0 };
    ck_assert_uint_eq(rvm_sched_deadline_urgency(&bad, 5), 0);
    ck_assert_uint_eq(rvm_sched_deadline_urgency(NULL, 5), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmsched-priority");
    TCase *tc = tcase_create("priority");
    tcase_add_test(tc, priority_reference_examples);
    tcase_add_test(tc, pressure_boost_conversion);
    tcase_add_test(tc, timing_rules);
    tcase_add_test(tc, urgency_over_periods);
    tcase_add_test(tc, urgency_constrained_deadline);
    tcase_add_test(tc, urgency_edges);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
