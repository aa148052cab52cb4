/*
 * Partitions as coherence domains (librvmpart): every partition is also a
 * record in librvmpart's manager, whose lifecycle witnesses follow it, and
 * the IPC between partitions: the channel ends the configuration gives each
 * partition (their capabilities are librvmcap's), messages, notifications and
 * zero-copy shares of the region each partition of an image with channels
 * owns; the kernel maps and unmaps shared regions read-only.
 */
#ifndef RVM_KERNEL_DOMAIN_H
#define RVM_KERNEL_DOMAIN_H

#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/device_lease.h>
#include <rvm/dtb.h>
#include <rvm/partition.h>
#include <rvm/err.h>
#include <rvm/trap_frame.h>

#include "vm.h"

/* Channel ends an image can hold, both directions of every configured channel. */
#define RVM_DOMAIN_CHANNEL_ENDS_MAX 32u

/* The coherence-domain records, before any partition is created. */
rvm_err_t rvm_domain_init(void);
/*
 * A partition being created (id `id`, the next one) becomes a domain, Running,
 * with the VMID its stage-2 space starts with (librvmpart's pool of 255).
 */
rvm_err_t rvm_domain_register(uint32_t id, uint16_t *vmid);
/*
 * `p` is about to run on this CPU: it holds a VMID from now until
 * rvm_domain_leave, a fresh one (set in its stage-2 space) if its last was
 * reclaimed while it was off every CPU.
 */
rvm_err_t rvm_domain_run(rvm_vm_t *p);
/* `p` left this CPU: its VMID may be reclaimed for another partition from now on. */
void rvm_domain_leave(const rvm_vm_t *p);
/* Once the partitions exist: maps their regions, sets up leases and creates the configured channels. */
rvm_err_t rvm_domain_setup(rvm_cap_manager_t *caps, const rvm_dtb_platform_t *plat);
/* RVM_HC_LEASE_GRANT and RVM_HC_LEASE_REVOKE for `caller`; returns the status it set. */
int64_t rvm_domain_lease_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call);
/* CPU 0's epoch tick: leases whose time is up end (unmapped, witnessed, one console line). */
void rvm_domain_tick(uint64_t epoch);
/* RVM_HC_IPC_* for `caller`, registers x1.. of `f` as rvm/hypercall.h lays out; returns the status it set. */
int64_t rvm_domain_ipc_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call);
/* `p` is ending: its channels are destroyed (shares unmapped first) and its region freed. */
void rvm_domain_release(rvm_vm_t *p);
/* The coherence-domain records and the (still empty) lease table; NULL if setting them up failed. */
rvm_partmgr_t *rvm_domain_partmgr(void);
const rvm_lease_table_t *rvm_domain_leases(void);

#endif
