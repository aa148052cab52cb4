/*
 * LZ4, algorithm 1: interoperability with liblz4 in both directions over 1,200
 * random and structured inputs, and a decoder that survives hostile blocks.
 */
#include <check.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/mem_lz4.h>

#define MAX_LEN (80u * 1024u)

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *const words[] = { "the ", "partition ", "witness ", "capability ", "region ", "of ",
                                     "and ", "hypervisor ", "memory ", "tier ", "\n", "0x", "42 ", ", " };

/* Kind 0 incompressible, 1 runs, 2 repeated pattern, 3 text-like, 4 sparse, 5 mixed. */
static void fill(uint8_t *p, size_t n, unsigned kind)
{
    size_t i = 0;
    switch (kind) {
    case 0:
        for (; i < n; i++) {
            p[i] = (uint8_t)next();
        }
        break;
    case 1:
        while (i < n) {
            size_t run = 1 + next() % 700;
            uint8_t v = (uint8_t)next();
            for (size_t k = 0; k < run && i < n; k++) {
                p[i++] = v;
            }
        }
        break;
    case 2: {
        size_t period = 1 + next() % 37;
        for (; i < n; i++) {
            p[i] = (uint8_t)((i % period) * 7 + period);
        }
        break;
    }
    case 3:
        while (i < n) {
            const char *w = words[next() % (sizeof words / sizeof words[0])];
            for (size_t k = 0; w[k] != 0 && i < n; k++) {
                p[i++] = (uint8_t)w[k];
            }
        }
        break;
    case 4:
        memset(p, 0, n);
        for (size_t k = 0; k < n / 64; k++) {
            p[next() % n] = (uint8_t)next();
        }
        break;
    default:
        while (i < n) {
            size_t chunk = 1 + next() % 3000;
            if (chunk > n - i) {
                chunk = n - i;
            }
            fill(p + i, chunk, (unsigned)(next() % 5));
            i += chunk;
        }
        break;
    }
}

static size_t pick_len(unsigned t)
{
    static const size_t edge[] = { 0, 1, 4, 5, 11, 12, 13, 14, 15, 16, 17, 31, 64, 255, 256, 4096, 65535, 65536, 65537,
                                   MAX_LEN };
    if (t < sizeof edge / sizeof edge[0] * 6) {
        return edge[t / 6];
    }
    return (size_t)(next() % (MAX_LEN + 1));
}

START_TEST(interop_both_directions)
{
    static rvm_lz4_state_t st;
    uint8_t *in = malloc(MAX_LEN);
    size_t bound = rvm_lz4_compress_bound(MAX_LEN);
    ck_assert_uint_ge(bound, (size_t)LZ4_compressBound(MAX_LEN));
    uint8_t *c = malloc(bound);
    uint8_t *c2 = malloc(bound);
    uint8_t *d = malloc(MAX_LEN + 1);
    for (unsigned t = 0; t < 1200; t++) {
        size_t len = pick_len(t);
        fill(in, len, t % 6);
        /* Ours -> liblz4. */
        size_t n = 0;
        ck_assert_int_eq(rvm_lz4_compress(&st, in, len, c, bound, &n), RVM_OK);
        ck_assert_uint_le(n, bound);
        int got = LZ4_decompress_safe((const char *)c, (char *)d, (int)n, (int)len);
        ck_assert_int_eq(got, (int)len);
        ck_assert_mem_eq(d, in, len);
        /* Ours -> ours, deterministic. */
        size_t n2 = 0;
        ck_assert_int_eq(rvm_lz4_compress(&st, in, len, c2, bound, &n2), RVM_OK);
        ck_assert_uint_eq(n2, n);
        ck_assert_mem_eq(c2, c, n);
        size_t m = 0;
        ck_assert_int_eq(rvm_lz4_decompress(c, n, d, len, &m), RVM_OK);
        ck_assert_uint_eq(m, len);
        ck_assert_mem_eq(d, in, len);
        /* liblz4 -> ours. */
        int ln = LZ4_compress_default((const char *)in, (char *)c, (int)len, (int)bound);
        ck_assert_int_gt(ln, 0);
        m = 0;
        ck_assert_int_eq(rvm_lz4_decompress(c, (size_t)ln, d, MAX_LEN + 1, &m), RVM_OK);
        ck_assert_uint_eq(m, len);
        ck_assert_mem_eq(d, in, len);
    }
    free(in);
    free(c);
    free(c2);
    free(d);
}
END_TEST

START_TEST(compresses_structured_data)
{
    static rvm_lz4_state_t st;
    static uint8_t in[65536];
    static uint8_t c[65536 + 300];
    size_t n;
    memset(in, 0, sizeof in);
    ck_assert_int_eq(rvm_lz4_compress(&st, in, sizeof in, c, sizeof c, &n), RVM_OK);
    ck_assert_uint_lt(n, 300);
    fill(in, sizeof in, 3);
    ck_assert_int_eq(rvm_lz4_compress(&st, in, sizeof in, c, sizeof c, &n), RVM_OK);
    ck_assert_uint_lt(n, sizeof in / 2);
}
END_TEST

START_TEST(compress_output_too_small)
{
    static rvm_lz4_state_t st;
    static uint8_t in[4096];
    static uint8_t c[8192];
    fill(in, sizeof in, 0);
    size_t n;
    ck_assert_int_eq(rvm_lz4_compress(&st, in, sizeof in, c, 4096, &n), RVM_ERR_BUFFER_TOO_SMALL);
    fill(in, sizeof in, 3);
    for (size_t cap = 0; cap < 64; cap++) {
        ck_assert_int_eq(rvm_lz4_compress(&st, in, sizeof in, c, cap, &n), RVM_ERR_BUFFER_TOO_SMALL);
    }
    ck_assert_int_eq(rvm_lz4_compress(&st, in, 0, c, 0, &n), RVM_ERR_BUFFER_TOO_SMALL);
    ck_assert_int_eq(rvm_lz4_compress(&st, in, 0, c, 1, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(rvm_lz4_compress(NULL, in, 0, c, 1, &n), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

static rvm_err_t dec(const uint8_t *blk, size_t n, size_t cap, size_t *m)
{
    uint8_t *h = malloc(n == 0 ? 1 : n);
    memcpy(h, blk, n);
    uint8_t *out = malloc(cap == 0 ? 1 : cap);
    rvm_err_t e = rvm_lz4_decompress(h, n, out, cap, m);
    free(h);
    free(out);
    return e;
}

START_TEST(decoder_rejects)
{
    size_t m = 0;
    const uint8_t lit_only[] = { 0x30, 'a', 'b', 'c' };
    ck_assert_int_eq(dec(lit_only, sizeof lit_only, 3, &m), RVM_OK);
    ck_assert_uint_eq(m, 3);
    ck_assert_int_eq(dec(lit_only, 0, 3, &m), RVM_ERR_MALFORMED_INPUT);   /* empty */
    ck_assert_int_eq(dec(lit_only, 3, 3, &m), RVM_ERR_MALFORMED_INPUT);   /* literal past the input */
    ck_assert_int_eq(dec(lit_only, 4, 2, &m), RVM_ERR_MALFORMED_INPUT);   /* literal past the output */
    /* "abcd" then a match of 4 at offset 4, then literal "z". */
    const uint8_t ok[] = { 0x40, 'a', 'b', 'c', 'd', 0x04, 0x00, 0x10, 'z' };
    ck_assert_int_eq(dec(ok, sizeof ok, 9, &m), RVM_OK);
    ck_assert_uint_eq(m, 9);
    ck_assert_int_eq(dec(ok, 7, 64, &m), RVM_ERR_MALFORMED_INPUT);        /* ends on a match */
    ck_assert_int_eq(dec(ok, 6, 64, &m), RVM_ERR_MALFORMED_INPUT);        /* truncated offset */
    ck_assert_int_eq(dec(ok, sizeof ok, 7, &m), RVM_ERR_MALFORMED_INPUT); /* match past the output */
    uint8_t bad[sizeof ok];
    memcpy(bad, ok, sizeof ok);
    bad[5] = 0; /* offset 0 */
    ck_assert_int_eq(dec(bad, sizeof bad, 64, &m), RVM_ERR_MALFORMED_INPUT);
    bad[5] = 5; /* before the output start */
    ck_assert_int_eq(dec(bad, sizeof bad, 64, &m), RVM_ERR_MALFORMED_INPUT);
    /* Length extension bytes that run off the input. */
    const uint8_t ext[] = { 0xF0, 0xFF, 0xFF };
    ck_assert_int_eq(dec(ext, sizeof ext, 4096, &m), RVM_ERR_MALFORMED_INPUT);
    const uint8_t mext[] = { 0x1F, 'a', 0x01, 0x00, 0xFF };
    ck_assert_int_eq(dec(mext, sizeof mext, 4096, &m), RVM_ERR_MALFORMED_INPUT);
    uint8_t out[4];
    ck_assert_int_eq(rvm_lz4_decompress(NULL, 1, out, 4, &m), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

/* Thousands of corrupted and truncated blocks: every one decodes cleanly or is refused; ASan watches the bounds. */
START_TEST(hostile_blocks)
{
    static rvm_lz4_state_t st;
    static uint8_t in[8192];
    static uint8_t c[8192 + 64];
    for (unsigned t = 0; t < 20000; t++) {
        size_t len = 1 + next() % sizeof in;
        fill(in, len, t % 6);
        size_t n;
        ck_assert_int_eq(rvm_lz4_compress(&st, in, len, c, sizeof c, &n), RVM_OK);
        unsigned flips = (unsigned)(next() % 4);
        for (unsigned k = 0; k < flips; k++) {
            c[next() % n] ^= (uint8_t)(1u + next() % 255);
        }
        size_t cut = (t & 1) ? n : (size_t)(next() % (n + 1));
        size_t cap = (t & 2) ? len : (size_t)(next() % (len + 32));
        size_t m = 0;
        rvm_err_t e = dec(c, cut, cap, &m);
        ck_assert(e == RVM_OK || e == RVM_ERR_MALFORMED_INPUT);
        if (e == RVM_OK) {
            ck_assert_uint_le(m, cap);
        }
    }
    /* Pure noise as well. */
    for (unsigned t = 0; t < 5000; t++) {
        size_t n = next() % 512;
        for (size_t i = 0; i < n; i++) {
            c[i] = (uint8_t)next();
        }
        size_t m = 0;
        rvm_err_t e = dec(c, n, (size_t)(next() % 4096), &m);
        ck_assert(e == RVM_OK || e == RVM_ERR_MALFORMED_INPUT);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmmem-lz4");
    TCase *tc = tcase_create("lz4");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, interop_both_directions);
    tcase_add_test(tc, compresses_structured_data);
    tcase_add_test(tc, compress_output_too_small);
    tcase_add_test(tc, decoder_rejects);
    tcase_add_test(tc, hostile_blocks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
