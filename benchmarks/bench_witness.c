/* Witness append and 64-record chain verification, FNV fast mode and SHA-256 (chain mode 2). */
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>
#include <rvm/witness_verify.h>

#include "benches.h"

#define RING 4096u   /* 256 KiB: the ring a small kernel would keep hot */
#define CHAIN 64u

typedef struct witness_ctx {
    rvm_witness_log_t log;
    rvm_witness_record_t *ring;
    rvm_witness_record_t chain[CHAIN];
    uint8_t digest;
} witness_ctx_t;

static void append(void *c, uint64_t first, uint64_t ops)
{
    witness_ctx_t *w = c;
    rvm_witness_record_t rec = { 0 };
    rec.action_kind = RVM_ACTION_IPC_SEND;
    rec.proof_tier = 1;
    rec.timestamp_ns = 1;
    for (uint64_t i = first; i < first + ops; i++) {
        rec.target_object_id = i;
        rec.actor_partition_id = (uint32_t)i & 0xFF;
        uint64_t seq;
        if (rvm_witness_append(&w->log, &rec, &seq) != RVM_OK) {
            abort();
        }
        bench_sink(seq);
    }
}

static void verify64(void *c, uint64_t first, uint64_t ops)
{
    witness_ctx_t *w = c;
    (void)first;
    for (uint64_t i = 0; i < ops; i++) {
        rvm_witness_verify_result_t r;
        if (rvm_witness_verify_chain(RVM_WITNESS_CHAIN_CONTENT, w->digest, w->chain, CHAIN, NULL, &r) != RVM_OK) {
            abort();
        }
        bench_sink(r.chain_value);
    }
}

static void setup(witness_ctx_t *w, uint8_t digest)
{
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    cfg.digest = digest;
    w->digest = digest;
    if (rvm_witness_log_init(&w->log, w->ring, RING, &cfg) != RVM_OK) {
        abort();
    }
    append(w, 0, CHAIN);
    uint32_t n = 0;
    if (rvm_witness_snapshot(&w->log, w->chain, CHAIN, &n) != RVM_OK || n != CHAIN) {
        abort();
    }
}

size_t bench_witness(bench_result_t *out)
{
    static witness_ctx_t w;
    w.ring = aligned_alloc(64, RING * sizeof(rvm_witness_record_t));
    if (w.ring == NULL) {
        abort();
    }
    const char *sha = rvm_sha256_impl_name(rvm_sha256_active_impl());
    size_t n = 0;
    bench_spec_t s = { .ops_per_batch = 10000, .batches = 101, .ctx = &w };

    setup(&w, RVM_WITNESS_DIGEST_FNV1A);
    s.name = "witness_append_fnv", s.impl = "fnv1a-words", s.batch = append;
    bench_run(&s, &out[n++]);
    s.name = "witness_verify64_fnv", s.batch = verify64, s.ops_per_batch = 1000, s.batches = 1001;
    bench_run(&s, &out[n++]);

    setup(&w, RVM_WITNESS_DIGEST_SHA256);
    s.name = "witness_append_sha256", s.impl = sha, s.batch = append, s.ops_per_batch = 10000, s.batches = 101;
    bench_run(&s, &out[n++]);
    s.name = "witness_verify64_sha256", s.batch = verify64, s.ops_per_batch = 1000, s.batches = 1001;
    bench_run(&s, &out[n++]);
    free(w.ring);
    return n;
}
