/* Failure classes F1..F4 (DC-14) and recovery records (spec §3.10). */
#ifndef RVM_FAILURE_H
#define RVM_FAILURE_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/ids.h>

typedef enum rvm_failure_class {
    RVM_FAILURE_F1_AGENT = 0,      /* Transient: restart the agent in its partition */
    RVM_FAILURE_F2_PARTITION = 1,  /* Recoverable: terminate, reconstruct from checkpoint */
    RVM_FAILURE_F3_MEMORY = 2,     /* Permanent: roll the region back, Recovery mode */
    RVM_FAILURE_F4_KERNEL = 3,     /* Catastrophic: reboot from the A/B image */
} rvm_failure_class_t;

#define RVM_FAILURE_CLASS_COUNT 4u

typedef struct rvm_recovery_checkpoint {
    rvm_partition_id_t partition;
    uint64_t witness_sequence;
    uint64_t timestamp_ns;
    uint32_t epoch;
} rvm_recovery_checkpoint_t;

typedef struct rvm_reconstruction_receipt {
    rvm_partition_id_t original_id;
    rvm_recovery_checkpoint_t checkpoint;
    bool was_hibernated;
} rvm_reconstruction_receipt_t;

/* "F1".."F4"; NULL for an undefined code. */
const char *rvm_failure_class_name(uint8_t cls);

#endif
