/*
 * Bare-metal EL2 check of librvmtypes' SHA-256 on QEMU virt: the FIPS 180-4
 * vectors on the portable and the Armv8 CE paths, agreement between the two,
 * and that the CE path hands every FP/SIMD register back unchanged. Built with
 * the library's own freestanding flags (-mgeneral-regs-only included).
 * Exit status (semihosting): 0 when every check passed, 1 otherwise.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/fold.h>
#include <rvm/hmac.h>
#include <rvm/sha256.h>

int main(void);

#define UART_BASE 0x09000000ul
#define UART_DR 0x00u
#define UART_FR 0x18u
#define UART_FR_TXFF (1u << 5)

static void uart_putc(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
    while (uart[UART_FR / 4] & UART_FR_TXFF) {
    }
    uart[UART_DR / 4] = (uint32_t)(uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s != '\0') {
        uart_putc(*s++);
    }
}

static void put_dec(size_t v)
{
    char buf[24];
    size_t n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        uart_putc(buf[--n]);
    }
}

static int failures;

static void check(bool ok, const char *what, rvm_sha256_impl_t impl, size_t detail)
{
    if (ok) {
        return;
    }
    failures++;
    puts_("[RVM] sha256-qemu: FAIL ");
    puts_(what);
    puts_(" impl=");
    puts_(rvm_sha256_impl_name(impl));
    puts_(" detail=");
    put_dec(detail);
    puts_("\n");
}

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

static unsigned hex_nibble(char c)
{
    if (c >= '0' && c <= '9') {
        return (unsigned)(c - '0');
    }
    return (unsigned)(c - 'a' + 10);
}

static void hex_decode(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = (uint8_t)((hex_nibble(hex[2 * i]) << 4) | hex_nibble(hex[2 * i + 1]));
    }
}

static uint64_t rng_state = 0x5eed0aa64ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static const struct {
    const char *msg;
    const char *digest;
} fips[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static uint8_t chunk[1000];

static void fips_vectors(rvm_sha256_impl_t impl)
{
    uint8_t want[32];
    uint8_t got[32];
    for (size_t k = 0; k < sizeof fips / sizeof fips[0]; k++) {
        const uint8_t *m = (const uint8_t *)fips[k].msg;
        size_t len = slen(fips[k].msg);
        hex_decode(fips[k].digest, want, sizeof want);
        rvm_sha256(m, len, got);
        check(bytes_equal(got, want, 32), "fips one-shot", impl, k);

        rvm_sha256_ctx_t ctx;
        rvm_sha256_init(&ctx);
        for (size_t off = 0; off < len;) {
            size_t take = (off % 7) + 1;
            take = take > len - off ? len - off : take;
            rvm_sha256_update(&ctx, m + off, take);
            off += take;
        }
        rvm_sha256_final(&ctx, got);
        check(bytes_equal(got, want, 32), "fips incremental", impl, k);
    }

    __builtin_memset(chunk, 'a', sizeof chunk);
    hex_decode("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want, sizeof want);
    rvm_sha256_ctx_t ctx;
    rvm_sha256_init(&ctx);
    size_t left = 1000000;
    for (size_t piece = 997; left > 0; piece = piece == 997 ? 61 : 997) {
        size_t take = piece > left ? left : piece;
        rvm_sha256_update(&ctx, chunk, take);
        left -= take;
    }
    rvm_sha256_final(&ctx, got);
    check(bytes_equal(got, want, 32), "fips million a", impl, 0);

    /* RFC 4231 test case 2 rides on the same compressor. */
    hex_decode("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want, sizeof want);
    rvm_hmac_sha256((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28, got);
    check(bytes_equal(got, want, 32), "rfc4231 case 2", impl, 0);
}

static uint8_t chain_buf[1 + 8 + 130];

/* The chain step is xorfold64 of the full digest: one-block lengths 0..47, the general path above, both parities. */
static void chain_step(rvm_sha256_impl_t impl)
{
    for (size_t c = 0; c < 2 * 131; c++) {
        size_t len = c / 2;
        uint8_t *whole = chain_buf + (c & 1);
        uint64_t prev = rng_next();
        for (size_t i = 0; i < 8; i++) {
            whole[i] = (uint8_t)(prev >> (8 * i));
        }
        for (size_t i = 0; i < len; i++) {
            whole[8 + i] = (uint8_t)rng_next();
        }
        uint8_t d[32];
        rvm_sha256(whole, 8 + len, d);
        check(rvm_sha256_chain_xorfold64(prev, whole + 8, len) == rvm_xorfold64(d), "chain step", impl, len);
    }
}

static uint8_t vreg_in[32 * 16];
static uint8_t vreg_out[32 * 16];

#define LD_V(a, b, c, d) "ld1 {" a ".16b, " b ".16b, " c ".16b, " d ".16b}, [%[p]], #64\n\t"
#define ST_V(a, b, c, d) "st1 {" a ".16b, " b ".16b, " c ".16b, " d ".16b}, [%[p]], #64\n\t"

/* Between the two asm statements only general-register code runs (-mgeneral-regs-only), so any change is the CE path's. */
static void ce_preserves_vector_registers(void)
{
    uint32_t state[8];
    uint8_t blocks[3 * 64];
    for (size_t i = 0; i < sizeof vreg_in; i++) {
        vreg_in[i] = (uint8_t)rng_next();
    }
    for (size_t i = 0; i < sizeof blocks; i++) {
        blocks[i] = (uint8_t)i;
    }
    __builtin_memcpy(state, rvm_sha256_iv, sizeof state);

    const uint8_t *in = vreg_in;
    uint8_t *out = vreg_out;
    __asm__ volatile(".arch_extension fp\n\t"
                     ".arch_extension simd\n\t"
                     LD_V("v0", "v1", "v2", "v3") LD_V("v4", "v5", "v6", "v7")
                     LD_V("v8", "v9", "v10", "v11") LD_V("v12", "v13", "v14", "v15")
                     LD_V("v16", "v17", "v18", "v19") LD_V("v20", "v21", "v22", "v23")
                     LD_V("v24", "v25", "v26", "v27") LD_V("v28", "v29", "v30", "v31")
                     : [p] "+r"(in)
                     :
                     : "memory");
    rvm_sha256_compress(state, blocks, 3);
    __asm__ volatile(".arch_extension fp\n\t"
                     ".arch_extension simd\n\t"
                     ST_V("v0", "v1", "v2", "v3") ST_V("v4", "v5", "v6", "v7")
                     ST_V("v8", "v9", "v10", "v11") ST_V("v12", "v13", "v14", "v15")
                     ST_V("v16", "v17", "v18", "v19") ST_V("v20", "v21", "v22", "v23")
                     ST_V("v24", "v25", "v26", "v27") ST_V("v28", "v29", "v30", "v31")
                     : [p] "+r"(out)
                     :
                     : "memory");
    for (size_t r = 0; r < 32; r++) {
        check(bytes_equal(vreg_in + 16 * r, vreg_out + 16 * r, 16), "vector register preserved", RVM_SHA256_IMPL_ARMV8_CE,
              r);
    }
}

static uint8_t diff_buf[1 + 1200];

/* Portable and CE must agree on random lengths around and across block boundaries, from unaligned buffers. */
static void portable_and_ce_agree(void)
{
    for (size_t c = 0; c < 300; c++) {
        size_t len = c < 130 ? c : (size_t)(rng_next() % 1200);
        uint8_t *p = diff_buf + (c & 1);
        for (size_t i = 0; i < len; i++) {
            p[i] = (uint8_t)rng_next();
        }
        uint8_t a[32];
        uint8_t b[32];
        check(rvm_sha256_select(RVM_SHA256_IMPL_PORTABLE) == RVM_OK, "select portable", RVM_SHA256_IMPL_PORTABLE, c);
        rvm_sha256(p, len, a);
        check(rvm_sha256_select(RVM_SHA256_IMPL_ARMV8_CE) == RVM_OK, "select ce", RVM_SHA256_IMPL_ARMV8_CE, c);
        rvm_sha256(p, len, b);
        check(bytes_equal(a, b, 32), "portable == ce", RVM_SHA256_IMPL_ARMV8_CE, len);
    }

    uint32_t st[8];
    __builtin_memcpy(st, rvm_sha256_iv, sizeof st);
    rvm_sha256_compress(st, diff_buf, 0);
    check(bytes_equal((const uint8_t *)st, (const uint8_t *)rvm_sha256_iv, sizeof st), "zero blocks is a no-op",
          RVM_SHA256_IMPL_ARMV8_CE, 0);
}

int main(void)
{
    puts_("[RVM] sha256-qemu: start\n");

    /* Freestanding: no FP/SIMD until the kernel opts in, even though this CPU has the instructions. */
    uint8_t d[32];
    rvm_sha256("abc", 3, d);
    check(rvm_sha256_active_impl() == RVM_SHA256_IMPL_PORTABLE, "default is portable", rvm_sha256_active_impl(), 0);
    check(rvm_sha256_select(RVM_SHA256_IMPL_X86_SHANI) == RVM_ERR_UNSUPPORTED, "x86 unsupported",
          RVM_SHA256_IMPL_X86_SHANI, 0);

    fips_vectors(RVM_SHA256_IMPL_PORTABLE);
    chain_step(RVM_SHA256_IMPL_PORTABLE);

    bool ce = rvm_sha256_impl_available(RVM_SHA256_IMPL_ARMV8_CE);
    check(ce, "ce available on this cpu", RVM_SHA256_IMPL_ARMV8_CE, 0);
    if (ce) {
        check(rvm_sha256_select(RVM_SHA256_IMPL_ARMV8_CE) == RVM_OK, "select ce", RVM_SHA256_IMPL_ARMV8_CE, 0);
        check(rvm_sha256_active_impl() == RVM_SHA256_IMPL_ARMV8_CE, "ce active", RVM_SHA256_IMPL_ARMV8_CE, 0);
        fips_vectors(RVM_SHA256_IMPL_ARMV8_CE);
        chain_step(RVM_SHA256_IMPL_ARMV8_CE);
        ce_preserves_vector_registers();
        portable_and_ce_agree();
    }

    puts_(failures == 0 ? "[RVM] sha256-qemu: PASS\n" : "[RVM] sha256-qemu: FAILED\n");
    return failures == 0 ? 0 : 1;
}
