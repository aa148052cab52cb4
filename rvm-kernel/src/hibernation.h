/*
 * Hibernating and reconstructing partitions (spec §8.8, §10.8): a partition's
 * RAM is compressed (LZ4) into a checkpoint bound to the witness chain and
 * its frames go back to the allocator; its vCPU, interrupt state and stage-2
 * tables stay with the kernel. librvmpart writes the receipt that brings it
 * back; reconstruction verifies the receipt and the checkpoint before a byte
 * is restored.
 */
#ifndef RVM_KERNEL_HIBERNATION_H
#define RVM_KERNEL_HIBERNATION_H

#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/trap_frame.h>

#include "vm.h"

/* Binds the capability manager whose Partition capabilities authorise both calls. */
void rvm_hibernation_setup(rvm_cap_manager_t *caps);
/* RVM_HC_HIBERNATE and RVM_HC_RECONSTRUCT for `caller`; returns the status it set (negative: refused). */
int64_t rvm_hibernation_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call);
/*
 * At boot, once partitions exist: each one with an image in the cold tier
 * continues from it (RAM and vCPU state as when it was hibernated) instead of
 * starting from its boot image; an image that fails any check is refused and
 * the partition starts fresh.
 */
void rvm_hibernation_restore_cold(void);
/* `p` is ending while hibernated: its checkpoint's frames go back. */
void rvm_hibernation_release(rvm_vm_t *p);

#endif
