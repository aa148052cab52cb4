/*
 * Constant-time proof of P2 under valgrind memcheck: every context field but
 * the nonce (whose ring lookup is public by design, see proof_policy.h) is
 * marked undefined before the check, so a branch or address inside the six
 * rules that depends on any of them is reported ("Conditional jump or move
 * depends on uninitialised value(s)") and the run fails through
 * --error-exitcode. Results are marked defined only after the check returned.
 * With "--control", a deliberately branching rule runs instead; that run must fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include <rvm/proof_policy.h>

#define ROUNDS 50u

static volatile unsigned control_taken;

/* The kind of rule memcheck must catch: an early exit on the region bounds. */
static __attribute__((noinline)) rvm_err_t branching_check(const rvm_proof_ctx_t *c)
{
    if (c->region_base >= c->region_limit) {
        control_taken++;
        return RVM_ERR_PROOF_INVALID;
    }
    return RVM_OK;
}

static void set_secret(rvm_proof_ctx_t *c, int hidden)
{
    uint64_t nonce = c->nonce;
    if (hidden) {
        VALGRIND_MAKE_MEM_UNDEFINED(c, sizeof *c);
    } else {
        VALGRIND_MAKE_MEM_DEFINED(c, sizeof *c);
    }
    c->nonce = nonce;
}

static rvm_proof_ctx_t base_ctx(uint64_t nonce)
{
    rvm_proof_ctx_t c;
    (void)rvm_proof_ctx_init(&c, 3);
    c.target_object = 7;
    c.region_base = 0x1000;
    c.region_limit = 0x3000;
    c.access_base = 0x2000;
    c.access_len = 0x100;
    c.current_time_ns = 100;
    c.lease_expiry_ns = 200;
    c.nonce = nonce;
    c.cap_owner = 3;
    c.cap_object = 7;
    c.cap_rights = RVM_RIGHT_PROVE;
    c.cap_depth = 1;
    memset(c.authorised_hash, 0x42, sizeof c.authorised_hash);
    memset(c.mutation_hash, 0x42, sizeof c.mutation_hash);
    return c;
}

int main(int argc, char **argv)
{
    int control = argc > 1 && strcmp(argv[1], "--control") == 0;
    static rvm_proof_policy_t policy;
    if (rvm_proof_policy_init(&policy, false) != RVM_OK || rvm_proof_policy_commit_nonce(&policy, 5) != RVM_OK) {
        return EXIT_FAILURE;
    }
    /* Contexts that pass, and that fail in each rule; nonce 5 is a replay. */
    rvm_proof_ctx_t cases[9];
    for (unsigned i = 0; i < 9; i++) {
        cases[i] = base_ctx(10);
    }
    cases[1].cap_owner = 4;
    cases[2].region_limit = cases[2].region_base;
    cases[3].current_time_ns = 300;
    cases[4].cap_depth = 9;
    cases[5].nonce = 5;
    cases[6].max_validity_window_ns = 10;
    cases[7].mutation_hash[17] ^= 4u;
    cases[8].access_len = UINT64_MAX;
    rvm_err_t expected[9];
    for (unsigned i = 0; i < 9; i++) {
        expected[i] = rvm_proof_p2_check(&policy, &cases[i]);
    }

    volatile int32_t sink = 0;
    unsigned mismatches = expected[0] != RVM_OK;
    for (unsigned round = 0; round < ROUNDS; round++) {
        for (unsigned i = 0; i < 9; i++) {
            rvm_proof_ctx_t c = cases[i];
            set_secret(&c, 1);
            rvm_err_t r[1 + RVM_PROOF_RULE_COUNT];
            if (control) {
                for (unsigned k = 0; k <= RVM_PROOF_RULE_COUNT; k++) {
                    r[k] = branching_check(&c);
                }
            } else {
                r[0] = rvm_proof_p2_check(&policy, &c);
                for (uint32_t k = 1; k <= RVM_PROOF_RULE_COUNT; k++) {
                    r[k] = rvm_proof_p2_evaluate_rule(&policy, &c, k);
                }
            }
            for (unsigned k = 0; k <= RVM_PROOF_RULE_COUNT; k++) {
                sink = sink + r[k];
            }
            set_secret(&c, 0);
            VALGRIND_MAKE_MEM_DEFINED(r, sizeof r);
            mismatches += !control && r[0] != expected[i];
            mismatches += i > 0 && !control && r[0] == RVM_OK;
        }
    }
    printf("ct_p2: %u checks, %u mismatches%s\n", ROUNDS * 9u * 7u, mismatches, control ? " (control)" : "");
    return mismatches == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
