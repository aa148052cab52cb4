/* FNV-1a (64-bit and its 32-bit truncation): non-cryptographic indexing and the fast chain digest. */
#ifndef RVM_FNV_H
#define RVM_FNV_H

#include <stddef.h>
#include <stdint.h>

#define RVM_FNV1A64_OFFSET 0xcbf29ce484222325ull
#define RVM_FNV1A64_PRIME 0x00000100000001b3ull

/* Continues an FNV-1a-64 hash `h` over `len` more bytes. */
uint64_t rvm_fnv1a64_update(uint64_t h, const void *data, size_t len);
/* FNV-1a-64 of `len` bytes from the standard offset basis. */
uint64_t rvm_fnv1a64(const void *data, size_t len);
/* Low 32 bits of rvm_fnv1a64 (spec §3.13 defines the 32-bit form as a truncation). */
uint32_t rvm_fnv1a32(const void *data, size_t len);

#endif
