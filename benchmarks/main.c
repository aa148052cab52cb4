/* rvm-bench: runs every benchmark group, prints a table and writes bench.json. */
#include <stdio.h>
#include <string.h>

#include <rvm/sha256.h>

#include "benches.h"

static int write_json(const char *path, const bench_result_t *r, size_t n)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    fprintf(f, "[\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  {\"name\": \"%s\", \"unit\": \"%s\", \"median\": %.3f, \"min\": %.3f, \"max\": %.3f, \"n\": %llu",
                r[i].name, r[i].unit, r[i].median, r[i].min, r[i].max, (unsigned long long)r[i].n);
        if (r[i].impl != NULL) {
            fprintf(f, ", \"impl\": \"%s\"", r[i].impl);
        }
        fprintf(f, "},\n");
    }
    /* Which SHA-256 path the accelerated entries ran, as a record of its own. */
    fprintf(f, "  {\"name\": \"sha256_impl\", \"unit\": \"%s\", \"median\": 0, \"min\": 0, \"max\": 0, \"n\": 0, \"impl\": \"%s\"}\n]\n",
            rvm_sha256_impl_name(rvm_sha256_active_impl()), rvm_sha256_impl_name(rvm_sha256_active_impl()));
    return fclose(f) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *json = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            json = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--json FILE]\n", argv[0]);
            return 2;
        }
    }
    static bench_result_t results[BENCH_MAX_RESULTS];
    size_t n = 0;
    n += bench_hash(results + n);
    n += bench_witness(results + n);
    n += bench_cap(results + n);
    n += bench_mem(results + n);
    n += bench_sched(results + n);
    n += bench_ipc(results + n);
    n += bench_proof(results + n);
#ifdef RVM_BENCH_ED25519
    n += bench_ed25519(results + n);
#endif
    n += bench_sec(results + n);
    n += bench_coh(results + n);

    printf("%-28s %12s %12s %12s %6s %10s  %s\n", "benchmark", "median", "min", "max", "unit", "n", "impl");
    for (size_t i = 0; i < n; i++) {
        printf("%-28s %12.2f %12.2f %12.2f %6s %10llu  %s\n", results[i].name, results[i].median, results[i].min,
               results[i].max, results[i].unit, (unsigned long long)results[i].n,
               results[i].impl != NULL ? results[i].impl : "");
    }
    if (json != NULL) {
        if (write_json(json, results, n) != 0) {
            return 1;
        }
        printf("wrote %s\n", json);
    }
    return 0;
}
