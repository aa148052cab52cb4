/* Capability checks and mutations, each mutation witnessed (chain mode 2, SHA-256). */
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>

#include "benches.h"

#define SLOTS 4096u
#define LOOKUPS 4096u  /* random handles the P1 loop walks; a power of two */
#define OWNER 1u

RVM_CAP_STORAGE_DEFINE(bench_table, SLOTS, 256);

typedef struct cap_ctx {
    rvm_cap_manager_t m;
    rvm_witness_log_t log;
    rvm_witness_record_t *ring;
    rvm_nonce_ring_t nonces;
    rvm_cap_handle_t root;
    rvm_cap_handle_t handles[LOOKUPS];
    rvm_rights_t rights[LOOKUPS];
    rvm_cap_handle_t subtree_root;
} cap_ctx_t;

static void must(rvm_err_t e)
{
    if (e != RVM_OK) {
        abort();
    }
}

/*
 * Back-to-back independent checks: every iteration loads a different handle
 * and rights mask from memory, does the table lookup, the generation and
 * staleness compare and the rights test; only the OR of the results leaves the loop.
 */
static void p1(void *c, uint64_t first, uint64_t ops)
{
    cap_ctx_t *x = c;
    uint32_t acc = 0;
    /* Four checks per iteration so the loop's own bookkeeping is not what is measured. */
    for (uint64_t i = first; i < first + ops; i += 4) {
        uint64_t k = i & (LOOKUPS - 1);
        acc |= (uint32_t)rvm_cap_check_p1(&x->m, x->handles[k], x->rights[k], RVM_CAP_TYPE_ANY);
        acc |= (uint32_t)rvm_cap_check_p1(&x->m, x->handles[k + 1], x->rights[k + 1], RVM_CAP_TYPE_ANY);
        acc |= (uint32_t)rvm_cap_check_p1(&x->m, x->handles[k + 2], x->rights[k + 2], RVM_CAP_TYPE_ANY);
        acc |= (uint32_t)rvm_cap_check_p1(&x->m, x->handles[k + 3], x->rights[k + 3], RVM_CAP_TYPE_ANY);
    }
    bench_sink(acc);
}

/* Derive `ops` children of the root; the revoke that frees them is outside the timer. */
static void derive(void *c, uint64_t first, uint64_t ops)
{
    cap_ctx_t *x = c;
    for (uint64_t i = 0; i < ops; i++) {
        rvm_cap_handle_t h;
        must(rvm_cap_grant(&x->m, OWNER, x->root, RVM_RIGHT_READ, first + i, 2, &h));
    }
}

static void fresh_root(cap_ctx_t *x)
{
    must(rvm_cap_create_root(&x->m, RVM_PARTITION_HYPERVISOR, RVM_OBJ_REGION, 7,
                             RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_GRANT | RVM_RIGHT_REVOKE, 0, OWNER, &x->root));
}

static void derive_prepare(void *c, uint64_t first, uint64_t ops)
{
    cap_ctx_t *x = c;
    (void)first;
    (void)ops;
    uint32_t n;
    must(rvm_cap_revoke(&x->m, OWNER, x->root, &n));
    fresh_root(x);
}

/* A 64-capability subtree: a chain of depth 8 with fan-out below it. */
static void subtree_prepare(void *c, uint64_t first, uint64_t ops)
{
    cap_ctx_t *x = c;
    (void)first;
    (void)ops;
    rvm_rights_t r = RVM_RIGHT_READ | RVM_RIGHT_GRANT | RVM_RIGHT_REVOKE;
    must(rvm_cap_grant(&x->m, OWNER, x->root, r, 0, OWNER, &x->subtree_root));
    rvm_cap_handle_t level[8];
    level[0] = x->subtree_root;
    unsigned made = 1;
    for (unsigned d = 1; d < 8; d++) {
        must(rvm_cap_grant(&x->m, OWNER, level[d - 1], r, 0, OWNER, &level[d]));
        made++;
    }
    for (unsigned i = 0; made < 64; i++, made++) {
        rvm_cap_handle_t h;
        must(rvm_cap_grant(&x->m, OWNER, level[i % 7], RVM_RIGHT_READ, 0, 3, &h));
    }
}

static void revoke64(void *c, uint64_t first, uint64_t ops)
{
    cap_ctx_t *x = c;
    (void)first;
    (void)ops;
    uint32_t n = 0;
    must(rvm_cap_revoke(&x->m, OWNER, x->subtree_root, &n));
    if (n != 64) {
        abort();
    }
}

size_t bench_cap(bench_result_t *out)
{
    static cap_ctx_t x;
    x.ring = aligned_alloc(64, 4096 * sizeof(rvm_witness_record_t));
    if (x.ring == NULL) {
        abort();
    }
    must(rvm_witness_log_init(&x.log, x.ring, 4096, NULL));
    must(rvm_nonce_ring_init(&x.nonces, false));
    must(rvm_cap_manager_init(&x.m, &bench_table, NULL, &x.log, &x.nonces));
    fresh_root(&x);

    /* Mostly valid handles with random rights requests, plus forged ones. */
    rvm_cap_handle_t live[1024];
    for (unsigned i = 0; i < 1024; i++) {
        must(rvm_cap_grant(&x.m, OWNER, x.root, RVM_RIGHT_READ | RVM_RIGHT_WRITE, i, 2, &live[i]));
    }
    uint64_t seed = 42;
    for (unsigned i = 0; i < LOOKUPS; i++) {
        uint64_t r = bench_rand(&seed);
        x.handles[i] = (r & 7) == 0 ? (rvm_cap_handle_t){ (uint32_t)(r >> 8) & (SLOTS - 1), (uint32_t)(r >> 40) }
                                    : live[(r >> 8) & 1023];
        x.rights[i] = (rvm_rights_t)((r >> 32) & 0x3);
    }

    size_t n = 0;
    const char *sha = rvm_sha256_impl_name(rvm_sha256_active_impl());
    bench_spec_t s = { .name = "cap_p1_verify", .batch = p1, .ctx = &x, .ops_per_batch = 100000, .batches = 101 };
    bench_run(&s, &out[n++]);

    derive_prepare(&x, 0, 0);
    s = (bench_spec_t){ .name = "cap_derive", .impl = sha, .batch = derive, .prepare = derive_prepare, .ctx = &x,
                        .ops_per_batch = 1000, .batches = 1001 };
    bench_run(&s, &out[n++]);

    s = (bench_spec_t){ .name = "cap_revoke_subtree64", .impl = sha, .batch = revoke64, .prepare = subtree_prepare,
                        .ctx = &x, .ops_per_batch = 1, .batches = 20001, .n_per_op = 64 };
    bench_run(&s, &out[n++]);
    free(x.ring);
    return n;
}
