#include <rvm/wasm_validate.h>

#include <rvm/wasm_instr.h>

/* Operand type standing for "any" once the code after br/return/unreachable is dead. */
#define UNKNOWN 0u

typedef struct val {
    const rvm_wasm_module_t *m;
    rvm_wasm_validator_t *w;
    rvm_wasm_diag_t *diag;
    rvm_wasm_reader_t r;
    uint32_t nops;
    uint32_t nframes;
    uint32_t nruns;
    const rvm_wasm_functype_t *ft;
} val_t;

#define TRY(expr)                                                                                                      \
    do {                                                                                                               \
        const rvm_err_t try_err_ = (expr);                                                                             \
        if (try_err_ != RVM_OK) {                                                                                      \
            return try_err_;                                                                                           \
        }                                                                                                              \
    } while (0)

static rvm_err_t bad(val_t *v, const char *reason) {
    if (v->diag != NULL && v->diag->reason == NULL) {
        v->diag->offset = v->r.pos;
        v->diag->reason = reason;
    }
    return RVM_ERR_PROOF_INVALID;
}

static rvm_err_t full(val_t *v, const char *reason) {
    if (v->diag != NULL && v->diag->reason == NULL) {
        v->diag->offset = v->r.pos;
        v->diag->reason = reason;
    }
    return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
}

static uint32_t total_funcs(const rvm_wasm_module_t *m) {
    return m->imported_funcs + m->func_count;
}

static uint32_t total_globals(const rvm_wasm_module_t *m) {
    return m->imported_globals + m->global_count;
}

/* The type of function `idx`, which the caller has bounds-checked; imports come first in the index space. */
static const rvm_wasm_functype_t *func_type(const rvm_wasm_module_t *m, uint32_t idx) {
    if (idx >= m->imported_funcs) {
        return &m->types[m->func_types[idx - m->imported_funcs]];
    }
    return &m->types[m->import_func_types[idx]];
}

static rvm_wasm_globaltype_t global_type(const rvm_wasm_module_t *m, uint32_t idx) {
    if (idx >= m->imported_globals) {
        return m->globals[idx - m->imported_globals].type;
    }
    return m->import_global_types[idx];
}

static rvm_err_t push(val_t *v, uint8_t t) {
    if (v->nops >= RVM_WASM_VALIDATE_MAX_OPERANDS) {
        return full(v, "operand stack capacity exceeded");
    }
    v->w->operands[v->nops++] = t;
    return RVM_OK;
}

static rvm_err_t pop(val_t *v, uint8_t *out) {
    const rvm_wasm_ctrl_t *f = &v->w->frames[v->nframes - 1u];
    *out = UNKNOWN;
    if (v->nops == f->height) {
        if (f->unreachable) {
            *out = UNKNOWN;
            return RVM_OK;
        }
        return bad(v, "type mismatch: operand stack underflow");
    }
    *out = v->w->operands[--v->nops];
    return RVM_OK;
}

static rvm_err_t pop_expect(val_t *v, uint8_t want) {
    uint8_t got;
    TRY(pop(v, &got));
    if (got != want && got != UNKNOWN && want != UNKNOWN) {
        return bad(v, "type mismatch");
    }
    return RVM_OK;
}

static rvm_err_t push_ctrl(val_t *v, uint8_t op, uint8_t result) {
    if (v->nframes >= RVM_WASM_VALIDATE_MAX_FRAMES) {
        return full(v, "control stack capacity exceeded");
    }
    rvm_wasm_ctrl_t *f = &v->w->frames[v->nframes++];
    f->height = v->nops;
    f->op = op;
    f->result = result;
    f->unreachable = 0;
    return RVM_OK;
}

static rvm_err_t pop_ctrl(val_t *v, rvm_wasm_ctrl_t *out) {
    const rvm_wasm_ctrl_t *f = &v->w->frames[v->nframes - 1u];
    *out = *f;
    if (f->result != UNKNOWN) {
        TRY(pop_expect(v, f->result));
    }
    if (v->nops != f->height) {
        return bad(v, "type mismatch: values left on the stack at block end");
    }
    v->nframes--;
    return RVM_OK;
}

static void set_unreachable(val_t *v) {
    rvm_wasm_ctrl_t *f = &v->w->frames[v->nframes - 1u];
    v->nops = f->height;
    f->unreachable = 1;
}

/* Values a branch to a frame carries: none for a loop (MVP loops take no parameters), else its result. */
static uint8_t label_type(const rvm_wasm_ctrl_t *f) {
    return f->op == 0x03 ? UNKNOWN : f->result;
}

static rvm_err_t label(val_t *v, uint32_t depth, const rvm_wasm_ctrl_t **out) {
    *out = &v->w->frames[v->nframes - 1u];
    if (depth >= v->nframes) {
        return bad(v, "unknown label");
    }
    *out = &v->w->frames[v->nframes - 1u - depth];
    return RVM_OK;
}

static rvm_err_t local_type(val_t *v, uint32_t idx, uint8_t *t) {
    *t = UNKNOWN;
    if (idx < v->ft->param_count) {
        *t = v->ft->params[idx];
        return RVM_OK;
    }
    const uint64_t k = (uint64_t)idx - v->ft->param_count;
    for (uint32_t i = 0; i < v->nruns; i++) {
        if (k < v->w->locals[i].end) {
            *t = v->w->locals[i].type;
            return RVM_OK;
        }
    }
    return bad(v, "unknown local");
}

/* Natural alignment exponent of each load/store, 0x28..0x3E; the memarg may not exceed it. */
static const uint8_t mem_align[23] = {2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2};
/* Value type each load produces / store consumes, 0x28..0x3E. */
static const uint8_t mem_type[23] = {
    RVM_WASM_I32, RVM_WASM_I64, RVM_WASM_F32, RVM_WASM_F64, RVM_WASM_I32, RVM_WASM_I32, RVM_WASM_I32, RVM_WASM_I32,
    RVM_WASM_I64, RVM_WASM_I64, RVM_WASM_I64, RVM_WASM_I64, RVM_WASM_I64, RVM_WASM_I64, RVM_WASM_I32, RVM_WASM_I64,
    RVM_WASM_F32, RVM_WASM_F64, RVM_WASM_I32, RVM_WASM_I32, RVM_WASM_I64, RVM_WASM_I64, RVM_WASM_I64};

/* Signature of a numeric instruction 0x45..0xBF: operands a (and b when binary) and the result. */
typedef struct sig {
    uint8_t a;
    uint8_t b;
    uint8_t r;
} sig_t;

#define I RVM_WASM_I32
#define L RVM_WASM_I64
#define F RVM_WASM_F32
#define D RVM_WASM_F64
/* Comparisons, arithmetic and conversions come in runs of one signature: each row covers opcodes up to `last`. */
static const struct {
    uint8_t last;
    sig_t sig;
} numeric_runs[] = {
    {0x45, {I, 0, I}}, {0x4F, {I, I, I}}, {0x50, {L, 0, I}}, {0x5A, {L, L, I}}, {0x60, {F, F, I}},
    {0x66, {D, D, I}}, {0x69, {I, 0, I}}, {0x78, {I, I, I}}, {0x7B, {L, 0, L}}, {0x8A, {L, L, L}},
    {0x91, {F, 0, F}}, {0x98, {F, F, F}}, {0x9F, {D, 0, D}}, {0xA6, {D, D, D}}, {0xA7, {L, 0, I}},
    {0xA9, {F, 0, I}}, {0xAB, {D, 0, I}}, {0xAD, {I, 0, L}}, {0xAF, {F, 0, L}}, {0xB1, {D, 0, L}},
    {0xB3, {I, 0, F}}, {0xB5, {L, 0, F}}, {0xB6, {D, 0, F}}, {0xB8, {I, 0, D}}, {0xBA, {L, 0, D}},
    {0xBB, {F, 0, D}}, {0xBC, {F, 0, I}}, {0xBD, {D, 0, L}}, {0xBE, {I, 0, F}}, {0xBF, {L, 0, D}},
};
#undef I
#undef L
#undef F
#undef D

/* Signature of numeric opcode 0x45..0xBF (the decoder admits no other opcode reaching here). */
static sig_t numeric_sig(uint8_t op) {
    size_t i = 0;
    while (i + 1u < sizeof numeric_runs / sizeof numeric_runs[0] && numeric_runs[i].last < op) {
        i++;
    }
    return numeric_runs[i].sig;
}

static rvm_err_t pop_n(val_t *v, const uint8_t *types, uint32_t n) {
    for (uint32_t i = n; i > 0; i--) {
        TRY(pop_expect(v, types[i - 1u]));
    }
    return RVM_OK;
}

static rvm_err_t push_n(val_t *v, const uint8_t *types, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        TRY(push(v, types[i]));
    }
    return RVM_OK;
}

static rvm_err_t op_branch_table(val_t *v, const rvm_wasm_instr_t *in) {
    const rvm_wasm_ctrl_t *dflt;
    TRY(pop_expect(v, RVM_WASM_I32));
    TRY(label(v, in->b, &dflt));
    const uint8_t arity = label_type(dflt);
    rvm_wasm_reader_t t;
    rvm_wasm_reader_init(&t, v->r.data, v->r.end);
    t.pos = in->table;
    for (uint32_t i = 0; i < in->a; i++) {
        uint32_t l;
        const rvm_wasm_ctrl_t *f;
        if (rvm_wasm_read_u32(&t, &l) != RVM_OK) {
            return bad(v, "br_table label unreadable");
        }
        TRY(label(v, l, &f));
        if (label_type(f) != arity) {
            return bad(v, "type mismatch: br_table targets differ");
        }
    }
    if (arity != UNKNOWN) {
        TRY(pop_expect(v, arity));
    }
    set_unreachable(v);
    return RVM_OK;
}

static rvm_err_t op_memory(val_t *v, const rvm_wasm_instr_t *in) {
    const rvm_wasm_module_t *m = v->m;
    if (m->imported_memories + m->memory_count == 0) {
        return bad(v, "unknown memory");
    }
    if (in->op == 0x3F) {
        return push(v, RVM_WASM_I32);
    }
    if (in->op == 0x40) {
        TRY(pop_expect(v, RVM_WASM_I32));
        return push(v, RVM_WASM_I32);
    }
    const unsigned k = (unsigned)in->op - 0x28u;
    if (in->a > mem_align[k]) {
        return bad(v, "alignment must not be larger than natural");
    }
    if (in->op <= 0x35) {
        TRY(pop_expect(v, RVM_WASM_I32));
        return push(v, mem_type[k]);
    }
    TRY(pop_expect(v, mem_type[k]));
    return pop_expect(v, RVM_WASM_I32);
}

static rvm_err_t op_variable(val_t *v, const rvm_wasm_instr_t *in) {
    uint8_t t;
    if (in->op <= 0x22) {
        TRY(local_type(v, in->a, &t));
        if (in->op == 0x20) {
            return push(v, t);
        }
        TRY(pop_expect(v, t));
        return in->op == 0x22 ? push(v, t) : RVM_OK;
    }
    if (in->a >= total_globals(v->m)) {
        return bad(v, "unknown global");
    }
    const rvm_wasm_globaltype_t g = global_type(v->m, in->a);
    if (in->op == 0x23) {
        return push(v, g.valtype);
    }
    if (!g.mutable_) {
        return bad(v, "global is immutable");
    }
    return pop_expect(v, g.valtype);
}

static rvm_err_t op_call(val_t *v, const rvm_wasm_instr_t *in) {
    const rvm_wasm_functype_t *ft;
    if (in->op == 0x10) {
        if (in->a >= total_funcs(v->m)) {
            return bad(v, "unknown function");
        }
        ft = func_type(v->m, in->a);
    } else {
        if (v->m->imported_tables + v->m->table_count == 0) {
            return bad(v, "unknown table");
        }
        if (in->a >= v->m->type_count) {
            return bad(v, "unknown type");
        }
        ft = &v->m->types[in->a];
        TRY(pop_expect(v, RVM_WASM_I32));
    }
    TRY(pop_n(v, ft->params, ft->param_count));
    return push_n(v, ft->results, ft->result_count);
}

/* br, br_if, br_table and return. */
static rvm_err_t op_branch(val_t *v, const rvm_wasm_instr_t *in) {
    const rvm_wasm_ctrl_t *f;
    if (in->op == 0x0E) {
        return op_branch_table(v, in);
    }
    if (in->op == 0x0F) {
        TRY(pop_n(v, v->ft->results, v->ft->result_count));
        set_unreachable(v);
        return RVM_OK;
    }
    if (in->op == 0x0D) {
        TRY(pop_expect(v, RVM_WASM_I32));
    }
    TRY(label(v, in->a, &f));
    const uint8_t carried = label_type(f);
    if (carried != UNKNOWN) {
        TRY(pop_expect(v, carried));
    }
    if (in->op == 0x0C) {
        set_unreachable(v);
        return RVM_OK;
    }
    return carried != UNKNOWN ? push(v, carried) : RVM_OK;
}

static rvm_err_t op_end(val_t *v, bool *done) {
    rvm_wasm_ctrl_t popped;
    TRY(pop_ctrl(v, &popped));
    if (popped.op == 0x04 && popped.result != UNKNOWN) {
        return bad(v, "type mismatch: if with a result needs an else");
    }
    if (v->nframes == 0) {
        *done = true;
        return RVM_OK;
    }
    return popped.result != UNKNOWN ? push(v, popped.result) : RVM_OK;
}

static rvm_err_t op_control(val_t *v, const rvm_wasm_instr_t *in, bool *done) {
    rvm_wasm_ctrl_t popped;
    const uint8_t res = in->blocktype == RVM_WASM_BLOCK_EMPTY ? UNKNOWN : in->blocktype;
    switch (in->op) {
    case 0x00:
        set_unreachable(v);
        return RVM_OK;
    case 0x01:
        return RVM_OK;
    case 0x02:
    case 0x03:
        return push_ctrl(v, in->op, res);
    case 0x04:
        TRY(pop_expect(v, RVM_WASM_I32));
        return push_ctrl(v, in->op, res);
    case 0x05:
        if (v->w->frames[v->nframes - 1u].op != 0x04) {
            return bad(v, "else without if");
        }
        TRY(pop_ctrl(v, &popped));
        return push_ctrl(v, 0x05, popped.result);
    case 0x0B:
        return op_end(v, done);
    default:
        return op_branch(v, in);
    }
}

static rvm_err_t instr(val_t *v, const rvm_wasm_instr_t *in, bool *done) {
    const uint8_t op = in->op;
    if (op <= 0x0F) {
        return op_control(v, in, done);
    }
    if (op == 0x10 || op == 0x11) {
        return op_call(v, in);
    }
    if (op == 0x1A) {
        uint8_t t;
        return pop(v, &t);
    }
    if (op == 0x1B) {
        uint8_t t1;
        uint8_t t2;
        TRY(pop_expect(v, RVM_WASM_I32));
        TRY(pop(v, &t1));
        TRY(pop(v, &t2));
        if (t1 != t2 && t1 != UNKNOWN && t2 != UNKNOWN) {
            return bad(v, "type mismatch: select operands differ");
        }
        return push(v, t1 == UNKNOWN ? t2 : t1);
    }
    if (op >= 0x20 && op <= 0x24) {
        return op_variable(v, in);
    }
    if (op >= 0x28 && op <= 0x40) {
        return op_memory(v, in);
    }
    if (op >= 0x41 && op <= 0x44) {
        static const uint8_t ct[4] = {RVM_WASM_I32, RVM_WASM_I64, RVM_WASM_F32, RVM_WASM_F64};
        return push(v, ct[op - 0x41]);
    }
    const sig_t s = numeric_sig(op);
    if (s.b != 0) {
        TRY(pop_expect(v, s.b));
    }
    TRY(pop_expect(v, s.a));
    return push(v, s.r);
}

static rvm_err_t load_locals(val_t *v, const rvm_wasm_code_t *c) {
    rvm_wasm_reader_t r;
    uint32_t groups;
    uint64_t end = 0;
    rvm_wasm_reader_init(&r, v->m->bytes, (size_t)c->locals.off + c->locals.len);
    r.pos = c->locals.off;
    v->nruns = 0;
    if (rvm_wasm_read_u32(&r, &groups) != RVM_OK) {
        return bad(v, "local declarations unreadable");
    }
    for (uint32_t i = 0; i < groups; i++) {
        uint32_t n;
        uint8_t t;
        if (rvm_wasm_read_u32(&r, &n) != RVM_OK || rvm_wasm_read_u8(&r, &t) != RVM_OK) {
            return bad(v, "local declarations unreadable");
        }
        if (n == 0) {
            continue;
        }
        if (v->nruns >= RVM_WASM_VALIDATE_MAX_LOCAL_GROUPS) {
            return full(v, "too many local declaration groups");
        }
        end += n;
        v->w->locals[v->nruns].end = end;
        v->w->locals[v->nruns].type = t;
        v->nruns++;
    }
    return RVM_OK;
}

static rvm_err_t function(val_t *v, uint32_t i) {
    const rvm_wasm_code_t *c = &v->m->codes[i];
    v->ft = &v->m->types[v->m->func_types[i]];
    TRY(load_locals(v, c));
    rvm_wasm_reader_init(&v->r, v->m->bytes, (size_t)c->body.off + c->body.len);
    v->r.pos = c->body.off;
    v->nops = 0;
    v->nframes = 0;
    TRY(push_ctrl(v, 0x02, v->ft->result_count == 1u ? v->ft->results[0] : UNKNOWN));
    bool done = false;
    while (!done) {
        rvm_wasm_instr_t in;
        if (v->r.pos >= v->r.end || rvm_wasm_read_instr(&v->r, &in) != RVM_OK) {
            return bad(v, "function body unreadable");
        }
        TRY(instr(v, &in, &done));
    }
    if (v->r.pos != v->r.end) {
        return bad(v, "code after the function's final end");
    }
    return RVM_OK;
}

/* An MVP constant expression: one constant or global.get of an immutable import, then `end`. */
static rvm_err_t const_expr(val_t *v, rvm_wasm_span_t e, uint8_t want) {
    rvm_wasm_instr_t in;
    rvm_wasm_instr_t end;
    uint8_t t;
    rvm_wasm_reader_init(&v->r, v->m->bytes, (size_t)e.off + e.len);
    v->r.pos = e.off;
    if (rvm_wasm_read_instr(&v->r, &in) != RVM_OK) {
        return bad(v, "constant expression unreadable");
    }
    if (in.op >= 0x41 && in.op <= 0x44) {
        static const uint8_t ct[4] = {RVM_WASM_I32, RVM_WASM_I64, RVM_WASM_F32, RVM_WASM_F64};
        t = ct[in.op - 0x41];
    } else if (in.op == 0x23) {
        if (in.a >= v->m->imported_globals) {
            return bad(v, "unknown global in constant expression");
        }
        const rvm_wasm_globaltype_t g = global_type(v->m, in.a);
        if (g.mutable_) {
            return bad(v, "constant expression required");
        }
        t = g.valtype;
    } else if (in.op == 0x0B) {
        return bad(v, "type mismatch: empty constant expression");
    } else {
        return bad(v, "constant expression required");
    }
    if (rvm_wasm_read_instr(&v->r, &end) != RVM_OK || end.op != 0x0B) {
        return bad(v, "type mismatch: constant expression must hold one value");
    }
    if (t != want) {
        return bad(v, "type mismatch in constant expression");
    }
    return RVM_OK;
}

static rvm_err_t limits(val_t *v, const rvm_wasm_limits_t *l, bool memory) {
    if (memory && (l->min > RVM_WASM_MAX_PAGES || (l->has_max && l->max > RVM_WASM_MAX_PAGES))) {
        return bad(v, "memory size must be at most 65536 pages (4GiB)");
    }
    if (l->has_max && l->min > l->max) {
        return bad(v, "size minimum must not be greater than maximum");
    }
    return RVM_OK;
}

static bool span_equal(const uint8_t *b, rvm_wasm_span_t x, rvm_wasm_span_t y) {
    if (x.len != y.len) {
        return false;
    }
    for (uint32_t i = 0; i < x.len; i++) {
        if (b[x.off + i] != b[y.off + i]) {
            return false;
        }
    }
    return true;
}

static rvm_err_t module_parts(val_t *v) {
    const rvm_wasm_module_t *m = v->m;
    for (uint32_t i = 0; i < m->type_count; i++) {
        if (m->types[i].result_count > 1u) {
            return bad(v, "invalid result arity");
        }
    }
    for (uint32_t i = 0; i < m->import_count; i++) {
        const rvm_wasm_import_t *x = &m->imports[i];
        if (x->kind == RVM_WASM_KIND_FUNC && x->type_index >= m->type_count) {
            return bad(v, "unknown type");
        }
        if (x->kind == RVM_WASM_KIND_TABLE || x->kind == RVM_WASM_KIND_MEMORY) {
            TRY(limits(v, &x->limits, x->kind == RVM_WASM_KIND_MEMORY));
        }
    }
    for (uint32_t i = 0; i < m->func_count; i++) {
        if (m->func_types[i] >= m->type_count) {
            return bad(v, "unknown type");
        }
    }
    if (m->imported_tables + m->table_count > 1u) {
        return bad(v, "multiple tables");
    }
    if (m->imported_memories + m->memory_count > 1u) {
        return bad(v, "multiple memories");
    }
    for (uint32_t i = 0; i < m->table_count; i++) {
        TRY(limits(v, &m->tables[i], false));
    }
    for (uint32_t i = 0; i < m->memory_count; i++) {
        TRY(limits(v, &m->memories[i], true));
    }
    for (uint32_t i = 0; i < m->global_count; i++) {
        TRY(const_expr(v, m->globals[i].init, m->globals[i].type.valtype));
    }
    return RVM_OK;
}

/*
 * Export names must be unique. A hash set in the workspace keeps the check
 * linear: comparing every pair would let a hostile module with a few hundred
 * thousand exports stall validation. Slots hold export index + 1, 0 is free.
 */
static rvm_err_t unique_export_names(val_t *v) {
    const rvm_wasm_module_t *m = v->m;
    const uint32_t nslots = 2u * RVM_WASM_VALIDATE_MAX_EXPORTS;
    if (m->export_count > RVM_WASM_VALIDATE_MAX_EXPORTS) {
        return full(v, "too many exports");
    }
    for (uint32_t i = 0; i < nslots; i++) {
        v->w->export_slots[i] = 0;
    }
    for (uint32_t i = 0; i < m->export_count; i++) {
        const rvm_wasm_span_t nm = m->exports[i].name;
        uint32_t h = 2166136261u;
        for (uint32_t k = 0; k < nm.len; k++) {
            h = (h ^ m->bytes[nm.off + k]) * 16777619u;
        }
        uint32_t slot = h & (nslots - 1u);
        while (v->w->export_slots[slot] != 0) {
            if (span_equal(m->bytes, m->exports[v->w->export_slots[slot] - 1u].name, nm)) {
                return bad(v, "duplicate export name");
            }
            slot = (slot + 1u) & (nslots - 1u);
        }
        v->w->export_slots[slot] = i + 1u;
    }
    return RVM_OK;
}

static rvm_err_t module_links(val_t *v) {
    const rvm_wasm_module_t *m = v->m;
    const uint32_t counts[4] = {total_funcs(m), m->imported_tables + m->table_count,
                                m->imported_memories + m->memory_count, total_globals(m)};
    for (uint32_t i = 0; i < m->export_count; i++) {
        const rvm_wasm_export_t *x = &m->exports[i];
        if (x->index >= counts[x->kind]) {
            return bad(v, "unknown exported item");
        }
    }
    TRY(unique_export_names(v));
    if (m->has_start) {
        if (m->start >= counts[0]) {
            return bad(v, "unknown function");
        }
        const rvm_wasm_functype_t *ft = func_type(m, m->start);
        if (ft->param_count != 0 || ft->result_count != 0) {
            return bad(v, "start function");
        }
    }
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const rvm_wasm_elem_t *e = &m->elems[i];
        if (e->table >= counts[1]) {
            return bad(v, "unknown table");
        }
        TRY(const_expr(v, e->offset, RVM_WASM_I32));
        for (uint32_t k = 0; k < e->func_count; k++) {
            if (e->funcs[k] >= counts[0]) {
                return bad(v, "unknown function");
            }
        }
    }
    for (uint32_t i = 0; i < m->data_count; i++) {
        if (m->datas[i].memory >= counts[2]) {
            return bad(v, "unknown memory");
        }
        TRY(const_expr(v, m->datas[i].offset, RVM_WASM_I32));
    }
    return RVM_OK;
}

rvm_err_t rvm_wasm_validate(const rvm_wasm_module_t *m, rvm_wasm_validator_t *work, rvm_wasm_diag_t *diag) {
    if (m == NULL || work == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    val_t v = {.m = m, .w = work, .diag = diag};
    rvm_wasm_reader_init(&v.r, m->bytes, m->size);
    if (diag != NULL) {
        diag->offset = 0;
        diag->reason = NULL;
    }
    if (m->code_count != m->func_count) {
        return bad(&v, "function and code counts differ");
    }
    TRY(module_parts(&v));
    TRY(module_links(&v));
    for (uint32_t i = 0; i < m->code_count; i++) {
        TRY(function(&v, i));
    }
    return RVM_OK;
}
