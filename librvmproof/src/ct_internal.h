/* Branch-free 0/1 predicates for the P2 rules; private to librvmproof. */
#ifndef RVMPROOF_CT_INTERNAL_H
#define RVMPROOF_CT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Hides from the optimiser that `x` is 0 or 1, so it cannot turn the arithmetic below back into a branch. */
static inline uint64_t rvm_proof_ct_hide(uint64_t x)
{
    __asm__("" : "+r"(x));
    return x;
}

/* 1 when x != 0. */
static inline uint64_t rvm_proof_ct_nz(uint64_t x)
{
    return rvm_proof_ct_hide((x | (0u - x)) >> 63);
}

/* 1 when a < b (unsigned): the borrow out of a - b. */
static inline uint64_t rvm_proof_ct_lt(uint64_t a, uint64_t b)
{
    return rvm_proof_ct_hide(((~a & b) | (~(a ^ b) & (a - b))) >> 63);
}

/* 1 when a > b. */
static inline uint64_t rvm_proof_ct_gt(uint64_t a, uint64_t b)
{
    return rvm_proof_ct_lt(b, a);
}

/* 1 when the `n` bytes differ anywhere; reads every byte. */
static inline uint64_t rvm_proof_ct_differ(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= (uint64_t)(a[i] ^ b[i]);
    }
    return rvm_proof_ct_nz(acc);
}

#endif
