#include <rvm/fnv.h>

uint64_t rvm_fnv1a64_update(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= RVM_FNV1A64_PRIME;
    }
    return h;
}

uint64_t rvm_fnv1a64(const void *data, size_t len)
{
    return rvm_fnv1a64_update(RVM_FNV1A64_OFFSET, data, len);
}

uint32_t rvm_fnv1a32(const void *data, size_t len)
{
    return (uint32_t)rvm_fnv1a64(data, len);
}
