/*
 * Per-epoch DMA budget and per-partition resource quota (spec §14.6).
 *
 * A check either charges the whole amount or changes nothing. CPU time, IPC
 * messages and DMA bytes are rates and start again every epoch; memory is an
 * allocation and is only ever given back through rvm_sec_quota_release_memory,
 * never by an epoch reset.
 */
#ifndef RVM_SEC_BUDGET_H
#define RVM_SEC_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>

typedef struct rvm_sec_dma_budget {
    uint64_t max_bytes_per_epoch;
    uint64_t used;
} rvm_sec_dma_budget_t;

typedef struct rvm_sec_quota {
    uint64_t cpu_time_ns;      /* CPU time allowed per epoch */
    uint64_t cpu_used_ns;
    uint64_t memory_bytes;     /* memory allowed at any time */
    uint64_t memory_used;
    uint32_t ipc_rate;         /* messages allowed per epoch */
    uint32_t ipc_used;
    rvm_sec_dma_budget_t dma;
} rvm_sec_quota_t;

/* Sets the per-epoch limit and clears usage; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_sec_dma_init(rvm_sec_dma_budget_t *b, uint64_t max_bytes_per_epoch);

/*
 * Charges `bytes`: 0 is OK and charges nothing; RESOURCE_LIMIT_EXCEEDED (nothing
 * charged) when used + bytes overflows or exceeds the limit; INVALID_ARGUMENT on NULL.
 */
rvm_err_t rvm_sec_dma_check(rvm_sec_dma_budget_t *b, uint64_t bytes);

/* Bytes left this epoch, max - used saturating at 0 (0 for NULL). */
uint64_t rvm_sec_dma_remaining(const rvm_sec_dma_budget_t *b);

/* True when used >= max (and for NULL, so that a missing budget never allows DMA). */
bool rvm_sec_dma_exhausted(const rvm_sec_dma_budget_t *b);

/* Zeroes usage at an epoch boundary; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_sec_dma_reset(rvm_sec_dma_budget_t *b);

/* Sets every limit and clears every usage counter; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_sec_quota_init(rvm_sec_quota_t *q, uint64_t cpu_time_ns, uint64_t memory_bytes, uint32_t ipc_rate,
                             uint64_t dma_bytes_per_epoch);

/* Charges `ns` of CPU time: RESOURCE_LIMIT_EXCEEDED (nothing charged) on overflow or over the limit. */
rvm_err_t rvm_sec_quota_check_cpu(rvm_sec_quota_t *q, uint64_t ns);

/* Charges `bytes` of memory: OUT_OF_MEMORY (nothing charged) on overflow or over the limit. */
rvm_err_t rvm_sec_quota_check_memory(rvm_sec_quota_t *q, uint64_t bytes);

/* Counts one IPC message: RESOURCE_LIMIT_EXCEEDED when used >= rate, else used + 1. */
rvm_err_t rvm_sec_quota_check_ipc(rvm_sec_quota_t *q);

/* Gives `bytes` of memory back, saturating at 0; INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_sec_quota_release_memory(rvm_sec_quota_t *q, uint64_t bytes);

/* Epoch boundary: clears CPU, IPC and DMA usage; memory usage stays. INVALID_ARGUMENT on NULL. */
rvm_err_t rvm_sec_quota_reset_epoch(rvm_sec_quota_t *q);

#endif
