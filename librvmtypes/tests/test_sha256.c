/* SHA-256: FIPS 180-4 known answers and a differential check against libsodium, on every implementation this CPU has. */
/* MAP_ANONYMOUS, for the guard pages. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rvm/ct.h>
#include <rvm/err.h>
#include <rvm/fold.h>
#include <rvm/sha256.h>

#include "sha256_test_util.h"

static void hex_encode(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

/* Feeds `msg` to an incremental context in pieces whose sizes cycle through `splits`. */
static void sha256_split(const uint8_t *msg, size_t len, const size_t *splits, size_t nsplits, uint8_t out[32])
{
    rvm_sha256_ctx_t ctx;
    rvm_sha256_init(&ctx);
    size_t off = 0;
    for (size_t k = 0; off < len; k++) {
        size_t take = splits[k % nsplits];
        if (take > len - off) {
            take = len - off;
        }
        rvm_sha256_update(&ctx, msg + off, take);
        off += take;
    }
    rvm_sha256_final(&ctx, out);
}

static const size_t odd_splits[] = { 1, 3, 7, 13, 31, 55, 63, 64, 65, 127, 129, 1000, 4097 };
#define N_ODD_SPLITS (sizeof odd_splits / sizeof odd_splits[0])

struct kat {
    const char *msg;
    const char *digest;
};

static const struct kat fips_kats[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void check_kat(const uint8_t *msg, size_t len, const char *hex, rvm_sha256_impl_t impl)
{
    uint8_t want[32];
    uint8_t got[32];
    ck_assert_uint_eq(hex_decode(hex, want, sizeof want), sizeof want);

    rvm_sha256(msg, len, got);
    ck_assert_msg(memcmp(got, want, 32) == 0, "%s one-shot, %zu bytes", rvm_sha256_impl_name(impl), len);

    for (size_t s = 0; s < N_ODD_SPLITS; s++) {
        memset(got, 0, sizeof got);
        sha256_split(msg, len, &odd_splits[s], N_ODD_SPLITS - s, got);
        ck_assert_msg(memcmp(got, want, 32) == 0, "%s split from %zu, %zu bytes", rvm_sha256_impl_name(impl),
                      odd_splits[s], len);
    }
}

START_TEST(default_is_the_best_available)
{
    rvm_sha256_impl_t want = RVM_SHA256_IMPL_PORTABLE;
    if (rvm_sha256_impl_available(RVM_SHA256_IMPL_X86_SHANI)) {
        want = RVM_SHA256_IMPL_X86_SHANI;
    } else if (rvm_sha256_impl_available(RVM_SHA256_IMPL_ARMV8_CE)) {
        want = RVM_SHA256_IMPL_ARMV8_CE;
    }
    ck_assert_int_eq(rvm_sha256_active_impl(), want);
    ck_assert(rvm_sha256_impl_available(RVM_SHA256_IMPL_PORTABLE));
}
END_TEST

#if defined(__x86_64__) && defined(__linux__)
/* The kernel's own CPUID decoding is an independent witness for the probe. */
START_TEST(shani_probe_agrees_with_proc_cpuinfo)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL) {
        return;
    }
    char line[4096];
    bool sha_ni = false;
    bool seen_flags = false;
    while (!seen_flags && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "flags", 5) == 0) {
            seen_flags = true;
            sha_ni = strstr(line, " sha_ni") != NULL && strstr(line, " sse4_1") != NULL && strstr(line, " ssse3") != NULL;
        }
    }
    fclose(f);
    if (seen_flags) {
        ck_assert_int_eq(rvm_sha256_impl_available(RVM_SHA256_IMPL_X86_SHANI), sha_ni);
    }
    ck_assert(!rvm_sha256_impl_available(RVM_SHA256_IMPL_ARMV8_CE));
}
END_TEST
#endif

START_TEST(names_and_selection)
{
    ck_assert_str_eq(rvm_sha256_impl_name(RVM_SHA256_IMPL_PORTABLE), "portable");
    ck_assert_str_eq(rvm_sha256_impl_name(RVM_SHA256_IMPL_X86_SHANI), "x86-shani");
    ck_assert_str_eq(rvm_sha256_impl_name(RVM_SHA256_IMPL_ARMV8_CE), "armv8-ce");
    ck_assert_str_eq(rvm_sha256_impl_name((rvm_sha256_impl_t)99), "unknown");

    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    ck_assert(!rvm_sha256_impl_available((rvm_sha256_impl_t)99));
    ck_assert_int_eq(rvm_sha256_select((rvm_sha256_impl_t)99), RVM_ERR_UNSUPPORTED);
    ck_assert_int_eq(rvm_sha256_active_impl(), before);

    size_t unavailable = 0;
    for (size_t i = 0; i < N_IMPLS; i++) {
        if (rvm_sha256_impl_available(all_impls[i])) {
            ck_assert_int_eq(rvm_sha256_select(all_impls[i]), RVM_OK);
            ck_assert_int_eq(rvm_sha256_active_impl(), all_impls[i]);
        } else {
            unavailable++;
            rvm_sha256_impl_t cur = rvm_sha256_active_impl();
            ck_assert_int_eq(rvm_sha256_select(all_impls[i]), RVM_ERR_UNSUPPORTED);
            ck_assert_int_eq(rvm_sha256_active_impl(), cur);
        }
    }
    /* No CPU has both the x86 and the Arm instructions. */
    ck_assert_uint_ge(unavailable, 1);
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

START_TEST(fips_180_4_known_answers)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        for (size_t k = 0; k < sizeof fips_kats / sizeof fips_kats[0]; k++) {
            check_kat((const uint8_t *)fips_kats[k].msg, strlen(fips_kats[k].msg), fips_kats[k].digest, impls[i]);
        }
    }
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

START_TEST(fips_180_4_one_million_a)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    size_t len = 1000000;
    uint8_t *msg = malloc(len);
    ck_assert_ptr_nonnull(msg);
    memset(msg, 'a', len);
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        check_kat(msg, len, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", impls[i]);
    }
    free(msg);
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

START_TEST(every_split_point_of_the_896_bit_message)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    const struct kat *k = &fips_kats[3];
    const uint8_t *msg = (const uint8_t *)k->msg;
    size_t len = strlen(k->msg);
    uint8_t want[32];
    ck_assert_uint_eq(hex_decode(k->digest, want, sizeof want), sizeof want);
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        for (size_t a = 0; a <= len; a++) {
            for (size_t b = a; b <= len; b++) {
                rvm_sha256_ctx_t ctx;
                uint8_t got[32];
                rvm_sha256_init(&ctx);
                rvm_sha256_update(&ctx, msg, a);
                rvm_sha256_update(&ctx, NULL, 0);
                rvm_sha256_update(&ctx, msg + a, b - a);
                rvm_sha256_update(&ctx, msg + b, len - b);
                rvm_sha256_final(&ctx, got);
                ck_assert_msg(memcmp(got, want, 32) == 0, "%s split %zu/%zu", rvm_sha256_impl_name(impls[i]), a, b);
            }
        }
    }
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

START_TEST(final_wipes_the_context)
{
    rvm_sha256_ctx_t ctx;
    uint8_t out[32];
    rvm_sha256_init(&ctx);
    rvm_sha256_update(&ctx, "secret material", 15);
    rvm_sha256_final(&ctx, out);
    static const rvm_sha256_ctx_t zero;
    ck_assert(memcmp(&ctx, &zero, sizeof ctx) == 0);
}
END_TEST

/*
 * Callers may hash pre-padded blocks with rvm_sha256_compress, so the raw
 * compression function must agree everywhere: same state words in and out,
 * whole blocks, any alignment of either pointer, and nblocks == 0 is a no-op.
 */
START_TEST(compress_contract_matches_across_impls)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    uint8_t buf[8 * 64 + 16];
    uint32_t words[8 + 4];
    rng_seed(0x5eed0001);
    for (int iter = 0; iter < 200; iter++) {
        size_t nblocks = (size_t)(rng_next() % 9);
        size_t boff = (size_t)(rng_next() % 16);
        size_t soff = (size_t)(rng_next() % 4);
        uint32_t start[8];
        uint32_t want[8];
        rng_fill(buf, sizeof buf);
        for (int j = 0; j < 8; j++) {
            start[j] = (uint32_t)rng_next();
        }
        memcpy(want, start, sizeof want);
        ck_assert_int_eq(rvm_sha256_select(RVM_SHA256_IMPL_PORTABLE), RVM_OK);
        rvm_sha256_compress(want, buf + boff, nblocks);
        if (nblocks == 0) {
            ck_assert(memcmp(want, start, sizeof want) == 0);
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t *st = words + soff;
            memcpy(st, start, sizeof start);
            ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
            rvm_sha256_compress(st, buf + boff, nblocks);
            ck_assert_msg(memcmp(st, want, sizeof want) == 0, "%s iter %d", rvm_sha256_impl_name(impls[i]), iter);
        }
    }

    /* IV, one block holding a short message and its padding. */
    static const char msg[] = "witness record bytes";
    uint8_t block[64] = { 0 };
    memcpy(block, msg, sizeof msg - 1);
    block[sizeof msg - 1] = 0x80;
    block[62] = (uint8_t)(((sizeof msg - 1) * 8) >> 8);
    block[63] = (uint8_t)((sizeof msg - 1) * 8);
    uint8_t want_digest[32];
    crypto_hash_sha256(want_digest, (const uint8_t *)msg, sizeof msg - 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t st[8];
        uint8_t got[32];
        memcpy(st, rvm_sha256_iv, sizeof st);
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        rvm_sha256_compress(st, block, 1);
        for (int j = 0; j < 8; j++) {
            got[4 * j] = (uint8_t)(st[j] >> 24);
            got[4 * j + 1] = (uint8_t)(st[j] >> 16);
            got[4 * j + 2] = (uint8_t)(st[j] >> 8);
            got[4 * j + 3] = (uint8_t)st[j];
        }
        ck_assert_msg(memcmp(got, want_digest, 32) == 0, "%s", rvm_sha256_impl_name(impls[i]));
    }
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

static const size_t boundary_lens[] = { 0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 191, 192, 4096 };
#define N_BOUNDARY (sizeof boundary_lens / sizeof boundary_lens[0])
#define DIFF_CASES 10000
#define DIFF_MAX_LEN 5000

START_TEST(differential_against_libsodium)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    uint8_t *msg = malloc(DIFF_MAX_LEN + 1);
    ck_assert_ptr_nonnull(msg);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        rng_seed(0x5eed0002);
        for (int c = 0; c < DIFF_CASES; c++) {
            size_t len = c < (int)(4 * N_BOUNDARY) ? boundary_lens[c % N_BOUNDARY]
                                                    : (size_t)(rng_next() % (DIFF_MAX_LEN + 1));
            /* An odd start offset keeps the unaligned-load paths honest. */
            uint8_t *p = msg + (c & 1);
            rng_fill(p, len);
            uint8_t want[32];
            uint8_t got[32];
            crypto_hash_sha256(want, p, len);
            if (c % 2 == 0) {
                rvm_sha256(p, len, got);
            } else {
                size_t split = (size_t)(rng_next() % 200) + 1;
                sha256_split(p, len, &split, 1, got);
            }
            if (memcmp(got, want, 32) != 0) {
                char gh[65];
                char wh[65];
                hex_encode(got, 32, gh);
                hex_encode(want, 32, wh);
                ck_abort_msg("%s case %d len %zu: got %s want %s", rvm_sha256_impl_name(impls[i]), c, len, gh, wh);
            }
        }
    }
    free(msg);
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

/* LE64(prev) ‖ msg, the message rvm_sha256_chain_xorfold64 hashes. */
static size_t chain_message(uint64_t prev, const uint8_t *msg, size_t len, uint8_t *out)
{
    for (unsigned i = 0; i < 8; i++) {
        out[i] = (uint8_t)(prev >> (8 * i));
    }
    if (len > 0) {
        memcpy(out + 8, msg, len);
    }
    return 8 + len;
}

/* The fold spelled out byte by byte, so the check does not lean on rvm/fold.h alone. */
static uint64_t sodium_chain_xorfold64(const uint8_t *whole, size_t len)
{
    uint8_t d[32];
    crypto_hash_sha256(d, whole, len);
    uint64_t fold = 0;
    for (unsigned i = 0; i < 32; i++) {
        fold ^= (uint64_t)d[i] << (8 * (i % 8));
    }
    return fold;
}

/* Checks one call against xorfold64(rvm_sha256(...)) and against libsodium. */
static void check_chain(uint64_t prev, const uint8_t *msg, size_t len, rvm_sha256_impl_t impl)
{
    static uint8_t whole[8 + 4096];
    ck_assert_uint_le(len, sizeof whole - 8);
    size_t n = chain_message(prev, msg, len, whole);
    uint8_t d[32];
    rvm_sha256(whole, n, d);
    uint64_t want = rvm_xorfold64(d);
    ck_assert_uint_eq(want, sodium_chain_xorfold64(whole, n));
    uint64_t got = rvm_sha256_chain_xorfold64(prev, msg, len);
    ck_assert_msg(got == want, "%s len %zu prev %016llx: got %016llx want %016llx", rvm_sha256_impl_name(impl), len,
                  (unsigned long long)prev, (unsigned long long)got, (unsigned long long)want);
}

/*
 * A readable page between two inaccessible ones: a message placed flush
 * against either edge makes any read outside it fault, in every build (the
 * sanitizer build catches the same on the heap, this catches it without one).
 */
typedef struct guarded {
    uint8_t *map;
    uint8_t *page;
    size_t page_size;
} guarded_t;

static void guarded_init(guarded_t *g)
{
    long ps = sysconf(_SC_PAGESIZE);
    ck_assert_int_gt(ps, 0);
    g->page_size = (size_t)ps;
    void *m = mmap(NULL, 3 * g->page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(m != MAP_FAILED);
    g->map = m;
    g->page = g->map + g->page_size;
    ck_assert_int_eq(mprotect(g->page, g->page_size, PROT_READ | PROT_WRITE), 0);
}

static void guarded_free(guarded_t *g)
{
    ck_assert_int_eq(munmap(g->map, 3 * g->page_size), 0);
}

/*
 * The one-block fast path (len <= 47, so 8..55 bytes hashed in all) on every
 * implementation: every length, at every alignment, ending at a guard page
 * and starting right after one, then random messages and chain values.
 */
START_TEST(chain_xorfold64_short_messages)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    guarded_t g;
    guarded_init(&g);
    uint8_t *end = g.page + g.page_size;
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        rng_seed(0x5eed0004);
        check_chain(0, NULL, 0, impls[i]);
        check_chain(UINT64_MAX, NULL, 0, impls[i]);
        for (size_t len = 0; len <= RVM_SHA256_CHAIN_SHORT_MAX; len++) {
            for (size_t skew = 0; skew < 8; skew++) {
                uint8_t *at_end = end - len - skew;
                rng_fill(at_end, len);
                check_chain(rng_next(), at_end, len, impls[i]);
                uint8_t *at_start = g.page + skew;
                rng_fill(at_start, len);
                check_chain(rng_next(), at_start, len, impls[i]);
            }
            /* All-ones bytes show a terminator or length OR-ed into the wrong word. */
            memset(end - len, 0xff, len);
            check_chain(UINT64_MAX, end - len, len, impls[i]);
        }
        for (int c = 0; c < 20000; c++) {
            size_t len = (size_t)(rng_next() % (RVM_SHA256_CHAIN_SHORT_MAX + 1));
            uint8_t *p = end - len;
            rng_fill(p, len);
            check_chain(rng_next(), p, len, impls[i]);
        }
    }
    guarded_free(&g);
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

/* Past 47 bytes the general path takes over: still the same function, still no stray reads. */
START_TEST(chain_xorfold64_long_messages)
{
    rvm_sha256_impl_t before = rvm_sha256_active_impl();
    rvm_sha256_impl_t impls[N_IMPLS];
    size_t n = available_impls(impls);
    guarded_t g;
    guarded_init(&g);
    uint8_t *end = g.page + g.page_size;
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_sha256_select(impls[i]), RVM_OK);
        rng_seed(0x5eed0005);
        for (size_t len = RVM_SHA256_CHAIN_SHORT_MAX + 1; len <= 300; len++) {
            uint8_t *p = end - len;
            rng_fill(p, len);
            check_chain(rng_next(), p, len, impls[i]);
        }
        for (int c = 0; c < 200; c++) {
            size_t len = RVM_SHA256_CHAIN_SHORT_MAX + 1 + (size_t)(rng_next() % 4000);
            uint8_t *p = end - len;
            rng_fill(p, len);
            check_chain(rng_next(), p, len, impls[i]);
        }
    }
    guarded_free(&g);
    ck_assert_int_eq(rvm_sha256_select(before), RVM_OK);
}
END_TEST

#define N_THREADS 4

static void *hash_on_first_use(void *arg)
{
    uint8_t *out = arg;
    rvm_sha256("abc", 3, out);
    return NULL;
}

/* Check runs each test in a fresh child, so these threads race on the lazy first-use detection. */
START_TEST(concurrent_first_use_agrees)
{
    pthread_t th[N_THREADS];
    uint8_t out[N_THREADS][32];
    uint8_t want[32];
    ck_assert_uint_eq(hex_decode(fips_kats[1].digest, want, sizeof want), sizeof want);
    for (int i = 0; i < N_THREADS; i++) {
        ck_assert_int_eq(pthread_create(&th[i], NULL, hash_on_first_use, out[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert(memcmp(out[i], want, 32) == 0);
    }
}
END_TEST

START_TEST(ct_equal_and_secure_zero)
{
    uint8_t a[100];
    uint8_t b[100];
    rng_seed(0x5eed0003);
    rng_fill(a, sizeof a);
    memcpy(b, a, sizeof b);
    ck_assert(rvm_ct_equal(a, b, sizeof a));
    ck_assert(rvm_ct_equal(a, b, 0));
    for (size_t i = 0; i < sizeof a; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            ck_assert(!rvm_ct_equal(a, b, sizeof a));
            ck_assert(rvm_ct_equal(a, b, i));
            b[i] ^= (uint8_t)(1u << bit);
        }
    }

    memset(a, 0xA5, sizeof a);
    rvm_secure_zero(a + 10, 50);
    for (size_t i = 0; i < sizeof a; i++) {
        ck_assert_uint_eq(a[i], (i >= 10 && i < 60) ? 0 : 0xA5);
    }
    rvm_secure_zero(a, 0);
    ck_assert_uint_eq(a[0], 0xA5);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0) {
        return 1;
    }
    Suite *s = suite_create("rvmtypes-sha256");
    TCase *tc = tcase_create("sha256");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, default_is_the_best_available);
#if defined(__x86_64__) && defined(__linux__)
    tcase_add_test(tc, shani_probe_agrees_with_proc_cpuinfo);
#endif
    tcase_add_test(tc, names_and_selection);
    tcase_add_test(tc, fips_180_4_known_answers);
    tcase_add_test(tc, fips_180_4_one_million_a);
    tcase_add_test(tc, every_split_point_of_the_896_bit_message);
    tcase_add_test(tc, final_wipes_the_context);
    tcase_add_test(tc, compress_contract_matches_across_impls);
    tcase_add_test(tc, differential_against_libsodium);
    tcase_add_test(tc, chain_xorfold64_short_messages);
    tcase_add_test(tc, chain_xorfold64_long_messages);
    tcase_add_test(tc, concurrent_first_use_agrees);
    tcase_add_test(tc, ct_equal_and_secure_zero);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
