/*
 * P1 throughput: back-to-back independent checks on handles and rights read
 * from an array (nothing for the optimiser to hoist), each a real slot lookup
 * with generation, stale-mark and rights checks. Best of several trials, in ns
 * per check, for the inline check (plain loop and unrolled by four), the
 * typed check, the exported function, the batch function, and on x86-64 a
 * hand-scheduled assembly loop doing the same work as a floor.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <rvm/cap_verify.h>

#define N_REQ 4096u
#define ROUNDS 500u
#define TRIALS 7
#define N_VARIANTS 6

static const char *const names[N_VARIANTS] = {
    "inline, type any", "inline, unrolled x4", "inline, typed", "exported call", "batch", "hand-written x86 floor",
};

static rvm_cap_manager_t mgr;
static rvm_cap_p1_request_t req[N_REQ];
static rvm_err_t res[N_REQ];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* 256 live capabilities (64 roots, 192 children) and requests over them, one in eight with a stale generation. */
static int setup(void)
{
    RVM_CAP_STORAGE_DEFINE(st, 256, 64);
    static _Alignas(64) rvm_witness_record_t records[512];
    static rvm_witness_log_t log;
    static rvm_nonce_ring_t nonces;
    if (rvm_witness_log_init(&log, records, 512, NULL) != RVM_OK || rvm_nonce_ring_init(&nonces, false) != RVM_OK ||
        rvm_cap_manager_init(&mgr, &st, NULL, &log, &nonces) != RVM_OK) {
        return -1;
    }
    const rvm_rights_t all = (rvm_rights_t)(RVM_RIGHTS_ALL & ~RVM_RIGHT_GRANT_ONCE);
    rvm_cap_handle_t live[256];
    for (unsigned i = 0; i < 256; i++) {
        rvm_err_t e = i < 64 ? rvm_cap_create_root(&mgr, 0, RVM_OBJ_REGION, i, all, 0, 1, &live[i])
                             : rvm_cap_grant(&mgr, 1, live[next_rand() % 64], (rvm_rights_t)(next_rand() & all), 0,
                                             1, &live[i]);
        if (e != RVM_OK) {
            return -1;
        }
    }
    for (unsigned i = 0; i < N_REQ; i++) {
        req[i].handle = live[next_rand() % 256];
        req[i].handle.generation += next_rand() % 8 == 0;
        req[i].rights = (rvm_rights_t)(next_rand() & 0x7F);
        req[i].type = next_rand() % 2 ? RVM_OBJ_REGION : RVM_OBJ_DEVICE;
    }
    return 0;
}

static uint32_t run_variant(int v)
{
    const rvm_cap_manager_t *m = &mgr;
    uint32_t acc = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        switch (v) {
        case 0:
            for (unsigned i = 0; i < N_REQ; i++) {
                acc += (uint32_t)rvm_cap_check_p1(m, req[i].handle, req[i].rights, RVM_CAP_TYPE_ANY);
            }
            break;
        case 1:
            for (unsigned i = 0; i < N_REQ; i += 4) {
                acc += (uint32_t)rvm_cap_check_p1(m, req[i].handle, req[i].rights, RVM_CAP_TYPE_ANY);
                acc += (uint32_t)rvm_cap_check_p1(m, req[i + 1].handle, req[i + 1].rights, RVM_CAP_TYPE_ANY);
                acc += (uint32_t)rvm_cap_check_p1(m, req[i + 2].handle, req[i + 2].rights, RVM_CAP_TYPE_ANY);
                acc += (uint32_t)rvm_cap_check_p1(m, req[i + 3].handle, req[i + 3].rights, RVM_CAP_TYPE_ANY);
            }
            break;
        case 2:
            for (unsigned i = 0; i < N_REQ; i++) {
                acc += (uint32_t)rvm_cap_check_p1(m, req[i].handle, req[i].rights, req[i].type);
            }
            break;
        case 3:
            for (unsigned i = 0; i < N_REQ; i++) {
                acc += (uint32_t)rvm_cap_verify_p1(m, req[i].handle, req[i].rights);
            }
            break;
        case 4:
            acc += (uint32_t)rvm_cap_verify_p1_batch(m, req, N_REQ, res);
            break;
        default:
#if defined(__x86_64__)
        {
            const rvm_cap_p1_request_t *p = req;
            const rvm_cap_p1_request_t *e = req + N_REQ;
            __asm__ volatile("1:\n\t"
                             "mov (%[p]), %%rax\n\t"
                             "mov %%eax, %%edx\n\t"
                             "and %k[mask], %%edx\n\t"
                             "shl $4, %%rdx\n\t"
                             "movzbl 8(%[p]), %%ecx\n\t"
                             "or $0x100, %%ecx\n\t"
                             "movzwl 12(%[hot],%%rdx), %%esi\n\t"
                             "and %%esi, %%ecx\n\t"
                             "cmovne 8(%[hot],%%rdx), %%ecx\n\t"
                             "cmp %%rax, (%[hot],%%rdx)\n\t"
                             "cmovne %k[c36], %%ecx\n\t"
                             "add %%ecx, %k[acc]\n\t"
                             "add $12, %[p]\n\t"
                             "cmp %[e], %[p]\n\t"
                             "jne 1b\n\t"
                             : [p] "+r"(p), [acc] "+r"(acc)
                             : [e] "r"(e), [hot] "r"(m->hot), [mask] "r"((uint64_t)m->index_mask), [c36] "r"(-36)
                             : "rax", "rcx", "rdx", "rsi", "cc", "memory");
        }
#endif
            break;
        }
        __asm__ volatile("" : "+r"(acc));
    }
    return acc;
}

int main(void)
{
    _Static_assert(sizeof(rvm_cap_p1_request_t) == 12, "the assembly loop strides 12 bytes");
    _Static_assert(offsetof(rvm_cap_hot_t, refusal) == 8 && offsetof(rvm_cap_hot_t, denied) == 12 &&
                       RVM_CAP_GUARD_STALE == 0x100,
                   "the assembly loop reads the refusal at offset 8, denied and stale at 12");
    if (setup() != 0) {
        return EXIT_FAILURE;
    }
    double best[N_VARIANTS];
    uint32_t check[N_VARIANTS] = { 0 };
    for (int v = 0; v < N_VARIANTS; v++) {
        best[v] = 1e9;
        for (int t = 0; t < TRIALS; t++) {
            uint64_t t0 = now_ns();
            check[v] = run_variant(v);
            double ns = (double)(now_ns() - t0) / ((double)ROUNDS * N_REQ);
            best[v] = ns < best[v] ? ns : best[v];
        }
    }
#if !defined(__x86_64__)
    best[N_VARIANTS - 1] = 0;
#endif
    for (int v = 0; v < N_VARIANTS; v++) {
        printf("P1 %-24s %.3f ns/check\n", names[v], best[v]);
    }
    /* The variants agree: the batch (typed requests) summed over the rounds gives the typed loop's total. */
    uint32_t batch_sum = 0;
    for (unsigned i = 0; i < N_REQ; i++) {
        batch_sum += (uint32_t)res[i];
    }
    bool agree = check[0] == check[1] && check[0] == check[3] && check[2] == batch_sum * ROUNDS;
#if defined(__x86_64__)
    agree = agree && check[0] == check[N_VARIANTS - 1];
#endif
    return agree ? EXIT_SUCCESS : EXIT_FAILURE;
}
