#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/proof_engine.h>

enum { STAGE_ARGUMENT = 0, STAGE_P1 = 1, STAGE_P2 = 2, STAGE_P3 = 3 };

static rvm_err_t witness(rvm_witness_log_t *log, const rvm_witness_signer_t *signer, const rvm_proof_ctx_t *ctx,
                         uint8_t kind, uint8_t tier, uint32_t hash, uint8_t stage)
{
    rvm_witness_record_t rec;
    __builtin_memset(&rec, 0, sizeof rec);
    rec.action_kind = kind;
    rec.proof_tier = tier;
    rec.actor_partition_id = ctx->partition_id;
    rec.target_object_id = ctx->target_object;
    rec.capability_hash = hash;
    rec.payload[0] = stage;
    rec.payload[1] = ctx->requested_operation;
    if (signer != NULL) {
        return rvm_witness_signed_append(log, &rec, signer, NULL);
    }
    return rvm_witness_append(log, &rec, NULL);
}

/* Witnesses a rejection and returns `err`; a failed append is dropped: the rejection is what the caller needs. */
static rvm_err_t reject(rvm_witness_log_t *log, const rvm_proof_ctx_t *ctx, uint32_t hash, uint8_t stage,
                        rvm_err_t err)
{
    (void)witness(log, NULL, ctx, RVM_ACTION_PROOF_REJECTED, RVM_PROOF_TIER_NONE, hash, stage);
    return err;
}

rvm_err_t rvm_proof_verify_and_witness(rvm_proof_policy_t *p, const rvm_proof_token_t *token,
                                       const rvm_proof_ctx_t *ctx, const rvm_cap_manager_t *m,
                                       rvm_witness_log_t *log)
{
    if (p == NULL || token == NULL || ctx == NULL || m == NULL || log == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (token->tier < RVM_PROOF_TIER_P1 || token->tier > RVM_PROOF_TIER_P3) {
        return reject(log, ctx, token->hash, STAGE_ARGUMENT, RVM_ERR_INVALID_ARGUMENT);
    }
    rvm_cap_handle_t h = { ctx->capability_handle, ctx->capability_generation };
    rvm_err_t err = rvm_cap_verify_p1(m, h, RVM_RIGHT_PROVE);
    if (err != RVM_OK) {
        return reject(log, ctx, token->hash, STAGE_P1, err);
    }
    rvm_proof_ctx_t bound = *ctx;
    err = rvm_proof_ctx_bind_capability(&bound, m);
    if (err == RVM_OK) {
        err = rvm_proof_p2_check(p, &bound);
    }
    if (err != RVM_OK) {
        return reject(log, ctx, token->hash, STAGE_P2, RVM_ERR_PROOF_INVALID);
    }
    static const uint8_t verified[] = { RVM_ACTION_PROOF_VERIFIED_P1, RVM_ACTION_PROOF_VERIFIED_P2,
                                        RVM_ACTION_PROOF_VERIFIED_P3 };
    err = witness(log, NULL, ctx, verified[token->tier - 1u], token->tier, token->hash, STAGE_P2);
    if (err != RVM_OK) {
        return err;
    }
    /* Fresh when checked above and nothing ran in between, so this only records it. */
    return rvm_proof_policy_commit_nonce(p, ctx->nonce);
}

rvm_err_t rvm_proof_verify_p3(const rvm_proof_ctx_t *ctx, const rvm_cap_manager_t *m, rvm_witness_log_t *log,
                              const rvm_proof_obj_t *evidence, const uint8_t commitment[RVM_PROOF_COMMITMENT_LEN],
                              uint32_t flags, const rvm_witness_signer_t *signer)
{
    if (ctx == NULL || m == NULL || log == NULL || (evidence != NULL && commitment == NULL)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_cap_handle_t h = { ctx->capability_handle, ctx->capability_generation };
    rvm_cap_info_t info;
    uint32_t hash = rvm_cap_lookup(m, h, &info) == RVM_OK ? rvm_cap_hash32(&info.token) : 0u;
    bool ok = rvm_cap_verify_p3(m, h, ctx->max_delegation_depth) == RVM_OK;
    if (ok && evidence != NULL) {
        ok = rvm_proof_obj_verify(evidence, commitment, flags) == RVM_OK;
    }
    if (!ok) {
        return reject(log, ctx, hash, STAGE_P3, RVM_ERR_PROOF_INVALID);
    }
    return witness(log, signer, ctx, RVM_ACTION_PROOF_VERIFIED_P3, RVM_PROOF_TIER_P3, hash, STAGE_P3);
}
