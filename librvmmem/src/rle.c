/* Zero-run / literal RLE (spec §10.7): maximal zero runs and maximal non-zero literal runs, each capped at 65535. */
#include <stdbool.h>

#include <rvm/endian.h>
#include <rvm/mem_rle.h>

#define TAG_ZERO 0x00u
#define TAG_LITERAL 0x01u
#define BLOCK_HEADER_LEN 3u

size_t rvm_rle_compress_bound(size_t n)
{
    /* A lone non-zero byte costs 4 bytes; a lone zero byte 3. */
    return RVM_RLE_HEADER_LEN + 4u * n;
}

rvm_err_t rvm_rle_compress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    if ((in == NULL && n != 0) || out == NULL || out_len == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cap < RVM_RLE_HEADER_LEN || n > RVM_RLE_MAX_INPUT) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_le32_store(out, (uint32_t)n);
    size_t o = RVM_RLE_HEADER_LEN;
    size_t i = 0;
    while (i < n) {
        bool zero = in[i] == 0;
        size_t run = 1;
        while (i + run < n && run < RVM_RLE_MAX_RUN && (in[i + run] == 0) == zero) {
            run++;
        }
        size_t need = BLOCK_HEADER_LEN + (zero ? 0 : run);
        if (cap - o < need) {
            return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
        }
        out[o] = zero ? TAG_ZERO : TAG_LITERAL;
        rvm_le16_store(out + o + 1, (uint16_t)run);
        o += BLOCK_HEADER_LEN;
        if (!zero) {
            __builtin_memcpy(out + o, in + i, run);
            o += run;
        }
        i += run;
    }
    *out_len = o;
    return RVM_OK;
}

rvm_err_t rvm_rle_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    if (in == NULL || out == NULL || out_len == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (n < RVM_RLE_HEADER_LEN) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    size_t total = rvm_le32_load(in);
    if (cap < total) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    size_t i = RVM_RLE_HEADER_LEN;
    size_t o = 0;
    while (i < n) {
        if (n - i < BLOCK_HEADER_LEN) {
            return RVM_ERR_CHECKPOINT_CORRUPTED;
        }
        uint8_t tag = in[i];
        size_t run = rvm_le16_load(in + i + 1);
        i += BLOCK_HEADER_LEN;
        if (run == 0 || run > total - o) {
            return RVM_ERR_CHECKPOINT_CORRUPTED;
        }
        if (tag == TAG_ZERO) {
            __builtin_memset(out + o, 0, run);
        } else if (tag == TAG_LITERAL) {
            if (run > n - i) {
                return RVM_ERR_CHECKPOINT_CORRUPTED;
            }
            __builtin_memcpy(out + o, in + i, run);
            i += run;
        } else {
            return RVM_ERR_CHECKPOINT_CORRUPTED;
        }
        o += run;
    }
    if (o != total) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    *out_len = o;
    return RVM_OK;
}
