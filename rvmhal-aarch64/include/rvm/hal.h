/* Portable HAL interface: what the kernel needs from any port (console, interrupts, timer, CPU, entry). */
#ifndef RVM_HAL_H
#define RVM_HAL_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/trap_frame.h>

/*
 * Every port implements these functions; the devices behind them are set up
 * by port-specific init calls (rvm/uart.h, rvm/gic.h, rvm/timer.h on
 * AArch64), driven by the platform description. Link-time binding instead of
 * an ops table: one port per image, and no indirect call on the trap path.
 */

/* ---- Console ---- */

/* Writes one byte; drops it rather than hang if the device stays busy. */
void rvm_hal_console_putc(char c);
/* Writes a NUL-terminated string, sending "\r\n" for each "\n". */
void rvm_hal_console_puts(const char *s);
/* Next received byte (0..255), or -1 if none is waiting; never blocks. */
int rvm_hal_console_getc(void);

/* ---- Interrupt controller ---- */

/* INTID bits of an acknowledgement; the remaining bits belong to the port. */
#define RVM_HAL_IRQ_INTID_MASK 0x3ffu
/* INTID of an acknowledgement that found no pending interrupt. */
#define RVM_HAL_IRQ_SPURIOUS 1023u

/* Unmasks one interrupt at the controller; fails before init or for an INTID it cannot route. */
rvm_err_t rvm_hal_irq_enable(uint32_t intid);
/* Masks one interrupt at the controller; same failures as rvm_hal_irq_enable. */
rvm_err_t rvm_hal_irq_disable(uint32_t intid);
/* Acknowledges the highest-priority pending interrupt; INTID = result & RVM_HAL_IRQ_INTID_MASK. */
uint32_t rvm_hal_irq_ack(void);
/* Ends an interrupt: pass rvm_hal_irq_ack's result unchanged (not for RVM_HAL_IRQ_SPURIOUS). */
void rvm_hal_irq_eoi(uint32_t ack);
/*
 * Ends only the interrupt's priority, leaving it active: for an interrupt
 * forwarded to a partition, whose own end of the virtual interrupt deactivates
 * it (AArch64: rvm/vgic.h). Same argument as rvm_hal_irq_eoi.
 */
void rvm_hal_irq_priority_drop(uint32_t ack);
/* Lets this CPU take interrupts (AArch64: clears PSTATE.I). */
void rvm_hal_irq_local_enable(void);
/* Stops this CPU taking interrupts (AArch64: sets PSTATE.I). */
void rvm_hal_irq_local_disable(void);

/* ---- Hypervisor timer (one per CPU, counts in ticks of rvm_hal_timer_freq) ---- */

/* Tick frequency in Hz (0 if the firmware left it unset, in which case init failed). */
uint64_t rvm_hal_timer_freq(void);
/* Current count of the system counter. */
uint64_t rvm_hal_timer_now(void);
/* Fires the timer interrupt once, `ticks` from now (1 if 0); fails before init. */
rvm_err_t rvm_hal_timer_arm(uint64_t ticks);
/* Disarms the timer; its interrupt line drops. */
void rvm_hal_timer_stop(void);
/* INTID of the timer's interrupt, for rvm_hal_irq_enable and the IRQ handler. */
uint32_t rvm_hal_timer_intid(void);

/* ---- CPU ---- */

/* Sleeps until an interrupt is pending (it need not be unmasked). */
void rvm_hal_wait_for_interrupt(void);
/* Masks every interrupt and sleeps forever. */
_Noreturn void rvm_hal_halt(void);

/* ---- Entry ---- */

/*
 * Kernel-provided C entry, called once on the boot CPU at EL2 with interrupts
 * masked, BSS zeroed, the boot stack and exception vectors in place, with the
 * physical address of the device tree (0 if none was found). If it returns,
 * the CPU halts. The library's weak default says on the console that no
 * kernel was linked.
 */
void rvm_hal_main(uint64_t dtb_pa);

/*
 * Image entry point (code, never called from C): ENTRY() of an ELF image; a
 * raw image must put its section .text.boot first, as QEMU jumps to the first
 * byte. The linker script must define __bss_start (8-byte aligned) and _end
 * around everything to be zeroed (ld.lld and GNU ld define both by default).
 * It brings its own 64 KiB boot stack in .bss.
 */
void rvm_hal_entry(void);

#endif
