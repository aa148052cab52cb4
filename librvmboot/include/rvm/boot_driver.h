/* The boot driver: runs the remaining stages in order through caller callbacks (spec §12.5). */
#ifndef RVM_BOOT_DRIVER_H
#define RVM_BOOT_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/boot_sequence.h>
#include <rvm/err.h>

/* Reads the platform counter (CNTPCT_EL0 on AArch64). */
typedef uint64_t (*rvm_boot_tick_fn)(void *ctx);

/*
 * Does the work of `stage` and points `*data` / `*len` at the bytes that
 * measure it (valid until the callback is next called; NULL / 0 for none).
 * The callback attaches the witness log (rvm_boot_attach_log) by the end of
 * KernelObjectInit or within FirstWitness. A non-OK return stops the driver.
 */
typedef rvm_err_t (*rvm_boot_work_fn)(void *ctx, rvm_boot_t *b, uint8_t stage, const void **data, size_t *len);

/*
 * For each remaining stage: begin at tick(), work, complete at tick() with the
 * configured stage digest of the measured bytes. Returns the first error of a
 * callback or sequencer call (the failing stage stays begun); RVM_OK when the
 * boot has completed. RVM_ERR_UNSUPPORTED for a boot that had already
 * completed (a second boot fails); RVM_ERR_INVALID_ARGUMENT for NULL arguments.
 */
rvm_err_t rvm_boot_run(rvm_boot_t *b, rvm_boot_work_fn work, rvm_boot_tick_fn tick, void *ctx);

#endif
