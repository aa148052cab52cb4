/*
 * The tier engine: residency arithmetic (§10.2), every tier transition allowed
 * or rejected (§10.3, adjacency per DECISIONS 9), the data really moving, the
 * checkpoint refusing corruption, and the cold tier surviving a "reboot".
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/mem_tier.h>
#include <rvm/witness_verify.h>

#define PAGES 512u
#define MAXP 16u
#define SLOTS 8u
#define BLOCK 512u
#define COLD_BLOCKS 4096u
#define BASE 0x40000000ull

/* A memory-backed block device, shared across engine instances like a disk across reboots. */
typedef struct mem_disk {
    uint8_t *bytes;
    unsigned writes;
    int fail_writes;
} mem_disk_t;

static rvm_err_t disk_read(void *ctx, uint64_t block, uint32_t count, uint8_t *buf)
{
    mem_disk_t *d = ctx;
    memcpy(buf, d->bytes + block * BLOCK, (size_t)count * BLOCK);
    return RVM_OK;
}

static rvm_err_t disk_write(void *ctx, uint64_t block, uint32_t count, const uint8_t *buf)
{
    mem_disk_t *d = ctx;
    if (d->fail_writes) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    memcpy(d->bytes + block * BLOCK, buf, (size_t)count * BLOCK);
    d->writes++;
    return RVM_OK;
}

static mem_disk_t disk;
static rvm_cold_ops_t cold = { BLOCK, COLD_BLOCKS, disk_read, disk_write, &disk };

/* Everything one "boot" of the hypervisor owns. */
typedef struct machine {
    rvm_buddy_t buddy;
    rvm_buddy_storage_t meta;
    uint8_t *ram;
    rvm_witness_log_t log;
    rvm_witness_record_t *ring;
    rvm_tier_region_t *slots;
    uint8_t *scratch;
    rvm_lz4_state_t lz4;
    rvm_tier_engine_t e;
} machine_t;

static machine_t m1;

static void boot(machine_t *m, uint8_t alg, uint64_t cold_first)
{
    m->meta.links = calloc(PAGES, sizeof(rvm_buddy_link_t));
    m->meta.state = calloc(PAGES, 1);
    m->meta.pages = PAGES;
    m->ram = aligned_alloc(4096, (size_t)PAGES * 4096);
    memset(m->ram, 0xCC, (size_t)PAGES * 4096);
    ck_assert_int_eq(rvm_buddy_init(&m->buddy, &m->meta, rvm_phys(BASE), m->ram, false), RVM_OK);
    m->ring = aligned_alloc(64, 1024 * sizeof(rvm_witness_record_t));
    ck_assert_int_eq(rvm_witness_log_init(&m->log, m->ring, 1024, NULL), RVM_OK);
    m->slots = calloc(SLOTS, sizeof(rvm_tier_region_t));
    size_t scratch = RVM_TIER_SCRATCH_BYTES(MAXP, BLOCK);
    m->scratch = malloc(scratch);
    rvm_tier_config_t cfg = {
        .slots = m->slots, .capacity = SLOTS, .max_region_pages = MAXP, .buddy = &m->buddy, .log = &m->log,
        .cold = &cold, .cold_first_block = cold_first, .scratch = m->scratch, .scratch_len = scratch, .lz4 = &m->lz4,
        .algorithm = alg,
    };
    ck_assert_int_eq(rvm_tier_init(&m->e, &cfg), RVM_OK);
}

static void shutdown(machine_t *m)
{
    free(m->meta.links);
    free(m->meta.state);
    free(m->ram);
    free(m->ring);
    free(m->slots);
    free(m->scratch);
}

static void setup(void)
{
    disk.bytes = calloc(COLD_BLOCKS, BLOCK);
    disk.writes = 0;
    disk.fail_writes = 0;
    boot(&m1, RVM_COMPRESS_LZ4, 0);
}

static void teardown(void)
{
    shutdown(&m1);
    free(disk.bytes);
}

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (i / 512) % 2 ? 0 : (uint8_t)("dormant data "[(i + seed) % 13]);
    }
}

static rvm_witness_record_t last(const machine_t *m)
{
    rvm_witness_record_t r;
    ck_assert_int_eq(rvm_witness_get(&m->log, rvm_witness_total_emitted(&m->log) - 1, &r), RVM_OK);
    return r;
}

static rvm_tier_region_t *slot_of(machine_t *m, rvm_region_id_t id)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        if (m->slots[i].id == id) {
            return &m->slots[i];
        }
    }
    ck_abort_msg("no slot");
    return NULL;
}

/* Region `id` of `pages` pages, Warm, filled with a pattern kept in `copy`. */
static void warm_region(machine_t *m, rvm_region_id_t id, uint32_t pages, uint8_t *copy)
{
    ck_assert_int_eq(rvm_tier_register(&m->e, id, 3, pages, RVM_TIER_WARM), RVM_OK);
    fill_pattern(copy, (size_t)pages * 4096, (unsigned)id);
    ck_assert_int_eq(rvm_tier_write(&m->e, id, 0, copy, pages * 4096), RVM_OK);
}

START_TEST(residency_arithmetic)
{
    rvm_tier_engine_t *e = &m1.e;
    ck_assert_int_eq(rvm_tier_register(e, 1, 3, 1, RVM_TIER_HOT), RVM_OK);
    uint16_t s;
    ck_assert_int_eq(rvm_tier_residency(e, 1, &s), RVM_OK);
    ck_assert_uint_eq(s, 5000);
    ck_assert_int_eq(rvm_tier_access(e, 1), RVM_OK);
    ck_assert_int_eq(rvm_tier_residency(e, 1, &s), RVM_OK);
    ck_assert_uint_eq(s, 6000);
    for (unsigned i = 0; i < 10; i++) {
        ck_assert_int_eq(rvm_tier_access(e, 1), RVM_OK);
    }
    ck_assert_int_eq(rvm_tier_residency(e, 1, &s), RVM_OK);
    ck_assert_uint_eq(s, 10000);
    rvm_tier_decay(e, RVM_RESIDENCY_DEFAULT_DECAY);
    ck_assert_int_eq(rvm_tier_residency(e, 1, &s), RVM_OK);
    ck_assert_uint_eq(s, 9800);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 1, 65000), RVM_OK);
    ck_assert_int_eq(rvm_tier_residency(e, 1, &s), RVM_OK);
    ck_assert_uint_eq(s, 19800);
    rvm_tier_decay(e, 60000);
    ck_assert_int_eq(rvm_tier_residency(e, 1, &s), RVM_OK);
    ck_assert_uint_eq(s, 10000);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 1, 3000), RVM_OK);
    ck_assert_int_eq(rvm_tier_residency(e, 1, &s), RVM_OK);
    ck_assert_uint_eq(s, 3000);
    ck_assert_uint_eq(rvm_tier_epoch(e), 0);
    rvm_tier_advance_epoch(e);
    ck_assert_uint_eq(rvm_tier_epoch(e), 1);
    ck_assert_int_eq(rvm_tier_register(e, 1, 3, 1, RVM_TIER_WARM), RVM_ERR_MEMORY_OVERLAP);
    ck_assert_int_eq(rvm_tier_register(e, 2, 3, 1, RVM_TIER_DORMANT), RVM_ERR_INVALID_TIER_TRANSITION);
    ck_assert_int_eq(rvm_tier_register(e, 2, 3, 0, RVM_TIER_WARM), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_tier_register(e, 2, 3, MAXP + 1, RVM_TIER_WARM), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_tier_access(e, 9), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_tier_residency(e, 9, &s), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 9, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_tier_unregister(e, 9), RVM_ERR_PARTITION_NOT_FOUND);
    for (rvm_region_id_t id = 2; id <= SLOTS; id++) {
        ck_assert_int_eq(rvm_tier_register(e, id, 3, 1, RVM_TIER_WARM), RVM_OK);
    }
    ck_assert_int_eq(rvm_tier_register(e, 99, 3, 1, RVM_TIER_WARM), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    uint64_t before = rvm_buddy_free_pages(&m1.buddy);
    ck_assert_int_eq(rvm_tier_unregister(e, 2), RVM_OK);
    ck_assert_uint_eq(rvm_buddy_free_pages(&m1.buddy), before + 1);
}
END_TEST

/* Every (from, to) pair: only one-step moves in the right direction are accepted. */
START_TEST(only_adjacent_transitions)
{
    rvm_tier_engine_t *e = &m1.e;
    static uint8_t copy[4096];
    warm_region(&m1, 1, 1, copy);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 1, 10000), RVM_OK);
    rvm_tier_t old;
    /* Walk Warm -> Hot -> Warm -> Dormant -> Cold, trying every other target at each stop. */
    const rvm_tier_t path[] = { RVM_TIER_WARM, RVM_TIER_HOT, RVM_TIER_WARM, RVM_TIER_DORMANT, RVM_TIER_COLD };
    for (unsigned step = 0; step + 1 < sizeof path / sizeof path[0]; step++) {
        rvm_tier_t cur = path[step];
        for (int t = 0; t < 5; t++) {
            rvm_tier_t target = (rvm_tier_t)t;
            bool adjacent = (t == (int)cur + 1 || t == (int)cur - 1) && t < 4;
            uint64_t before = rvm_witness_total_emitted(&m1.log);
            if (!adjacent || (t < (int)cur && cur == RVM_TIER_COLD)) {
                ck_assert_int_eq(rvm_tier_promote(e, 1, target, &old), RVM_ERR_INVALID_TIER_TRANSITION);
                ck_assert_int_eq(rvm_tier_demote(e, 1, target, &old), RVM_ERR_INVALID_TIER_TRANSITION);
                ck_assert_uint_eq(rvm_witness_total_emitted(&m1.log), before);
            } else if (t < (int)cur) {
                ck_assert_int_eq(rvm_tier_demote(e, 1, target, &old), RVM_ERR_INVALID_TIER_TRANSITION);
            } else {
                ck_assert_int_eq(rvm_tier_promote(e, 1, target, &old), RVM_ERR_INVALID_TIER_TRANSITION);
            }
        }
        rvm_tier_t next = path[step + 1];
        if (next < cur) {
            ck_assert_int_eq(rvm_tier_promote(e, 1, next, &old), RVM_OK);
            ck_assert_uint_eq(last(&m1).action_kind, RVM_ACTION_REGION_PROMOTE);
        } else {
            ck_assert_int_eq(rvm_tier_demote(e, 1, next, &old), RVM_OK);
            ck_assert_uint_eq(last(&m1).action_kind, RVM_ACTION_REGION_DEMOTE);
        }
        ck_assert_int_eq(old, cur);
        rvm_witness_record_t r = last(&m1);
        ck_assert_uint_eq(r.target_object_id, 1);
        ck_assert_uint_eq(r.payload[0], cur);
        ck_assert_uint_eq(r.payload[1], next);
        rvm_tier_t now;
        ck_assert_int_eq(rvm_tier_get(e, 1, &now), RVM_OK);
        ck_assert_int_eq(now, next);
    }
    /* Cold: no promotion at all (restore only), nothing colder. */
    for (int t = 0; t < 4; t++) {
        ck_assert_int_eq(rvm_tier_promote(e, 1, (rvm_tier_t)t, &old), RVM_ERR_INVALID_TIER_TRANSITION);
        ck_assert_int_eq(rvm_tier_demote(e, 1, (rvm_tier_t)t, &old), RVM_ERR_INVALID_TIER_TRANSITION);
    }
    ck_assert_int_eq(rvm_tier_promote(e, 7, RVM_TIER_HOT, &old), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_tier_demote(e, 7, RVM_TIER_COLD, &old), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_witness_verify_log(&m1.log, NULL, NULL), RVM_OK);
}
END_TEST

START_TEST(promotion_thresholds)
{
    rvm_tier_engine_t *e = &m1.e;
    ck_assert_int_eq(rvm_tier_register(e, 1, 3, 1, RVM_TIER_WARM), RVM_OK);
    rvm_tier_t old;
    /* 5000 < 8000: not hot enough. */
    ck_assert_int_eq(rvm_tier_promote(e, 1, RVM_TIER_HOT, &old), RVM_ERR_COHERENCE_BELOW_THRESHOLD);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 1, 2999), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(e, 1, RVM_TIER_HOT, &old), RVM_ERR_COHERENCE_BELOW_THRESHOLD);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 1, 3000), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(e, 1, RVM_TIER_HOT, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_demote(e, 1, RVM_TIER_WARM, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_demote(e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 1, 0), RVM_OK);
    rvm_tier_decay(e, 1);
    /* 4999 < 5000. */
    ck_assert_int_eq(rvm_tier_promote(e, 1, RVM_TIER_WARM, &old), RVM_ERR_COHERENCE_BELOW_THRESHOLD);
    ck_assert_int_eq(rvm_tier_access(e, 1), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(e, 1, RVM_TIER_WARM, &old), RVM_OK);
    ck_assert_int_eq(old, RVM_TIER_DORMANT);
}
END_TEST

START_TEST(dormant_round_trip_moves_the_data)
{
    for (uint8_t alg = 0; alg <= 1; alg++) {
        machine_t m;
        boot(&m, alg, 0);
        static uint8_t copy[MAXP * 4096];
        static uint8_t back[MAXP * 4096];
        uint64_t free0 = rvm_buddy_free_pages(&m.buddy);
        warm_region(&m, 1, 12, copy);
        ck_assert_uint_eq(rvm_buddy_free_pages(&m.buddy), free0 - 16);
        rvm_tier_t old;
        ck_assert_int_eq(rvm_tier_demote(&m.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
        /* The frames went back to the buddy; the checkpoint holds far fewer. */
        uint64_t dormant_free = rvm_buddy_free_pages(&m.buddy);
        ck_assert_uint_ge(dormant_free, free0 - 8);
        rvm_witness_record_t rec;
        ck_assert_int_eq(rvm_witness_get(&m.log, rvm_witness_total_emitted(&m.log) - 2, &rec), RVM_OK);
        ck_assert_uint_eq(rec.action_kind, RVM_ACTION_CHECKPOINT_CREATED);
        ck_assert_uint_eq(rec.flags, alg);
        ck_assert_int_eq(rvm_tier_read(&m.e, 1, 0, back, 16), RVM_ERR_INVALID_PARTITION_STATE);
        rvm_phys_addr_t pa;
        ck_assert_int_eq(rvm_tier_frames(&m.e, 1, &pa), RVM_ERR_INVALID_PARTITION_STATE);
        /* Writes while dormant become witnessed deltas. */
        const uint8_t w1[] = "written while dormant";
        ck_assert_int_eq(rvm_tier_write(&m.e, 1, 4000, w1, sizeof w1), RVM_OK);
        ck_assert_uint_eq(last(&m).action_kind, RVM_ACTION_REGION_DELTA);
        memcpy(copy + 4000, w1, sizeof w1);
        ck_assert_int_eq(rvm_tier_write(&m.e, 1, 12 * 4096 - 3, w1, 3), RVM_OK);
        memcpy(copy + 12 * 4096 - 3, w1, 3);
        uint32_t nd;
        ck_assert_int_eq(rvm_tier_delta_count(&m.e, 1, &nd), RVM_OK);
        ck_assert_uint_eq(nd, 2);
        ck_assert_int_eq(rvm_tier_write(&m.e, 1, 12 * 4096 - 2, w1, 3), RVM_ERR_INVALID_ARGUMENT);
        ck_assert_int_eq(rvm_tier_promote(&m.e, 1, RVM_TIER_WARM, &old), RVM_OK);
        ck_assert_uint_eq(rvm_buddy_free_pages(&m.buddy), free0 - 16);
        ck_assert_int_eq(rvm_tier_read(&m.e, 1, 0, back, 12 * 4096), RVM_OK);
        ck_assert_mem_eq(back, copy, 12 * 4096);
        ck_assert_int_eq(rvm_tier_delta_count(&m.e, 1, &nd), RVM_OK);
        ck_assert_uint_eq(nd, 0);
        ck_assert_int_eq(rvm_tier_frames(&m.e, 1, &pa), RVM_OK);
        /* The pages past the region inside its block read zero, not a previous tenant's data. */
        const uint8_t *tail = rvm_buddy_ptr(&m.buddy, rvm_phys(pa.bits + 12 * 4096), 4 * 4096);
        for (unsigned i = 0; i < 4 * 4096; i++) {
            ck_assert_uint_eq(tail[i], 0);
        }
        ck_assert_int_eq(rvm_witness_verify_log(&m.log, NULL, NULL), RVM_OK);
        shutdown(&m);
    }
}
END_TEST

START_TEST(full_delta_store_folds_into_a_new_checkpoint)
{
    static uint8_t copy[4 * 4096];
    static uint8_t back[4 * 4096];
    warm_region(&m1, 1, 4, copy);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    uint64_t ckpt_before = slot_of(&m1, 1)->ckpt.id;
    for (unsigned i = 0; i < RVM_TIER_DELTAS_PER_REGION + 5; i++) {
        uint8_t v[3] = { (uint8_t)i, 0xAB, (uint8_t)(i * 7) };
        ck_assert_int_eq(rvm_tier_write(&m1.e, 1, i * 200, v, sizeof v), RVM_OK);
        memcpy(copy + i * 200, v, sizeof v);
    }
    uint32_t nd;
    ck_assert_int_eq(rvm_tier_delta_count(&m1.e, 1, &nd), RVM_OK);
    ck_assert_uint_eq(nd, 5);
    ck_assert_uint_gt(slot_of(&m1, 1)->ckpt.id, ckpt_before);
    ck_assert_int_eq(rvm_tier_access(&m1.e, 1), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_read(&m1.e, 1, 0, back, sizeof back), RVM_OK);
    ck_assert_mem_eq(back, copy, sizeof back);
}
END_TEST

/* Flip bytes in the checkpoint, its hash, a delta: each is refused and the region and the allocator are untouched. */
START_TEST(corrupted_dormant_state_is_never_applied)
{
    static uint8_t copy[4 * 4096];
    static uint8_t back[4 * 4096];
    warm_region(&m1, 1, 4, copy);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    const uint8_t w[] = "delta";
    ck_assert_int_eq(rvm_tier_write(&m1.e, 1, 10, w, sizeof w), RVM_OK);
    memcpy(copy + 10, w, sizeof w);
    rvm_tier_region_t *s = slot_of(&m1, 1);
    uint8_t *packed = rvm_buddy_ptr(&m1.buddy, s->packed, s->ckpt.compressed_size);
    uint64_t free_before = rvm_buddy_free_pages(&m1.buddy);
    uint64_t records_before = rvm_witness_total_emitted(&m1.log);

    packed[s->ckpt.compressed_size / 3] ^= 0x01;
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_ERR_CHECKPOINT_CORRUPTED);
    packed[s->ckpt.compressed_size / 3] ^= 0x01;

    s->ckpt.data_hash[0] ^= 0x80;
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_ERR_CHECKPOINT_CORRUPTED);
    s->ckpt.data_hash[0] ^= 0x80;

    s->delta_data[s->delta_slots[0].data_offset] ^= 0x20;
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_ERR_WITNESS_VERIFICATION_FAILED);
    s->delta_data[s->delta_slots[0].data_offset] ^= 0x20;

    s->delta_slots[0].offset += 1;
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_ERR_CHECKPOINT_CORRUPTED);
    s->delta_slots[0].offset -= 1;

    rvm_tier_t now;
    ck_assert_int_eq(rvm_tier_get(&m1.e, 1, &now), RVM_OK);
    ck_assert_int_eq(now, RVM_TIER_DORMANT);
    ck_assert_uint_eq(rvm_buddy_free_pages(&m1.buddy), free_before);
    ck_assert_uint_eq(rvm_witness_total_emitted(&m1.log), records_before);
    /* Intact again: it comes back with the delta. */
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_read(&m1.e, 1, 0, back, sizeof back), RVM_OK);
    ck_assert_mem_eq(back, copy, sizeof back);
}
END_TEST

START_TEST(cold_survives_a_reboot)
{
    static uint8_t copy[MAXP * 4096];
    static uint8_t back[MAXP * 4096];
    warm_region(&m1, 42, 10, copy);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 42, RVM_TIER_DORMANT, &old), RVM_OK);
    const uint8_t w[] = "pending delta folded before going cold";
    ck_assert_int_eq(rvm_tier_write(&m1.e, 42, 5000, w, sizeof w), RVM_OK);
    memcpy(copy + 5000, w, sizeof w);
    uint64_t free_dormant = rvm_buddy_free_pages(&m1.buddy);
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 42, RVM_TIER_COLD, &old), RVM_OK);
    ck_assert_uint_gt(rvm_buddy_free_pages(&m1.buddy), free_dormant);
    ck_assert_uint_ge(disk.writes, 1);
    rvm_cold_receipt_t rc;
    ck_assert_int_eq(rvm_tier_cold_receipt(&m1.e, 42, &rc), RVM_OK);
    ck_assert_uint_eq(rc.region_id, 42);
    ck_assert_uint_eq(rc.pages, 10);
    ck_assert_int_eq(rvm_tier_read(&m1.e, 42, 0, back, 1), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_tier_write(&m1.e, 42, 0, w, 1), RVM_ERR_INVALID_PARTITION_STATE);

    /* "Reboot": a new allocator, log and engine; only the disk and the receipt survive. */
    machine_t m2;
    boot(&m2, RVM_COMPRESS_RLE, rc.first_block + rc.block_count);
    /* A tampered image or receipt is refused and registers nothing. */
    disk.bytes[rc.first_block * BLOCK + RVM_COLD_HEADER_LEN + 7] ^= 0x04;
    ck_assert_int_eq(rvm_tier_restore(&m2.e, &rc), RVM_ERR_CHECKPOINT_CORRUPTED);
    disk.bytes[rc.first_block * BLOCK + RVM_COLD_HEADER_LEN + 7] ^= 0x04;
    rvm_cold_receipt_t bad = rc;
    bad.image_hash[5] ^= 1;
    ck_assert_int_eq(rvm_tier_restore(&m2.e, &bad), RVM_ERR_CHECKPOINT_CORRUPTED);
    bad = rc;
    bad.owner = 4;
    ck_assert_int_eq(rvm_tier_restore(&m2.e, &bad), RVM_ERR_CHECKPOINT_CORRUPTED);
    bad = rc;
    bad.block_count = COLD_BLOCKS;
    ck_assert_int_eq(rvm_tier_restore(&m2.e, &bad), RVM_ERR_CHECKPOINT_CORRUPTED);
    rvm_tier_t now;
    ck_assert_int_eq(rvm_tier_get(&m2.e, 42, &now), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_uint_eq(rvm_witness_total_emitted(&m2.log), 0);

    ck_assert_int_eq(rvm_tier_restore(&m2.e, &rc), RVM_OK);
    ck_assert_int_eq(rvm_tier_get(&m2.e, 42, &now), RVM_OK);
    ck_assert_int_eq(now, RVM_TIER_DORMANT);
    ck_assert_int_eq(rvm_tier_restore(&m2.e, &rc), RVM_ERR_MEMORY_OVERLAP);
    rvm_witness_record_t r0;
    ck_assert_int_eq(rvm_witness_get(&m2.log, 0, &r0), RVM_OK);
    ck_assert_uint_eq(r0.action_kind, RVM_ACTION_CHECKPOINT_RESTORED);
    ck_assert_uint_eq(last(&m2).action_kind, RVM_ACTION_REGION_PROMOTE);
    ck_assert_int_eq(rvm_tier_promote(&m2.e, 42, RVM_TIER_WARM, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_read(&m2.e, 42, 0, back, 10 * 4096), RVM_OK);
    ck_assert_mem_eq(back, copy, 10 * 4096);
    /* The new engine writes after the old image, so a second trip does not overwrite it. */
    ck_assert_int_eq(rvm_tier_demote(&m2.e, 42, RVM_TIER_DORMANT, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_demote(&m2.e, 42, RVM_TIER_COLD, &old), RVM_OK);
    rvm_cold_receipt_t rc2;
    ck_assert_int_eq(rvm_tier_cold_receipt(&m2.e, 42, &rc2), RVM_OK);
    ck_assert_uint_ge(rc2.first_block, rc.first_block + rc.block_count);
    /* Restoring into the same engine moves its Cold entry back to Dormant. */
    ck_assert_int_eq(rvm_tier_restore(&m2.e, &rc2), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(&m2.e, 42, RVM_TIER_WARM, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_read(&m2.e, 42, 0, back, 10 * 4096), RVM_OK);
    ck_assert_mem_eq(back, copy, 10 * 4096);
    ck_assert_int_eq(rvm_witness_verify_log(&m2.log, NULL, NULL), RVM_OK);
    shutdown(&m2);
}
END_TEST

START_TEST(cold_failures_leave_region_dormant)
{
    static uint8_t copy[4096];
    warm_region(&m1, 1, 1, copy);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    disk.fail_writes = 1;
    uint64_t records = rvm_witness_total_emitted(&m1.log);
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 1, RVM_TIER_COLD, &old), RVM_ERR_INTERNAL_ERROR);
    ck_assert_uint_eq(rvm_witness_total_emitted(&m1.log), records);
    rvm_tier_t now;
    ck_assert_int_eq(rvm_tier_get(&m1.e, 1, &now), RVM_OK);
    ck_assert_int_eq(now, RVM_TIER_DORMANT);
    disk.fail_writes = 0;
    /* A store with no room left. */
    machine_t m;
    boot(&m, RVM_COMPRESS_LZ4, COLD_BLOCKS);
    warm_region(&m, 1, 1, copy);
    ck_assert_int_eq(rvm_tier_demote(&m.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_demote(&m.e, 1, RVM_TIER_COLD, &old), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    shutdown(&m);
    /* No cold tier configured (Seed). */
    machine_t s;
    boot(&s, RVM_COMPRESS_RLE, 0);
    s.e.cfg.cold = NULL;
    warm_region(&s, 1, 1, copy);
    ck_assert_int_eq(rvm_tier_demote(&s.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_demote(&s.e, 1, RVM_TIER_COLD, &old), RVM_ERR_UNSUPPORTED);
    rvm_cold_receipt_t rc = { 0 };
    rc.region_id = 5;
    ck_assert_int_eq(rvm_tier_restore(&s.e, &rc), RVM_ERR_UNSUPPORTED);
    shutdown(&s);
}
END_TEST

START_TEST(out_of_frames_leaves_region_dormant)
{
    static uint8_t copy[MAXP * 4096];
    warm_region(&m1, 1, MAXP, copy);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    /* Take every free block of 16 pages or more. */
    rvm_phys_addr_t held[64];
    unsigned n = 0;
    while (n < 64 && rvm_buddy_alloc(&m1.buddy, 4, RVM_BUDDY_NOZERO, &held[n]) == RVM_OK) {
        n++;
    }
    ck_assert_int_eq(rvm_tier_access(&m1.e, 1), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_ERR_OUT_OF_MEMORY);
    rvm_tier_t now;
    ck_assert_int_eq(rvm_tier_get(&m1.e, 1, &now), RVM_OK);
    ck_assert_int_eq(now, RVM_TIER_DORMANT);
    ck_assert_int_eq(rvm_buddy_free(&m1.buddy, held[0], 4), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_OK);
    for (unsigned i = 1; i < n; i++) {
        ck_assert_int_eq(rvm_buddy_free(&m1.buddy, held[i], 4), RVM_OK);
    }
}
END_TEST

START_TEST(anchors_must_be_refreshed_before_the_ring_wraps)
{
    static uint8_t copy[2 * 4096];
    static uint8_t copy2[2 * 4096];
    static uint8_t back[2 * 4096];
    warm_region(&m1, 1, 2, copy);
    warm_region(&m1, 2, 2, copy2);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 1, RVM_TIER_DORMANT, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 2, RVM_TIER_DORMANT, &old), RVM_OK);
    const uint8_t w[] = "kept";
    ck_assert_int_eq(rvm_tier_write(&m1.e, 2, 0, w, sizeof w), RVM_OK);
    uint64_t a1;
    ck_assert_int_eq(rvm_tier_anchor(&m1.e, 1, &a1), RVM_OK);
    ck_assert_int_eq(rvm_tier_anchor(&m1.e, 3, &a1), RVM_ERR_PARTITION_NOT_FOUND);
    /* Region 3 stays warm and churns the 1024-record ring with Hot <-> Warm moves. */
    ck_assert_int_eq(rvm_tier_register(&m1.e, 3, 3, 1, RVM_TIER_WARM), RVM_OK);
    ck_assert_int_eq(rvm_tier_set_cut_value(&m1.e, 3, 10000), RVM_OK);
    ck_assert_int_eq(rvm_tier_refresh(&m1.e, 3), RVM_ERR_INVALID_PARTITION_STATE);
    for (unsigned i = 0; i < 400; i++) {
        ck_assert_int_eq(rvm_tier_promote(&m1.e, 3, RVM_TIER_HOT, &old), RVM_OK);
        ck_assert_int_eq(rvm_tier_demote(&m1.e, 3, RVM_TIER_WARM, &old), RVM_OK);
    }
    /* Region 1 is refreshed in time, region 2 (with a delta) too; then the ring moves on past the old anchors. */
    ck_assert_int_eq(rvm_tier_refresh(&m1.e, 1), RVM_OK);
    uint64_t a1_new;
    ck_assert_int_eq(rvm_tier_anchor(&m1.e, 1, &a1_new), RVM_OK);
    ck_assert_uint_gt(a1_new, a1);
    ck_assert_uint_eq(last(&m1).action_kind, RVM_ACTION_CHECKPOINT_RESTORED);
    ck_assert_int_eq(rvm_tier_refresh(&m1.e, 2), RVM_OK);
    uint32_t nd;
    ck_assert_int_eq(rvm_tier_delta_count(&m1.e, 2, &nd), RVM_OK);
    ck_assert_uint_eq(nd, 0);
    for (unsigned i = 0; i < 300; i++) {
        ck_assert_int_eq(rvm_tier_promote(&m1.e, 3, RVM_TIER_HOT, &old), RVM_OK);
        ck_assert_int_eq(rvm_tier_demote(&m1.e, 3, RVM_TIER_WARM, &old), RVM_OK);
    }
    ck_assert_uint_gt(rvm_witness_oldest_sequence(&m1.log), a1);
    ck_assert_int_eq(rvm_tier_access(&m1.e, 1), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 1, RVM_TIER_WARM, &old), RVM_OK);
    ck_assert_int_eq(rvm_tier_read(&m1.e, 1, 0, back, sizeof back), RVM_OK);
    ck_assert_mem_eq(back, copy, sizeof back);
    /* Region 2 was refreshed too; now let its anchor fall out of the ring. */
    for (unsigned i = 0; i < 600; i++) {
        ck_assert_int_eq(rvm_tier_promote(&m1.e, 3, RVM_TIER_HOT, &old), RVM_OK);
        ck_assert_int_eq(rvm_tier_demote(&m1.e, 3, RVM_TIER_WARM, &old), RVM_OK);
    }
    ck_assert_int_eq(rvm_tier_access(&m1.e, 2), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 2, RVM_TIER_WARM, &old), RVM_ERR_CHECKPOINT_NOT_FOUND);
    ck_assert_int_eq(rvm_tier_refresh(&m1.e, 2), RVM_ERR_CHECKPOINT_NOT_FOUND);
    rvm_tier_t now;
    ck_assert_int_eq(rvm_tier_get(&m1.e, 2, &now), RVM_OK);
    ck_assert_int_eq(now, RVM_TIER_DORMANT);
}
END_TEST

static unsigned s2_maps;

static rvm_err_t s2_map(void *ctx, rvm_partition_id_t owner, rvm_gpa_t gpa, rvm_phys_addr_t pa, uint32_t pages,
                        rvm_region_policy_t perm)
{
    (void)ctx;
    (void)owner;
    (void)gpa;
    (void)pa;
    (void)pages;
    (void)perm;
    s2_maps++;
    return RVM_OK;
}

static rvm_err_t s2_unmap(void *ctx, rvm_partition_id_t owner, rvm_gpa_t gpa, uint32_t pages)
{
    (void)ctx;
    (void)owner;
    (void)gpa;
    (void)pages;
    return RVM_OK;
}

/* With a region table, the owned region follows its data: unmapped before it goes Dormant, rebound when it returns. */
START_TEST(owned_region_follows_its_frames)
{
    static const rvm_stage2_ops_t ops = { s2_map, s2_unmap, NULL };
    rvm_region_t rslots[4];
    rvm_regions_t regions;
    ck_assert_int_eq(rvm_regions_init(&regions, rslots, 4, &m1.log, &ops), RVM_OK);
    m1.e.cfg.regions = &regions;
    static uint8_t copy[4 * 4096];
    static uint8_t back[4 * 4096];
    warm_region(&m1, 7, 4, copy);
    rvm_phys_addr_t frames;
    ck_assert_int_eq(rvm_tier_frames(&m1.e, 7, &frames), RVM_OK);
    rvm_region_config_t c = { 3, rvm_gpa(0x100000), frames, 4, RVM_REGION_POLICY_READ_WRITE };
    ck_assert_int_eq(rvm_region_create(&regions, 7, &c), RVM_OK);
    ck_assert_int_eq(rvm_region_map(&regions, 7), RVM_OK);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 7, RVM_TIER_DORMANT, &old), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_region_unmap(&regions, 7), RVM_OK);
    ck_assert_int_eq(rvm_tier_demote(&m1.e, 7, RVM_TIER_DORMANT, &old), RVM_OK);
    rvm_region_t r;
    ck_assert_int_eq(rvm_region_get(&regions, 7, &r), RVM_OK);
    ck_assert(r.detached);
    ck_assert_int_eq(rvm_region_map(&regions, 7), RVM_ERR_INVALID_PARTITION_STATE);
    /* Something else takes the old frames meanwhile, so the data comes back elsewhere. */
    rvm_phys_addr_t squatter;
    ck_assert_int_eq(rvm_buddy_alloc(&m1.buddy, 2, RVM_BUDDY_ZERO, &squatter), RVM_OK);
    ck_assert_int_eq(rvm_tier_access(&m1.e, 7), RVM_OK);
    ck_assert_int_eq(rvm_tier_promote(&m1.e, 7, RVM_TIER_WARM, &old), RVM_OK);
    rvm_phys_addr_t now;
    ck_assert_int_eq(rvm_tier_frames(&m1.e, 7, &now), RVM_OK);
    ck_assert_int_eq(rvm_region_get(&regions, 7, &r), RVM_OK);
    ck_assert(!r.detached);
    ck_assert_uint_eq(r.host_base.bits, now.bits);
    ck_assert_int_eq(rvm_region_map(&regions, 7), RVM_OK);
    rvm_phys_addr_t pa;
    rvm_region_policy_t perm;
    ck_assert_int_eq(rvm_region_translate(&regions, 3, rvm_gpa(0x100010), &pa, &perm), RVM_OK);
    ck_assert_uint_eq(pa.bits, now.bits + 0x10);
    ck_assert_int_eq(rvm_tier_read(&m1.e, 7, 0, back, sizeof back), RVM_OK);
    ck_assert_mem_eq(back, copy, sizeof back);
    ck_assert_int_eq(rvm_witness_verify_log(&m1.log, NULL, NULL), RVM_OK);
}
END_TEST

START_TEST(demotion_candidates)
{
    rvm_tier_engine_t *e = &m1.e;
    ck_assert_int_eq(rvm_tier_register(e, 1, 3, 1, RVM_TIER_HOT), RVM_OK);    /* 5000 < 7000 -> Warm */
    ck_assert_int_eq(rvm_tier_register(e, 2, 3, 1, RVM_TIER_HOT), RVM_OK);
    ck_assert_int_eq(rvm_tier_set_cut_value(e, 2, 2000), RVM_OK);             /* 7000: stays */
    ck_assert_int_eq(rvm_tier_register(e, 3, 3, 1, RVM_TIER_WARM), RVM_OK);   /* 5000: stays */
    ck_assert_int_eq(rvm_tier_register(e, 4, 3, 1, RVM_TIER_WARM), RVM_OK);
    rvm_tier_t old;
    ck_assert_int_eq(rvm_tier_demote(e, 4, RVM_TIER_DORMANT, &old), RVM_OK);
    rvm_tier_candidate_t c[8];
    uint32_t n = 99;
    rvm_tier_find_demotion_candidates(e, c, 8, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(c[0].region_id, 1);
    ck_assert_uint_eq(c[0].from, RVM_TIER_HOT);
    ck_assert_uint_eq(c[0].to, RVM_TIER_WARM);
    rvm_tier_decay(e, 4100); /* 1: 900, 2: 4900, 3: 900, 4: 900 */
    rvm_tier_find_demotion_candidates(e, c, 8, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_uint_eq(c[3].region_id, 4);
    ck_assert_uint_eq(c[3].from, RVM_TIER_DORMANT);
    ck_assert_uint_eq(c[3].to, RVM_TIER_COLD);
    rvm_tier_find_demotion_candidates(e, c, 2, &n);
    ck_assert_uint_eq(n, 2);
}
END_TEST

/* Property: random accesses, writes and transitions never lose or corrupt a byte. */
START_TEST(random_transitions_keep_the_bytes)
{
    enum { R = 3, SZ = 2 * 4096 };
    static uint8_t model[R][SZ];
    static uint8_t back[SZ];
    rvm_tier_engine_t *e = &m1.e;
    for (unsigned i = 0; i < R; i++) {
        warm_region(&m1, i + 1, 2, model[i]);
    }
    uint64_t seed = 2024;
    unsigned woken = 0;
    unsigned frozen = 0;
    unsigned restored = 0;
    for (unsigned step = 0; step < 3000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(seed >> 33);
        rvm_region_id_t id = r % R + 1;
        rvm_tier_t cur;
        ck_assert_int_eq(rvm_tier_get(e, id, &cur), RVM_OK);
        unsigned op = (r >> 4) % 6;
        rvm_tier_t old;
        if (op == 0) {
            uint32_t off = (r >> 8) % (SZ - 16);
            uint8_t v[16];
            for (unsigned k = 0; k < 16; k++) {
                v[k] = (uint8_t)(seed >> (k * 3));
            }
            rvm_err_t w = rvm_tier_write(e, id, off, v, 16);
            if (cur == RVM_TIER_COLD) {
                ck_assert_int_eq(w, RVM_ERR_INVALID_PARTITION_STATE);
            } else {
                ck_assert_int_eq(w, RVM_OK);
                memcpy(model[id - 1] + off, v, 16);
            }
        } else if (op == 1) {
            ck_assert_int_eq(rvm_tier_access(e, id), RVM_OK);
            ck_assert_int_eq(rvm_tier_access(e, id), RVM_OK);
        } else if (op == 2 || op == 3) {
            rvm_err_t p = rvm_tier_promote(e, id, cur == RVM_TIER_HOT ? RVM_TIER_HOT : (rvm_tier_t)(cur - 1), &old);
            ck_assert(p == RVM_OK || p == RVM_ERR_COHERENCE_BELOW_THRESHOLD || p == RVM_ERR_INVALID_TIER_TRANSITION);
            woken += p == RVM_OK && cur == RVM_TIER_DORMANT;
        } else if (op == 4) {
            rvm_err_t d = rvm_tier_demote(e, id, (rvm_tier_t)(cur + 1), &old);
            ck_assert(d == RVM_OK || (cur == RVM_TIER_COLD && d == RVM_ERR_INVALID_TIER_TRANSITION));
            frozen += d == RVM_OK && cur == RVM_TIER_DORMANT;
        } else if (cur == RVM_TIER_COLD) {
            rvm_cold_receipt_t rc;
            ck_assert_int_eq(rvm_tier_cold_receipt(e, id, &rc), RVM_OK);
            ck_assert_int_eq(rvm_tier_restore(e, &rc), RVM_OK);
            restored++;
        }
        ck_assert_int_eq(rvm_tier_get(e, id, &cur), RVM_OK);
        if (cur <= RVM_TIER_WARM) {
            ck_assert_int_eq(rvm_tier_read(e, id, 0, back, SZ), RVM_OK);
            ck_assert_mem_eq(back, model[id - 1], SZ);
        }
        if (step % 100 == 0) {
            rvm_tier_decay(e, 1500);
        }
    }
    /* The walk really went through every data-moving transition. */
    ck_assert_uint_gt(woken, 10);
    ck_assert_uint_gt(frozen, 10);
    ck_assert_uint_gt(restored, 10);
    ck_assert_int_eq(rvm_witness_verify_log(&m1.log, NULL, NULL), RVM_OK);
}
END_TEST

START_TEST(init_rejects)
{
    rvm_tier_engine_t e;
    rvm_tier_config_t cfg = m1.e.cfg;
    cfg.max_region_pages = 0;
    ck_assert_int_eq(rvm_tier_init(&e, &cfg), RVM_ERR_INVALID_ARGUMENT);
    cfg.max_region_pages = 1024; /* beyond this buddy's largest block (512 pages) */
    ck_assert_int_eq(rvm_tier_init(&e, &cfg), RVM_ERR_INVALID_ARGUMENT);
    cfg = m1.e.cfg;
    cfg.scratch_len -= 1;
    ck_assert_int_eq(rvm_tier_init(&e, &cfg), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    cfg = m1.e.cfg;
    cfg.lz4 = NULL;
    ck_assert_int_eq(rvm_tier_init(&e, &cfg), RVM_ERR_INVALID_ARGUMENT);
    cfg.algorithm = 2;
    ck_assert_int_eq(rvm_tier_init(&e, &cfg), RVM_ERR_INVALID_ARGUMENT);
    cfg = m1.e.cfg;
    rvm_cold_ops_t odd = cold;
    odd.block_size = 1000;
    cfg.cold = &odd;
    ck_assert_int_eq(rvm_tier_init(&e, &cfg), RVM_ERR_INVALID_ARGUMENT);
    cfg.log = NULL;
    ck_assert_int_eq(rvm_tier_init(&e, &cfg), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmmem-tier");
    TCase *tc = tcase_create("tier");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, residency_arithmetic);
    tcase_add_test(tc, only_adjacent_transitions);
    tcase_add_test(tc, promotion_thresholds);
    tcase_add_test(tc, dormant_round_trip_moves_the_data);
    tcase_add_test(tc, full_delta_store_folds_into_a_new_checkpoint);
    tcase_add_test(tc, corrupted_dormant_state_is_never_applied);
    tcase_add_test(tc, cold_survives_a_reboot);
    tcase_add_test(tc, cold_failures_leave_region_dormant);
    tcase_add_test(tc, out_of_frames_leaves_region_dormant);
    tcase_add_test(tc, anchors_must_be_refreshed_before_the_ring_wraps);
    tcase_add_test(tc, owned_region_follows_its_frames);
    tcase_add_test(tc, demotion_candidates);
    tcase_add_test(tc, random_transitions_keep_the_bytes);
    tcase_add_test(tc, init_rejects);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
