/* PL011 UART driver: the HAL console, polled. */
#include <rvm/hal.h>
#include <rvm/uart.h>

#include "platform.h"
#include "sysreg.h"

enum {
    PL011_DR = 0x000,
    PL011_FR = 0x018,
    PL011_IBRD = 0x024,
    PL011_FBRD = 0x028,
    PL011_LCR_H = 0x02c,
    PL011_CR = 0x030,
    PL011_IMSC = 0x038,
};

#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

/* A stuck device must not hang the hypervisor: give up after this many polls (spec §4.6). */
#define POLL_LIMIT 1000000u

static uintptr_t console_base = RVM_PL011_LAST_RESORT_BASE;

static bool wait_while(uintptr_t base, uint32_t fr_bits)
{
    for (uint32_t i = 0; i < POLL_LIMIT; i++) {
        if ((mmio_read32(base + PL011_FR) & fr_bits) == 0) {
            return true;
        }
    }
    return false;
}

rvm_err_t rvm_pl011_init(uintptr_t base, uint32_t clk_hz, uint32_t baud)
{
    if (base == 0 || (clk_hz != 0 && baud == 0)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* The PL011 requires the UART disabled and idle while its line settings change. */
    mmio_write32(base + PL011_CR, 0);
    (void)wait_while(base, FR_BUSY);
    mmio_write32(base + PL011_IMSC, 0);
    if (clk_hz != 0) {
        /* Divisor in 1/64ths, rounded to nearest: IBRD is its integer part, FBRD the fraction. */
        uint64_t div64 = (((uint64_t)clk_hz * 8u / baud) + 1u) / 2u;
        if (div64 < 64u || div64 >= (65536u << 6)) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
        mmio_write32(base + PL011_IBRD, (uint32_t)(div64 >> 6));
        mmio_write32(base + PL011_FBRD, (uint32_t)(div64 & 63u));
    }
    /* LCR_H must be written after the divisors: the PL011 latches all three on this write. */
    mmio_write32(base + PL011_LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
    mmio_write32(base + PL011_CR, CR_UARTEN | CR_TXE | CR_RXE);
    console_base = base;
    return RVM_OK;
}

void rvm_hal_console_putc(char c)
{
    if (wait_while(console_base, FR_TXFF)) {
        mmio_write32(console_base + PL011_DR, (uint8_t)c);
    }
}

void rvm_hal_console_puts(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\n') {
            rvm_hal_console_putc('\r');
        }
        rvm_hal_console_putc(*s);
    }
}

int rvm_hal_console_getc(void)
{
    if ((mmio_read32(console_base + PL011_FR) & FR_RXFE) != 0) {
        return -1;
    }
    return (int)(mmio_read32(console_base + PL011_DR) & 0xffu);
}
