#include <rvm/proof_context.h>
#include <rvm/proof_types.h>

rvm_err_t rvm_proof_ctx_init(rvm_proof_ctx_t *ctx, rvm_partition_id_t partition_id)
{
    if (ctx == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(ctx, 0, sizeof *ctx);
    ctx->partition_id = partition_id;
    ctx->max_delegation_depth = RVM_CAP_MAX_DEPTH;
    ctx->proof_tier = RVM_PROOF_TIER_P2;
    ctx->required_tier = RVM_PROOF_TIER_P1;
    ctx->lease_expiry_ns = UINT64_MAX;
    ctx->max_validity_window_ns = UINT64_MAX;
    return RVM_OK;
}

rvm_err_t rvm_proof_ctx_bind_capability(rvm_proof_ctx_t *ctx, const rvm_cap_manager_t *m)
{
    if (ctx == NULL || m == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_cap_info_t info;
    rvm_cap_handle_t h = { ctx->capability_handle, ctx->capability_generation };
    rvm_err_t err = rvm_cap_lookup(m, h, &info);
    if (err != RVM_OK) {
        return err;
    }
    ctx->cap_owner = info.owner;
    ctx->cap_object = info.object_id;
    ctx->cap_depth = info.depth;
    ctx->cap_rights = info.token.rights;
    return RVM_OK;
}
