/*
 * WebAssembly 1.0 (MVP) binary decoder (spec §13.1, DECISIONS 12). The decoder
 * checks the binary format only (malformed input); type rules are left to
 * rvm_wasm_validate(). Tables live in a caller-provided arena; names and
 * expressions point into the input, which must outlive the module.
 */
#ifndef RVM_WASM_MODULE_H
#define RVM_WASM_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

/* Value types, encoded as in the binary format. */
#define RVM_WASM_I32 0x7Fu
#define RVM_WASM_I64 0x7Eu
#define RVM_WASM_F32 0x7Du
#define RVM_WASM_F64 0x7Cu
/* Element type of MVP tables. */
#define RVM_WASM_FUNCREF 0x70u

/* Import and export kinds. */
#define RVM_WASM_KIND_FUNC 0u
#define RVM_WASM_KIND_TABLE 1u
#define RVM_WASM_KIND_MEMORY 2u
#define RVM_WASM_KIND_GLOBAL 3u

/* Largest module accepted (spec §13.1 step 1). */
#define RVM_WASM_MODULE_MAX_BYTES (1u << 20)
/* Memory page limit of a 32-bit address space (65536 pages of 64 KiB). */
#define RVM_WASM_MAX_PAGES 65536u

/* Bump allocator over caller storage; tables are carved out of it while decoding. */
typedef struct rvm_wasm_arena {
    uint8_t *base;
    size_t cap;
    size_t used;
} rvm_wasm_arena_t;

/* A byte range [off, off + len) of the module input. */
typedef struct rvm_wasm_span {
    uint32_t off;
    uint32_t len;
} rvm_wasm_span_t;

typedef struct rvm_wasm_functype {
    const uint8_t *params;
    const uint8_t *results;
    uint32_t param_count;
    uint32_t result_count;
} rvm_wasm_functype_t;

typedef struct rvm_wasm_limits {
    uint32_t min;
    uint32_t max;
    bool has_max;
} rvm_wasm_limits_t;

typedef struct rvm_wasm_globaltype {
    uint8_t valtype;
    bool mutable_;
} rvm_wasm_globaltype_t;

typedef struct rvm_wasm_import {
    rvm_wasm_span_t module;
    rvm_wasm_span_t field;
    uint8_t kind;
    uint32_t type_index;            /* KIND_FUNC */
    rvm_wasm_limits_t limits;       /* KIND_TABLE, KIND_MEMORY */
    rvm_wasm_globaltype_t global;   /* KIND_GLOBAL */
} rvm_wasm_import_t;

typedef struct rvm_wasm_global {
    rvm_wasm_globaltype_t type;
    rvm_wasm_span_t init; /* constant expression including its final `end` */
} rvm_wasm_global_t;

typedef struct rvm_wasm_export {
    rvm_wasm_span_t name;
    uint8_t kind;
    uint32_t index;
} rvm_wasm_export_t;

typedef struct rvm_wasm_elem {
    uint32_t table;
    rvm_wasm_span_t offset;
    const uint32_t *funcs;
    uint32_t func_count;
} rvm_wasm_elem_t;

typedef struct rvm_wasm_code {
    rvm_wasm_span_t locals; /* the local declarations vector */
    rvm_wasm_span_t body;   /* instructions including the final `end` */
    uint64_t local_count;
} rvm_wasm_code_t;

typedef struct rvm_wasm_data {
    uint32_t memory;
    rvm_wasm_span_t offset;
    rvm_wasm_span_t bytes;
} rvm_wasm_data_t;

/* A decoded module. Index spaces put imports first, as the Wasm spec does. */
typedef struct rvm_wasm_module {
    const uint8_t *bytes;
    size_t size;
    const rvm_wasm_functype_t *types;
    const rvm_wasm_import_t *imports;
    const uint32_t *import_func_types;              /* type index of each imported function, in order */
    const rvm_wasm_globaltype_t *import_global_types; /* type of each imported global, in order */
    const uint32_t *func_types; /* type index of each defined function */
    const rvm_wasm_limits_t *tables;
    const rvm_wasm_limits_t *memories;
    const rvm_wasm_global_t *globals;
    const rvm_wasm_export_t *exports;
    const rvm_wasm_elem_t *elems;
    const rvm_wasm_code_t *codes;
    const rvm_wasm_data_t *datas;
    uint32_t type_count;
    uint32_t import_count;
    uint32_t imported_funcs;
    uint32_t imported_tables;
    uint32_t imported_memories;
    uint32_t imported_globals;
    uint32_t func_count;
    uint32_t table_count;
    uint32_t memory_count;
    uint32_t global_count;
    uint32_t export_count;
    uint32_t start;
    uint32_t elem_count;
    uint32_t code_count;
    uint32_t data_count;
    uint32_t data_count_declared;
    bool has_start;
    bool has_data_count;
} rvm_wasm_module_t;

/* Where and why decoding or validation failed; `reason` is a static string. */
typedef struct rvm_wasm_diag {
    size_t offset;
    const char *reason;
} rvm_wasm_diag_t;

/* Prepares an arena over `len` bytes of caller storage. */
void rvm_wasm_arena_init(rvm_wasm_arena_t *a, void *storage, size_t len);

/*
 * Decodes `len` bytes into `out`, carving tables from `arena`. Errors:
 * RVM_ERR_INVALID_ARGUMENT (null pointer), RVM_ERR_RESOURCE_LIMIT_EXCEEDED
 * (input above RVM_WASM_MODULE_MAX_BYTES or arena exhausted),
 * RVM_ERR_UNSUPPORTED (binary version other than 1), RVM_ERR_MALFORMED_INPUT
 * (anything else the binary format forbids). `diag` may be NULL.
 */
rvm_err_t rvm_wasm_decode(const uint8_t *bytes, size_t len, rvm_wasm_arena_t *arena, rvm_wasm_module_t *out,
                          rvm_wasm_diag_t *diag);

#endif
