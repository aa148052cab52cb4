/* DMA budget and resource quota (spec §14.6). */
#include <rvm/sec_budget.h>

#include <stddef.h>

/* Charges `n` against `*used` within `max`, all or nothing; false when it would overflow or exceed. */
static bool charge(uint64_t *used, uint64_t max, uint64_t n)
{
    uint64_t sum;
    if (__builtin_add_overflow(*used, n, &sum) || sum > max) {
        return false;
    }
    *used = sum;
    return true;
}

rvm_err_t rvm_sec_dma_init(rvm_sec_dma_budget_t *b, uint64_t max_bytes_per_epoch)
{
    if (b == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    b->max_bytes_per_epoch = max_bytes_per_epoch;
    b->used = 0;
    return RVM_OK;
}

rvm_err_t rvm_sec_dma_check(rvm_sec_dma_budget_t *b, uint64_t bytes)
{
    if (b == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return charge(&b->used, b->max_bytes_per_epoch, bytes) ? RVM_OK : RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
}

uint64_t rvm_sec_dma_remaining(const rvm_sec_dma_budget_t *b)
{
    if (b == NULL || b->used >= b->max_bytes_per_epoch) {
        return 0;
    }
    return b->max_bytes_per_epoch - b->used;
}

bool rvm_sec_dma_exhausted(const rvm_sec_dma_budget_t *b)
{
    return b == NULL || b->used >= b->max_bytes_per_epoch;
}

rvm_err_t rvm_sec_dma_reset(rvm_sec_dma_budget_t *b)
{
    if (b == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    b->used = 0;
    return RVM_OK;
}

rvm_err_t rvm_sec_quota_init(rvm_sec_quota_t *q, uint64_t cpu_time_ns, uint64_t memory_bytes, uint32_t ipc_rate,
                             uint64_t dma_bytes_per_epoch)
{
    if (q == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    q->cpu_time_ns = cpu_time_ns;
    q->cpu_used_ns = 0;
    q->memory_bytes = memory_bytes;
    q->memory_used = 0;
    q->ipc_rate = ipc_rate;
    q->ipc_used = 0;
    return rvm_sec_dma_init(&q->dma, dma_bytes_per_epoch);
}

rvm_err_t rvm_sec_quota_check_cpu(rvm_sec_quota_t *q, uint64_t ns)
{
    if (q == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return charge(&q->cpu_used_ns, q->cpu_time_ns, ns) ? RVM_OK : RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
}

rvm_err_t rvm_sec_quota_check_memory(rvm_sec_quota_t *q, uint64_t bytes)
{
    if (q == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return charge(&q->memory_used, q->memory_bytes, bytes) ? RVM_OK : RVM_ERR_OUT_OF_MEMORY;
}

rvm_err_t rvm_sec_quota_check_ipc(rvm_sec_quota_t *q)
{
    if (q == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (q->ipc_used >= q->ipc_rate) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    q->ipc_used++;
    return RVM_OK;
}

rvm_err_t rvm_sec_quota_release_memory(rvm_sec_quota_t *q, uint64_t bytes)
{
    if (q == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    q->memory_used = bytes >= q->memory_used ? 0 : q->memory_used - bytes;
    return RVM_OK;
}

rvm_err_t rvm_sec_quota_reset_epoch(rvm_sec_quota_t *q)
{
    if (q == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* Memory is held, not consumed per epoch: only the rates start again. */
    q->cpu_used_ns = 0;
    q->ipc_used = 0;
    return rvm_sec_dma_reset(&q->dma);
}
