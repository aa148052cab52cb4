/*
 * The attestation chain and report (spec §14.4).
 *
 * Up to 64 measured entries; the root starts as 32 zero bytes and every
 * entry extends it: root = SHA-256(root ‖ hash). Order matters, so the root
 * commits to the sequence of measurements as well as to each one. The FNV
 * fallback of the reference is not provided: the chain is SHA-256 only.
 */
#ifndef RVM_SEC_ATTEST_H
#define RVM_SEC_ATTEST_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>

#define RVM_SEC_ATTEST_MAX_ENTRIES 64u
#define RVM_SEC_ATTEST_HASH_LEN 32u

typedef enum rvm_sec_attest_source {
    RVM_SEC_ATTEST_BOOT_MEASUREMENT = 0,
    RVM_SEC_ATTEST_RUNTIME_WITNESS = 1,
} rvm_sec_attest_source_t;

typedef struct rvm_sec_attest_entry {
    uint32_t sequence;                        /* measurement index or witness sequence */
    uint8_t hash[RVM_SEC_ATTEST_HASH_LEN];
    uint8_t source;                           /* rvm_sec_attest_source_t */
} rvm_sec_attest_entry_t;

typedef struct rvm_sec_attest_chain {
    rvm_sec_attest_entry_t entries[RVM_SEC_ATTEST_MAX_ENTRIES];
    uint32_t count;
    uint8_t root[RVM_SEC_ATTEST_HASH_LEN];
} rvm_sec_attest_chain_t;

typedef struct rvm_sec_attest_report {
    uint32_t entry_count;
    uint8_t chain_root[RVM_SEC_ATTEST_HASH_LEN];
    uint32_t boot_measurement_count;
    uint32_t runtime_witness_count;
} rvm_sec_attest_report_t;

/* Empties the chain; the root becomes 32 zero bytes. INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_sec_attest_init(rvm_sec_attest_chain_t *c);

/*
 * Appends an entry and extends the root. RESOURCE_LIMIT_EXCEEDED when 64
 * entries are held; INVALID_ARGUMENT on NULL or an undefined source (chain unchanged).
 */
rvm_err_t rvm_sec_attest_extend(rvm_sec_attest_chain_t *c, uint32_t sequence,
                                const uint8_t hash[RVM_SEC_ATTEST_HASH_LEN], uint8_t source);

/* Summarises the chain into `out`; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_sec_attest_report(const rvm_sec_attest_chain_t *c, rvm_sec_attest_report_t *out);

/* True when the report's root equals `expected_root`, compared in constant time; false on NULL. */
bool rvm_sec_attest_verify(const rvm_sec_attest_report_t *r, const uint8_t expected_root[RVM_SEC_ATTEST_HASH_LEN]);

/*
 * Starts a chain from scratch with the platform boot measurement (entry 0),
 * the kernel image digest (entry 1), both boot measurements, and the first
 * partition's image digest (entry 2, a runtime entry: the running kernel
 * loaded it). INVALID_ARGUMENT on NULL.
 */
rvm_err_t rvm_sec_attest_build_boot_chain(rvm_sec_attest_chain_t *c,
                                          const uint8_t boot_measurement[RVM_SEC_ATTEST_HASH_LEN],
                                          const uint8_t kernel_digest[RVM_SEC_ATTEST_HASH_LEN],
                                          const uint8_t partition_digest[RVM_SEC_ATTEST_HASH_LEN]);

#endif
