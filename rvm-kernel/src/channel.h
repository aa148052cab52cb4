/*
 * IPC between partitions through librvmpart: in an image whose configuration
 * has channels, every partition is also a coherence domain in librvmpart's
 * manager, owns a region it may share, and holds the channel ends the
 * configuration gives it (their capabilities are librvmcap's). Messages,
 * notifications and zero-copy shares are librvmpart's; the kernel maps and
 * unmaps shared regions read-only.
 */
#ifndef RVM_KERNEL_CHANNEL_H
#define RVM_KERNEL_CHANNEL_H

#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/device_lease.h>
#include <rvm/partition.h>
#include <rvm/err.h>
#include <rvm/trap_frame.h>

#include "vm.h"

/* Channel ends an image can hold, both directions of every configured channel. */
#define RVM_CHANNEL_ENDS_MAX 32u

/* After the partitions are created: registers them, maps their regions and creates the configured channels. */
rvm_err_t rvm_channel_setup(rvm_cap_manager_t *caps);
/* RVM_HC_IPC_* for `caller`, registers x1.. of `f` as rvm/hypercall.h lays out; returns the status it set. */
int64_t rvm_channel_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call);
/* `p` is ending: its channels are destroyed (shares unmapped first) and its region freed. */
void rvm_channel_release(rvm_vm_t *p);
/* The coherence-domain records and the (empty) lease table of an image with channels; NULL otherwise. */
rvm_partmgr_t *rvm_channel_partmgr(void);
const rvm_lease_table_t *rvm_channel_leases(void);

#endif
