/* The two scheduling signals (spec §9.1, DC-4): deadline urgency and cut-pressure boost, in integers only. */
#ifndef RVM_SCHED_PRIORITY_H
#define RVM_SCHED_PRIORITY_H

#include <stdint.h>

#include <rvm/err.h>

/* Urgency of a partition at its deadline (or past it): the top of the u16 scale. */
#define RVM_SCHED_URGENCY_MAX 0xFFFFu

/*
 * Longest period a periodic partition may have: 2^40 ns (about 18 minutes).
 * It keeps 65535 * elapsed inside 64 bits, so urgency needs no 128-bit
 * division (which a freestanding AArch64 link cannot provide).
 */
#define RVM_SCHED_PERIOD_MAX_NS (1ull << 40)

/*
 * Periodic release model. A partition with period 0 is best-effort (urgency 0
 * always, deadline must be 0); otherwise it is released at first_release_ns +
 * k * period_ns and must finish within deadline_ns of each release
 * (0 < deadline_ns <= period_ns <= RVM_SCHED_PERIOD_MAX_NS).
 */
typedef struct rvm_sched_timing {
    uint64_t period_ns;
    uint64_t deadline_ns;
    uint64_t first_release_ns;
} rvm_sched_timing_t;

/* Reference priority: urgency + min(pressure_q16 >> 16, 0xFFFF); the pressure argument is Q16.16. */
uint32_t rvm_sched_priority(uint16_t urgency, uint32_t pressure_q16);

/*
 * Kernel-boundary conversion of a cut pressure in bp (0..10000) to the Q16.16
 * boost the priority function takes: (bp * boost_max / 10000) << 16, so that
 * pressure really moves a partition up (boost_max 1024 by default, 0 on Seed).
 * RVM_ERR_INVALID_ARGUMENT for bp > 10000.
 */
rvm_err_t rvm_sched_pressure_boost(uint32_t pressure_bp, uint16_t boost_max, uint32_t *boost_q16);

/* RVM_ERR_INVALID_ARGUMENT unless the timing follows the rules of rvm_sched_timing_t. */
rvm_err_t rvm_sched_timing_check(const rvm_sched_timing_t *t);

/*
 * Deadline urgency at `now_ns`: min(65535, 65535 * elapsed / deadline) where
 * elapsed is the time since the latest release; 0 before the first release,
 * for best-effort partitions and for a timing rvm_sched_timing_check rejects.
 */
uint16_t rvm_sched_deadline_urgency(const rvm_sched_timing_t *t, uint64_t now_ns);

#endif
