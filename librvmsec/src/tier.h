/*
 * Private to librvmsec: the least-tier rule of <rvm/sec_tier.h>, inline so
 * that the gate's fast path decides it without calling out, twice, to the
 * exported function and to librvmtypes' action name table.
 */
#ifndef RVM_SEC_SRC_TIER_H
#define RVM_SEC_SRC_TIER_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/err.h>
#include <rvm/proof_types.h>

/* The defined action codes as a 256-bit map built from the one shared action list. */
#define RVM_SEC_KIND_BIT(word, code) ((uint64_t)(((code) >> 6) == (word)) << ((code) & 63))
#define RVM_SEC_KIND_W0(code, name, str) | RVM_SEC_KIND_BIT(0, code)
#define RVM_SEC_KIND_W1(code, name, str) | RVM_SEC_KIND_BIT(1, code)
#define RVM_SEC_KIND_W2(code, name, str) | RVM_SEC_KIND_BIT(2, code)
#define RVM_SEC_KIND_W3(code, name, str) | RVM_SEC_KIND_BIT(3, code)

static inline bool sec_action_defined(uint8_t code)
{
    static const uint64_t map[4] = {
        0ull RVM_ACTION_KIND_LIST(RVM_SEC_KIND_W0),
        0ull RVM_ACTION_KIND_LIST(RVM_SEC_KIND_W1),
        0ull RVM_ACTION_KIND_LIST(RVM_SEC_KIND_W2),
        0ull RVM_ACTION_KIND_LIST(RVM_SEC_KIND_W3),
    };
    return ((map[code >> 6] >> (code & 63)) & 1u) != 0;
}

/* rvm_sec_action_min_tier without the NULL check: same results, same errors. */
static inline rvm_err_t sec_action_min_tier(uint8_t action, bool target_untrusted, uint8_t *tier_out)
{
    if (!sec_action_defined(action)) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    uint8_t tier = RVM_PROOF_TIER_P1;
    switch (action) {
    case RVM_ACTION_PROOF_VERIFIED_P1:
    case RVM_ACTION_PROOF_VERIFIED_P2:
    case RVM_ACTION_PROOF_VERIFIED_P3:
    case RVM_ACTION_PROOF_REJECTED:
    case RVM_ACTION_PROOF_ESCALATED:
        /* Only the proof pipeline writes these; a request naming one would forge a verdict. */
        return RVM_ERR_INVALID_ARGUMENT;
    case RVM_ACTION_PARTITION_DESTROY:
    case RVM_ACTION_PARTITION_SPLIT:
    case RVM_ACTION_PARTITION_HIBERNATE:
    case RVM_ACTION_PARTITION_RECONSTRUCT:
    case RVM_ACTION_REGION_TRANSFER:
    case RVM_ACTION_STRUCTURAL_SPLIT:
    case RVM_ACTION_CAPABILITY_ESCALATE:
    case RVM_ACTION_CHECKPOINT_RESTORED:
    case RVM_ACTION_MEMORY_ROLLBACK:
        tier = RVM_PROOF_TIER_P2;
        break;
    case RVM_ACTION_PARTITION_MERGE:
    case RVM_ACTION_PARTITION_MIGRATE:
    case RVM_ACTION_STRUCTURAL_MERGE:
        tier = RVM_PROOF_TIER_P3;
        break;
    case RVM_ACTION_DEVICE_LEASE_GRANT:
    case RVM_ACTION_DEVICE_LEASE_RENEW:
        tier = target_untrusted ? RVM_PROOF_TIER_P3 : RVM_PROOF_TIER_P1;
        break;
    default:
        break;
    }
    *tier_out = tier;
    return RVM_OK;
}

#endif
