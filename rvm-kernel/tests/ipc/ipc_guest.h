/* What the IPC check guests share: entry glue, the hypercalls they use, the message pattern. */
#ifndef RVM_IPC_GUEST_H
#define RVM_IPC_GUEST_H

#include <stdint.h>

#include <rvm/hypercall.h>

/* Messages each way, and the ring depth the sender keeps in flight at most. */
#define IPC_MESSAGES 100000u
#define IPC_WINDOW 16u
/* The notification bit the sender raises once every message is acknowledged, and the region message's type. */
#define IPC_DONE_BIT 0x8u
#define IPC_REGION_TYPE 0xBEEFu
/* Bytes of the shared region the sender fills and the receiver checks. */
#define IPC_REGION_CHECKED 0x10000u

#define IPC_ENTRY(main_fn)                                                                                         \
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

/* Word `w` (0..5) of message `seq`: the sequence number first, then words only that message has. */
static inline uint64_t ipc_word(uint64_t seq, uint32_t w)
{
    return w == 0u ? seq : (seq + 1u) * UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)w << 56);
}

/* Byte `i` of the shared region's pattern. */
static inline uint8_t region_byte(uint64_t i)
{
    return (uint8_t)((i * 131u) ^ (i >> 8));
}

/* The caller's channel end toward or from partition `peer`, receive end when `receive`; 0 when it has none. */
static inline uint64_t ipc_end(uint64_t peer, uint64_t receive)
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
