/* Memory tiers of task pages (see tiers.h). */
#include "tiers.h"

#include <stdbool.h>

#include <rvm/hypercall.h>
#include <rvm/mem_checkpoint.h>
#include <rvm/mem_tier.h>
#include <rvm/tier.h>

#include "audit.h"
#include "frames.h"

/* Recency lost per epoch (spec §15.1: 200 per tick). */
#define RECENCY_DECAY 200u
#define TIER_REGIONS RVM_HC_TASK_MAX

static rvm_tier_region_t slots[TIER_REGIONS];
static uint8_t scratch[RVM_TIER_SCRATCH_BYTES(1u, 1u)];
static rvm_tier_engine_t engine;
static bool ready;

rvm_err_t rvm_tiers_setup(void)
{
    const rvm_tier_config_t cfg = { .slots = slots, .capacity = TIER_REGIONS, .max_region_pages = 1,
                                    .buddy = rvm_frames_buddy(), .log = rvm_audit_log(), .cold = NULL,
                                    .cold_first_block = 0, .scratch = scratch, .scratch_len = sizeof scratch,
                                    .lz4 = NULL, .regions = NULL, .algorithm = RVM_COMPRESS_RLE };
    rvm_err_t err = cfg.buddy != NULL ? rvm_tier_init(&engine, &cfg) : RVM_ERR_OUT_OF_MEMORY;
    ready = err == RVM_OK;
    return err;
}

rvm_err_t rvm_tiers_page(uint32_t region, uint32_t owner, rvm_phys_addr_t *pa)
{
    if (!ready) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_err_t err = rvm_tier_register(&engine, region, owner, 1, RVM_TIER_HOT);
    if (err == RVM_OK) {
        err = rvm_tier_frames(&engine, region, pa);
    }
    return err;
}

void rvm_tiers_release(uint32_t region)
{
    if (ready) {
        (void)rvm_tier_unregister(&engine, region);
    }
}

void rvm_tiers_access(uint32_t region)
{
    if (ready) {
        (void)rvm_tier_access(&engine, region);
    }
}

void rvm_tiers_cut_value(uint32_t region, uint32_t score_bp)
{
    if (ready) {
        (void)rvm_tier_set_cut_value(&engine, region, (uint16_t)(score_bp > 10000u ? 10000u : score_bp));
    }
}

void rvm_tiers_epoch(void)
{
    if (ready) {
        rvm_tier_decay(&engine, RECENCY_DECAY);
        rvm_tier_advance_epoch(&engine);
    }
}
