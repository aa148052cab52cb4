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

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/device_lease.h>
#include <rvm/dtb.h>
#include <rvm/partition.h>
#include <rvm/err.h>
#include <rvm/part_world.h>
#include <rvm/trap_frame.h>

#include "vm.h"

/* Channel ends an image can hold, both directions of every configured channel. */
#define RVM_DOMAIN_CHANNEL_ENDS_MAX 32u
/* Channels the kernel can open for task messages, one per direction between two partitions. */
#define RVM_DOMAIN_LINKS_MAX 64u
/* Message type of task messages on those channels. */
#define RVM_DOMAIN_LINK_MSG_TYPE 0x7A5Cu

/* The coherence-domain records, before any partition is created. */
rvm_err_t rvm_domain_init(void);
/*
 * A partition being created (id `id`, the next one) becomes a domain, Running,
 * with the VMID its stage-2 space starts with (librvmpart's pool of 255).
 */
rvm_err_t rvm_domain_register(uint32_t id, uint16_t *vmid);
/* Partition `id`, which librvmpart created itself (a split's second half), gets its first VMID. */
rvm_err_t rvm_domain_adopt(uint32_t id, uint16_t *vmid);
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
/*
 * Task messages between partitions (task.c) travel on librvmpart channels the
 * kernel opens on first use, one per direction, whose ends it keeps: send
 * queues `msg` on the channel from -> to (RESOURCE_LIMIT_EXCEEDED while it is
 * full); pop takes the oldest message of one channel into `part` (or, unless
 * `incoming_only`, out of it), *got false when every one is empty.
 */
rvm_err_t rvm_domain_link_send(uint32_t from, uint32_t to, const void *msg, uint16_t len);
rvm_err_t rvm_domain_link_pop(uint32_t part, bool incoming_only, void *msg, uint16_t *len, bool *got);
/*
 * Destroys the kernel's channels of `part` except those joining it to
 * `keep_peer` (0: none); INVALID_PARTITION_STATE, nothing destroyed past it,
 * while one of them still holds a message.
 */
rvm_err_t rvm_domain_links_close(uint32_t part, uint32_t keep_peer);
/* librvmpart destroyed the channels of `part` (merge, release): the kernel forgets its ends. */
void rvm_domain_links_forget(uint32_t part);
/* The librvmpart managers, for whole-partition operations (split, merge); NOT_FOUND before setup. */
rvm_err_t rvm_domain_world(rvm_part_world_t *w);
/* The coherence-domain records and the (still empty) lease table; NULL if setting them up failed. */
rvm_partmgr_t *rvm_domain_partmgr(void);
const rvm_lease_table_t *rvm_domain_leases(void);

#endif
