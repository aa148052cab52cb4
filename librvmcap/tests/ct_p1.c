/*
 * Constant-time proof of P1 under valgrind memcheck: the rights held in every
 * slot and the rights requested are marked undefined, so any branch (or
 * address) inside the check that depends on them is reported as
 * "Conditional jump or move depends on uninitialised value(s)" and the run
 * fails through --error-exitcode. Results are marked defined only after the
 * check has returned, then compared with the expected values.
 * With the argument "--control", a deliberately branching check is run
 * instead, to show that memcheck does catch such a branch (that run must fail).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include <rvm/cap_verify.h>

#define SLOTS 16u
#define ROUNDS 200u

static volatile unsigned control_taken;

/* The kind of check memcheck must catch: a branch on the rights. */
static __attribute__((noinline)) rvm_err_t branching_check(const rvm_cap_manager_t *m, rvm_cap_handle_t h,
                                                           rvm_rights_t rights)
{
    if ((rights & m->hot[h.index & m->index_mask].denied) != 0) {
        control_taken++;
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    return RVM_OK;
}

static void hide_rights(rvm_cap_manager_t *m, rvm_rights_t *req)
{
    for (uint32_t i = 0; i < SLOTS; i++) {
        VALGRIND_MAKE_MEM_UNDEFINED(&m->hot[i].denied, sizeof m->hot[i].denied);
    }
    VALGRIND_MAKE_MEM_UNDEFINED(req, sizeof *req);
}

static void reveal_rights(rvm_cap_manager_t *m, rvm_rights_t *req)
{
    for (uint32_t i = 0; i < SLOTS; i++) {
        VALGRIND_MAKE_MEM_DEFINED(&m->hot[i].denied, sizeof m->hot[i].denied);
    }
    VALGRIND_MAKE_MEM_DEFINED(req, sizeof *req);
}

int main(int argc, char **argv)
{
    bool control = argc > 1 && strcmp(argv[1], "--control") == 0;
    RVM_CAP_STORAGE_DEFINE(st, SLOTS, 4);
    static _Alignas(64) rvm_witness_record_t records[64];
    static rvm_witness_log_t log;
    static rvm_nonce_ring_t nonces;
    static rvm_cap_manager_t m;
    if (rvm_witness_log_init(&log, records, 64, NULL) != RVM_OK || rvm_nonce_ring_init(&nonces, false) != RVM_OK ||
        rvm_cap_manager_init(&m, &st, NULL, &log, &nonces) != RVM_OK) {
        return EXIT_FAILURE;
    }
    rvm_cap_handle_t h[6];
    int ok = rvm_cap_create_root(&m, 0, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 0, 1, &h[0]) == RVM_OK;
    ok &= rvm_cap_grant(&m, 1, h[0], RVM_RIGHT_READ | RVM_RIGHT_WRITE, 0, 2, &h[1]) == RVM_OK;
    ok &= rvm_cap_create_root(&m, 0, RVM_OBJ_DEVICE, 2, RVM_RIGHT_EXECUTE | RVM_RIGHT_PROVE, 0, 3, &h[2]) == RVM_OK;
    ok &= rvm_cap_bump_object_epoch(&m, 0, RVM_OBJ_DEVICE, 2) == RVM_OK;   /* h[2] is now stale */
    h[3] = h[1];
    h[3].generation++;                                                    /* wrong generation */
    h[4] = (rvm_cap_handle_t){ 0xFFFFFFF0u, 1 };                          /* out of range */
    ok &= rvm_cap_create_root(&m, 0, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 0, 1, &h[5]) == RVM_OK;
    if (!ok) {
        return EXIT_FAILURE;
    }

    const rvm_rights_t requests[] = { 0, RVM_RIGHT_READ, RVM_RIGHT_WRITE | RVM_RIGHT_READ, RVM_RIGHT_GRANT, 0x7F, 0x80 };
    rvm_err_t expected[6][6];
    for (unsigned i = 0; i < 6; i++) {
        for (unsigned j = 0; j < 6; j++) {
            expected[i][j] = rvm_cap_verify_p1(&m, h[i], requests[j]);
        }
    }

    volatile int32_t sink = 0;
    volatile uint32_t facts_sink = 0;
    unsigned mismatches = 0;
    for (unsigned round = 0; round < ROUNDS; round++) {
        for (unsigned i = 0; i < 6; i++) {
            for (unsigned j = 0; j < 6; j++) {
                rvm_rights_t req = requests[j];
                hide_rights(&m, &req);
                rvm_err_t r[5];
                rvm_cap_p1_facts_t facts;
                if (control) {
                    r[0] = r[1] = r[2] = r[3] = r[4] = branching_check(&m, h[i], req);
                } else {
                    r[0] = rvm_cap_check_p1(&m, h[i], req, RVM_CAP_TYPE_ANY);
                    r[1] = rvm_cap_verify_p1(&m, h[i], req);
                    r[2] = rvm_cap_verify_p1_typed(&m, h[i], req, RVM_OBJ_TYPE_COUNT);
                    rvm_cap_p1_request_t batch = { h[i], req, RVM_CAP_TYPE_ANY };
                    (void)rvm_cap_verify_p1_batch(&m, &batch, 1, &r[3]);
                    r[4] = rvm_cap_check_p1_facts(&m, h[i], req, RVM_CAP_TYPE_ANY, &facts);
                    /* Kept, so that the hash of the hidden rights is computed, not optimised away. */
                    facts_sink = facts_sink ^ facts.token_hash ^ facts.owner;
                }
                sink = sink + r[0] + r[1] + r[2] + r[3] + r[4];
                reveal_rights(&m, &req);
                VALGRIND_MAKE_MEM_DEFINED(r, sizeof r);
                mismatches += r[0] != expected[i][j] || r[1] != expected[i][j] || r[3] != expected[i][j] ||
                              r[4] != expected[i][j];
                /* The typed call asks for a type no slot has: mismatch unless the handle or epoch failed first. */
                rvm_err_t t = expected[i][j] == RVM_ERR_INVALID_HANDLE || expected[i][j] == RVM_ERR_STALE_CAPABILITY
                                  ? expected[i][j]
                                  : RVM_ERR_CAPABILITY_TYPE_MISMATCH;
                mismatches += !control && r[2] != t;
            }
        }
    }
    printf("ct_p1: %u checks, %u mismatches%s\n", ROUNDS * 36u * 5u, mismatches, control ? " (control)" : "");
    return mismatches == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
