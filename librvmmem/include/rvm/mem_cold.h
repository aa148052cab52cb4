/* Cold tier storage: a block device interface and the self-checking image a checkpoint is stored as (§10.1, §10.3). */
#ifndef RVM_MEM_COLD_H
#define RVM_MEM_COLD_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/sha256.h>

/*
 * Block storage for the cold tier. The kernel backs it with a virtio-blk or
 * pflash driver; hosted tests with a memory buffer. Calls are synchronous and
 * must transfer every block or fail.
 */
typedef struct rvm_cold_ops {
    uint32_t block_size;     /* bytes per block, a power of two from 512 to 65536 */
    uint64_t block_count;
    /* Reads `count` blocks from `block` into `buf`. */
    rvm_err_t (*read)(void *ctx, uint64_t block, uint32_t count, uint8_t *buf);
    /* Writes `count` blocks from `buf` at `block`; durable when it returns. */
    rvm_err_t (*write)(void *ctx, uint64_t block, uint32_t count, const uint8_t *buf);
    void *ctx;
} rvm_cold_ops_t;

/*
 * Where a cold region lives and the SHA-256 of its image. The caller keeps
 * receipts somewhere it trusts (they are what survives a reboot); restoring
 * checks the image against the receipt's hash.
 */
typedef struct rvm_cold_receipt {
    rvm_region_id_t region_id;
    rvm_partition_id_t owner;
    uint32_t pages;
    uint64_t first_block;
    uint32_t block_count;
    uint8_t image_hash[RVM_SHA256_DIGEST_LEN];
} rvm_cold_receipt_t;

/* Bytes of the image header that precedes the compressed checkpoint on storage. */
#define RVM_COLD_HEADER_LEN 160u

#endif
