/* Least proof tier per action (DC-3, spec §15.5). */
#include <rvm/sec_tier.h>

#include <stddef.h>

#include "tier.h"

rvm_err_t rvm_sec_action_min_tier(uint8_t action, bool target_untrusted, uint8_t *tier_out)
{
    if (tier_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return sec_action_min_tier(action, target_untrusted, tier_out);
}
