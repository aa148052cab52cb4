/*
 * Drives the official WebAssembly 1.0 core suite (wast2json output): every
 * binary assert_malformed must fail to decode, every assert_invalid must fail
 * decode or validation, every module command must pass both. The suite
 * directory comes from the RVM_WASM_SUITE environment variable.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/wasm_module.h>
#include <rvm/wasm_validate.h>

#define ARENA_BYTES (16u << 20)

enum { MODULE, MALFORMED, INVALID, NKINDS };
static const char *const kind_names[NKINDS] = {"module", "assert_malformed(binary)", "assert_invalid"};
static unsigned passed[NKINDS];
static unsigned failed[NKINDS];

static uint8_t *arena_mem;
static rvm_wasm_validator_t *work;

static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1u);
    if (buf != NULL && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0u;
    return buf;
}

/* Copies the string value of "key": "..." on a command line into out. */
static int field(const char *line, const char *key, char *out, size_t cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(line, pat);
    if (p == NULL) {
        return 0;
    }
    p += strlen(pat);
    const char *q = strchr(p, '"');
    if (q == NULL || (size_t)(q - p) >= cap) {
        return 0;
    }
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return 1;
}

static void run_command(const char *dir, const char *line) {
    char type[64];
    char file[256];
    char mtype[32];
    if (!field(line, "type", type, sizeof type) || !field(line, "filename", file, sizeof file)) {
        return;
    }
    int kind;
    if (strcmp(type, "module") == 0) {
        kind = MODULE;
    } else if (strcmp(type, "assert_malformed") == 0) {
        if (!field(line, "module_type", mtype, sizeof mtype) || strcmp(mtype, "binary") != 0) {
            return;
        }
        kind = MALFORMED;
    } else if (strcmp(type, "assert_invalid") == 0) {
        kind = INVALID;
    } else {
        return;
    }
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    size_t len = 0;
    uint8_t *bytes = slurp(path, &len);
    ck_assert_msg(bytes != NULL, "cannot read %s", path);
    rvm_wasm_arena_t arena;
    rvm_wasm_module_t m;
    rvm_wasm_diag_t diag;
    rvm_wasm_arena_init(&arena, arena_mem, ARENA_BYTES);
    const rvm_err_t de = rvm_wasm_decode(bytes, len, &arena, &m, &diag);
    rvm_err_t ve = RVM_OK;
    rvm_wasm_diag_t vdiag = {0, NULL};
    if (de == RVM_OK) {
        ve = rvm_wasm_validate(&m, work, &vdiag);
    }
    int ok;
    if (kind == MODULE) {
        ok = de == RVM_OK && ve == RVM_OK;
    } else if (kind == MALFORMED) {
        ok = de != RVM_OK;
    } else {
        ok = de != RVM_OK || ve == RVM_ERR_PROOF_INVALID;
    }
    if (ok) {
        passed[kind]++;
    } else {
        failed[kind]++;
        printf("FAIL %s %s: decode %d (%s) validate %d (%s)\n", kind_names[kind], path, de,
               diag.reason != NULL ? diag.reason : "-", ve, vdiag.reason != NULL ? vdiag.reason : "-");
    }
    free(bytes);
}

static void run_file(const char *dir, const char *json) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, json);
    size_t len = 0;
    char *text = (char *)slurp(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    char *save = NULL;
    char *buf = realloc(text, len + 1u);
    ck_assert_ptr_nonnull(buf);
    buf[len] = '\0';
    for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        run_command(dir, line);
    }
    free(buf);
}

START_TEST(core_suite)
{
    const char *root = getenv("RVM_WASM_SUITE");
    ck_assert_msg(root != NULL, "RVM_WASM_SUITE is not set");
    arena_mem = malloc(ARENA_BYTES);
    work = malloc(sizeof *work);
    ck_assert_ptr_nonnull(arena_mem);
    ck_assert_ptr_nonnull(work);
    DIR *d = opendir(root);
    ck_assert_msg(d != NULL, "cannot open %s", root);
    unsigned files = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char dir[768];
        char json[300];
        snprintf(dir, sizeof dir, "%s/%s", root, e->d_name);
        snprintf(json, sizeof json, "%s.json", e->d_name);
        run_file(dir, json);
        files++;
    }
    closedir(d);
    free(arena_mem);
    free(work);
    printf("%u suite files\n", files);
    for (int k = 0; k < NKINDS; k++) {
        printf("%-26s passed %u failed %u\n", kind_names[k], passed[k], failed[k]);
    }
    ck_assert_uint_gt(files, 60);
    ck_assert_uint_gt(passed[MODULE] + passed[MALFORMED] + passed[INVALID], 1000);
    for (int k = 0; k < NKINDS; k++) {
        ck_assert_msg(failed[k] == 0, "%u %s commands failed", failed[k], kind_names[k]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmwasm-spec");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, core_suite);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    const int nfail = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
