/* Export and import: exact round trips in both forms, strict rejection of malformed input, corruption fuzzing. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/endian.h>
#include <rvm/sha256.h>
#include <rvm/witness_export.h>
#include <rvm/witness_log.h>
#include <rvm/witness_segment.h>
#include <rvm/witness_verify.h>

#include "witness_test_util.h"

#define N 20

static rvm_witness_hmac_signer_t hmac;

/* A log of N records (wrapped when cap < N), its segment and records, exported in binary form. */
typedef struct fixture {
    tu_log_t t;
    rvm_witness_segment_t seg;
    rvm_witness_record_t *recs;
    uint32_t n;
    uint8_t *bin;
    size_t bin_len;
    char *txt;
    size_t txt_len;
} fixture_t;

static void fixture_init(fixture_t *f, uint32_t cap, uint64_t total, uint8_t mode, uint8_t digest,
                         const rvm_witness_signer_t *signer)
{
    tu_log_init(&f->t, cap, mode, digest, signer);
    tu_log_fill(&f->t, total);
    ck_assert_int_eq(rvm_witness_log_segment(&f->t.log, &f->seg), RVM_OK);
    f->recs = tu_snapshot(&f->t.log, &f->n);
    ck_assert_int_eq(rvm_witness_export_binary_size(f->n, &f->bin_len), RVM_OK);
    f->bin = malloc(f->bin_len);
    size_t len = 0;
    ck_assert_int_eq(rvm_witness_export_binary(&f->seg, f->recs, f->bin, f->bin_len, &len), RVM_OK);
    ck_assert_uint_eq(len, f->bin_len);
    ck_assert_int_eq(rvm_witness_export_lines_size(f->n, &f->txt_len), RVM_OK);
    f->txt = malloc(f->txt_len);
    ck_assert_int_eq(rvm_witness_export_lines(&f->seg, f->recs, f->txt, f->txt_len, &len), RVM_OK);
    ck_assert_uint_eq(len, f->txt_len);
}

static void fixture_free(fixture_t *f)
{
    free(f->recs);
    free(f->bin);
    free(f->txt);
    tu_log_free(&f->t);
}

static void assert_same_segment(const rvm_witness_segment_t *a, const rvm_witness_segment_t *b)
{
    ck_assert_uint_eq(a->chain_mode, b->chain_mode);
    ck_assert_uint_eq(a->digest, b->digest);
    ck_assert_uint_eq(a->complete, b->complete);
    ck_assert_uint_eq(a->first_sequence, b->first_sequence);
    ck_assert_uint_eq(a->count, b->count);
    ck_assert_uint_eq(a->prev_chain, b->prev_chain);
    ck_assert_uint_eq(a->final_chain, b->final_chain);
}

/* Recomputes the trailing SHA-256, so a test can reach the checks behind it. */
static void reseal(uint8_t *bin, size_t len)
{
    rvm_sha256(bin, len - 32, bin + len - 32);
}

START_TEST(binary_round_trip_is_exact)
{
    for (size_t m = 0; m < 4; m++) {
        const uint32_t caps[] = { 64, 7 };
        for (size_t c = 0; c < 2; c++) {
            fixture_t f;
            fixture_init(&f, caps[c], N, tu_modes[m][0], tu_modes[m][1], &hmac.base);
            /* The log exports the same bytes straight from its ring. */
            uint8_t *direct = malloc(f.bin_len);
            size_t len = 0;
            ck_assert_int_eq(rvm_witness_export_log_binary(&f.t.log, direct, f.bin_len, &len), RVM_OK);
            ck_assert_uint_eq(len, f.bin_len);
            ck_assert_mem_eq(direct, f.bin, f.bin_len);
            free(direct);

            rvm_witness_segment_t seg;
            rvm_witness_record_t *back = tu_records(f.n);
            ck_assert_int_eq(rvm_witness_import_binary(f.bin, f.bin_len, &seg, back, f.n), RVM_OK);
            assert_same_segment(&seg, &f.seg);
            ck_assert_mem_eq(back, f.recs, f.n * sizeof *back);
            rvm_witness_verify_result_t res;
            ck_assert_int_eq(rvm_witness_verify_segment(&seg, back, f.n, &hmac.base, &res), RVM_OK);
            uint8_t *again = malloc(f.bin_len);
            ck_assert_int_eq(rvm_witness_export_binary(&seg, back, again, f.bin_len, &len), RVM_OK);
            ck_assert_mem_eq(again, f.bin, f.bin_len);
            free(again);
            free(back);
            fixture_free(&f);
        }
    }
}
END_TEST

START_TEST(line_round_trip_is_exact)
{
    for (size_t m = 0; m < 4; m++) {
        fixture_t f;
        fixture_init(&f, 9, N, tu_modes[m][0], tu_modes[m][1], NULL);
        rvm_witness_segment_t seg;
        rvm_witness_record_t *back = tu_records(f.n);
        size_t n = 0, bad = 0;
        ck_assert_int_eq(rvm_witness_import_lines(f.txt, f.txt_len, &seg, back, f.n, &n, &bad), RVM_OK);
        ck_assert_uint_eq(n, f.n);
        assert_same_segment(&seg, &f.seg);
        ck_assert_mem_eq(back, f.recs, f.n * sizeof *back);
        ck_assert_int_eq(rvm_witness_verify_segment(&seg, back, n, NULL, NULL), RVM_OK);
        char *again = malloc(f.txt_len);
        size_t len = 0;
        ck_assert_int_eq(rvm_witness_export_lines(&seg, back, again, f.txt_len, &len), RVM_OK);
        ck_assert_mem_eq(again, f.txt, f.txt_len);
        free(again);
        free(back);
        fixture_free(&f);
    }
}
END_TEST

START_TEST(single_line_formatters)
{
    fixture_t f;
    fixture_init(&f, 32, 3, 2, 0, NULL);
    char line[RVM_WITNESS_LINE_RECORD_LEN + 1];
    size_t len = 0;
    ck_assert_int_eq(rvm_witness_line_record(&f.recs[1], line, sizeof line, &len), RVM_OK);
    ck_assert_uint_eq(len, RVM_WITNESS_LINE_RECORD_LEN);
    ck_assert_uint_eq(strlen(line), len);
    ck_assert_int_eq(strncmp(line, RVM_WITNESS_LINE_PREFIX "R ", RVM_WITNESS_LINE_PREFIX_LEN + 2), 0);
    rvm_witness_line_t l;
    ck_assert_int_eq(rvm_witness_line_parse(line, len, &l), RVM_OK);
    ck_assert_uint_eq(l.kind, RVM_WITNESS_LINE_RECORD);
    ck_assert_mem_eq(&l.rec, &f.recs[1], sizeof l.rec);
    ck_assert_int_eq(rvm_witness_line_record(&f.recs[1], line, RVM_WITNESS_LINE_RECORD_LEN, &len),
                     RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, RVM_WITNESS_LINE_RECORD_LEN);

    ck_assert_int_eq(rvm_witness_line_header(&f.seg, line, sizeof line, &len), RVM_OK);
    ck_assert_uint_eq(len, RVM_WITNESS_LINE_HEADER_LEN);
    ck_assert_int_eq(rvm_witness_line_parse(line, len, &l), RVM_OK);
    ck_assert_uint_eq(l.kind, RVM_WITNESS_LINE_HEADER);
    ck_assert_uint_eq(l.seg.chain_mode, 2);
    ck_assert_uint_eq(l.seg.prev_chain, f.seg.prev_chain);
    ck_assert_int_eq(rvm_witness_line_end(&f.seg, line, sizeof line, &len), RVM_OK);
    ck_assert_uint_eq(len, RVM_WITNESS_LINE_END_LEN);
    ck_assert_int_eq(rvm_witness_line_parse(line, len, &l), RVM_OK);
    ck_assert_uint_eq(l.kind, RVM_WITNESS_LINE_END);
    ck_assert_uint_eq(l.seg.count, 3);
    ck_assert_uint_eq(l.seg.final_chain, f.seg.final_chain);

    ck_assert_int_eq(rvm_witness_line_parse("[RVM] booting", 13, &l), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_witness_line_parse("", 0, &l), RVM_ERR_NOT_FOUND);
    rvm_witness_record_t bad = f.recs[0];
    bad.action_kind = 0;
    ck_assert_int_eq(rvm_witness_line_record(&bad, line, sizeof line, &len), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_line_record(NULL, line, sizeof line, &len), RVM_ERR_INVALID_ARGUMENT);
    fixture_free(&f);
}
END_TEST

/* CRC-32 (IEEE, reflected), bit by bit: an independent statement of the line check. */
static uint32_t ref_crc32(const char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= (uint8_t)p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

/* Rewrites the CRC field of a formatted line of `len` characters. */
static void fix_crc(char *line, size_t len)
{
    char crc[9];
    snprintf(crc, sizeof crc, "%08x", ref_crc32(line, len - 9));
    memcpy(line + len - 8, crc, 8);
}

START_TEST(line_check_is_crc32_of_the_body)
{
    ck_assert_uint_eq(ref_crc32("123456789", 9), 0xcbf43926u);
    fixture_t f;
    fixture_init(&f, 8, 3, 2, 1, NULL);
    char line[RVM_WITNESS_LINE_RECORD_LEN + 1];
    size_t len = 0;
    ck_assert_int_eq(rvm_witness_line_record(&f.recs[2], line, sizeof line, &len), RVM_OK);
    char want[9];
    snprintf(want, sizeof want, "%08x", ref_crc32(line, len - 9));
    ck_assert_str_eq(line + len - 8, want);
    ck_assert_int_eq(rvm_witness_line_header(&f.seg, line, sizeof line, &len), RVM_OK);
    snprintf(want, sizeof want, "%08x", ref_crc32(line, len - 9));
    ck_assert_str_eq(line + len - 8, want);

    /* Well-sealed lines with bad fields: undefined mode or digest, non-hex, undefined action, nonzero pad. */
    rvm_witness_line_t l;
    const struct {
        size_t at;
        char c;
    } header_edits[] = { { 12, '3' }, { 12, '0' }, { 14, '2' }, { 13, 'x' }, { 20, 'g' }, { 40, 'A' } };
    for (size_t i = 0; i < sizeof header_edits / sizeof header_edits[0]; i++) {
        ck_assert_int_eq(rvm_witness_line_header(&f.seg, line, sizeof line, &len), RVM_OK);
        line[header_edits[i].at] = header_edits[i].c;
        fix_crc(line, len);
        ck_assert_msg(rvm_witness_line_parse(line, len, &l) == RVM_ERR_MALFORMED_INPUT, "header edit %zu", i);
    }
    ck_assert_int_eq(rvm_witness_line_record(&f.recs[2], line, sizeof line, &len), RVM_OK);
    line[12 + 2 * 16] = '0';
    line[12 + 2 * 16 + 1] = '0';
    fix_crc(line, len);
    ck_assert_int_eq(rvm_witness_line_parse(line, len, &l), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_witness_line_record(&f.recs[2], line, sizeof line, &len), RVM_OK);
    line[12 + 2 * 63 + 1] = '1';
    fix_crc(line, len);
    ck_assert_int_eq(rvm_witness_line_parse(line, len, &l), RVM_ERR_MALFORMED_INPUT);
    const char not_hex[] = { 'g', 'G', 'A', ' ', ':', '/', '\0', (char)0xff };
    for (size_t i = 0; i < sizeof not_hex; i++) {
        ck_assert_int_eq(rvm_witness_line_record(&f.recs[2], line, sizeof line, &len), RVM_OK);
        line[12 + 2 * 30 + i % 2] = not_hex[i];
        fix_crc(line, len);
        ck_assert_int_eq(rvm_witness_line_parse(line, len, &l), RVM_ERR_MALFORMED_INPUT);
    }
    /* The untouched line still parses after fix_crc, so the edits above are what fail. */
    ck_assert_int_eq(rvm_witness_line_record(&f.recs[2], line, sizeof line, &len), RVM_OK);
    fix_crc(line, len);
    ck_assert_int_eq(rvm_witness_line_parse(line, len, &l), RVM_OK);
    fixture_free(&f);
}
END_TEST

/* Appends `s` to a growing text buffer. */
static void put(char *buf, size_t *len, const char *s, size_t n)
{
    memcpy(buf + *len, s, n);
    *len += n;
}

START_TEST(line_import_skips_console_noise)
{
    fixture_t f;
    fixture_init(&f, 32, N, 2, 0, NULL);
    static const char *noise[] = {
        "[RVM] hypervisor v0.1 booting\n", "\n", "random uart garbage \x01\x02\xff\n", "[RVM] W\n",
        "[RVM] WL0 R 00\n", "[RVM] partition 1 created\r\n", "WL1 R not a witness line\n",
    };
    char *mixed = malloc(f.txt_len * 3 + 4096);
    size_t len = 0;
    size_t k = 0;
    const char *p = f.txt;
    while (p < f.txt + f.txt_len) {
        const char *nl = memchr(p, '\n', (size_t)(f.txt + f.txt_len - p));
        const char *ns = noise[k++ % (sizeof noise / sizeof noise[0])];
        put(mixed, &len, ns, strlen(ns));
        /* Some witness lines carry a capture tool's timestamp before the prefix, some a CRLF ending. */
        if (k % 3 == 0) {
            put(mixed, &len, "[   12.345678] ", 15);
        }
        put(mixed, &len, p, (size_t)(nl - p));
        if (k % 4 == 0) {
            put(mixed, &len, "\r", 1);
        }
        put(mixed, &len, "\n", 1);
        p = nl + 1;
    }
    put(mixed, &len, "[RVM] shutting down", 19); /* no final newline */
    rvm_witness_segment_t seg;
    rvm_witness_record_t *back = tu_records(f.n);
    size_t n = 0, bad = 0;
    ck_assert_int_eq(rvm_witness_import_lines(mixed, len, &seg, back, f.n, &n, &bad), RVM_OK);
    ck_assert_uint_eq(n, f.n);
    assert_same_segment(&seg, &f.seg);
    ck_assert_mem_eq(back, f.recs, f.n * sizeof *back);

    /* Counting pass with no buffer. */
    ck_assert_int_eq(rvm_witness_import_lines(mixed, len, &seg, NULL, 0, &n, &bad), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, f.n);
    /* No end line: the segment is marked incomplete and counts what it found. */
    ck_assert_int_eq(rvm_witness_import_lines(f.txt, f.txt_len - RVM_WITNESS_LINE_END_LEN - 1, &seg, back, f.n, &n,
                                              &bad),
                     RVM_OK);
    ck_assert(!seg.complete);
    ck_assert_uint_eq(seg.count, f.n);
    ck_assert_int_eq(rvm_witness_verify_segment(&seg, back, n, NULL, NULL), RVM_OK);
    /* Noise only. */
    ck_assert_int_eq(rvm_witness_import_lines("hello\nworld\n", 12, &seg, back, f.n, &n, &bad), RVM_ERR_NOT_FOUND);
    free(back);
    free(mixed);
    fixture_free(&f);
}
END_TEST

START_TEST(binary_rejects_malformed_input)
{
    fixture_t f;
    fixture_init(&f, 32, 6, 2, 0, NULL);
    rvm_witness_segment_t seg;
    rvm_witness_record_t *back = tu_records(f.n);
    uint8_t *b = malloc(f.bin_len + 64);

    /* Every truncation, and one byte too many. */
    for (size_t len = 0; len < f.bin_len; len++) {
        ck_assert_int_eq(rvm_witness_import_binary(f.bin, len, &seg, back, f.n), RVM_ERR_MALFORMED_INPUT);
    }
    memcpy(b, f.bin, f.bin_len);
    b[f.bin_len] = 0;
    ck_assert_int_eq(rvm_witness_import_binary(b, f.bin_len + 1, &seg, back, f.n), RVM_ERR_MALFORMED_INPUT);

    /* Header fields, each resealed so that the field check (not the checksum) must catch it. */
    const struct {
        size_t off;
        uint8_t val;
    } edits[] = {
        { 0, 'X' },  { 7, 1 },    { 8, 2 },    { 9, 1 },   { 10, 3 },  { 10, 0 },  { 11, 2 },
        { 12, 65 },  { 14, 32 },  { 15, 1 },   { 24, 7 },  { 24, 5 },  { 31, 0x80 }, { 48, 1 }, { 63, 1 },
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        memcpy(b, f.bin, f.bin_len);
        b[edits[i].off] = edits[i].val;
        reseal(b, f.bin_len);
        ck_assert_msg(rvm_witness_import_binary(b, f.bin_len, &seg, back, f.n) == RVM_ERR_MALFORMED_INPUT,
                      "header edit %zu accepted", i);
    }
    /* Record fields the parser refuses: undefined action, reserved, pad. */
    const size_t rec_offs[] = { 16, 19, 60, 63 };
    for (size_t i = 0; i < 4; i++) {
        memcpy(b, f.bin, f.bin_len);
        b[64 + 2 * 64 + rec_offs[i]] = rec_offs[i] == 16 ? 0xEE : 1;
        reseal(b, f.bin_len);
        ck_assert_int_eq(rvm_witness_import_binary(b, f.bin_len, &seg, back, f.n), RVM_ERR_MALFORMED_INPUT);
    }
    /* Checksum. */
    memcpy(b, f.bin, f.bin_len);
    b[f.bin_len - 1] ^= 1;
    ck_assert_int_eq(rvm_witness_import_binary(b, f.bin_len, &seg, back, f.n), RVM_ERR_MALFORMED_INPUT);
    /* A huge count must not overflow the length check. */
    memcpy(b, f.bin, f.bin_len);
    rvm_le64_store(b + 24, UINT64_MAX / 64 + 2);
    reseal(b, f.bin_len);
    ck_assert_int_eq(rvm_witness_import_binary(b, f.bin_len, &seg, back, f.n), RVM_ERR_MALFORMED_INPUT);

    /* Too small a record buffer: everything validated, the count reported. */
    ck_assert_int_eq(rvm_witness_import_binary(f.bin, f.bin_len, &seg, back, 2), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(seg.count, f.n);
    ck_assert_int_eq(rvm_witness_import_binary(f.bin, f.bin_len, &seg, NULL, 0), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_int_eq(rvm_witness_import_binary(NULL, 10, &seg, back, f.n), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_import_binary(f.bin, f.bin_len, NULL, back, f.n), RVM_ERR_INVALID_ARGUMENT);

    /* Exporter arguments. */
    size_t len = 0;
    ck_assert_int_eq(rvm_witness_export_binary(&f.seg, f.recs, b, f.bin_len - 1, &len), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, f.bin_len);
    rvm_witness_segment_t badseg = f.seg;
    badseg.chain_mode = 7;
    ck_assert_int_eq(rvm_witness_export_binary(&badseg, f.recs, b, f.bin_len, &len), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_export_binary_size(UINT64_MAX, &len), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_export_lines_size(UINT64_MAX / 2, &len), RVM_ERR_INVALID_ARGUMENT);
    free(b);
    free(back);
    fixture_free(&f);
}
END_TEST

/* Replaces line `which` (0-based) of a line export with `repl`, writing into `out`; returns the new length. */
static size_t edit_line(const char *txt, size_t len, size_t which, const char *repl, char *out)
{
    size_t o = 0, line = 0, i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && txt[e] != '\n') {
            e++;
        }
        if (line == which) {
            if (repl != NULL) {
                put(out, &o, repl, strlen(repl));
                put(out, &o, "\n", 1);
            }
        } else {
            put(out, &o, txt + i, e - i + 1);
        }
        line++;
        i = e + 1;
    }
    return o;
}

START_TEST(lines_reject_malformed_input)
{
    fixture_t f;
    fixture_init(&f, 32, 5, 2, 0, NULL);
    rvm_witness_segment_t seg;
    rvm_witness_record_t *back = tu_records(f.n);
    char *buf = malloc(f.txt_len + 1024);
    size_t n = 0, bad = 0, len = 0;

    /* Bad per-line CRC on record line 3 (file line 4). */
    memcpy(buf, f.txt, f.txt_len);
    size_t line4 = RVM_WITNESS_LINE_HEADER_LEN + 1 + 2 * (RVM_WITNESS_LINE_RECORD_LEN + 1);
    buf[line4 + RVM_WITNESS_LINE_RECORD_LEN - 1] ^= 1;
    ck_assert_int_eq(rvm_witness_import_lines(buf, f.txt_len, &seg, back, f.n, &n, &bad), RVM_ERR_MALFORMED_INPUT);
    ck_assert_uint_eq(bad, 4);
    /* A hex digit changed (CRC now wrong), and one made uppercase. */
    memcpy(buf, f.txt, f.txt_len);
    buf[line4 + 40] = buf[line4 + 40] == '0' ? '1' : '0';
    ck_assert_int_eq(rvm_witness_import_lines(buf, f.txt_len, &seg, back, f.n, &n, &bad), RVM_ERR_MALFORMED_INPUT);

    char line[RVM_WITNESS_LINE_RECORD_LEN + 2];
    memcpy(line, f.txt + line4, RVM_WITNESS_LINE_RECORD_LEN);
    line[RVM_WITNESS_LINE_RECORD_LEN] = '\0';
    rvm_witness_line_t l;
    ck_assert_int_eq(rvm_witness_line_parse(line, RVM_WITNESS_LINE_RECORD_LEN, &l), RVM_OK);
    char *crc = line + RVM_WITNESS_LINE_RECORD_LEN - 8;
    for (int i = 0; i < 8; i++) {
        if (crc[i] >= 'a') {
            crc[i] = (char)(crc[i] - 'a' + 'A');
        }
    }
    if (strpbrk(crc, "ABCDEF") != NULL) {
        ck_assert_int_eq(rvm_witness_line_parse(line, RVM_WITNESS_LINE_RECORD_LEN, &l), RVM_ERR_MALFORMED_INPUT);
    }
    /* Wrong lengths, trailing junk, unknown kind. */
    memcpy(line, f.txt + line4, RVM_WITNESS_LINE_RECORD_LEN);
    ck_assert_int_eq(rvm_witness_line_parse(line, RVM_WITNESS_LINE_RECORD_LEN - 1, &l), RVM_ERR_MALFORMED_INPUT);
    line[RVM_WITNESS_LINE_RECORD_LEN] = ' ';
    ck_assert_int_eq(rvm_witness_line_parse(line, RVM_WITNESS_LINE_RECORD_LEN + 1, &l), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_witness_line_parse("[RVM] WL1 ", 10, &l), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_witness_line_parse("[RVM] WL1 X 0", 13, &l), RVM_ERR_MALFORMED_INPUT);

    /* Structure: record before the header, two headers, record after the end line, missing header. */
    len = edit_line(f.txt, f.txt_len, 0, NULL, buf);
    ck_assert_int_eq(rvm_witness_import_lines(buf, len, &seg, back, f.n, &n, &bad), RVM_ERR_MALFORMED_INPUT);
    ck_assert_uint_eq(bad, 1);
    char hdr[RVM_WITNESS_LINE_HEADER_LEN + 1];
    ck_assert_int_eq(rvm_witness_line_header(&f.seg, hdr, sizeof hdr, &len), RVM_OK);
    len = edit_line(f.txt, f.txt_len, 3, hdr, buf);
    ck_assert_int_eq(rvm_witness_import_lines(buf, len, &seg, back, f.n, &n, &bad), RVM_ERR_MALFORMED_INPUT);
    ck_assert_uint_eq(bad, 4);
    memcpy(buf, f.txt, f.txt_len);
    memcpy(buf + f.txt_len, f.txt + line4, RVM_WITNESS_LINE_RECORD_LEN + 1);
    ck_assert_int_eq(rvm_witness_import_lines(buf, f.txt_len + RVM_WITNESS_LINE_RECORD_LEN + 1, &seg, back, f.n, &n,
                                              &bad),
                     RVM_ERR_MALFORMED_INPUT);
    ck_assert_uint_eq(bad, f.n + 3);

    /* A wrong count in the end line imports, and verification names the truncation. */
    rvm_witness_segment_t more = f.seg;
    more.count = f.n + 2;
    char end[RVM_WITNESS_LINE_END_LEN + 1];
    ck_assert_int_eq(rvm_witness_line_end(&more, end, sizeof end, &len), RVM_OK);
    len = edit_line(f.txt, f.txt_len, f.n + 1, end, buf);
    ck_assert_int_eq(rvm_witness_import_lines(buf, len, &seg, back, f.n, &n, &bad), RVM_OK);
    rvm_witness_verify_result_t res;
    ck_assert_int_eq(rvm_witness_verify_segment(&seg, back, n, NULL, &res), RVM_ERR_WITNESS_CHAIN_BROKEN);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_COUNT);
    ck_assert_uint_eq(res.bad_sequence, f.n);
    /* A dropped record line imports, and verification names the gap. */
    len = edit_line(f.txt, f.txt_len, 3, NULL, buf);
    ck_assert_int_eq(rvm_witness_import_lines(buf, len, &seg, back, f.n, &n, &bad), RVM_OK);
    ck_assert_int_eq(rvm_witness_verify_segment(&seg, back, n, NULL, &res), RVM_ERR_WITNESS_CHAIN_BROKEN);
    ck_assert_uint_eq(res.reason, RVM_WITNESS_VERIFY_SEQUENCE_GAP);
    ck_assert_uint_eq(res.bad_sequence, 2);
    ck_assert_int_eq(rvm_witness_import_lines(NULL, 5, &seg, back, f.n, &n, &bad), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_witness_import_lines(f.txt, f.txt_len, &seg, back, f.n, NULL, &bad),
                     RVM_ERR_INVALID_ARGUMENT);
    free(buf);
    free(back);
    fixture_free(&f);
}
END_TEST

/*
 * A few thousand random single-byte corruptions of a valid signed export:
 * never a crash, and never an undetected change. Every corruption must fail
 * the import or the verification, with two exceptions that change no data
 * and are checked to change none: a hit on the end line's prefix turns that
 * line into console noise (the import then reports an incomplete segment),
 * and a final '\n' turned into '\r' is an equally valid line ending.
 */
static void fuzz(bool lines, bool resealed, uint64_t seed, int rounds)
{
    fixture_t f;
    fixture_init(&f, 16, 40, 2, 0, &hmac.base);
    size_t size = lines ? f.txt_len : f.bin_len;
    const uint8_t *orig = lines ? (const uint8_t *)f.txt : f.bin;
    uint8_t *buf = malloc(size);
    rvm_witness_record_t *back = tu_records(f.n + 4);
    int harmless = 0;
    for (int i = 0; i < rounds; i++) {
        memcpy(buf, orig, size);
        size_t pos = (size_t)(tu_rand(&seed) % size);
        uint8_t v = (uint8_t)tu_rand(&seed);
        if (v == buf[pos]) {
            v ^= 0x20;
        }
        buf[pos] = v;
        if (resealed && pos < size - 32) {
            reseal(buf, size);
        }
        rvm_witness_segment_t seg;
        size_t n = 0, bad = 0;
        rvm_err_t err = lines ? rvm_witness_import_lines((const char *)buf, size, &seg, back, f.n + 4, &n, &bad)
                              : rvm_witness_import_binary(buf, size, &seg, back, f.n + 4);
        if (err != RVM_OK) {
            ck_assert_msg(err == RVM_ERR_MALFORMED_INPUT || err == RVM_ERR_NOT_FOUND ||
                              err == RVM_ERR_BUFFER_TOO_SMALL,
                          "import error %d", err);
            continue;
        }
        if (!lines) {
            n = (size_t)seg.count;
        }
        ck_assert_uint_le(n, f.n + 4);
        if (rvm_witness_verify_segment(&seg, back, n, &hmac.base, NULL) != RVM_OK) {
            continue;
        }
        ck_assert_msg(lines, "binary corruption at %zu (0x%02x) went unnoticed", pos, v);
        ck_assert_msg((!seg.complete && pos >= size - RVM_WITNESS_LINE_END_LEN - 1) ||
                          (pos == size - 1 && v == '\r'),
                      "line corruption at %zu (0x%02x) went unnoticed", pos, v);
        harmless++;
        ck_assert_uint_eq(n, f.n);
        ck_assert_mem_eq(back, f.recs, f.n * sizeof *back);
        ck_assert_uint_eq(seg.prev_chain, f.seg.prev_chain);
        ck_assert_uint_eq(seg.first_sequence, f.seg.first_sequence);
    }
    /* The end-line prefix is 10 of several thousand bytes: such hits must stay rare. */
    ck_assert_int_lt(harmless, rounds / 50 + 5);
    free(back);
    free(buf);
    fixture_free(&f);
}

START_TEST(fuzz_binary_corruptions)
{
    fuzz(false, false, 0xC0FFEE, 3000);
    fuzz(false, true, 0xBADC0DE, 3000);
}
END_TEST

START_TEST(fuzz_line_corruptions)
{
    fuzz(true, false, 0x5EED, 3000);
}
END_TEST

/* Random garbage and random line soup: no crash, never a silent success with records. */
START_TEST(fuzz_random_garbage)
{
    uint64_t seed = 42;
    uint8_t *buf = malloc(4096);
    rvm_witness_record_t *back = tu_records(64);
    for (int i = 0; i < 2000; i++) {
        size_t len = (size_t)(tu_rand(&seed) % 4096);
        for (size_t k = 0; k < len; k++) {
            buf[k] = (uint8_t)tu_rand(&seed);
        }
        if (i % 2 == 0 && len >= 8) {
            memcpy(buf, RVM_WITNESS_EXPORT_MAGIC, 8);
        }
        if (i % 3 == 0 && len >= 40) {
            memcpy(buf + 20, "\n[RVM] WL1 R ", 13);
        }
        rvm_witness_segment_t seg;
        size_t n = 0, bad = 0;
        ck_assert_int_ne(rvm_witness_import_binary(buf, len, &seg, back, 64), RVM_OK);
        ck_assert_int_ne(rvm_witness_import_lines((const char *)buf, len, &seg, back, 64, &n, &bad), RVM_OK);
    }
    free(back);
    free(buf);
}
END_TEST

int main(void)
{
    uint8_t key[32];
    rvm_witness_default_key(key);
    rvm_witness_hmac_signer_init(&hmac, key, sizeof key);
    Suite *s = suite_create("rvmwitness-export");
    TCase *tc = tcase_create("export");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, binary_round_trip_is_exact);
    tcase_add_test(tc, line_round_trip_is_exact);
    tcase_add_test(tc, single_line_formatters);
    tcase_add_test(tc, line_check_is_crc32_of_the_body);
    tcase_add_test(tc, line_import_skips_console_noise);
    tcase_add_test(tc, binary_rejects_malformed_input);
    tcase_add_test(tc, lines_reject_malformed_input);
    tcase_add_test(tc, fuzz_binary_corruptions);
    tcase_add_test(tc, fuzz_line_corruptions);
    tcase_add_test(tc, fuzz_random_garbage);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
