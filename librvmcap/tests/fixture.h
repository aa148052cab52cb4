/* Shared set-up for the librvmcap tests: a manager over heap storage, a witness log and a nonce ring. */
#ifndef RVMCAP_TEST_FIXTURE_H
#define RVMCAP_TEST_FIXTURE_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/nonce.h>
#include <rvm/witness_log.h>

typedef struct fixture {
    rvm_cap_manager_t m;
    rvm_cap_storage_t st;
    rvm_witness_log_t log;
    rvm_witness_record_t *records;
    uint32_t log_capacity;
    rvm_nonce_ring_t *nonces;
} fixture_t;

/* Builds storage for `slots` capabilities and `objects` objects, a log of `log_capacity` records. */
void fx_open(fixture_t *f, uint32_t slots, uint32_t objects, uint32_t log_capacity, uint8_t full_policy,
             const rvm_cap_config_t *cfg);
void fx_close(fixture_t *f);

/* Root capability for object (type, id) owned by `owner`; fails the test on error. */
rvm_cap_handle_t fx_root(fixture_t *f, uint8_t type, uint64_t object_id, rvm_rights_t rights,
                         rvm_partition_id_t owner);
/* Grant that must succeed. */
rvm_cap_handle_t fx_grant(fixture_t *f, rvm_partition_id_t caller, rvm_cap_handle_t src, rvm_rights_t rights,
                          rvm_partition_id_t target);
/* Records appended so far. */
uint64_t fx_records(const fixture_t *f);
/* Copy of the most recent record. */
rvm_witness_record_t fx_last_record(const fixture_t *f);
/*
 * White box: every object entry's slot list holds exactly the live slots
 * naming it, each once, linked both ways, as many as its reference count,
 * and together every live slot. Returns false rather than asserting so that
 * the model test can call it after every step.
 */
bool fx_object_lists_sound(const fixture_t *f);
/* White box: slot `idx` carries the stale mark (and the refusal that goes with it). */
bool fx_marked_stale(const fixture_t *f, uint32_t idx);

/* Runs a Check suite and turns its failures into the exit status. */
int fx_run_suite(Suite *s);

#define ALL_BUT_ONCE ((rvm_rights_t)(RVM_RIGHTS_ALL & ~RVM_RIGHT_GRANT_ONCE))

#endif
