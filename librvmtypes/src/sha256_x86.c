/*
 * SHA-256 with the x86 SHA extensions. Only the functions marked SHANI use
 * those instructions, so the rest of the library still runs on any x86-64.
 */
#include "sha256_impl.h"

/* Empty elsewhere, so that tools run over every source with another target's flags still parse it. */
#if defined(RVM_SHA256_HAVE_X86_SHANI)

#include <cpuid.h>
#include <immintrin.h>

#include <rvm/endian.h>

#define SHANI __attribute__((target("sha,sse4.1,ssse3")))

bool rvm_sha256_x86_shani_probe(void)
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if ((unsigned)__get_cpuid_max(0, NULL) < 7u) {
        return false;
    }
    __cpuid(1, eax, ebx, ecx, edx);
    if ((ecx & bit_SSSE3) == 0 || (ecx & bit_SSE4_1) == 0) {
        return false;
    }
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & bit_SHA) != 0;
}

static inline SHANI __m128i k4(unsigned j)
{
    return _mm_load_si128((const __m128i *)&rvm_sha256_k[(size_t)4 * j]);
}

/* Four rounds given W + K: the instructions take ABEF/CDGH halves and two rounds at a time. */
static inline SHANI void rounds4_wk(__m128i *abef, __m128i *cdgh, __m128i wk)
{
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

/* Rounds 4j..4j+3. */
static inline SHANI void rounds4(__m128i *abef, __m128i *cdgh, __m128i w, unsigned j)
{
    rounds4_wk(abef, cdgh, _mm_add_epi32(w, k4(j)));
}

/* Finishes the next four schedule words, whose sigma0 part MSG1 has already added into `next`. */
static inline SHANI __m128i schedule(__m128i next, __m128i cur, __m128i prev)
{
    return _mm_sha256msg2_epu32(_mm_add_epi32(next, _mm_alignr_epi8(cur, prev, 4)), cur);
}

/*
 * The 64 rounds of one block whose message words m0..m3 are already in
 * SHA-256's big-endian word order. The caller supplies wk0 = m0 + K[0..3]
 * so that the one-block path can add most of it before its chain value
 * arrives. Forced inline: as a call, gcc passes ABEF/CDGH through memory.
 */
static inline __attribute__((always_inline)) SHANI void rounds64(__m128i *abef, __m128i *cdgh, __m128i wk0,
                                                                 __m128i m0, __m128i m1, __m128i m2, __m128i m3)
{
    rounds4_wk(abef, cdgh, wk0);
    rounds4(abef, cdgh, m1, 1);
    m0 = _mm_sha256msg1_epu32(m0, m1);
    rounds4(abef, cdgh, m2, 2);
    m1 = _mm_sha256msg1_epu32(m1, m2);
    rounds4(abef, cdgh, m3, 3);
    m0 = schedule(m0, m3, m2);
    m2 = _mm_sha256msg1_epu32(m2, m3);
    for (unsigned j = 4; j < 12; j += 4) {
        rounds4(abef, cdgh, m0, j);
        m1 = schedule(m1, m0, m3);
        m3 = _mm_sha256msg1_epu32(m3, m0);
        rounds4(abef, cdgh, m1, j + 1);
        m2 = schedule(m2, m1, m0);
        m0 = _mm_sha256msg1_epu32(m0, m1);
        rounds4(abef, cdgh, m2, j + 2);
        m3 = schedule(m3, m2, m1);
        m1 = _mm_sha256msg1_epu32(m1, m2);
        rounds4(abef, cdgh, m3, j + 3);
        m0 = schedule(m0, m3, m2);
        m2 = _mm_sha256msg1_epu32(m2, m3);
    }
    rounds4(abef, cdgh, m0, 12);
    m1 = schedule(m1, m0, m3);
    m3 = _mm_sha256msg1_epu32(m3, m0);
    rounds4(abef, cdgh, m1, 13);
    m2 = schedule(m2, m1, m0);
    rounds4(abef, cdgh, m2, 14);
    m3 = schedule(m3, m2, m1);
    rounds4(abef, cdgh, m3, 15);
}

/* PSHUFB mask that byte-swaps each 32-bit lane: SHA-256 words are big-endian, x86 loads little-endian. */
#define BSWAP32_LANES() _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL)

SHANI void rvm_sha256_x86_shani_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    const __m128i bswap = BSWAP32_LANES();
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (; nblocks > 0; nblocks--, blocks += 64) {
        const __m128i abef_in = abef;
        const __m128i cdgh_in = cdgh;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 0)), bswap);
        rounds64(&abef, &cdgh, _mm_add_epi32(m0, k4(0)), m0,
                 _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)), bswap),
                 _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)), bswap),
                 _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)), bswap));
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

/*
 * The n < 8 bytes at p as a little-endian word, read as 4-, 2- and 1-byte
 * pieces: nothing past p + n is touched, and a caller that has just stored
 * its message field by field (a 32-bit tail, say) forwards to each load.
 */
static inline uint64_t load_tail(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    size_t at = 0;
    if ((n & 4u) != 0) {
        v = rvm_le32_load(p);
        at = 4;
    }
    if ((n & 2u) != 0) {
        v |= (uint64_t)rvm_le16_load(p + at) << (8 * at);
        at += 2;
    }
    if ((n & 1u) != 0) {
        v |= (uint64_t)p[at] << (8 * at);
    }
    return v;
}

/*
 * Word j (message bytes 8j..8j+7) as the padded block holds it. Whole words
 * are 8-byte loads, never 16: a 16-byte load spanning two of the caller's
 * recent word stores cannot forward from them and would wait for both to
 * reach the cache, which in a chain is behind the previous step's rounds.
 */
static inline SHANI __m128i msg_word(const uint8_t *msg, size_t j, size_t whole, __m128i last)
{
    if (j < whole) {
        return _mm_loadl_epi64((const __m128i *)(msg + 8 * j));
    }
    return j == whole ? last : _mm_setzero_si128();
}

/*
 * Hides how `v` was computed, so that gcc and clang cannot reassociate the
 * sums and XORs around it: their order below is chosen for latency, and
 * both compilers otherwise move the chain value to the start of the chain.
 */
static inline SHANI __m128i settled(__m128i v)
{
    __asm__("" : "+x"(v));
    return v;
}

/*
 * One block built in registers: LE64(prev), the message, 0x80, zeros and the
 * bit length, so nothing is stored and reloaded, and the rounds start from
 * the IV already in ABEF/CDGH order. In a chain, `prev` is the previous
 * step's result, so the work between its arrival and the first RNDS2, and
 * between the last RNDS2 and the result, is what each link adds to the 32
 * dependent RNDS2; everything else is arranged to be ready before.
 */
SHANI uint64_t rvm_sha256_x86_shani_chain_xorfold64(uint64_t prev, const uint8_t *msg, size_t len)
{
    const __m128i bswap = BSWAP32_LANES();
    const __m128i abef_iv = _mm_set_epi32(0x6a09e667, (int)0xbb67ae85u, 0x510e527f, (int)0x9b05688cu);
    const __m128i cdgh_iv = _mm_set_epi32(0x3c6ef372, (int)0xa54ff53au, 0x1f83d9ab, 0x5be0cd19);
    size_t whole = len / 8;
    size_t rest = len % 8;
    /* Words past the message's are zero except the one that holds the 0x80; len <= 47 keeps it in words 0..5. */
    uint64_t end = 0x80ull << (8 * rest);
    if (rest != 0) {
        end |= load_tail(msg + 8 * whole, rest);
    }
    __m128i last = _mm_cvtsi64_si128((long long)end);
    __m128i bits = _mm_cvtsi64_si128((long long)__builtin_bswap64((uint64_t)(8 + len) * 8u));

    /* W0, W1 come from prev, W2, W3 from the message: K is added to the latter alone, ahead of prev. */
    __m128i w01 = _mm_shuffle_epi8(_mm_cvtsi64_si128((long long)prev), bswap);
    __m128i w23 = _mm_shuffle_epi8(_mm_unpacklo_epi64(_mm_setzero_si128(), msg_word(msg, 0, whole, last)), bswap);
    __m128i abef = abef_iv;
    __m128i cdgh = cdgh_iv;
    rounds64(&abef, &cdgh, _mm_add_epi32(w01, settled(_mm_add_epi32(w23, k4(0)))), _mm_or_si128(w01, w23),
             _mm_shuffle_epi8(_mm_unpacklo_epi64(msg_word(msg, 1, whole, last), msg_word(msg, 2, whole, last)), bswap),
             _mm_shuffle_epi8(_mm_unpacklo_epi64(msg_word(msg, 3, whole, last), msg_word(msg, 4, whole, last)), bswap),
             _mm_shuffle_epi8(_mm_unpacklo_epi64(msg_word(msg, 5, whole, last), bits), bswap));

    /*
     * xorfold64 reads the big-endian digest words as little-endian u64s: it
     * is bswap32(A^C^E^G) | bswap32(B^D^F^H) << 32. With lanes (low first)
     * F E B A and H G D C, XOR-ing each register with its halves swapped
     * leaves B^D^F^H, A^C^E^G in the low half. CDGH is final one RNDS2
     * before ABEF, so its part is folded by then and ABEF's shuffle and XOR
     * run side by side.
     */
    __m128i a = _mm_add_epi32(abef, abef_iv);
    __m128i c = _mm_add_epi32(cdgh, cdgh_iv);
    c = settled(_mm_xor_si128(c, _mm_shuffle_epi32(c, 0x4E)));
    __m128i x = _mm_xor_si128(settled(_mm_xor_si128(a, c)), _mm_shuffle_epi32(a, 0x4E));
    return __builtin_bswap64((uint64_t)_mm_cvtsi128_si64(x));
}

#endif
