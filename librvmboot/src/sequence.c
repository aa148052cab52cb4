/* The boot stage sequencer, its pre-log buffer and the boot witnesses (spec §12.1, §12.2). */
#include <rvm/action_kind.h>
#include <rvm/boot_sequence.h>
#include <rvm/endian.h>
#include <rvm/fold.h>

#define NS_PER_S 1000000000ull
/* payload[1..8] has room for 7 bytes of the since-reset tick count. */
#define SINCE_RESET_MAX ((1ull << 56) - 1u)
#define BOOT_PROOF_TIER 1u
#define BOOT_EMIT_FIRST RVM_ACTION_RESET_VECTOR_ENTRY
#define BOOT_EMIT_LAST RVM_ACTION_FIRST_PARTITION_CREATED

static const uint8_t run_order[RVM_BOOT_STAGE_COUNT] = {
    RVM_BOOT_STAGE_RESET_VECTOR,      RVM_BOOT_STAGE_HARDWARE_DETECT, RVM_BOOT_STAGE_MMU_SETUP,
    RVM_BOOT_STAGE_HYPERVISOR_MODE,   RVM_BOOT_STAGE_KERNEL_OBJECT_INIT, RVM_BOOT_STAGE_FIRST_WITNESS,
    RVM_BOOT_STAGE_FIRST_PARTITION,   RVM_BOOT_STAGE_SCHEDULER_ENTRY,
};

/* Position of each stage in run_order. */
static const uint8_t run_rank[RVM_BOOT_STAGE_COUNT] = {0, 1, 2, 3, 4, 5, 7, 6};

static const uint8_t stage_action[RVM_BOOT_STAGE_COUNT] = {
    RVM_ACTION_RESET_VECTOR_ENTRY, RVM_ACTION_HARDWARE_DETECTED, RVM_ACTION_MMU_CONFIGURED,
    RVM_ACTION_HYPERVISOR_ACTIVE,  RVM_ACTION_KERNEL_OBJECTS_READY, RVM_ACTION_BOOT_COMPLETE,
    RVM_ACTION_BOOT_ATTESTATION,   RVM_ACTION_FIRST_PARTITION_CREATED,
};

static bool stage_done(const rvm_boot_t *b, uint8_t stage)
{
    return stage < RVM_BOOT_STAGE_COUNT && b->position > run_rank[stage];
}

/* NULL, then "boot over": the checks every advancing call starts with, in the documented order. */
static rvm_err_t check_live(const rvm_boot_t *b)
{
    if (b == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return b->position >= RVM_BOOT_STAGE_COUNT ? RVM_ERR_UNSUPPORTED : RVM_OK;
}

uint64_t rvm_boot_ticks_to_ns(uint64_t ticks, uint32_t hz)
{
    if (hz == 0) {
        return 0;
    }
    uint64_t whole = ticks / hz;
    /* The remainder is below 2^32, so remainder × 10^9 cannot overflow. */
    uint64_t frac = (ticks % hz) * NS_PER_S / hz;
    if (whole > (UINT64_MAX - frac) / NS_PER_S) {
        return UINT64_MAX;
    }
    return whole * NS_PER_S + frac;
}

static void fill_record(rvm_witness_record_t *r, const rvm_boot_t *b, uint8_t action, uint64_t tick,
                        const uint8_t acc[RVM_BOOT_DIGEST_LEN])
{
    uint64_t ns = rvm_boot_ticks_to_ns(tick, b->counter_hz);
    *r = (rvm_witness_record_t){0};
    /* The log treats timestamp 0 as unstamped and would put its own, later, time on a flushed pre-log record. */
    r->timestamp_ns = ns != 0 ? ns : 1u;
    r->action_kind = action;
    r->proof_tier = BOOT_PROOF_TIER;
    r->capability_hash = rvm_fold32(rvm_xorfold64(acc));
}

/* Pre-log until a log is attached, the log afterwards; never drops a record. */
static rvm_err_t write_witness(rvm_boot_t *b, const rvm_witness_record_t *r)
{
    if (b->log != NULL) {
        return rvm_witness_append(b->log, r, NULL);
    }
    if (b->prelog_len >= RVM_BOOT_PRELOG_CAPACITY) {
        return RVM_ERR_WITNESS_LOG_FULL;
    }
    b->prelog[b->prelog_len] = *r;
    b->prelog_len++;
    return RVM_OK;
}

rvm_err_t rvm_boot_init(rvm_boot_t *b, const rvm_boot_config_t *cfg)
{
    if (b == NULL || cfg == NULL || cfg->counter_hz == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_boot_measure_t m;
    rvm_err_t err = rvm_boot_measure_init(&m, cfg->hash);
    if (err != RVM_OK) {
        return err;
    }
    *b = (rvm_boot_t){0};
    b->measure = m;
    b->counter_hz = cfg->counter_hz;
    return RVM_OK;
}

rvm_err_t rvm_boot_begin_stage(rvm_boot_t *b, uint8_t stage, uint64_t tick)
{
    rvm_err_t err = check_live(b);
    if (err != RVM_OK) {
        return err;
    }
    if (stage >= RVM_BOOT_STAGE_COUNT || tick < b->last_tick) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (stage != run_order[b->position] || b->in_stage) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    b->timing[stage].start_tick = tick;
    b->last_tick = tick;
    b->in_stage = true;
    return RVM_OK;
}

rvm_err_t rvm_boot_complete_stage(rvm_boot_t *b, uint8_t stage, uint64_t tick,
                                  const uint8_t digest[RVM_BOOT_DIGEST_LEN])
{
    rvm_err_t err = check_live(b);
    if (err != RVM_OK) {
        return err;
    }
    if (stage >= RVM_BOOT_STAGE_COUNT || digest == NULL || tick < b->last_tick) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (stage != run_order[b->position] || !b->in_stage) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    /* BootComplete is by definition the first witness IN the log, and every later record follows it there. */
    if (run_rank[stage] >= run_rank[RVM_BOOT_STAGE_FIRST_WITNESS] && b->log == NULL) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    /* Extend a copy so that a refused witness leaves the boot exactly as it was; stage and digest are checked. */
    rvm_boot_measure_t m = b->measure;
    (void)rvm_boot_measure_extend(&m, stage, digest);

    rvm_witness_record_t r;
    fill_record(&r, b, stage_action[stage], tick, m.acc);
    uint64_t since = tick - b->timing[RVM_BOOT_STAGE_RESET_VECTOR].start_tick;
    uint8_t le[8];
    rvm_le64_store(le, since < SINCE_RESET_MAX ? since : SINCE_RESET_MAX);
    r.payload[0] = stage;
    for (size_t i = 1; i < RVM_WITNESS_PAYLOAD_SIZE; i++) {
        r.payload[i] = le[i - 1u];
    }
    if (stage == RVM_BOOT_STAGE_SCHEDULER_ENTRY) {
        r.flags = b->chain_mode;
    }
    err = write_witness(b, &r);
    if (err != RVM_OK) {
        return err;
    }
    b->measure = m;
    b->timing[stage].end_tick = tick;
    b->last_tick = tick;
    b->in_stage = false;
    b->position++;
    return RVM_OK;
}

rvm_err_t rvm_boot_complete_stage_data(rvm_boot_t *b, uint8_t stage, uint64_t tick, const void *data, size_t len)
{
    rvm_err_t err = check_live(b);
    if (err != RVM_OK) {
        return err;
    }
    uint8_t digest[RVM_BOOT_DIGEST_LEN];
    err = rvm_boot_stage_digest(b->measure.hash, stage, data, len, digest);
    if (err != RVM_OK) {
        return err;
    }
    return rvm_boot_complete_stage(b, stage, tick, digest);
}

rvm_err_t rvm_boot_emit(rvm_boot_t *b, uint8_t action, uint64_t tick, const uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE])
{
    rvm_err_t err = check_live(b);
    if (err != RVM_OK) {
        return err;
    }
    if (action < BOOT_EMIT_FIRST || action > BOOT_EMIT_LAST || payload == NULL || tick < b->last_tick) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_witness_record_t r;
    fill_record(&r, b, action, tick, b->measure.acc);
    for (size_t i = 0; i < RVM_WITNESS_PAYLOAD_SIZE; i++) {
        r.payload[i] = payload[i];
    }
    err = write_witness(b, &r);
    if (err != RVM_OK) {
        return err;
    }
    b->last_tick = tick;
    return RVM_OK;
}

rvm_err_t rvm_boot_attach_log(rvm_boot_t *b, rvm_witness_log_t *log, rvm_witness_record_t *storage,
                              uint32_t capacity, const rvm_witness_config_t *cfg)
{
    rvm_err_t err = check_live(b);
    if (err != RVM_OK) {
        return err;
    }
    if (log == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (b->log != NULL) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    /* A smaller ring would overwrite (or refuse) boot evidence before anyone could drain it. */
    if (capacity < b->prelog_len) {
        return RVM_ERR_WITNESS_LOG_FULL;
    }
    rvm_witness_config_t c;
    if (cfg != NULL) {
        c = *cfg;
    } else {
        rvm_witness_config_default(&c);
    }
    err = rvm_witness_log_init(log, storage, capacity, &c);
    if (err != RVM_OK) {
        return err;
    }
    /* The pre-log stays intact until every record is in: a failed flush can be retried with a fresh log. */
    for (uint8_t i = 0; i < b->prelog_len; i++) {
        err = rvm_witness_append(log, &b->prelog[i], NULL);
        if (err != RVM_OK) {
            return err;
        }
    }
    for (uint8_t i = 0; i < b->prelog_len; i++) {
        b->prelog[i] = (rvm_witness_record_t){0};
    }
    b->prelog_len = 0;
    b->log = log;
    b->chain_mode = c.chain_mode;
    return RVM_OK;
}

uint8_t rvm_boot_next_stage(const rvm_boot_t *b)
{
    if (b == NULL || b->position >= RVM_BOOT_STAGE_COUNT) {
        return RVM_BOOT_STAGE_NONE;
    }
    return run_order[b->position];
}

bool rvm_boot_is_complete(const rvm_boot_t *b) { return b != NULL && b->position >= RVM_BOOT_STAGE_COUNT; }

uint8_t rvm_boot_stage_action(uint8_t stage) { return stage < RVM_BOOT_STAGE_COUNT ? stage_action[stage] : 0u; }

uint32_t rvm_boot_prelog_len(const rvm_boot_t *b) { return b != NULL ? b->prelog_len : 0u; }

rvm_err_t rvm_boot_stage_timing(const rvm_boot_t *b, uint8_t stage, rvm_boot_timing_t *out)
{
    if (b == NULL || out == NULL || stage >= RVM_BOOT_STAGE_COUNT) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!stage_done(b, stage)) {
        return RVM_ERR_NOT_FOUND;
    }
    *out = b->timing[stage];
    return RVM_OK;
}

rvm_err_t rvm_boot_stage_digest_of(const rvm_boot_t *b, uint8_t stage, uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    if (b == NULL || out == NULL || stage >= RVM_BOOT_STAGE_COUNT) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!stage_done(b, stage)) {
        return RVM_ERR_NOT_FOUND;
    }
    for (size_t i = 0; i < RVM_BOOT_DIGEST_LEN; i++) {
        out[i] = b->measure.phase_hash[stage][i];
    }
    return RVM_OK;
}

rvm_err_t rvm_boot_accumulator(const rvm_boot_t *b, uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    if (b == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return rvm_boot_measure_root(&b->measure, out);
}

rvm_err_t rvm_boot_attestation(const rvm_boot_t *b, uint8_t out[RVM_BOOT_DIGEST_LEN])
{
    if (b == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_boot_is_complete(b)) {
        return RVM_ERR_NOT_FOUND;
    }
    return rvm_boot_measure_root(&b->measure, out);
}

rvm_err_t rvm_boot_total_ticks(const rvm_boot_t *b, uint64_t *out)
{
    if (b == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_boot_is_complete(b)) {
        return RVM_ERR_NOT_FOUND;
    }
    *out = b->timing[RVM_BOOT_STAGE_SCHEDULER_ENTRY].end_tick - b->timing[RVM_BOOT_STAGE_RESET_VECTOR].start_tick;
    return RVM_OK;
}

rvm_err_t rvm_boot_first_witness_ticks(const rvm_boot_t *b, uint64_t *out)
{
    if (b == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!stage_done(b, RVM_BOOT_STAGE_FIRST_WITNESS)) {
        return RVM_ERR_NOT_FOUND;
    }
    *out = b->timing[RVM_BOOT_STAGE_FIRST_WITNESS].end_tick - b->timing[RVM_BOOT_STAGE_RESET_VECTOR].start_tick;
    return RVM_OK;
}
