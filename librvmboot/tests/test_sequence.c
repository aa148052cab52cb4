/* The stage sequencer (spec §12.1): every valid and invalid transition, timings, witnesses, determinism. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/boot_sequence.h>
#include <rvm/fold.h>
#include <rvm/witness_verify.h>

#include "fixture.h"

static const uint8_t order[RVM_BOOT_STAGE_COUNT] = {0, 1, 2, 3, 4, 5, 7, 6};
static fx_boot_t f;
static fx_data_t d;

static void setup(void)
{
    fx_open(&f, RVM_BOOT_HASH_SHA256);
    fx_reference_data(&d);
}
static void teardown(void) { fx_close(&f); }

/* Every begin and complete for a stage other than `expected` fails out of order and changes nothing. */
static void assert_others_refused(uint8_t expected, bool begun)
{
    uint8_t dg[32] = {0};
    rvm_boot_t before = f.b;
    for (uint8_t s = 0; s < RVM_BOOT_STAGE_COUNT; s++) {
        uint64_t t = f.b.last_tick;
        if (s != expected || begun) {
            ck_assert_int_eq(rvm_boot_begin_stage(&f.b, s, t), RVM_ERR_INTERNAL_ERROR);
        }
        if (s != expected || !begun) {
            ck_assert_int_eq(rvm_boot_complete_stage(&f.b, s, t, dg), RVM_ERR_INTERNAL_ERROR);
        }
    }
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, RVM_BOOT_STAGE_COUNT, f.b.last_tick), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_complete_stage(&f.b, RVM_BOOT_STAGE_COUNT, f.b.last_tick, dg),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_mem_eq(&before, &f.b, sizeof before);
}

START_TEST(every_transition)
{
    uint64_t t = 5000;
    uint8_t acc[32];
    ck_assert_int_eq(rvm_boot_accumulator(&f.b, acc), RVM_OK);
    ck_assert_mem_eq(acc, (uint8_t[32]){0}, 32);
    for (size_t i = 0; i < RVM_BOOT_STAGE_COUNT; i++) {
        uint8_t s = order[i];
        ck_assert_uint_eq(rvm_boot_next_stage(&f.b), s);
        ck_assert(!rvm_boot_is_complete(&f.b));
        assert_others_refused(s, false);
        ck_assert_int_eq(rvm_boot_begin_stage(&f.b, s, t), RVM_OK);
        assert_others_refused(s, true);
        rvm_boot_timing_t tm;
        ck_assert_int_eq(rvm_boot_stage_timing(&f.b, s, &tm), RVM_ERR_NOT_FOUND);
        ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, s, t + 100 + i, d.bytes[s], d.len[s]), RVM_OK);
        ck_assert_int_eq(rvm_boot_stage_timing(&f.b, s, &tm), RVM_OK);
        ck_assert_uint_eq(tm.start_tick, t);
        ck_assert_uint_eq(tm.end_tick, t + 100 + i);
        uint8_t want[32], got[32];
        ck_assert_int_eq(rvm_boot_stage_digest_sha256(s, d.bytes[s], d.len[s], want), RVM_OK);
        ck_assert_int_eq(rvm_boot_stage_digest_of(&f.b, s, got), RVM_OK);
        ck_assert_mem_eq(got, want, 32);
        t += 1000;
        if (s == RVM_BOOT_STAGE_KERNEL_OBJECT_INIT) {
            ck_assert_int_eq(fx_attach(&f, NULL), RVM_OK);
        }
    }
    ck_assert(rvm_boot_is_complete(&f.b));
    ck_assert_uint_eq(rvm_boot_next_stage(&f.b), RVM_BOOT_STAGE_NONE);

    uint64_t total = 0, first = 0;
    ck_assert_int_eq(rvm_boot_total_ticks(&f.b, &total), RVM_OK);
    ck_assert_uint_eq(total, 7 * 1000 + 100 + 7); /* SchedulerEntry runs last, at position 7 */
    ck_assert_int_eq(rvm_boot_first_witness_ticks(&f.b, &first), RVM_OK);
    ck_assert_uint_eq(first, 5 * 1000 + 100 + 5);

    uint8_t root[32];
    ck_assert_int_eq(rvm_boot_attestation(&f.b, root), RVM_OK);
    ck_assert_int_eq(rvm_boot_accumulator(&f.b, acc), RVM_OK);
    ck_assert_mem_eq(root, acc, 32);
    ck_assert_uint_eq(f.b.measure.count, RVM_BOOT_STAGE_COUNT);
}
END_TEST

START_TEST(after_completion_everything_is_unsupported)
{
    fx_boot_all(&f, &d, 1);
    uint8_t dg[32] = {0}, pl[8] = {0};
    for (uint8_t s = 0; s <= RVM_BOOT_STAGE_COUNT; s++) {
        ck_assert_int_eq(rvm_boot_begin_stage(&f.b, s, UINT64_MAX), RVM_ERR_UNSUPPORTED);
        ck_assert_int_eq(rvm_boot_complete_stage(&f.b, s, UINT64_MAX, dg), RVM_ERR_UNSUPPORTED);
        ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, s, UINT64_MAX, NULL, 0), RVM_ERR_UNSUPPORTED);
    }
    ck_assert_int_eq(rvm_boot_emit(&f.b, RVM_ACTION_UART_INITIALIZED, UINT64_MAX, pl), RVM_ERR_UNSUPPORTED);
    ck_assert_int_eq(fx_attach(&f, NULL), RVM_ERR_UNSUPPORTED);
    ck_assert_uint_eq(rvm_witness_total_emitted(&f.log), RVM_BOOT_STAGE_COUNT);
}
END_TEST

START_TEST(first_witness_needs_the_log)
{
    uint8_t dg[32] = {0};
    for (uint8_t s = 0; s <= RVM_BOOT_STAGE_KERNEL_OBJECT_INIT; s++) {
        ck_assert_int_eq(rvm_boot_begin_stage(&f.b, s, 10), RVM_OK);
        ck_assert_int_eq(rvm_boot_complete_stage(&f.b, s, 10, dg), RVM_OK);
    }
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, RVM_BOOT_STAGE_FIRST_WITNESS, 10), RVM_OK);
    rvm_boot_t before = f.b;
    ck_assert_int_eq(rvm_boot_complete_stage(&f.b, RVM_BOOT_STAGE_FIRST_WITNESS, 11, dg), RVM_ERR_INTERNAL_ERROR);
    ck_assert_mem_eq(&before, &f.b, sizeof before);
    ck_assert_uint_eq(rvm_boot_prelog_len(&f.b), 5);
    ck_assert_int_eq(fx_attach(&f, NULL), RVM_OK); /* attaching inside the stage is allowed */
    ck_assert_int_eq(rvm_boot_complete_stage(&f.b, RVM_BOOT_STAGE_FIRST_WITNESS, 11, dg), RVM_OK);
    uint64_t first = 0;
    ck_assert_int_eq(rvm_boot_first_witness_ticks(&f.b, &first), RVM_OK);
    ck_assert_uint_eq(first, 1);
}
END_TEST

START_TEST(ticks_never_run_backwards)
{
    uint8_t dg[32] = {0}, pl[8] = {0};
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 0, 100), RVM_OK);
    ck_assert_int_eq(rvm_boot_complete_stage(&f.b, 0, 99, dg), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_complete_stage(&f.b, 0, 100, dg), RVM_OK);
    ck_assert_int_eq(rvm_boot_emit(&f.b, RVM_ACTION_UART_INITIALIZED, 99, pl), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 1, 99), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_emit(&f.b, RVM_ACTION_UART_INITIALIZED, 200, pl), RVM_OK);
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 1, 150), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 1, 200), RVM_OK);
}
END_TEST

START_TEST(arguments)
{
    rvm_boot_t b;
    uint8_t dg[32] = {0};
    uint64_t v;
    rvm_boot_timing_t tm;
    ck_assert_int_eq(rvm_boot_init(&b, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_init(NULL, &(rvm_boot_config_t){.counter_hz = 1}), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_init(&b, &(rvm_boot_config_t){.counter_hz = 0}), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_init(&b, &(rvm_boot_config_t){.hash = 9, .counter_hz = 1}), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_begin_stage(NULL, 0, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_complete_stage(NULL, 0, 0, dg), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_complete_stage_data(NULL, 0, 0, NULL, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_begin_stage(&f.b, 0, 0), RVM_OK);
    ck_assert_int_eq(rvm_boot_complete_stage(&f.b, 0, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_complete_stage_data(&f.b, 0, 0, NULL, 3), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_emit(&f.b, RVM_ACTION_UART_INITIALIZED, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_attach_log(&f.b, NULL, f.storage, 8, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_attach_log(NULL, &f.log, f.storage, 8, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_attach_log(&f.b, &f.log, NULL, 8, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_timing(&f.b, 8, &tm), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_timing(&f.b, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_digest_of(&f.b, 8, dg), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_stage_digest_of(&f.b, 0, dg), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_boot_accumulator(NULL, dg), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_attestation(&f.b, dg), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_boot_attestation(NULL, dg), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_total_ticks(&f.b, &v), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_boot_total_ticks(&f.b, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_boot_first_witness_ticks(&f.b, &v), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_boot_first_witness_ticks(NULL, &v), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(rvm_boot_next_stage(NULL), RVM_BOOT_STAGE_NONE);
    ck_assert(!rvm_boot_is_complete(NULL));
    ck_assert_uint_eq(rvm_boot_prelog_len(NULL), 0);
}
END_TEST

START_TEST(ticks_to_ns)
{
    ck_assert_uint_eq(rvm_boot_ticks_to_ns(FX_HZ / 4, FX_HZ), 250000000u); /* the 250 ms gate */
    ck_assert_uint_eq(rvm_boot_ticks_to_ns(1, FX_HZ), 16);
    ck_assert_uint_eq(rvm_boot_ticks_to_ns(3, 1000000000u), 3);
    ck_assert_uint_eq(rvm_boot_ticks_to_ns(UINT64_MAX, 4000000000u), 4611686018427387903ull);
    ck_assert_uint_eq(rvm_boot_ticks_to_ns(UINT64_MAX, 1), UINT64_MAX);
    ck_assert_uint_eq(rvm_boot_ticks_to_ns(5, 0), 0);
}
END_TEST

START_TEST(stage_witness_contents)
{
    static const uint8_t want_action[RVM_BOOT_STAGE_COUNT] = {0x83, 0x84, 0x86, 0x87, 0x88, 0x81, 0x89, 0x80};
    rvm_witness_record_t recs[16];
    rvm_boot_measure_t m;
    ck_assert_int_eq(rvm_boot_measure_init(&m, RVM_BOOT_HASH_SHA256), RVM_OK);
    fx_boot_all(&f, &d, 0);
    ck_assert_uint_eq(fx_records(&f, recs, 16), RVM_BOOT_STAGE_COUNT);
    for (size_t i = 0; i < RVM_BOOT_STAGE_COUNT; i++) {
        uint8_t s = order[i], dg[32];
        const rvm_witness_record_t *r = &recs[i];
        ck_assert_uint_eq(r->sequence, i);
        ck_assert_uint_eq(r->action_kind, want_action[i]);
        ck_assert_uint_eq(rvm_boot_stage_action(s), want_action[i]);
        ck_assert_uint_eq(r->proof_tier, 1);
        ck_assert_uint_eq(r->actor_partition_id, 0);
        ck_assert_uint_eq(r->target_object_id, 0);
        ck_assert_uint_eq(r->payload[0], s);
        uint64_t since = 0;
        for (size_t k = 1; k < 8; k++) {
            since |= (uint64_t)r->payload[k] << (8 * (k - 1));
        }
        ck_assert_uint_eq(since, 1000 * (i + 1));
        /* Stage 0 completes at tick 1000: 16 000 ns at 62.5 MHz; tick 0 would still stamp 1 ns. */
        ck_assert_uint_eq(r->timestamp_ns, rvm_boot_ticks_to_ns(1000 * (i + 1), FX_HZ));
        ck_assert_int_eq(rvm_boot_stage_digest_of(&f.b, s, dg), RVM_OK);
        ck_assert_int_eq(rvm_boot_measure_extend(&m, s, dg), RVM_OK);
        ck_assert_uint_eq(r->capability_hash, rvm_fold32(rvm_xorfold64(m.acc)));
        ck_assert_uint_eq(r->flags, r->action_kind == RVM_ACTION_BOOT_ATTESTATION ? RVM_WITNESS_CHAIN_CONTENT : 0);
    }
    ck_assert_uint_eq(rvm_boot_stage_action(8), 0);
    ck_assert_int_eq(rvm_witness_verify_chain(RVM_WITNESS_CHAIN_CONTENT, RVM_WITNESS_DIGEST_SHA256, recs,
                                              RVM_BOOT_STAGE_COUNT, NULL, NULL),
                     RVM_OK);
}
END_TEST

START_TEST(attestation_flags_record_chain_mode_1)
{
    rvm_witness_config_t cfg;
    rvm_witness_record_t recs[16];
    rvm_witness_config_default(&cfg);
    cfg.chain_mode = RVM_WITNESS_CHAIN_SEQUENCE;
    ck_assert_int_eq(fx_attach(&f, &cfg), RVM_OK);
    fx_boot_all(&f, &d, 0);
    ck_assert_uint_eq(fx_records(&f, recs, 16), RVM_BOOT_STAGE_COUNT);
    ck_assert_uint_eq(recs[7].action_kind, RVM_ACTION_BOOT_ATTESTATION);
    ck_assert_uint_eq(recs[7].flags, RVM_WITNESS_CHAIN_SEQUENCE);
    ck_assert_int_eq(rvm_witness_verify_chain(RVM_WITNESS_CHAIN_SEQUENCE, RVM_WITNESS_DIGEST_SHA256, recs,
                                              RVM_BOOT_STAGE_COUNT, NULL, NULL),
                     RVM_OK);
}
END_TEST

static void boot_root(const fx_data_t *data, uint8_t hash, uint8_t root[32], rvm_witness_record_t recs[16])
{
    fx_boot_t g;
    fx_open(&g, hash);
    fx_boot_all(&g, data, 77);
    ck_assert_int_eq(rvm_boot_attestation(&g.b, root), RVM_OK);
    if (recs != NULL) {
        ck_assert_uint_eq(fx_records(&g, recs, 16), RVM_BOOT_STAGE_COUNT);
    }
    fx_close(&g);
}

START_TEST(deterministic)
{
    uint8_t hash = (uint8_t)_i;
    uint8_t a[32], b[32];
    rvm_witness_record_t ra[16], rb[16];
    boot_root(&d, hash, a, ra);
    boot_root(&d, hash, b, rb);
    ck_assert_mem_eq(a, b, 32);
    ck_assert_mem_eq(ra, rb, sizeof(rvm_witness_record_t) * RVM_BOOT_STAGE_COUNT);
}
END_TEST

START_TEST(every_measured_byte_counts)
{
    uint8_t hash = (uint8_t)_i;
    uint8_t base[32], other[32];
    boot_root(&d, hash, base, NULL);
    for (uint8_t s = 0; s < RVM_BOOT_STAGE_COUNT; s++) {
        for (size_t k = 0; k < d.len[s]; k++) {
            fx_data_t e = d;
            e.bytes[s][k] ^= 0x01;
            boot_root(&e, hash, other, NULL);
            ck_assert_mem_ne(base, other, 32);
        }
        /* With SHA-256 one more byte, even a zero, is a different measurement; the FNV form zero-pads. */
        if (hash == RVM_BOOT_HASH_SHA256 && d.len[s] < sizeof d.bytes[s]) {
            fx_data_t e = d;
            e.len[s]++;
            boot_root(&e, hash, other, NULL);
            ck_assert_mem_ne(base, other, 32);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmboot-sequence");
    TCase *tc = tcase_create("sequence");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_transition);
    tcase_add_test(tc, after_completion_everything_is_unsupported);
    tcase_add_test(tc, first_witness_needs_the_log);
    tcase_add_test(tc, ticks_never_run_backwards);
    tcase_add_test(tc, arguments);
    tcase_add_test(tc, ticks_to_ns);
    tcase_add_test(tc, stage_witness_contents);
    tcase_add_test(tc, attestation_flags_record_chain_mode_1);
    tcase_add_loop_test(tc, deterministic, RVM_BOOT_HASH_SHA256, RVM_BOOT_HASH_FNV + 1);
    tcase_add_loop_test(tc, every_measured_byte_counts, RVM_BOOT_HASH_SHA256, RVM_BOOT_HASH_FNV + 1);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
