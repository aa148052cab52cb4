/*
 * EL2 check of the CFI flash driver on QEMU virt's second flash bank
 * (-drive if=pflash,unit=1). The device-tree bootargs pick the run:
 *   (none)                every driver path on a scratch drive;
 *   pflash=persist seed=N  boot 1 finds no marker block, writes a pattern
 *                          derived from N and the marker ("pflash wrote");
 *                          a later boot with the same drive checks that the
 *                          pattern survived ("pflash verified", or
 *                          "pflash mismatch" and status 1);
 *   pflash=readonly        a read-only drive: every write reports the
 *                          device's error, reads still work.
 * Plays the kernel: provides rvm_hal_main and rvm_hal_trap.
 * Exit status (semihosting): 0 when every check passed, 1 otherwise.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/dtb.h>
#include <rvm/esr.h>
#include <rvm/hal.h>
#include <rvm/mmu.h>
#include <rvm/pflash.h>
#include <rvm/uart.h>

#include "report.h"

#define VIRT_PL011 0x09000000u
#define VIRT_PL011_CLK 24000000u
#define FLASH_BANK 1u
#define BS RVM_PFLASH_BLOCK_SIZE
/* Blocks per 256 KiB erase block on QEMU virt. */
#define EB_BLOCKS 64u

/* The persistence run: data blocks straddling an erase-block boundary, then the marker. */
#define PERSIST_FIRST 60u
#define PERSIST_COUNT 8u
#define PERSIST_MARKER 200u
#define MARKER_MAGIC 0x48534c46504d5652ull /* "RVMPFLSH" */

static rvm_pflash_t flash;
static uint8_t bounce[RVM_PFLASH_MAX_ERASE_SIZE];
static uint8_t buf[EB_BLOCKS * BS];
static uint8_t want[EB_BLOCKS * BS];

void rvm_hal_trap(rvm_trap_frame_t *frame, unsigned vector)
{
    rvm_hal_console_puts("[RVM] el2: FAIL unexpected trap vector=");
    put_hex(vector);
    rvm_hal_console_puts(" esr=");
    put_hex(frame->esr);
    rvm_hal_console_puts(" far=");
    put_hex(frame->far);
    rvm_hal_console_puts("\n");
    semihost_exit(1);
}

/* A byte stream that differs per seed, block and offset (xorshift). */
static void pattern(uint8_t *p, uint64_t seed, uint64_t block, uint32_t blocks)
{
    for (uint32_t b = 0; b < blocks; b++) {
        uint64_t x = (seed * 0x9e3779b97f4a7c15ull) ^ ((block + b) << 20) ^ 0x5bd1e995u;
        for (uint32_t i = 0; i < BS; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            p[(size_t)b * BS + i] = (uint8_t)x;
        }
    }
}

static void fill(uint8_t *p, uint8_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = v;
    }
}

/* 0 when equal, else 1 + the first differing offset. */
static uint64_t diff(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 1u + i;
        }
    }
    return 0;
}

static bool blocks_are(uint64_t block, uint32_t count, const uint8_t *expect)
{
    fill(buf, 0x5a, (size_t)count * BS);
    return rvm_pflash_block_read(&flash, block, count, buf) == RVM_OK && diff(buf, expect, (size_t)count * BS) == 0;
}

static bool write_pattern(uint64_t seed, uint64_t block, uint32_t count)
{
    pattern(want, seed, block, count);
    return rvm_pflash_block_write(&flash, block, count, want) == RVM_OK && blocks_are(block, count, want);
}

static void check_refusals(void)
{
    static uint32_t not_flash[256];
    rvm_pflash_t d;
    uint64_t ram = (uint64_t)(uintptr_t)not_flash;
    check(rvm_pflash_probe(&d, ram, sizeof not_flash, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED,
          "probe of RAM is not CFI", 0);
    check(rvm_pflash_probe(NULL, ram, sizeof not_flash, 4, bounce, sizeof bounce) == RVM_ERR_INVALID_ARGUMENT,
          "probe NULL", 0);
    check(rvm_pflash_probe(&d, ram, sizeof not_flash, 4, bounce, sizeof bounce - 1u) == RVM_ERR_INVALID_ARGUMENT,
          "probe small bounce", 0);
    check(rvm_pflash_probe(&d, ram + 2u, sizeof not_flash, 4, bounce, sizeof bounce) == RVM_ERR_INVALID_ARGUMENT,
          "probe misaligned", 0);
    check(rvm_pflash_probe(&d, ram, 0, 4, bounce, sizeof bounce) == RVM_ERR_INVALID_ARGUMENT, "probe empty", 0);
    check(rvm_pflash_probe(&d, ram, sizeof not_flash, 2, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED,
          "probe 16-bit bank", 0);
}

/*
 * A bank that answers the CFI query but never finishes an operation: RAM
 * holding a query table for two x16 devices. Commands land in the RAM as
 * data, so a status read returns the command last written (0x70: not ready)
 * and every wait must end in the timeout error, bounded by the table's
 * floor. `buffer_exp` 0 means no write buffer (word programming).
 */
static uint32_t fake[1024];

static void fake_table(uint32_t cmdset, uint32_t regions, uint32_t unit, uint32_t buffer_exp)
{
    for (uint32_t i = 0; i < 1024u; i++) {
        fake[i] = 0xffffffffu;
    }
    for (uint32_t i = 0x10u; i < 0x40u; i++) {
        fake[i] = 0;
    }
    fake[0x10] = 'Q' * 0x00010001u;
    fake[0x11] = 'R' * 0x00010001u;
    fake[0x12] = 'Y' * 0x00010001u;
    fake[0x13] = (cmdset & 0xffu) * 0x00010001u;
    fake[0x14] = (cmdset >> 8) * 0x00010001u;
    fake[0x27] = 0x0bu * 0x00010001u; /* 2 KiB per device */
    fake[0x2a] = buffer_exp * 0x00010001u;
    fake[0x2c] = regions * 0x00010001u;
    fake[0x2f] = (unit & 0xffu) * 0x00010001u;
    fake[0x30] = (unit >> 8) * 0x00010001u;
}

static void check_fake_banks(void)
{
    rvm_pflash_t d;
    uint64_t base = (uint64_t)(uintptr_t)fake;
    static const uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    /* 2 KiB erase blocks per device, two devices: one 4 KiB erase block. */
    fake_table(0x0001u, 1, 8, 0);
    check(rvm_pflash_probe(&d, base, sizeof fake, 4, bounce, sizeof bounce) == RVM_OK, "fake probe", 0);
    check(d.size == 4096u && d.erase_size == 4096u && d.chips == 2u && d.line_size == 4u, "fake geometry", d.size);
    check(rvm_pflash_erase(&d, 0) == RVM_ERR_DEVICE_TIMEOUT, "erase timeout", fake[0]);
    check(rvm_pflash_program(&d, 0x400, data, sizeof data) == RVM_ERR_DEVICE_TIMEOUT, "word program timeout", 0);
    /* A 32-byte buffer per device: 64-byte lines. */
    fake_table(0x0003u, 1, 8, 5);
    check(rvm_pflash_probe(&d, base, sizeof fake, 0, bounce, sizeof bounce) == RVM_OK, "fake probe buffered", 0);
    check(d.write_buffer_size == 64u && d.line_size == 64u, "fake buffer", d.write_buffer_size);
    check(rvm_pflash_program(&d, 0x400, data, sizeof data) == RVM_ERR_DEVICE_TIMEOUT, "buffer program timeout", 0);
    check(rvm_pflash_block_write(&d, 0, 1, want) == RVM_ERR_DEVICE_TIMEOUT, "block write timeout", 0);
    /* The window caps the size the table states; a window below one erase block leaves nothing. */
    fake_table(0x0001u, 1, 8, 0);
    check(rvm_pflash_probe(&d, base, 2048, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED, "window too small", 0);
    /* What the driver does not support. */
    fake_table(0x0002u, 1, 8, 0);
    check(rvm_pflash_probe(&d, base, sizeof fake, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED, "AMD set", 0);
    fake_table(0x0001u, 2, 8, 0);
    check(rvm_pflash_probe(&d, base, sizeof fake, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED, "two regions", 0);
    fake_table(0x0001u, 1, 0x0400u, 0);
    check(rvm_pflash_probe(&d, base, sizeof fake, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED, "512 KiB erase", 0);
    fake_table(0x0001u, 1, 4, 0);
    check(rvm_pflash_probe(&d, base, sizeof fake, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED, "2 KiB erase", 0);
    fake_table(0x0001u, 1, 8, 12);
    check(rvm_pflash_probe(&d, base, sizeof fake, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED, "8 KiB buffer", 0);
    fake_table(0x0001u, 1, 8, 0);
    fake[0x11] = 'R';
    check(rvm_pflash_probe(&d, base, sizeof fake, 4, bounce, sizeof bounce) == RVM_ERR_UNSUPPORTED, "one lane", 0);
}

static void check_out_of_range(void)
{
    uint64_t n = rvm_pflash_block_count(&flash);
    check(rvm_pflash_block_read(&flash, n, 1, buf) == RVM_ERR_INVALID_ARGUMENT, "read past the end", n);
    check(rvm_pflash_block_read(&flash, n - 1u, 2, buf) == RVM_ERR_INVALID_ARGUMENT, "read across the end", n);
    check(rvm_pflash_block_read(&flash, UINT64_MAX, 1, buf) == RVM_ERR_INVALID_ARGUMENT, "read block max", 0);
    check(rvm_pflash_block_read(&flash, 1, UINT32_MAX, buf) == RVM_ERR_INVALID_ARGUMENT, "read count max", 0);
    check(rvm_pflash_block_write(&flash, n, 1, buf) == RVM_ERR_INVALID_ARGUMENT, "write past the end", n);
    check(rvm_pflash_block_write(&flash, n - 1u, 2, buf) == RVM_ERR_INVALID_ARGUMENT, "write across the end", n);
    check(rvm_pflash_block_write(&flash, UINT64_MAX / BS, 2, buf) == RVM_ERR_INVALID_ARGUMENT, "write wraps", 0);
    check(rvm_pflash_block_write(NULL, 0, 1, buf) == RVM_ERR_INVALID_ARGUMENT, "write NULL device", 0);
    check(rvm_pflash_block_read(&flash, 0, 1, NULL) == RVM_ERR_INVALID_ARGUMENT, "read NULL buffer", 0);
    check(rvm_pflash_read(&flash, flash.size - 3u, buf, 4) == RVM_ERR_INVALID_ARGUMENT, "byte read past end", 0);
    check(rvm_pflash_erase(&flash, flash.size) == RVM_ERR_INVALID_ARGUMENT, "erase past end", 0);
    check(rvm_pflash_erase(&flash, BS) == RVM_ERR_INVALID_ARGUMENT, "erase misaligned", 0);
    check(rvm_pflash_program(&flash, 2, buf, 4) == RVM_ERR_INVALID_ARGUMENT, "program misaligned", 0);
    check(rvm_pflash_program(&flash, 0, buf, 6) == RVM_ERR_INVALID_ARGUMENT, "program partial word", 0);
    check(rvm_pflash_program(&flash, flash.size - 4u, buf, 8) == RVM_ERR_INVALID_ARGUMENT, "program past end", 0);
}

/* Erase, program and the bit rule directly; the scratch erase block is the bank's third. */
static void check_raw(void)
{
    uint64_t eb = 2u * (uint64_t)flash.erase_size;
    check(rvm_pflash_erase(&flash, eb) == RVM_OK, "erase", eb);
    fill(want, 0xff, flash.erase_size);
    check(rvm_pflash_read(&flash, eb, buf, flash.erase_size) == RVM_OK && diff(buf, want, flash.erase_size) == 0,
          "erased reads all ones", diff(buf, want, flash.erase_size));
    static const uint8_t first[8] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
    static const uint8_t cleared[8] = { 0x02, 0x30, 0x50, 0x08, 0x8a, 0x3c, 0x5e, 0x70 };
    static const uint8_t sets_bit[8] = { 0x13, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
    check(rvm_pflash_program(&flash, eb + 8u, first, 8) == RVM_OK, "program", 0);
    check(rvm_pflash_read(&flash, eb + 8u, buf, 8) == RVM_OK && diff(buf, first, 8) == 0, "program reads back", 0);
    check(rvm_pflash_program(&flash, eb + 8u, cleared, 8) == RVM_OK, "program clears bits", 0);
    check(rvm_pflash_program(&flash, eb + 8u, sets_bit, 8) == RVM_ERR_INVALID_ARGUMENT, "program cannot set bits", 0);
    check(rvm_pflash_read(&flash, eb + 8u, buf, 8) == RVM_OK && diff(buf, cleared, 8) == 0, "refusal wrote nothing",
          diff(buf, cleared, 8));
    /* Unaligned byte reads agree with the words around them. */
    check(rvm_pflash_read(&flash, eb + 9u, buf, 5) == RVM_OK && diff(buf, cleared + 1, 5) == 0, "unaligned read", 0);
    check(rvm_pflash_read(&flash, eb + 15u, buf, 2) == RVM_OK && buf[0] == cleared[7] && buf[1] == 0xff,
          "read across a word", buf[1]);
    check(rvm_pflash_erase(&flash, eb) == RVM_OK, "erase again", 0);
    check(rvm_pflash_read(&flash, eb + 8u, buf, 8) == RVM_OK && buf[0] == 0xff && buf[7] == 0xff, "erased again", 0);
}

static void check_blocks(void)
{
    uint64_t n = rvm_pflash_block_count(&flash);
    /* Four blocks inside one erase block, then one of them rewritten: the neighbours survive the merge. */
    check(write_pattern(1, 0, 4), "write blocks 0..3", 0);
    pattern(want, 1, 0, 4);
    pattern(want + BS, 2, 1, 1);
    check(rvm_pflash_block_write(&flash, 1, 1, want + BS) == RVM_OK, "rewrite block 1", 0);
    check(blocks_are(0, 4, want), "neighbours kept", 0);
    /* Across an erase-block boundary. */
    check(write_pattern(3, EB_BLOCKS - 2u, 4), "write across erase blocks", 0);
    /* A whole erase block, written twice: each time erased and programmed whole, no bounce. */
    const uint64_t whole = (uint64_t)3u * EB_BLOCKS;
    check(write_pattern(4, whole, EB_BLOCKS), "write a whole erase block", 0);
    check(write_pattern(5, whole, EB_BLOCKS), "rewrite a whole erase block", 0);
    /* Clearing bits only: programmed in place, the rest of the erase block untouched. */
    pattern(want, 5, whole, EB_BLOCKS);
    uint8_t *fifth = want + (size_t)5u * BS;
    for (uint32_t i = 0; i < BS; i++) {
        fifth[i] &= 0x0f;
    }
    check(rvm_pflash_block_write(&flash, whole + 5u, 1, fifth) == RVM_OK, "clear bits in place", 0);
    check(blocks_are(whole, EB_BLOCKS, want), "in-place write", 0);
    /* The last block of the bank, and a zero-block transfer. */
    check(write_pattern(6, n - 1u, 1), "write the last block", n - 1u);
    check(rvm_pflash_block_write(&flash, n, 0, want) == RVM_OK, "write nothing at the end", 0);
    check(rvm_pflash_block_read(&flash, 0, 0, buf) == RVM_OK, "read nothing", 0);
    /* Block reads equal byte reads. */
    uint8_t bytes[16];
    check(rvm_pflash_read(&flash, (n - 1u) * BS + 3u, bytes, sizeof bytes) == RVM_OK &&
              diff(bytes, want + 3, sizeof bytes) == 0,
          "byte read of a block", 0);
}

static uint64_t parse_hex_arg(const char *args, const char *key, bool *found)
{
    *found = false;
    if (args == NULL) {
        return 0;
    }
    for (const char *p = args; *p != '\0'; p++) {
        size_t k = 0;
        while (key[k] != '\0' && p[k] == key[k]) {
            k++;
        }
        if (key[k] != '\0') {
            continue;
        }
        uint64_t v = 0;
        for (p += k; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++) {
            v = (v << 4) | (uint64_t)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
            *found = true;
        }
        return v;
    }
    return 0;
}

static bool has_word(const char *args, const char *word)
{
    for (const char *p = args; p != NULL && *p != '\0'; p++) {
        size_t k = 0;
        while (word[k] != '\0' && p[k] == word[k]) {
            k++;
        }
        if (word[k] == '\0') {
            return true;
        }
    }
    return false;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8u; i++) {
        p[i] = (uint8_t)(v >> (8u * i));
    }
}

static uint64_t get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8u; i++) {
        v |= (uint64_t)p[i] << (8u * i);
    }
    return v;
}

/* Returns the exit status: the marker is written last, so a run cut short leaves no false "written" state. */
static uint64_t run_persist(uint64_t seed)
{
    static uint8_t marker[BS];
    check(rvm_pflash_block_read(&flash, PERSIST_MARKER, 1, marker) == RVM_OK, "read marker", 0);
    if (get_le64(marker) != MARKER_MAGIC) {
        check(write_pattern(seed, PERSIST_FIRST, PERSIST_COUNT), "persist write", seed);
        fill(marker, 0, BS);
        put_le64(marker, MARKER_MAGIC);
        put_le64(marker + 8, seed);
        check(rvm_pflash_block_write(&flash, PERSIST_MARKER, 1, marker) == RVM_OK, "write marker", 0);
        if (failures != 0) {
            return 1;
        }
        rvm_hal_console_puts("[RVM] el2: pflash wrote seed=");
        put_hex(seed);
        rvm_hal_console_puts("\n");
        return 0;
    }
    pattern(want, seed, PERSIST_FIRST, PERSIST_COUNT);
    bool same = get_le64(marker + 8) == seed && blocks_are(PERSIST_FIRST, PERSIST_COUNT, want);
    rvm_hal_console_puts(same ? "[RVM] el2: pflash verified seed=" : "[RVM] el2: pflash mismatch seed=");
    put_hex(seed);
    rvm_hal_console_puts(" stored=");
    put_hex(get_le64(marker + 8));
    rvm_hal_console_puts("\n");
    return same && failures == 0 ? 0 : 1;
}

/* QEMU refuses programs and erases on a read-only drive with the status error bits. */
static uint64_t run_readonly(void)
{
    static const uint8_t zeros[8];
    pattern(want, 7, 0, 1);
    check(rvm_pflash_erase(&flash, 0) == RVM_ERR_INTERNAL_ERROR, "read-only erase", 0);
    check(rvm_pflash_block_write(&flash, 0, 1, want) == RVM_ERR_INTERNAL_ERROR, "read-only block write", 0);
    check(rvm_pflash_program(&flash, 8, zeros, sizeof zeros) == RVM_ERR_INTERNAL_ERROR, "read-only program", 0);
    /* The errors were cleared and the bank is readable, unchanged. */
    fill(want, 0xff, BS);
    check(blocks_are(0, 1, want), "read-only bank unchanged", 0);
    check(rvm_pflash_erase(&flash, 0) == RVM_ERR_INTERNAL_ERROR, "read-only erase again", 0);
    if (failures != 0) {
        return 1;
    }
    rvm_hal_console_puts("[RVM] el2: pflash readonly refused\n");
    return 0;
}

/* The identity map: RAM, the console and the flash bank as device memory. */
static bool map(const rvm_dtb_platform_t *plat)
{
    rvm_mmu_region_t r[RVM_MMU_REGION_MAX];
    uint32_t n = 0;
    for (uint32_t i = 0; i < plat->memory_count && n < 8u; i++) {
        r[n++] = (rvm_mmu_region_t){ plat->memory[i].base, plat->memory[i].size, false };
    }
    r[n++] = (rvm_mmu_region_t){ plat->uart.base, plat->uart.size, true };
    r[n++] = (rvm_mmu_region_t){ plat->flash[FLASH_BANK].base, plat->flash[FLASH_BANK].size, true };
    return rvm_arch_mmu_init(r, n) == RVM_OK;
}

void rvm_hal_main(uint64_t dtb_pa)
{
    static rvm_dtb_t dtb;
    static rvm_dtb_platform_t plat;
    check(rvm_pl011_init(VIRT_PL011, VIRT_PL011_CLK, 115200) == RVM_OK, "pl011 init", 0);
    const void *blob = (const void *)(uintptr_t)dtb_pa; // NOLINT(performance-no-int-to-ptr): a physical address
    if (rvm_dtb_open(&dtb, blob, 1u << 20) != RVM_OK || rvm_dtb_read_platform(&dtb, &plat) != RVM_OK ||
        plat.flash_count != 2u || plat.flash_bank_width != 4u || !map(&plat)) {
        rvm_hal_console_puts("[RVM] el2: FAIL device tree or map\n");
        semihost_exit(1);
    }
    rvm_err_t err = rvm_pflash_probe(&flash, plat.flash[FLASH_BANK].base, plat.flash[FLASH_BANK].size,
                                     plat.flash_bank_width, bounce, sizeof bounce);
    rvm_hal_console_puts("[RVM] el2: pflash probe=");
    rvm_hal_console_puts(rvm_err_name(err));
    rvm_hal_console_puts(" size=");
    put_hex(flash.size);
    rvm_hal_console_puts(" erase=");
    put_hex(flash.erase_size);
    rvm_hal_console_puts(" chips=");
    put_hex(flash.chips);
    rvm_hal_console_puts(" buffer=");
    put_hex(flash.write_buffer_size);
    rvm_hal_console_puts("\n");
    if (err != RVM_OK) {
        semihost_exit(1);
    }
    check(flash.erase_size == EB_BLOCKS * BS, "erase block size", flash.erase_size);
    check(rvm_pflash_block_count(&flash) == flash.size / BS, "block count", rvm_pflash_block_count(&flash));

    bool found = false;
    uint64_t seed = parse_hex_arg(plat.bootargs, "seed=", &found);
    if (has_word(plat.bootargs, "pflash=persist")) {
        check(found, "persist needs seed=", 0);
        semihost_exit(found ? run_persist(seed) : 1);
    }
    if (has_word(plat.bootargs, "pflash=readonly")) {
        semihost_exit(run_readonly());
    }
    check_refusals();
    check_fake_banks();
    check_out_of_range();
    check_raw();
    check_blocks();
    if (failures == 0) {
        rvm_hal_console_puts("[RVM] el2: pflash PASS\n");
        semihost_exit(0);
    }
    rvm_hal_console_puts("[RVM] el2: pflash FAILED\n");
    semihost_exit(1);
}
