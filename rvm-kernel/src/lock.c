/* The kernel lock (see lock.h). */
#include "lock.h"

#include <rvm/spinlock.h>

static rvm_spinlock_t kernel_lock = RVM_SPINLOCK_INIT;

void rvm_kernel_lock(void)
{
    rvm_spin_lock(&kernel_lock);
}

void rvm_kernel_unlock(void)
{
    rvm_spin_unlock(&kernel_lock);
}
