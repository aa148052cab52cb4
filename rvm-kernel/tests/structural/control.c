/*
 * The control partition's structural calls: creating partitions with the
 * partition table's capability (x4) and not with its own, and destroying
 * them with a P2 proof, after refusals for a proof of another mutation, a
 * capability naming another partition, and a replayed nonce. Each refusal
 * must change nothing: the partition it aimed at is destroyed afterwards.
 */
#include <stdint.h>

#include "proof.h"

void control_main(uint64_t self, uint64_t self_cap, uint64_t log_cap, uint64_t device_cap, uint64_t table_cap);
CHECK_GUEST_ENTRY(control_main)

static rvm_hc_result_t create(uint64_t cap)
{
    return hc(RVM_HC_PARTITION_CREATE, cap, 1, 0, 0);
}

static int64_t destroy(uint64_t self, uint64_t cap, uint64_t target, uint64_t target_in_proof, uint64_t nonce)
{
    static rvm_hc_proof_t proof;
    make_proof(&proof, RVM_HC_PARTITION_DESTROY, (uint32_t)self, target_in_proof, 0, nonce, now_ns() + PROOF_VALID_NS);
    return hc(RVM_HC_PARTITION_DESTROY, cap, target, (uint64_t)(uintptr_t)&proof, 0).status;
}

void control_main(uint64_t self, uint64_t self_cap, uint64_t log_cap, uint64_t device_cap, uint64_t table_cap)
{
    (void)log_cap;
    (void)device_cap;
    say_status("control: create with its own capability", create(self_cap).status);
    rvm_hc_result_t w1 = create(table_cap);
    say_status("control: created partition", w1.status == 0 ? (int64_t)w1.r1 : w1.status);
    say_status("control: destroy with a proof for another mutation", destroy(self, w1.r2, w1.r1, 99, 100));
    say_status("control: destroy with a capability naming itself", destroy(self, self_cap, w1.r1, w1.r1, 101));
    say_status("control: destroyed the partition", destroy(self, w1.r2, w1.r1, w1.r1, 102));
    rvm_hc_result_t w2 = create(table_cap);
    say_status("control: created partition", w2.status == 0 ? (int64_t)w2.r1 : w2.status);
    say_status("control: destroy with a replayed nonce", destroy(self, w2.r2, w2.r1, w2.r1, 102));
    say_status("control: destroyed the partition", destroy(self, w2.r2, w2.r1, w2.r1, 103));
    finish("control: done\n", 0);
}
