/*
 * The cold tier on QEMU virt's second flash bank (rvm/pflash.h): a hibernated
 * partition's checkpoint and saved vCPU state written as one image, so that it
 * survives a reboot of the hypervisor. Block 0 is a directory of images, one
 * slot per partition id, tied to the partition's name and guest image; the
 * directory and every image carry SHA-256 hashes, and nothing is restored
 * from storage that does not match them. The flash is the hypervisor's alone:
 * no partition maps it.
 */
#ifndef RVM_KERNEL_COLD_H
#define RVM_KERNEL_COLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/dtb.h>
#include <rvm/err.h>
#include <rvm/mem_checkpoint.h>

#include "vm.h"

/* Probes the flash bank the device tree names; without one (or on a device error) the cold tier is absent. */
void rvm_cold_setup(const rvm_dtb_platform_t *plat);
/* True when a cold tier exists on this machine. */
bool rvm_cold_available(void);
/*
 * Writes `p`'s checkpoint (descriptor `cp`, compressed bytes at `compressed`)
 * and `state` (`state_len` bytes) as its image and records it in the
 * directory. UNSUPPORTED without a cold tier; the driver's error otherwise.
 */
rvm_err_t rvm_cold_put(const rvm_vm_t *p, const rvm_checkpoint_t *cp, const uint8_t *compressed, const void *state,
                       size_t state_len);
/* True when the directory holds an image for `p` (same id, name and guest image). */
bool rvm_cold_has(const rvm_vm_t *p);
/*
 * Reads `p`'s image back into `cp`, `compressed` (capacity `cap`) and `state`
 * (exactly `state_len` bytes), checking its hash against the directory, and
 * removes it from the directory. NOT_FOUND without one; CHECKPOINT_CORRUPTED
 * for an image or directory that does not verify; BUFFER_TOO_SMALL.
 */
rvm_err_t rvm_cold_take(const rvm_vm_t *p, rvm_checkpoint_t *cp, uint8_t *compressed, size_t cap, void *state,
                        size_t state_len);

#endif
