/*
 * Structural calls a task host makes on itself, each refused variant first
 * (its refusal must change nothing: the correct call after it still works):
 * partition 3 gives its task 1 to partition 2 (RVM_HC_REGION_TRANSFER), then
 * partition 2 splits that task off into a new partition and tries a merge
 * without the absorbed partition's consent.
 */
#include <stdint.h>

#include "proof.h"

void structural_step(uint64_t self, uint64_t self_cap, uint64_t mask, uint64_t sent);

typedef enum step {
    STEP_GIVE = 0,
    STEP_SPLIT,
    STEP_MERGE,
    STEP_DONE,
} step_t;

static uint32_t step;
static uint64_t nonce = 1;

static int64_t give(uint64_t cap, uint64_t self, uint64_t to_in_proof)
{
    static rvm_hc_proof_t proof;
    make_proof(&proof, RVM_HC_REGION_TRANSFER, (uint32_t)self, RVM_HC_TASK_REGION(1), to_in_proof, nonce++,
               now_ns() + PROOF_VALID_NS);
    return rvm_hc_call(RVM_HC_FID(RVM_HC_REGION_TRANSFER), cap, RVM_HC_TASK_REGION(1), 2, (uint64_t)(uintptr_t)&proof,
                       0, 0)
        .status;
}

static int64_t split(uint64_t cap, uint64_t self, uint64_t valid_until)
{
    static rvm_hc_proof_t proof;
    make_proof(&proof, RVM_HC_PARTITION_SPLIT, (uint32_t)self, self, 2, nonce++, valid_until);
    return rvm_hc_call(RVM_HC_FID(RVM_HC_PARTITION_SPLIT), cap, self, 2, (uint64_t)(uintptr_t)&proof, 0, 0).status;
}

void structural_step(uint64_t self, uint64_t self_cap, uint64_t mask, uint64_t sent)
{
    if (self == 3u && step == STEP_GIVE && (mask & 2u) != 0u && sent >= 20u) {
        say_status("hostb: transfer with a proof for another mutation", give(self_cap, self, 1));
        say_status("hostb: transfer with a forged capability", give(self_cap + (UINT64_C(1) << 32), self, 2));
        say_status("hostb: task 1 given to partition 2", give(self_cap, self, 2));
        step = STEP_DONE;
    }
    if (self == 2u && step == STEP_GIVE && mask == 3u && sent >= 40u) {
        say_status("hosta: split with an expired proof", split(self_cap, self, now_ns() - 1u));
        say_status("hosta: task 1 split off", split(self_cap, self, now_ns() + PROOF_VALID_NS));
        step = STEP_MERGE;
    }
    if (self == 2u && step == STEP_MERGE && mask == 1u) {
        static rvm_hc_proof_t proof;
        static rvm_hc_p3_t p3;
        make_proof(&proof, RVM_HC_PARTITION_MERGE, (uint32_t)self, self, 3, nonce++, now_ns() + PROOF_VALID_NS);
        /* x6 names the absorber itself, not partition 3: no consent from the one to be absorbed. */
        int64_t st = rvm_hc_call(RVM_HC_FID(RVM_HC_PARTITION_MERGE), self_cap, self, 3, (uint64_t)(uintptr_t)&proof,
                                 (uint64_t)(uintptr_t)&p3, self_cap)
                         .status;
        say_status("hosta: merge without the absorbed partition's consent", st);
        step = STEP_DONE;
    }
}
