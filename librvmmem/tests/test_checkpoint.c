/* Checkpoints, deltas and reconstruction bound to the witness chain (spec §10.8). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/mem_checkpoint.h>

#define SIZE 16384u
#define RING 64u

static rvm_witness_log_t wlog;
static rvm_witness_record_t *ring;
static rvm_lz4_state_t lz4;
static uint8_t data[SIZE];
static uint8_t comp[SIZE * 4 + 64];
static uint8_t out[SIZE];
static rvm_delta_t dslots[4];
static uint8_t ddata[256];
static rvm_delta_log_t dl;

static void setup(void)
{
    ring = aligned_alloc(64, RING * sizeof *ring);
    ck_assert_int_eq(rvm_witness_log_init(&wlog, ring, RING, NULL), RVM_OK);
    for (unsigned i = 0; i < SIZE; i++) {
        data[i] = (i / 64) % 3 == 0 ? 0 : (uint8_t)("region state "[i % 13]);
    }
    ck_assert_int_eq(rvm_delta_log_init(&dl, dslots, 4, ddata, sizeof ddata), RVM_OK);
}

static void teardown(void)
{
    free(ring);
}

static rvm_checkpoint_t make(uint8_t alg)
{
    rvm_checkpoint_t cp;
    ck_assert_int_eq(rvm_checkpoint_create(&wlog, 11, 5, alg, &lz4, data, SIZE, comp, sizeof comp, &cp), RVM_OK);
    return cp;
}

static void expect_plain_rebuild(const rvm_checkpoint_t *cp)
{
    rvm_reconstruction_t res;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, cp, comp, cp->compressed_size, &dl, out, SIZE, &res), RVM_OK);
    ck_assert_mem_eq(out, data, SIZE);
}

START_TEST(create_witnesses_and_rebuilds)
{
    for (uint8_t alg = 0; alg <= 1; alg++) {
        rvm_checkpoint_t cp = make(alg);
        ck_assert_uint_eq(cp.size, SIZE);
        ck_assert_uint_lt(cp.compressed_size, SIZE);
        rvm_witness_record_t rec;
        ck_assert_int_eq(rvm_witness_get(&wlog, cp.witness_sequence, &rec), RVM_OK);
        ck_assert_uint_eq(rec.action_kind, RVM_ACTION_CHECKPOINT_CREATED);
        ck_assert_uint_eq(rec.target_object_id, 5);
        ck_assert_uint_eq(rec.flags, alg);
        uint8_t dg[32];
        rvm_checkpoint_digest(&cp, dg);
        ck_assert_uint_eq(rvm_le64_load(rec.payload), rvm_le64_load(dg));
        uint8_t want[32];
        rvm_sha256(data, SIZE, want);
        ck_assert_mem_eq(cp.data_hash, want, 32);
        rvm_reconstruction_t res;
        memset(out, 0xEE, sizeof out);
        ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, NULL, out, SIZE, &res),
                         RVM_OK);
        ck_assert_mem_eq(out, data, SIZE);
        ck_assert_uint_eq(res.region_id, 5);
        ck_assert_uint_eq(res.size, SIZE);
        ck_assert_uint_eq(res.deltas_applied, 0);
        ck_assert_mem_eq(res.final_hash, want, 32);
    }
}
END_TEST

START_TEST(deltas_replay_in_order_and_deterministically)
{
    rvm_checkpoint_t cp = make(RVM_COMPRESS_LZ4);
    const uint8_t a[] = "first write";
    const uint8_t b[] = "second";
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 100, a, sizeof a), RVM_OK);
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 104, b, sizeof b), RVM_OK);
    ck_assert_uint_eq(rvm_delta_log_count(&dl), 2);
    rvm_witness_record_t rec;
    ck_assert_int_eq(rvm_witness_get(&wlog, dslots[1].sequence, &rec), RVM_OK);
    ck_assert_uint_eq(rec.action_kind, RVM_ACTION_REGION_DELTA);
    ck_assert_uint_eq(rec.capability_hash, 104);
    rvm_reconstruction_t r1;
    rvm_reconstruction_t r2;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, &dl, out, SIZE, &r1), RVM_OK);
    ck_assert_uint_eq(r1.deltas_applied, 2);
    uint8_t want[SIZE];
    memcpy(want, data, SIZE);
    memcpy(want + 100, a, sizeof a);
    memcpy(want + 104, b, sizeof b);
    ck_assert_mem_eq(out, want, SIZE);
    memset(out, 0, SIZE);
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, &dl, out, SIZE, &r2), RVM_OK);
    ck_assert_mem_eq(r1.final_hash, r2.final_hash, 32);
    ck_assert_mem_eq(out, want, SIZE);
    rvm_delta_log_clear(&dl);
    ck_assert_uint_eq(rvm_delta_log_count(&dl), 0);
}
END_TEST

START_TEST(corruption_is_rejected)
{
    rvm_checkpoint_t cp = make(RVM_COMPRESS_LZ4);
    const uint8_t a[] = "delta bytes";
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 8, a, sizeof a), RVM_OK);
    rvm_reconstruction_t res;
    /* A flipped byte in the compressed checkpoint. */
    comp[cp.compressed_size / 2] ^= 0x10;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, &dl, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    ck_assert_int_eq(rvm_checkpoint_reconstruct(NULL, &cp, comp, cp.compressed_size, NULL, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    comp[cp.compressed_size / 2] ^= 0x10;
    /* A flipped hash in the descriptor: the witness record no longer vouches for it. */
    rvm_checkpoint_t bad = cp;
    bad.data_hash[3] ^= 1;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &bad, comp, cp.compressed_size, &dl, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    /* Without the log the hashes alone still catch it. */
    ck_assert_int_eq(rvm_checkpoint_reconstruct(NULL, &bad, comp, cp.compressed_size, NULL, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    bad = cp;
    bad.compressed_hash[0] ^= 1;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(NULL, &bad, comp, cp.compressed_size, NULL, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    bad = cp;
    bad.size = SIZE - 1;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &bad, comp, cp.compressed_size, NULL, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    bad = cp;
    bad.witness_sequence = dslots[0].sequence;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &bad, comp, cp.compressed_size, NULL, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    /* A flipped delta byte, a moved delta, a delta pointing past the region. */
    ddata[dslots[0].data_offset + 2] ^= 0x40;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, &dl, out, SIZE, &res),
                     RVM_ERR_WITNESS_VERIFICATION_FAILED);
    ddata[dslots[0].data_offset + 2] ^= 0x40;
    dslots[0].offset = 9;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, &dl, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    dslots[0].offset = SIZE - 2;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(NULL, &cp, comp, cp.compressed_size, &dl, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    dslots[0].offset = 8;
    /* Truncated input, short output. */
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size - 1, &dl, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_CORRUPTED);
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, &dl, out, SIZE - 1, &res),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    /* Everything restored: it rebuilds again. */
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, &dl, out, SIZE, &res), RVM_OK);
}
END_TEST

START_TEST(tampered_witness_log_is_rejected)
{
    rvm_checkpoint_t cp = make(RVM_COMPRESS_RLE);
    /* Rewriting the anchoring record in the ring breaks the chain the verifier walks. */
    ring[cp.witness_sequence % RING].payload[0] ^= 1;
    rvm_reconstruction_t res;
    rvm_err_t e = rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, NULL, out, SIZE, &res);
    ck_assert(e == RVM_ERR_WITNESS_VERIFICATION_FAILED || e == RVM_ERR_WITNESS_CHAIN_BROKEN);
    ring[cp.witness_sequence % RING].payload[0] ^= 1;
    expect_plain_rebuild(&cp);
}
END_TEST

START_TEST(overwritten_anchor_is_not_found)
{
    rvm_checkpoint_t cp = make(RVM_COMPRESS_RLE);
    for (unsigned i = 0; i < RING; i++) {
        ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 6, 0, data + 1, 1), RVM_OK);
        rvm_delta_log_clear(&dl);
    }
    rvm_reconstruction_t res;
    ck_assert_int_eq(rvm_checkpoint_reconstruct(&wlog, &cp, comp, cp.compressed_size, NULL, out, SIZE, &res),
                     RVM_ERR_CHECKPOINT_NOT_FOUND);
    /* Re-anchoring (what a restore from cold storage does) binds it to the live log again. */
    ck_assert_int_eq(rvm_checkpoint_reanchor(&wlog, &cp), RVM_OK);
    rvm_witness_record_t rec;
    ck_assert_int_eq(rvm_witness_get(&wlog, cp.witness_sequence, &rec), RVM_OK);
    ck_assert_uint_eq(rec.action_kind, RVM_ACTION_CHECKPOINT_RESTORED);
    expect_plain_rebuild(&cp);
}
END_TEST

START_TEST(create_and_delta_rejects)
{
    rvm_checkpoint_t cp;
    ck_assert_int_eq(rvm_checkpoint_create(&wlog, 1, 5, RVM_COMPRESS_RLE, NULL, data, 0, comp, sizeof comp, &cp),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_checkpoint_create(&wlog, 1, 5, 7, NULL, data, SIZE, comp, sizeof comp, &cp),
                     RVM_ERR_UNSUPPORTED);
    ck_assert_int_eq(rvm_checkpoint_create(&wlog, 1, 5, RVM_COMPRESS_LZ4, NULL, data, SIZE, comp, sizeof comp, &cp),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_checkpoint_create(&wlog, 1, 5, RVM_COMPRESS_RLE, NULL, data, SIZE, comp, 8, &cp),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(rvm_witness_total_emitted(&wlog), 0);
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 0, data, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 0, data, 65536), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 0, data, 257), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, i, data, 8), RVM_OK);
    }
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 0, data, 8), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    /* A log that hands out an older sequence than the last delta's: the deltas cannot be ordered. */
    rvm_delta_log_clear(&dl);
    ck_assert_int_eq(rvm_delta_log_add(&dl, &wlog, 5, 0, data, 8), RVM_OK);
    rvm_witness_record_t other_ring[4] __attribute__((aligned(64)));
    rvm_witness_log_t other;
    ck_assert_int_eq(rvm_witness_log_init(&other, other_ring, 4, NULL), RVM_OK);
    ck_assert_int_eq(rvm_delta_log_add(&dl, &other, 5, 0, data, 8), RVM_ERR_WITNESS_CHAIN_BROKEN);
    ck_assert_uint_eq(rvm_delta_log_count(&dl), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmmem-checkpoint");
    TCase *tc = tcase_create("checkpoint");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, create_witnesses_and_rebuilds);
    tcase_add_test(tc, deltas_replay_in_order_and_deterministically);
    tcase_add_test(tc, corruption_is_rejected);
    tcase_add_test(tc, tampered_witness_log_is_rejected);
    tcase_add_test(tc, overwritten_anchor_is_not_found);
    tcase_add_test(tc, create_and_delta_rejects);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
