/* WebAssembly 1.0 (MVP) validation of a decoded module (spec §13.1, DECISIONS 12). */
#ifndef RVM_WASM_VALIDATE_H
#define RVM_WASM_VALIDATE_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/wasm_module.h>

/* Capacities of the validator's stacks; a function needing more is refused with RESOURCE_LIMIT_EXCEEDED. */
#define RVM_WASM_VALIDATE_MAX_OPERANDS 4096u
#define RVM_WASM_VALIDATE_MAX_FRAMES 1024u
#define RVM_WASM_VALIDATE_MAX_LOCAL_GROUPS 1024u
/* Most exports a module may have; the duplicate-name check hashes them into twice as many slots. */
#define RVM_WASM_VALIDATE_MAX_EXPORTS 4096u

/* One control frame of the spec appendix's algorithm; fields are private to librvmwasm. */
typedef struct rvm_wasm_ctrl {
    uint32_t height;
    uint8_t op;
    uint8_t result; /* 0 for none, else a value type */
    uint8_t unreachable;
} rvm_wasm_ctrl_t;

/* Local declarations as runs: locals [end of previous run, end) have `type`. Private to librvmwasm. */
typedef struct rvm_wasm_local_run {
    uint64_t end;
    uint8_t type;
} rvm_wasm_local_run_t;

/* Caller-provided scratch for rvm_wasm_validate(); its content is meaningless between calls. */
typedef struct rvm_wasm_validator {
    uint8_t operands[RVM_WASM_VALIDATE_MAX_OPERANDS];
    rvm_wasm_ctrl_t frames[RVM_WASM_VALIDATE_MAX_FRAMES];
    rvm_wasm_local_run_t locals[RVM_WASM_VALIDATE_MAX_LOCAL_GROUPS];
    uint32_t export_slots[2u * RVM_WASM_VALIDATE_MAX_EXPORTS];
} rvm_wasm_validator_t;

/*
 * Validates every rule of WebAssembly 1.0 over a module from rvm_wasm_decode():
 * indices, limits, constant expressions, start type, unique exports, at most
 * one table and memory, and the type of every instruction. Errors:
 * RVM_ERR_INVALID_ARGUMENT (null pointer), RVM_ERR_PROOF_INVALID (the module
 * is invalid, as spec §13.1 names failed module checks),
 * RVM_ERR_RESOURCE_LIMIT_EXCEEDED (a function outgrows the workspace, or more
 * than RVM_WASM_VALIDATE_MAX_EXPORTS exports).
 * `diag` may be NULL.
 */
rvm_err_t rvm_wasm_validate(const rvm_wasm_module_t *m, rvm_wasm_validator_t *work, rvm_wasm_diag_t *diag);

#endif
