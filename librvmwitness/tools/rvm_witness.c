/*
 * rvm-witness: host tool that checks and prints exported witness logs.
 * Reads the binary export and the console line form (auto-detected; console
 * noise around the line form is skipped). Exit 0: success / intact; 1: the
 * log is damaged, tampered or unreadable as a witness log; 2: usage or I/O.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/librvmwitness_version.h>
#include <rvm/witness_export.h>
#include <rvm/witness_signer.h>
#include <rvm/witness_verify.h>

enum { EXIT_INTACT = 0, EXIT_BROKEN = 1, EXIT_USAGE = 2 };

typedef struct loaded {
    rvm_witness_segment_t seg;
    rvm_witness_record_t *records;
    size_t n;
    bool lines;  /* came from the line form */
} loaded_t;

static void usage(FILE *to)
{
    fprintf(to,
            "usage: rvm-witness verify [--key=HEX|--key=default|--fnv-signer] FILE\n"
            "       rvm-witness show FILE\n"
            "       rvm-witness json FILE\n"
            "FILE is a binary export or console text holding the line form.\n"
            "verify exits 0 when the chain is intact, 1 when it is not, 2 on usage or I/O errors.\n");
}

/* Reads a whole file; NULL (after a message) on failure. */
static uint8_t *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "rvm-witness: cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16;
    size_t len = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap) {
            break;
        }
        uint8_t *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    bool bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "rvm-witness: cannot read %s\n", path);
        free(buf);
        return NULL;
    }
    *len_out = len;
    return buf;
}

static rvm_witness_record_t *alloc_records(size_t n)
{
    if (n > SIZE_MAX / sizeof(rvm_witness_record_t) - 1) {
        return NULL;
    }
    /* The record type is 64-byte aligned; aligned_alloc wants a size that is a multiple of that. */
    return aligned_alloc(_Alignof(rvm_witness_record_t), (n + 1) * sizeof(rvm_witness_record_t));
}

static bool is_binary(const uint8_t *buf, size_t len)
{
    return len >= RVM_WITNESS_EXPORT_MAGIC_LEN &&
           memcmp(buf, RVM_WITNESS_EXPORT_MAGIC, RVM_WITNESS_EXPORT_MAGIC_LEN) == 0;
}

/* Imports either form, sizing the record buffer from a first counting pass. Returns an exit code. */
static int import_any(const char *path, const uint8_t *buf, size_t len, loaded_t *L)
{
    size_t n = 0;
    size_t bad_line = 0;
    rvm_err_t err;
    L->lines = !is_binary(buf, len);
    if (L->lines) {
        err = rvm_witness_import_lines((const char *)buf, len, &L->seg, NULL, 0, &n, &bad_line);
    } else {
        err = rvm_witness_import_binary(buf, len, &L->seg, NULL, 0);
        n = (size_t)L->seg.count;
    }
    if (err == RVM_ERR_NOT_FOUND) {
        printf("%s: no witness records (neither a binary export nor witness lines)\n", path);
        return EXIT_BROKEN;
    }
    if (err == RVM_ERR_MALFORMED_INPUT) {
        if (L->lines) {
            printf("%s: malformed witness line at line %zu\n", path, bad_line);
        } else {
            printf("%s: malformed binary export (bad header, length or checksum, or a malformed record)\n", path);
        }
        return EXIT_BROKEN;
    }
    if (err != RVM_OK && err != RVM_ERR_BUFFER_TOO_SMALL) {
        fprintf(stderr, "rvm-witness: %s: import failed: %s\n", path, rvm_err_name(err));
        return EXIT_USAGE;
    }
    L->records = alloc_records(n);
    if (L->records == NULL) {
        fprintf(stderr, "rvm-witness: out of memory\n");
        return EXIT_USAGE;
    }
    if (L->lines) {
        err = rvm_witness_import_lines((const char *)buf, len, &L->seg, L->records, n, &L->n, &bad_line);
    } else {
        err = rvm_witness_import_binary(buf, len, &L->seg, L->records, n);
        L->n = n;
    }
    if (err != RVM_OK) {
        fprintf(stderr, "rvm-witness: %s: second import pass failed: %s\n", path, rvm_err_name(err));
        return EXIT_USAGE;
    }
    return EXIT_INTACT;
}

static const char *digest_name(uint8_t d)
{
    return d == RVM_WITNESS_DIGEST_FNV1A ? "fnv1a" : "sha256";
}

static bool parse_key(const char *hex, uint8_t key[32])
{
    if (strcmp(hex, "default") == 0) {
        rvm_witness_default_key(key);
        return true;
    }
    if (strlen(hex) != 64) {
        return false;
    }
    for (unsigned i = 0; i < 32; i++) {
        unsigned v = 0;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return false;
        }
        key[i] = (uint8_t)v;
    }
    return true;
}

static int cmd_verify(const char *path, const loaded_t *L, const rvm_witness_signer_t *signer)
{
    rvm_witness_verify_result_t res;
    rvm_err_t err = rvm_witness_verify_segment(&L->seg, L->records, L->n, signer, &res);
    if (err == RVM_OK) {
        printf("%s: intact: %zu records", path, L->n);
        if (L->n > 0) {
            printf(", sequences %" PRIu64 "..%" PRIu64, L->seg.first_sequence, L->seg.first_sequence + L->n - 1);
        }
        printf(", chain mode %u, %s, final chain 0x%016" PRIx64 "%s\n", L->seg.chain_mode, digest_name(L->seg.digest),
               res.chain_value, signer != NULL ? ", signatures verified" : "");
        if (!L->seg.complete) {
            printf("%s: note: no end line, so records missing after the last one cannot be detected\n", path);
        }
        return EXIT_INTACT;
    }
    if (err == RVM_ERR_INVALID_ARGUMENT) {
        fprintf(stderr, "rvm-witness: %s: cannot verify: %s\n", path, rvm_err_name(err));
        return EXIT_USAGE;
    }
    printf("%s: BROKEN at sequence %" PRIu64 " (record %" PRIu64 "): %s; %" PRIu64 " records verified before it\n",
           path, res.bad_sequence, res.bad_index, rvm_witness_verify_reason_name(res.reason), res.verified);
    return EXIT_BROKEN;
}

static int cmd_show(const loaded_t *L)
{
    printf("# chain mode %u, %s, first sequence %" PRIu64 ", %zu records, preceding chain 0x%016" PRIx64 "\n",
           L->seg.chain_mode, digest_name(L->seg.digest), L->seg.first_sequence, L->n, L->seg.prev_chain);
    printf("%10s  %20s  %-26s %10s  %20s  %4s\n", "SEQUENCE", "TIME_NS", "ACTION", "ACTOR", "TARGET", "TIER");
    for (size_t i = 0; i < L->n; i++) {
        const rvm_witness_record_t *r = &L->records[i];
        printf("%10" PRIu64 "  %20" PRIu64 "  %-26s %10" PRIu32 "  %20" PRIu64 "  %4u\n", r->sequence,
               r->timestamp_ns, rvm_action_kind_name(r->action_kind), r->actor_partition_id, r->target_object_id,
               r->proof_tier);
    }
    return EXIT_INTACT;
}

static void print_hex(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%02x", b[i]);
    }
}

static int cmd_json(const loaded_t *L)
{
    for (size_t i = 0; i < L->n; i++) {
        const rvm_witness_record_t *r = &L->records[i];
        /* Action names are ASCII identifiers from a fixed table, so they need no JSON escaping. */
        printf("{\"sequence\":%" PRIu64 ",\"timestamp_ns\":%" PRIu64 ",\"action\":\"%s\",\"action_code\":%u,"
               "\"proof_tier\":%u,\"flags\":%u,\"actor\":%" PRIu32 ",\"target\":%" PRIu64
               ",\"capability_hash\":%" PRIu32 ",\"payload\":\"",
               r->sequence, r->timestamp_ns, rvm_action_kind_name(r->action_kind), r->action_kind, r->proof_tier,
               r->flags, r->actor_partition_id, r->target_object_id, r->capability_hash);
        print_hex(r->payload, sizeof r->payload);
        printf("\",\"prev_hash\":\"%08" PRIx32 "\",\"record_hash\":\"%08" PRIx32 "\",\"aux\":\"", r->prev_hash,
               r->record_hash);
        print_hex(r->aux, sizeof r->aux);
        printf("\"}\n");
    }
    return EXIT_INTACT;
}

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return EXIT_INTACT;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("rvm-witness %s\n", RVM_WITNESS_VERSION_STRING);
        return EXIT_INTACT;
    }
    if (argc < 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    const char *path = NULL;
    rvm_witness_hmac_signer_t hmac;
    rvm_witness_fnv_signer_t fnv;
    const rvm_witness_signer_t *signer = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(cmd, "verify") == 0 && strncmp(a, "--key=", 6) == 0) {
            uint8_t key[32];
            if (!parse_key(a + 6, key)) {
                fprintf(stderr, "rvm-witness: --key wants 64 hex digits or 'default'\n");
                return EXIT_USAGE;
            }
            rvm_witness_hmac_signer_init(&hmac, key, sizeof key);
            signer = &hmac.base;
        } else if (strcmp(cmd, "verify") == 0 && strcmp(a, "--fnv-signer") == 0) {
            rvm_witness_fnv_signer_init(&fnv);
            signer = &fnv.base;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "rvm-witness: unknown option %s\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else if (path == NULL) {
            path = a;
        } else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (path == NULL || (strcmp(cmd, "verify") != 0 && strcmp(cmd, "show") != 0 && strcmp(cmd, "json") != 0)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    size_t len = 0;
    uint8_t *buf = read_file(path, &len);
    if (buf == NULL) {
        return EXIT_USAGE;
    }
    loaded_t L = { 0 };
    int rc = import_any(path, buf, len, &L);
    free(buf);
    if (rc == EXIT_INTACT) {
        if (strcmp(cmd, "verify") == 0) {
            rc = cmd_verify(path, &L, signer);
        } else if (strcmp(cmd, "show") == 0) {
            rc = cmd_show(&L);
        } else {
            rc = cmd_json(&L);
        }
    }
    free(L.records);
    if (fflush(stdout) != 0) {
        return EXIT_USAGE;
    }
    return rc;
}
