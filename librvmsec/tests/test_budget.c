/* DMA budget and resource quota (spec §14.6), numeric edges included. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include <rvm/sec_budget.h>

#include "fixture.h"

START_TEST(dma_charges_up_to_exactly_max)
{
    rvm_sec_dma_budget_t b;
    ck_assert_int_eq(rvm_sec_dma_init(&b, 4096), RVM_OK);
    ck_assert_uint_eq(rvm_sec_dma_remaining(&b), 4096);
    ck_assert(!rvm_sec_dma_exhausted(&b));
    ck_assert_int_eq(rvm_sec_dma_check(&b, 0), RVM_OK);
    ck_assert_uint_eq(b.used, 0);
    ck_assert_int_eq(rvm_sec_dma_check(&b, 4000), RVM_OK);
    ck_assert_uint_eq(rvm_sec_dma_remaining(&b), 96);
    ck_assert_int_eq(rvm_sec_dma_check(&b, 97), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(b.used, 4000);   /* nothing charged */
    ck_assert_int_eq(rvm_sec_dma_check(&b, 96), RVM_OK);
    ck_assert_uint_eq(b.used, 4096);
    ck_assert(rvm_sec_dma_exhausted(&b));
    ck_assert_uint_eq(rvm_sec_dma_remaining(&b), 0);
    ck_assert_int_eq(rvm_sec_dma_check(&b, 0), RVM_OK);   /* zero passes even when exhausted */
    ck_assert_int_eq(rvm_sec_dma_check(&b, 1), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_sec_dma_reset(&b), RVM_OK);
    ck_assert_uint_eq(b.used, 0);
    ck_assert_uint_eq(rvm_sec_dma_remaining(&b), 4096);
}
END_TEST

START_TEST(dma_overflow_and_zero_budget)
{
    rvm_sec_dma_budget_t b;
    ck_assert_int_eq(rvm_sec_dma_init(&b, UINT64_MAX), RVM_OK);
    ck_assert_int_eq(rvm_sec_dma_check(&b, UINT64_MAX - 1), RVM_OK);
    ck_assert_int_eq(rvm_sec_dma_check(&b, 2), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);   /* wraps */
    ck_assert_uint_eq(b.used, UINT64_MAX - 1);
    ck_assert_int_eq(rvm_sec_dma_check(&b, 1), RVM_OK);
    ck_assert(rvm_sec_dma_exhausted(&b));

    ck_assert_int_eq(rvm_sec_dma_init(&b, 0), RVM_OK);
    ck_assert(rvm_sec_dma_exhausted(&b));
    ck_assert_uint_eq(rvm_sec_dma_remaining(&b), 0);
    ck_assert_int_eq(rvm_sec_dma_check(&b, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_dma_check(&b, 1), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);

    /* used above max (a limit lowered under it): remaining saturates. */
    b.max_bytes_per_epoch = 10;
    b.used = 20;
    ck_assert_uint_eq(rvm_sec_dma_remaining(&b), 0);
    ck_assert(rvm_sec_dma_exhausted(&b));
}
END_TEST

START_TEST(dma_null)
{
    ck_assert_int_eq(rvm_sec_dma_init(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_dma_check(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_dma_reset(NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(rvm_sec_dma_remaining(NULL), 0);
    ck_assert(rvm_sec_dma_exhausted(NULL));
}
END_TEST

START_TEST(quota_cpu)
{
    rvm_sec_quota_t q;
    ck_assert_int_eq(rvm_sec_quota_init(&q, 1000, 1 << 20, 3, 4096), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(&q, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(&q, 1000), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(&q, 1), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(q.cpu_used_ns, 1000);
    ck_assert_int_eq(rvm_sec_quota_init(&q, UINT64_MAX, 0, 0, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(&q, 5), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(&q, UINT64_MAX - 4), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(q.cpu_used_ns, 5);
}
END_TEST

START_TEST(quota_memory)
{
    rvm_sec_quota_t q;
    ck_assert_int_eq(rvm_sec_quota_init(&q, 0, 8192, 0, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_memory(&q, 8192), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_memory(&q, 1), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(q.memory_used, 8192);
    ck_assert_int_eq(rvm_sec_quota_release_memory(&q, 4096), RVM_OK);
    ck_assert_uint_eq(q.memory_used, 4096);
    ck_assert_int_eq(rvm_sec_quota_release_memory(&q, 10000), RVM_OK);   /* saturates */
    ck_assert_uint_eq(q.memory_used, 0);
    ck_assert_int_eq(rvm_sec_quota_init(&q, 0, UINT64_MAX, 0, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_memory(&q, UINT64_MAX), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_memory(&q, 1), RVM_ERR_OUT_OF_MEMORY);   /* wraps */
    ck_assert_int_eq(rvm_sec_quota_check_memory(&q, 0), RVM_OK);
}
END_TEST

START_TEST(quota_ipc)
{
    rvm_sec_quota_t q;
    ck_assert_int_eq(rvm_sec_quota_init(&q, 0, 0, 2, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_ipc(&q), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_ipc(&q), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_ipc(&q), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(q.ipc_used, 2);
    ck_assert_int_eq(rvm_sec_quota_init(&q, 0, 0, 0, 0), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_ipc(&q), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
}
END_TEST

START_TEST(epoch_reset_keeps_memory)
{
    rvm_sec_quota_t q;
    ck_assert_int_eq(rvm_sec_quota_init(&q, 100, 1000, 1, 64), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(&q, 100), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_memory(&q, 700), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_ipc(&q), RVM_OK);
    ck_assert_int_eq(rvm_sec_dma_check(&q.dma, 64), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_reset_epoch(&q), RVM_OK);
    ck_assert_uint_eq(q.cpu_used_ns, 0);
    ck_assert_uint_eq(q.ipc_used, 0);
    ck_assert_uint_eq(q.dma.used, 0);
    ck_assert_uint_eq(q.memory_used, 700);
    ck_assert_int_eq(rvm_sec_quota_check_memory(&q, 301), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(&q, 100), RVM_OK);
    ck_assert_int_eq(rvm_sec_quota_check_ipc(&q), RVM_OK);
}
END_TEST

START_TEST(quota_null)
{
    ck_assert_int_eq(rvm_sec_quota_init(NULL, 1, 1, 1, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_quota_check_cpu(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_quota_check_memory(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_quota_check_ipc(NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_quota_release_memory(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_quota_reset_epoch(NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sec_budget");
    TCase *tc = tcase_create("budget");
    tcase_add_test(tc, dma_charges_up_to_exactly_max);
    tcase_add_test(tc, dma_overflow_and_zero_budget);
    tcase_add_test(tc, dma_null);
    tcase_add_test(tc, quota_cpu);
    tcase_add_test(tc, quota_memory);
    tcase_add_test(tc, quota_ipc);
    tcase_add_test(tc, epoch_reset_keeps_memory);
    tcase_add_test(tc, quota_null);
    suite_add_tcase(s, tc);
    return sfx_run_suite(s);
}
