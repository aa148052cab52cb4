/* Private: witness records of librvmmem's mutations. */
#ifndef RVMMEM_WITNESS_H
#define RVMMEM_WITNESS_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/witness_log.h>

typedef struct rvm_mem_event {
    uint8_t kind;
    uint8_t tier;        /* proof tier */
    uint8_t flags;
    uint32_t actor;
    uint64_t target;
    uint32_t cap_hash;
    uint64_t payload;    /* stored little-endian */
} rvm_mem_event_t;

/* Appends the record for `ev`; writes its sequence to `seq` (may be NULL). */
rvm_err_t rvm_mem_witness(rvm_witness_log_t *log, const rvm_mem_event_t *ev, uint64_t *seq);

#endif
