/* Shared helpers for the librvmboot tests: hex digests and a scripted boot over heap log storage. */
#ifndef RVMBOOT_TEST_FIXTURE_H
#define RVMBOOT_TEST_FIXTURE_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/boot_sequence.h>
#include <rvm/witness_log.h>

#define FX_HZ 62500000u     /* QEMU virt's generic timer */
#define FX_LOG_CAPACITY 64u

/* Per-stage measured bytes, indexed by stage number. */
typedef struct fx_data {
    uint8_t bytes[RVM_BOOT_STAGE_COUNT][40];
    size_t len[RVM_BOOT_STAGE_COUNT];
} fx_data_t;

typedef struct fx_boot {
    rvm_boot_t b;
    rvm_witness_log_t log;
    rvm_witness_record_t *storage;
} fx_boot_t;

/* Parses 64 hex digits into 32 bytes. */
void fx_hex32(const char *hex, uint8_t out[32]);
/* The reference's measured data (§12.4) plus some kernel-object bytes. */
void fx_reference_data(fx_data_t *d);
/* Allocates and initialises; aborts the test on error. */
void fx_open(fx_boot_t *f, uint8_t hash);
void fx_close(fx_boot_t *f);
/* Attaches the log with `cfg` (NULL = defaults); returns the attach result. */
rvm_err_t fx_attach(fx_boot_t *f, const rvm_witness_config_t *cfg);
/* Runs every remaining stage by hand, 1000 ticks per stage from `tick`, attaching the log (if not yet) after
 * KernelObjectInit; fails the test on any error. */
void fx_boot_all(fx_boot_t *f, const fx_data_t *d, uint64_t tick);
/* Copies every record of the attached log; returns the count. */
uint32_t fx_records(const fx_boot_t *f, rvm_witness_record_t *out, uint32_t cap);

#endif
