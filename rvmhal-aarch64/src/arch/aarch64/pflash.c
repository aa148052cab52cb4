/* CFI NOR flash, Intel/Sharp command set, on a 32-bit bus (JEDEC JESD68 query, Intel's basic command set). */
#include <stdbool.h>

#include <rvm/hal.h>
#include <rvm/pflash.h>

#include "sysreg.h"

#define BUS_BYTES 4u

/* Commands; each device takes them on its data lane's low byte, so they are sent in every byte lane. */
#define CMD_READ_ARRAY 0xffu
#define CMD_READ_STATUS 0x70u
#define CMD_CLEAR_STATUS 0x50u
#define CMD_QUERY 0x98u
#define CMD_WORD_PROGRAM 0x40u
#define CMD_BUFFER_PROGRAM 0xe8u
#define CMD_BLOCK_ERASE 0x20u
#define CMD_CONFIRM 0xd0u
#define CMD_LOCK_SETUP 0x60u

#define STATUS_READY 0x80u
/* Erase error, program error, programming voltage low, block locked. */
#define STATUS_ERRORS 0x3au

/* CFI query table indices (in device words; the bus address is index * BUS_BYTES). */
#define CFI_QUERY_ADDR 0x55u
#define CFI_Q 0x10u
#define CFI_COMMAND_SET 0x13u
#define CFI_PROGRAM_TYP 0x1fu
#define CFI_BUFFER_TYP 0x20u
#define CFI_ERASE_TYP 0x21u
#define CFI_PROGRAM_MAX 0x23u
#define CFI_BUFFER_MAX 0x24u
#define CFI_ERASE_MAX 0x25u
#define CFI_DEVICE_SIZE 0x27u
#define CFI_WRITE_BUFFER 0x2au
#define CFI_ERASE_REGIONS 0x2cu
#define CFI_REGION0 0x2du

#define CMDSET_INTEL_EXTENDED 0x0001u
#define CMDSET_INTEL_STANDARD 0x0003u

/* Lower bounds of the time limits, for tables that state none or an implausibly short one. */
#define PROGRAM_FLOOR_US 1000u
#define ERASE_FLOOR_MS 1000u
/* Caps on the table's exponents, so that a corrupt table cannot overflow the tick arithmetic. */
#define CFI_TYP_EXP_MAX 16u
#define CFI_MAX_EXP_MAX 8u
#define CFI_SIZE_EXP_MAX 40u

static uint32_t bus_read(const rvm_pflash_t *dev, uint64_t off)
{
    return mmio_read32((uintptr_t)(dev->base + off));
}

static void bus_write(const rvm_pflash_t *dev, uint64_t off, uint32_t v)
{
    mmio_write32((uintptr_t)(dev->base + off), v);
}

static void command(const rvm_pflash_t *dev, uint64_t off, uint32_t cmd)
{
    bus_write(dev, off, cmd * 0x01010101u);
}

/* A CFI byte: the first device's answer (probe has checked that every device answers the same). */
static uint32_t cfi_byte(const rvm_pflash_t *dev, uint32_t index)
{
    return bus_read(dev, (uint64_t)index * BUS_BYTES) & 0xffu;
}

static uint32_t cfi_u16(const rvm_pflash_t *dev, uint32_t index)
{
    return cfi_byte(dev, index) | (cfi_byte(dev, index + 1u) << 8);
}

/* `lane` (the low `width` bytes) repeated across the bus word. */
static uint32_t replicate(uint32_t lane, uint32_t width)
{
    uint32_t v = 0;
    for (uint32_t shift = 0; shift < 32u; shift += 8u * width) {
        v |= lane << shift;
    }
    return v;
}

/*
 * Device width from the 'Q' of the query answer: interleaved devices each
 * put 'Q' in the low byte of their own lane and zero above it, so the answer
 * is 'Q' replicated at the narrowest width that reproduces the whole word.
 */
static uint32_t device_width(uint32_t q)
{
    for (uint32_t width = 1u; width < BUS_BYTES; width *= 2u) {
        if (replicate(q & ((1u << (8u * width)) - 1u), width) == q) {
            return width;
        }
    }
    return BUS_BYTES;
}

/* Every device answers `want` at `index` (the identification string). */
static bool cfi_all_lanes(const rvm_pflash_t *dev, uint32_t index, uint32_t want)
{
    return bus_read(dev, (uint64_t)index * BUS_BYTES) == want * dev->lane_ones;
}

static uint64_t us_to_ticks(uint64_t us)
{
    return us * rvm_hal_timer_freq() / 1000000u;
}

static uint32_t cap(uint32_t v, uint32_t max)
{
    return v > max ? max : v;
}

/* A time limit from the table: typical 2^typ units times 2^max, no less than `floor` units. */
static uint64_t limit_of(const rvm_pflash_t *dev, uint32_t typ_index, uint32_t max_index, uint64_t floor)
{
    uint64_t v = (UINT64_C(1) << cap(cfi_byte(dev, typ_index), CFI_TYP_EXP_MAX))
                 << cap(cfi_byte(dev, max_index), CFI_MAX_EXP_MAX);
    return v < floor ? floor : v;
}

/* Word and buffer programs count in microseconds, block erases in milliseconds. */
static void read_timeouts(rvm_pflash_t *dev)
{
    dev->program_ticks = us_to_ticks(limit_of(dev, CFI_PROGRAM_TYP, CFI_PROGRAM_MAX, PROGRAM_FLOOR_US));
    dev->buffer_ticks = us_to_ticks(limit_of(dev, CFI_BUFFER_TYP, CFI_BUFFER_MAX, PROGRAM_FLOOR_US));
    dev->erase_ticks = us_to_ticks(limit_of(dev, CFI_ERASE_TYP, CFI_ERASE_MAX, ERASE_FLOOR_MS) * 1000u);
}

/* Geometry from the query table, checked against what the driver supports and the mapped window. */
static rvm_err_t read_geometry(rvm_pflash_t *dev, uint64_t window)
{
    uint32_t cmdset = cfi_u16(dev, CFI_COMMAND_SET);
    if (cmdset != CMDSET_INTEL_EXTENDED && cmdset != CMDSET_INTEL_STANDARD) {
        return RVM_ERR_UNSUPPORTED;
    }
    if (cfi_byte(dev, CFI_ERASE_REGIONS) != 1u) {
        return RVM_ERR_UNSUPPORTED;
    }
    uint32_t size_exp = cfi_byte(dev, CFI_DEVICE_SIZE);
    uint32_t buffer_exp = cfi_u16(dev, CFI_WRITE_BUFFER);
    uint64_t blocks = (uint64_t)cfi_u16(dev, CFI_REGION0) + 1u;
    uint32_t unit = cfi_u16(dev, CFI_REGION0 + 2u);
    /* The table counts erase-block size in 256-byte units, 0 meaning 128 bytes. */
    uint64_t chip_block = unit == 0 ? 128u : (uint64_t)unit * 256u;
    uint64_t erase = chip_block * dev->chips;
    if (size_exp > CFI_SIZE_EXP_MAX || erase > RVM_PFLASH_MAX_ERASE_SIZE || (erase & (erase - 1u)) != 0 ||
        erase < RVM_PFLASH_BLOCK_SIZE || buffer_exp > 31u) {
        return RVM_ERR_UNSUPPORTED;
    }
    uint64_t size = (UINT64_C(1) << size_exp) * dev->chips;
    if (blocks * erase < size) {
        size = blocks * erase;
    }
    size = size < window ? size : window;
    dev->size = size & ~(erase - 1u);
    if (dev->size == 0) {
        return RVM_ERR_UNSUPPORTED;
    }
    /* A write buffer larger than an erase block is no device the driver knows. */
    uint64_t buffer = buffer_exp == 0 ? 0 : (UINT64_C(1) << buffer_exp) * dev->chips;
    if (buffer > erase) {
        return RVM_ERR_UNSUPPORTED;
    }
    dev->erase_size = (uint32_t)erase;
    dev->write_buffer_size = (uint32_t)buffer;
    /* Lines of a bus word or less are word programs; a line's word count minus one must fit one device's lane. */
    uint64_t line = buffer < BUS_BYTES ? BUS_BYTES : buffer;
    uint64_t lane_words = dev->chips == 1u ? UINT64_C(1) << 32 : UINT64_C(1) << (32u / dev->chips);
    dev->line_size = (uint32_t)(line > lane_words * BUS_BYTES ? lane_words * BUS_BYTES : line);
    return RVM_OK;
}

rvm_err_t rvm_pflash_probe(rvm_pflash_t *dev, uint64_t base, uint64_t window, uint32_t bank_width, uint8_t *bounce,
                           uint32_t bounce_len)
{
    if (dev == NULL || bounce == NULL || bounce_len < RVM_PFLASH_MAX_ERASE_SIZE || window == 0 ||
        (base & (BUS_BYTES - 1u)) != 0 || base > UINT64_MAX - window || (base + window) >> 48 != 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (bank_width != 0 && bank_width != BUS_BYTES) {
        return RVM_ERR_UNSUPPORTED;
    }
    if (rvm_hal_timer_freq() == 0) {
        return RVM_ERR_UNSUPPORTED;
    }
    rvm_pflash_t d = { .base = base };
    d.bounce = bounce;
    command(&d, 0, CMD_READ_ARRAY);
    command(&d, (uint64_t)CFI_QUERY_ADDR * BUS_BYTES, CMD_QUERY);
    uint32_t q = bus_read(&d, (uint64_t)CFI_Q * BUS_BYTES);
    uint32_t width = device_width(q);
    d.chips = BUS_BYTES / width;
    d.lane_ones = replicate(1u, width);
    rvm_err_t err = RVM_OK;
    if (!cfi_all_lanes(&d, CFI_Q, 'Q') || !cfi_all_lanes(&d, CFI_Q + 1u, 'R') ||
        !cfi_all_lanes(&d, CFI_Q + 2u, 'Y')) {
        err = RVM_ERR_UNSUPPORTED;
    }
    if (err == RVM_OK) {
        err = read_geometry(&d, window);
    }
    if (err == RVM_OK) {
        read_timeouts(&d);
    }
    command(&d, 0, CMD_READ_ARRAY);
    if (err == RVM_OK) {
        *dev = d;
    }
    return err;
}

static bool range_ok(const rvm_pflash_t *dev, uint64_t offset, uint64_t len)
{
    return offset <= dev->size && len <= dev->size - offset;
}

/*
 * Polls the status register until every device is ready, then judges it; an
 * error bit is cleared (the devices keep it until told). The bank stays in
 * status mode: only the public entry points return it to read-array mode,
 * once, because QEMU remaps the whole bank at every switch between the two.
 */
static rvm_err_t wait_ready(const rvm_pflash_t *dev, uint64_t off, uint64_t limit)
{
    uint32_t ready = STATUS_READY * dev->lane_ones;
    uint32_t errors = STATUS_ERRORS * dev->lane_ones;
    command(dev, off, CMD_READ_STATUS);
    uint64_t start = rvm_hal_timer_now();
    uint32_t status = bus_read(dev, off);
    while ((status & ready) != ready) {
        if (rvm_hal_timer_now() - start > limit) {
            return RVM_ERR_DEVICE_TIMEOUT;
        }
        status = bus_read(dev, off);
    }
    if ((status & errors) != 0) {
        command(dev, off, CMD_CLEAR_STATUS);
        return RVM_ERR_INTERNAL_ERROR;
    }
    return RVM_OK;
}

/* Back to read-array mode, passing `err` through. */
static rvm_err_t to_array(const rvm_pflash_t *dev, rvm_err_t err)
{
    command(dev, 0, CMD_READ_ARRAY);
    return err;
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Bus words are little-endian: the byte at the lowest address travels in the lowest lane. */
static void copy_out(const rvm_pflash_t *dev, uint64_t offset, uint8_t *buf, uint64_t len)
{
    uint64_t i = 0;
    while (i < len) {
        uint64_t at = offset + i;
        uint32_t word = bus_read(dev, at & ~(uint64_t)(BUS_BYTES - 1u));
        for (uint32_t lane = (uint32_t)(at & (BUS_BYTES - 1u)); lane < BUS_BYTES && i < len; lane++, i++) {
            buf[i] = (uint8_t)(word >> (8u * lane));
        }
    }
}

rvm_err_t rvm_pflash_read(const rvm_pflash_t *dev, uint64_t offset, uint8_t *buf, uint64_t len)
{
    if (dev == NULL || buf == NULL || !range_ok(dev, offset, len)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    copy_out(dev, offset, buf, len);
    return RVM_OK;
}

/* Intel parts may power up with blocks locked; unlocking an unlocked block is harmless. */
static rvm_err_t erase_block(const rvm_pflash_t *dev, uint64_t offset)
{
    command(dev, offset, CMD_LOCK_SETUP);
    command(dev, offset, CMD_CONFIRM);
    rvm_err_t err = wait_ready(dev, offset, dev->program_ticks);
    if (err != RVM_OK) {
        return err;
    }
    command(dev, offset, CMD_BLOCK_ERASE);
    command(dev, offset, CMD_CONFIRM);
    return wait_ready(dev, offset, dev->erase_ticks);
}

rvm_err_t rvm_pflash_erase(rvm_pflash_t *dev, uint64_t offset)
{
    if (dev == NULL || (offset & (dev->erase_size - 1u)) != 0 || offset >= dev->size) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return to_array(dev, erase_block(dev, offset));
}

/* Every word of [offset, offset + len) equals buf (read-array mode). */
static bool matches(const rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf, uint64_t len)
{
    for (uint64_t i = 0; i < len; i += BUS_BYTES) {
        if (bus_read(dev, offset + i) != load_le32(buf + i)) {
            return false;
        }
    }
    return true;
}

static bool all_ones(const uint8_t *buf, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++) {
        if (buf[i] != 0xffu) {
            return false;
        }
    }
    return true;
}

/* One word with the word-program command. */
static rvm_err_t program_word(const rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf)
{
    command(dev, offset, CMD_WORD_PROGRAM);
    bus_write(dev, offset, load_le32(buf));
    return wait_ready(dev, offset, dev->program_ticks);
}

/*
 * One write-buffer line: the count (bus words - 1, in every device's lane),
 * the data, the confirm. Each device takes one word of its own per bus word.
 */
static rvm_err_t program_line(const rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf, uint64_t len)
{
    uint32_t ready = STATUS_READY * dev->lane_ones;
    command(dev, offset, CMD_BUFFER_PROGRAM);
    uint64_t start = rvm_hal_timer_now();
    while ((bus_read(dev, offset) & ready) != ready) {
        if (rvm_hal_timer_now() - start > dev->buffer_ticks) {
            return RVM_ERR_DEVICE_TIMEOUT;
        }
        command(dev, offset, CMD_BUFFER_PROGRAM);
    }
    bus_write(dev, offset, (uint32_t)(len / BUS_BYTES - 1u) * dev->lane_ones);
    for (uint64_t i = 0; i < len; i += BUS_BYTES) {
        bus_write(dev, offset + i, load_le32(buf + i));
    }
    command(dev, offset, CMD_CONFIRM);
    return wait_ready(dev, offset, dev->buffer_ticks);
}

/*
 * Stores buf at [offset, offset + len), where programming alone can (only
 * bits to clear), in write-buffer lines where the device has a buffer, words
 * otherwise. After an erase (`erased`), lines that stay all ones are skipped.
 * Rewriting a word with its own value changes nothing, so lines are written
 * whole. The read-back at the end is the proof.
 */
static rvm_err_t program_range(const rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf, uint64_t len,
                               bool erased)
{
    uint64_t line = dev->line_size;
    uint64_t i = 0;
    rvm_err_t err = RVM_OK;
    while (i < len && err == RVM_OK) {
        uint64_t at = offset + i;
        uint64_t next = (at | (line - 1u)) + 1u;
        uint64_t n = (next - at < len - i) ? next - at : len - i;
        if (!(erased && all_ones(buf + i, n))) {
            err = n == BUS_BYTES ? program_word(dev, at, buf + i) : program_line(dev, at, buf + i, n);
        }
        i += n;
    }
    err = to_array(dev, err);
    if (err == RVM_OK && !matches(dev, offset, buf, len)) {
        err = RVM_ERR_INTERNAL_ERROR;
    }
    return err;
}

/* Every bit buf sets is still set in the bank, so programming alone can store it. */
static bool programmable(const rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf, uint64_t len)
{
    for (uint64_t i = 0; i < len; i += BUS_BYTES) {
        uint32_t want = load_le32(buf + i);
        if ((bus_read(dev, offset + i) & want) != want) {
            return false;
        }
    }
    return true;
}

rvm_err_t rvm_pflash_program(rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf, uint64_t len)
{
    if (dev == NULL || buf == NULL || ((offset | len) & (BUS_BYTES - 1u)) != 0 || !range_ok(dev, offset, len) ||
        !programmable(dev, offset, buf, len)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return program_range(dev, offset, buf, len, false);
}

uint64_t rvm_pflash_block_count(const rvm_pflash_t *dev)
{
    return dev == NULL ? 0 : dev->size / RVM_PFLASH_BLOCK_SIZE;
}

static bool blocks_ok(const rvm_pflash_t *dev, uint64_t block, uint32_t count)
{
    uint64_t n = rvm_pflash_block_count(dev);
    return block <= n && count <= n - block;
}

rvm_err_t rvm_pflash_block_read(void *ctx, uint64_t block, uint32_t count, uint8_t *buf)
{
    const rvm_pflash_t *dev = ctx;
    if (dev == NULL || buf == NULL || !blocks_ok(dev, block, count)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    copy_out(dev, block * RVM_PFLASH_BLOCK_SIZE, buf, (uint64_t)count * RVM_PFLASH_BLOCK_SIZE);
    return RVM_OK;
}

/*
 * Stores [offset, offset + len), which lies inside one erase block: in place
 * when only bits are cleared, erase and program when the write covers the
 * whole erase block, else through the bounce buffer.
 */
static rvm_err_t write_in_erase_block(const rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf, uint64_t len)
{
    if (matches(dev, offset, buf, len)) {
        return RVM_OK;
    }
    if (programmable(dev, offset, buf, len)) {
        return program_range(dev, offset, buf, len, false);
    }
    uint64_t start = offset & ~(uint64_t)(dev->erase_size - 1u);
    if (len == dev->erase_size) {
        rvm_err_t err = erase_block(dev, start);
        return err != RVM_OK ? to_array(dev, err) : program_range(dev, start, buf, len, true);
    }
    copy_out(dev, start, dev->bounce, dev->erase_size);
    for (uint64_t i = 0; i < len; i++) {
        dev->bounce[offset - start + i] = buf[i];
    }
    rvm_err_t err = erase_block(dev, start);
    return err != RVM_OK ? to_array(dev, err) : program_range(dev, start, dev->bounce, dev->erase_size, true);
}

rvm_err_t rvm_pflash_block_write(void *ctx, uint64_t block, uint32_t count, const uint8_t *buf)
{
    const rvm_pflash_t *dev = ctx;
    if (dev == NULL || buf == NULL || !blocks_ok(dev, block, count)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint64_t offset = block * RVM_PFLASH_BLOCK_SIZE;
    uint64_t end = offset + (uint64_t)count * RVM_PFLASH_BLOCK_SIZE;
    while (offset < end) {
        uint64_t next = (offset | (dev->erase_size - 1u)) + 1u;
        uint64_t len = (next < end ? next : end) - offset;
        rvm_err_t err = write_in_erase_block(dev, offset, buf, len);
        if (err != RVM_OK) {
            return err;
        }
        buf += len;
        offset += len;
    }
    return RVM_OK;
}
