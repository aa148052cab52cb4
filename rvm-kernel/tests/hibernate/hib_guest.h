/* What the hibernation check guests share besides check_guest.h: hex output and the computation both run. */
#ifndef RVM_HIB_GUEST_H
#define RVM_HIB_GUEST_H

#include <stdint.h>

#include "../check_guest.h"

/* The computation's working set: 256 KiB of the partition's RAM, above its image and stack. */
#define HIB_WORDS (UINT64_C(1) << 15)
#define HIB_DATA_IPA 0x40200000u
#define HIB_ROUNDS 4096u
/* Message types on the compute -> control channel. */
#define HIB_MSG_HANDLE 1u
#define HIB_MSG_RESULT 2u

static inline void say_hex(const char *prefix, uint64_t v)
{
    char line[64];
    uint32_t n = 0;
    while (prefix[n] != '\0' && n < 40u) {
        line[n] = prefix[n];
        n++;
    }
    for (int shift = 60; shift >= 0; shift -= 4) {
        line[n++] = "0123456789abcdef"[(v >> (unsigned)shift) & 0xfu];
    }
    line[n++] = '\n';
    (void)hc(RVM_HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)line, n, 0, 0);
}

/*
 * A deterministic computation over the working set: every round mixes each
 * word with its neighbour and a running state, so the result depends on every
 * byte of memory at every step (a reconstruction that got one wrong shows).
 */
static inline uint64_t hib_compute(void)
{
    volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)HIB_DATA_IPA; // NOLINT(performance-no-int-to-ptr)
    uint64_t state = UINT64_C(0x243F6A8885A308D3);
    for (uint64_t i = 0; i < HIB_WORDS; i++) {
        w[i] = i * UINT64_C(0x9E3779B97F4A7C15);
    }
    for (uint32_t round = 0; round < HIB_ROUNDS; round++) {
        for (uint64_t i = 0; i < HIB_WORDS; i++) {
            state = (state ^ w[i]) * UINT64_C(0x100000001B3) + round;
            w[(i + 1u) % HIB_WORDS] ^= state >> 7;
        }
    }
    return state;
}

#endif
