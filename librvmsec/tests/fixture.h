/* Shared set-up for the librvmsec tests: a capability manager, a witness log, a P2 evaluator and a gate. */
#ifndef RVMSEC_TEST_FIXTURE_H
#define RVMSEC_TEST_FIXTURE_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/proof_policy.h>
#include <rvm/sec_gate.h>
#include <rvm/witness_log.h>
#include <rvm/witness_signer.h>

typedef struct sfx {
    rvm_cap_manager_t m;
    rvm_cap_storage_t st;
    rvm_witness_log_t log;
    rvm_witness_record_t *records;
    uint32_t log_capacity;
    rvm_nonce_ring_t *nonces;
    rvm_proof_policy_t *policy;
    rvm_sec_gate_t gate;
    rvm_witness_hmac_signer_t key_a;
    rvm_witness_hmac_signer_t key_b;
} sfx_t;

/* Which key signs: none, key A or key B. */
typedef enum sfx_key { SFX_UNSIGNED = 0, SFX_KEY_A = 1, SFX_KEY_B = 2 } sfx_key_t;

/*
 * Opens a fixture: 64 capability slots, a log of `log_capacity` records
 * (mode 2, SHA-256) under `full_policy`, signed by `log_key`, and a gate
 * signed by `gate_key` (unsigned gate for SFX_UNSIGNED).
 */
void sfx_open(sfx_t *f, uint32_t log_capacity, uint8_t full_policy, sfx_key_t log_key, sfx_key_t gate_key);
void sfx_close(sfx_t *f);

/* Root capability (hypervisor-created) to object (type, id) owned by `owner`. */
rvm_cap_handle_t sfx_root(sfx_t *f, uint8_t type, uint64_t object_id, rvm_rights_t rights, rvm_partition_id_t owner);
/* Records appended so far. */
uint64_t sfx_records(const sfx_t *f);
/* Copy of the record with sequence `seq`. */
rvm_witness_record_t sfx_record(const sfx_t *f, uint64_t seq);
/* Table token behind `h`. */
rvm_cap_token_t sfx_token(const sfx_t *f, rvm_cap_handle_t h);
/* A request with every optional part off. */
rvm_sec_request_t sfx_request(rvm_partition_id_t caller, rvm_cap_handle_t h, uint8_t type, rvm_rights_t rights,
                              uint8_t action, uint64_t target);
/* A P2 context that passes every rule for a mutation authorised by hash byte `tag`, with `nonce`. */
void sfx_p2(rvm_proof_ctx_t *ctx, uint8_t tag, uint64_t nonce);
/* Runs a Check suite and turns its failures into the exit status. */
int sfx_run_suite(Suite *s);

#endif
