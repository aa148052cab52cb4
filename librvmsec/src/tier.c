/* Least proof tier per action (DC-3, spec §15.5). */
#include <rvm/sec_tier.h>

#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/proof_types.h>

rvm_err_t rvm_sec_action_min_tier(uint8_t action, bool target_untrusted, uint8_t *tier_out)
{
    if (tier_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_action_kind_valid(action)) {
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
