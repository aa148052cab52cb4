/* Adaptive recomputation frequency (spec §11.8): under load the engine recomputes every 2nd or 4th epoch only. */
#ifndef RVM_COH_ADAPTIVE_H
#define RVM_COH_ADAPTIVE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct rvm_coh_adaptive {
    uint64_t epoch;
    uint64_t last_compute_epoch;
    uint64_t compute_count;
    uint32_t interval;
    bool computed_once;
} rvm_coh_adaptive_t;

/* Starts (or restarts) the controller at epoch 0 with interval 1. */
void rvm_coh_adaptive_reset(rvm_coh_adaptive_t *a);
/* Advances one epoch; interval 4 above 80 % load, 2 above 60 %, else 1. True when a recomputation is due. */
bool rvm_coh_adaptive_tick(rvm_coh_adaptive_t *a, uint32_t load_percent);
/* Notes that a recomputation happened in the current epoch. */
void rvm_coh_adaptive_record(rvm_coh_adaptive_t *a);
/* Share of epochs that recompute at the current interval, in bp (10000 / interval). */
uint32_t rvm_coh_adaptive_duty_cycle_bp(const rvm_coh_adaptive_t *a);

#endif
