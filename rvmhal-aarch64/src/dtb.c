/* Flattened device tree reader (Devicetree Specification v0.4, chapter 5). */
#include <rvm/dtb.h>

#include <rvm/endian.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HEADER_SIZE 40u
#define FDT_RSV_ENTRY_SIZE 16u

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

/* Header field offsets. */
#define HDR_MAGIC 0u
#define HDR_TOTALSIZE 4u
#define HDR_OFF_STRUCT 8u
#define HDR_OFF_STRINGS 12u
#define HDR_OFF_RSVMAP 16u
#define HDR_VERSION 20u
#define HDR_LAST_COMP 24u
#define HDR_SIZE_STRINGS 32u
#define HDR_SIZE_STRUCT 36u

/* The GIC binding's three-cell specifier: type, number, flags. */
#define IRQ_SPEC_SIZE 12u
#define IRQ_TYPE_SPI 0u
#define IRQ_TYPE_PPI 1u
#define SPI_LIMIT 988u
#define PPI_LIMIT 16u
#define SPI_BASE 32u
#define PPI_BASE 16u

/* #address-cells / #size-cells when a node does not say (spec §2.3.5). */
#define DEFAULT_ADDR_CELLS 2u
#define DEFAULT_SIZE_CELLS 1u

typedef struct token {
    uint32_t kind;
    uint32_t next;       /* offset of the following token */
    const uint8_t *name; /* node or property name, NUL at name[name_len] */
    uint32_t name_len;
    const uint8_t *value;
    uint32_t len;
} token_t;

/* Bytes before the first NUL in p[0, max); max when there is none. */
static uint32_t bounded_len(const uint8_t *p, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && p[n] != 0) {
        n++;
    }
    return n;
}

/* `bytes` (not NUL-terminated) equals the C string `s`. */
static bool bytes_eq(const uint8_t *bytes, uint32_t len, const char *s)
{
    for (uint32_t i = 0; i < len; i++) {
        if (s[i] == '\0' || (uint8_t)s[i] != bytes[i]) {
            return false;
        }
    }
    return s[len] == '\0';
}

/* A property value is exactly the string `s` with its NUL. */
static bool value_is(const uint8_t *v, uint32_t len, const char *s)
{
    return len >= 1u && v[len - 1u] == 0 && bytes_eq(v, len - 1u, s);
}

/* A node name matches `base` bare or with any unit address ("memory" matches "memory@40000000"). */
static bool name_is(const token_t *t, const char *base)
{
    uint32_t i = 0;
    for (; base[i] != '\0'; i++) {
        if (i >= t->name_len || (uint8_t)base[i] != t->name[i]) {
            return false;
        }
    }
    return i == t->name_len || t->name[i] == '@';
}

/*
 * Decodes the token at `off`. Every caller-visible walk goes through here, so
 * this is the one place that keeps reads inside the structure and strings
 * blocks: offsets can come from the caller or from a hostile blob.
 */
static rvm_err_t read_token(const rvm_dtb_t *d, uint32_t off, token_t *t)
{
    /* The size is a multiple of 4, so an aligned offset below it has a whole token word. */
    if (off >= d->struct_size || (off & 3u) != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    const uint8_t *s = d->blob + d->struct_off;
    t->kind = rvm_be32_load(s + off);
    off += 4u;
    t->name = NULL;
    t->name_len = 0;
    t->value = NULL;
    t->len = 0;
    uint32_t avail = d->struct_size - off;
    if (t->kind == FDT_BEGIN_NODE) {
        uint32_t n = bounded_len(s + off, avail);
        if (n == avail) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        t->name = s + off;
        t->name_len = n;
        /* struct_size is 4-aligned and n + 1 <= avail, so rounding up stays inside. */
        t->next = off + ((n + 4u) & ~3u);
        return RVM_OK;
    }
    if (t->kind == FDT_PROP) {
        if (avail < 8u) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        uint32_t len = rvm_be32_load(s + off);
        uint32_t nameoff = rvm_be32_load(s + off + 4u);
        if (len > avail - 8u || nameoff >= d->strings_size) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        const uint8_t *name = d->blob + d->strings_off + nameoff;
        uint32_t n = bounded_len(name, d->strings_size - nameoff);
        if (n == d->strings_size - nameoff) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        t->name = name;
        t->name_len = n;
        t->value = s + off + 8u;
        t->len = len;
        t->next = off + 8u + ((len + 3u) & ~3u);
        return RVM_OK;
    }
    if (t->kind == FDT_END_NODE || t->kind == FDT_NOP || t->kind == FDT_END) {
        t->next = off;
        return RVM_OK;
    }
    return RVM_ERR_MALFORMED_INPUT;
}

/*
 * The whole-tree rules the later walks rely on: one root named "", balanced
 * nodes no deeper than RVM_DTB_MAX_DEPTH, properties before subnodes (so a
 * node's #address-cells is known before its children), FDT_END after the root.
 */
static rvm_err_t check_structure(rvm_dtb_t *d)
{
    uint32_t off = 0;
    uint32_t depth = 0;
    uint32_t prev = FDT_END;
    bool root_done = false;
    for (;;) {
        token_t t;
        rvm_err_t err = read_token(d, off, &t);
        if (err != RVM_OK) {
            return err;
        }
        if (t.kind == FDT_BEGIN_NODE) {
            if (root_done || (depth == 0 && t.name_len != 0)) {
                return RVM_ERR_MALFORMED_INPUT;
            }
            if (depth == 0) {
                d->root = off;
            }
            if (++depth > RVM_DTB_MAX_DEPTH) {
                return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
            }
        } else if (t.kind == FDT_END_NODE) {
            if (depth == 0) {
                return RVM_ERR_MALFORMED_INPUT;
            }
            root_done = --depth == 0;
        } else if (t.kind == FDT_PROP) {
            if (depth == 0 || (prev != FDT_BEGIN_NODE && prev != FDT_PROP)) {
                return RVM_ERR_MALFORMED_INPUT;
            }
        } else if (t.kind == FDT_END) {
            return root_done ? RVM_OK : RVM_ERR_MALFORMED_INPUT;
        }
        if (t.kind != FDT_NOP) {
            prev = t.kind;
        }
        off = t.next;
    }
}

static rvm_err_t check_header(rvm_dtb_t *d, const uint8_t *b, size_t buf_len)
{
    if (buf_len < FDT_HEADER_SIZE || rvm_be32_load(b + HDR_MAGIC) != FDT_MAGIC) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    uint32_t total = rvm_be32_load(b + HDR_TOTALSIZE);
    uint32_t version = rvm_be32_load(b + HDR_VERSION);
    uint32_t off_struct = rvm_be32_load(b + HDR_OFF_STRUCT);
    uint32_t off_strings = rvm_be32_load(b + HDR_OFF_STRINGS);
    uint32_t off_rsv = rvm_be32_load(b + HDR_OFF_RSVMAP);
    uint32_t size_strings = rvm_be32_load(b + HDR_SIZE_STRINGS);
    if (total < FDT_HEADER_SIZE || total > buf_len || version < 16u ||
        rvm_be32_load(b + HDR_LAST_COMP) > 17u) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    if (off_rsv < FDT_HEADER_SIZE || (off_rsv & 7u) != 0 || off_rsv > total - FDT_RSV_ENTRY_SIZE ||
        off_struct < FDT_HEADER_SIZE || (off_struct & 3u) != 0 || off_struct > total ||
        off_strings < FDT_HEADER_SIZE || off_strings > total || size_strings > total - off_strings) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    /* v16 has no size_dt_struct: the block may then run to the end of the blob. */
    uint32_t size_struct = version >= 17u ? rvm_be32_load(b + HDR_SIZE_STRUCT) : (total - off_struct) & ~3u;
    if (size_struct > total - off_struct || (size_struct & 3u) != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    d->blob = b;
    d->total_size = total;
    d->struct_off = off_struct;
    d->struct_size = size_struct;
    d->strings_off = off_strings;
    d->strings_size = size_strings;
    return RVM_OK;
}

rvm_err_t rvm_dtb_open(rvm_dtb_t *dtb, const void *blob, size_t buf_len)
{
    if (dtb == NULL || blob == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (((uintptr_t)blob & 7u) != 0) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    rvm_dtb_t d;
    rvm_err_t err = check_header(&d, blob, buf_len);
    if (err == RVM_OK) {
        err = check_structure(&d);
    }
    if (err == RVM_OK) {
        *dtb = d;
    }
    return err;
}

/* Length of the next path component of `p` (up to '/' or the end). */
static uint32_t component_len(const char *p)
{
    uint32_t n = 0;
    while (p[n] != '\0' && p[n] != '/') {
        n++;
    }
    return n;
}

/* Component `c` (length n) names node `t`: exactly, or without its unit address when `c` has none. */
static bool component_matches(const token_t *t, const char *c, uint32_t n)
{
    bool has_unit = false;
    for (uint32_t i = 0; i < n; i++) {
        has_unit = has_unit || c[i] == '@';
        if (i >= t->name_len || (uint8_t)c[i] != t->name[i]) {
            return false;
        }
    }
    return n == t->name_len || (!has_unit && t->name[n] == '@');
}

static const char *skip_slashes(const char *p)
{
    while (*p == '/') {
        p++;
    }
    return p;
}

rvm_err_t rvm_dtb_find_node(const rvm_dtb_t *dtb, const char *path, uint32_t *node)
{
    if (dtb == NULL || path == NULL || node == NULL || path[0] != '/') {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const char *want = skip_slashes(path);
    uint32_t off = dtb->root;
    if (*want == '\0') {
        *node = off;
        return RVM_OK;
    }
    /*
     * The root and `matched` path components are open nodes; only direct
     * children of the last of them (depth matched + 2) can match the next one.
     */
    uint32_t depth = 0;
    uint32_t matched = 0;
    for (;;) {
        token_t t;
        rvm_err_t err = read_token(dtb, off, &t);
        if (err != RVM_OK) {
            return err;
        }
        if (t.kind == FDT_BEGIN_NODE) {
            depth++;
            uint32_t n = component_len(want);
            if (depth == matched + 2u && component_matches(&t, want, n)) {
                matched++;
                want = skip_slashes(want + n);
                if (*want == '\0') {
                    *node = off;
                    return RVM_OK;
                }
            }
        } else if (t.kind == FDT_END_NODE) {
            if (depth == matched + 1u) {
                return RVM_ERR_NOT_FOUND;
            }
            depth--;
        } else if (t.kind == FDT_END) {
            return RVM_ERR_NOT_FOUND;
        }
        off = t.next;
    }
}

rvm_err_t rvm_dtb_get_prop(const rvm_dtb_t *dtb, uint32_t node, const char *name, const uint8_t **value,
                           uint32_t *len)
{
    if (dtb == NULL || name == NULL || value == NULL || len == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    token_t t;
    rvm_err_t err = read_token(dtb, node, &t);
    if (err != RVM_OK) {
        return err;
    }
    if (t.kind != FDT_BEGIN_NODE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (;;) {
        err = read_token(dtb, t.next, &t);
        if (err != RVM_OK) {
            return err;
        }
        if (t.kind == FDT_PROP && bytes_eq(t.name, t.name_len, name)) {
            *value = t.value;
            *len = t.len;
            return RVM_OK;
        }
        if (t.kind != FDT_PROP && t.kind != FDT_NOP) {
            return RVM_ERR_NOT_FOUND;
        }
    }
}

/* ---- Platform extraction ------------------------------------------------ */

/* What a node is, as far as extraction cares, from its name and place. */
enum node_role { ROLE_OTHER, ROLE_ROOT, ROLE_MEMORY, ROLE_CPUS, ROLE_CPU, ROLE_CHOSEN };

enum compat_bit {
    COMPAT_PL011 = 1u << 0,
    COMPAT_GICV2 = 1u << 1,
    COMPAT_GICV3 = 1u << 2,
    COMPAT_TIMER = 1u << 3,
    COMPAT_PSCI = 1u << 4,
    COMPAT_CFI_FLASH = 1u << 5,
    COMPAT_PL031 = 1u << 6,
};

typedef struct frame {
    uint32_t addr_cells; /* for this node's children */
    uint32_t size_cells;
    enum node_role role;
} frame_t;

/* The properties of the node being read that extraction may use. */
typedef struct node_props {
    const uint8_t *reg;
    uint32_t reg_len;
    const uint8_t *irq;
    uint32_t irq_len;
    const uint8_t *method;
    uint32_t method_len;
    const uint8_t *bootargs;
    uint32_t bootargs_len;
    const uint8_t *bank_width;
    uint32_t bank_width_len;
    uint32_t compat;
    bool disabled;
} node_props_t;

static uint32_t compat_bit_of(const uint8_t *s, uint32_t n)
{
    if (bytes_eq(s, n, "arm,pl011")) {
        return COMPAT_PL011;
    }
    if (bytes_eq(s, n, "arm,cortex-a15-gic")) {
        return COMPAT_GICV2;
    }
    if (bytes_eq(s, n, "arm,gic-v3")) {
        return COMPAT_GICV3;
    }
    if (bytes_eq(s, n, "arm,armv8-timer")) {
        return COMPAT_TIMER;
    }
    if (bytes_eq(s, n, "arm,psci") || bytes_eq(s, n, "arm,psci-0.2") || bytes_eq(s, n, "arm,psci-1.0")) {
        return COMPAT_PSCI;
    }
    if (bytes_eq(s, n, "cfi-flash")) {
        return COMPAT_CFI_FLASH;
    }
    if (bytes_eq(s, n, "arm,pl031")) {
        return COMPAT_PL031;
    }
    return 0;
}

/* A string list must end in NUL; a compatible that does not is corrupt, not merely unknown. */
static rvm_err_t parse_compatible(const uint8_t *v, uint32_t len, uint32_t *bits)
{
    if (len == 0 || v[len - 1u] != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    uint32_t pos = 0;
    while (pos < len) {
        uint32_t n = bounded_len(v + pos, len - pos);
        *bits |= compat_bit_of(v + pos, n);
        pos += n + 1u;
    }
    return RVM_OK;
}

static rvm_err_t read_cells_prop(const token_t *t, uint32_t *cells)
{
    if (t->len != 4u) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    *cells = rvm_be32_load(t->value);
    return RVM_OK;
}

/* Records a property of the node on top of the stack. */
static rvm_err_t note_prop(const token_t *t, frame_t *self, node_props_t *p)
{
    if (bytes_eq(t->name, t->name_len, "#address-cells")) {
        return read_cells_prop(t, &self->addr_cells);
    }
    if (bytes_eq(t->name, t->name_len, "#size-cells")) {
        return read_cells_prop(t, &self->size_cells);
    }
    if (bytes_eq(t->name, t->name_len, "compatible")) {
        return parse_compatible(t->value, t->len, &p->compat);
    }
    if (bytes_eq(t->name, t->name_len, "reg")) {
        p->reg = t->value;
        p->reg_len = t->len;
    } else if (bytes_eq(t->name, t->name_len, "interrupts")) {
        p->irq = t->value;
        p->irq_len = t->len;
    } else if (bytes_eq(t->name, t->name_len, "status")) {
        p->disabled = !value_is(t->value, t->len, "okay") && !value_is(t->value, t->len, "ok");
    } else if (bytes_eq(t->name, t->name_len, "method")) {
        p->method = t->value;
        p->method_len = t->len;
    } else if (bytes_eq(t->name, t->name_len, "bootargs")) {
        p->bootargs = t->value;
        p->bootargs_len = t->len;
    } else if (bytes_eq(t->name, t->name_len, "bank-width")) {
        p->bank_width = t->value;
        p->bank_width_len = t->len;
    }
    return RVM_OK;
}

static uint64_t load_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++) {
        v = (v << 32) | rvm_be32_load(p + (size_t)4u * i);
    }
    return v;
}

/* Entries in a reg property under `parent`'s cell sizes; only values that fit 64 bits are accepted. */
static rvm_err_t reg_count(const node_props_t *p, const frame_t *parent, uint32_t *count)
{
    if (parent->addr_cells < 1u || parent->addr_cells > 2u || parent->size_cells > 2u) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    uint32_t entry = 4u * (parent->addr_cells + parent->size_cells);
    if (p->reg == NULL || p->reg_len == 0 || p->reg_len % entry != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    *count = p->reg_len / entry;
    return RVM_OK;
}

/* Entry `i` of a reg property already sized by reg_count. */
static rvm_dtb_region_t reg_entry(const node_props_t *p, const frame_t *parent, uint32_t i)
{
    uint32_t entry = 4u * (parent->addr_cells + parent->size_cells);
    const uint8_t *e = p->reg + (size_t)i * entry;
    rvm_dtb_region_t r = {
        .base = load_cells(e, parent->addr_cells),
        .size = load_cells(e + (size_t)4u * parent->addr_cells, parent->size_cells),
    };
    return r;
}

/* Specifier `i` of the interrupts property as a GIC INTID. */
static rvm_err_t irq_intid(const node_props_t *p, uint32_t i, uint32_t *intid)
{
    if (p->irq_len % IRQ_SPEC_SIZE != 0 || i >= p->irq_len / IRQ_SPEC_SIZE) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    const uint8_t *s = p->irq + (size_t)i * IRQ_SPEC_SIZE;
    uint32_t type = rvm_be32_load(s);
    uint32_t num = rvm_be32_load(s + 4u);
    if (type == IRQ_TYPE_SPI && num < SPI_LIMIT) {
        *intid = SPI_BASE + num;
        return RVM_OK;
    }
    if (type == IRQ_TYPE_PPI && num < PPI_LIMIT) {
        *intid = PPI_BASE + num;
        return RVM_OK;
    }
    return RVM_ERR_MALFORMED_INPUT;
}

static rvm_err_t take_memory(const node_props_t *p, const frame_t *parent, rvm_dtb_platform_t *out)
{
    uint32_t n;
    rvm_err_t err = reg_count(p, parent, &n);
    if (err != RVM_OK) {
        return err;
    }
    if (n > RVM_DTB_MAX_MEMORY_RANGES - out->memory_count) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    for (uint32_t i = 0; i < n; i++) {
        out->memory[out->memory_count++] = reg_entry(p, parent, i);
    }
    return RVM_OK;
}

static rvm_err_t take_cpu(const node_props_t *p, const frame_t *parent, rvm_dtb_platform_t *out)
{
    uint32_t n;
    rvm_err_t err = reg_count(p, parent, &n);
    if (err != RVM_OK) {
        return err;
    }
    if (out->cpu_count >= RVM_DTB_MAX_CPUS) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    out->cpu_mpidr[out->cpu_count++] = reg_entry(p, parent, 0).base;
    return RVM_OK;
}

static rvm_err_t take_chosen(const node_props_t *p, rvm_dtb_platform_t *out)
{
    if (p->bootargs == NULL) {
        return RVM_OK;
    }
    if (p->bootargs_len == 0 || p->bootargs[p->bootargs_len - 1u] != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    out->bootargs = (const char *)p->bootargs;
    out->bootargs_len = bounded_len(p->bootargs, p->bootargs_len);
    return RVM_OK;
}

static rvm_err_t take_uart(const node_props_t *p, const frame_t *parent, rvm_dtb_platform_t *out)
{
    uint32_t n;
    rvm_err_t err = reg_count(p, parent, &n);
    if (err == RVM_OK && p->irq != NULL) {
        err = irq_intid(p, 0, &out->uart_intid);
    }
    if (err == RVM_OK) {
        out->uart = reg_entry(p, parent, 0);
        out->uart_present = true;
    }
    return err;
}

static rvm_err_t take_rtc(const node_props_t *p, const frame_t *parent, rvm_dtb_platform_t *out)
{
    uint32_t n;
    rvm_err_t err = reg_count(p, parent, &n);
    if (err == RVM_OK) {
        out->rtc = reg_entry(p, parent, 0);
        out->rtc_present = true;
    }
    return err;
}

/* GICv2 reg: distributor, CPU interface, then optionally GICH and GICV; GICv3: distributor, redistributor. */
static rvm_err_t take_gic(const node_props_t *p, const frame_t *parent, rvm_dtb_gic_version_t v,
                          rvm_dtb_platform_t *out)
{
    uint32_t n;
    rvm_err_t err = reg_count(p, parent, &n);
    if (err != RVM_OK) {
        return err;
    }
    if (n < 2u) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    out->gic_version = v;
    out->gicd = reg_entry(p, parent, 0);
    if (v == RVM_DTB_GIC_V3) {
        out->gicr = reg_entry(p, parent, 1);
        return RVM_OK;
    }
    out->gicc = reg_entry(p, parent, 1);
    if (n >= 4u) {
        out->gich = reg_entry(p, parent, 2);
        out->gicv = reg_entry(p, parent, 3);
    }
    return RVM_OK;
}

static rvm_err_t take_timer(const node_props_t *p, rvm_dtb_platform_t *out)
{
    if (p->irq == NULL) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    uint32_t intid[RVM_DTB_TIMER_COUNT];
    for (uint32_t i = 0; i < RVM_DTB_TIMER_COUNT; i++) {
        rvm_err_t err = irq_intid(p, i, &intid[i]);
        if (err != RVM_OK) {
            return err;
        }
    }
    for (uint32_t i = 0; i < RVM_DTB_TIMER_COUNT; i++) {
        out->timer_intid[i] = intid[i];
    }
    out->timer_present = true;
    return RVM_OK;
}

static rvm_err_t take_psci(const node_props_t *p, rvm_dtb_platform_t *out)
{
    if (p->method != NULL && value_is(p->method, p->method_len, "smc")) {
        out->psci_method = RVM_DTB_PSCI_SMC;
    } else if (p->method != NULL && value_is(p->method, p->method_len, "hvc")) {
        out->psci_method = RVM_DTB_PSCI_HVC;
    } else {
        return RVM_ERR_MALFORMED_INPUT;
    }
    return RVM_OK;
}

/* Flash banks: every reg entry, and the bus width the driver must access them with. */
static rvm_err_t take_flash(const node_props_t *p, const frame_t *parent, rvm_dtb_platform_t *out)
{
    uint32_t n;
    rvm_err_t err = reg_count(p, parent, &n);
    if (err != RVM_OK) {
        return err;
    }
    if (n > RVM_DTB_MAX_FLASH_BANKS) {
        return RVM_ERR_BUFFER_TOO_SMALL;
    }
    uint32_t width = 0;
    if (p->bank_width != NULL) {
        if (p->bank_width_len != 4u) {
            return RVM_ERR_MALFORMED_INPUT;
        }
        width = rvm_be32_load(p->bank_width);
        if (width != 1u && width != 2u && width != 4u && width != 8u) {
            return RVM_ERR_MALFORMED_INPUT;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        out->flash[i] = reg_entry(p, parent, i);
    }
    out->flash_count = n;
    out->flash_bank_width = width;
    return RVM_OK;
}

/* Devices found by compatible, anywhere in the tree; the first enabled one of each kind is kept. */
static rvm_err_t take_devices(const node_props_t *p, const frame_t *parent, rvm_dtb_platform_t *out)
{
    if (p->disabled) {
        return RVM_OK;
    }
    rvm_err_t err = RVM_OK;
    if ((p->compat & COMPAT_PL011) != 0 && !out->uart_present) {
        err = take_uart(p, parent, out);
    } else if ((p->compat & COMPAT_GICV2) != 0 && out->gic_version == RVM_DTB_GIC_NONE) {
        err = take_gic(p, parent, RVM_DTB_GIC_V2, out);
    } else if ((p->compat & COMPAT_GICV3) != 0 && out->gic_version == RVM_DTB_GIC_NONE) {
        err = take_gic(p, parent, RVM_DTB_GIC_V3, out);
    } else if ((p->compat & COMPAT_TIMER) != 0 && !out->timer_present) {
        err = take_timer(p, out);
    } else if ((p->compat & COMPAT_PSCI) != 0 && out->psci_method == RVM_DTB_PSCI_NONE) {
        err = take_psci(p, out);
    } else if ((p->compat & COMPAT_CFI_FLASH) != 0 && out->flash_count == 0) {
        err = take_flash(p, parent, out);
    } else if ((p->compat & COMPAT_PL031) != 0 && !out->rtc_present) {
        err = take_rtc(p, parent, out);
    }
    return err;
}

/* Called once a node's property list is complete: its first child or its end. */
static rvm_err_t finish_props(const node_props_t *p, const frame_t *self, const frame_t *parent,
                              rvm_dtb_platform_t *out)
{
    rvm_err_t err = RVM_OK;
    if (self->role == ROLE_MEMORY) {
        err = take_memory(p, parent, out);
    } else if (self->role == ROLE_CPU) {
        err = take_cpu(p, parent, out);
    } else if (self->role == ROLE_CHOSEN) {
        err = take_chosen(p, out);
    }
    if (err == RVM_OK && self->role != ROLE_ROOT) {
        err = take_devices(p, parent, out);
    }
    return err;
}

static enum node_role role_of(const token_t *t, uint32_t depth, const frame_t *parent)
{
    if (depth == 1u) {
        return ROLE_ROOT;
    }
    if (depth == 2u) {
        if (name_is(t, "memory")) {
            return ROLE_MEMORY;
        }
        if (bytes_eq(t->name, t->name_len, "cpus")) {
            return ROLE_CPUS;
        }
        if (bytes_eq(t->name, t->name_len, "chosen")) {
            return ROLE_CHOSEN;
        }
    }
    if (parent->role == ROLE_CPUS && name_is(t, "cpu")) {
        return ROLE_CPU;
    }
    return ROLE_OTHER;
}

rvm_err_t rvm_dtb_read_platform(const rvm_dtb_t *dtb, rvm_dtb_platform_t *out)
{
    if (dtb == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *out = (rvm_dtb_platform_t){0};
    /* stack[0] is a virtual parent of the root so that every node has one. */
    frame_t stack[RVM_DTB_MAX_DEPTH + 1u];
    stack[0] = (frame_t){DEFAULT_ADDR_CELLS, DEFAULT_SIZE_CELLS, ROLE_OTHER};
    uint32_t depth = 0;
    node_props_t props = {0};
    bool pending = false;
    uint32_t off = dtb->root;
    rvm_err_t err = RVM_OK;
    while (err == RVM_OK) {
        token_t t;
        err = read_token(dtb, off, &t);
        if (err != RVM_OK) {
            break;
        }
        off = t.next;
        if ((t.kind == FDT_BEGIN_NODE || t.kind == FDT_END_NODE) && pending) {
            pending = false;
            err = finish_props(&props, &stack[depth], &stack[depth - 1u], out);
        }
        if (err != RVM_OK) {
            break;
        }
        if (t.kind == FDT_BEGIN_NODE) {
            if (depth >= RVM_DTB_MAX_DEPTH) {
                return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
            }
            depth++;
            stack[depth] = (frame_t){DEFAULT_ADDR_CELLS, DEFAULT_SIZE_CELLS, role_of(&t, depth, &stack[depth - 1u])};
            props = (node_props_t){0};
            pending = true;
        } else if (t.kind == FDT_PROP) {
            err = pending ? note_prop(&t, &stack[depth], &props) : RVM_ERR_MALFORMED_INPUT;
        } else if (t.kind == FDT_END_NODE) {
            /* Only a handle not made by rvm_dtb_open can get here at depth 0; the stack must not underflow. */
            if (depth == 0) {
                return RVM_ERR_MALFORMED_INPUT;
            }
            if (--depth == 0) {
                break;
            }
        } else if (t.kind == FDT_END) {
            return RVM_ERR_MALFORMED_INPUT;
        }
    }
    if (err != RVM_OK) {
        return err;
    }
    return (out->memory_count == 0 || out->cpu_count == 0) ? RVM_ERR_NOT_FOUND : RVM_OK;
}
