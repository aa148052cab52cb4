/* Partition lifecycle states, types and configuration defaults (spec §3.5). */
#ifndef RVM_PARTITION_STATE_H
#define RVM_PARTITION_STATE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum rvm_partition_state {
    RVM_PARTITION_CREATED = 0,
    RVM_PARTITION_RUNNING = 1,
    RVM_PARTITION_SUSPENDED = 2,
    RVM_PARTITION_DESTROYED = 3,
    RVM_PARTITION_HIBERNATED = 4,
    RVM_PARTITION_MIGRATING = 5,
} rvm_partition_state_t;

typedef enum rvm_partition_type {
    RVM_PARTITION_TYPE_AGENT = 0,
    RVM_PARTITION_TYPE_INFRASTRUCTURE = 1,
    RVM_PARTITION_TYPE_ROOT = 2,
} rvm_partition_type_t;

#define RVM_PARTITION_DEFAULT_VCPUS 1u
#define RVM_PARTITION_DEFAULT_COHERENCE 5000u
#define RVM_PARTITION_DEFAULT_AFFINITY (~(uint64_t)0)
#define RVM_MAX_PARTITIONS 256u
#define RVM_MAX_EDGES_PER_PARTITION 64u
#define RVM_MAX_LEASES_PER_PARTITION 16u

/* "Created", "Running", ...; NULL for an undefined code. */
const char *rvm_partition_state_name(uint8_t state);

#endif
