/* Export and import of witness segments: a binary file form and a line form for a UART console. */
#ifndef RVM_WITNESS_EXPORT_H
#define RVM_WITNESS_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>
#include <rvm/witness_segment.h>

/*
 * Binary form, all integers little-endian:
 *    0   8  magic "RVMWLOG\0"
 *    8   2  format version (1)
 *   10   1  chain mode            11   1  digest
 *   12   2  header size (64)      14   2  record size (64)
 *   16   8  first sequence        24   8  record count
 *   32   8  chain value preceding the first record
 *   40   8  chain value after the last record
 *   48  16  reserved, zero
 *   64      record count × 64 canonical record bytes
 *   end 32  SHA-256 of every preceding byte (catches damage, not forgery: sign records for that)
 */
#define RVM_WITNESS_EXPORT_MAGIC "RVMWLOG"  /* the 8 magic bytes, including the terminating NUL */
#define RVM_WITNESS_EXPORT_MAGIC_LEN 8u
#define RVM_WITNESS_EXPORT_VERSION 1u
#define RVM_WITNESS_EXPORT_HEADER_SIZE 64u
#define RVM_WITNESS_EXPORT_TRAILER_SIZE 32u

/*
 * Line form: one line per item, found anywhere in a line among other console
 * output by its prefix, lowercase hex, ending in the CRC-32 (IEEE) of every
 * character from the prefix up to the space before it:
 *   [RVM] WL1 H <mode> <digest> <first sequence:16> <prev chain:16> <crc:8>
 *   [RVM] WL1 R <canonical record:128> <crc:8>
 *   [RVM] WL1 E <count:16> <final chain:16> <crc:8>        (optional end line)
 * A stream holds one header, then its records, then at most one end line.
 */
#define RVM_WITNESS_LINE_PREFIX "[RVM] WL1 "
#define RVM_WITNESS_LINE_PREFIX_LEN 10u
#define RVM_WITNESS_LINE_HEADER_LEN 58u   /* characters, without a line terminator */
#define RVM_WITNESS_LINE_RECORD_LEN 149u
#define RVM_WITNESS_LINE_END_LEN 54u

typedef enum rvm_witness_line_kind {
    RVM_WITNESS_LINE_HEADER = 1,
    RVM_WITNESS_LINE_RECORD = 2,
    RVM_WITNESS_LINE_END = 3,
} rvm_witness_line_kind_t;

/* One parsed line: `seg` carries the header's or end line's fields, `rec` a record line's record. */
typedef struct rvm_witness_line {
    rvm_witness_record_t rec;
    rvm_witness_segment_t seg;
    uint8_t kind;            /* rvm_witness_line_kind_t */
} rvm_witness_line_t;

/*
 * Conventions of every function below. Writers check the whole output size
 * first: RVM_ERR_BUFFER_TOO_SMALL leaves the size needed in `*len_out` and
 * writes nothing; they refuse records with an undefined action code (the
 * importer would reject them). Readers treat their input as hostile: any
 * defect is RVM_ERR_MALFORMED_INPUT and nothing is read out of bounds; when
 * the caller's record buffer is short they still validate everything, report
 * the count and return RVM_ERR_BUFFER_TOO_SMALL. Record contents are checked
 * only for form here; the chain is the verifier's job (witness_verify.h).
 */

/* Bytes of a binary export of `count` records; RVM_ERR_INVALID_ARGUMENT if that overflows size_t. */
rvm_err_t rvm_witness_export_binary_size(uint64_t count, size_t *size_out);
/* Writes the binary form of a segment's `seg->count` records. */
rvm_err_t rvm_witness_export_binary(const rvm_witness_segment_t *seg, const rvm_witness_record_t *records,
                                    uint8_t *out, size_t cap, size_t *len_out);
/* Writes the binary form of a log's live ring straight from the ring (no intermediate copy). */
rvm_err_t rvm_witness_export_log_binary(const rvm_witness_log_t *log, uint8_t *out, size_t cap, size_t *len_out);
/* Parses a binary export: header fields, exact length, trailing SHA-256 and every record; `seg` gets the header. */
rvm_err_t rvm_witness_import_binary(const uint8_t *in, size_t len, rvm_witness_segment_t *seg,
                                    rvm_witness_record_t *records, size_t cap);

/* Formats a segment's header line into `out`, NUL-terminated (`*len_out` excludes the NUL). */
rvm_err_t rvm_witness_line_header(const rvm_witness_segment_t *seg, char *out, size_t cap, size_t *len_out);
/* Formats one record line, NUL-terminated. */
rvm_err_t rvm_witness_line_record(const rvm_witness_record_t *rec, char *out, size_t cap, size_t *len_out);
/* Formats the end line carrying a segment's count and final chain value, NUL-terminated. */
rvm_err_t rvm_witness_line_end(const rvm_witness_segment_t *seg, char *out, size_t cap, size_t *len_out);
/* Parses one line (trailing "\r"/"\n" ignored); RVM_ERR_NOT_FOUND when it holds no witness prefix (console output). */
rvm_err_t rvm_witness_line_parse(const char *text, size_t len, rvm_witness_line_t *out);

/* Characters of a line export of `count` records: header, records and end line, each ending in '\n'. */
rvm_err_t rvm_witness_export_lines_size(uint64_t count, size_t *size_out);
/* Writes the line form of a segment's `seg->count` records ('\n'-terminated lines, no NUL). */
rvm_err_t rvm_witness_export_lines(const rvm_witness_segment_t *seg, const rvm_witness_record_t *records, char *out,
                                   size_t cap, size_t *len_out);
/*
 * Collects the witness lines of a text, skipping lines without the prefix; `*n_out` gets the number of record
 * lines. A bad, misplaced or repeated line is MALFORMED with its 1-based number in `*bad_line_out` (may be NULL);
 * no witness line at all is NOT_FOUND. `seg` comes from the header and, if present, the end line (`complete`).
 */
rvm_err_t rvm_witness_import_lines(const char *text, size_t len, rvm_witness_segment_t *seg,
                                   rvm_witness_record_t *records, size_t cap, size_t *n_out, size_t *bad_line_out);

#endif
