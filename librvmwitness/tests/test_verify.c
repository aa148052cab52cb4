/* Chain verification: intact chains verify, every tamper class is found at the right sequence with the right reason. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/witness_log.h>
#include <rvm/witness_segment.h>
#include <rvm/witness_signer.h>
#include <rvm/witness_verify.h>

#include "witness_test_util.h"

#define N 24

static rvm_witness_hmac_signer_t hmac_default;
static rvm_witness_hmac_signer_t hmac_other;
static rvm_witness_fnv_signer_t fnv_signer;

static void setup_signers(void)
{
    uint8_t key[32];
    rvm_witness_default_key(key);
    rvm_witness_hmac_signer_init(&hmac_default, key, sizeof key);
    key[0] ^= 1;
    rvm_witness_hmac_signer_init(&hmac_other, key, sizeof key);
    rvm_witness_fnv_signer_init(&fnv_signer);
}

/* N records of a fresh log in the given mode, copied out oldest-first. */
static rvm_witness_record_t *chain_of(uint8_t mode, uint8_t digest, const rvm_witness_signer_t *signer,
                                      uint64_t *final_chain)
{
    tu_log_t t;
    tu_log_init(&t, N, mode, digest, signer);
    tu_log_fill(&t, N);
    uint32_t n = 0;
    rvm_witness_record_t *r = tu_snapshot(&t.log, &n);
    if (final_chain != NULL) {
        *final_chain = rvm_witness_chain_value(&t.log);
    }
    tu_log_free(&t);
    return r;
}

static void expect_fail(rvm_err_t err, const rvm_witness_verify_result_t *res, rvm_err_t want_err, uint8_t want_reason,
                        uint64_t want_seq)
{
    ck_assert_msg(err == want_err, "err %d, want %d (reason %s)", err, want_err,
                  rvm_witness_verify_reason_name(res->reason));
    ck_assert_msg(res->reason == want_reason, "reason %s, want %s", rvm_witness_verify_reason_name(res->reason),
                  rvm_witness_verify_reason_name(want_reason));
    ck_assert_uint_eq(res->bad_sequence, want_seq);
}

START_TEST(intact_chains_verify_in_every_mode)
{
    const rvm_witness_signer_t *signers[] = { NULL, &hmac_default.base, &fnv_signer.base };
    for (size_t m = 0; m < 4; m++) {
        for (size_t s = 0; s < 3; s++) {
            uint64_t final = 0;
            rvm_witness_record_t *r = chain_of(tu_modes[m][0], tu_modes[m][1], signers[s], &final);
            rvm_witness_verify_result_t res;
            ck_assert_int_eq(rvm_witness_verify_chain(tu_modes[m][0], tu_modes[m][1], r, N, signers[s], &res), RVM_OK);
            ck_assert_uint_eq(res.verified, N);
            ck_assert_uint_eq(res.chain_value, final);
            ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_OK);
            ck_assert_int_eq(rvm_witness_verify_chain(tu_modes[m][0], tu_modes[m][1], r, N, NULL, NULL), RVM_OK);
            /* Any suffix verifies from the 64-bit chain value before it, against the known end. */
            uint64_t prev = 0;
            ck_assert_int_eq(rvm_witness_verify_chain_from(tu_modes[m][0], tu_modes[m][1], 0, r, 10, NULL, &res),
                             RVM_OK);
            prev = res.chain_value;
            rvm_witness_verify_expect_t ex = {
                .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE | RVM_WITNESS_EXPECT_COUNT | RVM_WITNESS_EXPECT_FINAL_CHAIN,
                .first_sequence = 10,
                .count = N - 10,
                .final_chain = final,
            };
            ck_assert_int_eq(rvm_witness_verify_chain_expect(tu_modes[m][0], tu_modes[m][1], prev, r + 10, N - 10,
                                                             signers[s], &ex, &res),
                             RVM_OK);
            free(r);
        }
    }
}
END_TEST

/*
 * Flips every one of the 512 bits of a record's canonical form, for a record
 * in the middle and for the last one, in mode 2 with both digests. Bytes
 * 0..51 are bound by the chain alone; aux (52..59) only by a signer; pad and
 * reserved are must-be-zero, so the importer (deserialiser) rejects them.
 */
static void flip_every_bit(uint8_t digest, size_t victim, const rvm_witness_signer_t *signer)
{
    uint64_t final = 0;
    rvm_witness_record_t *r = chain_of(RVM_WITNESS_CHAIN_CONTENT, digest, signer, &final);
    rvm_witness_verify_expect_t ex = {
        .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE | RVM_WITNESS_EXPECT_COUNT | RVM_WITNESS_EXPECT_FINAL_CHAIN,
        .first_sequence = 0,
        .count = N,
        .final_chain = final,
    };
    rvm_witness_record_t orig = r[victim];
    uint8_t ser[64];
    rvm_witness_record_serialize(&orig, ser);
    for (unsigned bit = 0; bit < 512; bit++) {
        uint8_t bad[64];
        memcpy(bad, ser, 64);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (rvm_witness_record_deserialize(bad, &r[victim]) != RVM_OK) {
            /* Undefined action code, reserved or pad: refused before verification. */
            ck_assert_msg(bit / 8 == 16 || bit / 8 == 19 || bit / 8 >= 60, "bit %u refused by the parser", bit);
            continue;
        }
        bool aux_bit = bit / 8 >= 52 && bit / 8 < 60;
        rvm_witness_verify_result_t res;
        rvm_err_t err = rvm_witness_verify_chain_expect(RVM_WITNESS_CHAIN_CONTENT, digest, 0, r, N, signer, &ex, &res);
        if (aux_bit && signer == NULL) {
            /* Documented: without a signer nothing binds aux. */
            ck_assert_int_eq(err, RVM_OK);
        } else {
            ck_assert_msg(err != RVM_OK, "bit %u of record %zu not detected (digest %u)", bit, victim, digest);
            ck_assert_msg(res.bad_sequence == victim, "bit %u: bad sequence %llu, want %zu", bit,
                          (unsigned long long)res.bad_sequence, victim);
            ck_assert_uint_eq(res.verified, victim);
        }
        /* The same flip applied to the in-memory struct is found too (reserved/pad: as malformed). */
        memcpy(&r[victim], &orig, sizeof orig);
        ((uint8_t *)&r[victim])[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        err = rvm_witness_verify_chain_expect(RVM_WITNESS_CHAIN_CONTENT, digest, 0, r, N, signer, &ex, &res);
        if (!(aux_bit && signer == NULL)) {
            ck_assert_msg(err != RVM_OK && res.bad_sequence == victim, "struct bit %u of record %zu", bit, victim);
        }
        r[victim] = orig;
    }
    ck_assert_int_eq(rvm_witness_verify_chain_expect(RVM_WITNESS_CHAIN_CONTENT, digest, 0, r, N, signer, &ex, NULL),
                     RVM_OK);
    free(r);
}

START_TEST(every_bit_flip_is_detected_mode2)
{
    const uint8_t digests[] = { RVM_WITNESS_DIGEST_SHA256, RVM_WITNESS_DIGEST_FNV1A };
    const size_t victims[] = { N / 2, N - 1 };
    for (size_t d = 0; d < 2; d++) {
        for (size_t v = 0; v < 2; v++) {
            flip_every_bit(digests[d], victims[v], NULL);
            flip_every_bit(digests[d], victims[v], &hmac_default.base);
        }
    }
}
END_TEST

START_TEST(reasons_for_each_field_class)
{
    rvm_witness_record_t *r = chain_of(2, 0, &hmac_default.base, NULL);
    rvm_witness_verify_result_t res;
    rvm_witness_record_t orig = r[5];

    r[5].target_object_id ^= 1;
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, NULL, &res), &res, RVM_ERR_WITNESS_VERIFICATION_FAILED,
                RVM_WITNESS_VERIFY_RECORD_HASH, 5);
    ck_assert_uint_eq(res.bad_index, 5);
    r[5] = orig;
    r[5].prev_hash ^= 0x100;
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, NULL, &res), &res, RVM_ERR_WITNESS_CHAIN_BROKEN,
                RVM_WITNESS_VERIFY_PREV_HASH, 5);
    r[5] = orig;
    r[5].record_hash ^= 0x100;
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, NULL, &res), &res, RVM_ERR_WITNESS_VERIFICATION_FAILED,
                RVM_WITNESS_VERIFY_RECORD_HASH, 5);
    r[5] = orig;
    r[5].sequence = 6;
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, NULL, &res), &res, RVM_ERR_WITNESS_CHAIN_BROKEN,
                RVM_WITNESS_VERIFY_SEQUENCE_GAP, 5);
    r[5] = orig;
    r[5].aux[0] ^= 1;
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, &hmac_default.base, &res), &res,
                RVM_ERR_WITNESS_VERIFICATION_FAILED, RVM_WITNESS_VERIFY_SIGNATURE, 5);
    r[5] = orig;
    r[5].action_kind = 0xFF;
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, NULL, &res), &res, RVM_ERR_MALFORMED_INPUT,
                RVM_WITNESS_VERIFY_MALFORMED, 5);
    r[5] = orig;
    r[5].pad = 1;
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, NULL, &res), &res, RVM_ERR_MALFORMED_INPUT,
                RVM_WITNESS_VERIFY_MALFORMED, 5);
    r[5] = orig;
    ck_assert_int_eq(rvm_witness_verify_chain(2, 0, r, N, &hmac_default.base, &res), RVM_OK);
    free(r);
}
END_TEST

START_TEST(dropped_duplicated_reordered_truncated)
{
    for (size_t m = 0; m < 4; m++) {
        uint8_t mode = tu_modes[m][0], dg = tu_modes[m][1];
        uint64_t final = 0;
        rvm_witness_record_t *r = chain_of(mode, dg, NULL, &final);
        rvm_witness_record_t *w = tu_records(N + 1);
        rvm_witness_verify_result_t res;

        /* Dropped: record 7 missing. */
        memcpy(w, r, 7 * sizeof *r);
        memcpy(w + 7, r + 8, (N - 8) * sizeof *r);
        expect_fail(rvm_witness_verify_chain(mode, dg, w, N - 1, NULL, &res), &res, RVM_ERR_WITNESS_CHAIN_BROKEN,
                    RVM_WITNESS_VERIFY_SEQUENCE_GAP, 7);
        /* Dropped and renumbered: the chain link breaks instead. */
        for (size_t i = 7; i < N - 1; i++) {
            w[i].sequence = i;
        }
        expect_fail(rvm_witness_verify_chain(mode, dg, w, N - 1, NULL, &res), &res, RVM_ERR_WITNESS_CHAIN_BROKEN,
                    RVM_WITNESS_VERIFY_PREV_HASH, 7);

        /* Duplicated: record 7 twice. */
        memcpy(w, r, 8 * sizeof *r);
        memcpy(w + 8, r + 7, (N - 7) * sizeof *r);
        expect_fail(rvm_witness_verify_chain(mode, dg, w, N + 1, NULL, &res), &res, RVM_ERR_WITNESS_CHAIN_BROKEN,
                    RVM_WITNESS_VERIFY_SEQUENCE_GAP, 8);

        /* Reordered: 7 and 8 swapped. */
        memcpy(w, r, N * sizeof *r);
        w[7] = r[8];
        w[8] = r[7];
        expect_fail(rvm_witness_verify_chain(mode, dg, w, N, NULL, &res), &res, RVM_ERR_WITNESS_CHAIN_BROKEN,
                    RVM_WITNESS_VERIFY_SEQUENCE_GAP, 7);

        /* Truncated at the end: invisible to the links, caught by the expected count or final chain value. */
        ck_assert_int_eq(rvm_witness_verify_chain(mode, dg, r, N - 3, NULL, &res), RVM_OK);
        rvm_witness_verify_expect_t ex = { .check = RVM_WITNESS_EXPECT_COUNT, .count = N };
        expect_fail(rvm_witness_verify_chain_expect(mode, dg, 0, r, N - 3, NULL, &ex, &res), &res,
                    RVM_ERR_WITNESS_CHAIN_BROKEN, RVM_WITNESS_VERIFY_COUNT, N - 3);
        ex = (rvm_witness_verify_expect_t){ .check = RVM_WITNESS_EXPECT_FINAL_CHAIN, .final_chain = final };
        expect_fail(rvm_witness_verify_chain_expect(mode, dg, 0, r, N - 3, NULL, &ex, &res), &res,
                    RVM_ERR_WITNESS_CHAIN_BROKEN, RVM_WITNESS_VERIFY_FINAL_CHAIN, N - 3);
        ck_assert_uint_eq(res.verified, N - 3);
        ck_assert_int_eq(rvm_witness_verify_chain_expect(mode, dg, 0, r, N, NULL, &ex, &res), RVM_OK);
        /* Extra records beyond the expected count. */
        ex = (rvm_witness_verify_expect_t){ .check = RVM_WITNESS_EXPECT_COUNT, .count = N - 2 };
        expect_fail(rvm_witness_verify_chain_expect(mode, dg, 0, r, N, NULL, &ex, &res), &res,
                    RVM_ERR_WITNESS_CHAIN_BROKEN, RVM_WITNESS_VERIFY_COUNT, N - 2);

        /* Truncated at the front: from sequence 0 a gap, from chain value 0 a broken link. */
        expect_fail(rvm_witness_verify_chain(mode, dg, r + 2, N - 2, NULL, &res), &res, RVM_ERR_WITNESS_CHAIN_BROKEN,
                    RVM_WITNESS_VERIFY_SEQUENCE_GAP, 0);
        expect_fail(rvm_witness_verify_chain_from(mode, dg, 0, r + 2, N - 2, NULL, &res), &res,
                    RVM_ERR_WITNESS_CHAIN_BROKEN, RVM_WITNESS_VERIFY_PREV_HASH, 2);
        ex = (rvm_witness_verify_expect_t){ .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE, .first_sequence = 1 };
        ck_assert_int_eq(rvm_witness_verify_chain_expect(mode, dg, 0, r + 2, N - 2, NULL, &ex, &res),
                         RVM_ERR_WITNESS_CHAIN_BROKEN);
        ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_SEQUENCE_GAP);
        ck_assert_uint_eq(res.bad_sequence, 1);
        free(w);
        free(r);
    }
}
END_TEST

START_TEST(wrong_key_is_a_bad_signature)
{
    rvm_witness_record_t *r = chain_of(2, 0, &hmac_default.base, NULL);
    rvm_witness_verify_result_t res;
    ck_assert_int_eq(rvm_witness_verify_chain(2, 0, r, N, &hmac_default.base, &res), RVM_OK);
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, &hmac_other.base, &res), &res,
                RVM_ERR_WITNESS_VERIFICATION_FAILED, RVM_WITNESS_VERIFY_SIGNATURE, 0);
    expect_fail(rvm_witness_verify_chain(2, 0, r, N, &fnv_signer.base, &res), &res,
                RVM_ERR_WITNESS_VERIFICATION_FAILED, RVM_WITNESS_VERIFY_SIGNATURE, 0);
    free(r);
    /* Unsigned records under a signer fail too. */
    r = chain_of(2, 1, NULL, NULL);
    expect_fail(rvm_witness_verify_chain(2, 1, r, N, &hmac_default.base, &res), &res,
                RVM_ERR_WITNESS_VERIFICATION_FAILED, RVM_WITNESS_VERIFY_SIGNATURE, 0);
    free(r);
}
END_TEST

/* Mode 1 binds only sequence numbers (the reference's design): content edits need a signer to be seen. */
START_TEST(mode1_content_needs_a_signer)
{
    rvm_witness_record_t *r = chain_of(1, 0, &hmac_default.base, NULL);
    rvm_witness_verify_result_t res;
    r[4].actor_partition_id ^= 0x10;
    ck_assert_int_eq(rvm_witness_verify_chain(1, 0, r, N, NULL, &res), RVM_OK);
    expect_fail(rvm_witness_verify_chain(1, 0, r, N, &hmac_default.base, &res), &res,
                RVM_ERR_WITNESS_VERIFICATION_FAILED, RVM_WITNESS_VERIFY_SIGNATURE, 4);
    free(r);
}
END_TEST

/* A chain verified with the wrong mode or digest fails at its first record. */
START_TEST(wrong_mode_or_digest_fails)
{
    for (size_t m = 0; m < 4; m++) {
        rvm_witness_record_t *r = chain_of(tu_modes[m][0], tu_modes[m][1], NULL, NULL);
        for (size_t o = 0; o < 4; o++) {
            if (o == m) {
                continue;
            }
            rvm_witness_verify_result_t res;
            expect_fail(rvm_witness_verify_chain(tu_modes[o][0], tu_modes[o][1], r, N, NULL, &res), &res,
                        RVM_ERR_WITNESS_VERIFICATION_FAILED, RVM_WITNESS_VERIFY_RECORD_HASH, 0);
        }
        free(r);
    }
}
END_TEST

START_TEST(live_ring_verifies_after_wrap_and_finds_tampering)
{
    for (size_t m = 0; m < 4; m++) {
        tu_log_t t;
        tu_log_init(&t, 7, tu_modes[m][0], tu_modes[m][1], &hmac_default.base);
        tu_log_fill(&t, 100);
        rvm_witness_verify_result_t res;
        ck_assert_int_eq(rvm_witness_verify_log(&t.log, &hmac_default.base, &res), RVM_OK);
        ck_assert_uint_eq(res.verified, 7);
        ck_assert_uint_eq(res.chain_value, rvm_witness_chain_value(&t.log));

        /* A snapshot of the wrapped ring verifies from the base chain value. */
        uint32_t n = 0;
        rvm_witness_record_t *snap = tu_snapshot(&t.log, &n);
        ck_assert_int_eq(rvm_witness_verify_chain_from(tu_modes[m][0], tu_modes[m][1], rvm_witness_base_chain(&t.log),
                                                       snap, n, &hmac_default.base, &res),
                         RVM_OK);
        rvm_witness_segment_t seg;
        ck_assert_int_eq(rvm_witness_log_segment(&t.log, &seg), RVM_OK);
        ck_assert_int_eq(rvm_witness_verify_segment(&seg, snap, n, &hmac_default.base, &res), RVM_OK);
        ck_assert_int_eq(rvm_witness_verify_segment(&seg, snap, n - 1, NULL, &res), RVM_ERR_WITNESS_CHAIN_BROKEN);
        ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_COUNT);
        ck_assert_uint_eq(res.bad_sequence, 99);
        /* From sequence 0 it cannot verify: the beginning was overwritten. */
        ck_assert_int_eq(rvm_witness_verify_chain(tu_modes[m][0], tu_modes[m][1], snap, n, NULL, &res),
                         RVM_ERR_WITNESS_CHAIN_BROKEN);
        free(snap);

        /* Tampering with a slot of the ring (test-only access to private storage). */
        rvm_witness_record_t *slot = &t.log.records[96 % 7];
        slot->actor_partition_id ^= 1;
        rvm_err_t err = rvm_witness_verify_log(&t.log, &hmac_default.base, &res);
        ck_assert_int_ne(err, RVM_OK);
        ck_assert_uint_eq(res.bad_sequence, 96);
        ck_assert_uint_eq(res.verified, 3);
        slot->actor_partition_id ^= 1;
        ck_assert_int_eq(rvm_witness_verify_log(&t.log, &hmac_default.base, &res), RVM_OK);
        tu_log_free(&t);
    }
}
END_TEST

START_TEST(empty_and_invalid_inputs)
{
    rvm_witness_verify_result_t res;
    rvm_witness_record_t one[1];
    ck_assert_int_eq(rvm_witness_verify_chain(2, 0, NULL, 0, NULL, &res), RVM_ERR_NOT_FOUND);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_EMPTY);
    ck_assert_int_eq(rvm_witness_verify_chain_from(2, 0, 1234, NULL, 0, NULL, &res), RVM_OK);
    ck_assert_uint_eq(res.chain_value, 1234);
    rvm_witness_verify_expect_t ex = { .check = RVM_WITNESS_EXPECT_COUNT, .count = 1 };
    ck_assert_int_eq(rvm_witness_verify_chain_expect(2, 0, 0, NULL, 0, NULL, &ex, &res), RVM_ERR_WITNESS_CHAIN_BROKEN);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_COUNT);
    ck_assert_int_eq(rvm_witness_verify_chain(2, 0, NULL, 3, NULL, &res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_verify_chain(3, 0, one, 1, NULL, &res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_verify_chain(2, 2, one, 1, NULL, &res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_verify_chain_from(0, 0, 0, one, 1, NULL, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_verify_segment(NULL, one, 1, NULL, &res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_verify_log(NULL, NULL, &res), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(reason_names)
{
    ck_assert_str_eq(rvm_witness_verify_reason_name(RVM_WITNESS_VERIFY_OK), "ok");
    ck_assert_str_eq(rvm_witness_verify_reason_name(RVM_WITNESS_VERIFY_PREV_HASH), "prev-hash mismatch");
    ck_assert_str_eq(rvm_witness_verify_reason_name(RVM_WITNESS_VERIFY_RECORD_HASH), "record-hash mismatch");
    ck_assert_str_eq(rvm_witness_verify_reason_name(RVM_WITNESS_VERIFY_SEQUENCE_GAP), "sequence gap");
    ck_assert_str_eq(rvm_witness_verify_reason_name(RVM_WITNESS_VERIFY_SIGNATURE), "bad signature");
    for (unsigned r = 0; r <= RVM_WITNESS_VERIFY_STOPPED; r++) {
        ck_assert_str_ne(rvm_witness_verify_reason_name((uint8_t)r), "unknown");
    }
    ck_assert_str_eq(rvm_witness_verify_reason_name(200), "unknown");
}
END_TEST

int main(void)
{
    setup_signers();
    Suite *s = suite_create("rvmwitness-verify");
    TCase *tc = tcase_create("verify");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, intact_chains_verify_in_every_mode);
    tcase_add_test(tc, every_bit_flip_is_detected_mode2);
    tcase_add_test(tc, reasons_for_each_field_class);
    tcase_add_test(tc, dropped_duplicated_reordered_truncated);
    tcase_add_test(tc, wrong_key_is_a_bad_signature);
    tcase_add_test(tc, mode1_content_needs_a_signer);
    tcase_add_test(tc, wrong_mode_or_digest_fails);
    tcase_add_test(tc, live_ring_verifies_after_wrap_and_finds_tampering);
    tcase_add_test(tc, empty_and_invalid_inputs);
    tcase_add_test(tc, reason_names);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
