/* Proof tiers, results and tokens (spec §3.8). */
#ifndef RVM_PROOF_TYPES_H
#define RVM_PROOF_TYPES_H

#include <stdint.h>

typedef enum rvm_proof_tier {
    RVM_PROOF_TIER_NONE = 0,  /* rejections and unspecified, as written in witness records */
    RVM_PROOF_TIER_P1 = 1,    /* capability check */
    RVM_PROOF_TIER_P2 = 2,    /* policy validation */
    RVM_PROOF_TIER_P3 = 3,    /* deep proof */
} rvm_proof_tier_t;

typedef enum rvm_proof_result {
    RVM_PROOF_PASSED = 0,
    RVM_PROOF_FAILED = 1,
    RVM_PROOF_ESCALATED = 2,
} rvm_proof_result_t;

/* Kernel-held attestation of a verified proof. */
typedef struct rvm_proof_token {
    uint8_t tier;
    uint32_t epoch;
    uint32_t hash;
} rvm_proof_token_t;

#endif
