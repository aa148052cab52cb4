/* Modes and degraded operation (spec §9.3, DC-6): each change witnessed before it is published. */
#include <rvm/action_kind.h>
#include <rvm/endian.h>

#include "sched_internal.h"

static void publish(rvm_sched_t *s, uint32_t mode, bool degraded)
{
    /* Release: a CPU that sees the new word also sees the degraded record written before it. */
    __atomic_store_n(&s->policy, rvm_sched_policy_make(s->policy, mode, degraded), __ATOMIC_RELEASE);
}

rvm_err_t rvm_sched_set_mode(rvm_sched_t *s, rvm_partition_id_t actor, uint8_t mode)
{
    if (mode > RVM_SCHED_RECOVERY) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t policy = s->policy;
    uint8_t old = (uint8_t)(policy & RVM_SCHED_POLICY_MODE_MASK);
    if (old == mode) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { old, mode, 0, 0, 0, 0, 0, 0 };
    rvm_err_t err = rvm_sched_witness(s, RVM_ACTION_SCHEDULER_MODE_SWITCH, 0, actor, 0, payload);
    if (err != RVM_OK) {
        return err;
    }
    publish(s, mode, (policy & RVM_SCHED_POLICY_DEGRADED) != 0);
    return RVM_OK;
}

rvm_sched_mode_t rvm_sched_mode(const rvm_sched_t *s)
{
    return (rvm_sched_mode_t)(rvm_sched_policy_load(s) & RVM_SCHED_POLICY_MODE_MASK);
}

static rvm_err_t degraded_witness(rvm_sched_t *s, uint8_t kind, uint8_t reason, uint32_t since)
{
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { reason, 0, 0, 0, 0, 0, 0, 0 };
    rvm_le32_store(payload + 1, since);
    return rvm_sched_witness(s, kind, 0, RVM_PARTITION_HYPERVISOR, 0, payload);
}

rvm_err_t rvm_sched_enter_degraded(rvm_sched_t *s, uint8_t reason)
{
    if (reason == RVM_SCHED_DEGRADED_NONE || reason > RVM_SCHED_DEGRADED_RECOVERY_TRIGGERED) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t policy = s->policy;
    if ((policy & RVM_SCHED_POLICY_DEGRADED) != 0) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_err_t err = degraded_witness(s, RVM_ACTION_DEGRADED_MODE_ENTERED, reason, s->epoch);
    if (err != RVM_OK) {
        return err;
    }
    s->degraded_reason = reason;
    s->degraded_since = s->epoch;
    publish(s, policy & RVM_SCHED_POLICY_MODE_MASK, true);
    return RVM_OK;
}

rvm_err_t rvm_sched_exit_degraded(rvm_sched_t *s)
{
    uint32_t policy = s->policy;
    if ((policy & RVM_SCHED_POLICY_DEGRADED) == 0) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (!s->coherence_present) {
        return RVM_ERR_UNSUPPORTED;
    }
    rvm_err_t err = degraded_witness(s, RVM_ACTION_DEGRADED_MODE_EXITED, s->degraded_reason, s->degraded_since);
    if (err != RVM_OK) {
        return err;
    }
    s->degraded_reason = RVM_SCHED_DEGRADED_NONE;
    s->degraded_since = 0;
    publish(s, policy & RVM_SCHED_POLICY_MODE_MASK, false);
    return RVM_OK;
}

bool rvm_sched_is_degraded(const rvm_sched_t *s, uint8_t *reason, uint32_t *since_epoch)
{
    bool degraded = (rvm_sched_policy_load(s) & RVM_SCHED_POLICY_DEGRADED) != 0;
    if (reason != NULL) {
        *reason = s->degraded_reason;
    }
    if (since_epoch != NULL) {
        *since_epoch = s->degraded_since;
    }
    return degraded;
}

bool rvm_sched_ipc_allowed(const rvm_sched_t *s)
{
    return rvm_sched_mode(s) != RVM_SCHED_REFLEX;
}
