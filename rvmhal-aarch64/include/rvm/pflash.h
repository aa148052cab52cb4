/*
 * CFI parallel NOR flash with the Intel/Sharp command set (QEMU virt's
 * "cfi-flash" banks, -drive if=pflash): the hypervisor's persistent block
 * store, e.g. librvmmem's cold tier (rvm/mem_cold.h).
 *
 * The bank is driven through 32-bit accesses (the only bank width supported;
 * QEMU virt's) with any interleave of x8, x16 or x32 devices that CFI reports.
 * The caller maps the bank as device memory (rvm/mmu.h) before probing it.
 * Every wait on the device is bounded by the maximum time its CFI table
 * states (with a floor), measured on the HAL timer's counter.
 *
 * Block interface: RVM_PFLASH_BLOCK_SIZE-byte blocks. Flash can only clear
 * bits; setting one needs the whole erase block erased. Per erase block a
 * block write does nothing when the data is already there, programs in place
 * when it only clears bits, erases and programs when it covers the whole
 * erase block, and otherwise reads the erase block into the caller's bounce
 * buffer, merges, erases and reprograms it, so a power loss in that window
 * can lose the other blocks sharing the erase block. Programming goes
 * through the devices' write buffer when they have one (one bus word at a
 * time otherwise), and every write is read back before it reports success.
 * Every call leaves the bank in read-array mode.
 */
#ifndef RVM_PFLASH_H
#define RVM_PFLASH_H

#include <stdint.h>

#include <rvm/err.h>

/* Bytes per block of the block interface (a power of two, as rvm_cold_ops_t requires). */
#define RVM_PFLASH_BLOCK_SIZE 4096u
/* Largest erase block the driver accepts; the bounce buffer must be this large (QEMU virt: 256 KiB). */
#define RVM_PFLASH_MAX_ERASE_SIZE 0x40000u /* 256 KiB */

/* A probed bank; fields are filled by rvm_pflash_probe and read-only for the caller. */
typedef struct rvm_pflash {
    uint64_t base;              /* physical (= EL2 virtual) address of the bank */
    uint64_t size;              /* usable bytes: the CFI size, capped by the mapped window */
    uint32_t chips;             /* interleaved devices on the 32-bit bus */
    uint32_t erase_size;        /* bytes per erase block across the bank */
    uint32_t write_buffer_size; /* bytes of the devices' multi-byte write buffer across the bank; 0 without one */
    uint32_t line_size;         /* bytes per program operation: a write-buffer line, else one bus word */
    uint32_t lane_ones;         /* 1 in the low byte of every device's lane: a byte times this reaches them all */
    uint64_t program_ticks;     /* time limit of one word program, in counter ticks */
    uint64_t buffer_ticks;      /* time limit of one write-buffer program */
    uint64_t erase_ticks;       /* time limit of one block erase */
    uint8_t *bounce;            /* caller storage of RVM_PFLASH_MAX_ERASE_SIZE bytes for read-modify-write */
} rvm_pflash_t;

/*
 * Identifies the bank at [base, base + window) with a CFI query and fills *dev.
 * bank_width is the device tree's bank-width (0 when absent: 4 assumed).
 * RVM_ERR_INVALID_ARGUMENT: NULL pointer, empty window, base not 4-byte aligned,
 * window beyond 48 address bits, bounce_len below RVM_PFLASH_MAX_ERASE_SIZE;
 * RVM_ERR_UNSUPPORTED: a bank width other than 4, no counter frequency, no CFI
 * answer ("QRY" from every device), a command set other than Intel/Sharp
 * (0x0001, 0x0003), non-uniform erase blocks, an erase block outside
 * [RVM_PFLASH_BLOCK_SIZE, RVM_PFLASH_MAX_ERASE_SIZE] or larger than the
 * window, a write buffer larger than an erase block.
 * The bank is left in read-array mode.
 */
rvm_err_t rvm_pflash_probe(rvm_pflash_t *dev, uint64_t base, uint64_t window, uint32_t bank_width, uint8_t *bounce,
                           uint32_t bounce_len);

/* Copies [offset, offset + len) of the bank into buf; RVM_ERR_INVALID_ARGUMENT outside the bank or for NULL. */
rvm_err_t rvm_pflash_read(const rvm_pflash_t *dev, uint64_t offset, uint8_t *buf, uint64_t len);

/*
 * Erases the erase block at `offset` (a multiple of erase_size) to all ones.
 * RVM_ERR_INVALID_ARGUMENT for a misaligned or out-of-range offset;
 * RVM_ERR_INTERNAL_ERROR when the device reports an error (erase, voltage,
 * locked block); RVM_ERR_DEVICE_TIMEOUT when it stays busy past its limit.
 */
rvm_err_t rvm_pflash_erase(rvm_pflash_t *dev, uint64_t offset);

/*
 * Programs buf into [offset, offset + len), both multiples of 4, word by word,
 * and reads it back. Programming only clears bits: RVM_ERR_INVALID_ARGUMENT
 * (nothing written) when some bit would have to go from 0 to 1, or outside the
 * bank; device errors as for rvm_pflash_erase, and RVM_ERR_INTERNAL_ERROR when
 * the read-back differs.
 */
rvm_err_t rvm_pflash_program(rvm_pflash_t *dev, uint64_t offset, const uint8_t *buf, uint64_t len);

/* Blocks of RVM_PFLASH_BLOCK_SIZE bytes in the bank. */
uint64_t rvm_pflash_block_count(const rvm_pflash_t *dev);

/*
 * The block interface, with rvm_cold_ops_t's signatures so that the kernel
 * can hand them to librvmmem with ctx = the rvm_pflash_t. Read: `count`
 * blocks from `block` into buf. Write: `count` blocks from buf at `block`,
 * erasing where it must (see above); durable when it returns. Both
 * RVM_ERR_INVALID_ARGUMENT for NULL or blocks beyond rvm_pflash_block_count;
 * write fails as rvm_pflash_erase and rvm_pflash_program do.
 */
rvm_err_t rvm_pflash_block_read(void *ctx, uint64_t block, uint32_t count, uint8_t *buf);
rvm_err_t rvm_pflash_block_write(void *ctx, uint64_t block, uint32_t count, const uint8_t *buf);

#endif
