/* The shared vocabulary: error names, action kinds, ids, rights, fixed point, endian helpers, record layout. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/err.h>
#include <rvm/failure.h>
#include <rvm/fixed.h>
#include <rvm/fnv.h>
#include <rvm/fold.h>
#include <rvm/ids.h>
#include <rvm/librvmtypes_version.h>
#include <rvm/partition_state.h>
#include <rvm/rights.h>
#include <rvm/tier.h>
#include <rvm/witness_record.h>

START_TEST(err_codes_match_spec_and_have_names)
{
    ck_assert_int_eq(RVM_ERR_PARTITION_NOT_FOUND, -1);
    ck_assert_int_eq(RVM_ERR_INSUFFICIENT_CAPABILITY, -9);
    ck_assert_int_eq(RVM_ERR_WITNESS_LOG_FULL, -16);
    ck_assert_int_eq(RVM_ERR_MINCUT_BUDGET_EXCEEDED, -21);
    ck_assert_int_eq(RVM_ERR_INTERNAL_ERROR, -34);
    ck_assert_str_eq(rvm_err_name(RVM_OK), "RVM_OK");
    ck_assert_str_eq(rvm_err_name(RVM_ERR_STALE_CAPABILITY), "RVM_ERR_STALE_CAPABILITY");
    ck_assert_str_eq(rvm_err_name(RVM_ERR_NOT_FOUND), "RVM_ERR_NOT_FOUND");
    ck_assert_str_eq(rvm_err_name(RVM_ERR_DEVICE_TIMEOUT), "RVM_ERR_DEVICE_TIMEOUT");
    for (int e = RVM_ERR_MIN; e <= 0; e++) {
        const char *n = rvm_err_name((rvm_err_t)e);
        ck_assert_ptr_nonnull(n);
        ck_assert_int_eq(strncmp(n, "RVM_", 4), 0);
        ck_assert_str_ne(n, "RVM_ERR_UNKNOWN");
    }
    ck_assert_str_eq(rvm_err_name((rvm_err_t)1), "RVM_ERR_UNKNOWN");
    ck_assert_str_eq(rvm_err_name((rvm_err_t)(RVM_ERR_MIN - 1)), "RVM_ERR_UNKNOWN");
}
END_TEST

START_TEST(action_kinds_cover_the_spec_table)
{
    static const uint8_t spec_codes[] = {
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x10, 0x11, 0x12, 0x13, 0x14, 0x20,
        0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x40,
        0x41, 0x42, 0x43, 0x50, 0x51, 0x52, 0x53, 0x54, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x70,
        0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x80, 0x81, 0x82, 0x90, 0x91, 0x92, 0x93, 0xA0, 0xA1,
    };
    ck_assert_uint_eq(sizeof spec_codes, 60);
    for (unsigned i = 0; i < sizeof spec_codes; i++) {
        ck_assert_msg(rvm_action_kind_valid(spec_codes[i]), "code 0x%02x", spec_codes[i]);
    }
    ck_assert_str_eq(rvm_action_kind_name(RVM_ACTION_PARTITION_CREATE), "PartitionCreate");
    ck_assert_str_eq(rvm_action_kind_name(RVM_ACTION_MINCUT_BUDGET_EXCEEDED), "MinCutBudgetExceeded");
    ck_assert_int_eq(RVM_ACTION_VMID_RECLAIM, 0xA0);
    ck_assert_int_eq(RVM_ACTION_CAPABILITY_ATTENUATED, 0x14);
    ck_assert(!rvm_action_kind_valid(0x00));
    ck_assert(!rvm_action_kind_valid(0x0A));
    ck_assert(!rvm_action_kind_valid(0xFF));
    ck_assert_ptr_null(rvm_action_kind_name(0xB0));
    ck_assert_int_eq(rvm_action_kind_subsystem(RVM_ACTION_IPC_SEND), RVM_SUBSYS_COMMUNICATION);
    ck_assert_int_eq(rvm_action_kind_subsystem(RVM_ACTION_MIGRATION_TIMEOUT), RVM_SUBSYS_VMID_MIGRATION);
    /* Every defined code round-trips through its name. */
    for (unsigned c = 0; c < 256; c++) {
        if (!rvm_action_kind_valid((uint8_t)c)) {
            continue;
        }
        uint8_t back = 0;
        ck_assert(rvm_action_kind_from_name(rvm_action_kind_name((uint8_t)c), &back));
        ck_assert_uint_eq(back, c);
    }
    uint8_t dummy;
    ck_assert(!rvm_action_kind_from_name("NoSuchAction", &dummy));
    ck_assert(!rvm_action_kind_from_name("PartitionCreat", &dummy));
}
END_TEST

START_TEST(partition_ids_and_addresses)
{
    rvm_partition_id_t id = 0;
    ck_assert_int_eq(rvm_partition_id_make(0, &id), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_partition_id_make(4097, &id), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_partition_id_make(4096, &id), RVM_OK);
    ck_assert_uint_eq(id, 4096);
    ck_assert(rvm_addr_page_aligned(0x40000000));
    ck_assert(!rvm_addr_page_aligned(0x40000001));
    ck_assert_uint_eq(rvm_addr_page_align_down(0x12345678), 0x12345000);
    ck_assert_uint_eq(rvm_gpa(0x1000).bits, 0x1000);
}
END_TEST

START_TEST(rights_and_cap_hash)
{
    ck_assert(rvm_rights_contains(RVM_RIGHT_READ | RVM_RIGHT_WRITE, RVM_RIGHT_READ));
    ck_assert(!rvm_rights_contains(RVM_RIGHT_READ, RVM_RIGHT_READ | RVM_RIGHT_WRITE));
    ck_assert(rvm_rights_is_subset(RVM_RIGHT_READ, RVM_RIGHT_READ | RVM_RIGHT_GRANT));
    ck_assert(!rvm_rights_is_subset(RVM_RIGHT_GRANT, RVM_RIGHT_READ));
    ck_assert(rvm_rights_valid(RVM_RIGHTS_ALL));
    ck_assert(!rvm_rights_valid(0x80));
    rvm_cap_token_t t = { .id = 0x123456789ABCDEF0ull, .type = RVM_OBJ_REGION, .rights = 0x25, .epoch = 7 };
    ck_assert_uint_eq(rvm_cap_hash32(&t), 0xAD88888Fu);
    ck_assert(rvm_obj_type_valid(RVM_OBJ_COHERENCE));
    ck_assert(!rvm_obj_type_valid(9));
}
END_TEST

START_TEST(fixed_point_examples_from_the_spec)
{
    /* §11.2: self-loop 1000 + outgoing 50: internal 1000 of total 2050. */
    ck_assert_uint_eq(rvm_bp_ratio(1000, 2050, 10000), 4878);
    /* §11.3 pressure examples. */
    ck_assert_uint_eq(rvm_bp_ratio(1000, 1100, 0), 9090);
    ck_assert_uint_eq(rvm_bp_ratio(10050, 11050, 0) /* self 1000 + external 10050 */, 9095);
    ck_assert_uint_eq(rvm_bp_ratio(0, 0, 10000), 10000);
    ck_assert_uint_eq(rvm_bp_ratio(0, 0, 0), 0);
    ck_assert_uint_eq(rvm_bp_ratio(5, 3, 0), 10000);
    /* Huge counters must not overflow: exact floor from a 128-bit product. */
    ck_assert_uint_eq(rvm_bp_ratio(UINT64_MAX / 2, UINT64_MAX, 0), 4999);
    ck_assert_uint_eq(rvm_bp_ratio(UINT64_MAX - 1, UINT64_MAX, 0), 9999);
    ck_assert_uint_eq(rvm_coherence_score(12000), 10000);
    ck_assert(rvm_coherence_meets(3000, RVM_COHERENCE_DEFAULT_THRESHOLD));
    ck_assert(!rvm_cut_pressure_exceeds(8000, RVM_CUT_PRESSURE_DEFAULT_SPLIT_THRESHOLD));
    ck_assert(rvm_cut_pressure_exceeds(8001, RVM_CUT_PRESSURE_DEFAULT_SPLIT_THRESHOLD));
    ck_assert_uint_eq(rvm_bp_mul(5000, 5000), 2500);
}
END_TEST

START_TEST(ema_vectors_from_the_spec)
{
    rvm_ema_t e;
    rvm_ema_init(&e, 5000);
    ck_assert_uint_eq(rvm_ema_update(&e, 8000), 8000);
    ck_assert_uint_eq(rvm_ema_update(&e, 4000), 6000);
    rvm_ema_init(&e, 2000);
    ck_assert_uint_eq(rvm_ema_update(&e, 8000), 8000);
    ck_assert_uint_eq(rvm_ema_update(&e, 4000), 7200);
    rvm_ema_init(&e, 5000);
    ck_assert_uint_eq(rvm_ema_update(&e, 9000), 9000);
    ck_assert_uint_eq(rvm_ema_update(&e, 2000), 5500);
    ck_assert_uint_eq(rvm_ema_update(&e, 1000), 3250);
    ck_assert_uint_eq(rvm_ema_update(&e, 1000), 2125);
    rvm_ema_init(&e, 60000);
    ck_assert_uint_eq(e.alpha_bp, 10000);
    ck_assert_uint_eq(rvm_ema_update(&e, 20000), 10000);
}
END_TEST

START_TEST(endian_helpers_are_byte_exact)
{
    uint8_t b[9] = { 0 };
    rvm_le64_store(b + 1, 0x0102030405060708ull);
    ck_assert_uint_eq(b[1], 0x08);
    ck_assert_uint_eq(b[8], 0x01);
    ck_assert_uint_eq(rvm_le64_load(b + 1), 0x0102030405060708ull);
    rvm_le32_store(b, 0xAABBCCDDu);
    ck_assert_uint_eq(b[0], 0xDD);
    ck_assert_uint_eq(rvm_le32_load(b), 0xAABBCCDDu);
    rvm_le16_store(b, 0x1234);
    ck_assert_uint_eq(rvm_le16_load(b), 0x1234);
    rvm_be32_store(b, 0x11223344u);
    ck_assert_uint_eq(b[0], 0x11);
    ck_assert_uint_eq(rvm_be32_load(b), 0x11223344u);
    ck_assert_uint_eq(rvm_fold32(0x1111111122222222ull), 0x33333333u);
}
END_TEST

START_TEST(fnv_known_answers)
{
    uint8_t ab[64];
    memset(ab, 0xAB, sizeof ab);
    ck_assert_uint_eq(rvm_fnv1a64("", 0), 0xcbf29ce484222325ull);
    ck_assert_uint_eq(rvm_fnv1a64("hello", 5), 0xa430d84680aabd0bull);
    ck_assert_uint_eq(rvm_fnv1a64(ab, 64), 0x153b00313366c465ull);
    ck_assert_uint_eq(rvm_fnv1a32("hello", 5), 0x80aabd0bu);
    ck_assert_uint_eq(rvm_fnv1a64_update(rvm_fnv1a64("hel", 3), "lo", 2), 0xa430d84680aabd0bull);
}
END_TEST

START_TEST(record_serialisation_round_trips)
{
    rvm_witness_record_t r = { 0 };
    r.sequence = 0x1122334455667788ull;
    r.timestamp_ns = 42;
    r.action_kind = RVM_ACTION_IPC_SEND;
    r.proof_tier = 2;
    r.flags = 0x5A;
    r.reserved = 0xEE; /* must not reach the canonical form */
    r.actor_partition_id = 7;
    r.target_object_id = 0xCAFEF00DDEADBEEFull;
    r.capability_hash = 0x01020304u;
    for (unsigned i = 0; i < 8; i++) {
        r.payload[i] = (uint8_t)(0x10 + i);
        r.aux[i] = (uint8_t)(0x80 + i);
    }
    r.prev_hash = 0xA1A2A3A4u;
    r.record_hash = 0xB1B2B3B4u;
    r.pad = 0xFFFFFFFFu;
    uint8_t ser[64];
    rvm_witness_record_serialize(&r, ser);
    ck_assert_uint_eq(ser[0], 0x88);
    ck_assert_uint_eq(ser[16], RVM_ACTION_IPC_SEND);
    ck_assert_uint_eq(ser[19], 0);
    ck_assert_uint_eq(ser[36], 0x10);
    ck_assert_uint_eq(ser[44], 0xA4);
    ck_assert_uint_eq(ser[52], 0x80);
    ck_assert_uint_eq(rvm_le32_load(ser + 60), 0);
    rvm_witness_record_t back;
    ck_assert_int_eq(rvm_witness_record_deserialize(ser, &back), RVM_OK);
    r.reserved = 0;
    r.pad = 0;
    ck_assert_int_eq(memcmp(&r, &back, sizeof r), 0);
    ser[16] = 0x0B;
    ck_assert_int_eq(rvm_witness_record_deserialize(ser, &back), RVM_ERR_MALFORMED_INPUT);
    ser[16] = RVM_ACTION_IPC_SEND;
    ser[19] = 1;
    ck_assert_int_eq(rvm_witness_record_deserialize(ser, &back), RVM_ERR_MALFORMED_INPUT);
    ser[19] = 0;
    ser[63] = 1;
    ck_assert_int_eq(rvm_witness_record_deserialize(ser, &back), RVM_ERR_MALFORMED_INPUT);
}
END_TEST

START_TEST(names_and_version)
{
    ck_assert_str_eq(rvm_tier_name(RVM_TIER_DORMANT), "dormant");
    ck_assert_ptr_null(rvm_tier_name(4));
    ck_assert(rvm_tier_transition_adjacent(RVM_TIER_HOT, RVM_TIER_WARM));
    ck_assert(!rvm_tier_transition_adjacent(RVM_TIER_HOT, RVM_TIER_DORMANT));
    ck_assert(!rvm_tier_transition_adjacent(RVM_TIER_COLD, RVM_TIER_COLD));
    ck_assert_str_eq(rvm_failure_class_name(RVM_FAILURE_F3_MEMORY), "F3");
    ck_assert_str_eq(rvm_partition_state_name(RVM_PARTITION_MIGRATING), "Migrating");
    ck_assert_ptr_null(rvm_partition_state_name(6));
    ck_assert(!rvm_region_policy_valid((rvm_region_policy_t){ false, false, false }));
    ck_assert(rvm_region_policy_valid(RVM_REGION_POLICY_READ_EXECUTE));
    ck_assert_int_ge(RVM_TYPES_VERSION_MAJOR, 0);
    ck_assert_ptr_nonnull(strchr(RVM_TYPES_VERSION_STRING, '.'));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmtypes-vocab");
    TCase *tc = tcase_create("vocab");
    tcase_add_test(tc, err_codes_match_spec_and_have_names);
    tcase_add_test(tc, action_kinds_cover_the_spec_table);
    tcase_add_test(tc, partition_ids_and_addresses);
    tcase_add_test(tc, rights_and_cap_hash);
    tcase_add_test(tc, fixed_point_examples_from_the_spec);
    tcase_add_test(tc, ema_vectors_from_the_spec);
    tcase_add_test(tc, endian_helpers_are_byte_exact);
    tcase_add_test(tc, fnv_known_answers);
    tcase_add_test(tc, record_serialisation_round_trips);
    tcase_add_test(tc, names_and_version);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
