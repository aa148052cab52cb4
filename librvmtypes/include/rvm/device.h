/* Device classes and lease descriptors (spec §3.7). */
#ifndef RVM_DEVICE_H
#define RVM_DEVICE_H

#include <stdint.h>

#include <rvm/ids.h>

typedef enum rvm_device_class {
    RVM_DEVICE_NETWORK = 0,
    RVM_DEVICE_STORAGE = 1,
    RVM_DEVICE_GRAPHICS = 2,
    RVM_DEVICE_SERIAL = 3,
    RVM_DEVICE_TIMER = 4,
    RVM_DEVICE_INTERRUPT_CONTROLLER = 5,
    RVM_DEVICE_GENERIC = 255,
} rvm_device_class_t;

typedef struct rvm_device_lease {
    rvm_lease_id_t id;
    uint8_t device_class;
    uint64_t mmio_base;
    uint64_t mmio_size;
    uint64_t expiry_ns;   /* 0 = no expiry */
    uint32_t epoch;
} rvm_device_lease_t;

#endif
