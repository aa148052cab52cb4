/*
 * Guest side of the structural calls' proofs: a P2 proof for one mutation
 * (rvm_hc_mutation_bytes hashed with librvmtypes' SHA-256), valid for a
 * while on the counter's clock, and the status line each step prints.
 */
#ifndef RVM_STRUCTURAL_PROOF_H
#define RVM_STRUCTURAL_PROOF_H

#include <stdint.h>

#include <rvm/hypercall.h>
#include <rvm/sha256.h>

#include "../check_guest.h"

#define PROOF_VALID_NS 500000000u

static inline uint64_t now_ns(void)
{
    uint64_t cnt;
    uint64_t freq;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(cnt));
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    return cnt / freq * 1000000000u + cnt % freq * 1000000000u / freq;
}

/* A proof that `caller` may make structural call `call` with arguments a2..a5, once, under `nonce`. */
static inline void make_proof(rvm_hc_proof_t *p, uint32_t call, uint32_t caller, uint64_t a2, uint64_t a3,
                              uint64_t nonce, uint64_t valid_until_ns)
{
    uint8_t bytes[RVM_HC_MUTATION_BYTES];
    rvm_hc_mutation_bytes(bytes, call, caller, a2, a3, 0, 0);
    rvm_sha256(bytes, sizeof bytes, p->authorised_hash);
    p->nonce = nonce;
    p->valid_until_ns = valid_until_ns;
}

static inline void say_status(const char *what, int64_t status)
{
    char line[RVM_HC_CONSOLE_MAX];
    uint32_t n = 0;
    while (what[n] != '\0' && n < sizeof line - 24u) {
        line[n] = what[n];
        n++;
    }
    line[n++] = ':';
    line[n++] = ' ';
    uint64_t v = (uint64_t)status;
    if (status < 0) {
        line[n++] = '-';
        v = (uint64_t)(-status);
    }
    char digits[20];
    uint32_t d = 0;
    do {
        digits[d++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    while (d > 0u) {
        line[n++] = digits[--d];
    }
    line[n++] = '\n';
    (void)hc(RVM_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)line, n, 0, 0);
}

#endif
