/* One WebAssembly 1.0 instruction and its immediates, read from a bounds-checked cursor (spec §13). */
#ifndef RVM_WASM_INSTR_H
#define RVM_WASM_INSTR_H

#include <stdint.h>

#include <rvm/wasm_leb.h>
#include <rvm/wasm_module.h>

/* Block type byte meaning "no result". */
#define RVM_WASM_BLOCK_EMPTY 0x40u

/* One instruction with its immediates; br_table targets are left in place at `table` for a second pass. */
typedef struct rvm_wasm_instr {
    uint8_t op;
    uint8_t blocktype;
    uint32_t a;      /* index, label, alignment exponent or br_table length */
    uint32_t b;      /* memarg offset or br_table default label */
    size_t table;    /* reader position of br_table's label vector */
} rvm_wasm_instr_t;

/* Reads one MVP instruction; RVM_ERR_MALFORMED_INPUT for an unknown opcode or bad immediate. */
rvm_err_t rvm_wasm_read_instr(rvm_wasm_reader_t *r, rvm_wasm_instr_t *in);

/* True for the MVP value types. */
static inline _Bool rvm_wasm_is_valtype(uint8_t t) {
    return t == RVM_WASM_I32 || t == RVM_WASM_I64 || t == RVM_WASM_F32 || t == RVM_WASM_F64;
}

#endif
