/*
 * The partition table of this image. The guest images are the raw binaries
 * embedded by meson.build (one llvm-objcopy object each, section
 * rvm_guest_<name>, whose bounds the linker provides as __start_/__stop_
 * symbols); guest_images.h lists them as RVM_GUEST_IMAGES(X).
 *
 * Every image becomes one partition with the default RAM. Each holds a
 * capability to itself, which its hypercalls need (rvm/hypercall.h) and from
 * which it may grant and revoke derived copies; the first
 * one is the control partition of DC-15 and also holds WitnessLog READ, so
 * its WITNESS_QUERY sees every record, and WRITE on the partition table, so
 * it can create partitions (x4 at entry; x3 is the leasable device's).
 */
#include "config.h"

/* A test image names its own table; the production image uses the one generated next to it. */
#ifdef RVM_GUEST_IMAGES_H
#include RVM_GUEST_IMAGES_H
#else
#include "guest_images.h"
#endif

/* PROVE: a partition may present proofs for structural calls on itself (split itself, give its tasks away). */
#define SELF_RIGHTS                                                                                                \
    (RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_EXECUTE | RVM_RIGHT_GRANT | RVM_RIGHT_REVOKE | RVM_RIGHT_PROVE)
#define LOG_RIGHTS (RVM_RIGHT_READ | RVM_RIGHT_GRANT)
#define TABLE_RIGHTS (RVM_RIGHT_WRITE | RVM_RIGHT_GRANT)

#define DECLARE_IMAGE(name, index)                                                                                 \
    extern const uint8_t __start_rvm_guest_##name[]; /* NOLINT(bugprone-reserved-identifier): linker-made */     \
    extern const uint8_t __stop_rvm_guest_##name[];  /* NOLINT(bugprone-reserved-identifier): linker-made */
RVM_GUEST_IMAGES(DECLARE_IMAGE)

#define PARTITION_ENTRY(name, index)                                                                               \
    { #name, __start_rvm_guest_##name, __stop_rvm_guest_##name, RVM_CONFIG_GUEST_RAM_BYTES,                        \
      { { RVM_CONFIG_OBJ_SELF, SELF_RIGHTS },                                                                      \
        { (index) == 0 ? RVM_CONFIG_OBJ_WITNESS_LOG : RVM_CONFIG_OBJ_NONE, (index) == 0 ? LOG_RIGHTS : 0u },      \
        { RVM_CONFIG_OBJ_NONE, 0u },                                                                               \
        { (index) == 0 ? RVM_CONFIG_OBJ_PARTITION_TABLE : RVM_CONFIG_OBJ_NONE, (index) == 0 ? TABLE_RIGHTS : 0u } } },

static const rvm_config_partition_t table[] = { RVM_GUEST_IMAGES(PARTITION_ENTRY) };

const rvm_config_partition_t *rvm_config_partitions(size_t *count)
{
    *count = sizeof table / sizeof table[0];
    return table;
}

#define CHANNEL_ENTRY(source, dest) { (source), (dest) },
/* The last entry only keeps the array non-empty for images without channels. */
static const rvm_config_channel_t channel_table[] = { RVM_GUEST_CHANNELS(CHANNEL_ENTRY){ 0, 0 } };

const rvm_config_channel_t *rvm_config_channels(size_t *count)
{
    *count = sizeof channel_table / sizeof channel_table[0] - 1u;
    return channel_table;
}

bool rvm_config_share_region(void)
{
    return RVM_GUEST_SHARE_REGION != 0;
}
