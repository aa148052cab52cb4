/* Policy evaluation on a table-resolved capability (spec §14.1, DECISIONS 4). */
#include <rvm/sec_policy.h>

#include <stddef.h>

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

static rvm_err_t evaluate(const rvm_cap_manager_t *m, rvm_partition_id_t caller, const rvm_sec_policy_request_t *req)
{
    rvm_cap_info_t info;
    rvm_err_t err = rvm_cap_lookup(m, req->handle, &info);
    if (err != RVM_OK) {
        return err;
    }
    if (info.owner != caller) {
        return RVM_ERR_INVALID_HANDLE;
    }
    const rvm_cap_token_t *t = &info.token;
    if (req->check_epoch && t->epoch != req->current_epoch) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    if (t->type != req->required_type) {
        return RVM_ERR_CAPABILITY_TYPE_MISMATCH;
    }
    if (!rvm_rights_contains(t->rights, req->required_rights)) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    if (req->proof_commitment != NULL && all_zero(req->proof_commitment, RVM_SEC_COMMITMENT_LEN)) {
        return RVM_ERR_PROOF_INVALID;
    }
    return RVM_OK;
}

rvm_err_t rvm_sec_policy_evaluate(const rvm_cap_manager_t *m, rvm_partition_id_t caller,
                                  const rvm_sec_policy_request_t *req, rvm_sec_decision_t *out)
{
    if (m == NULL || req == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    out->err = evaluate(m, caller, req);
    out->allow = out->err == RVM_OK;
    return RVM_OK;
}

rvm_err_t rvm_sec_policy_enforce(const rvm_cap_manager_t *m, rvm_partition_id_t caller,
                                 const rvm_sec_policy_request_t *req)
{
    if (m == NULL || req == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return evaluate(m, caller, req);
}
