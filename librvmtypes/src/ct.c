#include <stdint.h>

#include <rvm/ct.h>

bool rvm_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *pa = a;
    const volatile uint8_t *pb = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) {
        diff |= (uint8_t)(pa[i] ^ pb[i]);
    }
    return diff == 0;
}

void rvm_secure_zero(void *p, size_t n)
{
    __builtin_memset(p, 0, n);
    /* The empty asm claims to read the buffer, so the stores above cannot be
     * removed as dead even when the caller never touches it again. */
    __asm__ volatile("" : : "r"(p) : "memory");
}
