/*
 * The kernel's security gate: librvmsec's, bound to the kernel's capability
 * manager and witness log, in front of every structural mutation, those
 * partitions ask for through hypercalls and those the hypervisor decides
 * itself (the coherence engine's splits and merges, as caller 0 with its own
 * capabilities and proofs). Exactly one record per decision: the mutation's
 * authorisation, or ProofRejected with the reason.
 */
#ifndef RVM_KERNEL_GATE_H
#define RVM_KERNEL_GATE_H

#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/cap_manager.h>
#include <rvm/err.h>
#include <rvm/hypercall.h>
#include <rvm/rights.h>

typedef struct rvm_gate_call {
    uint32_t caller;          /* 0: the hypervisor */
    rvm_cap_handle_t handle;  /* the capability presented */
    uint8_t type;             /* rvm_obj_type_t it must have */
    rvm_rights_t rights;      /* rights it must hold (PROVE is added when a proof comes with it) */
    uint8_t action;           /* rvm_action_kind_t of the mutation */
    uint64_t target;          /* object the mutation acts on, named by the capability */
    uint32_t call;            /* RVM_HC_* number: the mutation a proof must authorise, with caller and args */
    uint64_t args[4];
    const rvm_hc_proof_t *proof; /* P2, or NULL */
    const rvm_hc_p3_t *p3;       /* P3 evidence, or NULL */
} rvm_gate_call_t;

/* Binds the gate to the capability manager and the witness log (chain mode 2, SHA-256). */
rvm_err_t rvm_gate_setup(rvm_cap_manager_t *caps);
/* RVM_OK once the mutation's record is in the log; otherwise the refusal, witnessed, and nothing may change. */
rvm_err_t rvm_gate_check(const rvm_gate_call_t *c);
/* A proof the hypervisor gives itself for a mutation it decided: valid for 100 ms, fresh nonce. */
void rvm_gate_kernel_proof(const rvm_gate_call_t *c, rvm_hc_proof_t *out);

#endif
