/*
 * libFuzzer target: the input is a program of capability operations with
 * hostile handles, rights, owners and depths. After every step the table must
 * still satisfy the derivation invariants; any violation aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/witness_log.h>
#include <rvm/witness_verify.h>

#define SLOTS 32u
#define KEEP 64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

RVM_CAP_STORAGE_DEFINE(fuzz_table, SLOTS, 8);
static rvm_witness_record_t ring[4096];
static rvm_nonce_ring_t nonces;

static void check_invariants(const rvm_cap_manager_t *m, const rvm_cap_handle_t *known, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rvm_cap_info_t info;
        if (rvm_cap_lookup(m, known[i], &info) != RVM_OK) {
            continue;
        }
        if (info.depth > RVM_CAP_MAX_DEPTH || !rvm_rights_valid(info.token.rights)) {
            abort();
        }
        rvm_cap_info_t parent;
        if (info.depth > 0 && rvm_cap_lookup(m, info.parent, &parent) == RVM_OK) {
            if (!rvm_rights_is_subset(info.token.rights, parent.token.rights | RVM_RIGHT_GRANT | RVM_RIGHT_GRANT_ONCE) ||
                parent.depth >= info.depth) {
                abort();
            }
        }
        /* P1 must agree with what lookup reports for a live, current capability. */
        if (rvm_cap_verify_p1(m, known[i], info.token.rights) == RVM_ERR_INSUFFICIENT_CAPABILITY) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rvm_witness_log_t log;
    rvm_cap_manager_t m;
    rvm_cap_config_t cfg;
    rvm_cap_config_default(&cfg);
    if (rvm_witness_log_init(&log, ring, 4096, NULL) != RVM_OK || rvm_nonce_ring_init(&nonces, false) != RVM_OK ||
        rvm_cap_manager_init(&m, &fuzz_table, &cfg, &log, &nonces) != RVM_OK) {
        abort();
    }
    rvm_cap_handle_t known[KEEP] = { 0 };
    size_t nknown = 0;
    for (size_t i = 0; i + 4 <= size && i < 4 * 400; i += 4) {
        uint8_t op = data[i] % 8;
        rvm_cap_handle_t h = known[data[i + 1] % KEEP];
        if (data[i + 1] >= 0xF0) {
            /* A forged handle: arbitrary index and generation. */
            h = (rvm_cap_handle_t){ data[i + 2], data[i + 3] };
        }
        rvm_partition_id_t caller = data[i + 2] % 4;
        rvm_rights_t rights = data[i + 3];
        rvm_cap_handle_t out = RVM_CAP_HANDLE_NULL;
        uint32_t count = 0;
        rvm_err_t e = RVM_ERR_INVALID_ARGUMENT;
        switch (op) {
        case 0:
            e = rvm_cap_create_root(&m, caller % 2 == 0 ? 0 : caller, data[i + 1] % 10, data[i + 1] % 5, rights, 0,
                                    1 + caller, &out);
            break;
        case 1:
        case 2:
            e = rvm_cap_grant(&m, caller, h, rights, i, 1 + (data[i + 1] % 3), &out);
            break;
        case 3:
            e = rvm_cap_revoke(&m, caller, h, &count);
            break;
        case 4:
            e = rvm_cap_delete(&m, caller, h);
            break;
        case 5:
            e = rvm_cap_bump_object_epoch(&m, caller % 2 == 0 ? 0 : caller, data[i + 1] % 10, data[i + 1] % 5);
            break;
        case 6:
            (void)rvm_cap_verify_p1(&m, h, rights);
            (void)rvm_cap_verify_p3(&m, h, data[i + 3] % 12);
            break;
        default:
            e = rvm_cap_bump_global_epoch(&m, caller % 2 == 0 ? 0 : caller);
            break;
        }
        if (e == RVM_OK && (op == 0 || op == 1 || op == 2)) {
            known[nknown++ % KEEP] = out;
        }
        check_invariants(&m, known, nknown < KEEP ? nknown : KEEP);
    }
    rvm_witness_verify_result_t r;
    if (rvm_witness_verify_log(&log, NULL, &r) != RVM_OK) {
        abort();
    }
    return 0;
}
