/* Scheduler modes, priorities and epoch records (spec §3.9). */
#ifndef RVM_SCHED_TYPES_H
#define RVM_SCHED_TYPES_H

#include <stdint.h>

typedef enum rvm_sched_mode {
    RVM_SCHED_REFLEX = 0,
    RVM_SCHED_FLOW = 1,
    RVM_SCHED_RECOVERY = 2,
} rvm_sched_mode_t;

typedef uint8_t rvm_priority_t;
#define RVM_PRIORITY_MIN ((rvm_priority_t)0)
#define RVM_PRIORITY_DEFAULT ((rvm_priority_t)128)
#define RVM_PRIORITY_MAX ((rvm_priority_t)255)

typedef struct rvm_epoch_config {
    uint64_t interval_ns;
    uint16_t max_switches;
} rvm_epoch_config_t;

#define RVM_EPOCH_DEFAULT_INTERVAL_NS 10000000ull
#define RVM_EPOCH_DEFAULT_MAX_SWITCHES 64u

typedef struct rvm_epoch_summary {
    uint32_t epoch;
    uint16_t switch_count;
    uint16_t runnable_count;
} rvm_epoch_summary_t;

#endif
