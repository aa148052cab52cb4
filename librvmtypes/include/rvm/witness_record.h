/* The 64-byte witness record (spec §3.3) and its canonical serialisation. */
#ifndef RVM_WITNESS_RECORD_H
#define RVM_WITNESS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

#define RVM_WITNESS_RECORD_SIZE 64u
#define RVM_WITNESS_PAYLOAD_SIZE 8u
#define RVM_WITNESS_AUX_SIZE 8u
/* Bytes a signer covers: everything before `aux`. */
#define RVM_WITNESS_SIGNED_LEN 52u
/* Bytes the content-binding chain (mode 2) covers: everything before `prev_hash`. */
#define RVM_WITNESS_CHAINED_LEN 44u

/*
 * In-memory layout identical to the reference's repr(C, align(64)) struct.
 * `payload` and `aux` are byte arrays because they sit at offsets 36 and 52,
 * which no 8-byte integer could occupy without padding.
 */
typedef struct rvm_witness_record {
    _Alignas(64) uint64_t sequence;  /* assigned by the log */
    uint64_t timestamp_ns;           /* platform counter, never left 0 by the kernel */
    uint8_t action_kind;             /* rvm_action_kind_t */
    uint8_t proof_tier;              /* 1..3, 0 for rejections */
    uint8_t flags;                   /* action-specific */
    uint8_t reserved;                /* must be 0 */
    uint32_t actor_partition_id;     /* 0 = hypervisor */
    uint64_t target_object_id;
    uint32_t capability_hash;        /* rvm_cap_hash32() or proof-token hash */
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE];
    uint32_t prev_hash;              /* fold32 of the previous chain value */
    uint32_t record_hash;            /* fold32 of this record's chain value */
    uint8_t aux[RVM_WITNESS_AUX_SIZE]; /* truncated signature, zero when unsigned */
    uint32_t pad;                    /* zero */
} rvm_witness_record_t;

_Static_assert(sizeof(rvm_witness_record_t) == 64, "witness record is 64 bytes");
_Static_assert(_Alignof(rvm_witness_record_t) == 64, "witness record is 64-byte aligned");
_Static_assert(offsetof(rvm_witness_record_t, sequence) == 0, "sequence @0");
_Static_assert(offsetof(rvm_witness_record_t, timestamp_ns) == 8, "timestamp_ns @8");
_Static_assert(offsetof(rvm_witness_record_t, action_kind) == 16, "action_kind @16");
_Static_assert(offsetof(rvm_witness_record_t, proof_tier) == 17, "proof_tier @17");
_Static_assert(offsetof(rvm_witness_record_t, flags) == 18, "flags @18");
_Static_assert(offsetof(rvm_witness_record_t, reserved) == 19, "reserved @19");
_Static_assert(offsetof(rvm_witness_record_t, actor_partition_id) == 20, "actor @20");
_Static_assert(offsetof(rvm_witness_record_t, target_object_id) == 24, "target @24");
_Static_assert(offsetof(rvm_witness_record_t, capability_hash) == 32, "capability_hash @32");
_Static_assert(offsetof(rvm_witness_record_t, payload) == 36, "payload @36");
_Static_assert(offsetof(rvm_witness_record_t, prev_hash) == 44, "prev_hash @44");
_Static_assert(offsetof(rvm_witness_record_t, record_hash) == 48, "record_hash @48");
_Static_assert(offsetof(rvm_witness_record_t, aux) == 52, "aux @52");
_Static_assert(offsetof(rvm_witness_record_t, pad) == 60, "pad @60");

/*
 * Writes the canonical little-endian form (what is hashed, signed and
 * exported) with `reserved` and `pad` forced to zero; the in-memory image is
 * never hashed directly.
 */
void rvm_witness_record_serialize(const rvm_witness_record_t *rec, uint8_t out[RVM_WITNESS_RECORD_SIZE]);

/*
 * Parses a canonical 64-byte form. RVM_ERR_MALFORMED_INPUT when the action
 * code is undefined or a must-be-zero field is not zero.
 */
rvm_err_t rvm_witness_record_deserialize(const uint8_t in[RVM_WITNESS_RECORD_SIZE], rvm_witness_record_t *out);

#endif
