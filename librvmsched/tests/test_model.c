/*
 * Model test: random enqueues, picks, releases, migrations, pressure, mode and
 * degraded changes on two CPUs, each pick checked against a plain reference
 * that scans every queued partition for the best key.
 */
#include <check.h>
#include <stdlib.h>

#include "fixture.h"

#define NPARTS 32u
#define STEPS 50000u

typedef struct ref_part {
    uint16_t home;
    uint8_t flags;
    uint8_t prio;
    uint32_t pressure_q16;  /* current */
    int queued;
    uint16_t q_urgency;     /* captured at enqueue */
    uint32_t q_pressure;
    uint64_t q_seq;         /* enqueue order on its CPU */
} ref_part_t;

static ref_part_t ref[NPARTS + 1];
static rvm_partition_id_t ref_current[2];
static uint64_t ref_seq;
static uint8_t ref_mode = RVM_SCHED_FLOW;
static int ref_degraded;

static int ref_eligible(const ref_part_t *p)
{
    if (ref_mode == RVM_SCHED_REFLEX) {
        return (p->flags & RVM_SCHED_PART_REALTIME) != 0;
    }
    if (ref_mode == RVM_SCHED_RECOVERY) {
        return (p->flags & RVM_SCHED_PART_RECOVERY) != 0;
    }
    return 1;
}

static uint32_t ref_prio(const ref_part_t *p)
{
    if (ref_mode == RVM_SCHED_REFLEX) {
        return ((uint32_t)p->prio << 16) | p->q_urgency;
    }
    return p->q_urgency + (ref_degraded ? 0u : p->q_pressure >> 16);
}

/* Best eligible queued partition on `cpu`, 0 if none. */
static rvm_partition_id_t ref_best(uint16_t cpu)
{
    rvm_partition_id_t best = 0;
    for (rvm_partition_id_t i = 1; i <= NPARTS; i++) {
        const ref_part_t *p = &ref[i];
        if (!p->queued || p->home != cpu || !ref_eligible(p)) {
            continue;
        }
        if (best == 0 || ref_prio(p) > ref_prio(&ref[best]) ||
            (ref_prio(p) == ref_prio(&ref[best]) && p->q_seq < ref[best].q_seq)) {
            best = i;
        }
    }
    return best;
}

static void step(fixture_t *f, unsigned op)
{
    rvm_partition_id_t pid = (rvm_partition_id_t)(1 + rand() % NPARTS);
    ref_part_t *p = &ref[pid];
    uint16_t cpu = (uint16_t)(rand() % 2);
    switch (op) {
    case 0: case 1: case 2: { /* enqueue on its home */
        uint16_t u = (uint16_t)(rand() % (rand() % 2 ? 6 : 1000));
        rvm_err_t e = rvm_sched_enqueue_urgency(&f->s, p->home, pid, u);
        ck_assert_int_eq(e, p->queued ? RVM_ERR_INVALID_PARTITION_STATE : RVM_OK);
        if (!p->queued) {
            p->queued = 1;
            p->q_urgency = u;
            p->q_pressure = p->pressure_q16;
            p->q_seq = ref_seq++;
        }
        break;
    }
    case 3: case 4: { /* pick */
        rvm_partition_id_t want = ref_best(cpu);
        rvm_partition_id_t prev = 99;
        rvm_partition_id_t next = 99;
        rvm_err_t e = rvm_sched_pick_next(&f->s, cpu, &prev, &next);
        if (want == 0) {
            ck_assert_int_eq(e, RVM_ERR_NOT_FOUND);
            break;
        }
        ck_assert_int_eq(e, RVM_OK);
        ck_assert_uint_eq(next, want);
        ck_assert_uint_eq(prev, ref_current[cpu]);
        ref[want].queued = 0;
        ref_current[cpu] = want;
        break;
    }
    case 5: { /* release */
        rvm_partition_id_t prev = 0;
        rvm_err_t e = rvm_sched_release(&f->s, cpu, &prev);
        ck_assert_int_eq(e, ref_current[cpu] == 0 ? RVM_ERR_INVALID_PARTITION_STATE : RVM_OK);
        if (e == RVM_OK) {
            ck_assert_uint_eq(prev, ref_current[cpu]);
            ref_current[cpu] = 0;
        }
        break;
    }
    case 6: { /* migrate to the other CPU */
        uint16_t to = (uint16_t)(1 - p->home);
        rvm_err_t e = rvm_sched_migrate(&f->s, pid, to);
        ck_assert_int_eq(e, ref_current[p->home] == pid ? RVM_ERR_INVALID_PARTITION_STATE : RVM_OK);
        if (e == RVM_OK) {
            p->home = to;
            p->q_seq = ref_seq++; /* a fresh place in the FIFO order of its new CPU */
        }
        break;
    }
    case 7: { /* pressure */
        uint32_t bp = (uint32_t)(rand() % 10001);
        ck_assert_int_eq(rvm_sched_set_pressure(&f->s, pid, bp), RVM_OK);
        p->pressure_q16 = (bp * 1024u / 10000u) << 16;
        break;
    }
    case 8: { /* mode */
        uint8_t m = (uint8_t)(rand() % 3);
        ck_assert_int_eq(rvm_sched_set_mode(&f->s, 0, m), m == ref_mode ? RVM_ERR_INVALID_PARTITION_STATE : RVM_OK);
        ref_mode = m;
        break;
    }
    default: { /* degraded on/off */
        rvm_err_t e = ref_degraded ? rvm_sched_exit_degraded(&f->s)
                                   : rvm_sched_enter_degraded(&f->s, RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED);
        ck_assert_int_eq(e, RVM_OK);
        ref_degraded = !ref_degraded;
        break;
    }
    }
}

START_TEST(random_operations_match_the_reference)
{
    fixture_t f;
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, 2);
    cfg.max_per_cpu = NPARTS;
    fx_open(&f, 2, NPARTS, 64, RVM_WITNESS_OVERWRITE_OLDEST, &cfg, 2);
    srand(12345);
    for (rvm_partition_id_t i = 1; i <= NPARTS; i++) {
        ref[i] = (ref_part_t){ .home = (uint16_t)(i % 2), .flags = (uint8_t)(i % 4), .prio = (uint8_t)(i % 3) };
        fx_part(&f, i, ref[i].flags, ref[i].prio, FX_ALL_CPUS);
        ck_assert_int_eq(rvm_sched_place_on(&f.s, i, ref[i].home), RVM_OK);
    }
    for (unsigned i = 0; i < STEPS; i++) {
        /* Mode and degraded changes are rarer than queue operations. */
        unsigned op = (unsigned)(rand() % 40);
        step(&f, op < 36 ? op % 8 : 8 + (op - 36) % 2);
        for (uint16_t c = 0; c < 2; c++) {
            uint32_t len = 0;
            uint32_t want = 0;
            ck_assert_int_eq(rvm_sched_queue_len(&f.s, c, &len), RVM_OK);
            for (rvm_partition_id_t k = 1; k <= NPARTS; k++) {
                want += ref[k].queued && ref[k].home == c;
            }
            ck_assert_uint_eq(len, want);
        }
    }
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmsched-model");
    TCase *tc = tcase_create("model");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, random_operations_match_the_reference);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
