/* Shared set-up for the librvmpart tests: every manager over heap storage, one witness log, counting callbacks. */
#ifndef RVMPART_TEST_FIXTURE_H
#define RVMPART_TEST_FIXTURE_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/cap_manager.h>
#include <rvm/device_lease.h>
#include <rvm/ipc.h>
#include <rvm/partition.h>
#include <rvm/witness_log.h>

#define FX_LOG_CAPACITY 8192u

typedef struct fx_call {
    rvm_partition_id_t part;
    uint64_t base;
    uint64_t size;
} fx_call_t;

typedef struct fixture {
    rvm_witness_log_t log;
    rvm_witness_record_t *records;
    rvm_cap_manager_t caps;
    rvm_cap_storage_t st;
    rvm_nonce_ring_t *nonces;
    rvm_partmgr_t *parts;
    rvm_ipc_t *ipc;
    rvm_lease_table_t *leases;
    /* Callback counters. */
    uint32_t flushes;
    uint16_t last_flushed;
    uint32_t maps;
    uint32_t unmaps;
    fx_call_t last_map;
    fx_call_t last_unmap;
    uint32_t shares;
    uint32_t unshares;
    rvm_err_t map_result;
} fixture_t;

extern fixture_t fx;

/* Opens every manager; `full_policy` is the witness log's. */
void fx_open(uint8_t full_policy);
void fx_close(void);

/* Creates a partition (Agent, 1 vCPU) and moves it to Running; fails the test on error. */
rvm_partition_id_t fx_running(void);
/* Records appended so far. */
uint64_t fx_records(void);
/* Copy of record `seq`. */
rvm_witness_record_t fx_record(uint64_t seq);
/* Copy of the most recent record. */
rvm_witness_record_t fx_last(void);
/* Number of records of `kind` with sequence >= `from`. */
uint32_t fx_count_kind(uint64_t from, uint8_t kind);
/* The log's chain verifies from its base. */
void fx_assert_chain(void);

/* Runs a Check suite and turns its failures into the exit status. */
int fx_run_suite(Suite *s);

#endif
