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
 * record; on little-endian targets a native copy is the same bytes.
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
 * The chained part of a record, canonical bytes 0..43, as the little-endian
 * words the digests consume, composed from the fields in registers. Reading
 * the caller's record field by field lets each load forward from the store
 * that wrote it (a byte copy of a freshly built record stalls on those
 * stores), and the FNV digest never goes through memory at all.
 */
typedef struct rvm_witness_head {
    uint64_t w[5];  /* canonical bytes 0..39 */
    uint32_t tail;  /* canonical bytes 40..43: payload[4..7] */
} rvm_witness_head_t;

static inline void rvm_witness_head(const rvm_witness_record_t *r, uint64_t seq, uint64_t ts, rvm_witness_head_t *h)
{
    h->w[0] = seq;
    h->w[1] = ts;
    /* Byte 19 (reserved) is zero in the canonical form, whatever the record holds. */
    h->w[2] = (uint64_t)r->action_kind | ((uint64_t)r->proof_tier << 8) | ((uint64_t)r->flags << 16) |
              ((uint64_t)r->actor_partition_id << 32);
    h->w[3] = r->target_object_id;
    h->w[4] = (uint64_t)r->capability_hash | ((uint64_t)rvm_le32_load(r->payload) << 32);
    h->tail = rvm_le32_load(r->payload + 4);
}

/*
 * A chain block is 64 bytes: LE64(prev) at 0, canonical bytes 0..43 of the
 * record at 8. A signer reads bytes 8..59 once the caller has put prev_hash
 * and record_hash at 52..59: one serialisation serves chain and signature.
 */
#define RVM_WITNESS_BLK_SER 8u

static inline void rvm_witness_head_store(const rvm_witness_head_t *h, uint64_t prev, uint8_t blk[64])
{
    rvm_witness_st64(blk, prev);
    for (size_t i = 0; i < 5; i++) {
        rvm_witness_st64(blk + RVM_WITNESS_BLK_SER + 8 * i, h->w[i]);
    }
    rvm_witness_st32(blk + RVM_WITNESS_BLK_SER + 40, h->tail);
}

/*
 * SHA-256 of at most 55 bytes is exactly one compression: the message, 0x80,
 * zeros and the bit length fit one block, which the callers lay out in place
 * of going through init/update/final. Returns xorfold64 of the digest.
 */
static inline uint64_t rvm_witness_sha256_fold(const uint8_t blk[RVM_SHA256_BLOCK_LEN])
{
    uint32_t st[8];
    for (unsigned i = 0; i < 8; i++) {
        st[i] = rvm_sha256_iv[i];
    }
    rvm_sha256_compress(st, blk, 1);
    /* The digest is big-endian words; xorfold64 reads its bytes as little-endian words. */
    uint64_t fold = 0;
    for (unsigned i = 0; i < 8; i += 2) {
        fold ^= (uint64_t)__builtin_bswap32(st[i]) | ((uint64_t)__builtin_bswap32(st[i + 1]) << 32);
    }
    return fold;
}

/* Fills bytes 8*from..55 of a block with zero words and ends it with the SHA-256 bit length of `len` bytes. */
static inline void rvm_witness_sha256_pad(uint8_t blk[RVM_SHA256_BLOCK_LEN], size_t from, unsigned len)
{
    for (size_t i = from; i < 7; i++) {
        rvm_witness_st64(blk + 8 * i, 0);
    }
    /* Stored as a little-endian word, the byte-swapped length is the big-endian length SHA-256 wants. */
    rvm_witness_st64(blk + 56, __builtin_bswap64((uint64_t)len * 8u));
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

/* Mode 2 chains LE64(prev) ‖ ser[0..44], 52 bytes; mode 1 chains LE64(prev) ‖ LE64(sequence), 16 bytes. */
#define RVM_WITNESS_CONTENT_MSG_LEN (RVM_WITNESS_BLK_SER + RVM_WITNESS_CHAINED_LEN)
#define RVM_WITNESS_SEQUENCE_MSG_LEN 16u

_Static_assert(RVM_WITNESS_CONTENT_MSG_LEN == 52, "mode 2 message: six words and a 32-bit tail");

/*
 * Chain value of a record whose chained part is `h`, extending `prev`. `blk`
 * is scratch for the SHA-256 block. The FNV fast digest of mode 2 runs
 * FNV-1a over the message's 64-bit little-endian words (the last one the
 * zero-extended 32-bit tail) rather than its bytes: byte-serial FNV is a
 * 4-cycle multiply chain per byte and cannot chain 52 bytes inside the
 * append budget. Each step is still a bijection of the state, so any change
 * to one word changes the chain value. Mode 1 keeps the reference's
 * byte-wise FNV-1a so its known answers hold.
 */
static inline uint64_t rvm_witness_chain_head(uint8_t chain_mode, uint8_t digest, uint64_t prev,
                                              const rvm_witness_head_t *h, uint8_t blk[RVM_SHA256_BLOCK_LEN])
{
    if (chain_mode == RVM_WITNESS_CHAIN_SEQUENCE) {
        if (digest == RVM_WITNESS_DIGEST_FNV1A) {
            return rvm_witness_fnv_le64(rvm_witness_fnv_le64(RVM_FNV1A64_OFFSET, prev), h->w[0]);
        }
        rvm_witness_st64(blk, prev);
        rvm_witness_st64(blk + 8, h->w[0]);
        rvm_witness_st64(blk + 16, 0x80u);
        rvm_witness_sha256_pad(blk, 3, RVM_WITNESS_SEQUENCE_MSG_LEN);
        return rvm_witness_sha256_fold(blk);
    }
    if (digest == RVM_WITNESS_DIGEST_FNV1A) {
        uint64_t x = (RVM_FNV1A64_OFFSET ^ prev) * RVM_FNV1A64_PRIME;
        for (unsigned i = 0; i < 5; i++) {
            x = (x ^ h->w[i]) * RVM_FNV1A64_PRIME;
        }
        return (x ^ h->tail) * RVM_FNV1A64_PRIME;
    }
    /*
     * Word by word in address order, so that compilers can pair the stores
     * into the 16-byte stores the SHA-256 code loads back (a load that spans
     * two stores cannot be forwarded and waits for both to reach the cache).
     * Byte 52 starts the padding with 0x80, right after the 32-bit tail.
     */
    rvm_witness_st64(blk, prev);
    rvm_witness_st64(blk + 8, h->w[0]);
    rvm_witness_st64(blk + 16, h->w[1]);
    rvm_witness_st64(blk + 24, h->w[2]);
    rvm_witness_st64(blk + 32, h->w[3]);
    rvm_witness_st64(blk + 40, h->w[4]);
    rvm_witness_st64(blk + 48, (uint64_t)h->tail | (0x80ull << 32));
    rvm_witness_st64(blk + 56, __builtin_bswap64((uint64_t)RVM_WITNESS_CONTENT_MSG_LEN * 8u));
    return rvm_witness_sha256_fold(blk);
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
