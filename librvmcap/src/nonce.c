/* Nonce replay ring (spec §5.8) with exact replay detection; see nonce.h for the rules. */
#include <stddef.h>

#include <rvm/nonce.h>

#define MASK ((uint32_t)RVM_NONCE_RING_SIZE - 1u)

rvm_err_t rvm_nonce_ring_init(rvm_nonce_ring_t *r, bool allow_zero)
{
    if (r == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < RVM_NONCE_RING_SIZE; i++) {
        r->ring[i] = 0;
        r->hash_index[i] = 0;
    }
    r->watermark = 0;
    r->highest = 0;
    r->write_pos = 0;
    r->allow_zero = allow_zero;
    return RVM_OK;
}

static bool in_ring(const rvm_nonce_ring_t *r, uint64_t nonce)
{
    uint64_t hit = r->hash_index[(uint32_t)nonce & MASK];
    if (hit == nonce) {
        return true;
    }
    if (hit == 0) {
        return false;  /* no nonce with this residue was ever recorded */
    }
    /* A newer nonce took the hash slot: only the whole ring can tell. */
    for (uint32_t i = 0; i < RVM_NONCE_RING_SIZE; i++) {
        if (r->ring[i] == nonce) {
            return true;
        }
    }
    return false;
}

rvm_err_t rvm_nonce_check(const rvm_nonce_ring_t *r, uint64_t nonce)
{
    if (r == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (nonce == 0) {
        return r->allow_zero ? RVM_OK : RVM_ERR_NONCE_REPLAY;
    }
    if (nonce <= r->watermark) {
        return RVM_ERR_NONCE_REPLAY;
    }
    if (nonce > r->highest) {
        return RVM_OK;
    }
    return in_ring(r, nonce) ? RVM_ERR_NONCE_REPLAY : RVM_OK;
}

void rvm_nonce_mark(rvm_nonce_ring_t *r, uint64_t nonce)
{
    if (r == NULL || nonce == 0) {
        return;
    }
    uint64_t evicted = r->ring[r->write_pos];
    if (evicted > r->watermark) {
        r->watermark = evicted;
    }
    r->ring[r->write_pos] = nonce;
    r->hash_index[(uint32_t)nonce & MASK] = nonce;
    r->write_pos = (r->write_pos + 1u) & MASK;
    if (nonce > r->highest) {
        r->highest = nonce;
    }
}

uint64_t rvm_nonce_watermark(const rvm_nonce_ring_t *r)
{
    return r == NULL ? 0 : r->watermark;
}
