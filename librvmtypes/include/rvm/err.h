/* The one error vocabulary shared by every RVM library (spec §3.12). */
#ifndef RVM_ERR_H
#define RVM_ERR_H

/*
 * Codes -1..-34 keep the spec's numbering (declaration order of the reference
 * implementation, negated) so that witness payloads and hypercall status words
 * stay comparable with it. Codes below -34 are RVM additions that say precisely
 * what went wrong where the reference folded several causes into one code.
 */
typedef enum rvm_err {
    RVM_OK = 0,
    RVM_ERR_PARTITION_NOT_FOUND = -1,
    RVM_ERR_INVALID_PARTITION_STATE = -2,
    RVM_ERR_PARTITION_LIMIT_EXCEEDED = -3,
    RVM_ERR_SPLIT_PRECONDITION_FAILED = -4,
    RVM_ERR_MERGE_PRECONDITION_FAILED = -5,
    RVM_ERR_MIGRATION_TIMEOUT = -6,
    RVM_ERR_VCPU_NOT_FOUND = -7,
    RVM_ERR_VCPU_LIMIT_REACHED = -8,
    RVM_ERR_INSUFFICIENT_CAPABILITY = -9,
    RVM_ERR_STALE_CAPABILITY = -10,
    RVM_ERR_CAPABILITY_TYPE_MISMATCH = -11,
    RVM_ERR_DELEGATION_DEPTH_EXCEEDED = -12,
    RVM_ERR_CAPABILITY_CONSUMED = -13,
    RVM_ERR_WITNESS_VERIFICATION_FAILED = -14,
    RVM_ERR_WITNESS_CHAIN_BROKEN = -15,
    RVM_ERR_WITNESS_LOG_FULL = -16,
    RVM_ERR_PROOF_INVALID = -17,
    RVM_ERR_PROOF_TIER_INSUFFICIENT = -18,
    RVM_ERR_PROOF_BUDGET_EXCEEDED = -19,
    RVM_ERR_COHERENCE_BELOW_THRESHOLD = -20,
    RVM_ERR_MINCUT_BUDGET_EXCEEDED = -21,
    RVM_ERR_MEMORY_OVERLAP = -22,
    RVM_ERR_ALIGNMENT_ERROR = -23,
    RVM_ERR_INVALID_TIER_TRANSITION = -24,
    RVM_ERR_OUT_OF_MEMORY = -25,
    RVM_ERR_DEVICE_LEASE_NOT_FOUND = -26,
    RVM_ERR_DEVICE_LEASE_EXPIRED = -27,
    RVM_ERR_DEVICE_LEASE_CONFLICT = -28,
    RVM_ERR_CHECKPOINT_NOT_FOUND = -29,
    RVM_ERR_CHECKPOINT_CORRUPTED = -30,
    RVM_ERR_FAILURE_ESCALATED = -31,
    RVM_ERR_RESOURCE_LIMIT_EXCEEDED = -32,
    RVM_ERR_UNSUPPORTED = -33,
    RVM_ERR_INTERNAL_ERROR = -34,
    /* RVM additions. */
    RVM_ERR_INVALID_ARGUMENT = -35,    /* null pointer, out-of-range parameter */
    RVM_ERR_INVALID_HANDLE = -36,      /* handle names no live object */
    RVM_ERR_RIGHTS_ESCALATION = -37,   /* requested rights exceed the source */
    RVM_ERR_GRANT_NOT_PERMITTED = -38, /* source lacks GRANT/GRANT_ONCE or caller is not its owner */
    RVM_ERR_NONCE_REPLAY = -39,        /* nonce seen before or under the watermark */
    RVM_ERR_MALFORMED_INPUT = -40,     /* hostile or corrupt encoded input */
    RVM_ERR_BUFFER_TOO_SMALL = -41,    /* caller's output buffer cannot hold the result */
    RVM_ERR_NOT_FOUND = -42,           /* generic lookup miss where no specific code applies */
    RVM_ERR_DEVICE_TIMEOUT = -43,      /* a device did not finish an operation within its time limit */
} rvm_err_t;

/* Lowest (most negative) code; every value in [RVM_ERR_MIN, 0] is defined. */
#define RVM_ERR_MIN RVM_ERR_DEVICE_TIMEOUT

/* Symbolic name of an error code ("RVM_OK", "RVM_ERR_..."); "RVM_ERR_UNKNOWN" for values outside the enum. */
const char *rvm_err_name(rvm_err_t err);

#endif
