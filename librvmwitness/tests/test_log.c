/* The ring log and the signers: spec KATs, wrap-around, drain policies, accessors, invalid arguments. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/endian.h>
#include <rvm/fnv.h>
#include <rvm/fold.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>
#include <rvm/witness_segment.h>
#include <rvm/witness_signer.h>
#include <rvm/witness_verify.h>

#include "witness_test_util.h"

/* Field-wise, so struct padding cannot make two equal logs compare unequal. */
static void assert_same_log(const rvm_witness_log_t *a, const rvm_witness_log_t *b)
{
    ck_assert_ptr_eq(a->records, b->records);
    ck_assert_uint_eq(a->capacity, b->capacity);
    ck_assert_uint_eq(a->write_pos, b->write_pos);
    ck_assert_uint_eq(a->chain_value, b->chain_value);
    ck_assert_uint_eq(a->base_chain, b->base_chain);
    ck_assert_uint_eq(a->next_sequence, b->next_sequence);
    ck_assert_uint_eq(a->drained_sequence, b->drained_sequence);
    ck_assert_uint_eq(a->lost, b->lost);
}

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* Spec §6.2, all seven rows: records appended to an empty log with action 0x01, tier 1, all else 0. */
START_TEST(chain_kat_table)
{
    static const struct {
        uint8_t mode, digest;
        uint64_t seq;
        uint32_t prev_hash;
        uint64_t chain;
        uint32_t record_hash;
    } kat[] = {
        { 1, RVM_WITNESS_DIGEST_SHA256, 0, 0x00000000u, 0x7d02c0e6d6d6d7eaull, 0xabd4170cu },
        { 1, RVM_WITNESS_DIGEST_SHA256, 1, 0xabd4170cu, 0x46076091b6a16601ull, 0xf0a60690u },
        { 1, RVM_WITNESS_DIGEST_SHA256, 2, 0xf0a60690u, 0x7c7227f300c35a88ull, 0x7cb17d7bu },
        { 1, RVM_WITNESS_DIGEST_FNV1A, 0, 0x00000000u, 0x88201fb960ff6465ull, 0xe8df7bdcu },
        { 1, RVM_WITNESS_DIGEST_FNV1A, 1, 0xe8df7bdcu, 0xb27785f10fe7b2baull, 0xbd90374bu },
        { 2, RVM_WITNESS_DIGEST_SHA256, 0, 0x00000000u, 0x9ec08bff180187f9ull, 0x86c10c06u },
        { 2, RVM_WITNESS_DIGEST_SHA256, 1, 0x86c10c06u, 0x757a05fe0010d319ull, 0x756ad6e7u },
    };
    for (size_t k = 0; k < sizeof kat / sizeof kat[0]; k++) {
        tu_log_t t;
        tu_log_init(&t, 8, kat[k].mode, kat[k].digest, NULL);
        rvm_witness_record_t in = tu_rec(0x01, 0, 0, 0);
        for (uint64_t s = 0; s <= kat[k].seq; s++) {
            uint64_t seq = 99;
            ck_assert_int_eq(rvm_witness_append(&t.log, &in, &seq), RVM_OK);
            ck_assert_uint_eq(seq, s);
        }
        rvm_witness_record_t out;
        ck_assert_int_eq(rvm_witness_get(&t.log, kat[k].seq, &out), RVM_OK);
        ck_assert_msg(out.prev_hash == kat[k].prev_hash, "row %zu prev_hash %08x", k, out.prev_hash);
        ck_assert_msg(out.record_hash == kat[k].record_hash, "row %zu record_hash %08x", k, out.record_hash);
        ck_assert_msg(rvm_witness_chain_value(&t.log) == kat[k].chain, "row %zu chain", k);
        ck_assert_uint_eq(rvm_fold32(kat[k].chain), kat[k].record_hash);
        tu_log_free(&t);
    }
}
END_TEST

/* Spec §6.6: record 0 of the mode-1 table, default key, HMAC and strict signers, and the 64-byte-signer digest. */
START_TEST(signer_kat)
{
    uint8_t key[32], want_key[32];
    rvm_witness_default_key(key);
    hex_to_bytes("2283731feb4b505ad0acf4a54944da4602e5f20ae7820c72aa82486c8e3c1d34", want_key, 32);
    ck_assert_mem_eq(key, want_key, 32);

    rvm_witness_hmac_signer_t hmac;
    rvm_witness_hmac_signer_init(&hmac, key, sizeof key);
    rvm_witness_fnv_signer_t fnv;
    rvm_witness_fnv_signer_init(&fnv);
    const struct {
        const rvm_witness_signer_t *signer;
        const char *aux;
    } cases[] = { { &hmac.base, "f267a64a0fbc57a9" }, { &fnv.base, "334f97eb0a0939c3" } };

    for (size_t c = 0; c < 2; c++) {
        tu_log_t t;
        tu_log_init(&t, 4, RVM_WITNESS_CHAIN_SEQUENCE, RVM_WITNESS_DIGEST_SHA256, cases[c].signer);
        rvm_witness_record_t in = tu_rec(0x01, 0, 0, 0);
        ck_assert_int_eq(rvm_witness_append(&t.log, &in, NULL), RVM_OK);
        rvm_witness_record_t out;
        ck_assert_int_eq(rvm_witness_get(&t.log, 0, &out), RVM_OK);

        uint8_t ser[64], want_ser[52] = { 0 };
        rvm_witness_record_serialize(&out, ser);
        want_ser[16] = 0x01;
        want_ser[17] = 0x01;
        want_ser[48] = 0x0c;
        want_ser[49] = 0x17;
        want_ser[50] = 0xd4;
        want_ser[51] = 0xab;
        ck_assert_mem_eq(ser, want_ser, 52);

        uint8_t aux[8];
        hex_to_bytes(cases[c].aux, aux, 8);
        ck_assert_mem_eq(out.aux, aux, 8);
        ck_assert(rvm_witness_verify_record(cases[c].signer, &out));
        /* The standalone signer agrees with the append path, which signs from the chain block. */
        rvm_witness_record_t again = out;
        memset(again.aux, 0, sizeof again.aux);
        rvm_witness_sign_record(cases[c].signer, &again);
        ck_assert_mem_eq(again.aux, aux, 8);
        out.aux[3] ^= 0x40;
        ck_assert(!rvm_witness_verify_record(cases[c].signer, &out));

        uint8_t digest[32], want_digest[32];
        rvm_sha256(ser, 52, digest);
        hex_to_bytes("15dff609eedc3633c22b69e411dd78b8f0a522c7f7a39ed82421a21d401b6136", want_digest, 32);
        ck_assert_mem_eq(digest, want_digest, 32);
        tu_log_free(&t);
    }
}
END_TEST

/* The words-FNV of mode 2, written independently of the library. */
static uint64_t ref_fnv_words(const uint8_t *m, size_t len)
{
    uint64_t h = RVM_FNV1A64_OFFSET;
    for (size_t i = 0; i < len; i += 8) {
        uint8_t w[8] = { 0 };
        memcpy(w, m + i, len - i < 8 ? len - i : 8);
        h ^= rvm_le64_load(w);
        h *= RVM_FNV1A64_PRIME;
    }
    return h;
}

/* The chain step (and so the library's private serialiser) matches the spec formula over the librvmtypes serialiser. */
START_TEST(chain_step_matches_reference_formula)
{
    uint64_t s = 0x1234567;
    for (int it = 0; it < 500; it++) {
        rvm_witness_record_t r = tu_rec_n(tu_rand(&s));
        r.sequence = tu_rand(&s);
        r.timestamp_ns = tu_rand(&s);
        r.target_object_id = tu_rand(&s);
        r.actor_partition_id = (uint32_t)tu_rand(&s);
        r.reserved = (uint8_t)tu_rand(&s); /* never hashed: the canonical form forces it to zero */
        uint64_t prev = tu_rand(&s);
        uint8_t ser[64], msg[52], d[32];
        rvm_witness_record_serialize(&r, ser);
        rvm_le64_store(msg, prev);
        memcpy(msg + 8, ser, 44);
        rvm_sha256(msg, 52, d);
        ck_assert_uint_eq(rvm_witness_chain_step(2, RVM_WITNESS_DIGEST_SHA256, prev, &r), rvm_xorfold64(d));
        ck_assert_uint_eq(rvm_witness_chain_step(2, RVM_WITNESS_DIGEST_FNV1A, prev, &r), ref_fnv_words(msg, 52));
        rvm_sha256(msg, 16, d);
        ck_assert_uint_eq(rvm_witness_chain_step(1, RVM_WITNESS_DIGEST_SHA256, prev, &r), rvm_xorfold64(d));
        ck_assert_uint_eq(rvm_witness_chain_step(1, RVM_WITNESS_DIGEST_FNV1A, prev, &r), rvm_fnv1a64(msg, 16));
    }
}
END_TEST

START_TEST(append_overwrites_chain_fields_and_keeps_aux)
{
    tu_log_t t;
    tu_log_init(&t, 4, 2, RVM_WITNESS_DIGEST_SHA256, NULL);
    rvm_witness_record_t in = tu_rec_n(3);
    in.sequence = 77;
    in.prev_hash = 0xdeadbeef;
    in.record_hash = 0xfeedface;
    in.reserved = 9;
    in.pad = 0x55;
    memcpy(in.aux, "AUXBYTES", 8);
    ck_assert_int_eq(rvm_witness_append(&t.log, &in, NULL), RVM_OK);
    rvm_witness_record_t out;
    ck_assert_int_eq(rvm_witness_get(&t.log, 0, &out), RVM_OK);
    ck_assert_uint_eq(out.sequence, 0);
    ck_assert_uint_eq(out.prev_hash, 0);
    ck_assert_uint_eq(out.record_hash, rvm_fold32(rvm_witness_chain_value(&t.log)));
    ck_assert_uint_eq(out.reserved, 0);
    ck_assert_uint_eq(out.pad, 0);
    ck_assert_mem_eq(out.aux, "AUXBYTES", 8);
    ck_assert_uint_eq(out.timestamp_ns, in.timestamp_ns);
    ck_assert_uint_eq(out.target_object_id, in.target_object_id);
    ck_assert_mem_eq(out.payload, in.payload, 8);
    tu_log_free(&t);
}
END_TEST

static uint64_t fake_clock(void *ctx)
{
    uint64_t *now = ctx;
    *now += 5;
    return *now;
}

START_TEST(clock_stamps_only_unstamped_records)
{
    uint64_t now = 1000;
    rvm_witness_record_t storage[4];
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    cfg.clock = fake_clock;
    cfg.clock_ctx = &now;
    rvm_witness_log_t log;
    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 4, &cfg), RVM_OK);
    rvm_witness_record_t a = tu_rec(0x01, 0, 1, 0);
    rvm_witness_record_t b = tu_rec(0x01, 0, 1, 42);
    ck_assert_int_eq(rvm_witness_append(&log, &a, NULL), RVM_OK);
    ck_assert_int_eq(rvm_witness_append(&log, &b, NULL), RVM_OK);
    rvm_witness_record_t out;
    ck_assert_int_eq(rvm_witness_get(&log, 0, &out), RVM_OK);
    ck_assert_uint_eq(out.timestamp_ns, 1005);
    ck_assert_uint_eq(rvm_witness_get(&log, 1, &out), RVM_OK);
    ck_assert_uint_eq(out.timestamp_ns, 42);
    ck_assert_int_eq(rvm_witness_verify_log(&log, NULL, NULL), RVM_OK);
}
END_TEST

/* Capacity 7, 100 appends: the ring keeps 93..99, every accessor agrees with an unwrapped reference log. */
START_TEST(wrap_around_capacity_7)
{
    for (size_t m = 0; m < 4; m++) {
        tu_log_t small, big;
        tu_log_init(&small, 7, tu_modes[m][0], tu_modes[m][1], NULL);
        tu_log_init(&big, 100, tu_modes[m][0], tu_modes[m][1], NULL);
        uint64_t chain_after[100];
        for (uint64_t i = 0; i < 100; i++) {
            rvm_witness_record_t r = tu_rec_n(i);
            uint64_t seq = 0;
            ck_assert_int_eq(rvm_witness_append(&small.log, &r, &seq), RVM_OK);
            ck_assert_uint_eq(seq, i);
            ck_assert_int_eq(rvm_witness_append(&big.log, &r, NULL), RVM_OK);
            chain_after[i] = rvm_witness_chain_value(&big.log);
            ck_assert_uint_eq(rvm_witness_len(&small.log), i + 1 < 7 ? i + 1 : 7);
            /* The base chain is the chain value right before the oldest retained record. */
            uint64_t oldest = rvm_witness_oldest_sequence(&small.log);
            ck_assert_uint_eq(rvm_witness_base_chain(&small.log), oldest == 0 ? 0 : chain_after[oldest - 1]);
            ck_assert_int_eq(rvm_witness_verify_log(&small.log, NULL, NULL), RVM_OK);
        }
        ck_assert_uint_eq(rvm_witness_total_emitted(&small.log), 100);
        ck_assert_uint_eq(rvm_witness_len(&small.log), 7);
        ck_assert_uint_eq(rvm_witness_oldest_sequence(&small.log), 93);
        ck_assert_uint_eq(rvm_witness_chain_value(&small.log), rvm_witness_chain_value(&big.log));
        ck_assert_uint_eq(rvm_witness_lost(&small.log), 93);

        rvm_witness_record_t out, ref;
        ck_assert_int_eq(rvm_witness_get(&small.log, 92, &out), RVM_ERR_NOT_FOUND);
        ck_assert_int_eq(rvm_witness_get(&small.log, 100, &out), RVM_ERR_NOT_FOUND);
        for (uint64_t s = 93; s < 100; s++) {
            ck_assert_int_eq(rvm_witness_get(&small.log, s, &out), RVM_OK);
            ck_assert_int_eq(rvm_witness_get(&big.log, s, &ref), RVM_OK);
            ck_assert_mem_eq(&out, &ref, sizeof out);
            uint64_t c = 0;
            ck_assert_int_eq(rvm_witness_chain_before(&small.log, s, &c), RVM_OK);
            ck_assert_uint_eq(c, chain_after[s - 1]);
        }
        uint64_t c = 0;
        ck_assert_int_eq(rvm_witness_chain_before(&small.log, 100, &c), RVM_OK);
        ck_assert_uint_eq(c, chain_after[99]);
        ck_assert_int_eq(rvm_witness_chain_before(&small.log, 92, &c), RVM_ERR_NOT_FOUND);
        ck_assert_int_eq(rvm_witness_chain_before(&small.log, 101, &c), RVM_ERR_NOT_FOUND);

        rvm_witness_record_t snap[10];
        uint32_t n = 0;
        ck_assert_int_eq(rvm_witness_snapshot(&small.log, snap, 10, &n), RVM_OK);
        ck_assert_uint_eq(n, 7);
        for (uint32_t i = 0; i < n; i++) {
            ck_assert_uint_eq(snap[i].sequence, 93 + i);
            ck_assert_uint_eq(snap[i].pad, 0);
        }
        ck_assert_int_eq(rvm_witness_snapshot(&small.log, snap, 3, &n), RVM_OK);
        ck_assert_uint_eq(n, 3);
        ck_assert_uint_eq(snap[0].sequence, 97);
        ck_assert_uint_eq(snap[2].sequence, 99);
        ck_assert_int_eq(rvm_witness_read_from(&small.log, 95, snap, 10, &n), RVM_OK);
        ck_assert_uint_eq(n, 5);
        ck_assert_uint_eq(snap[0].sequence, 95);
        ck_assert_int_eq(rvm_witness_read_from(&small.log, 100, snap, 10, &n), RVM_OK);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(rvm_witness_read_from(&small.log, 90, snap, 10, &n), RVM_ERR_NOT_FOUND);

        rvm_witness_segment_t seg;
        ck_assert_int_eq(rvm_witness_log_segment(&small.log, &seg), RVM_OK);
        ck_assert_uint_eq(seg.first_sequence, 93);
        ck_assert_uint_eq(seg.count, 7);
        ck_assert_uint_eq(seg.prev_chain, chain_after[92]);
        ck_assert_uint_eq(seg.final_chain, chain_after[99]);
        ck_assert(seg.complete);
        tu_log_free(&small);
        tu_log_free(&big);
    }
}
END_TEST

START_TEST(empty_log_accessors)
{
    tu_log_t t;
    tu_log_init(&t, 3, 2, 0, NULL);
    rvm_witness_record_t out, buf[2];
    uint32_t n = 5;
    ck_assert_uint_eq(rvm_witness_len(&t.log), 0);
    ck_assert_uint_eq(rvm_witness_total_emitted(&t.log), 0);
    ck_assert_uint_eq(rvm_witness_chain_value(&t.log), 0);
    ck_assert_int_eq(rvm_witness_get(&t.log, 0, &out), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_witness_snapshot(&t.log, buf, 2, &n), RVM_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(rvm_witness_snapshot(&t.log, NULL, 0, &n), RVM_OK);
    ck_assert_int_eq(rvm_witness_verify_log(&t.log, NULL, NULL), RVM_OK);
    tu_log_free(&t);
}
END_TEST

START_TEST(lost_counter_respects_drain_mark)
{
    tu_log_t t;
    tu_log_init(&t, 7, 2, 0, NULL);
    tu_log_fill(&t, 10);
    ck_assert_uint_eq(rvm_witness_lost(&t.log), 3);
    ck_assert_int_eq(rvm_witness_mark_drained(&t.log, 8), RVM_OK);
    /* Records 10..14 overwrite 3..7, all drained: nothing more is lost. */
    tu_log_fill(&t, 5);
    ck_assert_uint_eq(rvm_witness_lost(&t.log), 3);
    /* 15 overwrites 8, which was not drained. */
    tu_log_fill(&t, 1);
    ck_assert_uint_eq(rvm_witness_lost(&t.log), 4);
    /* The mark never moves backwards and never passes the next sequence. */
    ck_assert_int_eq(rvm_witness_mark_drained(&t.log, 2), RVM_OK);
    ck_assert_int_eq(rvm_witness_mark_drained(&t.log, 17), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_mark_drained(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    tu_log_free(&t);
}
END_TEST

START_TEST(refuse_undrained_policy)
{
    rvm_witness_record_t storage[4];
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    cfg.full_policy = RVM_WITNESS_REFUSE_UNDRAINED;
    rvm_witness_log_t log;
    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 4, &cfg), RVM_OK);
    for (uint64_t i = 0; i < 4; i++) {
        ck_assert(rvm_witness_can_append(&log));
        rvm_witness_record_t r = tu_rec_n(i);
        ck_assert_int_eq(rvm_witness_append(&log, &r, NULL), RVM_OK);
    }
    ck_assert(!rvm_witness_can_append(&log));
    rvm_witness_log_t before = log;
    rvm_witness_record_t ring_before[4];
    memcpy(ring_before, storage, sizeof storage);
    rvm_witness_record_t r = tu_rec_n(4);
    uint64_t seq = 1234;
    ck_assert_int_eq(rvm_witness_append(&log, &r, &seq), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(seq, 1234);
    assert_same_log(&log, &before);
    ck_assert_mem_eq(storage, ring_before, sizeof storage);

    ck_assert_int_eq(rvm_witness_mark_drained(&log, 2), RVM_OK);
    ck_assert(rvm_witness_can_append(&log));
    ck_assert_int_eq(rvm_witness_append(&log, &r, &seq), RVM_OK);
    ck_assert_uint_eq(seq, 4);
    r = tu_rec_n(5);
    ck_assert_int_eq(rvm_witness_append(&log, &r, NULL), RVM_OK);
    ck_assert_int_eq(rvm_witness_append(&log, &r, NULL), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(rvm_witness_lost(&log), 0);
    ck_assert_int_eq(rvm_witness_verify_log(&log, NULL, NULL), RVM_OK);
}
END_TEST

START_TEST(signed_append_uses_the_given_signer)
{
    uint8_t key[32];
    rvm_witness_default_key(key);
    rvm_witness_hmac_signer_t hmac;
    rvm_witness_hmac_signer_init(&hmac, key, sizeof key);
    tu_log_t t;
    tu_log_init(&t, 8, 2, 0, NULL);
    rvm_witness_record_t r = tu_rec_n(1);
    ck_assert_int_eq(rvm_witness_signed_append(&t.log, &r, &hmac.base, NULL), RVM_OK);
    ck_assert_int_eq(rvm_witness_append(&t.log, &r, NULL), RVM_OK);
    rvm_witness_record_t a, b;
    ck_assert_int_eq(rvm_witness_get(&t.log, 0, &a), RVM_OK);
    ck_assert_int_eq(rvm_witness_get(&t.log, 1, &b), RVM_OK);
    ck_assert(rvm_witness_verify_record(&hmac.base, &a));
    ck_assert(!rvm_witness_verify_record(&hmac.base, &b));
    ck_assert_int_eq(rvm_witness_signed_append(NULL, &r, &hmac.base, NULL), RVM_ERR_INVALID_ARGUMENT);
    tu_log_free(&t);
}
END_TEST

START_TEST(invalid_arguments_leave_the_log_unchanged)
{
    rvm_witness_record_t storage[4];
    rvm_witness_log_t log;
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    ck_assert_int_eq(rvm_witness_log_init(NULL, storage, 4, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_log_init(&log, NULL, 4, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    cfg.chain_mode = 3;
    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 4, &cfg), RVM_ERR_INVALID_ARGUMENT);
    cfg.chain_mode = 0;
    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 4, &cfg), RVM_ERR_INVALID_ARGUMENT);
    rvm_witness_config_default(&cfg);
    cfg.digest = 2;
    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 4, &cfg), RVM_ERR_INVALID_ARGUMENT);
    rvm_witness_config_default(&cfg);
    cfg.full_policy = 2;
    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 4, &cfg), RVM_ERR_INVALID_ARGUMENT);

    ck_assert_int_eq(rvm_witness_log_init(&log, storage, 4, NULL), RVM_OK);
    rvm_witness_record_t r = tu_rec_n(0);
    ck_assert_int_eq(rvm_witness_append(&log, &r, NULL), RVM_OK);
    rvm_witness_log_t before = log;
    rvm_witness_record_t ring_before[4];
    memcpy(ring_before, storage, sizeof storage);

    static const uint8_t bad_codes[] = { 0x00, 0x0A, 0x0F, 0x19, 0x37, 0x55, 0x68, 0x94, 0xA2, 0xB0, 0xFF };
    for (size_t i = 0; i < sizeof bad_codes; i++) {
        r.action_kind = bad_codes[i];
        uint64_t seq = 7;
        ck_assert_int_eq(rvm_witness_append(&log, &r, &seq), RVM_ERR_INVALID_ARGUMENT);
        ck_assert_uint_eq(seq, 7);
    }
    ck_assert_int_eq(rvm_witness_append(&log, NULL, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_append(NULL, &r, NULL), RVM_ERR_INVALID_ARGUMENT);
    assert_same_log(&log, &before);
    ck_assert_mem_eq(storage, ring_before, sizeof storage);

    rvm_witness_record_t out;
    uint32_t n;
    uint64_t c;
    ck_assert_int_eq(rvm_witness_get(NULL, 0, &out), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_get(&log, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_snapshot(NULL, &out, 1, &n), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_snapshot(&log, NULL, 1, &n), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_snapshot(&log, &out, 1, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_read_from(&log, 0, NULL, 1, &n), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_chain_before(&log, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_chain_before(NULL, 0, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_log_segment(NULL, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

/* The log's own validity map agrees with librvmtypes for every byte. */
START_TEST(append_accepts_exactly_the_defined_action_codes)
{
    tu_log_t t;
    tu_log_init(&t, 4, 2, 1, NULL);
    for (unsigned code = 0; code < 256; code++) {
        rvm_witness_record_t r = tu_rec((uint8_t)code, 1, 2, 3);
        rvm_err_t want = rvm_action_kind_valid((uint8_t)code) ? RVM_OK : RVM_ERR_INVALID_ARGUMENT;
        ck_assert_msg(rvm_witness_append(&t.log, &r, NULL) == want, "code 0x%02x", code);
    }
    ck_assert_int_eq(rvm_witness_verify_log(&t.log, NULL, NULL), RVM_OK);
    tu_log_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmwitness-log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, chain_kat_table);
    tcase_add_test(tc, signer_kat);
    tcase_add_test(tc, chain_step_matches_reference_formula);
    tcase_add_test(tc, append_overwrites_chain_fields_and_keeps_aux);
    tcase_add_test(tc, clock_stamps_only_unstamped_records);
    tcase_add_test(tc, wrap_around_capacity_7);
    tcase_add_test(tc, empty_log_accessors);
    tcase_add_test(tc, lost_counter_respects_drain_mark);
    tcase_add_test(tc, refuse_undrained_policy);
    tcase_add_test(tc, signed_append_uses_the_given_signer);
    tcase_add_test(tc, invalid_arguments_leave_the_log_unchanged);
    tcase_add_test(tc, append_accepts_exactly_the_defined_action_codes);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
