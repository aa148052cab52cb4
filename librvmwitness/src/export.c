#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/sha256.h>
#include <rvm/witness_export.h>

#include "chain.h"
#include "walk.h"

#define BIN_FIXED (RVM_WITNESS_EXPORT_HEADER_SIZE + RVM_WITNESS_EXPORT_TRAILER_SIZE)
#define LINE_CRC_CHARS 8u
/* Characters a line's CRC covers: all but the separating space and the CRC itself. */
#define LINE_BODY(total) ((total) - 1u - LINE_CRC_CHARS)
/* Line export size per record: the line and its '\n'. */
#define LINE_RECORD_STRIDE (RVM_WITNESS_LINE_RECORD_LEN + 1u)
#define LINE_FIXED (RVM_WITNESS_LINE_HEADER_LEN + 1u + RVM_WITNESS_LINE_END_LEN + 1u)

static const char hex_digits[] = "0123456789abcdef";

/* CRC-32 (IEEE 802.3, reflected), a nibble at a time: a 64-byte table suits a hypervisor image better than 1 KiB. */
static uint32_t crc32(const char *p, size_t n)
{
    static const uint32_t t[16] = {
        0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
        0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu, 0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
    };
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= (uint8_t)p[i];
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
    }
    return ~c;
}

/* Plain byte comparison; written out so that no build ever emits a libc memcmp call. */
static bool bytes_equal(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a;
    const uint8_t *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return false;
        }
    }
    return true;
}

static bool segment_valid(const rvm_witness_segment_t *seg)
{
    return rvm_witness_mode_valid(seg->chain_mode, seg->digest);
}

/* ---- binary form ---- */

rvm_err_t rvm_witness_export_binary_size(uint64_t count, size_t *size_out)
{
    if (size_out == NULL || count > (SIZE_MAX - BIN_FIXED) / RVM_WITNESS_RECORD_SIZE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *size_out = BIN_FIXED + (size_t)count * RVM_WITNESS_RECORD_SIZE;
    return RVM_OK;
}

static void put_bin_header(uint8_t *h, const rvm_witness_segment_t *seg)
{
    __builtin_memcpy(h, RVM_WITNESS_EXPORT_MAGIC, RVM_WITNESS_EXPORT_MAGIC_LEN);
    rvm_le16_store(h + 8, RVM_WITNESS_EXPORT_VERSION);
    h[10] = seg->chain_mode;
    h[11] = seg->digest;
    rvm_le16_store(h + 12, RVM_WITNESS_EXPORT_HEADER_SIZE);
    rvm_le16_store(h + 14, RVM_WITNESS_RECORD_SIZE);
    rvm_le64_store(h + 16, seg->first_sequence);
    rvm_le64_store(h + 24, seg->count);
    rvm_le64_store(h + 32, seg->prev_chain);
    rvm_le64_store(h + 40, seg->final_chain);
    for (unsigned i = 48; i < RVM_WITNESS_EXPORT_HEADER_SIZE; i++) {
        h[i] = 0;
    }
}

/* Writes header, records (from a slice, or a ring when `wrap` is nonzero) and trailer; sizes are checked by callers. */
static void write_binary(const rvm_witness_segment_t *seg, const rvm_witness_record_t *base, size_t wrap, size_t start,
                         uint8_t *out, size_t size)
{
    put_bin_header(out, seg);
    uint8_t *p = out + RVM_WITNESS_EXPORT_HEADER_SIZE;
    size_t idx = start;
    for (uint64_t i = 0; i < seg->count; i++) {
        rvm_witness_record_serialize(&base[idx], p);
        idx = idx + 1 == wrap ? 0 : idx + 1;
        p += RVM_WITNESS_RECORD_SIZE;
    }
    rvm_sha256(out, size - RVM_WITNESS_EXPORT_TRAILER_SIZE, out + size - RVM_WITNESS_EXPORT_TRAILER_SIZE);
}

/* Common checks of the exporters: sizes, and records the importer would accept. */
static rvm_err_t check_export(const rvm_witness_segment_t *seg, const rvm_witness_record_t *records, size_t need,
                              size_t cap, size_t *len_out)
{
    *len_out = need;
    if (cap < need) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    for (uint64_t i = 0; i < seg->count; i++) {
        if (!rvm_action_kind_valid(records[i].action_kind)) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_witness_export_binary(const rvm_witness_segment_t *seg, const rvm_witness_record_t *records,
                                    uint8_t *out, size_t cap, size_t *len_out)
{
    size_t need = 0;
    if (seg == NULL || (records == NULL && seg->count > 0) || out == NULL || len_out == NULL ||
        !segment_valid(seg) || rvm_witness_export_binary_size(seg->count, &need) != RVM_OK) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = check_export(seg, records, need, cap, len_out);
    if (err != RVM_OK) {
        return err;
    }
    write_binary(seg, records, 0, 0, out, need);
    return RVM_OK;
}

rvm_err_t rvm_witness_export_log_binary(const rvm_witness_log_t *log, uint8_t *out, size_t cap, size_t *len_out)
{
    rvm_witness_segment_t seg;
    size_t need = 0;
    if (out == NULL || len_out == NULL || rvm_witness_log_segment(log, &seg) != RVM_OK ||
        rvm_witness_export_binary_size(seg.count, &need) != RVM_OK) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *len_out = need;
    if (cap < need) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    write_binary(&seg, log->records, log->capacity, (size_t)(seg.first_sequence % log->capacity), out, need);
    return RVM_OK;
}

static bool bin_header_valid(const uint8_t *in)
{
    for (unsigned i = 48; i < RVM_WITNESS_EXPORT_HEADER_SIZE; i++) {
        if (in[i] != 0) {
            return false;
        }
    }
    return bytes_equal(in, RVM_WITNESS_EXPORT_MAGIC, RVM_WITNESS_EXPORT_MAGIC_LEN) &&
           rvm_le16_load(in + 8) == RVM_WITNESS_EXPORT_VERSION && rvm_witness_mode_valid(in[10], in[11]) &&
           rvm_le16_load(in + 12) == RVM_WITNESS_EXPORT_HEADER_SIZE &&
           rvm_le16_load(in + 14) == RVM_WITNESS_RECORD_SIZE;
}

rvm_err_t rvm_witness_import_binary(const uint8_t *in, size_t len, rvm_witness_segment_t *seg,
                                    rvm_witness_record_t *records, size_t cap)
{
    if ((in == NULL && len > 0) || seg == NULL || (records == NULL && cap > 0)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (len < BIN_FIXED || !bin_header_valid(in)) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    uint64_t count = rvm_le64_load(in + 24);
    /* Division first: a hostile count must not overflow the length computation. */
    if (count != (len - BIN_FIXED) / RVM_WITNESS_RECORD_SIZE || (len - BIN_FIXED) % RVM_WITNESS_RECORD_SIZE != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    uint8_t digest[RVM_SHA256_DIGEST_LEN];
    rvm_sha256(in, len - RVM_WITNESS_EXPORT_TRAILER_SIZE, digest);
    if (!bytes_equal(digest, in + len - RVM_WITNESS_EXPORT_TRAILER_SIZE, RVM_SHA256_DIGEST_LEN)) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    const uint8_t *p = in + RVM_WITNESS_EXPORT_HEADER_SIZE;
    rvm_witness_record_t scratch = { 0 };
    for (uint64_t i = 0; i < count; i++) {
        rvm_witness_record_t *dst = i < cap ? &records[i] : &scratch;
        if (rvm_witness_record_deserialize(p, dst) != RVM_OK) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        p += RVM_WITNESS_RECORD_SIZE;
    }
    seg->chain_mode = in[10];
    seg->digest = in[11];
    seg->complete = true;
    seg->first_sequence = rvm_le64_load(in + 16);
    seg->count = count;
    seg->prev_chain = rvm_le64_load(in + 32);
    seg->final_chain = rvm_le64_load(in + 40);
    return count > cap ? RVM_ERR_BUFFER_TOO_SMALL : RVM_OK;
}

/* ---- line form ---- */

static char *put_hex64(char *p, uint64_t v)
{
    for (int shift = 60; shift >= 0; shift -= 4) {
        *p++ = hex_digits[(v >> shift) & 15u];
    }
    return p;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Parses exactly `digits` lowercase hex digits (at most 16) as a big-endian number. */
static bool get_hex(const char *p, unsigned digits, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < digits; i++) {
        int d = hex_value(p[i]);
        if (d < 0) {
            return false;
        }
        v = (v << 4) | (uint64_t)d;
    }
    *out = v;
    return true;
}

/* Writes the CRC field after `len` body characters at `line`; returns the full line length. */
static size_t seal_line(char *line, size_t len)
{
    uint32_t crc = crc32(line, len);
    line[len] = ' ';
    for (unsigned i = 0; i < LINE_CRC_CHARS; i++) {
        line[len + 1 + i] = hex_digits[(crc >> (28 - 4 * i)) & 15u];
    }
    return len + 1 + LINE_CRC_CHARS;
}

static char *put_prefix(char *p, char kind)
{
    __builtin_memcpy(p, RVM_WITNESS_LINE_PREFIX, RVM_WITNESS_LINE_PREFIX_LEN);
    p += RVM_WITNESS_LINE_PREFIX_LEN;
    *p++ = kind;
    *p++ = ' ';
    return p;
}

static size_t fmt_header(const rvm_witness_segment_t *seg, char *line)
{
    char *p = put_prefix(line, 'H');
    *p++ = hex_digits[seg->chain_mode & 15u];
    *p++ = ' ';
    *p++ = hex_digits[seg->digest & 15u];
    *p++ = ' ';
    p = put_hex64(p, seg->first_sequence);
    *p++ = ' ';
    p = put_hex64(p, seg->prev_chain);
    return seal_line(line, (size_t)(p - line));
}

static size_t fmt_record(const rvm_witness_record_t *rec, char *line)
{
    uint8_t ser[RVM_WITNESS_RECORD_SIZE];
    rvm_witness_record_serialize(rec, ser);
    char *p = put_prefix(line, 'R');
    for (unsigned i = 0; i < RVM_WITNESS_RECORD_SIZE; i++) {
        *p++ = hex_digits[ser[i] >> 4];
        *p++ = hex_digits[ser[i] & 15u];
    }
    return seal_line(line, (size_t)(p - line));
}

static size_t fmt_end(const rvm_witness_segment_t *seg, char *line)
{
    char *p = put_prefix(line, 'E');
    p = put_hex64(p, seg->count);
    *p++ = ' ';
    p = put_hex64(p, seg->final_chain);
    return seal_line(line, (size_t)(p - line));
}

/* NUL-terminates a formatted line when there is room for it and the line. */
static rvm_err_t finish_line(char *out, size_t cap, size_t len, size_t *len_out)
{
    *len_out = len;
    if (cap < len + 1) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    out[len] = '\0';
    return RVM_OK;
}

rvm_err_t rvm_witness_line_header(const rvm_witness_segment_t *seg, char *out, size_t cap, size_t *len_out)
{
    if (seg == NULL || out == NULL || len_out == NULL || !segment_valid(seg)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cap < RVM_WITNESS_LINE_HEADER_LEN + 1) {
        *len_out = RVM_WITNESS_LINE_HEADER_LEN;
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    return finish_line(out, cap, fmt_header(seg, out), len_out);
}

rvm_err_t rvm_witness_line_record(const rvm_witness_record_t *rec, char *out, size_t cap, size_t *len_out)
{
    if (rec == NULL || out == NULL || len_out == NULL || !rvm_action_kind_valid(rec->action_kind)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cap < RVM_WITNESS_LINE_RECORD_LEN + 1) {
        *len_out = RVM_WITNESS_LINE_RECORD_LEN;
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    return finish_line(out, cap, fmt_record(rec, out), len_out);
}

rvm_err_t rvm_witness_line_end(const rvm_witness_segment_t *seg, char *out, size_t cap, size_t *len_out)
{
    if (seg == NULL || out == NULL || len_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cap < RVM_WITNESS_LINE_END_LEN + 1) {
        *len_out = RVM_WITNESS_LINE_END_LEN;
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    return finish_line(out, cap, fmt_end(seg, out), len_out);
}

/* Position of the witness prefix in `text`, or `len` when there is none. */
static size_t find_prefix(const char *text, size_t len)
{
    if (len < RVM_WITNESS_LINE_PREFIX_LEN) {
        return len;
    }
    for (size_t i = 0; i <= len - RVM_WITNESS_LINE_PREFIX_LEN; i++) {
        if (text[i] == '[' && bytes_equal(text + i, RVM_WITNESS_LINE_PREFIX, RVM_WITNESS_LINE_PREFIX_LEN)) {
            return i;
        }
    }
    return len;
}

static rvm_err_t parse_header(const char *f, rvm_witness_segment_t *seg)
{
    int mode = hex_value(f[0]);
    int digest = hex_value(f[2]);
    if (mode < 0 || digest < 0 || f[1] != ' ' || f[3] != ' ' || f[20] != ' ' ||
        !rvm_witness_mode_valid((uint8_t)mode, (uint8_t)digest) || !get_hex(f + 4, 16, &seg->first_sequence) ||
        !get_hex(f + 21, 16, &seg->prev_chain)) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    seg->chain_mode = (uint8_t)mode;
    seg->digest = (uint8_t)digest;
    seg->complete = false;
    seg->count = 0;
    seg->final_chain = 0;
    return RVM_OK;
}

static rvm_err_t parse_record(const char *f, rvm_witness_record_t *rec)
{
    uint8_t ser[RVM_WITNESS_RECORD_SIZE];
    for (size_t i = 0; i < RVM_WITNESS_RECORD_SIZE; i++) {
        int hi = hex_value(f[2 * i]);
        int lo = hex_value(f[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        ser[i] = (uint8_t)((hi << 4) | lo);
    }
    return rvm_witness_record_deserialize(ser, rec) == RVM_OK ? RVM_OK : RVM_ERR_MALFORMED_INPUT;
}

static rvm_err_t parse_end(const char *f, rvm_witness_segment_t *seg)
{
    if (f[16] != ' ' || !get_hex(f, 16, &seg->count) || !get_hex(f + 17, 16, &seg->final_chain)) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    seg->complete = true;
    return RVM_OK;
}

rvm_err_t rvm_witness_line_parse(const char *text, size_t len, rvm_witness_line_t *out)
{
    if ((text == NULL && len > 0) || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
        len--;
    }
    size_t at = find_prefix(text, len);
    if (at == len) {
        return RVM_ERR_NOT_FOUND;
    }
    const char *line = text + at;
    size_t n = len - at;
    if (n < RVM_WITNESS_LINE_PREFIX_LEN + 2 || line[RVM_WITNESS_LINE_PREFIX_LEN + 1] != ' ') {
        return RVM_ERR_MALFORMED_INPUT;
    }
    char kind = line[RVM_WITNESS_LINE_PREFIX_LEN];
    size_t want = kind == 'H' ? RVM_WITNESS_LINE_HEADER_LEN
                : kind == 'R' ? RVM_WITNESS_LINE_RECORD_LEN
                : kind == 'E' ? RVM_WITNESS_LINE_END_LEN
                              : 0;
    uint64_t crc = 0;
    if (n != want || line[LINE_BODY(n)] != ' ' || !get_hex(line + n - LINE_CRC_CHARS, LINE_CRC_CHARS, &crc) ||
        crc != crc32(line, LINE_BODY(n))) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    const char *fields = line + RVM_WITNESS_LINE_PREFIX_LEN + 2;
    if (kind == 'H') {
        out->kind = RVM_WITNESS_LINE_HEADER;
        return parse_header(fields, &out->seg);
    }
    if (kind == 'R') {
        out->kind = RVM_WITNESS_LINE_RECORD;
        return parse_record(fields, &out->rec);
    }
    out->kind = RVM_WITNESS_LINE_END;
    return parse_end(fields, &out->seg);
}

rvm_err_t rvm_witness_export_lines_size(uint64_t count, size_t *size_out)
{
    if (size_out == NULL || count > (SIZE_MAX - LINE_FIXED) / LINE_RECORD_STRIDE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *size_out = LINE_FIXED + (size_t)count * LINE_RECORD_STRIDE;
    return RVM_OK;
}

rvm_err_t rvm_witness_export_lines(const rvm_witness_segment_t *seg, const rvm_witness_record_t *records, char *out,
                                   size_t cap, size_t *len_out)
{
    size_t need = 0;
    if (seg == NULL || (records == NULL && seg->count > 0) || out == NULL || len_out == NULL ||
        !segment_valid(seg) || rvm_witness_export_lines_size(seg->count, &need) != RVM_OK) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = check_export(seg, records, need, cap, len_out);
    if (err != RVM_OK) {
        return err;
    }
    char *p = out;
    p += fmt_header(seg, p);
    *p++ = '\n';
    for (uint64_t i = 0; i < seg->count; i++) {
        p += fmt_record(&records[i], p);
        *p++ = '\n';
    }
    p += fmt_end(seg, p);
    *p = '\n';
    return RVM_OK;
}

/* Import state carried from line to line. */
typedef struct line_import {
    rvm_witness_segment_t *seg;
    rvm_witness_record_t *records;
    size_t cap;
    size_t n;
    bool have_header;
    bool have_end;
} line_import_t;

/* Places one parsed witness line in the stream: one header, then records, then at most one end line. */
static rvm_err_t accept_line(line_import_t *st, const rvm_witness_line_t *l)
{
    if (l->kind == RVM_WITNESS_LINE_HEADER) {
        if (st->have_header) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        st->have_header = true;
        *st->seg = l->seg;
        return RVM_OK;
    }
    if (!st->have_header || st->have_end) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    if (l->kind == RVM_WITNESS_LINE_RECORD) {
        if (st->n < st->cap) {
            st->records[st->n] = l->rec;
        }
        st->n++;
        return RVM_OK;
    }
    st->have_end = true;
    st->seg->count = l->seg.count;
    st->seg->final_chain = l->seg.final_chain;
    st->seg->complete = true;
    return RVM_OK;
}

rvm_err_t rvm_witness_import_lines(const char *text, size_t len, rvm_witness_segment_t *seg,
                                   rvm_witness_record_t *records, size_t cap, size_t *n_out, size_t *bad_line_out)
{
    if ((text == NULL && len > 0) || seg == NULL || (records == NULL && cap > 0) || n_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    line_import_t st = { .seg = seg, .records = records, .cap = cap };
    size_t line_no = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n') {
            end++;
        }
        line_no++;
        rvm_witness_line_t l;
        rvm_err_t err = rvm_witness_line_parse(text + pos, end - pos, &l);
        if (err == RVM_OK) {
            err = accept_line(&st, &l);
        }
        if (err != RVM_OK && err != RVM_ERR_NOT_FOUND) {
            if (bad_line_out != NULL) {
                *bad_line_out = line_no;
            }
            return RVM_ERR_MALFORMED_INPUT;
        }
        pos = end + 1;
    }
    *n_out = st.n;
    if (!st.have_header) {
        return RVM_ERR_NOT_FOUND;
    }
    if (!st.have_end) {
        seg->count = st.n;
    }
    return st.n > cap ? RVM_ERR_BUFFER_TOO_SMALL : RVM_OK;
}
