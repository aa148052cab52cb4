/* The cold tier on flash (see cold.h). */
#include "cold.h"

#include <rvm/pflash.h>
#include <rvm/sha256.h>

#include "console.h"
#include "frames.h"

#define DIR_MAGIC UINT64_C(0x31444C4F434D5652) /* "RVMCOLD1" */
#define IMAGE_MAGIC UINT64_C(0x31474D49434D5652) /* "RVMCIMG1" */
/* Images sit after the directory block, one fixed slot per partition id. */
#define SLOT_BLOCKS 1040u
#define DIR_SLOTS 15u
#define BLOCK RVM_PFLASH_BLOCK_SIZE

typedef struct cold_entry {
    uint32_t pid;         /* 0: slot empty */
    uint32_t block_count;
    uint8_t owner[RVM_SHA256_DIGEST_LEN]; /* SHA-256 of the partition's name and guest image */
    uint8_t image_hash[RVM_SHA256_DIGEST_LEN];
} cold_entry_t;

typedef struct cold_dir {
    uint64_t magic;
    cold_entry_t entries[DIR_SLOTS];
    uint8_t hash[RVM_SHA256_DIGEST_LEN]; /* over everything above */
} cold_dir_t;

typedef struct cold_header {
    uint64_t magic;
    uint32_t pid;
    uint32_t state_len;
    rvm_checkpoint_t cp;
} cold_header_t;

_Static_assert(sizeof(cold_dir_t) <= BLOCK, "the directory fits its block");

static rvm_pflash_t flash;
static uint8_t bounce[RVM_PFLASH_MAX_ERASE_SIZE];
static bool available;
static _Alignas(16) uint8_t dir_block[BLOCK];
static cold_dir_t dir;

static void dir_hash(const cold_dir_t *d, uint8_t out[RVM_SHA256_DIGEST_LEN])
{
    rvm_sha256(d, offsetof(cold_dir_t, hash), out);
}

void rvm_cold_setup(const rvm_dtb_platform_t *plat)
{
    if (plat->flash_count < 2u) {
        rvm_console_line("cold: no second flash bank, no cold tier");
        return;
    }
    rvm_err_t err = rvm_pflash_probe(&flash, plat->flash[1].base, plat->flash[1].size, plat->flash_bank_width,
                                     bounce, sizeof bounce);
    if (err == RVM_OK && rvm_pflash_block_count(&flash) < 1u + (uint64_t)DIR_SLOTS * SLOT_BLOCKS) {
        err = RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    if (err == RVM_OK) {
        err = rvm_pflash_block_read(&flash, 0, 1, dir_block);
    }
    if (err != RVM_OK) {
        rvm_console_line("cold: flash bank unusable, no cold tier");
        return;
    }
    __builtin_memcpy(&dir, dir_block, sizeof dir);
    uint8_t h[RVM_SHA256_DIGEST_LEN];
    dir_hash(&dir, h);
    /* An erased or foreign bank, or a damaged directory, holds nothing this hypervisor will trust. */
    if (dir.magic != DIR_MAGIC || __builtin_memcmp(h, dir.hash, sizeof h) != 0) {
        __builtin_memset(&dir, 0, sizeof dir);
        dir.magic = DIR_MAGIC;
    }
    available = true;
}

bool rvm_cold_available(void)
{
    return available;
}

static void owner_of(const rvm_vm_t *p, uint8_t out[RVM_SHA256_DIGEST_LEN])
{
    rvm_sha256_ctx_t ctx;
    rvm_sha256_init(&ctx);
    uint32_t n = 0;
    while (p->name[n] != '\0') {
        n++;
    }
    rvm_sha256_update(&ctx, p->name, n + 1u);
    rvm_sha256_update(&ctx, p->cfg->image, (size_t)rvm_config_image_len(p->cfg));
    rvm_sha256_final(&ctx, out);
}

static cold_entry_t *entry_of(const rvm_vm_t *p)
{
    return p->id >= 1u && p->id <= DIR_SLOTS ? &dir.entries[p->id - 1u] : NULL;
}

static rvm_err_t write_dir(void)
{
    dir_hash(&dir, dir.hash);
    __builtin_memset(dir_block, 0, sizeof dir_block);
    __builtin_memcpy(dir_block, &dir, sizeof dir);
    return rvm_pflash_block_write(&flash, 0, 1, dir_block);
}

rvm_err_t rvm_cold_put(const rvm_vm_t *p, const rvm_checkpoint_t *cp, const uint8_t *compressed, const void *state,
                       size_t state_len)
{
    cold_entry_t *e = entry_of(p);
    if (!available || e == NULL) {
        return RVM_ERR_UNSUPPORTED;
    }
    uint64_t total = sizeof(cold_header_t) + state_len + cp->compressed_size;
    uint64_t blocks = (total + BLOCK - 1u) / BLOCK;
    if (blocks > SLOT_BLOCKS) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    uint64_t stage_bytes = RVM_FRAMES_PAGE;
    while (stage_bytes < blocks * BLOCK) {
        stage_bytes <<= 1;
    }
    rvm_phys_addr_t stage;
    rvm_err_t err = rvm_frames_alloc(stage_bytes, &stage);
    if (err != RVM_OK) {
        return err;
    }
    uint8_t *img = rvm_frames_ptr(stage);
    const cold_header_t h = { IMAGE_MAGIC, p->id, (uint32_t)state_len, *cp };
    __builtin_memcpy(img, &h, sizeof h);
    __builtin_memcpy(img + sizeof h, state, state_len);
    __builtin_memcpy(img + sizeof h + state_len, compressed, cp->compressed_size);
    /* The directory first forgets the slot, so a crash mid-write never points at a half-written image. */
    e->pid = 0;
    err = write_dir();
    if (err == RVM_OK) {
        err = rvm_pflash_block_write(&flash, 1u + (uint64_t)(p->id - 1u) * SLOT_BLOCKS, (uint32_t)blocks, img);
    }
    if (err == RVM_OK) {
        rvm_sha256(img, (size_t)(blocks * BLOCK), e->image_hash);
        owner_of(p, e->owner);
        e->block_count = (uint32_t)blocks;
        e->pid = p->id;
        err = write_dir();
    }
    (void)rvm_frames_free(stage, stage_bytes);
    return err;
}

bool rvm_cold_has(const rvm_vm_t *p)
{
    const cold_entry_t *e = entry_of(p);
    if (!available || e == NULL || e->pid != p->id) {
        return false;
    }
    uint8_t owner[RVM_SHA256_DIGEST_LEN];
    owner_of(p, owner);
    return __builtin_memcmp(owner, e->owner, sizeof owner) == 0;
}

rvm_err_t rvm_cold_take(const rvm_vm_t *p, rvm_checkpoint_t *cp, uint8_t *compressed, size_t cap, void *state,
                        size_t state_len)
{
    if (!rvm_cold_has(p)) {
        return RVM_ERR_NOT_FOUND;
    }
    cold_entry_t *e = entry_of(p);
    uint64_t bytes = (uint64_t)e->block_count * BLOCK;
    uint64_t stage_bytes = RVM_FRAMES_PAGE;
    while (stage_bytes < bytes) {
        stage_bytes <<= 1;
    }
    if (stage_bytes > RVM_FRAMES_MAX_BLOCK) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    rvm_phys_addr_t stage;
    rvm_err_t err = rvm_frames_alloc(stage_bytes, &stage);
    if (err != RVM_OK) {
        return err;
    }
    uint8_t *img = rvm_frames_ptr(stage);
    err = rvm_pflash_block_read(&flash, 1u + (uint64_t)(p->id - 1u) * SLOT_BLOCKS, e->block_count, img);
    cold_header_t hdr;
    if (err == RVM_OK) {
        uint8_t h[RVM_SHA256_DIGEST_LEN];
        rvm_sha256(img, (size_t)bytes, h);
        __builtin_memcpy(&hdr, img, sizeof hdr);
        /* Every length is checked against what was read before anything is copied out. */
        if (__builtin_memcmp(h, e->image_hash, sizeof h) != 0 || hdr.magic != IMAGE_MAGIC || hdr.pid != p->id ||
            hdr.state_len != state_len || sizeof hdr + state_len + (uint64_t)hdr.cp.compressed_size > bytes) {
            err = RVM_ERR_CHECKPOINT_CORRUPTED;
        } else if (hdr.cp.compressed_size > cap) {
            err = RVM_ERR_BUFFER_TOO_SMALL;
        }
    }
    if (err == RVM_OK) {
        *cp = hdr.cp;
        __builtin_memcpy(state, img + sizeof hdr, state_len);
        __builtin_memcpy(compressed, img + sizeof hdr + state_len, hdr.cp.compressed_size);
        e->pid = 0;
        err = write_dir();
    }
    (void)rvm_frames_free(stage, stage_bytes);
    return err;
}
