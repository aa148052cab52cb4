#include <rvm/wasm_leb.h>

void rvm_wasm_reader_init(rvm_wasm_reader_t *r, const uint8_t *data, size_t len) {
    r->data = data;
    r->pos = 0;
    r->end = len;
}

rvm_err_t rvm_wasm_read_u8(rvm_wasm_reader_t *r, uint8_t *out) {
    if (r->pos >= r->end) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    *out = r->data[r->pos];
    r->pos++;
    return RVM_OK;
}

/*
 * One reader for all four widths: `bits` is the integer width. The last
 * permitted byte holds only `bits % 7` (or 7) value bits; the bits above them
 * must be zero for unsigned values and copies of the sign bit for signed ones,
 * or the encoding names a value outside the type.
 */
static rvm_err_t read_leb(rvm_wasm_reader_t *r, unsigned bits, _Bool is_signed, uint64_t *out) {
    const unsigned max_bytes = (bits + 6u) / 7u;
    uint64_t value = 0;
    unsigned shift = 0;
    for (unsigned i = 0; i < max_bytes; i++) {
        uint8_t b;
        if (rvm_wasm_read_u8(r, &b) != RVM_OK) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        const uint64_t payload = (uint64_t)(b & 0x7Fu);
        if (i + 1u == max_bytes) {
            if ((b & 0x80u) != 0) {
                return RVM_ERR_MALFORMED_INPUT;
            }
            const unsigned used = bits - shift;
            const uint8_t extra_mask = (uint8_t)(0x7Fu & ~((1u << used) - 1u));
            const uint8_t extra = (uint8_t)(b & extra_mask);
            if (is_signed) {
                const _Bool negative = ((b >> (used - 1u)) & 1u) != 0;
                if (extra != (negative ? extra_mask : 0u)) {
                    return RVM_ERR_MALFORMED_INPUT;
                }
            } else if (extra != 0) {
                return RVM_ERR_MALFORMED_INPUT;
            }
        }
        value |= payload << shift;
        shift += 7u;
        if ((b & 0x80u) == 0) {
            if (is_signed && shift < 64u && (b & 0x40u) != 0) {
                value |= ~(uint64_t)0 << shift;
            }
            *out = value;
            return RVM_OK;
        }
    }
    return RVM_ERR_MALFORMED_INPUT;
}

rvm_err_t rvm_wasm_read_u32(rvm_wasm_reader_t *r, uint32_t *out) {
    uint64_t v = 0;
    const rvm_err_t e = read_leb(r, 32u, 0, &v);
    if (e == RVM_OK) {
        *out = (uint32_t)v;
    }
    return e;
}

rvm_err_t rvm_wasm_read_s32(rvm_wasm_reader_t *r, int32_t *out) {
    uint64_t v = 0;
    const rvm_err_t e = read_leb(r, 32u, 1, &v);
    if (e == RVM_OK) {
        *out = (int32_t)(uint32_t)v;
    }
    return e;
}

rvm_err_t rvm_wasm_read_u64(rvm_wasm_reader_t *r, uint64_t *out) {
    return read_leb(r, 64u, 0, out);
}

rvm_err_t rvm_wasm_read_s64(rvm_wasm_reader_t *r, int64_t *out) {
    uint64_t v = 0;
    const rvm_err_t e = read_leb(r, 64u, 1, &v);
    if (e == RVM_OK) {
        *out = (int64_t)v;
    }
    return e;
}

_Bool rvm_wasm_utf8_valid(const uint8_t *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        const uint8_t b = s[i];
        size_t n;
        uint32_t cp;
        uint32_t min;
        if (b < 0x80u) {
            i++;
            continue;
        }
        if ((b & 0xE0u) == 0xC0u) {
            n = 1;
            cp = b & 0x1Fu;
            min = 0x80u;
        } else if ((b & 0xF0u) == 0xE0u) {
            n = 2;
            cp = b & 0x0Fu;
            min = 0x800u;
        } else if ((b & 0xF8u) == 0xF0u) {
            n = 3;
            cp = b & 0x07u;
            min = 0x10000u;
        } else {
            return 0;
        }
        if (len - i <= n) {
            return 0;
        }
        for (size_t k = 1; k <= n; k++) {
            const uint8_t c = s[i + k];
            if ((c & 0xC0u) != 0x80u) {
                return 0;
            }
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu)) {
            return 0;
        }
        i += n + 1u;
    }
    return 1;
}
