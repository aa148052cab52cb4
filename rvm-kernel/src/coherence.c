/*
 * The coherence pipeline with librvmcoh (see coherence.h).
 *
 * Two graphs: the engine's, whose nodes are partitions (scores, pressures
 * and recommendations come from it, as the spec defines them), and one whose
 * nodes are tasks, the ground truth the partition graph is the quotient of
 * under the current placement. A Split recommendation names a partition;
 * where to cut it comes from the minimum cut of its own tasks' traffic. After
 * tasks move, the partition graph is rebuilt from the task graph, so history
 * follows the tasks instead of sticking to partitions they left.
 */
#include "coherence.h"

#include <rvm/coh_engine.h>
#include <rvm/coh_graph.h>
#include <rvm/coh_metrics.h>
#include <rvm/coh_mincut.h>
#include <rvm/hal.h>
#include <rvm/partition.h>

#include <rvm/action_kind.h>
#include <rvm/witness_log.h>

#include "audit.h"
#include "dispatch.h"
#include "domain.h"
#include "gate.h"
#include "task.h"
#include "tiers.h"
#include "vm.h"

/* DC-2: the minimum cut may take this long per epoch before the last known cut stands in. */
#define MINCUT_BUDGET_US 50u
#define US_PER_S 1000000u
/* Epochs a budget overrun keeps the engine from deciding before it is trusted again. */
#define DEGRADED_EPOCHS 10u

/* Whether the engine's decisions are carried out (spec §15.3 g); off, it only observes and scores. */
#ifndef RVM_COHERENCE_AUTO
#define RVM_COHERENCE_AUTO 1
#endif

static rvm_coh_engine_t engine;
static rvm_coh_graph_t task_graph;
static rvm_coh_mincut_t task_cut;
static bool ready;
static uint32_t degraded_for;

static uint64_t counter(void *ctx)
{
    (void)ctx;
    return rvm_hal_timer_now();
}

bool rvm_coherence_enabled(void)
{
    return true;
}

rvm_err_t rvm_coherence_init(void)
{
    rvm_coh_mincut_config_t cfg;
    rvm_coh_mincut_config_default(&cfg);
    uint64_t per_us = rvm_hal_timer_freq() / US_PER_S;
    cfg.now = counter;
    cfg.ticks_per_us = per_us != 0u ? per_us : 1u;
    cfg.budget_ticks = cfg.ticks_per_us * MINCUT_BUDGET_US;
    rvm_err_t err = rvm_coh_engine_init(&engine, &cfg, rvm_audit_log());
    if (err == RVM_OK) {
        err = rvm_coh_mincut_init(&task_cut, &cfg, rvm_audit_log());
    }
    if (err == RVM_OK) {
        err = rvm_coh_graph_init(&task_graph, RVM_COH_MAX_NODES, RVM_COH_MAX_EDGES);
    }
    /* Task t is node t + 1: node ids are partition ids to librvmcoh, and 0 names none. */
    for (uint32_t t = 0; t < rvm_task_count() && err == RVM_OK; t++) {
        err = rvm_coh_graph_add_node(&task_graph, t + 1u);
    }
    ready = err == RVM_OK;
    return err;
}

void rvm_coherence_partition_added(uint32_t pid)
{
    /* Graph errors (more partitions than nodes) leave a partition unobserved, never unscheduled (spec §15.2). */
    if (ready) {
        (void)rvm_coh_engine_add_partition(&engine, pid);
        (void)rvm_coh_engine_set_splittable(&engine, pid, false);
    }
}

void rvm_coherence_partition_removed(uint32_t pid)
{
    if (ready) {
        (void)rvm_coh_engine_remove_partition(&engine, pid);
    }
}

static void add_task_traffic(uint32_t from_task, uint32_t to_task, uint64_t w)
{
    uint16_t e = 0;
    if (rvm_coh_graph_find_edge(&task_graph, from_task + 1u, to_task + 1u, &e) == RVM_OK) {
        (void)rvm_coh_graph_update_weight(&task_graph, e, (int64_t)w);
    } else {
        (void)rvm_coh_graph_add_edge(&task_graph, from_task + 1u, to_task + 1u, w, NULL);
    }
}

void rvm_coherence_message(uint32_t from, uint32_t to, uint32_t from_task, uint32_t to_task)
{
    if (!ready) {
        return;
    }
    (void)rvm_coh_engine_record_communication(&engine, from, to, 1);
    if (from_task < rvm_task_count() && to_task < rvm_task_count()) {
        add_task_traffic(from_task, to_task, 1);
    }
}

/*
 * A partition can be split when it holds two tasks or more and the image has
 * room for another machine (ids are never reused); otherwise a Split the
 * engine cannot see is impossible would hide every Merge, epoch after epoch.
 */
static void mark_splittable(void)
{
    bool room = rvm_vm_created() < RVM_VM_MAX;
    for (uint32_t i = 0; i < RVM_COH_MAX_NODES; i++) {
        if (engine.entries[i].active) {
            (void)rvm_coh_engine_set_splittable(&engine, engine.entries[i].pid,
                                                room && rvm_task_hosted(engine.entries[i].pid) >= 2u);
        }
    }
}

void rvm_coherence_tasks_moved(void)
{
    if (!ready) {
        return;
    }
    for (uint32_t i = 0; i < RVM_COH_MAX_NODES; i++) {
        rvm_partition_id_t pid = engine.entries[i].pid;
        if (engine.entries[i].active && rvm_task_hosted(pid) != 0u) {
            (void)rvm_coh_engine_remove_partition(&engine, pid);
            (void)rvm_coh_engine_add_partition(&engine, pid);
        }
    }
    for (uint32_t t = 0; t < rvm_task_count(); t++) {
        uint32_t host = rvm_task_host(t);
        if (host != 0u) {
            (void)rvm_coh_engine_add_partition(&engine, host);
        }
    }
    mark_splittable();
    uint32_t cursor = 0;
    uint16_t e = 0;
    while (rvm_coh_graph_next_edge(&task_graph, &cursor, &e) == RVM_OK) {
        rvm_partition_id_t a = 0;
        rvm_partition_id_t b = 0;
        uint64_t w = 0;
        (void)rvm_coh_graph_edge_endpoints(&task_graph, e, &a, &b);
        (void)rvm_coh_graph_edge_weight(&task_graph, e, &w);
        uint32_t from = rvm_task_host(a - 1u);
        uint32_t to = rvm_task_host(b - 1u);
        if (from != 0u && to != 0u) {
            (void)rvm_coh_engine_record_communication(&engine, from, to, w);
        }
    }
}

/* The tasks of `pid` that go to the new half: the side of its tasks' minimum cut without its first task. */
static uint32_t split_side(uint32_t pid)
{
    rvm_partition_id_t nodes[RVM_COH_MAX_NODES];
    uint32_t n = 0;
    for (uint32_t t = 0; t < rvm_task_count() && n < RVM_COH_MAX_NODES; t++) {
        if (rvm_task_host(t) == pid) {
            nodes[n++] = t + 1u;
        }
    }
    rvm_coh_cut_t cut;
    if (n < 2u || rvm_coh_min_cut_of(&task_cut, &task_graph, nodes, n, &cut) != RVM_OK || !cut.within_budget) {
        return 0;
    }
    bool first_left = false;
    for (uint32_t i = 0; i < cut.left_count; i++) {
        first_left = first_left || cut.left[i] == nodes[0];
    }
    const rvm_partition_id_t *side = first_left ? cut.right : cut.left;
    uint32_t count = first_left ? cut.right_count : cut.left_count;
    uint32_t mask = 0;
    for (uint32_t i = 0; i < count; i++) {
        mask |= UINT32_C(1) << (side[i] - 1u);
    }
    return mask;
}

/* Scores and pressures go where the spec sends them: partition records, scheduler boosts, tier cut values. */
static void publish(void)
{
    rvm_partmgr_t *parts = rvm_domain_partmgr();
    for (uint32_t i = 0; i < RVM_COH_MAX_NODES; i++) {
        const rvm_coh_entry_t *e = &engine.entries[i];
        if (!e->active) {
            continue;
        }
        if (parts != NULL) {
            (void)rvm_part_set_scores(parts, e->pid, e->score, e->pressure);
        }
        rvm_dispatch_set_pressure(e->pid, e->pressure);
    }
    /* The tiers' cut values: a task page is worth its host's coherence (spec §15.3 c). */
    for (uint32_t t = 0; t < rvm_task_count(); t++) {
        uint32_t host = rvm_task_host(t);
        if (host != 0u) {
            rvm_tiers_cut_value(RVM_HC_TASK_REGION(t), rvm_coh_engine_score(&engine, host));
        }
    }
}

/*
 * The hypervisor's own decisions pass the gate like a partition's: its
 * WRITE|PROVE capability to the partition (a root it owns), a proof it
 * issues for exactly this mutation, and for a merge (P3) the newest witness
 * record, this epoch's, as the evidence the decision was made on.
 */
static void split(uint32_t pid, uint64_t epoch)
{
    const rvm_vm_t *p = rvm_vm_get(pid);
    uint32_t b_tasks = split_side(pid);
    if (p == NULL || b_tasks == 0u || rvm_task_check_split(pid, b_tasks) != RVM_OK) {
        return;
    }
    rvm_hc_proof_t proof;
    rvm_gate_call_t c = { 0, p->kernel_cap, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SPLIT, pid,
                          RVM_HC_PARTITION_SPLIT, { pid, b_tasks, 0, 0 }, &proof, NULL };
    rvm_gate_kernel_proof(&c, &proof);
    if (rvm_gate_check(&c) == RVM_OK) {
        rvm_task_request_split(0, p->kernel_cap, pid, b_tasks, epoch);
    }
}

static void merge(uint32_t absorber, uint32_t absorbed, uint32_t predicted)
{
    const rvm_vm_t *into = rvm_vm_get(absorber);
    const rvm_witness_log_t *log = rvm_audit_log();
    uint64_t total = rvm_witness_total_emitted(log);
    if (into == NULL || total == 0u || rvm_task_check_merge(absorber, absorbed) != RVM_OK) {
        return;
    }
    rvm_hc_proof_t proof;
    const rvm_hc_p3_t p3 = { { total - 1u, 0, 0, 0 }, 1 };
    rvm_gate_call_t c = { 0, into->kernel_cap, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_MERGE,
                          absorber, RVM_HC_PARTITION_MERGE, { absorber, absorbed, 0, 0 }, &proof, &p3 };
    rvm_gate_kernel_proof(&c, &proof);
    if (rvm_gate_check(&c) == RVM_OK) {
        rvm_task_request_merge(0, into->kernel_cap, absorber, absorbed, predicted);
    }
}

void rvm_coherence_epoch(uint64_t epoch, uint32_t load_percent)
{
    if (!ready) {
        return;
    }
    (void)rvm_coh_decay(&task_graph, RVM_COH_DEFAULT_DECAY_BP, NULL);
    /* Partitions made outside this file (a create) count against the room for a split's half too. */
    mark_splittable();
    rvm_coh_decision_t d;
    if (rvm_coh_engine_tick(&engine, load_percent, &d) != RVM_OK) {
        return;
    }
    publish();
    if (engine.mincut.degraded || task_cut.degraded) {
        /* Over budget: no decisions for a while, then the engine is trusted again (DC-2). */
        if (++degraded_for >= DEGRADED_EPOCHS) {
            rvm_coh_mincut_clear_degraded(&engine.mincut);
            rvm_coh_mincut_clear_degraded(&task_cut);
            degraded_for = 0;
        }
        return;
    }
    if (RVM_COHERENCE_AUTO == 0 || rvm_task_busy()) {
        return;
    }
    if (d.kind == RVM_COH_SPLIT && rvm_task_hosted(d.a) >= 2u) {
        split(d.a, epoch);
    } else if (d.kind == RVM_COH_MERGE && rvm_task_hosted(d.a) != 0u && rvm_task_hosted(d.b) != 0u) {
        merge(d.a, d.b, d.predicted_score);
    }
}

rvm_err_t rvm_coherence_predicted(uint32_t a, uint32_t b, uint32_t *score)
{
    rvm_coherence_score_t predicted = 0;
    rvm_err_t err = ready ? rvm_coh_predicted_merged_score(&engine.graph, a, b, &predicted) : RVM_ERR_NOT_FOUND;
    *score = err == RVM_OK ? predicted : 0u;
    return err;
}
