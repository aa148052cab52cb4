/* Shared set-up for the librvmproof tests: a capability manager, its witness log and a P2 policy. */
#ifndef RVMPROOF_TEST_FIXTURE_H
#define RVMPROOF_TEST_FIXTURE_H

#include <check.h>
#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/proof_engine.h>
#include <rvm/proof_policy.h>
#include <rvm/witness_log.h>

#define PX_SLOTS 64u
#define PX_LOG 256u

typedef struct pfixture {
    rvm_cap_manager_t m;
    rvm_cap_storage_t st;
    rvm_witness_log_t log;
    rvm_witness_record_t *records;
    rvm_nonce_ring_t *cap_nonces;
    rvm_proof_policy_t *policy;
} pfixture_t;

void px_open(pfixture_t *f);
void px_close(pfixture_t *f);
/* Root capability (region object `object`, `rights`) owned by `owner`. */
rvm_cap_handle_t px_root(pfixture_t *f, uint64_t object, rvm_rights_t rights, rvm_partition_id_t owner);
/* A context that passes all six rules for capability `h` on object `object` owned by `owner`, nonce `nonce`. */
rvm_proof_ctx_t px_good_ctx(pfixture_t *f, rvm_cap_handle_t h, uint64_t object, rvm_partition_id_t owner,
                            uint64_t nonce);
/* Copy of the most recent record. */
rvm_witness_record_t px_last(const pfixture_t *f);
/* Runs a Check suite and turns its failures into the exit status. */
int px_run(Suite *s);

#endif
