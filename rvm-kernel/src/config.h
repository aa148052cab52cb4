/*
 * The image's partition configuration (Bao style: data, not code): one entry
 * per partition with its guest image, RAM size and initial capabilities.
 */
#ifndef RVM_KERNEL_CONFIG_H
#define RVM_KERNEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/hypercall.h>
#include <rvm/rights.h>

/* Capabilities a partition can be given at creation; their handles reach it in x1.. at entry. */
#define RVM_CONFIG_MAX_CAPS 4u
/* Guest-physical base of every partition's RAM: the RAM base of QEMU virt, so guests link as for bare metal. */
#define RVM_CONFIG_GUEST_RAM_IPA ((uint64_t)RVM_GUEST_ENTRY_IPA)
/* RAM per partition unless its entry says otherwise. */
#ifndef RVM_CONFIG_GUEST_RAM_BYTES
#define RVM_CONFIG_GUEST_RAM_BYTES (UINT64_C(4) << 20)
#endif

/*
 * Object a configured capability names: the partition itself, the kernel's
 * one witness log, or the partition table (Partition object 0), whose WRITE
 * right authorises RVM_HC_PARTITION_CREATE.
 */
typedef enum rvm_config_object {
    RVM_CONFIG_OBJ_NONE = 0,
    RVM_CONFIG_OBJ_SELF,
    RVM_CONFIG_OBJ_WITNESS_LOG,
    RVM_CONFIG_OBJ_PARTITION_TABLE,
} rvm_config_object_t;

typedef struct rvm_config_cap {
    uint8_t object; /* rvm_config_object_t */
    rvm_rights_t rights;
} rvm_config_cap_t;

typedef struct rvm_config_partition {
    const char *name;
    const uint8_t *image;
    const uint8_t *image_end;
    uint64_t ram_bytes;
    rvm_config_cap_t caps[RVM_CONFIG_MAX_CAPS];
} rvm_config_partition_t;

/* Bytes of an entry's image; its bounds are separate linker symbols, so they are compared as addresses. */
static inline uint64_t rvm_config_image_len(const rvm_config_partition_t *cfg)
{
    return (uint64_t)((uintptr_t)cfg->image_end - (uintptr_t)cfg->image);
}

/* The table, in creation (and first scheduling) order. */
const rvm_config_partition_t *rvm_config_partitions(size_t *count);

/* A one-directional IPC channel between two configured partitions (table indexes). */
typedef struct rvm_config_channel {
    uint32_t source;
    uint32_t dest;
} rvm_config_channel_t;

/* The image's channels, created at boot. */
const rvm_config_channel_t *rvm_config_channels(size_t *count);
/* True when every partition of the image owns a region it may share (RVM_HC_SHARE_REGION_IPA). */
bool rvm_config_share_region(void);

#endif
