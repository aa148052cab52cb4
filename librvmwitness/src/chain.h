/* Private to librvmwitness: the chain step, shared by append, verification and replay. */
#ifndef RVM_WITNESS_SRC_CHAIN_H
#define RVM_WITNESS_SRC_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/fnv.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>

/*
 * Little-endian stores for the hot paths. The shift-based helpers of
 * <rvm/endian.h> are portable, but compilers do not reliably merge their
 * byte stores, and append and verification run them several times per
 * record; on little-endian targets a native copy is the same bytes. Such a
 * host also holds a record's canonical bytes 0..51 in the record itself
 * (once reserved is zero), which append and verification hash in place.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RVM_WITNESS_LE_HOST 1
#else
#define RVM_WITNESS_LE_HOST 0
#endif

static inline void rvm_witness_st64(uint8_t *p, uint64_t v)
{
#if RVM_WITNESS_LE_HOST
    __builtin_memcpy(p, &v, sizeof v);
#else
    rvm_le64_store(p, v);
#endif
}

static inline void rvm_witness_st32(uint8_t *p, uint32_t v)
{
#if RVM_WITNESS_LE_HOST
    __builtin_memcpy(p, &v, sizeof v);
#else
    rvm_le32_store(p, v);
#endif
}

/*
 * Validity of an action code as a 256-bit map built from the one shared
 * action list, so the hot paths test a bit instead of calling into librvmtypes.
 */
#define RVM_WITNESS_KIND_BIT(word, code) ((uint64_t)(((code) >> 6) == (word)) << ((code) & 63))
#define RVM_WITNESS_KIND_W0(code, name, str) | RVM_WITNESS_KIND_BIT(0, code)
#define RVM_WITNESS_KIND_W1(code, name, str) | RVM_WITNESS_KIND_BIT(1, code)
#define RVM_WITNESS_KIND_W2(code, name, str) | RVM_WITNESS_KIND_BIT(2, code)
#define RVM_WITNESS_KIND_W3(code, name, str) | RVM_WITNESS_KIND_BIT(3, code)

static inline bool rvm_witness_kind_ok(uint8_t code)
{
    static const uint64_t map[4] = {
        0ull RVM_ACTION_KIND_LIST(RVM_WITNESS_KIND_W0),
        0ull RVM_ACTION_KIND_LIST(RVM_WITNESS_KIND_W1),
        0ull RVM_ACTION_KIND_LIST(RVM_WITNESS_KIND_W2),
        0ull RVM_ACTION_KIND_LIST(RVM_WITNESS_KIND_W3),
    };
    return ((map[code >> 6] >> (code & 63)) & 1u) != 0;
}

/*
 * Writes canonical bytes 0..43 of `r` with the given sequence and time. The
 * caller's record is read field by field, because it was typically just
 * built with field stores and a wider load spanning several of them could
 * not forward; the output goes out as the five words and the 32-bit tail
 * that the chain digests load back, so those loads forward too. Every field
 * is read before anything is written, so `out` may overlap `r`.
 */
static inline void rvm_witness_put_chained(uint8_t out[RVM_WITNESS_CHAINED_LEN], const rvm_witness_record_t *r,
                                           uint64_t seq, uint64_t ts)
{
    /* Byte 19 (reserved) is zero in the canonical form, whatever the record holds. */
    uint64_t kind_actor = (uint64_t)r->action_kind | ((uint64_t)r->proof_tier << 8) | ((uint64_t)r->flags << 16) |
                          ((uint64_t)r->actor_partition_id << 32);
    uint64_t target = r->target_object_id;
    uint64_t cap_payload = (uint64_t)r->capability_hash | ((uint64_t)rvm_le32_load(r->payload) << 32);
    uint32_t tail = rvm_le32_load(r->payload + 4);
    rvm_witness_st64(out, seq);
    rvm_witness_st64(out + 8, ts);
    rvm_witness_st64(out + 16, kind_actor);
    rvm_witness_st64(out + 24, target);
    rvm_witness_st64(out + 32, cap_payload);
    rvm_witness_st32(out + 40, tail);
}

/* Byte-serial FNV-1a over the eight little-endian bytes of `w`, as the reference hashes mode 1. */
static inline uint64_t rvm_witness_fnv_le64(uint64_t h, uint64_t w)
{
    for (unsigned shift = 0; shift < 64; shift += 8) {
        h ^= (w >> shift) & 0xffu;
        h *= RVM_FNV1A64_PRIME;
    }
    return h;
}

/* Mode 1 chains LE64(prev) ‖ LE64(sequence): the first 8 canonical bytes after the chain value. */
#define RVM_WITNESS_SEQUENCE_LEN 8u

_Static_assert(RVM_WITNESS_CHAINED_LEN <= RVM_SHA256_CHAIN_SHORT_MAX, "a mode 2 link is one SHA-256 compression");

/*
 * Chain value of the record whose canonical bytes start at `ser`, extending
 * `prev`. The FNV fast digest of mode 2 runs FNV-1a over the message's
 * 64-bit little-endian words (the last one the zero-extended 32-bit tail)
 * rather than its bytes: byte-serial FNV is a 4-cycle multiply chain per
 * byte and cannot chain 52 bytes inside the append budget. Each step is
 * still a bijection of the state, so any change to one word changes the
 * chain value. Mode 1 keeps the reference's byte-wise FNV-1a so its known
 * answers hold.
 */
static inline uint64_t rvm_witness_chain(uint8_t chain_mode, uint8_t digest, uint64_t prev, const uint8_t *ser)
{
    if (chain_mode == RVM_WITNESS_CHAIN_SEQUENCE) {
        if (digest == RVM_WITNESS_DIGEST_FNV1A) {
            return rvm_witness_fnv_le64(rvm_witness_fnv_le64(RVM_FNV1A64_OFFSET, prev), rvm_le64_load(ser));
        }
        return rvm_sha256_chain_xorfold64(prev, ser, RVM_WITNESS_SEQUENCE_LEN);
    }
    if (digest == RVM_WITNESS_DIGEST_FNV1A) {
        uint64_t x = (RVM_FNV1A64_OFFSET ^ prev) * RVM_FNV1A64_PRIME;
        for (size_t i = 0; i < 5; i++) {
            x = (x ^ rvm_le64_load(ser + 8 * i)) * RVM_FNV1A64_PRIME;
        }
        return (x ^ rvm_le32_load(ser + 40)) * RVM_FNV1A64_PRIME;
    }
    return rvm_sha256_chain_xorfold64(prev, ser, RVM_WITNESS_CHAINED_LEN);
}

/*
 * Ring slots keep the low half of their record's 64-bit chain value in `pad`
 * (the canonical form forces pad to zero, so nothing hashed or exported sees
 * it; every accessor clears it on copy-out). With record_hash = hi ^ lo that
 * recovers the full value, which is what lets the log keep the chain value
 * preceding its oldest record across overwrites for the cost of one load.
 */
static inline uint64_t rvm_witness_slot_chain(const rvm_witness_record_t *slot)
{
    uint32_t lo = slot->pad;
    uint32_t hi = slot->record_hash ^ lo;
    return ((uint64_t)hi << 32) | lo;
}

/* A slot as callers may see it: the private chain half removed. */
static inline void rvm_witness_slot_copy(rvm_witness_record_t *dst, const rvm_witness_record_t *slot)
{
    *dst = *slot;
    dst->pad = 0;
}

#endif
