#include <rvm/wasm_module.h>

#include <rvm/wasm_instr.h>

/* Section ids and their position in the required order: DataCount sits between Element and Code. */
enum { SEC_CUSTOM = 0, SEC_TYPE = 1, SEC_IMPORT, SEC_FUNCTION, SEC_TABLE, SEC_MEMORY, SEC_GLOBAL, SEC_EXPORT,
       SEC_START, SEC_ELEMENT, SEC_CODE, SEC_DATA, SEC_DATACOUNT };

static const uint8_t section_rank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

typedef struct dec {
    rvm_wasm_reader_t r;
    rvm_wasm_arena_t *arena;
    rvm_wasm_module_t *m;
    rvm_wasm_diag_t *diag;
    uint32_t declared_funcs;
    uint32_t *import_func_types;
    rvm_wasm_globaltype_t *import_global_types;
} dec_t;

#define TRY(expr)                                                                                                      \
    do {                                                                                                               \
        const rvm_err_t try_err_ = (expr);                                                                             \
        if (try_err_ != RVM_OK) {                                                                                      \
            return try_err_;                                                                                           \
        }                                                                                                              \
    } while (0)

void rvm_wasm_arena_init(rvm_wasm_arena_t *a, void *storage, size_t len) {
    a->base = storage;
    a->cap = storage == NULL ? 0 : len;
    a->used = 0;
}

static rvm_err_t fail(dec_t *d, rvm_err_t e, const char *reason) {
    if (d->diag != NULL && d->diag->reason == NULL) {
        d->diag->offset = d->r.pos;
        d->diag->reason = reason;
    }
    return e;
}

/*
 * Carves `count` elements of `size` bytes. Each element of a vector takes at
 * least one input byte, so a count above the bytes left is malformed before
 * it is a resource problem; this also bounds count * size.
 */
static rvm_err_t carve(dec_t *d, uint32_t count, size_t size, size_t align, void **out) {
    *out = d->arena->base;
    if (count > d->r.end - d->r.pos) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "vector length exceeds its section");
    }
    rvm_wasm_arena_t *a = d->arena;
    size_t start = (a->used + (align - 1u)) & ~(align - 1u);
    const size_t bytes = (size_t)count * size;
    if (start < a->used || start > a->cap || a->cap - start < bytes) {
        return fail(d, RVM_ERR_RESOURCE_LIMIT_EXCEEDED, "arena exhausted");
    }
    *out = a->base + start;
    a->used = start + bytes;
    return RVM_OK;
}

static rvm_err_t u32(dec_t *d, uint32_t *v) {
    if (rvm_wasm_read_u32(&d->r, v) != RVM_OK) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "bad or truncated u32 LEB128");
    }
    return RVM_OK;
}

static rvm_err_t byte(dec_t *d, uint8_t *v) {
    if (rvm_wasm_read_u8(&d->r, v) != RVM_OK) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "unexpected end");
    }
    return RVM_OK;
}

static rvm_err_t name(dec_t *d, rvm_wasm_span_t *out) {
    uint32_t len;
    TRY(u32(d, &len));
    if (len > d->r.end - d->r.pos) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "name runs past its section");
    }
    if (!rvm_wasm_utf8_valid(d->r.data + d->r.pos, len)) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "name is not valid UTF-8");
    }
    out->off = (uint32_t)d->r.pos;
    out->len = len;
    d->r.pos += len;
    return RVM_OK;
}

static rvm_err_t valtype(dec_t *d, uint8_t *t) {
    TRY(byte(d, t));
    if (!rvm_wasm_is_valtype(*t)) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "unknown value type");
    }
    return RVM_OK;
}

static rvm_err_t limits(dec_t *d, rvm_wasm_limits_t *l) {
    uint8_t flag;
    TRY(byte(d, &flag));
    if (flag > 1u) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "bad limits flag");
    }
    l->has_max = flag == 1u;
    l->max = 0;
    TRY(u32(d, &l->min));
    if (l->has_max) {
        TRY(u32(d, &l->max));
    }
    return RVM_OK;
}

static rvm_err_t tabletype(dec_t *d, rvm_wasm_limits_t *l) {
    uint8_t et;
    TRY(byte(d, &et));
    if (et != RVM_WASM_FUNCREF) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "unknown table element type");
    }
    return limits(d, l);
}

static rvm_err_t globaltype(dec_t *d, rvm_wasm_globaltype_t *g) {
    uint8_t mut;
    TRY(valtype(d, &g->valtype));
    TRY(byte(d, &mut));
    if (mut > 1u) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "bad global mutability");
    }
    g->mutable_ = mut == 1u;
    return RVM_OK;
}

/*
 * Finds the end of an instruction sequence by decoding it: block nesting is
 * tracked with a counter, so the scan is a loop with no recursion and stops
 * at the `end` that closes depth zero.
 */
static rvm_err_t expr(dec_t *d, rvm_wasm_span_t *out) {
    const size_t start = d->r.pos;
    uint32_t depth = 0;
    while (d->r.pos < d->r.end) {
        rvm_wasm_instr_t in;
        if (rvm_wasm_read_instr(&d->r, &in) != RVM_OK) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "illegal opcode or bad immediate");
        }
        if (in.op == 0x02 || in.op == 0x03 || in.op == 0x04) {
            depth++;
        } else if (in.op == 0x0B) {
            if (depth == 0) {
                out->off = (uint32_t)start;
                out->len = (uint32_t)(d->r.pos - start);
                return RVM_OK;
            }
            depth--;
        }
    }
    return fail(d, RVM_ERR_MALFORMED_INPUT, "expression has no end");
}

static rvm_err_t valtypes(dec_t *d, const uint8_t **out, uint32_t *count) {
    void *q;
    TRY(u32(d, count));
    TRY(carve(d, *count, 1, 1, &q));
    uint8_t *vt = q;
    for (uint32_t k = 0; k < *count; k++) {
        TRY(valtype(d, &vt[k]));
    }
    *out = vt;
    return RVM_OK;
}

static rvm_err_t sec_type(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    TRY(carve(d, n, sizeof(rvm_wasm_functype_t), _Alignof(rvm_wasm_functype_t), &p));
    rvm_wasm_functype_t *types = p;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t form;
        TRY(byte(d, &form));
        if (form != 0x60u) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "function type must start with 0x60");
        }
        TRY(valtypes(d, &types[i].params, &types[i].param_count));
        TRY(valtypes(d, &types[i].results, &types[i].result_count));
    }
    d->m->types = types;
    d->m->type_count = n;
    return RVM_OK;
}

static rvm_err_t import_desc(dec_t *d, rvm_wasm_import_t *x) {
    rvm_wasm_module_t *m = d->m;
    TRY(byte(d, &x->kind));
    switch (x->kind) {
    case RVM_WASM_KIND_FUNC:
        TRY(u32(d, &x->type_index));
        d->import_func_types[m->imported_funcs] = x->type_index;
        m->imported_funcs++;
        break;
    case RVM_WASM_KIND_TABLE:
        TRY(tabletype(d, &x->limits));
        m->imported_tables++;
        break;
    case RVM_WASM_KIND_MEMORY:
        TRY(limits(d, &x->limits));
        m->imported_memories++;
        break;
    case RVM_WASM_KIND_GLOBAL:
        TRY(globaltype(d, &x->global));
        d->import_global_types[m->imported_globals] = x->global;
        m->imported_globals++;
        break;
    default:
        return fail(d, RVM_ERR_MALFORMED_INPUT, "unknown import kind");
    }
    return RVM_OK;
}

static rvm_err_t sec_import(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    TRY(carve(d, n, sizeof(rvm_wasm_import_t), _Alignof(rvm_wasm_import_t), &p));
    rvm_wasm_import_t *im = p;
    rvm_wasm_module_t *m = d->m;
    /* Per-kind type lists let the validator find an import's type without scanning all imports. */
    TRY(carve(d, n, sizeof(uint32_t), _Alignof(uint32_t), &p));
    d->import_func_types = p;
    m->import_func_types = p;
    TRY(carve(d, n, sizeof(rvm_wasm_globaltype_t), _Alignof(rvm_wasm_globaltype_t), &p));
    d->import_global_types = p;
    m->import_global_types = p;
    for (uint32_t i = 0; i < n; i++) {
        rvm_wasm_import_t *x = &im[i];
        x->type_index = 0;
        x->limits = (rvm_wasm_limits_t){0, 0, false};
        x->global = (rvm_wasm_globaltype_t){0, false};
        TRY(name(d, &x->module));
        TRY(name(d, &x->field));
        TRY(import_desc(d, x));
    }
    m->imports = im;
    m->import_count = n;
    return RVM_OK;
}

static rvm_err_t sec_function(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    TRY(carve(d, n, sizeof(uint32_t), _Alignof(uint32_t), &p));
    uint32_t *ft = p;
    for (uint32_t i = 0; i < n; i++) {
        TRY(u32(d, &ft[i]));
    }
    d->m->func_types = ft;
    d->m->func_count = n;
    d->declared_funcs = n;
    return RVM_OK;
}

static rvm_err_t sec_table_or_memory(dec_t *d, bool table) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    TRY(carve(d, n, sizeof(rvm_wasm_limits_t), _Alignof(rvm_wasm_limits_t), &p));
    rvm_wasm_limits_t *l = p;
    for (uint32_t i = 0; i < n; i++) {
        TRY(table ? tabletype(d, &l[i]) : limits(d, &l[i]));
    }
    if (table) {
        d->m->tables = l;
        d->m->table_count = n;
    } else {
        d->m->memories = l;
        d->m->memory_count = n;
    }
    return RVM_OK;
}

static rvm_err_t sec_global(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    TRY(carve(d, n, sizeof(rvm_wasm_global_t), _Alignof(rvm_wasm_global_t), &p));
    rvm_wasm_global_t *g = p;
    for (uint32_t i = 0; i < n; i++) {
        TRY(globaltype(d, &g[i].type));
        TRY(expr(d, &g[i].init));
    }
    d->m->globals = g;
    d->m->global_count = n;
    return RVM_OK;
}

static rvm_err_t sec_export(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    TRY(carve(d, n, sizeof(rvm_wasm_export_t), _Alignof(rvm_wasm_export_t), &p));
    rvm_wasm_export_t *x = p;
    for (uint32_t i = 0; i < n; i++) {
        TRY(name(d, &x[i].name));
        TRY(byte(d, &x[i].kind));
        if (x[i].kind > RVM_WASM_KIND_GLOBAL) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "unknown export kind");
        }
        TRY(u32(d, &x[i].index));
    }
    d->m->exports = x;
    d->m->export_count = n;
    return RVM_OK;
}

static rvm_err_t sec_element(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    TRY(carve(d, n, sizeof(rvm_wasm_elem_t), _Alignof(rvm_wasm_elem_t), &p));
    rvm_wasm_elem_t *e = p;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c;
        void *q;
        TRY(u32(d, &e[i].table));
        TRY(expr(d, &e[i].offset));
        TRY(u32(d, &c));
        TRY(carve(d, c, sizeof(uint32_t), _Alignof(uint32_t), &q));
        uint32_t *f = q;
        for (uint32_t k = 0; k < c; k++) {
            TRY(u32(d, &f[k]));
        }
        e[i].funcs = f;
        e[i].func_count = c;
    }
    d->m->elems = e;
    d->m->elem_count = n;
    return RVM_OK;
}

static rvm_err_t local_decls(dec_t *d, rvm_wasm_code_t *c) {
    uint32_t groups;
    uint64_t total = 0;
    const size_t start = d->r.pos;
    TRY(u32(d, &groups));
    for (uint32_t k = 0; k < groups; k++) {
        uint32_t count;
        uint8_t t;
        TRY(u32(d, &count));
        TRY(valtype(d, &t));
        total += count;
        if (total > 0xFFFFFFFFu) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "too many locals");
        }
    }
    c->locals.off = (uint32_t)start;
    c->locals.len = (uint32_t)(d->r.pos - start);
    c->local_count = total;
    return RVM_OK;
}

/* One function body: its size bounds the reader, so locals and code cannot spill into the next body. */
static rvm_err_t code_entry(dec_t *d, rvm_wasm_code_t *c) {
    uint32_t size;
    TRY(u32(d, &size));
    if (size > d->r.end - d->r.pos) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "function body runs past the code section");
    }
    const size_t outer_end = d->r.end;
    d->r.end = d->r.pos + size;
    TRY(local_decls(d, c));
    TRY(expr(d, &c->body));
    if (d->r.pos != d->r.end) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "function body size mismatch");
    }
    d->r.end = outer_end;
    return RVM_OK;
}

static rvm_err_t sec_code(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    if (n != d->declared_funcs) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "function and code section have inconsistent lengths");
    }
    TRY(carve(d, n, sizeof(rvm_wasm_code_t), _Alignof(rvm_wasm_code_t), &p));
    rvm_wasm_code_t *c = p;
    for (uint32_t i = 0; i < n; i++) {
        TRY(code_entry(d, &c[i]));
    }
    d->m->codes = c;
    d->m->code_count = n;
    return RVM_OK;
}

static rvm_err_t sec_data(dec_t *d) {
    uint32_t n;
    void *p;
    TRY(u32(d, &n));
    if (d->m->has_data_count && n != d->m->data_count_declared) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "data count and data section have inconsistent lengths");
    }
    TRY(carve(d, n, sizeof(rvm_wasm_data_t), _Alignof(rvm_wasm_data_t), &p));
    rvm_wasm_data_t *x = p;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len;
        TRY(u32(d, &x[i].memory));
        TRY(expr(d, &x[i].offset));
        TRY(u32(d, &len));
        if (len > d->r.end - d->r.pos) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "data segment runs past its section");
        }
        x[i].bytes.off = (uint32_t)d->r.pos;
        x[i].bytes.len = len;
        d->r.pos += len;
    }
    d->m->datas = x;
    d->m->data_count = n;
    return RVM_OK;
}

static rvm_err_t section(dec_t *d, uint8_t id) {
    switch (id) {
    case SEC_CUSTOM: {
        rvm_wasm_span_t nm;
        TRY(name(d, &nm));
        d->r.pos = d->r.end;
        return RVM_OK;
    }
    case SEC_TYPE:
        return sec_type(d);
    case SEC_IMPORT:
        return sec_import(d);
    case SEC_FUNCTION:
        return sec_function(d);
    case SEC_TABLE:
        return sec_table_or_memory(d, true);
    case SEC_MEMORY:
        return sec_table_or_memory(d, false);
    case SEC_GLOBAL:
        return sec_global(d);
    case SEC_EXPORT:
        return sec_export(d);
    case SEC_START:
        d->m->has_start = true;
        return u32(d, &d->m->start);
    case SEC_ELEMENT:
        return sec_element(d);
    case SEC_CODE:
        return sec_code(d);
    case SEC_DATA:
        return sec_data(d);
    default:
        d->m->has_data_count = true;
        return u32(d, &d->m->data_count_declared);
    }
}

static rvm_err_t header(dec_t *d) {
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
    for (size_t i = 0; i < 4u; i++) {
        uint8_t b;
        if (rvm_wasm_read_u8(&d->r, &b) != RVM_OK || b != magic[i]) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "magic header not detected");
        }
    }
    for (size_t i = 0; i < 4u; i++) {
        uint8_t b;
        if (rvm_wasm_read_u8(&d->r, &b) != RVM_OK) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "unexpected end in version");
        }
        if (b != (i == 0 ? 1u : 0u)) {
            return fail(d, RVM_ERR_UNSUPPORTED, "unknown binary version");
        }
    }
    return RVM_OK;
}

/* One section: id, size, ordering, then its payload, which must fill exactly the declared size. */
static rvm_err_t next_section(dec_t *d, uint8_t *last_rank) {
    uint8_t id;
    uint32_t size;
    const size_t len = d->r.end;
    TRY(byte(d, &id));
    if (id > SEC_DATACOUNT) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "unknown section id");
    }
    TRY(u32(d, &size));
    if (size > len - d->r.pos) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "section runs past the module");
    }
    if (id != SEC_CUSTOM) {
        if (section_rank[id] <= *last_rank) {
            return fail(d, RVM_ERR_MALFORMED_INPUT, "section out of order or repeated");
        }
        *last_rank = section_rank[id];
    }
    d->r.end = d->r.pos + size;
    TRY(section(d, id));
    if (d->r.pos != d->r.end) {
        return fail(d, RVM_ERR_MALFORMED_INPUT, "section size mismatch");
    }
    d->r.end = len;
    return RVM_OK;
}

rvm_err_t rvm_wasm_decode(const uint8_t *bytes, size_t len, rvm_wasm_arena_t *arena, rvm_wasm_module_t *out,
                          rvm_wasm_diag_t *diag) {
    if (bytes == NULL || arena == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    dec_t d;
    rvm_wasm_reader_init(&d.r, bytes, len);
    d.arena = arena;
    d.m = out;
    d.diag = diag;
    d.declared_funcs = 0;
    d.import_func_types = NULL;
    d.import_global_types = NULL;
    if (diag != NULL) {
        diag->offset = 0;
        diag->reason = NULL;
    }
    *out = (rvm_wasm_module_t){0};
    out->bytes = bytes;
    out->size = len;
    if (len > RVM_WASM_MODULE_MAX_BYTES) {
        return fail(&d, RVM_ERR_RESOURCE_LIMIT_EXCEEDED, "module larger than 1 MiB");
    }
    TRY(header(&d));
    uint8_t last_rank = 0;
    while (d.r.pos < len) {
        TRY(next_section(&d, &last_rank));
    }
    if (out->code_count != d.declared_funcs) {
        return fail(&d, RVM_ERR_MALFORMED_INPUT, "function and code section have inconsistent lengths");
    }
    if (out->has_data_count && out->data_count != out->data_count_declared) {
        return fail(&d, RVM_ERR_MALFORMED_INPUT, "data count and data section have inconsistent lengths");
    }
    return RVM_OK;
}
