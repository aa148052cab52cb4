#include <rvm/ct.h>
#include <rvm/endian.h>
#include <rvm/fnv.h>
#include <rvm/proof_object.h>
#include <rvm/sha256.h>

#define LINK_LEN 16u

rvm_err_t rvm_proof_obj_init(rvm_proof_obj_t *p, uint8_t tier, const uint8_t commitment[RVM_PROOF_COMMITMENT_LEN],
                             const void *data, size_t len)
{
    if (p == NULL || commitment == NULL || (data == NULL && len != 0)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(p, 0, sizeof *p);
    p->tier = tier;
    __builtin_memcpy(p->commitment, commitment, RVM_PROOF_COMMITMENT_LEN);
    if (data == NULL) {
        return RVM_OK;   /* len is 0 here */
    }
    size_t kept = len < RVM_PROOF_DATA_MAX ? len : RVM_PROOF_DATA_MAX;
    p->data_len = (uint8_t)kept;
    __builtin_memcpy(p->data, data, kept);
    return RVM_OK;
}

rvm_err_t rvm_proof_hash_commitment(const void *data, size_t len, uint32_t flags,
                                    uint8_t out[RVM_PROOF_COMMITMENT_LEN])
{
    if ((data == NULL && len != 0) || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if ((flags & RVM_PROOF_OBJ_FNV_FALLBACK) != 0) {
        __builtin_memset(out, 0, RVM_PROOF_COMMITMENT_LEN);
        rvm_le64_store(out, rvm_fnv1a64(data, len));
    } else {
        rvm_sha256(data, len, out);
    }
    return RVM_OK;
}

static rvm_err_t verify_links(const rvm_proof_obj_t *p)
{
    size_t links = p->data_len / LINK_LEN;
    if (links == 0) {
        return RVM_ERR_PROOF_INVALID;
    }
    for (size_t i = 0; i + 1u < links; i++) {
        uint64_t record = rvm_le64_load(p->data + i * LINK_LEN + 8u);
        uint64_t next_prev = rvm_le64_load(p->data + (i + 1u) * LINK_LEN);
        if (record != next_prev) {
            return RVM_ERR_PROOF_INVALID;
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_proof_obj_verify(const rvm_proof_obj_t *p, const uint8_t expected[RVM_PROOF_COMMITMENT_LEN],
                               uint32_t flags)
{
    if (p == NULL || expected == NULL || p->data_len > RVM_PROOF_DATA_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_ct_equal(p->commitment, expected, RVM_PROOF_COMMITMENT_LEN)) {
        return RVM_ERR_PROOF_INVALID;
    }
    switch (p->tier) {
    case RVM_PROOF_OBJ_HASH: {
        if (p->data_len == 0) {
            return RVM_ERR_PROOF_INVALID;
        }
        uint8_t computed[RVM_PROOF_COMMITMENT_LEN];
        (void)rvm_proof_hash_commitment(p->data, p->data_len, flags, computed);
        return rvm_ct_equal(computed, p->commitment, RVM_PROOF_COMMITMENT_LEN) ? RVM_OK : RVM_ERR_PROOF_INVALID;
    }
    case RVM_PROOF_OBJ_WITNESS:
        return verify_links(p);
    case RVM_PROOF_OBJ_ZK:
        return RVM_ERR_UNSUPPORTED;
    default:
        return RVM_ERR_INVALID_ARGUMENT;
    }
}

rvm_err_t rvm_proof_obj_verify_with_cap(const rvm_proof_obj_t *p, const uint8_t expected[RVM_PROOF_COMMITMENT_LEN],
                                        uint32_t flags, rvm_rights_t rights)
{
    if ((rights & RVM_RIGHT_PROVE) == 0) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    return rvm_proof_obj_verify(p, expected, flags);
}

rvm_err_t rvm_proof_merkle_verify(const uint8_t leaf[RVM_PROOF_COMMITMENT_LEN],
                                  const uint8_t (*path)[RVM_PROOF_COMMITMENT_LEN], uint32_t depth, uint64_t index,
                                  const uint8_t root[RVM_PROOF_COMMITMENT_LEN])
{
    if (leaf == NULL || root == NULL || (path == NULL && depth != 0) || depth > RVM_PROOF_MERKLE_MAX_DEPTH ||
        (index >> depth) != 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint8_t node[RVM_PROOF_COMMITMENT_LEN];
    __builtin_memcpy(node, leaf, sizeof node);
    for (uint32_t i = 0; i < depth; i++) {
        rvm_sha256_ctx_t h;
        rvm_sha256_init(&h);
        if (((index >> i) & 1u) == 0) {
            rvm_sha256_update(&h, node, sizeof node);
            rvm_sha256_update(&h, path[i], RVM_PROOF_COMMITMENT_LEN);
        } else {
            rvm_sha256_update(&h, path[i], RVM_PROOF_COMMITMENT_LEN);
            rvm_sha256_update(&h, node, sizeof node);
        }
        rvm_sha256_final(&h, node);
    }
    return rvm_ct_equal(node, root, RVM_PROOF_COMMITMENT_LEN) ? RVM_OK : RVM_ERR_PROOF_INVALID;
}
