/* Derivation: grant, GRANT_ONCE, depth limit, revoke of subtrees, delete (spec §5.3–§5.5). */
#include <check.h>
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>

#include "fixture.h"

static fixture_t fx;

static void setup(void) { fx_open(&fx, 128, 16, 1024, RVM_WITNESS_OVERWRITE_OLDEST, NULL); }
static void teardown(void) { fx_close(&fx); }

static rvm_cap_info_t info_of(rvm_cap_handle_t h)
{
    rvm_cap_info_t i;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h, &i), RVM_OK);
    return i;
}

START_TEST(grant_derives_an_attenuated_child)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 9, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t child;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 0x77, 2, &child), RVM_OK);
    rvm_cap_info_t ci = info_of(child);
    ck_assert_uint_eq(ci.token.rights, RVM_RIGHT_READ | RVM_RIGHT_GRANT);
    ck_assert_uint_eq(ci.token.type, RVM_OBJ_REGION);
    ck_assert_uint_eq(ci.token.id, 2);
    ck_assert_uint_eq(ci.object_id, 9);
    ck_assert_uint_eq(ci.owner, 2);
    ck_assert_uint_eq(ci.badge, 0x77);
    ck_assert_uint_eq(ci.depth, 1);
    ck_assert(rvm_cap_handle_eq(ci.parent, root));
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, child, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, child, RVM_RIGHT_WRITE), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* The source keeps its rights: GRANT is not consumed. */
    ck_assert_uint_eq(info_of(root).token.rights, ALL_BUT_ONCE);
    rvm_cap_stats_t st;
    ck_assert_int_eq(rvm_cap_get_stats(&fx.m, &st), RVM_OK);
    ck_assert_uint_eq(st.granted, 1);
    ck_assert_uint_eq(st.max_depth_reached, 1);
}
END_TEST

START_TEST(grant_rejections_change_nothing)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 9, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 1);
    rvm_cap_handle_t noroot = fx_root(&fx, RVM_OBJ_REGION, 10, RVM_RIGHT_READ | RVM_RIGHT_WRITE, 1);
    rvm_cap_handle_t out = RVM_CAP_HANDLE_NULL;
    uint64_t records = fx_records(&fx);
    uint32_t live = fx.m.stats.live;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_READ | RVM_RIGHT_WRITE, 0, 2, &out),
                     RVM_ERR_RIGHTS_ESCALATION);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_GRANT_ONCE, 0, 2, &out), RVM_ERR_RIGHTS_ESCALATION);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 2, root, RVM_RIGHT_READ, 0, 2, &out), RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 0, root, RVM_RIGHT_READ, 0, 2, &out), RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, noroot, RVM_RIGHT_READ, 0, 2, &out), RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, 0x81, 0, 2, &out), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_READ, 0, RVM_PARTITION_ID_MAX_LOGICAL + 1, &out),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_READ, 0, 2, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_grant(NULL, 1, root, RVM_RIGHT_READ, 0, 2, &out), RVM_ERR_INVALID_ARGUMENT);
    rvm_cap_handle_t forged = { root.index, root.generation + 5 };
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, forged, RVM_RIGHT_READ, 0, 2, &out), RVM_ERR_INVALID_HANDLE);
    ck_assert(rvm_cap_handle_eq(out, RVM_CAP_HANDLE_NULL));
    ck_assert_uint_eq(fx_records(&fx), records);
    ck_assert_uint_eq(fx.m.stats.live, live);
    ck_assert_uint_eq(info_of(root).token.rights, RVM_RIGHT_READ | RVM_RIGHT_GRANT);
}
END_TEST

START_TEST(grant_once_is_consumed_and_not_transitive)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_COMM_EDGE, 3, RVM_RIGHT_READ | RVM_RIGHT_GRANT_ONCE, 1);
    rvm_cap_handle_t child;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_READ | RVM_RIGHT_GRANT_ONCE, 0, 2, &child), RVM_OK);
    /* The child gets neither GRANT nor GRANT_ONCE; the source lost GRANT_ONCE. */
    ck_assert_uint_eq(info_of(child).token.rights, RVM_RIGHT_READ);
    ck_assert_uint_eq(info_of(root).token.rights, RVM_RIGHT_READ);
    ck_assert_uint_eq(fx_last_record(&fx).flags, 0x01);
    rvm_cap_handle_t again;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_READ, 0, 3, &again), RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 2, child, RVM_RIGHT_READ, 0, 3, &again), RVM_ERR_GRANT_NOT_PERMITTED);
}
END_TEST

START_TEST(grant_authorised_by_grant_keeps_grant_once)
{
    rvm_rights_t r = RVM_RIGHT_READ | RVM_RIGHT_GRANT | RVM_RIGHT_GRANT_ONCE;
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 3, r, 1);
    rvm_cap_handle_t child = fx_grant(&fx, 1, root, RVM_RIGHT_READ | RVM_RIGHT_GRANT_ONCE, 2);
    ck_assert_uint_eq(info_of(root).token.rights, r);
    ck_assert_uint_eq(info_of(child).token.rights, RVM_RIGHT_READ | RVM_RIGHT_GRANT_ONCE);
    ck_assert_uint_eq(fx_last_record(&fx).flags, 0);
    rvm_cap_handle_t grandchild = fx_grant(&fx, 2, child, RVM_RIGHT_READ | RVM_RIGHT_GRANT_ONCE, 3);
    ck_assert_uint_eq(info_of(grandchild).token.rights, RVM_RIGHT_READ);
    ck_assert_uint_eq(info_of(child).token.rights, RVM_RIGHT_READ);
}
END_TEST

START_TEST(depth_eight_allowed_nine_rejected)
{
    rvm_cap_handle_t h = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    for (uint8_t d = 1; d <= 8; d++) {
        h = fx_grant(&fx, 1, h, ALL_BUT_ONCE, 1);
        ck_assert_uint_eq(info_of(h).depth, d);
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, h, 8), RVM_OK);
    }
    rvm_cap_handle_t out;
    uint64_t records = fx_records(&fx);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, h, RVM_RIGHT_READ, 0, 1, &out), RVM_ERR_DELEGATION_DEPTH_EXCEEDED);
    ck_assert_uint_eq(fx_records(&fx), records);
    ck_assert_uint_eq(fx.m.stats.max_depth_reached, 8);
}
END_TEST

START_TEST(configured_max_depth_is_enforced)
{
    fx_close(&fx);
    rvm_cap_config_t cfg;
    rvm_cap_config_default(&cfg);
    cfg.max_depth = 2;
    fx_open(&fx, 16, 4, 64, RVM_WITNESS_OVERWRITE_OLDEST, &cfg);
    rvm_cap_handle_t h = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    h = fx_grant(&fx, 1, h, ALL_BUT_ONCE, 1);
    h = fx_grant(&fx, 1, h, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t out;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, h, RVM_RIGHT_READ, 0, 1, &out), RVM_ERR_DELEGATION_DEPTH_EXCEEDED);
}
END_TEST

START_TEST(revoke_subtree_of_64_frees_64_slots)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t keep = fx_grant(&fx, 1, root, RVM_RIGHT_READ, 5);
    /* A subtree of 64: a depth-1 node, 7 children under it, 8 grandchildren under each but one (7*8 = 56). */
    rvm_cap_handle_t sub = fx_grant(&fx, 1, root, ALL_BUT_ONCE, 2);
    rvm_cap_handle_t all[64];
    unsigned n = 0;
    all[n++] = sub;
    for (int i = 0; i < 7; i++) {
        rvm_cap_handle_t c = fx_grant(&fx, 2, sub, ALL_BUT_ONCE, 3);
        all[n++] = c;
        for (int j = 0; j < 8; j++) {
            all[n++] = fx_grant(&fx, 3, c, RVM_RIGHT_READ | RVM_RIGHT_WRITE, 4);
        }
    }
    ck_assert_uint_eq(n, 64);
    uint32_t live = fx.m.stats.live;
    uint32_t revoked = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 2, sub, &revoked), RVM_OK);
    ck_assert_uint_eq(revoked, 64);
    ck_assert_uint_eq(fx.m.stats.live, live - 64);
    ck_assert_uint_eq(fx.m.stats.revoked, 64);
    ck_assert_uint_eq(fx.m.stats.revoke_ops, 1);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, all[i], 0), RVM_ERR_INVALID_HANDLE);
        ck_assert_uint_eq(fx.m.hot[all[i].index].key.generation, 0);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, root, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, keep, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, keep, 8), RVM_OK);
    /* The root's child list now holds only `keep`. */
    ck_assert_uint_eq(fx.m.cold[root.index].first_child, keep.index);
    ck_assert_uint_eq(fx.m.cold[keep.index].next_sibling, RVM_CAP_INDEX_NONE);
    /* Freed slots are reused with new generations; old handles stay dead. */
    for (int i = 0; i < 64; i++) {
        fx_grant(&fx, 1, root, RVM_RIGHT_READ, 6);
    }
    for (unsigned i = 0; i < n; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, all[i], 0), RVM_ERR_INVALID_HANDLE);
    }
}
END_TEST

START_TEST(revoke_authority)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t a = fx_grant(&fx, 1, root, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 2);  /* no REVOKE */
    rvm_cap_handle_t b = fx_grant(&fx, 2, a, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 3);
    rvm_cap_handle_t c = fx_grant(&fx, 3, b, RVM_RIGHT_READ, 4);
    uint64_t records = fx_records(&fx);
    /* A stranger, a descendant's owner, and an ancestor owner without REVOKE are all refused. */
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 9, b, NULL), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 4, b, NULL), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 2, c, NULL), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, c), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_cap_revoke(NULL, 1, c, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_delete(NULL, 1, c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(&fx), records);
    /* The root's owner holds REVOKE two levels up. */
    uint32_t n = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, c, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
    /* The owner of a capability may revoke it without REVOKE. */
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 3, b, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 2, a, NULL), RVM_OK);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, root, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(fx.m.stats.live, 0);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, root, &n), RVM_ERR_INVALID_HANDLE);
}
END_TEST

START_TEST(revoked_children_never_verify)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t chain[8];
    chain[0] = fx_grant(&fx, 1, root, ALL_BUT_ONCE, 2);
    for (int i = 1; i < 8; i++) {
        chain[i] = fx_grant(&fx, 2, chain[i - 1], ALL_BUT_ONCE, 2);
    }
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, chain[0], NULL), RVM_OK);
    rvm_cap_info_t info;
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, chain[i], 0), RVM_ERR_INVALID_HANDLE);
        ck_assert_int_eq(rvm_cap_lookup(&fx.m, chain[i], &info), RVM_ERR_INVALID_HANDLE);
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, chain[i], 8), RVM_ERR_INVALID_HANDLE);
    }
    ck_assert_uint_eq(fx.m.cold[root.index].first_child, RVM_CAP_INDEX_NONE);
}
END_TEST

START_TEST(delete_splices_children_under_the_parent)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t mid = fx_grant(&fx, 1, root, RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_GRANT, 2);
    rvm_cap_handle_t sib = fx_grant(&fx, 1, root, RVM_RIGHT_READ, 7);
    rvm_cap_handle_t k1 = fx_grant(&fx, 2, mid, RVM_RIGHT_READ, 3);
    rvm_cap_handle_t k2 = fx_grant(&fx, 2, mid, RVM_RIGHT_WRITE | RVM_RIGHT_GRANT, 4);
    rvm_cap_handle_t gk = fx_grant(&fx, 4, k2, RVM_RIGHT_WRITE, 5);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, mid), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, mid, 0), RVM_ERR_INVALID_HANDLE);
    /* Children survive, keep rights and depth, and now hang under the root. */
    ck_assert(rvm_cap_handle_eq(info_of(k1).parent, root));
    ck_assert(rvm_cap_handle_eq(info_of(k2).parent, root));
    ck_assert_uint_eq(info_of(k1).depth, 2);
    ck_assert_uint_eq(info_of(k2).token.rights, RVM_RIGHT_WRITE | RVM_RIGHT_GRANT);
    ck_assert(rvm_cap_handle_eq(info_of(gk).parent, k2));
    ck_assert(rvm_cap_handle_eq(info_of(sib).parent, root));
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, k1, 8), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, gk, 8), RVM_OK);
    ck_assert_uint_eq(fx_last_record(&fx).action_kind, RVM_ACTION_CAPABILITY_DELETE);
    ck_assert_uint_eq(fx_last_record(&fx).payload[4], 2);  /* two children moved */
    /* The root's owner can still revoke everything in one go. */
    uint32_t n = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, root, &n), RVM_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(fx.m.stats.live, 0);
    ck_assert_uint_eq(fx.m.stats.deleted, 1);
}
END_TEST

START_TEST(delete_of_a_root_orphans_children)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t a = fx_grant(&fx, 1, root, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 2);
    rvm_cap_handle_t b = fx_grant(&fx, 2, a, RVM_RIGHT_READ, 3);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, root), RVM_OK);
    /* Orphans keep working for P1 within their own rights, but no longer prove a chain to a root. */
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, a, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, a, RVM_RIGHT_WRITE), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert(rvm_cap_handle_eq(info_of(a).parent, RVM_CAP_HANDLE_NULL));
    ck_assert_uint_eq(info_of(a).depth, 1);
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, a, 8), RVM_ERR_PROOF_INVALID);
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, b, 8), RVM_ERR_PROOF_INVALID);
    /* Depth is kept, so the orphan cannot delegate deeper than before. */
    rvm_cap_handle_t c = fx_grant(&fx, 2, a, RVM_RIGHT_READ, 4);
    ck_assert_uint_eq(info_of(c).depth, 2);
    /* The object epoch still reaches them, and their owners can remove them. */
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, b, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    uint32_t n = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 2, a, &n), RVM_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(fx.m.stats.live, 0);
}
END_TEST

START_TEST(delete_leaf_and_sibling_links)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = fx_grant(&fx, 1, root, RVM_RIGHT_READ, 2);
    }
    /* The list is c2, c1, c0 (new children are prepended); drop the middle, then the head, then the tail. */
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, c[1]), RVM_OK);
    ck_assert_uint_eq(fx.m.cold[c[2].index].next_sibling, c[0].index);
    ck_assert_uint_eq(fx.m.cold[c[0].index].prev_sibling, c[2].index);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, c[2]), RVM_OK);
    ck_assert_uint_eq(fx.m.cold[root.index].first_child, c[0].index);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, c[0]), RVM_OK);
    ck_assert_uint_eq(fx.m.cold[root.index].first_child, RVM_CAP_INDEX_NONE);
}
END_TEST

START_TEST(stale_source_cannot_grant_but_can_be_removed)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t child = fx_grant(&fx, 1, root, ALL_BUT_ONCE, 2);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    rvm_cap_handle_t out;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 2, child, RVM_RIGHT_READ, 0, 3, &out), RVM_ERR_STALE_CAPABILITY);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, child, &info), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, child), RVM_OK);
    uint32_t n = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, root, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(revoke_whole_full_table_from_one_root)
{
    /* A 128-wide, 8-deep tree filling the table: the iterative walk handles it. */
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t level[8];
    level[0] = root;
    unsigned made = 1;
    for (int d = 1; d < 8; d++) {
        level[d] = fx_grant(&fx, 1, level[d - 1], ALL_BUT_ONCE, 1);
        made++;
    }
    while (made < 128) {
        fx_grant(&fx, 1, level[made % 8], RVM_RIGHT_READ, 1);
        made++;
    }
    ck_assert_uint_eq(fx.m.stats.live, 128);
    uint32_t n = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, root, &n), RVM_OK);
    ck_assert_uint_eq(n, 128);
    ck_assert_uint_eq(fx.m.stats.live, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rvmcap-tree");
    TCase *tc = tcase_create("tree");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, grant_derives_an_attenuated_child);
    tcase_add_test(tc, grant_rejections_change_nothing);
    tcase_add_test(tc, grant_once_is_consumed_and_not_transitive);
    tcase_add_test(tc, grant_authorised_by_grant_keeps_grant_once);
    tcase_add_test(tc, depth_eight_allowed_nine_rejected);
    tcase_add_test(tc, configured_max_depth_is_enforced);
    tcase_add_test(tc, revoke_subtree_of_64_frees_64_slots);
    tcase_add_test(tc, revoke_authority);
    tcase_add_test(tc, revoked_children_never_verify);
    tcase_add_test(tc, delete_splices_children_under_the_parent);
    tcase_add_test(tc, delete_of_a_root_orphans_children);
    tcase_add_test(tc, delete_leaf_and_sibling_links);
    tcase_add_test(tc, stale_source_cannot_grant_but_can_be_removed);
    tcase_add_test(tc, revoke_whole_full_table_from_one_root);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fx_run_suite(suite());
}
