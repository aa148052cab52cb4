/* Replay from a checkpoint: verified, in order, stoppable, and halted at the first broken link. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/witness_log.h>
#include <rvm/witness_replay.h>

#include "witness_test_util.h"

#define N 40

/* A toy state machine: remembers the sequences it saw and folds the content into a digest. */
typedef struct state {
    uint64_t seen[N + 8];
    size_t count;
    uint64_t digest;
    uint64_t stop_at;  /* sequence at which to refuse; UINT64_MAX: never */
} state_t;

static rvm_err_t apply(void *ctx, const rvm_witness_record_t *rec)
{
    state_t *st = ctx;
    if (rec->sequence == st->stop_at) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    ck_assert_uint_eq(rec->pad, 0);
    st->seen[st->count++] = rec->sequence;
    st->digest = st->digest * 31 + rec->target_object_id + rec->actor_partition_id + rec->action_kind;
    return RVM_OK;
}

static void state_init(state_t *st)
{
    memset(st, 0, sizeof *st);
    st->stop_at = UINT64_MAX;
}

static rvm_witness_record_t *make(tu_log_t *t, uint8_t mode, uint8_t digest, uint64_t chain_before[N + 1])
{
    tu_log_init(t, N, mode, digest, NULL);
    for (uint64_t i = 0; i < N; i++) {
        chain_before[i] = rvm_witness_chain_value(&t->log);
        rvm_witness_record_t r = tu_rec_n(i);
        ck_assert_int_eq(rvm_witness_append(&t->log, &r, NULL), RVM_OK);
    }
    chain_before[N] = rvm_witness_chain_value(&t->log);
    uint32_t n = 0;
    return tu_snapshot(&t->log, &n);
}

START_TEST(replay_from_checkpoints_in_order)
{
    for (size_t m = 0; m < 4; m++) {
        tu_log_t t;
        uint64_t before[N + 1];
        rvm_witness_record_t *r = make(&t, tu_modes[m][0], tu_modes[m][1], before);
        const uint64_t starts[] = { 0, 1, 17, N - 1, N };
        for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
            rvm_witness_checkpoint_t cp = { .sequence = starts[k], .chain_value = before[starts[k]] };
            state_t a, b;
            state_init(&a);
            state_init(&b);
            rvm_witness_verify_result_t res;
            ck_assert_int_eq(rvm_witness_replay(tu_modes[m][0], tu_modes[m][1], &cp, r, N, NULL, apply, &a, &res),
                             RVM_OK);
            ck_assert_uint_eq(a.count, N - starts[k]);
            ck_assert_uint_eq(res.verified, N - starts[k]);
            ck_assert_uint_eq(res.chain_value, before[N]);
            for (size_t i = 0; i < a.count; i++) {
                ck_assert_uint_eq(a.seen[i], starts[k] + i);
            }
            /* The live log gives the same replay, deterministically. */
            ck_assert_int_eq(rvm_witness_log_replay(&t.log, &cp, NULL, apply, &b, &res), RVM_OK);
            ck_assert_uint_eq(b.count, a.count);
            ck_assert_uint_eq(b.digest, a.digest);
        }
        free(r);
        tu_log_free(&t);
    }
}
END_TEST

START_TEST(replay_stops_at_first_mismatch_after_applying_the_good_prefix)
{
    tu_log_t t;
    uint64_t before[N + 1];
    rvm_witness_record_t *r = make(&t, 2, 0, before);
    r[25].payload[3] ^= 0x08;
    rvm_witness_checkpoint_t cp = { .sequence = 10, .chain_value = before[10] };
    state_t st;
    state_init(&st);
    rvm_witness_verify_result_t res;
    ck_assert_int_eq(rvm_witness_replay(2, 0, &cp, r, N, NULL, apply, &st, &res), RVM_ERR_WITNESS_VERIFICATION_FAILED);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_RECORD_HASH);
    ck_assert_uint_eq(res.bad_sequence, 25);
    ck_assert_uint_eq(res.bad_index, 25);
    ck_assert_uint_eq(res.verified, 15);
    ck_assert_uint_eq(st.count, 15);
    ck_assert_uint_eq(st.seen[14], 24);
    /* A wrong checkpoint chain value is a broken link at the checkpoint. */
    r[25].payload[3] ^= 0x08;
    cp.chain_value ^= 1;
    state_init(&st);
    ck_assert_int_eq(rvm_witness_replay(2, 0, &cp, r, N, NULL, apply, &st, &res), RVM_ERR_WITNESS_CHAIN_BROKEN);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_PREV_HASH);
    ck_assert_uint_eq(res.bad_sequence, 10);
    ck_assert_uint_eq(st.count, 0);
    free(r);
    tu_log_free(&t);
}
END_TEST

START_TEST(callback_can_stop_the_replay)
{
    tu_log_t t;
    uint64_t before[N + 1];
    rvm_witness_record_t *r = make(&t, 2, 1, before);
    rvm_witness_checkpoint_t cp = { .sequence = 0, .chain_value = 0 };
    state_t st;
    state_init(&st);
    st.stop_at = 7;
    rvm_witness_verify_result_t res;
    ck_assert_int_eq(rvm_witness_replay(2, 1, &cp, r, N, NULL, apply, &st, &res), RVM_ERR_CHECKPOINT_CORRUPTED);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_STOPPED);
    ck_assert_uint_eq(res.bad_sequence, 7);
    ck_assert_uint_eq(st.count, 7);
    state_init(&st);
    st.stop_at = 7;
    ck_assert_int_eq(rvm_witness_log_replay(&t.log, &cp, NULL, apply, &st, &res), RVM_ERR_CHECKPOINT_CORRUPTED);
    ck_assert_uint_eq(st.count, 7);
    free(r);
    tu_log_free(&t);
}
END_TEST

START_TEST(checkpoint_outside_the_records)
{
    tu_log_t t;
    uint64_t before[N + 1];
    rvm_witness_record_t *r = make(&t, 2, 0, before);
    state_t st;
    state_init(&st);
    rvm_witness_verify_result_t res;
    /* Slice starts after the checkpoint: the records in between are missing. */
    rvm_witness_checkpoint_t cp = { .sequence = 5, .chain_value = before[5] };
    ck_assert_int_eq(rvm_witness_replay(2, 0, &cp, r + 8, N - 8, NULL, apply, &st, &res),
                     RVM_ERR_WITNESS_CHAIN_BROKEN);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_SEQUENCE_GAP);
    ck_assert_uint_eq(res.bad_sequence, 5);
    /* Slice ends before the checkpoint. */
    cp = (rvm_witness_checkpoint_t){ .sequence = 30, .chain_value = before[30] };
    ck_assert_int_eq(rvm_witness_replay(2, 0, &cp, r, 20, NULL, apply, &st, &res), RVM_ERR_NOT_FOUND);
    ck_assert_uint_eq(st.count, 0);
    /* A record missing after the checkpoint. */
    cp = (rvm_witness_checkpoint_t){ .sequence = 2, .chain_value = before[2] };
    memmove(r + 6, r + 7, (N - 7) * sizeof *r);
    ck_assert_int_eq(rvm_witness_replay(2, 0, &cp, r, N - 1, NULL, apply, &st, &res), RVM_ERR_WITNESS_CHAIN_BROKEN);
    ck_assert_uint_eq(res.bad_sequence, 6);
    ck_assert_uint_eq(st.count, 4);
    free(r);
    tu_log_free(&t);
}
END_TEST

START_TEST(log_replay_after_wrap_and_checkpoint_taking)
{
    tu_log_t t;
    tu_log_init(&t, 7, 2, 0, NULL);
    tu_log_fill(&t, 50);
    rvm_witness_checkpoint_t cp;
    ck_assert_int_eq(rvm_witness_log_checkpoint(&t.log, &cp), RVM_OK);
    ck_assert_uint_eq(cp.sequence, 50);
    tu_log_fill(&t, 5);
    state_t st;
    state_init(&st);
    rvm_witness_verify_result_t res;
    ck_assert_int_eq(rvm_witness_log_replay(&t.log, &cp, NULL, apply, &st, &res), RVM_OK);
    ck_assert_uint_eq(st.count, 5);
    ck_assert_uint_eq(st.seen[0], 50);
    ck_assert_uint_eq(st.seen[4], 54);
    /* From the oldest retained record, using the log's remembered chain value. */
    rvm_witness_checkpoint_t oldest = { .sequence = rvm_witness_oldest_sequence(&t.log),
                                        .chain_value = rvm_witness_base_chain(&t.log) };
    state_init(&st);
    ck_assert_int_eq(rvm_witness_log_replay(&t.log, &oldest, NULL, apply, &st, &res), RVM_OK);
    ck_assert_uint_eq(st.count, 7);
    /* Once the checkpoint's record is overwritten, replay from the ring is impossible. */
    tu_log_fill(&t, 5);
    state_init(&st);
    ck_assert_int_eq(rvm_witness_log_replay(&t.log, &cp, NULL, apply, &st, &res), RVM_ERR_NOT_FOUND);
    ck_assert_uint_eq(st.count, 0);

    ck_assert_int_eq(rvm_witness_log_checkpoint(NULL, &cp), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_log_replay(&t.log, NULL, NULL, apply, &st, &res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_log_replay(&t.log, &cp, NULL, NULL, &st, &res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_replay(2, 0, NULL, NULL, 0, NULL, apply, &st, &res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_replay(5, 0, &cp, NULL, 0, NULL, apply, &st, &res), RVM_ERR_INVALID_ARGUMENT);
    tu_log_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmwitness-replay");
    TCase *tc = tcase_create("replay");
    tcase_add_test(tc, replay_from_checkpoints_in_order);
    tcase_add_test(tc, replay_stops_at_first_mismatch_after_applying_the_good_prefix);
    tcase_add_test(tc, callback_can_stop_the_replay);
    tcase_add_test(tc, checkpoint_outside_the_records);
    tcase_add_test(tc, log_replay_after_wrap_and_checkpoint_taking);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
