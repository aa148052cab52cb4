#include <rvm/wasm_instr.h>

static rvm_err_t read_zero_byte(rvm_wasm_reader_t *r) {
    uint8_t z = 1;
    if (rvm_wasm_read_u8(r, &z) != RVM_OK || z != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    return RVM_OK;
}

static rvm_err_t skip(rvm_wasm_reader_t *r, size_t n) {
    if (r->end - r->pos < n) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    r->pos += n;
    return RVM_OK;
}

rvm_err_t rvm_wasm_read_instr(rvm_wasm_reader_t *r, rvm_wasm_instr_t *in) {
    uint8_t op;
    if (rvm_wasm_read_u8(r, &op) != RVM_OK) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    in->op = op;
    in->blocktype = RVM_WASM_BLOCK_EMPTY;
    in->a = 0;
    in->b = 0;
    in->table = 0;
    switch (op) {
    case 0x00: case 0x01: case 0x05: case 0x0B: case 0x0F: case 0x1A: case 0x1B:
        return RVM_OK;
    case 0x02: case 0x03: case 0x04: {
        uint8_t bt;
        if (rvm_wasm_read_u8(r, &bt) != RVM_OK || (bt != RVM_WASM_BLOCK_EMPTY && !rvm_wasm_is_valtype(bt))) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        in->blocktype = bt;
        return RVM_OK;
    }
    case 0x0C: case 0x0D: case 0x10:
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
        return rvm_wasm_read_u32(r, &in->a);
    case 0x0E: {
        if (rvm_wasm_read_u32(r, &in->a) != RVM_OK) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        in->table = r->pos;
        for (uint32_t i = 0; i < in->a; i++) {
            uint32_t l;
            if (rvm_wasm_read_u32(r, &l) != RVM_OK) {
                return RVM_ERR_MALFORMED_INPUT;
            }
        }
        return rvm_wasm_read_u32(r, &in->b);
    }
    case 0x11:
        if (rvm_wasm_read_u32(r, &in->a) != RVM_OK) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        return read_zero_byte(r);
    case 0x3F: case 0x40:
        return read_zero_byte(r);
    case 0x41: {
        int32_t v;
        return rvm_wasm_read_s32(r, &v);
    }
    case 0x42: {
        int64_t v;
        return rvm_wasm_read_s64(r, &v);
    }
    case 0x43:
        return skip(r, 4);
    case 0x44:
        return skip(r, 8);
    default:
        break;
    }
    if (op >= 0x28 && op <= 0x3E) {
        if (rvm_wasm_read_u32(r, &in->a) != RVM_OK) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        return rvm_wasm_read_u32(r, &in->b);
    }
    if (op >= 0x45 && op <= 0xBF) {
        return RVM_OK;
    }
    return RVM_ERR_MALFORMED_INPUT;
}
