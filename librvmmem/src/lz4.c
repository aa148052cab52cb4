/*
 * LZ4 block format, written from the format description: a block is a series of
 * sequences, each a token (high nibble literal length, low nibble match length
 * minus 4, 15 meaning "more bytes follow, each added until one is below 255"),
 * the literals, a 16-bit little-endian offset and the extra match-length bytes.
 * The last sequence has literals only; the last 5 bytes are literals and the
 * last match starts at least 12 bytes before the end.
 */
#include <stdbool.h>

#include <rvm/mem_lz4.h>

#define MINMATCH 4u
#define LAST_LITERALS 5u
#define MF_LIMIT 12u
#define MAX_DISTANCE 65535u
#define RUN_MASK 15u
#define WILD ((size_t)16)
/* After 2^SKIP_TRIGGER failed probes the search step grows by one, so incompressible input is skipped quickly. */
#define SKIP_TRIGGER 6u

static inline uint32_t read32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline uint64_t read64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline void copy16(uint8_t *d, const uint8_t *s)
{
    __builtin_memcpy(d, s, WILD);
}

static inline uint32_t hash4(uint32_t v)
{
    return (v * 2654435761u) >> (32u - RVM_LZ4_HASH_LOG);
}

/* Bytes equal at a[i] == b[i] from the start, stopping at `limit` (b < a, so b's reads stay below limit too). */
static size_t common_len(const uint8_t *a, const uint8_t *b, const uint8_t *limit)
{
    const uint8_t *start = a;
    while ((size_t)(limit - a) >= 8u) {
        uint64_t x = read64(a) ^ read64(b);
        if (x != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            return (size_t)(a - start) + ((unsigned)__builtin_clzll(x) >> 3);
#else
            return (size_t)(a - start) + ((unsigned)__builtin_ctzll(x) >> 3);
#endif
        }
        a += 8;
        b += 8;
    }
    while (a < limit && *a == *b) {
        a++;
        b++;
    }
    return (size_t)(a - start);
}

/* Size of the extra length bytes for a length field value `len` (already past the nibble). */
static size_t ext_len_bytes(size_t len)
{
    return len < RUN_MASK ? 0 : (len - RUN_MASK) / 255u + 1u;
}

static uint8_t *put_ext_len(uint8_t *op, size_t len)
{
    len -= RUN_MASK;
    while (len >= 255u) {
        *op++ = 255u;
        len -= 255u;
    }
    *op++ = (uint8_t)len;
    return op;
}

/* Writes one sequence; false when it does not fit. `mlen` 0 writes the final literals-only sequence. */
static bool put_sequence(uint8_t **opp, const uint8_t *oend, const uint8_t *lit, size_t nlit, size_t off,
                         size_t mlen)
{
    uint8_t *op = *opp;
    size_t need = 1u + ext_len_bytes(nlit) + nlit;
    size_t mcode = mlen == 0 ? 0 : mlen - MINMATCH;
    if (mlen != 0) {
        need += 2u + ext_len_bytes(mcode);
    }
    if ((size_t)(oend - op) < need) {
        return false;
    }
    uint8_t *token = op++;
    *token = (uint8_t)((nlit < RUN_MASK ? nlit : RUN_MASK) << 4);
    if (nlit >= RUN_MASK) {
        op = put_ext_len(op, nlit);
    }
    __builtin_memcpy(op, lit, nlit);
    op += nlit;
    if (mlen != 0) {
        *op++ = (uint8_t)off;
        *op++ = (uint8_t)(off >> 8);
        *token |= (uint8_t)(mcode < RUN_MASK ? mcode : RUN_MASK);
        if (mcode >= RUN_MASK) {
            op = put_ext_len(op, mcode);
        }
    }
    *opp = op;
    return true;
}

size_t rvm_lz4_compress_bound(size_t n)
{
    return n + n / 255u + 16u;
}

rvm_err_t rvm_lz4_compress(rvm_lz4_state_t *st, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                           size_t *out_len)
{
    if (st == NULL || (in == NULL && n != 0) || out == NULL || out_len == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (n > RVM_LZ4_MAX_INPUT) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    uint8_t *op = out;
    const uint8_t *oend = out + cap;
    size_t anchor = 0;
    if (n > MF_LIMIT) {
        const size_t mflimit = n - MF_LIMIT;
        const uint8_t *matchlimit = in + n - LAST_LITERALS;
        __builtin_memset(st->table, 0, sizeof st->table);
        size_t ip = 1;
        st->table[hash4(read32(in))] = 0;
        for (;;) {
            size_t cand;
            uint32_t probes = 1u << SKIP_TRIGGER;
            for (;;) {
                if (ip > mflimit) {
                    goto last_literals;
                }
                uint32_t seq = read32(in + ip);
                uint32_t h = hash4(seq);
                cand = st->table[h];
                st->table[h] = (uint32_t)ip;
                if (cand < ip && ip - cand <= MAX_DISTANCE && read32(in + cand) == seq) {
                    break;
                }
                ip += probes++ >> SKIP_TRIGGER;
            }
            while (ip > anchor && cand > 0 && in[ip - 1] == in[cand - 1]) {
                ip--;
                cand--;
            }
            size_t mlen = MINMATCH + common_len(in + ip + MINMATCH, in + cand + MINMATCH, matchlimit);
            if (!put_sequence(&op, oend, in + anchor, ip - anchor, ip - cand, mlen)) {
                return RVM_ERR_BUFFER_TOO_SMALL;
            }
            ip += mlen;
            anchor = ip;
            if (ip > mflimit) {
                break;
            }
            st->table[hash4(read32(in + ip - 2))] = (uint32_t)(ip - 2);
        }
    }
last_literals:
    if (!put_sequence(&op, oend, in + anchor, n - anchor, 0, 0)) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    *out_len = (size_t)(op - out);
    return RVM_OK;
}

/* Adds the extra length bytes of a 15 nibble; false when the input ends first or the length passes `limit`. */
static bool read_ext_len(const uint8_t **ipp, const uint8_t *iend, size_t *len, size_t limit)
{
    const uint8_t *ip = *ipp;
    uint32_t b;
    do {
        if (ip >= iend) {
            return false;
        }
        b = *ip++;
        *len += b;
        if (*len > limit) {
            return false;
        }
    } while (b == 255u);
    *ipp = ip;
    return true;
}

/*
 * The smallest multiple of the offset that is at least 16, for offsets 1..15:
 * after 16 bytes of a short-period match are written byte by byte, the copy
 * continues 16 bytes at a time from that far back, which holds the same pattern.
 */
static const uint8_t period16[WILD] = { 0, 16, 16, 18, 16, 20, 18, 21, 16, 18, 20, 22, 24, 26, 28, 30 };

/*
 * Copies a literal run whose token nibble is `lit` (15: extended). False when
 * the run is truncated or does not fit the output.
 */
static bool copy_literals(const uint8_t **ipp, const uint8_t *iend, uint8_t **opp, const uint8_t *oend, size_t lit,
                          size_t cap)
{
    const uint8_t *ip = *ipp;
    uint8_t *op = *opp;
    if (lit == RUN_MASK && !read_ext_len(&ip, iend, &lit, cap)) {
        return false;
    }
    size_t in_left = (size_t)(iend - ip);
    size_t out_left = (size_t)(oend - op);
    if (lit > in_left || lit > out_left) {
        return false;
    }
    if (in_left - lit >= WILD && out_left - lit >= WILD) {
        /* Room to overshoot on both sides: copy in 16-byte steps. */
        const uint8_t *s = ip;
        uint8_t *d = op;
        do {
            copy16(d, s);
            d += WILD;
            s += WILD;
        } while (d < op + lit);
    } else {
        __builtin_memcpy(op, ip, lit);
    }
    *ipp = ip + lit;
    *opp = op + lit;
    return true;
}

/* Copies a validated match of `mlen` bytes at distance `off` (1 <= off <= bytes written, op + mlen <= oend). */
static void copy_match(uint8_t *op, const uint8_t *oend, size_t off, size_t mlen)
{
    uint8_t *mend = op + mlen;
    const uint8_t *match = op - off;
    if ((size_t)(oend - mend) < WILD) {
        /* Near the end of the output: byte by byte, never past `mend`. */
        for (uint8_t *d = op; d < mend; d++) {
            *d = *match++;
        }
        return;
    }
    uint8_t *d = op;
    if (off < WILD) {
        for (unsigned i = 0; i < WILD; i++) {
            d[i] = match[i];
        }
        d += WILD;
        off = period16[off];
    }
    while (d < mend) {
        copy16(d, d - off);
        d += WILD;
    }
}

rvm_err_t rvm_lz4_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    if (in == NULL || out == NULL || out_len == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (n == 0 || n > RVM_LZ4_MAX_INPUT) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    const uint8_t *ip = in;
    const uint8_t *const iend = in + n;
    uint8_t *op = out;
    uint8_t *const oend = out + cap;
    for (;;) {
        if (ip >= iend) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        uint32_t token = *ip++;
        size_t lit = token >> 4;
        if (lit != RUN_MASK && (size_t)(iend - ip) >= 2 * WILD && (size_t)(oend - op) >= 3 * WILD) {
            /*
             * Common case, far from both ends: a short literal run is one 16-byte
             * copy, and a short match at a distance of 16 or more is two. The
             * margins checked above cover every overshoot, and at least 4 input
             * bytes follow the literals, so this is never the last sequence.
             */
            copy16(op, ip);
            ip += lit;
            op += lit;
        } else {
            if (!copy_literals(&ip, iend, &op, oend, lit, cap)) {
                return RVM_ERR_MALFORMED_INPUT;
            }
            if (ip == iend) {
                break;
            }
            if (iend - ip < 2) {
                return RVM_ERR_MALFORMED_INPUT;
            }
        }
        size_t off = (size_t)ip[0] | ((size_t)ip[1] << 8);
        ip += 2;
        if (off == 0 || off > (size_t)(op - out)) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        size_t mlen = token & RUN_MASK;
        if (mlen != RUN_MASK && off >= WILD && (size_t)(oend - op) >= 2 * WILD) {
            copy16(op, op - off);
            copy16(op + WILD, op - off + WILD);
            op += mlen + MINMATCH;
            continue;
        }
        if (mlen == RUN_MASK && !read_ext_len(&ip, iend, &mlen, cap)) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        mlen += MINMATCH;
        if (mlen > (size_t)(oend - op)) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        copy_match(op, oend, off, mlen);
        op += mlen;
    }
    *out_len = (size_t)(op - out);
    return RVM_OK;
}
