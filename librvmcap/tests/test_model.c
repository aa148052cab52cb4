/*
 * Model-based test: 100,000 random operations from a fixed seed, each checked
 * against a reference model made of plain arrays and written for clarity, not
 * speed. After every step the whole table is compared with the model (stale
 * marks included) and the invariants are checked, among them that every
 * object's slot list holds exactly its live slots; at the end the witness
 * chain is verified.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/witness_verify.h>

#include "fixture.h"

#define SLOTS 64u
#define OBJECTS 8u
#define STEPS 100000u
#define LOG_CAPACITY (1u << 17)
#define N_TYPES 2u
#define N_IDS 6u
#define DEAD_KEPT 512u

/*
 * Check's own assertions report progress through a pipe on every call, far
 * too slow for millions of comparisons; these only call into Check on failure.
 */
#define REQUIRE(c)                                                                  \
    do {                                                                            \
        if (!(c)) {                                                                 \
            ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c);                      \
        }                                                                           \
    } while (0)
#define REQUIRE_EQ(a, b)                                                            \
    do {                                                                            \
        long long a_ = (long long)(a);                                              \
        long long b_ = (long long)(b);                                              \
        if (a_ != b_) {                                                             \
            ck_abort_msg("%s:%d: %s == %lld, %s == %lld", __FILE__, __LINE__, #a, a_, #b, b_); \
        }                                                                           \
    } while (0)

/* ---- the reference model ---- */

typedef struct model_cap {
    bool live;
    uint32_t gen;
    uint32_t next_gen;
    rvm_rights_t rights;
    rvm_partition_id_t owner;
    int parent;          /* slot index, -1 for none */
    unsigned depth;
    unsigned type_i;     /* object = (type_i, id) */
    unsigned id;
    uint32_t epoch;      /* value of the object's bump counter when made */
} model_cap_t;

static model_cap_t cap[SLOTS];
static uint32_t bumps[N_TYPES][N_IDS];
static const uint8_t types[N_TYPES] = { RVM_OBJ_REGION, RVM_OBJ_DEVICE };

static bool resolves(rvm_cap_handle_t h)
{
    return h.index < SLOTS && h.generation != 0 && cap[h.index].live && cap[h.index].gen == h.generation;
}

static bool stale(unsigned i)
{
    return cap[i].epoch != bumps[cap[i].type_i][cap[i].id];
}

static unsigned live_count(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SLOTS; i++) {
        n += cap[i].live;
    }
    return n;
}

static bool object_live(unsigned t, unsigned id)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        if (cap[i].live && cap[i].type_i == t && cap[i].id == id) {
            return true;
        }
    }
    return false;
}

static unsigned live_objects(void)
{
    unsigned n = 0;
    for (unsigned t = 0; t < N_TYPES; t++) {
        for (unsigned id = 0; id < N_IDS; id++) {
            n += object_live(t, id);
        }
    }
    return n;
}

/* True when `anc` is `x` or one of its ancestors. */
static bool under(unsigned x, unsigned anc)
{
    for (int i = (int)x; i >= 0; i = cap[i].parent) {
        if ((unsigned)i == anc) {
            return true;
        }
    }
    return false;
}

static bool may_revoke(unsigned x, rvm_partition_id_t caller)
{
    if (cap[x].owner == caller) {
        return true;
    }
    for (int a = cap[x].parent; a >= 0; a = cap[a].parent) {
        if (cap[a].owner == caller && (cap[a].rights & RVM_RIGHT_REVOKE)) {
            return true;
        }
    }
    return false;
}

static void model_free(unsigned i)
{
    cap[i].live = false;
    cap[i].next_gen = cap[i].gen + 1 == 0 ? 1 : cap[i].gen + 1;
    cap[i].gen = 0;
}

static rvm_err_t model_p1(rvm_cap_handle_t h, rvm_rights_t rights, uint8_t type)
{
    if (!resolves(h)) {
        return RVM_ERR_INVALID_HANDLE;
    }
    const model_cap_t *c = &cap[h.index];
    if (stale(h.index)) {
        return RVM_ERR_STALE_CAPABILITY;
    }
    if (type != RVM_CAP_TYPE_ANY && type != types[c->type_i]) {
        return RVM_ERR_CAPABILITY_TYPE_MISMATCH;
    }
    if ((rights & ~c->rights) != 0) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    return RVM_OK;
}

static rvm_err_t model_p3(rvm_cap_handle_t h, unsigned max_depth)
{
    if (!resolves(h)) {
        return RVM_ERR_INVALID_HANDLE;
    }
    if (stale(h.index)) {
        return RVM_ERR_STALE_CAPABILITY;
    }
    unsigned steps = 0;
    int i = (int)h.index;
    while (cap[i].parent >= 0) {
        i = cap[i].parent;
        steps++;
    }
    return cap[i].depth == 0 && steps <= max_depth ? RVM_OK : RVM_ERR_PROOF_INVALID;
}

/* ---- the run ---- */

static fixture_t fx;
static uint64_t rng;
static uint64_t next_nonce = 1;
static uint8_t expected_kinds[LOG_CAPACITY];
static uint64_t n_expected;
static rvm_cap_handle_t dead[DEAD_KEPT];
static unsigned n_dead;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

static void expect_record(uint8_t kind)
{
    REQUIRE(n_expected < LOG_CAPACITY);
    expected_kinds[n_expected++] = kind;
}

static void remember_dead(unsigned i)
{
    dead[n_dead % DEAD_KEPT] = (rvm_cap_handle_t){ i, cap[i].gen };
    n_dead++;
}

/* A handle to act on: mostly a live one, sometimes a dead or a forged one. */
static rvm_cap_handle_t pick_handle(void)
{
    uint32_t roll = rnd(100);
    if (roll < 75 && live_count() > 0) {
        for (;;) {
            unsigned i = rnd(SLOTS);
            if (cap[i].live) {
                return (rvm_cap_handle_t){ i, cap[i].gen };
            }
        }
    }
    if (roll < 92 && n_dead > 0) {
        return dead[rnd(n_dead < DEAD_KEPT ? n_dead : DEAD_KEPT)];
    }
    return (rvm_cap_handle_t){ rnd(3 * SLOTS), rnd(4) };
}

static rvm_partition_id_t pick_caller(rvm_cap_handle_t h)
{
    if (resolves(h) && rnd(100) < 70) {
        int i = (int)h.index;
        /* The owner, or sometimes an ancestor's owner. */
        while (cap[i].parent >= 0 && rnd(3) == 0) {
            i = cap[i].parent;
        }
        return cap[i].owner;
    }
    return 1 + rnd(4);
}

static rvm_rights_t pick_rights(rvm_rights_t base)
{
    uint32_t roll = rnd(100);
    if (roll < 35) {
        return base;
    }
    if (roll < 70) {
        return (rvm_rights_t)(base & rnd(256));
    }
    if (roll < 97) {
        return (rvm_rights_t)rnd(128);
    }
    return (rvm_rights_t)(0x80 | rnd(128));
}

static void op_create_root(void)
{
    rvm_partition_id_t caller = rnd(10) == 0 ? 1 + rnd(4) : 0;
    unsigned t = rnd(N_TYPES);
    unsigned id = rnd(N_IDS);
    rvm_rights_t rights = pick_rights(RVM_RIGHTS_ALL);
    rvm_partition_id_t owner = 1 + rnd(4);
    rvm_err_t want;
    if (rights & 0x80) {
        want = RVM_ERR_INVALID_ARGUMENT;
    } else if (caller != 0) {
        want = RVM_ERR_GRANT_NOT_PERMITTED;
    } else if (live_count() == SLOTS || (!object_live(t, id) && live_objects() == OBJECTS)) {
        want = RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    } else {
        want = RVM_OK;
    }
    rvm_cap_handle_t h;
    REQUIRE_EQ(rvm_cap_create_root(&fx.m, caller, types[t], id, rights, 0, owner, &h), want);
    if (want != RVM_OK) {
        return;
    }
    REQUIRE(h.index < SLOTS);
    model_cap_t *c = &cap[h.index];
    REQUIRE(!c->live);
    REQUIRE_EQ(h.generation, c->next_gen);
    *c = (model_cap_t){ true, h.generation, 0, rights, owner, -1, 0, t, id, bumps[t][id] };
    expect_record(RVM_ACTION_CAPABILITY_CREATE_ROOT);
}

/* Grant sources lean towards deep capabilities so that chains reach the depth limit. */
static rvm_cap_handle_t pick_source(void)
{
    rvm_cap_handle_t best = pick_handle();
    for (int k = 0; k < 3 && resolves(best); k++) {
        rvm_cap_handle_t other = pick_handle();
        if (resolves(other) && cap[other.index].depth > cap[best.index].depth) {
            best = other;
        }
    }
    return best;
}

static void op_grant(void)
{
    rvm_cap_handle_t src = pick_source();
    rvm_partition_id_t caller = pick_caller(src);
    rvm_rights_t rights = pick_rights(resolves(src) ? cap[src.index].rights : RVM_RIGHTS_ALL);
    rvm_partition_id_t target = 1 + rnd(4);
    rvm_err_t want = RVM_OK;
    const model_cap_t *s = resolves(src) ? &cap[src.index] : NULL;
    bool once = s != NULL && !(s->rights & RVM_RIGHT_GRANT);
    if (rights & 0x80) {
        want = RVM_ERR_INVALID_ARGUMENT;
    } else if (s == NULL) {
        want = RVM_ERR_INVALID_HANDLE;
    } else if (stale(src.index)) {
        want = RVM_ERR_STALE_CAPABILITY;
    } else if (s->owner != caller) {
        want = RVM_ERR_GRANT_NOT_PERMITTED;
    } else if (once && !(s->rights & RVM_RIGHT_GRANT_ONCE)) {
        want = RVM_ERR_GRANT_NOT_PERMITTED;
    } else if (rights & ~s->rights) {
        want = RVM_ERR_RIGHTS_ESCALATION;
    } else if (s->depth + 1 > RVM_CAP_MAX_DEPTH) {
        want = RVM_ERR_DELEGATION_DEPTH_EXCEEDED;
    } else if (live_count() == SLOTS) {
        want = RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_cap_handle_t h;
    REQUIRE_EQ(rvm_cap_grant(&fx.m, caller, src, rights, 0, target, &h), want);
    if (want != RVM_OK) {
        return;
    }
    model_cap_t *c = &cap[h.index];
    REQUIRE(!c->live);
    REQUIRE_EQ(h.generation, c->next_gen);
    rvm_rights_t child = once ? (rvm_rights_t)(rights & ~(RVM_RIGHT_GRANT | RVM_RIGHT_GRANT_ONCE)) : rights;
    *c = (model_cap_t){ true, h.generation, 0, child, target, (int)src.index, s->depth + 1, s->type_i, s->id, s->epoch };
    if (once) {
        cap[src.index].rights &= (rvm_rights_t)~RVM_RIGHT_GRANT_ONCE;
    }
    expect_record(RVM_ACTION_CAPABILITY_GRANT);
}

static void op_revoke(bool whole_subtree)
{
    rvm_cap_handle_t h = pick_handle();
    rvm_partition_id_t caller = pick_caller(h);
    rvm_err_t want = !resolves(h) ? RVM_ERR_INVALID_HANDLE
                     : !may_revoke(h.index, caller) ? RVM_ERR_INSUFFICIENT_CAPABILITY
                                                    : RVM_OK;
    if (!whole_subtree) {
        REQUIRE_EQ(rvm_cap_delete(&fx.m, caller, h), want);
        if (want == RVM_OK) {
            for (unsigned i = 0; i < SLOTS; i++) {
                if (cap[i].live && cap[i].parent == (int)h.index) {
                    cap[i].parent = cap[h.index].parent;
                }
            }
            remember_dead(h.index);
            model_free(h.index);
            expect_record(RVM_ACTION_CAPABILITY_DELETE);
        }
        return;
    }
    uint32_t n = 0;
    REQUIRE_EQ(rvm_cap_revoke(&fx.m, caller, h, &n), want);
    if (want != RVM_OK) {
        return;
    }
    bool doomed[SLOTS] = { false };
    uint32_t count = 0;
    for (unsigned i = 0; i < SLOTS; i++) {
        doomed[i] = cap[i].live && under(i, h.index);
        count += doomed[i];
    }
    REQUIRE_EQ(n, count);
    for (unsigned i = 0; i < SLOTS; i++) {
        if (doomed[i]) {
            remember_dead(i);
            model_free(i);
        }
    }
    expect_record(RVM_ACTION_CAPABILITY_REVOKE);
}

static void op_bump(void)
{
    rvm_partition_id_t caller = rnd(10) == 0 ? 1 + rnd(4) : 0;
    if (rnd(20) == 0) {
        REQUIRE_EQ(rvm_cap_bump_global_epoch(&fx.m, caller),
                         caller != 0 ? RVM_ERR_GRANT_NOT_PERMITTED : RVM_OK);
        if (caller == 0) {
            for (unsigned t = 0; t < N_TYPES; t++) {
                for (unsigned id = 0; id < N_IDS; id++) {
                    bumps[t][id]++;
                }
            }
            expect_record(RVM_ACTION_CAPABILITY_GLOBAL_EPOCH_BUMP);
        }
        return;
    }
    unsigned t = rnd(N_TYPES);
    unsigned id = rnd(N_IDS);
    rvm_err_t want = caller != 0 ? RVM_ERR_GRANT_NOT_PERMITTED : !object_live(t, id) ? RVM_ERR_NOT_FOUND : RVM_OK;
    REQUIRE_EQ(rvm_cap_bump_object_epoch(&fx.m, caller, types[t], id), want);
    if (want == RVM_OK) {
        bumps[t][id]++;
        expect_record(RVM_ACTION_CAPABILITY_EPOCH_BUMP);
    }
}

static void op_verify(void)
{
    rvm_cap_handle_t h = pick_handle();
    rvm_rights_t rights = pick_rights(resolves(h) ? cap[h.index].rights : RVM_RIGHTS_ALL);
    uint8_t type = rnd(3) == 0 ? types[rnd(N_TYPES)] : RVM_CAP_TYPE_ANY;
    rvm_err_t want = model_p1(h, rights, type);
    REQUIRE_EQ(rvm_cap_check_p1(&fx.m, h, rights, type), want);
    REQUIRE_EQ(rvm_cap_verify_p1_typed(&fx.m, h, rights, type), want);
    unsigned max_depth = rnd(RVM_CAP_MAX_DEPTH + 1);
    REQUIRE_EQ(rvm_cap_verify_p3(&fx.m, h, (uint8_t)max_depth), model_p3(h, max_depth));
    /* Lookup and P2 must see staleness exactly as P1 does (this policy always fails, so no nonce is kept). */
    rvm_err_t gate = !resolves(h)      ? RVM_ERR_INVALID_HANDLE
                     : stale(h.index) ? RVM_ERR_STALE_CAPABILITY
                                      : RVM_OK;
    rvm_cap_info_t info;
    REQUIRE_EQ(rvm_cap_lookup(&fx.m, h, &info), gate);
    if (gate == RVM_OK) {
        REQUIRE_EQ(info.token.rights, cap[h.index].rights);
        REQUIRE_EQ(info.token.type, types[cap[h.index].type_i]);
        REQUIRE_EQ(info.object_id, cap[h.index].id);
    }
    rvm_cap_policy_ctx_t ctx = { .expected_owner = 0, .region_base = 1, .region_limit = 0, .nonce = next_nonce++ };
    REQUIRE_EQ(rvm_cap_verify_p2(&fx.m, h, &ctx), gate == RVM_OK ? RVM_ERR_PROOF_INVALID : gate);
}

/* The implementation's table must equal the model, and the model must satisfy every invariant. */
static void check_state(void)
{
    unsigned live = 0;
    for (unsigned i = 0; i < SLOTS; i++) {
        const model_cap_t *c = &cap[i];
        const rvm_cap_hot_t *s = &fx.m.hot[i];
        const rvm_cap_cold_t *k = &fx.m.cold[i];
        if (!c->live) {
            REQUIRE_EQ(s->key.generation, 0);
            REQUIRE_EQ(k->next_generation, c->next_gen);
            REQUIRE_EQ(s->stale, 0);
            continue;
        }
        live++;
        rvm_cap_handle_t h = { i, c->gen };
        REQUIRE(rvm_cap_handle_eq(s->key, h));
        REQUIRE_EQ((rvm_rights_t)~s->denied, c->rights);
        REQUIRE_EQ(s->type, types[c->type_i]);
        REQUIRE_EQ(fx.m.objects[k->object].type, types[c->type_i]);
        REQUIRE_EQ(fx.m.objects[k->object].object_id, c->id);
        /* The mark, the refusal P1 reports with it, and the epoch record all agree with the model. */
        REQUIRE_EQ(s->stale, stale(i) ? RVM_CAP_STALE : 0);
        REQUIRE_EQ(s->refusal, stale(i) ? RVM_ERR_STALE_CAPABILITY : RVM_ERR_INSUFFICIENT_CAPABILITY);
        REQUIRE_EQ(k->epoch != fx.m.objects[k->object].epoch, stale(i));
        REQUIRE_EQ(k->owner, c->owner);
        REQUIRE_EQ(k->depth, c->depth);
        REQUIRE_EQ(k->parent, c->parent < 0 ? RVM_CAP_INDEX_NONE : (uint32_t)c->parent);
        REQUIRE(c->depth <= RVM_CAP_MAX_DEPTH);
        if (c->parent >= 0) {
            const model_cap_t *p = &cap[c->parent];
            REQUIRE(p->live);
            REQUIRE_EQ(c->rights & ~p->rights, 0);   /* no right the parent lacks */
            REQUIRE(c->depth > p->depth);
            REQUIRE_EQ(c->type_i, p->type_i);
            REQUIRE_EQ(c->id, p->id);
        }
        /* Every live handle verifies exactly as the model says, stale ones included. */
        rvm_rights_t r = (rvm_rights_t)rnd(128);
        REQUIRE_EQ(rvm_cap_check_p1(&fx.m, h, r, RVM_CAP_TYPE_ANY), model_p1(h, r, RVM_CAP_TYPE_ANY));
        REQUIRE_EQ(rvm_cap_check_p1(&fx.m, h, c->rights, RVM_CAP_TYPE_ANY),
                         stale(i) ? RVM_ERR_STALE_CAPABILITY : RVM_OK);
    }
    REQUIRE_EQ(fx.m.stats.live, live);
    REQUIRE(fx_object_lists_sound(&fx));
    /* Nothing revoked or deleted ever verifies again (unless its slot generation came round, which it cannot here). */
    unsigned kept = n_dead < DEAD_KEPT ? n_dead : DEAD_KEPT;
    for (unsigned j = 0; j < 4 && kept > 0; j++) {
        rvm_cap_handle_t d = dead[rnd(kept)];
        if (!resolves(d)) {
            REQUIRE_EQ(rvm_cap_check_p1(&fx.m, d, 0, RVM_CAP_TYPE_ANY), RVM_ERR_INVALID_HANDLE);
        }
    }
}

static void verify_chain(void)
{
    uint64_t total = rvm_witness_total_emitted(&fx.log);
    REQUIRE_EQ(total, n_expected);
    REQUIRE(total <= LOG_CAPACITY);
    rvm_witness_record_t *recs = aligned_alloc(64, sizeof(rvm_witness_record_t) * LOG_CAPACITY);
    REQUIRE(NULL != recs);
    uint32_t n = 0;
    REQUIRE_EQ(rvm_witness_snapshot(&fx.log, recs, LOG_CAPACITY, &n), RVM_OK);
    REQUIRE_EQ(n, total);
    /* Recompute the chain record by record... */
    uint64_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        REQUIRE_EQ(recs[i].sequence, i);
        REQUIRE_EQ(recs[i].action_kind, expected_kinds[i]);
        REQUIRE_EQ(recs[i].proof_tier, 1);
        REQUIRE_EQ(recs[i].prev_hash, (uint32_t)((prev >> 32) ^ prev));
        prev = rvm_witness_chain_step(fx.log.chain_mode, fx.log.digest, prev, &recs[i]);
        REQUIRE_EQ(recs[i].record_hash, (uint32_t)((prev >> 32) ^ prev));
    }
    REQUIRE_EQ(prev, rvm_witness_chain_value(&fx.log));
    /* ...and through librvmwitness's verifier, which must agree. */
    rvm_witness_verify_expect_t ex = { .check = RVM_WITNESS_EXPECT_COUNT | RVM_WITNESS_EXPECT_FINAL_CHAIN,
                                       .count = total,
                                       .final_chain = prev };
    rvm_witness_verify_result_t res;
    REQUIRE_EQ(rvm_witness_verify_chain_expect(fx.log.chain_mode, fx.log.digest, 0, recs, n, NULL, &ex, &res),
                     RVM_OK);
    REQUIRE_EQ(res.verified, total);
    free(recs);
}

START_TEST(random_operations_match_the_model)
{
    fx_open(&fx, SLOTS, OBJECTS, LOG_CAPACITY, RVM_WITNESS_OVERWRITE_OLDEST, NULL);
    memset(cap, 0, sizeof cap);
    memset(bumps, 0, sizeof bumps);
    for (unsigned i = 0; i < SLOTS; i++) {
        cap[i].next_gen = 1;
        cap[i].parent = -1;
    }
    rng = 0x243F6A8885A308D3ull;
    next_nonce = 1;
    unsigned counts[6] = { 0 };
    for (unsigned step = 0; step < STEPS; step++) {
        uint32_t roll = rnd(100);
        if (roll < 12) {
            op_create_root();
            counts[0]++;
        } else if (roll < 45) {
            op_grant();
            counts[1]++;
        } else if (roll < 53) {
            op_revoke(true);
            counts[2]++;
        } else if (roll < 61) {
            op_revoke(false);
            counts[3]++;
        } else if (roll < 64) {
            op_bump();
            counts[4]++;
        } else {
            op_verify();
            counts[5]++;
        }
        check_state();
    }
    for (unsigned i = 0; i < 6; i++) {
        REQUIRE(counts[i] > 1000);
    }
    rvm_cap_stats_t st;
    REQUIRE_EQ(rvm_cap_get_stats(&fx.m, &st), RVM_OK);
    REQUIRE(st.granted > 1000);
    REQUIRE(st.revoked > 1000);
    REQUIRE(st.deleted > 1000);
    REQUIRE_EQ(st.max_depth_reached, RVM_CAP_MAX_DEPTH);
    /* Final sweep: no revoked or deleted handle that was kept verifies. */
    for (unsigned i = 0; i < (n_dead < DEAD_KEPT ? n_dead : DEAD_KEPT); i++) {
        if (!resolves(dead[i])) {
            REQUIRE_EQ(rvm_cap_verify_p1(&fx.m, dead[i], 0), RVM_ERR_INVALID_HANDLE);
        }
    }
    verify_chain();
    fx_close(&fx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmcap-model");
    TCase *tc = tcase_create("model");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_operations_match_the_model);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
