/* The kernel's console: `[RVM] `-prefixed lines and the per-partition line buffers behind CONSOLE_WRITE. */
#ifndef RVM_KERNEL_CONSOLE_H
#define RVM_KERNEL_CONSOLE_H

#include <stdint.h>

#include <rvm/hypercall.h>

/* A partition's unfinished console line; a guest's bytes only reach the UART as whole tagged lines. */
typedef struct rvm_console_line {
    char buf[RVM_HC_CONSOLE_MAX];
    uint32_t len;
} rvm_console_line_t;

/* Starts a console line: writes the `[RVM] ` prefix. */
void rvm_console_begin(void);
void rvm_console_str(const char *s);
void rvm_console_dec(uint64_t v);
void rvm_console_hex(uint64_t v);
/* `len` bytes as lowercase hex, two digits each, no prefix (digests). */
void rvm_console_bytes(const uint8_t *bytes, uint32_t len);
/* Ends the current line. */
void rvm_console_end(void);
/* A whole line: prefix, `s`, newline. */
void rvm_console_line(const char *s);

/* Buffers one guest byte of partition `id`; a newline or a full buffer prints `[RVM] [p<id>] <line>`. */
void rvm_console_guest_putc(rvm_console_line_t *line, uint32_t id, char c);
/* Prints what is left of a partition's line (when it stops). */
void rvm_console_guest_flush(rvm_console_line_t *line, uint32_t id);

#endif
