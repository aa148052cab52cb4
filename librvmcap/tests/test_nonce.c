/* Nonce replay ring (spec §5.8) with exact detection across hash collisions and evictions. */
#include <check.h>
#include <stdlib.h>

#include <rvm/nonce.h>

#include "fixture.h"

static rvm_nonce_ring_t *r;

static void setup(void)
{
    r = malloc(sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(rvm_nonce_ring_init(r, false), RVM_OK);
}
static void teardown(void) { free(r); }

static void use(uint64_t n)
{
    ck_assert_int_eq(rvm_nonce_check(r, n), RVM_OK);
    rvm_nonce_mark(r, n);
    ck_assert_int_eq(rvm_nonce_check(r, n), RVM_ERR_NONCE_REPLAY);
}

START_TEST(fresh_then_replay)
{
    use(5);
    use(3);      /* below the highest, above the watermark: still fresh */
    use(1000);
    ck_assert_int_eq(rvm_nonce_check(r, 4), RVM_OK);
    ck_assert_int_eq(rvm_nonce_check(r, 5), RVM_ERR_NONCE_REPLAY);
    ck_assert_uint_eq(rvm_nonce_watermark(r), 0);
    ck_assert_int_eq(rvm_nonce_ring_init(NULL, false), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_nonce_check(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    rvm_nonce_mark(NULL, 1);
    ck_assert_uint_eq(rvm_nonce_watermark(NULL), 0);
}
END_TEST

START_TEST(zero_is_refused_or_allowed_but_never_recorded)
{
    ck_assert_int_eq(rvm_nonce_check(r, 0), RVM_ERR_NONCE_REPLAY);
    ck_assert_int_eq(rvm_nonce_ring_init(r, true), RVM_OK);
    ck_assert_int_eq(rvm_nonce_check(r, 0), RVM_OK);
    rvm_nonce_mark(r, 0);
    ck_assert_int_eq(rvm_nonce_check(r, 0), RVM_OK);
    ck_assert_uint_eq(r->write_pos, 0);
}
END_TEST

START_TEST(colliding_nonces_are_all_detected)
{
    /* Same hash slot: n, n + size, n + 2 size. The reference forgot the older ones. */
    uint64_t n = 77;
    use(n);
    use(n + RVM_NONCE_RING_SIZE);
    use(n + 2u * RVM_NONCE_RING_SIZE);
    ck_assert_int_eq(rvm_nonce_check(r, n), RVM_ERR_NONCE_REPLAY);
    ck_assert_int_eq(rvm_nonce_check(r, n + RVM_NONCE_RING_SIZE), RVM_ERR_NONCE_REPLAY);
    /* A never-used nonce in the same slot below the highest is fresh. */
    ck_assert_int_eq(rvm_nonce_check(r, n + 3u * RVM_NONCE_RING_SIZE), RVM_OK);
    ck_assert_int_eq(rvm_nonce_check(r, n - 1), RVM_OK);
    use(n + 3u * RVM_NONCE_RING_SIZE + RVM_NONCE_RING_SIZE * 5u);
    ck_assert_int_eq(rvm_nonce_check(r, n + 3u * RVM_NONCE_RING_SIZE), RVM_OK);
}
END_TEST

START_TEST(watermark_follows_evictions)
{
    /* Fill the ring exactly: nothing evicted yet. */
    for (uint64_t n = 1; n <= RVM_NONCE_RING_SIZE; n++) {
        use(n);
    }
    ck_assert_uint_eq(rvm_nonce_watermark(r), 0);
    ck_assert_uint_eq(r->write_pos, 0);
    for (uint64_t n = 1; n <= RVM_NONCE_RING_SIZE; n++) {
        ck_assert_int_eq(rvm_nonce_check(r, n), RVM_ERR_NONCE_REPLAY);
    }
    /* Each new nonce evicts the oldest, and the watermark moves up to it. */
    use(RVM_NONCE_RING_SIZE + 1);
    ck_assert_uint_eq(rvm_nonce_watermark(r), 1);
    use(RVM_NONCE_RING_SIZE + 2);
    ck_assert_uint_eq(rvm_nonce_watermark(r), 2);
    /* Nonce 2 is out of the ring and its hash slot was taken by SIZE + 2: the watermark still stops it. */
    ck_assert_uint_eq(r->hash_index[2], RVM_NONCE_RING_SIZE + 2);
    ck_assert_int_eq(rvm_nonce_check(r, 2), RVM_ERR_NONCE_REPLAY);
    ck_assert_int_eq(rvm_nonce_check(r, 1), RVM_ERR_NONCE_REPLAY);
    ck_assert_int_eq(rvm_nonce_check(r, 3), RVM_ERR_NONCE_REPLAY);
    /* Run a second full lap: every old nonce is under the watermark. */
    for (uint64_t n = RVM_NONCE_RING_SIZE + 3; n <= 3u * RVM_NONCE_RING_SIZE; n++) {
        use(n);
    }
    ck_assert_uint_eq(rvm_nonce_watermark(r), 2u * RVM_NONCE_RING_SIZE);
    for (uint64_t n = 1; n <= 3u * RVM_NONCE_RING_SIZE; n += 97) {
        ck_assert_int_eq(rvm_nonce_check(r, n), RVM_ERR_NONCE_REPLAY);
    }
    ck_assert_int_eq(rvm_nonce_check(r, 3u * RVM_NONCE_RING_SIZE + 1), RVM_OK);
}
END_TEST

START_TEST(watermark_is_monotonic_and_refuses_stragglers)
{
    use(1000000);
    for (uint64_t n = 1; n < RVM_NONCE_RING_SIZE - 1; n++) {
        use(2000000 + n);
    }
    use(10);       /* ring now full: 1000000 is the oldest */
    ck_assert_uint_eq(rvm_nonce_watermark(r), 0);
    use(3000000);  /* evicts 1000000 */
    ck_assert_uint_eq(rvm_nonce_watermark(r), 1000000);
    /* Straggler below the watermark is refused even though it was never used (documented cost). */
    ck_assert_int_eq(rvm_nonce_check(r, 999999), RVM_ERR_NONCE_REPLAY);
    /* 10 is still in the ring. */
    ck_assert_int_eq(rvm_nonce_check(r, 10), RVM_ERR_NONCE_REPLAY);
    /* Evicting the small 10 later never lowers the watermark. */
    for (uint64_t n = 0; n < RVM_NONCE_RING_SIZE; n++) {
        use(4000000 + n);
    }
    ck_assert_uint_ge(rvm_nonce_watermark(r), 3000000);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rvmcap-nonce");
    TCase *tc = tcase_create("nonce");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fresh_then_replay);
    tcase_add_test(tc, zero_is_refused_or_allowed_but_never_recorded);
    tcase_add_test(tc, colliding_nonces_are_all_detected);
    tcase_add_test(tc, watermark_follows_evictions);
    tcase_add_test(tc, watermark_is_monotonic_and_refuses_stragglers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fx_run_suite(suite());
}
