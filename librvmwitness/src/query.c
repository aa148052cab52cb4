#include <rvm/action_kind.h>
#include <rvm/witness_query.h>

#include "chain.h"

#define MATCH_ALL (RVM_WITNESS_MATCH_PARTITION | RVM_WITNESS_MATCH_ACTION | RVM_WITNESS_MATCH_TIME)

static bool filter_valid(const rvm_witness_filter_t *f)
{
    if ((f->match & ~MATCH_ALL) != 0) {
        return false;
    }
    if ((f->match & RVM_WITNESS_MATCH_ACTION) != 0 && !rvm_action_kind_valid(f->action_kind)) {
        return false;
    }
    return (f->match & RVM_WITNESS_MATCH_TIME) == 0 || f->time_from_ns <= f->time_to_ns;
}

static bool matches(const rvm_witness_filter_t *f, const rvm_witness_record_t *r)
{
    if ((f->match & RVM_WITNESS_MATCH_PARTITION) != 0 && r->actor_partition_id != f->partition &&
        r->target_object_id != (uint64_t)f->partition) {
        return false;
    }
    if ((f->match & RVM_WITNESS_MATCH_ACTION) != 0 && r->action_kind != f->action_kind) {
        return false;
    }
    return (f->match & RVM_WITNESS_MATCH_TIME) == 0 ||
           (r->timestamp_ns >= f->time_from_ns && r->timestamp_ns <= f->time_to_ns);
}

/* One scan for slices and rings alike: `wrap` is 0 for a slice, the ring capacity otherwise. */
static rvm_err_t scan(const rvm_witness_record_t *base, size_t wrap, size_t start, size_t n, bool ring,
                      const rvm_witness_filter_t *f, rvm_witness_record_t *out, size_t cap, size_t *total_out)
{
    if ((base == NULL && n > 0) || f == NULL || (out == NULL && cap > 0) || total_out == NULL || !filter_valid(f)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    size_t total = 0;
    size_t idx = start;
    for (size_t i = 0; i < n; i++) {
        const rvm_witness_record_t *r = &base[idx];
        idx = idx + 1 == wrap ? 0 : idx + 1;
        if (!matches(f, r)) {
            continue;
        }
        if (total < cap) {
            if (ring) {
                rvm_witness_slot_copy(&out[total], r);
            } else {
                out[total] = *r;
            }
        }
        total++;
    }
    *total_out = total;
    return total > cap ? RVM_ERR_BUFFER_TOO_SMALL : RVM_OK;
}

rvm_err_t rvm_witness_query(const rvm_witness_record_t *records, size_t n, const rvm_witness_filter_t *filter,
                            rvm_witness_record_t *out, size_t cap, size_t *total_out)
{
    return scan(records, 0, 0, n, false, filter, out, cap, total_out);
}

rvm_err_t rvm_witness_query_partition(const rvm_witness_record_t *records, size_t n, uint32_t pid,
                                      rvm_witness_record_t *out, size_t cap, size_t *total_out)
{
    rvm_witness_filter_t f = { .match = RVM_WITNESS_MATCH_PARTITION, .partition = pid };
    return scan(records, 0, 0, n, false, &f, out, cap, total_out);
}

rvm_err_t rvm_witness_query_action(const rvm_witness_record_t *records, size_t n, uint8_t action_kind,
                                   rvm_witness_record_t *out, size_t cap, size_t *total_out)
{
    rvm_witness_filter_t f = { .match = RVM_WITNESS_MATCH_ACTION, .action_kind = action_kind };
    return scan(records, 0, 0, n, false, &f, out, cap, total_out);
}

rvm_err_t rvm_witness_query_time(const rvm_witness_record_t *records, size_t n, uint64_t from_ns, uint64_t to_ns,
                                 rvm_witness_record_t *out, size_t cap, size_t *total_out)
{
    rvm_witness_filter_t f = { .match = RVM_WITNESS_MATCH_TIME, .time_from_ns = from_ns, .time_to_ns = to_ns };
    return scan(records, 0, 0, n, false, &f, out, cap, total_out);
}

rvm_err_t rvm_witness_log_query(const rvm_witness_log_t *log, const rvm_witness_filter_t *filter,
                                rvm_witness_record_t *out, size_t cap, size_t *total_out)
{
    if (log == NULL || log->records == NULL || log->capacity == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint64_t oldest = rvm_witness_oldest_sequence(log);
    return scan(log->records, log->capacity, (size_t)(oldest % log->capacity), rvm_witness_len(log), true, filter,
                out, cap, total_out);
}
