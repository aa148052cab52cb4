/* Nonce replay protection for P2 (spec §5.8): a ring of recent nonces plus a monotonic watermark. */
#ifndef RVM_NONCE_H
#define RVM_NONCE_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/config.h>
#include <rvm/err.h>

#define RVM_NONCE_RING_SIZE RVM_CONFIG_NONCE_RING_SIZE
_Static_assert(RVM_NONCE_RING_SIZE >= 2 && (RVM_NONCE_RING_SIZE & (RVM_NONCE_RING_SIZE - 1)) == 0,
               "nonce ring size is a power of two");

/*
 * A nonce is a replay exactly when it was recorded before, or when it is at or
 * below the watermark. Two changes to the reference close its gaps:
 *  - the watermark rises to every nonce the ring evicts, so an evicted nonce
 *    can never come back (the reference raised it only when the ring wrapped,
 *    leaving evicted nonces above it undetected until then);
 *  - `hash_index` is only a fast path: when its slot holds a different nonce
 *    the whole ring is compared, so a colliding older nonce is still caught.
 * Nonces above every recorded one are fresh without any lookup. Issuers must
 * therefore hand out nonces from one increasing sequence (a counter or a
 * timestamp): a fresh nonce at or below the watermark is refused.
 * Fields are private to librvmcap.
 */
typedef struct rvm_nonce_ring {
    uint64_t ring[RVM_NONCE_RING_SIZE];
    uint64_t hash_index[RVM_NONCE_RING_SIZE];
    uint64_t watermark;
    uint64_t highest;
    uint32_t write_pos;
    bool allow_zero;
} rvm_nonce_ring_t;

/* Empties the ring; `allow_zero` lets nonce 0 through (it is then never recorded, so it never replays). */
rvm_err_t rvm_nonce_ring_init(rvm_nonce_ring_t *r, bool allow_zero);

/* RVM_OK when `nonce` is fresh, RVM_ERR_NONCE_REPLAY when it was seen, is under the watermark, or is a refused 0. */
rvm_err_t rvm_nonce_check(const rvm_nonce_ring_t *r, uint64_t nonce);

/* Records a nonce that passed rvm_nonce_check; 0 is never recorded. */
void rvm_nonce_mark(rvm_nonce_ring_t *r, uint64_t nonce);

/* Every nonce at or below this value is refused. */
uint64_t rvm_nonce_watermark(const rvm_nonce_ring_t *r);

#endif
