/* What the IPC check guests share besides check_guest.h: the protocol's constants and message pattern. */
#ifndef RVM_IPC_GUEST_H
#define RVM_IPC_GUEST_H

#include <stdint.h>

#include "../check_guest.h"

/* Messages each way, and the ring depth the sender keeps in flight at most. */
#define IPC_MESSAGES 100000u
#define IPC_WINDOW 16u
/* The notification bit the sender raises once every message is acknowledged, and the region message's type. */
#define IPC_DONE_BIT 0x8u
#define IPC_REGION_TYPE 0xBEEFu
/* Bytes of the shared region the sender fills and the receiver checks. */
#define IPC_REGION_CHECKED 0x10000u

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

#endif
