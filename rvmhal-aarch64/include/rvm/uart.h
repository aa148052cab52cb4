/* PL011 UART as the HAL console (AArch64 port). */
#ifndef RVM_UART_H
#define RVM_UART_H

#include <stdint.h>

#include <rvm/err.h>

/*
 * Until rvm_pl011_init runs, the console writes to the PL011 of QEMU virt at
 * 0x09000000: the console of last resort for messages before the device tree
 * is parsed. QEMU's model needs no setup to transmit.
 */

/* Makes the PL011 at `base` the console: 8N1, FIFOs on, polled; clk_hz = 0 keeps the firmware's baud rate. */
rvm_err_t rvm_pl011_init(uintptr_t base, uint32_t clk_hz, uint32_t baud);

#endif
