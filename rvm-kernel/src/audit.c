/* Witness wlog ownership, timestamps and the line-form console stream. */
#include "audit.h"

#include <stddef.h>

#include <rvm/hal.h>
#include <rvm/witness_export.h>
#include <rvm/witness_segment.h>
#include <rvm/witness_verify.h>

#include "console.h"

/* A record line plus its NUL, with room to spare. */
#define LINE_BUF 192u

static rvm_witness_record_t storage[RVM_AUDIT_CAPACITY];
static rvm_witness_log_t wlog;
static bool attached;
static uint64_t streamed; /* sequence of the next record to print */
static uint64_t stream_first;

uint64_t rvm_audit_now_ns(void)
{
    uint64_t hz = rvm_hal_timer_freq();
    uint64_t ns = rvm_boot_ticks_to_ns(rvm_hal_timer_now(), (uint32_t)hz);
    /* 0 would mean "stamp me" to the wlog: never hand it out as a real time. */
    return ns == 0u ? 1u : ns;
}

static uint64_t clock_ns(void *ctx)
{
    (void)ctx;
    return rvm_audit_now_ns();
}

static void print_line(const char *buf)
{
    /* The line form starts with "[RVM] " itself, so it is printed as is. */
    rvm_console_str(buf);
    rvm_console_end();
}

rvm_err_t rvm_audit_attach(rvm_boot_t *boot)
{
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    cfg.chain_mode = RVM_WITNESS_CHAIN_CONTENT;
    cfg.digest = RVM_WITNESS_DIGEST_SHA256;
    cfg.clock = clock_ns;
    rvm_err_t err = rvm_boot_attach_log(boot, &wlog, storage, RVM_AUDIT_CAPACITY, &cfg);
    if (err != RVM_OK) {
        return err;
    }
    attached = true;
    stream_first = rvm_witness_oldest_sequence(&wlog);
    streamed = stream_first;
    rvm_witness_segment_t seg = { 0 };
    seg.chain_mode = cfg.chain_mode;
    seg.digest = cfg.digest;
    seg.first_sequence = stream_first;
    seg.prev_chain = rvm_witness_base_chain(&wlog);
    char buf[LINE_BUF];
    size_t len = 0;
    err = rvm_witness_line_header(&seg, buf, sizeof buf, &len);
    if (err == RVM_OK) {
        print_line(buf);
    }
    return err;
}

rvm_witness_log_t *rvm_audit_log(void)
{
    return &wlog;
}

rvm_err_t rvm_audit_emit(uint8_t action, uint32_t actor, uint64_t target, uint8_t flags,
                         const uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE])
{
    rvm_witness_record_t rec = { 0 };
    rec.timestamp_ns = rvm_audit_now_ns();
    rec.action_kind = action;
    rec.proof_tier = 1;
    rec.flags = flags;
    rec.actor_partition_id = actor;
    rec.target_object_id = target;
    for (uint32_t i = 0; i < RVM_WITNESS_PAYLOAD_SIZE; i++) {
        rec.payload[i] = payload[i];
    }
    return rvm_witness_append(&wlog, &rec, NULL);
}

void rvm_audit_stream(void)
{
    if (!attached) {
        return;
    }
    uint64_t total = rvm_witness_total_emitted(&wlog);
    while (streamed < total) {
        rvm_witness_record_t rec;
        char buf[LINE_BUF];
        size_t len = 0;
        /* A record the ring already overwrote cannot be shown; the verifier then reports the gap. */
        if (rvm_witness_get(&wlog, streamed, &rec) == RVM_OK &&
            rvm_witness_line_record(&rec, buf, sizeof buf, &len) == RVM_OK) {
            print_line(buf);
        }
        streamed++;
    }
}

bool rvm_audit_verify(uint64_t *bad_seq)
{
    rvm_witness_verify_result_t res = { 0 };
    rvm_err_t err = rvm_witness_verify_log(&wlog, NULL, &res);
    *bad_seq = res.bad_sequence;
    return err == RVM_OK;
}

void rvm_audit_end(void)
{
    if (!attached) {
        return;
    }
    rvm_audit_stream();
    rvm_witness_segment_t seg = { 0 };
    seg.chain_mode = RVM_WITNESS_CHAIN_CONTENT;
    seg.digest = RVM_WITNESS_DIGEST_SHA256;
    seg.complete = true;
    seg.first_sequence = stream_first;
    seg.count = rvm_witness_total_emitted(&wlog) - stream_first;
    seg.final_chain = rvm_witness_chain_value(&wlog);
    char buf[LINE_BUF];
    size_t len = 0;
    if (rvm_witness_line_end(&seg, buf, sizeof buf, &len) == RVM_OK) {
        print_line(buf);
    }
}
