/* Audit queries over record slices and over a log's live ring. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/witness_log.h>
#include <rvm/witness_query.h>

#include "witness_test_util.h"

/* Twelve records: actors 1..3 cycling, targets 10 + i % 4 (with pid 2 as a target at i == 5), times 100 * i. */
static void fill(rvm_witness_record_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        r[i] = tu_rec(i % 2 == 0 ? 0x01 : 0x10, (uint32_t)(1 + i % 3), 10 + i % 4, 100 * i);
        r[i].sequence = i;
    }
    r[5].target_object_id = 2;
}

START_TEST(by_partition_matches_actor_or_target)
{
    rvm_witness_record_t r[12], out[12];
    fill(r, 12);
    size_t total = 0;
    ck_assert_int_eq(rvm_witness_query_partition(r, 12, 2, out, 12, &total), RVM_OK);
    /* Actor 2 at i = 1, 4, 7, 10, target 2 at i = 5. */
    ck_assert_uint_eq(total, 5);
    const uint64_t want[] = { 1, 4, 5, 7, 10 };
    for (size_t i = 0; i < total; i++) {
        ck_assert_uint_eq(out[i].sequence, want[i]);
    }
    ck_assert_int_eq(rvm_witness_query_partition(r, 12, 99, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 0);
    /* Target ids are 64-bit: a target of 2^32 + 2 is not partition 2. */
    r[5].target_object_id = (1ull << 32) | 2;
    ck_assert_int_eq(rvm_witness_query_partition(r, 12, 2, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 4);
}
END_TEST

START_TEST(by_action_kind)
{
    rvm_witness_record_t r[12], out[12];
    fill(r, 12);
    size_t total = 0;
    ck_assert_int_eq(rvm_witness_query_action(r, 12, 0x10, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 6);
    for (size_t i = 0; i < total; i++) {
        ck_assert_uint_eq(out[i].action_kind, 0x10);
        ck_assert_uint_eq(out[i].sequence, 2 * i + 1);
    }
    ck_assert_int_eq(rvm_witness_query_action(r, 12, 0x60, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 0);
    ck_assert_int_eq(rvm_witness_query_action(r, 12, 0x00, out, 12, &total), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(by_time_range_inclusive)
{
    rvm_witness_record_t r[12], out[12];
    fill(r, 12);
    size_t total = 0;
    ck_assert_int_eq(rvm_witness_query_time(r, 12, 300, 700, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 5);
    ck_assert_uint_eq(out[0].timestamp_ns, 300);
    ck_assert_uint_eq(out[4].timestamp_ns, 700);
    ck_assert_int_eq(rvm_witness_query_time(r, 12, 301, 699, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 3);
    ck_assert_int_eq(rvm_witness_query_time(r, 12, 500, 500, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 1);
    ck_assert_int_eq(rvm_witness_query_time(r, 12, 0, UINT64_MAX, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 12);
    ck_assert_int_eq(rvm_witness_query_time(r, 12, 701, 700, out, 12, &total), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(small_buffer_reports_the_total)
{
    rvm_witness_record_t r[12], out[3];
    fill(r, 12);
    size_t total = 0;
    memset(out, 0xEE, sizeof out);
    ck_assert_int_eq(rvm_witness_query_action(r, 12, 0x01, out, 2, &total), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(total, 6);
    ck_assert_uint_eq(out[0].sequence, 0);
    ck_assert_uint_eq(out[1].sequence, 2);
    /* Nothing written past the capacity. */
    ck_assert_uint_eq(((uint8_t *)&out[2])[0], 0xEE);
    /* Counting only. */
    ck_assert_int_eq(rvm_witness_query_action(r, 12, 0x01, NULL, 0, &total), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(total, 6);
    ck_assert_int_eq(rvm_witness_query_action(r, 12, 0x60, NULL, 0, &total), RVM_OK);
    ck_assert_uint_eq(total, 0);
}
END_TEST

START_TEST(combined_filter_and_invalid_arguments)
{
    rvm_witness_record_t r[12], out[12];
    fill(r, 12);
    size_t total = 0;
    rvm_witness_filter_t f = {
        .match = RVM_WITNESS_MATCH_PARTITION | RVM_WITNESS_MATCH_ACTION | RVM_WITNESS_MATCH_TIME,
        .partition = 1,
        .action_kind = 0x01,
        .time_from_ns = 0,
        .time_to_ns = 800,
    };
    /* Actor 1 at i = 0, 3, 6, 9; action 0x01 at even i; time <= 800: i = 0 and 6. */
    ck_assert_int_eq(rvm_witness_query(r, 12, &f, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 2);
    ck_assert_uint_eq(out[0].sequence, 0);
    ck_assert_uint_eq(out[1].sequence, 6);
    rvm_witness_filter_t all = { 0 };
    ck_assert_int_eq(rvm_witness_query(r, 12, &all, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 12);
    ck_assert_int_eq(rvm_witness_query(r, 0, &all, out, 12, &total), RVM_OK);
    ck_assert_uint_eq(total, 0);

    rvm_witness_filter_t bad = { .match = 8 };
    ck_assert_int_eq(rvm_witness_query(r, 12, &bad, out, 12, &total), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_query(r, 12, NULL, out, 12, &total), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_query(NULL, 12, &all, out, 12, &total), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_query(r, 12, &all, NULL, 12, &total), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_query(r, 12, &all, out, 12, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_log_query(NULL, &all, out, 12, &total), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(log_query_after_wrap)
{
    tu_log_t t;
    tu_log_init(&t, 7, 2, 0, NULL);
    for (uint64_t i = 0; i < 100; i++) {
        rvm_witness_record_t r = tu_rec(i % 2 == 0 ? 0x01 : 0x10, (uint32_t)(i % 3), 1000 + i, 10 * i);
        ck_assert_int_eq(rvm_witness_append(&t.log, &r, NULL), RVM_OK);
    }
    /* The ring holds 93..99; actor 0 there: 93, 96, 99. */
    rvm_witness_record_t out[8];
    size_t total = 0;
    rvm_witness_filter_t f = { .match = RVM_WITNESS_MATCH_PARTITION, .partition = 0 };
    ck_assert_int_eq(rvm_witness_log_query(&t.log, &f, out, 8, &total), RVM_OK);
    ck_assert_uint_eq(total, 3);
    ck_assert_uint_eq(out[0].sequence, 93);
    ck_assert_uint_eq(out[1].sequence, 96);
    ck_assert_uint_eq(out[2].sequence, 99);
    for (size_t i = 0; i < total; i++) {
        ck_assert_uint_eq(out[i].pad, 0);
    }
    f = (rvm_witness_filter_t){ .match = RVM_WITNESS_MATCH_TIME, .time_from_ns = 950, .time_to_ns = 980 };
    ck_assert_int_eq(rvm_witness_log_query(&t.log, &f, out, 8, &total), RVM_OK);
    ck_assert_uint_eq(total, 4);
    ck_assert_uint_eq(out[0].sequence, 95);
    f = (rvm_witness_filter_t){ .match = RVM_WITNESS_MATCH_ACTION, .action_kind = 0x10 };
    ck_assert_int_eq(rvm_witness_log_query(&t.log, &f, out, 2, &total), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(total, 4);
    ck_assert_uint_eq(out[0].sequence, 93);
    ck_assert_uint_eq(out[1].sequence, 95);
    tu_log_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmwitness-query");
    TCase *tc = tcase_create("query");
    tcase_add_test(tc, by_partition_matches_actor_or_target);
    tcase_add_test(tc, by_action_kind);
    tcase_add_test(tc, by_time_range_inclusive);
    tcase_add_test(tc, small_buffer_reports_the_total);
    tcase_add_test(tc, combined_filter_and_invalid_arguments);
    tcase_add_test(tc, log_query_after_wrap);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
