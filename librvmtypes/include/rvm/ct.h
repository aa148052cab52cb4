/* Constant-time comparison and wiping of secrets (spec §7.6). */
#ifndef RVM_CT_H
#define RVM_CT_H

#include <stdbool.h>
#include <stddef.h>

/* Compares `n` bytes in time that depends only on `n`. */
bool rvm_ct_equal(const void *a, const void *b, size_t n);
/* Zeroes `n` bytes in a way the optimiser may not remove. */
void rvm_secure_zero(void *p, size_t n);

#endif
