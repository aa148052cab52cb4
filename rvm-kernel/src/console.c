/* Console formatting on top of the HAL's byte output; no printf in a freestanding kernel. */
#include "console.h"

#include <rvm/hal.h>

#define DEC_DIGITS_MAX 20u
#define HEX_NIBBLES 16u

void rvm_console_begin(void)
{
    rvm_hal_console_puts("[RVM] ");
}

void rvm_console_str(const char *s)
{
    rvm_hal_console_puts(s);
}

void rvm_console_dec(uint64_t v)
{
    char digits[DEC_DIGITS_MAX];
    uint32_t n = 0;
    do {
        digits[n++] = (char)('0' + (v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (n > 0u) {
        rvm_hal_console_putc(digits[--n]);
    }
}

void rvm_console_hex(uint64_t v)
{
    rvm_hal_console_puts("0x");
    for (uint32_t i = HEX_NIBBLES; i > 0u; i--) {
        rvm_hal_console_putc("0123456789abcdef"[(v >> ((i - 1u) * 4u)) & 0xFu]);
    }
}

void rvm_console_bytes(const uint8_t *bytes, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        rvm_hal_console_putc("0123456789abcdef"[bytes[i] >> 4]);
        rvm_hal_console_putc("0123456789abcdef"[bytes[i] & 0xFu]);
    }
}

void rvm_console_end(void)
{
    rvm_hal_console_puts("\n");
}

void rvm_console_line(const char *s)
{
    rvm_console_begin();
    rvm_console_str(s);
    rvm_console_end();
}

void rvm_console_guest_flush(rvm_console_line_t *line, uint32_t id)
{
    if (line->len == 0u) {
        return;
    }
    rvm_console_begin();
    rvm_console_str("[p");
    rvm_console_dec(id);
    rvm_console_str("] ");
    for (uint32_t i = 0; i < line->len; i++) {
        rvm_hal_console_putc(line->buf[i]);
    }
    rvm_console_end();
    line->len = 0;
}

void rvm_console_guest_putc(rvm_console_line_t *line, uint32_t id, char c)
{
    if (c == '\n') {
        /* An empty guest line still prints, so guests can emit blank separators deliberately. */
        if (line->len == 0u) {
            line->buf[line->len++] = ' ';
        }
        rvm_console_guest_flush(line, id);
        return;
    }
    if (c == '\r') {
        return;
    }
    /* Control bytes could move the cursor or forge another partition's prefix on a terminal: show them as '?'. */
    unsigned char u = (unsigned char)c;
    line->buf[line->len++] = (u < 0x20u || u > 0x7Eu) ? '?' : c;
    if (line->len == RVM_HC_CONSOLE_MAX) {
        rvm_console_guest_flush(line, id);
    }
}
