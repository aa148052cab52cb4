/* Load-driven throttle for the engine's recomputation. */
#include <rvm/coh_adaptive.h>
#include <rvm/fixed.h>

#include <stddef.h>

void rvm_coh_adaptive_reset(rvm_coh_adaptive_t *a)
{
    if (a == NULL) {
        return;
    }
    a->epoch = 0;
    a->last_compute_epoch = 0;
    a->compute_count = 0;
    a->interval = 1;
    a->computed_once = false;
}

bool rvm_coh_adaptive_tick(rvm_coh_adaptive_t *a, uint32_t load_percent)
{
    if (a == NULL) {
        return false;
    }
    a->epoch++;
    a->interval = load_percent > 80 ? 4u : load_percent > 60 ? 2u : 1u;
    if (!a->computed_once) {
        return true;
    }
    return a->epoch - a->last_compute_epoch >= a->interval;
}

void rvm_coh_adaptive_record(rvm_coh_adaptive_t *a)
{
    if (a == NULL) {
        return;
    }
    a->last_compute_epoch = a->epoch;
    a->compute_count++;
    a->computed_once = true;
}

uint32_t rvm_coh_adaptive_duty_cycle_bp(const rvm_coh_adaptive_t *a)
{
    return (a == NULL || a->interval == 0) ? 0 : RVM_BP_ONE / a->interval;
}
