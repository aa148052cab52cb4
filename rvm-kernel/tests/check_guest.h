/* What the kernel's check guests of ipc/ and hibernate/ share: hypercalls, console lines, channel ends. */
#ifndef RVM_CHECK_GUEST_H
#define RVM_CHECK_GUEST_H

#include <stdint.h>

#include <rvm/hypercall.h>

/* Entry at the image's first byte: a stack below 1 MiB, then `main_fn` with the entry registers untouched. */
#define CHECK_GUEST_ENTRY(main_fn)                                                                                 \
    __attribute__((naked, section(".text.entry"))) void _start(void)                                               \
    {                                                                                                              \
        __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb " #main_fn);                                      \
    }

static inline rvm_hc_result_t hc(uint32_t call, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    return rvm_hc_call(RVM_HC_FID(call), a1, a2, a3, a4, 0, 0);
}

static inline void say(const char *s)
{
    uint64_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    (void)hc(RVM_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)s, n, 0, 0);
}

static inline _Noreturn void finish(const char *s, uint64_t code)
{
    say(s);
    (void)hc(RVM_HC_EXIT, code, 0, 0, 0);
    for (;;) {
    }
}

/* The caller's channel end toward or from partition `peer` (receive end when `receive`); 0 when it has none. */
static inline uint64_t channel_end(uint64_t peer, uint64_t receive)
{
    for (uint64_t n = 0;; n++) {
        rvm_hc_result_t r = hc(RVM_HC_IPC_CHANNEL, n, 0, 0, 0);
        if (r.status != 0) {
            return 0;
        }
        if (r.r2 == peer && r.r3 == receive) {
            return r.r1;
        }
    }
}

#endif
