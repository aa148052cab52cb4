/* Epoch-based invalidation: per object and global (spec §5.6). */
#include <check.h>
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>

#include "fixture.h"

static fixture_t fx;

static void setup(void) { fx_open(&fx, 64, 8, 1024, RVM_WITNESS_OVERWRITE_OLDEST, NULL); }
static void teardown(void) { fx_close(&fx); }

START_TEST(object_bump_stales_every_handle_to_that_object_only)
{
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_REGION, 7, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t a1 = fx_grant(&fx, 1, a, ALL_BUT_ONCE, 2);
    rvm_cap_handle_t a2 = fx_grant(&fx, 2, a1, RVM_RIGHT_READ, 3);
    rvm_cap_handle_t a_again = fx_root(&fx, RVM_OBJ_REGION, 7, RVM_RIGHT_READ, 4);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_REGION, 8, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t c = fx_root(&fx, RVM_OBJ_DEVICE, 7, ALL_BUT_ONCE, 1);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 7), RVM_OK);
    const rvm_cap_handle_t stale[] = { a, a1, a2, a_again };
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, stale[i], RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
        /* Stale wins over missing rights and type mismatch, loses to a bad handle. */
        ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, stale[i], 0x7F, RVM_OBJ_VCPU), RVM_ERR_STALE_CAPABILITY);
        rvm_cap_handle_t wrong = { stale[i].index, stale[i].generation + 1 };
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, wrong, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, stale[i], 8), RVM_ERR_STALE_CAPABILITY);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, b, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, c, RVM_RIGHT_READ), RVM_OK);
    /* A capability made after the bump carries the new epoch. */
    rvm_cap_handle_t fresh = fx_root(&fx, RVM_OBJ_REGION, 7, RVM_RIGHT_READ, 1);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, fresh, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, 1);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, fresh, RVM_RIGHT_READ), RVM_OK);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_CREATE_ROOT);
    ck_assert_uint_eq(fx.m.stats.epoch_bumps, 1);
}
END_TEST

START_TEST(object_bump_record_and_errors)
{
    fx_root(&fx, RVM_OBJ_SCHEDULER, 0x1122334455ull, RVM_RIGHT_READ, 1);
    uint64_t records = fx_records(&fx);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 1, RVM_OBJ_SCHEDULER, 0x1122334455ull),
                     RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_SCHEDULER, 1), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, 200, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(NULL, 0, RVM_OBJ_SCHEDULER, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(&fx), records);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_SCHEDULER, 0x1122334455ull), RVM_OK);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_EPOCH_BUMP);
    ck_assert_uint_eq(r.proof_tier, 1);
    ck_assert_uint_eq(r.actor_partition_id, 0);
    ck_assert_uint_eq(r.target_object_id, 0x1122334455ull);
    ck_assert_uint_eq(r.payload[0], 1);  /* new epoch, little-endian */
    ck_assert_uint_eq(r.payload[4], RVM_OBJ_SCHEDULER);
}
END_TEST

START_TEST(global_bump_stales_everything)
{
    rvm_cap_handle_t h[6];
    for (int i = 0; i < 6; i++) {
        h[i] = fx_root(&fx, (uint8_t)(i % 3), (uint64_t)i, ALL_BUT_ONCE, 1);
    }
    rvm_cap_handle_t d = fx_grant(&fx, 1, h[0], RVM_RIGHT_READ, 2);
    uint64_t records = fx_records(&fx);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 5), RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(NULL, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(&fx), records);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 0), RVM_OK);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, h[i], 0), RVM_ERR_STALE_CAPABILITY);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, d, 0), RVM_ERR_STALE_CAPABILITY);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_GLOBAL_EPOCH_BUMP);
    ck_assert_uint_eq(r.payload[0], 1);
    /* New capabilities verify again; a second bump stales them too. */
    rvm_cap_handle_t n = fx_root(&fx, RVM_OBJ_REGION, 0, RVM_RIGHT_READ, 1);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, n, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 0), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, n, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    ck_assert_uint_eq(fx.m.stats.epoch_bumps, 2);
}
END_TEST

START_TEST(initial_epoch_and_wrap)
{
    fx_close(&fx);
    rvm_cap_config_t cfg;
    rvm_cap_config_default(&cfg);
    cfg.initial_epoch = UINT32_MAX;
    fx_open(&fx, 8, 2, 64, RVM_WITNESS_OVERWRITE_OLDEST, &cfg);
    rvm_cap_handle_t h = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 1);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, UINT32_MAX);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, h, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    rvm_cap_handle_t h2 = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 1);
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h2, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, 0);
}
END_TEST

/* White box from here on: the stale marks and the object slot lists behind them. */

START_TEST(bump_marks_exactly_the_slots_of_that_object)
{
    rvm_cap_handle_t a[5];
    a[0] = fx_root(&fx, RVM_OBJ_REGION, 7, ALL_BUT_ONCE, 1);
    a[1] = fx_grant(&fx, 1, a[0], ALL_BUT_ONCE, 2);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_REGION, 8, ALL_BUT_ONCE, 1);
    a[2] = fx_grant(&fx, 2, a[1], RVM_RIGHT_READ, 3);
    rvm_cap_handle_t c = fx_root(&fx, RVM_OBJ_DEVICE, 7, ALL_BUT_ONCE, 1);   /* same id, other type */
    rvm_cap_handle_t b1 = fx_grant(&fx, 1, b, RVM_RIGHT_READ, 2);
    a[3] = fx_root(&fx, RVM_OBJ_REGION, 7, RVM_RIGHT_READ, 4);
    a[4] = fx_grant(&fx, 1, a[0], RVM_RIGHT_WRITE, 4);
    ck_assert(fx_object_lists_sound(&fx));
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 7), RVM_OK);
    ck_assert(fx_object_lists_sound(&fx));
    uint32_t marked = 0;
    for (uint32_t i = 0; i < 64; i++) {
        marked += fx_marked_stale(&fx, i);
    }
    ck_assert_uint_eq(marked, 5);
    for (unsigned i = 0; i < 5; i++) {
        ck_assert(fx_marked_stale(&fx, a[i].index));
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, a[i], 0), RVM_ERR_STALE_CAPABILITY);
    }
    const rvm_cap_handle_t others[] = { b, c, b1 };
    for (unsigned i = 0; i < 3; i++) {
        ck_assert(!fx_marked_stale(&fx, others[i].index));
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, others[i], RVM_RIGHT_READ), RVM_OK);
    }
    /* The epochs stay the record: the bumped object moved on, the marked tokens did not. */
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, b, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, 0);
    uint16_t obj = fx.m.cold[a[0].index].object;
    ck_assert_uint_eq(fx.m.objects[obj].epoch, 1);
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_eq(fx.m.cold[a[i].index].epoch, 0);
    }
    /* A second bump walks the same list and changes nothing else. */
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_DEVICE, 7), RVM_OK);
    ck_assert(fx_marked_stale(&fx, c.index));
    ck_assert(!fx_marked_stale(&fx, b.index));
    ck_assert(!fx_marked_stale(&fx, b1.index));
}
END_TEST

START_TEST(every_check_reads_the_same_mark)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 3, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t kid = fx_grant(&fx, 1, root, ALL_BUT_ONCE, 2);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 3), RVM_OK);
    rvm_cap_info_t info;
    rvm_cap_handle_t out = RVM_CAP_HANDLE_NULL;
    rvm_cap_policy_ctx_t ctx = { .expected_owner = 2, .region_base = 0, .region_limit = 1, .lease_expiry_ns = 1,
                                 .max_delegation_depth = 8, .nonce = 5 };
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, kid, &info), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 2, kid, RVM_RIGHT_READ, 0, 3, &out), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, kid, &ctx), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, kid, 8), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_check_p1(&fx.m, kid, 0, RVM_CAP_TYPE_ANY), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_check_p1(&fx.m, kid, 0, RVM_OBJ_REGION), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_check_p1(&fx.m, kid, 0xFF, RVM_OBJ_DEVICE), RVM_ERR_STALE_CAPABILITY);
    /* Wrapping the object's epoch back to the tokens' (2^32 bumps, simulated) does not revive them. */
    fx.m.objects[fx.m.cold[kid.index].object].epoch = 0;
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, kid, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, root, &info), RVM_ERR_STALE_CAPABILITY);
    /* Stale capabilities are still removable, which empties the object's list. */
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, kid), RVM_OK);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, root, NULL), RVM_OK);
    ck_assert(fx_object_lists_sound(&fx));
    ck_assert_uint_eq(fx.m.stats.live, 0);
}
END_TEST

START_TEST(freed_slot_comes_back_unmarked)
{
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t keep = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    ck_assert(fx_marked_stale(&fx, a.index));
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, a), RVM_OK);
    ck_assert(!fx_marked_stale(&fx, a.index));
    /* Reused for another object... */
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_DEVICE, 9, RVM_RIGHT_READ, 2);
    ck_assert_uint_eq(b.index, a.index);
    ck_assert(!fx_marked_stale(&fx, b.index));
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, b, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, a, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    ck_assert(fx_object_lists_sound(&fx));
    /* ...and for the bumped object itself, whose new capabilities carry its new epoch. */
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, b), RVM_OK);
    rvm_cap_handle_t c = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    ck_assert_uint_eq(c.index, a.index);
    ck_assert(!fx_marked_stale(&fx, c.index));
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, c, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, 1);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, keep, 0), RVM_ERR_STALE_CAPABILITY);
    /* A grant from it is current too, and the next bump marks old and new alike. */
    rvm_cap_handle_t d = fx_grant(&fx, 1, c, RVM_RIGHT_READ, 3);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, d, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    ck_assert(fx_marked_stale(&fx, c.index) && fx_marked_stale(&fx, d.index) && fx_marked_stale(&fx, keep.index));
    ck_assert(fx_object_lists_sound(&fx));
}
END_TEST

START_TEST(global_bump_marks_every_live_slot_and_no_free_one)
{
    rvm_cap_handle_t h[10];
    for (unsigned i = 0; i < 10; i++) {
        h[i] = fx_root(&fx, (uint8_t)(i % 3), i % 2, ALL_BUT_ONCE, 1);   /* six objects */
    }
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, h[4]), RVM_OK);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 0), RVM_OK);
    for (uint32_t i = 0; i < 64; i++) {
        ck_assert_int_eq(fx_marked_stale(&fx, i), fx.m.hot[i].key.generation != 0);
    }
    /* Every entry's epoch moved on, in use or not. */
    for (uint32_t o = 0; o < fx.m.object_capacity; o++) {
        ck_assert_uint_eq(fx.m.objects[o].epoch, 1);
    }
    ck_assert(fx_object_lists_sound(&fx));
    rvm_cap_handle_t n = fx_root(&fx, RVM_OBJ_REGION, 0, RVM_RIGHT_READ, 1);
    ck_assert_uint_eq(n.index, h[4].index);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, n, RVM_RIGHT_READ), RVM_OK);
}
END_TEST

START_TEST(object_lists_survive_revoke_delete_and_reuse)
{
    /* Two objects interleaved in the table, chains and fan-out under each. */
    rvm_cap_handle_t ra = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t rb = fx_root(&fx, RVM_OBJ_COMM_EDGE, 2, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t ta[6];
    rvm_cap_handle_t tb[6];
    ta[0] = ra;
    tb[0] = rb;
    for (unsigned i = 1; i < 6; i++) {
        ta[i] = fx_grant(&fx, 1, ta[(i - 1) / 2], ALL_BUT_ONCE, 1);
        tb[i] = fx_grant(&fx, 1, tb[(i - 1) / 2], ALL_BUT_ONCE, 1);
        ck_assert(fx_object_lists_sound(&fx));
    }
    uint16_t oa = fx.m.cold[ra.index].object;
    uint16_t ob = fx.m.cold[rb.index].object;
    ck_assert_uint_eq(fx.m.objects[oa].refs, 6);
    /* Revoke a middle subtree (ta[1] with ta[3], ta[4]), delete a node with children (tb[1]) and a leaf. */
    uint32_t n = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, ta[1], &n), RVM_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert(fx_object_lists_sound(&fx));
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, tb[1]), RVM_OK);
    ck_assert(fx_object_lists_sound(&fx));
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, tb[5]), RVM_OK);
    ck_assert(fx_object_lists_sound(&fx));
    ck_assert_uint_eq(fx.m.objects[oa].refs, 3);
    ck_assert_uint_eq(fx.m.objects[ob].refs, 4);
    /* The freed slots are taken again by both objects and a third. */
    rvm_cap_handle_t again[5];
    again[0] = fx_grant(&fx, 1, ta[2], RVM_RIGHT_READ, 2);
    again[1] = fx_grant(&fx, 1, tb[3], RVM_RIGHT_READ, 2);
    again[2] = fx_root(&fx, RVM_OBJ_VCPU, 3, RVM_RIGHT_EXECUTE, 2);
    again[3] = fx_grant(&fx, 1, ra, RVM_RIGHT_READ, 2);
    again[4] = fx_grant(&fx, 1, rb, RVM_RIGHT_READ, 2);
    ck_assert(fx_object_lists_sound(&fx));
    ck_assert_uint_eq(fx.m.objects[oa].refs, 5);
    ck_assert_uint_eq(fx.m.objects[ob].refs, 6);
    /* Each bump still reaches exactly its object's slots. */
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_COMM_EDGE, 2), RVM_OK);
    for (uint32_t i = 0; i < 64; i++) {
        bool live = fx.m.hot[i].key.generation != 0;
        ck_assert_int_eq(fx_marked_stale(&fx, i), live && fx.m.cold[i].object == ob);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, again[2], RVM_RIGHT_EXECUTE), RVM_OK);
    /* Revoking a whole object's capabilities empties its list and frees its entry. */
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, rb, &n), RVM_OK);
    ck_assert_uint_eq(fx.m.objects[ob].refs, 0);
    ck_assert_uint_eq(fx.m.objects[ob].first_slot, RVM_CAP_INDEX_NONE);
    ck_assert(fx_object_lists_sound(&fx));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rvmcap-epoch");
    TCase *tc = tcase_create("epoch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, object_bump_stales_every_handle_to_that_object_only);
    tcase_add_test(tc, object_bump_record_and_errors);
    tcase_add_test(tc, global_bump_stales_everything);
    tcase_add_test(tc, initial_epoch_and_wrap);
    tcase_add_test(tc, bump_marks_exactly_the_slots_of_that_object);
    tcase_add_test(tc, every_check_reads_the_same_mark);
    tcase_add_test(tc, freed_slot_comes_back_unmarked);
    tcase_add_test(tc, global_bump_marks_every_live_slot_and_no_free_one);
    tcase_add_test(tc, object_lists_survive_revoke_delete_and_reuse);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fx_run_suite(suite());
}
