/* The two scheduling signals (spec §9.1): integer arithmetic only. */
#include <stddef.h>

#include <rvm/fixed.h>
#include <rvm/sched_priority.h>

uint32_t rvm_sched_priority(uint16_t urgency, uint32_t pressure_q16)
{
    /* pressure_q16 >> 16 is at most 0xFFFF already; the reference's clamp cannot bite. */
    return (uint32_t)urgency + (pressure_q16 >> 16);
}

rvm_err_t rvm_sched_pressure_boost(uint32_t pressure_bp, uint16_t boost_max, uint32_t *boost_q16)
{
    if (boost_q16 == NULL || pressure_bp > RVM_BP_ONE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t boost = (uint32_t)(((uint64_t)pressure_bp * boost_max) / RVM_BP_ONE);
    *boost_q16 = boost << 16;
    return RVM_OK;
}

rvm_err_t rvm_sched_timing_check(const rvm_sched_timing_t *t)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (t->period_ns == 0) {
        return t->deadline_ns == 0 ? RVM_OK : RVM_ERR_INVALID_ARGUMENT;
    }
    if (t->period_ns > RVM_SCHED_PERIOD_MAX_NS || t->deadline_ns == 0 || t->deadline_ns > t->period_ns) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

uint16_t rvm_sched_deadline_urgency(const rvm_sched_timing_t *t, uint64_t now_ns)
{
    if (rvm_sched_timing_check(t) != RVM_OK || t->period_ns == 0 || now_ns < t->first_release_ns) {
        return 0;
    }
    uint64_t elapsed = (now_ns - t->first_release_ns) % t->period_ns;
    if (elapsed >= t->deadline_ns) {
        return (uint16_t)RVM_SCHED_URGENCY_MAX;
    }
    /* elapsed < deadline <= 2^40, so the product stays below 2^56. */
    return (uint16_t)(((uint64_t)RVM_SCHED_URGENCY_MAX * elapsed) / t->deadline_ns);
}
