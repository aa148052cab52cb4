/* Folding digests into the witness record's 64- and 32-bit fields (spec §3.13). */
#ifndef RVM_FOLD_H
#define RVM_FOLD_H

#include <stdint.h>

#include <rvm/endian.h>

/* XOR of the four little-endian 64-bit words of a 32-byte digest. */
static inline uint64_t rvm_xorfold64(const uint8_t d[32])
{
    return rvm_le64_load(d) ^ rvm_le64_load(d + 8) ^ rvm_le64_load(d + 16) ^ rvm_le64_load(d + 24);
}

/* High half XOR low half of a 64-bit chain value. */
static inline uint32_t rvm_fold32(uint64_t h) { return (uint32_t)((h >> 32) ^ h); }

#endif
