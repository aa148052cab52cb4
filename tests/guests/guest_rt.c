/* The RVM test guests' runtime: see guest.h. */
#include "guest.h"

/* Clang may turn copy and clear loops into calls to these even freestanding; there is no libc. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
/* Called from start.S only. */
_Noreturn void guest_rt_start(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);

extern char guest_bss_start[];
extern char guest_bss_end[];

uint64_t guest_boot_regs[4];

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    for (size_t i = 0; i < n; i++) {
        d[i] = (unsigned char)c;
    }
    return dst;
}

_Noreturn void guest_rt_start(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
    /* The kernel loads only the raw image; BSS beyond it holds whatever the pages held. */
    memset(guest_bss_start, 0, (size_t)(guest_bss_end - guest_bss_start));
    guest_boot_regs[0] = x0;
    guest_boot_regs[1] = x1;
    guest_boot_regs[2] = x2;
    guest_boot_regs[3] = x3;
    guest_exit(main());
}

_Noreturn void guest_exit(int code)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), (uint64_t)(int64_t)code, 0, 0, 0, 0, 0);
    /* RVM_HC_EXIT must not return; if a broken kernel resumes us, stay quiet instead of running on. */
    for (;;) {
        __asm__ volatile("wfe");
    }
}

void guest_line_start(guest_line_t *line, const char *text)
{
    line->len = 0;
    guest_line_str(line, text);
}

void guest_line_str(guest_line_t *line, const char *text)
{
    /* One byte stays free for the '\n' that guest_line_end adds; longer text is cut, never overflowed. */
    while (*text != '\0' && line->len < sizeof line->buf - 1) {
        line->buf[line->len++] = *text++;
    }
}

void guest_line_dec(guest_line_t *line, int64_t value)
{
    char digits[24];
    size_t n = 0;
    /* Negate in unsigned arithmetic so that INT64_MIN prints correctly. */
    uint64_t mag = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    if (value < 0) {
        digits[n++] = '-';
    }
    char text[sizeof digits + 1];
    for (size_t i = 0; i < n; i++) {
        text[i] = digits[n - 1 - i];
    }
    text[n] = '\0';
    guest_line_str(line, text);
}

void guest_line_hex(guest_line_t *line, uint64_t value)
{
    static const char hex[] = "0123456789abcdef";
    char text[19] = "0x";
    for (int i = 0; i < 16; i++) {
        text[2 + i] = hex[(value >> (60 - 4 * i)) & 0xfu];
    }
    text[18] = '\0';
    guest_line_str(line, text);
}

int64_t guest_line_end(guest_line_t *line)
{
    line->buf[line->len++] = '\n';
    /* The stage-1 MMU is off, so the buffer's address is its IPA. */
    rvm_hc_result_t r =
        rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)line->buf, line->len, 0, 0, 0, 0);
    line->len = 0;
    return r.status;
}

static uint64_t counter_now(void)
{
    uint64_t v;
    /* The ISB keeps the counter read from being hoisted out of the wait loop's ordering. */
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

void guest_spin_ms(uint32_t ms)
{
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    uint64_t start = counter_now();
    uint64_t ticks = freq / 1000u * ms;
    while (counter_now() - start < ticks) {
        /* Busy on purpose: the test needs a guest that never gives up the CPU by itself. */
    }
}
