/*
 * librvmmem: the buddy allocator's order-0 round trip, and LZ4 block
 * compression and decompression of 64 KiB against liblz4 in the same run.
 *
 * buddy_alloc_free is an order-0 alloc + free with RVM_BUDDY_NOZERO (what a
 * caller that overwrites the frame gets: the allocator's own cost);
 * buddy_alloc_free_zeroed is the default path, where every frame comes back
 * dirty and is cleared on the next allocation (4 KiB of stores per op). Both run
 * on a 16 MiB range, half of it held by random order-0 allocations, so splits and
 * coalesces happen as they do in a used allocator.
 *
 * The LZ4 input is 64 KiB of synthetic hypervisor log text (lines of words,
 * hex addresses and counters drawn at random from a small vocabulary), which
 * compresses about 3:1, like console logs and text-heavy partition state.
 */
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/mem_buddy.h>
#include <rvm/mem_lz4.h>

#include "benches.h"

#define PAGES 4096u
#define LZ_IN 65536u

RVM_BUDDY_STORAGE_DEFINE(bench_buddy_meta, PAGES);

typedef struct mem_ctx {
    rvm_buddy_t b;
    uint8_t *arena;
    uint8_t in[LZ_IN];
    uint8_t comp[LZ_IN + LZ_IN / 255 + 64];
    size_t comp_len;
    uint8_t lib_comp[LZ_IN + LZ_IN / 255 + 64];
    int lib_comp_len;
    uint8_t out[LZ_IN + 64];
    rvm_lz4_state_t st;
} mem_ctx_t;

static void must(rvm_err_t e)
{
    if (e != RVM_OK) {
        abort();
    }
}

static void buddy_nozero(void *c, uint64_t first, uint64_t ops)
{
    mem_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        rvm_phys_addr_t pa;
        must(rvm_buddy_alloc(&x->b, 0, RVM_BUDDY_NOZERO, &pa));
        must(rvm_buddy_free(&x->b, pa, 0));
    }
}

static void buddy_zeroed(void *c, uint64_t first, uint64_t ops)
{
    mem_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        rvm_phys_addr_t pa;
        must(rvm_buddy_alloc(&x->b, 0, RVM_BUDDY_ZERO, &pa));
        must(rvm_buddy_free(&x->b, pa, 0));
    }
}

static void rvm_comp(void *c, uint64_t first, uint64_t ops)
{
    mem_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        size_t n;
        must(rvm_lz4_compress(&x->st, x->in, LZ_IN, x->comp, sizeof x->comp, &n));
        bench_sink(n);
    }
}

static void lib_comp(void *c, uint64_t first, uint64_t ops)
{
    mem_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        int n = LZ4_compress_default((const char *)x->in, (char *)x->lib_comp, LZ_IN, (int)sizeof x->lib_comp);
        bench_sink((uint64_t)n);
    }
}

static void rvm_decomp(void *c, uint64_t first, uint64_t ops)
{
    mem_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        size_t n;
        must(rvm_lz4_decompress(x->comp, x->comp_len, x->out, LZ_IN, &n));
        bench_sink(x->out[i & (LZ_IN - 1)]);
    }
}

static void lib_decomp(void *c, uint64_t first, uint64_t ops)
{
    mem_ctx_t *x = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        int n = LZ4_decompress_safe((const char *)x->comp, (char *)x->out, (int)x->comp_len, LZ_IN);
        bench_sink((uint64_t)n);
        bench_sink(x->out[i & (LZ_IN - 1)]);
    }
}

static void make_text(uint8_t *p, size_t n, uint64_t *seed)
{
    static const char *const verbs[] = { "map", "unmap", "transfer", "promote", "demote", "grant", "revoke", "send" };
    static const char *const objs[] = { "region", "capability", "edge", "partition", "lease" };
    static const char *const tiers[] = { "hot", "warm", "dormant", "cold" };
    size_t i = 0;
    char line[160];
    while (i < n) {
        uint64_t r = bench_rand(seed);
        int len = snprintf(line, sizeof line, "[RVM] p%u %s %s 0x%08llx perm=%s tier=%s seq=%llu\n",
                           (unsigned)(r % 7), verbs[(r >> 8) % 8], objs[(r >> 12) % 5],
                           (unsigned long long)((r >> 16) & 0xFFFF000ull), ((r >> 40) & 1) ? "rw" : "r",
                           tiers[(r >> 44) % 4], (unsigned long long)((r >> 48) % 100000));
        for (int k = 0; k < len && i < n; k++) {
            p[i++] = (uint8_t)line[k];
        }
    }
}

size_t bench_mem(bench_result_t *out)
{
    static mem_ctx_t x;
    x.arena = aligned_alloc(4096, (size_t)PAGES * 4096);
    if (x.arena == NULL) {
        abort();
    }
    memset(x.arena, 0, (size_t)PAGES * 4096);
    must(rvm_buddy_init(&x.b, &bench_buddy_meta, rvm_phys(0x40000000), x.arena, true));
    static rvm_phys_addr_t held[PAGES];
    for (unsigned i = 0; i < PAGES; i++) {
        must(rvm_buddy_alloc(&x.b, 0, RVM_BUDDY_NOZERO, &held[i]));
    }
    uint64_t seed = 7;
    for (unsigned i = 0; i < PAGES; i++) {
        if (bench_rand(&seed) & 1) {
            must(rvm_buddy_free(&x.b, held[i], 0));
        }
    }

    make_text(x.in, LZ_IN, &seed);
    must(rvm_lz4_compress(&x.st, x.in, LZ_IN, x.comp, sizeof x.comp, &x.comp_len));
    size_t check_len;
    must(rvm_lz4_decompress(x.comp, x.comp_len, x.out, LZ_IN, &check_len));
    if (check_len != LZ_IN || memcmp(x.out, x.in, LZ_IN) != 0) {
        abort();
    }

    size_t n = 0;
    bench_spec_t s = { .name = "buddy_alloc_free", .batch = buddy_nozero, .ctx = &x, .ops_per_batch = 100000,
                       .batches = 101 };
    bench_run(&s, &out[n++]);
    s = (bench_spec_t){ .name = "buddy_alloc_free_zeroed", .batch = buddy_zeroed, .ctx = &x, .ops_per_batch = 10000,
                        .batches = 101 };
    bench_run(&s, &out[n++]);
    s = (bench_spec_t){ .name = "lz4_compress_64KiB", .batch = rvm_comp, .ctx = &x, .ops_per_batch = 20,
                        .batches = 101, .bytes_per_op = LZ_IN };
    bench_run(&s, &out[n++]);
    s = (bench_spec_t){ .name = "lz4_compress_64KiB_liblz4", .impl = "liblz4", .batch = lib_comp, .ctx = &x,
                        .ops_per_batch = 20, .batches = 101, .bytes_per_op = LZ_IN };
    bench_run(&s, &out[n++]);
    s = (bench_spec_t){ .name = "lz4_decompress_64KiB", .batch = rvm_decomp, .ctx = &x, .ops_per_batch = 50,
                        .batches = 101, .bytes_per_op = LZ_IN };
    bench_run(&s, &out[n++]);
    s = (bench_spec_t){ .name = "lz4_decompress_64KiB_liblz4", .impl = "liblz4", .batch = lib_decomp, .ctx = &x,
                        .ops_per_batch = 50, .batches = 101, .bytes_per_op = LZ_IN };
    bench_run(&s, &out[n++]);
    printf("lz4 input: 64 KiB of log text; ours %zu bytes, liblz4 %d bytes\n", x.comp_len,
           LZ4_compress_default((const char *)x.in, (char *)x.lib_comp, LZ_IN, (int)sizeof x.lib_comp));
    free(x.arena);
    return n;
}
