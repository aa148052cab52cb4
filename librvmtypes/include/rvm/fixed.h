/* Basis-point fixed point (0..10000 = 0.0..1.0): scores, pressure and the EMA filter, no floating point. */
#ifndef RVM_FIXED_H
#define RVM_FIXED_H

#include <stdbool.h>
#include <stdint.h>

#define RVM_BP_ONE 10000u

/* Coherence score in bp (spec §3.4). */
typedef uint16_t rvm_coherence_score_t;
#define RVM_COHERENCE_MIN ((rvm_coherence_score_t)0)
#define RVM_COHERENCE_MAX ((rvm_coherence_score_t)10000)
#define RVM_COHERENCE_DEFAULT_THRESHOLD ((rvm_coherence_score_t)3000)
#define RVM_COHERENCE_DEFAULT_MERGE_THRESHOLD ((rvm_coherence_score_t)7000)

/* Cut pressure: bp in practice, u32 so that the Q16.16 scheduler input fits (spec §9.1). */
typedef uint32_t rvm_cut_pressure_t;
#define RVM_CUT_PRESSURE_ZERO ((rvm_cut_pressure_t)0)
#define RVM_CUT_PRESSURE_DEFAULT_SPLIT_THRESHOLD ((rvm_cut_pressure_t)8000)

/* Clamps any value to a valid bp quantity. */
static inline uint32_t rvm_bp_clamp(uint64_t v) { return v > RVM_BP_ONE ? RVM_BP_ONE : (uint32_t)v; }
/* Constructs a coherence score, clamping values above 10000. */
static inline rvm_coherence_score_t rvm_coherence_score(uint32_t bp) { return (rvm_coherence_score_t)rvm_bp_clamp(bp); }
/* "Coherent at threshold t": score >= t. */
static inline bool rvm_coherence_meets(rvm_coherence_score_t s, rvm_coherence_score_t t) { return s >= t; }
/* Pressure strictly above the threshold. */
static inline bool rvm_cut_pressure_exceeds(rvm_cut_pressure_t p, rvm_cut_pressure_t t) { return p > t; }
/* Product of two bp values, floored: a*b/10000. */
static inline uint32_t rvm_bp_mul(uint32_t a, uint32_t b) { return (uint32_t)(((uint64_t)a * b) / RVM_BP_ONE); }

/*
 * floor(num * 10000 / den) clamped to 10000, with a 128-bit intermediate so
 * no u64 traffic counter can overflow; `if_zero` is returned when den == 0
 * (the spec uses 10000 for an idle partition's score and 0 for its pressure).
 */
uint32_t rvm_bp_ratio(uint64_t num, uint64_t den, uint32_t if_zero);

/* Exponential moving average in bp (spec §11.6): current = (a*sample + (10000-a)*current) / 10000. */
typedef struct rvm_ema {
    uint32_t current;
    uint16_t alpha_bp;
    bool initialised;
} rvm_ema_t;

/* Starts a filter; alpha above 10000 is clamped to 10000. */
void rvm_ema_init(rvm_ema_t *ema, uint16_t alpha_bp);
/* Feeds one sample (clamped to 10000); the first sample is taken as is. Returns the new value. */
rvm_coherence_score_t rvm_ema_update(rvm_ema_t *ema, uint32_t sample_bp);

#endif
