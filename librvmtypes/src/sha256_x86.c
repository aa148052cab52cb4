/*
 * SHA-256 with the x86 SHA extensions. Only the functions marked SHANI use
 * those instructions, so the rest of the library still runs on any x86-64.
 */
#include "sha256_impl.h"

/* Empty elsewhere, so that tools run over every source with another target's flags still parse it. */
#if defined(RVM_SHA256_HAVE_X86_SHANI)

#include <cpuid.h>
#include <immintrin.h>

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

/* Rounds 4j..4j+3: the instructions take ABEF/CDGH halves and two rounds at a time. */
static inline SHANI void rounds4(__m128i *abef, __m128i *cdgh, __m128i w, unsigned j)
{
    __m128i wk = _mm_add_epi32(w, _mm_load_si128((const __m128i *)&rvm_sha256_k[(size_t)4 * j]));
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

/* Finishes the next four schedule words, whose sigma0 part MSG1 has already added into `next`. */
static inline SHANI __m128i schedule(__m128i next, __m128i cur, __m128i prev)
{
    return _mm_sha256msg2_epu32(_mm_add_epi32(next, _mm_alignr_epi8(cur, prev, 4)), cur);
}

SHANI void rvm_sha256_x86_shani_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
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
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)), bswap);

        rounds4(&abef, &cdgh, m0, 0);
        rounds4(&abef, &cdgh, m1, 1);
        m0 = _mm_sha256msg1_epu32(m0, m1);
        rounds4(&abef, &cdgh, m2, 2);
        m1 = _mm_sha256msg1_epu32(m1, m2);
        rounds4(&abef, &cdgh, m3, 3);
        m0 = schedule(m0, m3, m2);
        m2 = _mm_sha256msg1_epu32(m2, m3);
        for (unsigned j = 4; j < 12; j += 4) {
            rounds4(&abef, &cdgh, m0, j);
            m1 = schedule(m1, m0, m3);
            m3 = _mm_sha256msg1_epu32(m3, m0);
            rounds4(&abef, &cdgh, m1, j + 1);
            m2 = schedule(m2, m1, m0);
            m0 = _mm_sha256msg1_epu32(m0, m1);
            rounds4(&abef, &cdgh, m2, j + 2);
            m3 = schedule(m3, m2, m1);
            m1 = _mm_sha256msg1_epu32(m1, m2);
            rounds4(&abef, &cdgh, m3, j + 3);
            m0 = schedule(m0, m3, m2);
            m2 = _mm_sha256msg1_epu32(m2, m3);
        }
        rounds4(&abef, &cdgh, m0, 12);
        m1 = schedule(m1, m0, m3);
        m3 = _mm_sha256msg1_epu32(m3, m0);
        rounds4(&abef, &cdgh, m1, 13);
        m2 = schedule(m2, m1, m0);
        rounds4(&abef, &cdgh, m2, 14);
        m3 = schedule(m3, m2, m1);
        rounds4(&abef, &cdgh, m3, 15);

        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#endif
