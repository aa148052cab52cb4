/* Little-endian load/store helpers, correct on hosts of either byte order and any alignment. */
#ifndef RVM_ENDIAN_H
#define RVM_ENDIAN_H

#include <stdint.h>

/*
 * Built from byte shifts rather than casts so that they never perform an
 * unaligned or aliasing-violating access; compilers fold them to single loads
 * and stores where the target allows it.
 */
static inline uint16_t rvm_le16_load(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] | (uint16_t)((uint16_t)p[1] << 8));
}

static inline uint32_t rvm_le32_load(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t rvm_le64_load(const uint8_t *p)
{
    return (uint64_t)rvm_le32_load(p) | ((uint64_t)rvm_le32_load(p + 4) << 32);
}

static inline void rvm_le16_store(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void rvm_le32_store(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void rvm_le64_store(uint8_t *p, uint64_t v)
{
    rvm_le32_store(p, (uint32_t)v);
    rvm_le32_store(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t rvm_be32_load(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void rvm_be32_store(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void rvm_be64_store(uint8_t *p, uint64_t v)
{
    rvm_be32_store(p, (uint32_t)(v >> 32));
    rvm_be32_store(p + 4, (uint32_t)v);
}

#endif
