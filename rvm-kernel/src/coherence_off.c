/*
 * The kernel built without librvmcoh (DC-1): degraded mode. No traffic is
 * observed and no partition is split or merged; the scheduler, told by
 * rvm_coherence_enabled, ignores cut pressure. Everything else runs as in
 * the full build, which is what the placement-static image demonstrates.
 */
#include "coherence.h"

bool rvm_coherence_enabled(void)
{
    return false;
}

rvm_err_t rvm_coherence_init(void)
{
    return RVM_OK;
}

void rvm_coherence_partition_added(uint32_t pid)
{
    (void)pid;
}

void rvm_coherence_partition_removed(uint32_t pid)
{
    (void)pid;
}

void rvm_coherence_message(uint32_t from, uint32_t to, uint32_t from_task, uint32_t to_task)
{
    (void)from;
    (void)to;
    (void)from_task;
    (void)to_task;
}

void rvm_coherence_tasks_moved(void)
{
}

void rvm_coherence_epoch(uint64_t epoch, uint32_t load_percent)
{
    (void)epoch;
    (void)load_percent;
}

rvm_err_t rvm_coherence_predicted(uint32_t a, uint32_t b, uint32_t *score)
{
    (void)a;
    (void)b;
    /* Nothing observed, nothing predicted: DC-11's coherence condition cannot hold, so no merge passes. */
    *score = 0;
    return RVM_ERR_NOT_FOUND;
}
