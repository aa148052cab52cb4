/*
 * The rvm-witness host tool, run as a child process on files this test writes
 * through the library: intact and tampered exports in both forms, console
 * noise, keys, usage errors, and the show/json output. argv[1] is the tool.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rvm/sha256.h>
#include <rvm/witness_export.h>
#include <rvm/witness_log.h>
#include <rvm/witness_segment.h>

#include "witness_test_util.h"

#define N 12

static const char *tool;
static char dir[256];
static char out[1 << 16];

static const char *path_of(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void write_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(path_of(name), "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Runs the tool with `args` (shell words), captures stdout+stderr into `out`, returns the exit status. */
static int run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", tool, args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t len = fread(out, 1, sizeof out - 1, p);
    out[len] = '\0';
    int st = pclose(p);
    ck_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int run_on(const char *cmd, const char *name)
{
    char args[1024];
    snprintf(args, sizeof args, "%s '%s'", cmd, path_of(name));
    return run(args);
}

/* A wrapped log (capacity 10, 12 records: sequences 2..11) with actor/target values the test looks for. */
static void make_log(tu_log_t *t, const rvm_witness_signer_t *signer)
{
    tu_log_init(t, 10, RVM_WITNESS_CHAIN_CONTENT, RVM_WITNESS_DIGEST_SHA256, signer);
    for (uint64_t i = 0; i < N; i++) {
        rvm_witness_record_t r = tu_rec(i % 2 == 0 ? 0x01 : 0x27, (uint32_t)(7 + i), 4000 + i, 5000 + i);
        r.proof_tier = (uint8_t)(1 + i % 3);
        ck_assert_int_eq(rvm_witness_append(&t->log, &r, NULL), RVM_OK);
    }
}

static void export_both(tu_log_t *t, const char *bin_name, const char *txt_name, bool noise)
{
    size_t len = 0;
    uint8_t *bin = malloc(1 << 14);
    ck_assert_int_eq(rvm_witness_export_log_binary(&t->log, bin, 1 << 14, &len), RVM_OK);
    write_file(bin_name, bin, len);
    free(bin);

    rvm_witness_segment_t seg;
    ck_assert_int_eq(rvm_witness_log_segment(&t->log, &seg), RVM_OK);
    uint32_t n = 0;
    rvm_witness_record_t *recs = tu_snapshot(&t->log, &n);
    char *txt = malloc(1 << 15);
    size_t pos = 0;
    char line[RVM_WITNESS_LINE_RECORD_LEN + 1];
    if (noise) {
        pos += (size_t)sprintf(txt + pos, "U-Boot 2024.01\r\n[RVM] hypervisor booting\n\n");
    }
    ck_assert_int_eq(rvm_witness_line_header(&seg, line, sizeof line, &len), RVM_OK);
    pos += (size_t)sprintf(txt + pos, "%s\n", line);
    for (uint32_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_witness_line_record(&recs[i], line, sizeof line, &len), RVM_OK);
        if (noise && i % 3 == 1) {
            pos += (size_t)sprintf(txt + pos, "[RVM] partition %u: scheduled\n[ 3.14] ", i);
        }
        pos += (size_t)sprintf(txt + pos, noise ? "%s\r\n" : "%s\n", line);
    }
    ck_assert_int_eq(rvm_witness_line_end(&seg, line, sizeof line, &len), RVM_OK);
    pos += (size_t)sprintf(txt + pos, "%s\n", line);
    if (noise) {
        pos += (size_t)sprintf(txt + pos, "[RVM] idle\n");
    }
    write_file(txt_name, txt, pos);
    free(txt);
    free(recs);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/rvmwitness-tool-XXXXXX", tmp != NULL ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    static const char *names[] = { "ok.bin", "ok.txt", "noisy.txt", "signed.bin", "tampered.bin", "gap.txt",
                                   "short.txt", "crc.txt", "bad.bin", "empty.txt" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        unlink(path_of(names[i]));
    }
    rmdir(dir);
}

START_TEST(verify_intact_exports)
{
    tu_log_t t;
    make_log(&t, NULL);
    export_both(&t, "ok.bin", "ok.txt", false);
    export_both(&t, "ok.bin", "noisy.txt", true);
    ck_assert_int_eq(run_on("verify", "ok.bin"), 0);
    ck_assert_ptr_nonnull(strstr(out, "intact: 10 records, sequences 2..11"));
    ck_assert_int_eq(run_on("verify", "ok.txt"), 0);
    ck_assert_ptr_nonnull(strstr(out, "intact: 10 records"));
    ck_assert_int_eq(run_on("verify", "noisy.txt"), 0);
    ck_assert_ptr_nonnull(strstr(out, "intact: 10 records"));
    tu_log_free(&t);
}
END_TEST

START_TEST(verify_reports_the_first_bad_sequence)
{
    tu_log_t t;
    make_log(&t, NULL);
    export_both(&t, "ok.bin", "ok.txt", false);

    /* Binary: record with sequence 6 (index 4) has its target changed, and the file checksum is redone. */
    size_t len = 0;
    uint8_t *bin = malloc(1 << 14);
    ck_assert_int_eq(rvm_witness_export_log_binary(&t.log, bin, 1 << 14, &len), RVM_OK);
    bin[64 + 4 * 64 + 24] ^= 0x01;
    rvm_sha256(bin, len - 32, bin + len - 32);
    write_file("tampered.bin", bin, len);
    ck_assert_int_eq(run_on("verify", "tampered.bin"), 1);
    ck_assert_msg(strstr(out, "sequence 6") != NULL && strstr(out, "record-hash mismatch") != NULL, "%s", out);

    /* Same change without redoing the checksum: the file itself is reported malformed. */
    rvm_sha256(bin, 1, bin + len - 32);
    write_file("bad.bin", bin, len);
    ck_assert_int_eq(run_on("verify", "bad.bin"), 1);
    ck_assert_ptr_nonnull(strstr(out, "malformed"));
    free(bin);

    /* Lines: the record line of sequence 5 removed. */
    FILE *f = fopen(path_of("ok.txt"), "rb");
    ck_assert_ptr_nonnull(f);
    char *txt = malloc(1 << 15);
    size_t tl = fread(txt, 1, 1 << 15, f);
    fclose(f);
    size_t hdr = RVM_WITNESS_LINE_HEADER_LEN + 1, stride = RVM_WITNESS_LINE_RECORD_LEN + 1;
    char *gap = malloc(tl);
    size_t cut = hdr + 3 * stride; /* record index 3 = sequence 5 */
    memcpy(gap, txt, cut);
    memcpy(gap + cut, txt + cut + stride, tl - cut - stride);
    write_file("gap.txt", gap, tl - stride);
    ck_assert_int_eq(run_on("verify", "gap.txt"), 1);
    ck_assert_msg(strstr(out, "sequence 5") != NULL && strstr(out, "sequence gap") != NULL, "%s", out);

    /* Lines: the last record line removed; the end line's count exposes it. */
    cut = hdr + 9 * stride;
    memcpy(gap, txt, cut);
    memcpy(gap + cut, txt + cut + stride, tl - cut - stride);
    write_file("short.txt", gap, tl - stride);
    ck_assert_int_eq(run_on("verify", "short.txt"), 1);
    ck_assert_msg(strstr(out, "sequence 11") != NULL && strstr(out, "record count mismatch") != NULL, "%s", out);

    /* Lines: a damaged CRC names the line. */
    memcpy(gap, txt, tl);
    gap[hdr + 2 * stride + 20] ^= 0x01;
    write_file("crc.txt", gap, tl);
    ck_assert_int_eq(run_on("verify", "crc.txt"), 1);
    ck_assert_msg(strstr(out, "malformed witness line at line 4") != NULL, "%s", out);
    free(gap);
    free(txt);
    tu_log_free(&t);
}
END_TEST

START_TEST(verify_with_keys)
{
    uint8_t key[32];
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)(0xA0 + i);
    }
    rvm_witness_hmac_signer_t s;
    rvm_witness_hmac_signer_init(&s, key, sizeof key);
    tu_log_t t;
    make_log(&t, &s.base);
    export_both(&t, "signed.bin", "ok.txt", false);
    char args[1024];
    snprintf(args, sizeof args, "verify --key=%s '%s'",
             "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf", path_of("signed.bin"));
    ck_assert_int_eq(run(args), 0);
    ck_assert_ptr_nonnull(strstr(out, "signatures verified"));
    snprintf(args, sizeof args, "verify --key=default '%s'", path_of("signed.bin"));
    ck_assert_int_eq(run(args), 1);
    ck_assert_msg(strstr(out, "sequence 2") != NULL && strstr(out, "bad signature") != NULL, "%s", out);
    /* Without a key the chain alone is checked. */
    ck_assert_int_eq(run_on("verify", "signed.bin"), 0);
    snprintf(args, sizeof args, "verify --key=abc '%s'", path_of("signed.bin"));
    ck_assert_int_eq(run(args), 2);
    tu_log_free(&t);
}
END_TEST

START_TEST(show_and_json)
{
    tu_log_t t;
    make_log(&t, NULL);
    export_both(&t, "ok.bin", "noisy.txt", true);
    ck_assert_int_eq(run_on("show", "ok.bin"), 0);
    ck_assert_ptr_nonnull(strstr(out, "SEQUENCE"));
    ck_assert_ptr_nonnull(strstr(out, "ACTION"));
    /* Record with sequence 3: i = 3, RegionMap, actor 10, target 4003, tier 1, time 5003. */
    char row[256];
    snprintf(row, sizeof row, "%10d  %20d  %-26s %10d  %20d  %4d", 3, 5003, "RegionMap", 10, 4003, 1);
    ck_assert_msg(strstr(out, row) != NULL, "missing row [%s] in\n%s", row, out);

    ck_assert_int_eq(run_on("json", "noisy.txt"), 0);
    size_t lines = 0;
    for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++) {
        lines++;
    }
    ck_assert_uint_eq(lines, 10);
    const char *first = "{\"sequence\":2,\"timestamp_ns\":5002,\"action\":\"PartitionCreate\",\"action_code\":1,"
                        "\"proof_tier\":3,\"flags\":0,\"actor\":9,\"target\":4002,";
    ck_assert_msg(strncmp(out, first, strlen(first)) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "\"sequence\":11,"));
    ck_assert_ptr_nonnull(strstr(out, "\"action\":\"RegionMap\""));
    tu_log_free(&t);
}
END_TEST

START_TEST(usage_and_io_errors)
{
    ck_assert_int_eq(run(""), 2);
    ck_assert_int_eq(run("verify"), 2);
    ck_assert_int_eq(run("frobnicate /dev/null"), 2);
    ck_assert_int_eq(run("verify --bogus /dev/null"), 2);
    ck_assert_int_eq(run_on("verify", "does-not-exist"), 2);
    ck_assert_int_eq(run("--help"), 0);
    write_file("empty.txt", "just a console log\n", 19);
    ck_assert_int_eq(run_on("verify", "empty.txt"), 1);
    ck_assert_ptr_nonnull(strstr(out, "no witness records"));
}
END_TEST

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH-TO-rvm-witness\n", argv[0]);
        return EXIT_FAILURE;
    }
    tool = argv[1];
    Suite *s = suite_create("rvmwitness-tool");
    TCase *tc = tcase_create("tool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, verify_intact_exports);
    tcase_add_test(tc, verify_reports_the_first_bad_sequence);
    tcase_add_test(tc, verify_with_keys);
    tcase_add_test(tc, show_and_json);
    tcase_add_test(tc, usage_and_io_errors);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
