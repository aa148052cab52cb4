/*
 * Device registry and leases (spec §8.5): one holder per device at a time,
 * time-bounded in scheduler epochs, the MMIO window mapped into the holder's
 * stage-2 only while the lease is valid.
 *
 * Grant maps the window through the kernel's `map` callback before the lease
 * exists; revoke, expiry and release unmap it through `unmap` after the
 * lease's record and before the device is free again. Expiry is driven from
 * the scheduler tick (rvm_lease_tick): every lease with current epoch >=
 * expiry goes, one DeviceLeaseExpire witness each.
 *
 * When a lease ends (revoke, expiry, release) every capability to the
 * Device object (type Device, object id = device id) is invalidated by
 * bumping that object's epoch in librvmcap first (its CapabilityEpochBump
 * record precedes the lease's own; should anything fail after it, the holder
 * is left with less authority, never more), so the holder's device
 * capabilities die with the lease (ADR); capabilities the kernel makes for
 * the next holder start current.
 *
 * Serial, Timer and InterruptController devices are kernel-owned (ADR):
 * they can be registered but never leased (DEVICE_LEASE_CONFLICT).
 *
 * Witness records (tier 1):
 *   DeviceLeaseGrant 0x40   actor holder, target device id, cap hash, payload lease id LE
 *   DeviceLeaseRevoke 0x41  actor 0, target 0, payload lease id LE
 *   DeviceLeaseExpire 0x42  actor holder, target device id, payload lease id LE
 *
 * Errors: INVALID_ARGUMENT, DEVICE_LEASE_NOT_FOUND (unknown device or
 * lease), DEVICE_LEASE_CONFLICT (device held, or kernel-owned),
 * DEVICE_LEASE_EXPIRED (check past expiry), RESOURCE_LIMIT_EXCEEDED
 * (registry, lease table or the holder's 16 leases full), PARTITION_NOT_FOUND,
 * INVALID_PARTITION_STATE (holder not Running or Suspended), the `map`
 * callback's error, witness log errors.
 */
#ifndef RVM_DEVICE_LEASE_H
#define RVM_DEVICE_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_manager.h>
#include <rvm/device.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/partition.h>
#include <rvm/witness_log.h>

#define RVM_LEASE_MAX_DEVICES 32u
#define RVM_LEASE_MAX_LEASES 64u
#define RVM_DEVICE_NO_IRQ 0xFFFFFFFFu

typedef struct rvm_device_info {
    uint32_t id;          /* registration order from 0 */
    uint8_t device_class; /* rvm_device_class_t */
    bool available;
    uint64_t mmio_base;
    uint64_t mmio_size;
    uint32_t irq;         /* RVM_DEVICE_NO_IRQ when none */
} rvm_device_info_t;

typedef struct rvm_lease {
    rvm_lease_id_t id;    /* 0 = free */
    uint32_t device;
    rvm_partition_id_t holder;
    uint64_t granted_epoch;
    uint64_t expiry_epoch;
    uint32_t cap_hash;
} rvm_lease_t;

/* Maps or unmaps [base, base + size) of MMIO into a partition's stage-2; supplied by the kernel. */
typedef struct rvm_lease_ops {
    rvm_err_t (*map)(void *ctx, rvm_partition_id_t part, uint64_t base, uint64_t size);
    void (*unmap)(void *ctx, rvm_partition_id_t part, uint64_t base, uint64_t size);
    void *ctx;
} rvm_lease_ops_t;

/* Fields are private to librvmpart. */
typedef struct rvm_lease_table {
    rvm_device_info_t devices[RVM_LEASE_MAX_DEVICES];
    rvm_lease_t leases[RVM_LEASE_MAX_LEASES];
    uint32_t device_count;
    uint32_t lease_count;
    rvm_lease_id_t next_lease;
    const rvm_partmgr_t *parts;
    rvm_cap_manager_t *caps;
    rvm_witness_log_t *log;
    rvm_lease_ops_t ops;
} rvm_lease_table_t;

/*
 * Binds the table to the partition manager, the capability manager, the log
 * and the kernel's stage-2 ops (both callbacks required).
 */
rvm_err_t rvm_lease_init(rvm_lease_table_t *t, const rvm_partmgr_t *parts, rvm_cap_manager_t *caps,
                         rvm_witness_log_t *log, const rvm_lease_ops_t *ops);

/* Registers a device (size > 0, page-aligned window); its id goes to `id`. */
rvm_err_t rvm_lease_register_device(rvm_lease_table_t *t, uint8_t device_class, uint64_t mmio_base,
                                    uint64_t mmio_size, uint32_t irq, uint32_t *id);

/* Leases `device` to `part` for `duration` epochs from `now` (expiry saturates); maps its window. */
rvm_err_t rvm_lease_grant(rvm_lease_table_t *t, uint32_t device, rvm_partition_id_t part, uint64_t duration,
                          uint64_t now, uint32_t cap_hash, rvm_lease_id_t *lease);

/* Ends a lease early: witness, unmap, device free. */
rvm_err_t rvm_lease_revoke(rvm_lease_table_t *t, rvm_lease_id_t lease);

/* RVM_OK while the lease is valid at epoch `now`; DEVICE_LEASE_EXPIRED once now >= expiry. */
rvm_err_t rvm_lease_check(const rvm_lease_table_t *t, rvm_lease_id_t lease, uint64_t now);

/* Scheduler tick: expires every lease with now >= expiry (witness, unmap, free); `expired` gets the count. */
rvm_err_t rvm_lease_tick(rvm_lease_table_t *t, uint64_t now, uint32_t *expired);

/* Holder of `device` (0 when free); DEVICE_LEASE_NOT_FOUND for an unknown device. */
rvm_err_t rvm_lease_holder(const rvm_lease_table_t *t, uint32_t device, rvm_partition_id_t *holder);

/* Leases held by `part`. */
uint32_t rvm_lease_count_of(const rvm_lease_table_t *t, rvm_partition_id_t part);

/* Copies lease `lease`; DEVICE_LEASE_NOT_FOUND when absent. */
rvm_err_t rvm_lease_get(const rvm_lease_table_t *t, rvm_lease_id_t lease, rvm_lease_t *out);

/* Kernel only: revokes every lease `part` holds (before the partition is destroyed). */
rvm_err_t rvm_lease_release_partition(rvm_lease_table_t *t, rvm_partition_id_t part);

#endif
