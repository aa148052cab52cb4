/*
 * Branch-free selects for the P1 check: `err` becomes `k` when a condition
 * holds, with one compare and one conditional move (x86-64 CMOV, AArch64
 * CSEL). They are written in assembly because a compiler may turn a C
 * conditional into a branch (clang's x86 CMOV converter does so in loops);
 * other targets get mask arithmetic behind a value barrier, which no
 * compiler can turn into a branch either. Defining RVM_CAP_CT_PORTABLE
 * selects the mask arithmetic everywhere (the tests check both).
 */
#ifndef RVM_CAP_CT_H
#define RVM_CAP_CT_H

#include <stdint.h>

#if defined(__x86_64__) && !defined(RVM_CAP_CT_PORTABLE)
#define RVM_CAP_CT_X86_64 1
#elif defined(__aarch64__) && !defined(RVM_CAP_CT_PORTABLE)
#define RVM_CAP_CT_AARCH64 1
#endif

/*
 * Let gcc fold the second operand's load into the compare; clang would always
 * spill an "rm" operand to memory. A constant second operand of a 32-bit
 * select (a flag mask, a required type) becomes an immediate, which spares a
 * register in unrolled loops.
 */
#if defined(__clang__)
#define RVM_CAP_CT_SRC "r"
#define RVM_CAP_CT_SRC32 "ri"
#else
#define RVM_CAP_CT_SRC "rm"
#define RVM_CAP_CT_SRC32 "rmi"
#endif

#if !defined(RVM_CAP_CT_X86_64) && !defined(RVM_CAP_CT_AARCH64)
/* Mask that is all ones when `cond` is 1; the barrier hides that it is 0 or all ones. */
static inline uint32_t rvm_cap_ct_mask(uint32_t cond)
{
    uint32_t m = 0u - cond;
    __asm__("" : "+r"(m));
    return m;
}
#endif

/* `a != b ? k : err` for 32-bit values. */
static inline int32_t rvm_cap_ct_sel_ne32(uint32_t a, uint32_t b, int32_t k, int32_t err)
{
#if defined(RVM_CAP_CT_X86_64)
    __asm__("cmpl %[b], %[a]\n\tcmovnel %[k], %[e]" : [e] "+r"(err) : [a] "r"(a), [b] RVM_CAP_CT_SRC32(b), [k] "r"(k) : "cc");
#elif defined(RVM_CAP_CT_AARCH64)
    __asm__("cmp %w[a], %w[b]\n\tcsel %w[e], %w[k], %w[e], ne" : [e] "+r"(err) : [a] "r"(a), [b] "r"(b), [k] "r"(k) : "cc");
#else
    uint32_t m = rvm_cap_ct_mask((uint32_t)((a ^ b) != 0));
    err = (int32_t)(((uint32_t)k & m) | ((uint32_t)err & ~m));
#endif
    return err;
}

/* `a != b ? k : err` for 64-bit values. */
static inline int32_t rvm_cap_ct_sel_ne64(uint64_t a, uint64_t b, int32_t k, int32_t err)
{
#if defined(RVM_CAP_CT_X86_64)
    __asm__("cmpq %[b], %[a]\n\tcmovnel %[k], %[e]" : [e] "+r"(err) : [a] "r"(a), [b] RVM_CAP_CT_SRC(b), [k] "r"(k) : "cc");
#elif defined(RVM_CAP_CT_AARCH64)
    __asm__("cmp %x[a], %x[b]\n\tcsel %w[e], %w[k], %w[e], ne" : [e] "+r"(err) : [a] "r"(a), [b] "r"(b), [k] "r"(k) : "cc");
#else
    uint32_t m = rvm_cap_ct_mask((uint32_t)((a ^ b) != 0));
    err = (int32_t)(((uint32_t)k & m) | ((uint32_t)err & ~m));
#endif
    return err;
}

/* `(a & b) != 0 ? k : err` for 32-bit values. */
static inline int32_t rvm_cap_ct_sel_and32(uint32_t a, uint32_t b, int32_t k, int32_t err)
{
#if defined(RVM_CAP_CT_X86_64)
    __asm__("testl %[b], %[a]\n\tcmovnel %[k], %[e]" : [e] "+r"(err) : [a] "r"(a), [b] RVM_CAP_CT_SRC32(b), [k] "r"(k) : "cc");
#elif defined(RVM_CAP_CT_AARCH64)
    __asm__("tst %w[a], %w[b]\n\tcsel %w[e], %w[k], %w[e], ne" : [e] "+r"(err) : [a] "r"(a), [b] "r"(b), [k] "r"(k) : "cc");
#else
    uint32_t m = rvm_cap_ct_mask((uint32_t)((a & b) != 0));
    err = (int32_t)(((uint32_t)k & m) | ((uint32_t)err & ~m));
#endif
    return err;
}

/*
 * `(a & b) != 0 ? k : 0`, the first select of a chain: the AND's own zero is
 * the 0, so no register has to be cleared for it. gcc may take `k` straight
 * from memory.
 */
static inline int32_t rvm_cap_ct_and_sel32(uint32_t a, uint32_t b, int32_t k)
{
    int32_t r = (int32_t)a;
#if defined(RVM_CAP_CT_X86_64)
    __asm__("andl %[b], %[r]\n\tcmovnel %[k], %[r]" : [r] "+r"(r) : [b] RVM_CAP_CT_SRC32(b), [k] RVM_CAP_CT_SRC(k) : "cc");
#elif defined(RVM_CAP_CT_AARCH64)
    __asm__("ands %w[r], %w[r], %w[b]\n\tcsel %w[r], %w[k], %w[r], ne" : [r] "+r"(r) : [b] "r"(b), [k] "r"(k) : "cc");
#else
    uint32_t m = rvm_cap_ct_mask((uint32_t)((a & b) != 0));
    r = (int32_t)((uint32_t)k & m);
#endif
    return r;
}

#endif
