/*
 * The runtime shared by the RVM test guests: entry glue, line-buffered
 * console output through RVM_HC_CONSOLE_WRITE, and a busy wait on the
 * virtual counter. Guests talk to the hypervisor only through
 * <rvm/hypercall.h>; no RVM library is linked in.
 */
#ifndef RVM_TEST_GUEST_H
#define RVM_TEST_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/hypercall.h>

/*
 * x0..x3 as the kernel set them at entry: the partition id, then the handles
 * of the capabilities the partition was created with (0 when none).
 */
extern uint64_t guest_boot_regs[4];

/* Each guest's entry point after the runtime set up; its result is the exit code. */
int main(void);

/*
 * One console line, written with a single hypercall so that a preemption
 * between two guests can never splice their output mid-line.
 */
typedef struct guest_line {
    char buf[RVM_HC_CONSOLE_MAX];
    size_t len;
} guest_line_t;

void guest_line_start(guest_line_t *line, const char *text);
void guest_line_str(guest_line_t *line, const char *text);
void guest_line_dec(guest_line_t *line, int64_t value);
void guest_line_hex(guest_line_t *line, uint64_t value);
/* Appends '\n' and writes the line; returns the hypercall status. */
int64_t guest_line_end(guest_line_t *line);

/* Spins, never yielding, until `ms` milliseconds of the virtual counter have passed. */
void guest_spin_ms(uint32_t ms);

/* Ends the partition with `code`; never returns. */
_Noreturn void guest_exit(int code);

#endif
