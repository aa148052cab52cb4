/*
 * Ticket spinlock for EL2 code shared between CPUs (AArch64 port). Fair (CPUs
 * get the lock in arrival order) and sleeps in WFE while waiting: the unlock
 * sends an event. Needs the EL2 MMU on (rvm/mmu.h): exclusive accesses to
 * Device memory, which is what memory is with the MMU off, are not defined.
 */
#ifndef RVM_SPINLOCK_H
#define RVM_SPINLOCK_H

#include <stdint.h>

typedef struct rvm_spinlock {
    uint32_t next;  /* ticket the next arrival takes */
    uint32_t owner; /* ticket being served */
} rvm_spinlock_t;

#define RVM_SPINLOCK_INIT { 0, 0 }

/* Waits for the caller's turn; the critical section's accesses cannot move before it (acquire). */
static inline void rvm_spin_lock(rvm_spinlock_t *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1u, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
        /* An unlock between the load and WFE has already set the event register: WFE returns at once. */
        __asm__ volatile("wfe" : : : "memory");
    }
}

/* Hands the lock to the next ticket; the critical section's accesses complete before it (release). */
static inline void rvm_spin_unlock(rvm_spinlock_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1u, __ATOMIC_RELEASE);
    __asm__ volatile("dsb ish\n\tsev" : : : "memory");
}

#endif
