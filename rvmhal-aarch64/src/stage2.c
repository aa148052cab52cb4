/* Stage-2 translation tables: encoding, map/unmap with deferred frame release, software walk. */
#include <stddef.h>

#include <rvm/stage2.h>

#define S2_GIB (UINT64_C(1) << 30)
#define S2_INDEX_MASK ((uint64_t)RVM_S2_ENTRIES - 1u)
#define S2_TYPE_MASK (RVM_S2_DESC_VALID | RVM_S2_DESC_TABLE)
#define S2_VTCR_T0SZ UINT64_C(25)
#define S2_VTCR_SL0_L1 (UINT64_C(1) << 6)
#define S2_VTCR_IRGN0_WB (UINT64_C(1) << 8)
#define S2_VTCR_ORGN0_WB (UINT64_C(1) << 10)
#define S2_VTCR_SH0_INNER (UINT64_C(3) << 12)
#define S2_VTCR_PS_SHIFT 16u
#define S2_VTCR_RES1 (UINT64_C(1) << 31)
#define S2_PARANGE_MAX 5u /* 48 bits: descriptors built here carry PA[47:12] only */
#define S2_VTTBR_BADDR_MASK UINT64_C(0x0000FFFFFFFFFFFE)

/*
 * Tables detached during one operation, kept until the TLB invalidation that
 * covers every IPA they (or the entries cleared) translated. The list is
 * threaded through word 0 of the detached frames themselves, so no storage
 * bound limits how much one unmap may release; a link is a 4 KiB-aligned PA,
 * bit 0 clear, so a walker still holding a stale pointer to the frame reads
 * an invalid descriptor.
 */
typedef struct s2_batch {
    uint64_t head;
    uint32_t count;
    bool dirty;
    uint64_t lo;
    uint64_t hi;
} s2_batch_t;

static unsigned s2_shift(unsigned level) { return 39u - 9u * level; }

static size_t s2_index(uint64_t ipa, unsigned level) { return (size_t)((ipa >> s2_shift(level)) & S2_INDEX_MASK); }

static uint64_t s2_next_boundary(uint64_t a, uint64_t size) { return (a | (size - 1u)) + 1u; }

static uint64_t s2_min(uint64_t a, uint64_t b) { return a < b ? a : b; }

static uint64_t *s2_frame(const rvm_s2_space_t *s, uint64_t pa) { return s->ops.frame(s->ops.ctx, rvm_phys(pa)); }

static bool s2_valid(uint64_t d) { return (d & RVM_S2_DESC_VALID) != 0; }

static bool s2_is_table(uint64_t d) { return (d & S2_TYPE_MASK) == S2_TYPE_MASK; }

static bool s2_is_block(uint64_t d) { return (d & S2_TYPE_MASK) == RVM_S2_DESC_VALID; }

uint32_t rvm_s2_parange_bits(uint32_t parange)
{
    static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 48 };
    return parange < sizeof bits ? bits[parange] : 0u;
}

uint64_t rvm_s2_vtcr(uint32_t parange)
{
    uint64_t ps = parange > S2_PARANGE_MAX ? S2_PARANGE_MAX : parange;
    return S2_VTCR_RES1 | (ps << S2_VTCR_PS_SHIFT) | S2_VTCR_SH0_INNER | S2_VTCR_ORGN0_WB | S2_VTCR_IRGN0_WB |
           S2_VTCR_SL0_L1 | S2_VTCR_T0SZ;
}

uint64_t rvm_s2_vttbr(uint16_t vmid, rvm_phys_addr_t root)
{
    return ((uint64_t)vmid << 48) | (root.bits & S2_VTTBR_BADDR_MASK);
}

uint64_t rvm_s2_desc_table(rvm_phys_addr_t next)
{
    return (next.bits & RVM_S2_DESC_ADDR_MASK) | S2_TYPE_MASK;
}

/* AF is always set: QEMU (and cores without FEAT_HAFDBS) fault on AF = 0 instead of setting it. */
static uint64_t s2_leaf_attrs(rvm_s2_attr_t attr)
{
    uint64_t d = RVM_S2_DESC_AF | RVM_S2_DESC_SH_INNER;
    d |= (attr & RVM_S2_ATTR_WRITE) != 0 ? RVM_S2_DESC_S2AP_RW : RVM_S2_DESC_S2AP_RO;
    d |= (attr & RVM_S2_ATTR_DEVICE) != 0 ? RVM_S2_DESC_MEMATTR_DEVICE_NGNRE : RVM_S2_DESC_MEMATTR_NORMAL_WB;
    if ((attr & RVM_S2_ATTR_EXEC) == 0) {
        d |= RVM_S2_DESC_XN;
    }
    return d;
}

uint64_t rvm_s2_desc_block(rvm_phys_addr_t pa, rvm_s2_attr_t attr)
{
    return (pa.bits & RVM_S2_DESC_ADDR_MASK & ~(RVM_S2_BLOCK_SIZE - 1u)) | s2_leaf_attrs(attr) | RVM_S2_DESC_VALID;
}

uint64_t rvm_s2_desc_page(rvm_phys_addr_t pa, rvm_s2_attr_t attr)
{
    return (pa.bits & RVM_S2_DESC_ADDR_MASK) | s2_leaf_attrs(attr) | S2_TYPE_MASK;
}

/*
 * EXEC only for XN = 0b00: with FEAT_XNX the other encodings forbid execution
 * at EL1 or EL0, and a guest pointer check must not grant more than both.
 */
rvm_s2_attr_t rvm_s2_desc_attr(uint64_t desc)
{
    rvm_s2_attr_t a = 0;
    if ((desc & RVM_S2_DESC_S2AP_RW) == RVM_S2_DESC_S2AP_RW) {
        a |= RVM_S2_ATTR_WRITE;
    }
    if ((desc & RVM_S2_DESC_XN_MASK) == 0) {
        a |= RVM_S2_ATTR_EXEC;
    }
    /* MemAttr[3:2] = 0b00 selects Device memory at stage 2. */
    if ((desc & (UINT64_C(0xC) << 2)) == 0) {
        a |= RVM_S2_ATTR_DEVICE;
    }
    return a;
}

rvm_err_t rvm_s2_init(rvm_s2_space_t *s, uint16_t vmid, uint32_t parange, const rvm_s2_ops_t *ops)
{
    if (s == NULL || ops == NULL || ops->alloc == NULL || ops->free == NULL || ops->frame == NULL ||
        ops->sync == NULL || ops->invalidate == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t bits = rvm_s2_parange_bits(parange);
    if (vmid < RVM_S2_VMID_MIN || vmid > RVM_S2_VMID_MAX || bits == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_phys_addr_t root;
    rvm_err_t err = ops->alloc(ops->ctx, &root);
    if (err != RVM_OK) {
        return err;
    }
    s->ops = *ops;
    s->root = root;
    s->pa_limit = UINT64_C(1) << bits;
    s->frames = 1;
    s->vmid = vmid;
    return RVM_OK;
}

static void s2_span(s2_batch_t *b, uint64_t lo, uint64_t size)
{
    if (!b->dirty || lo < b->lo) {
        b->lo = lo;
    }
    if (!b->dirty || lo + size > b->hi) {
        b->hi = lo + size;
    }
    b->dirty = true;
}

/* The span is every IPA the detached table translated, so that the invalidation reaches its walk-cache entries. */
static void s2_detach(rvm_s2_space_t *s, s2_batch_t *b, uint64_t pa, uint64_t span_lo, uint64_t span_size)
{
    s2_frame(s, pa)[0] = b->head;
    b->head = pa;
    b->count++;
    s2_span(b, span_lo, span_size);
}

static void s2_finish(rvm_s2_space_t *s, s2_batch_t *b)
{
    if (b->dirty) {
        s->ops.invalidate(s->ops.ctx, s->vmid, rvm_gpa(b->lo), b->hi - b->lo);
    }
    for (; b->count > 0; b->count--) {
        uint64_t *f = s2_frame(s, b->head);
        uint64_t pa = b->head;
        b->head = f[0];
        f[0] = 0;
        s->ops.free(s->ops.ctx, rvm_phys(pa));
        s->frames--;
    }
}

static bool s2_table_empty(const rvm_s2_space_t *s, uint64_t pa)
{
    const uint64_t *t = s2_frame(s, pa);
    for (size_t i = 0; i < RVM_S2_ENTRIES; i++) {
        if (t[i] != 0) {
            return false;
        }
    }
    return true;
}

static void s2_clear_l3(rvm_s2_space_t *s, s2_batch_t *b, uint64_t l3, uint64_t lo, uint64_t hi)
{
    uint64_t *t = s2_frame(s, l3);
    for (uint64_t a = lo; a < hi; a += RVM_S2_PAGE_SIZE) {
        uint64_t *e = &t[s2_index(a, 3)];
        if (s2_valid(*e)) {
            *e = 0;
            s2_span(b, a, RVM_S2_PAGE_SIZE);
        }
    }
}

/* Blocks in the range are cleared whole: callers split any block that straddles an end first. */
static void s2_clear_l2(rvm_s2_space_t *s, s2_batch_t *b, uint64_t l2, uint64_t lo, uint64_t hi)
{
    uint64_t *t = s2_frame(s, l2);
    for (uint64_t a = lo; a < hi; a = s2_next_boundary(a, RVM_S2_BLOCK_SIZE)) {
        uint64_t *e = &t[s2_index(a, 2)];
        uint64_t base = a & ~(RVM_S2_BLOCK_SIZE - 1u);
        if (s2_is_block(*e)) {
            *e = 0;
            s2_span(b, base, RVM_S2_BLOCK_SIZE);
        } else if (s2_is_table(*e)) {
            uint64_t l3 = *e & RVM_S2_DESC_ADDR_MASK;
            s2_clear_l3(s, b, l3, a, s2_min(hi, s2_next_boundary(a, RVM_S2_BLOCK_SIZE)));
            if (s2_table_empty(s, l3)) {
                *e = 0;
                s2_detach(s, b, l3, base, RVM_S2_BLOCK_SIZE);
            }
        }
    }
}

/* Clears [lo, hi) and detaches every table it visits that ends up empty, so no empty table outlives an operation. */
static void s2_clear(rvm_s2_space_t *s, s2_batch_t *b, uint64_t lo, uint64_t hi)
{
    uint64_t *l1 = s2_frame(s, s->root.bits);
    for (uint64_t a = lo; a < hi; a = s2_next_boundary(a, S2_GIB)) {
        uint64_t *e = &l1[s2_index(a, 1)];
        if (!s2_valid(*e)) {
            continue;
        }
        uint64_t l2 = *e & RVM_S2_DESC_ADDR_MASK;
        s2_clear_l2(s, b, l2, a, s2_min(hi, s2_next_boundary(a, S2_GIB)));
        if (s2_table_empty(s, l2)) {
            *e = 0;
            s2_detach(s, b, l2, a & ~(S2_GIB - 1u), S2_GIB);
        }
    }
}

void rvm_s2_destroy(rvm_s2_space_t *s)
{
    s2_batch_t b = { 0 };
    s2_clear(s, &b, 0, RVM_S2_IPA_LIMIT);
    s2_detach(s, &b, s->root.bits, 0, RVM_S2_IPA_LIMIT);
    s2_finish(s, &b);
    s->root = rvm_phys(0);
}

static bool s2_range_mapped(const rvm_s2_space_t *s, uint64_t lo, uint64_t hi)
{
    const uint64_t *l1 = s2_frame(s, s->root.bits);
    uint64_t a = lo;
    while (a < hi) {
        uint64_t e1 = l1[s2_index(a, 1)];
        if (!s2_valid(e1)) {
            a = s2_next_boundary(a, S2_GIB);
            continue;
        }
        uint64_t e2 = s2_frame(s, e1 & RVM_S2_DESC_ADDR_MASK)[s2_index(a, 2)];
        if (!s2_valid(e2)) {
            a = s2_next_boundary(a, RVM_S2_BLOCK_SIZE);
            continue;
        }
        if (!s2_is_table(e2) || s2_valid(s2_frame(s, e2 & RVM_S2_DESC_ADDR_MASK)[s2_index(a, 3)])) {
            return true;
        }
        a += RVM_S2_PAGE_SIZE;
    }
    return false;
}

/* The next-level table behind *e, allocated and linked if *e is invalid. */
static rvm_err_t s2_next_table(rvm_s2_space_t *s, uint64_t *e, uint64_t *out)
{
    if (s2_valid(*e)) {
        *out = *e & RVM_S2_DESC_ADDR_MASK;
        return RVM_OK;
    }
    rvm_phys_addr_t pa;
    rvm_err_t err = s->ops.alloc(s->ops.ctx, &pa);
    if (err != RVM_OK) {
        return err;
    }
    s->frames++;
    /* The walker must see the frame zeroed before it can reach it. */
    s->ops.sync(s->ops.ctx);
    *e = rvm_s2_desc_table(pa);
    *out = pa.bits;
    return RVM_OK;
}

static rvm_err_t s2_check_range(uint64_t a, uint64_t size, uint64_t limit)
{
    if (size > limit || a > limit - size) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

static rvm_err_t s2_check_map(const rvm_s2_space_t *s, uint64_t ipa, uint64_t pa, uint64_t size, rvm_s2_attr_t attr)
{
    if (((ipa | pa | size) & (RVM_S2_PAGE_SIZE - 1u)) != 0) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    /* Instruction fetches from Device memory are never wanted and some cores treat them as unpredictable. */
    if (size == 0 || (attr & ~RVM_S2_ATTR_ALL) != 0 ||
        (attr & (RVM_S2_ATTR_DEVICE | RVM_S2_ATTR_EXEC)) == (RVM_S2_ATTR_DEVICE | RVM_S2_ATTR_EXEC)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = s2_check_range(ipa, size, RVM_S2_IPA_LIMIT);
    if (err == RVM_OK) {
        err = s2_check_range(pa, size, s->pa_limit);
    }
    if (err == RVM_OK && s2_range_mapped(s, ipa, ipa + size)) {
        err = RVM_ERR_MEMORY_OVERLAP;
    }
    return err;
}

rvm_err_t rvm_s2_map(rvm_s2_space_t *s, rvm_gpa_t ipa, rvm_phys_addr_t pa, uint64_t size, rvm_s2_attr_t attr)
{
    if (s == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = s2_check_map(s, ipa.bits, pa.bits, size, attr);
    if (err != RVM_OK) {
        return err;
    }
    uint64_t *l1 = s2_frame(s, s->root.bits);
    const uint64_t lo = ipa.bits;
    const uint64_t hi = lo + size;
    uint64_t a = lo;
    while (a < hi) {
        uint64_t l2;
        err = s2_next_table(s, &l1[s2_index(a, 1)], &l2);
        if (err != RVM_OK) {
            break;
        }
        uint64_t *e2 = &s2_frame(s, l2)[s2_index(a, 2)];
        uint64_t out = pa.bits + (a - lo);
        if (((a | out) & (RVM_S2_BLOCK_SIZE - 1u)) == 0 && hi - a >= RVM_S2_BLOCK_SIZE && !s2_valid(*e2)) {
            *e2 = rvm_s2_desc_block(rvm_phys(out), attr);
            a += RVM_S2_BLOCK_SIZE;
            continue;
        }
        uint64_t l3;
        err = s2_next_table(s, e2, &l3);
        if (err != RVM_OK) {
            break;
        }
        uint64_t *t3 = s2_frame(s, l3);
        for (uint64_t end = s2_min(hi, s2_next_boundary(a, RVM_S2_BLOCK_SIZE)); a < end; a += RVM_S2_PAGE_SIZE) {
            t3[s2_index(a, 3)] = rvm_s2_desc_page(rvm_phys(pa.bits + (a - lo)), attr);
        }
    }
    if (err != RVM_OK) {
        /* The page at `a` was never mapped, but its tables may be new and empty: include it so they are released. */
        s2_batch_t b = { 0 };
        s2_clear(s, &b, lo, a + RVM_S2_PAGE_SIZE);
        s2_finish(s, &b);
        return err;
    }
    s->ops.sync(s->ops.ctx);
    return RVM_OK;
}

/*
 * Replaces the block covering `a`, if any, by a level-3 table of the same
 * pages. Break-before-make: the block is invalidated before the table takes
 * its place, because two live translations of one IPA may raise TLB conflict
 * aborts. A guest access in between takes a stage-2 fault the kernel retries.
 */
static rvm_err_t s2_split(rvm_s2_space_t *s, uint64_t a)
{
    uint64_t e1 = s2_frame(s, s->root.bits)[s2_index(a, 1)];
    if (!s2_valid(e1)) {
        return RVM_OK;
    }
    uint64_t *e2 = &s2_frame(s, e1 & RVM_S2_DESC_ADDR_MASK)[s2_index(a, 2)];
    if (!s2_is_block(*e2)) {
        return RVM_OK;
    }
    rvm_phys_addr_t l3;
    rvm_err_t err = s->ops.alloc(s->ops.ctx, &l3);
    if (err != RVM_OK) {
        return err;
    }
    s->frames++;
    const uint64_t block = *e2;
    const uint64_t attrs = block & ~(RVM_S2_DESC_ADDR_MASK | S2_TYPE_MASK);
    const uint64_t base = block & RVM_S2_DESC_ADDR_MASK;
    uint64_t *t3 = s2_frame(s, l3.bits);
    for (size_t i = 0; i < RVM_S2_ENTRIES; i++) {
        t3[i] = (base + i * RVM_S2_PAGE_SIZE) | attrs | S2_TYPE_MASK;
    }
    *e2 = 0;
    s->ops.invalidate(s->ops.ctx, s->vmid, rvm_gpa(a & ~(RVM_S2_BLOCK_SIZE - 1u)), RVM_S2_BLOCK_SIZE);
    *e2 = rvm_s2_desc_table(l3);
    s->ops.sync(s->ops.ctx);
    return RVM_OK;
}

rvm_err_t rvm_s2_unmap(rvm_s2_space_t *s, rvm_gpa_t ipa, uint64_t size)
{
    if (s == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (((ipa.bits | size) & (RVM_S2_PAGE_SIZE - 1u)) != 0) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    if (size == 0 || s2_check_range(ipa.bits, size, RVM_S2_IPA_LIMIT) != RVM_OK) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const uint64_t lo = ipa.bits;
    const uint64_t hi = lo + size;
    /* Both splits happen before anything is unmapped, so running out of frames leaves the mappings as they were. */
    rvm_err_t err = RVM_OK;
    if ((lo & (RVM_S2_BLOCK_SIZE - 1u)) != 0) {
        err = s2_split(s, lo);
    }
    if (err == RVM_OK && (hi & (RVM_S2_BLOCK_SIZE - 1u)) != 0) {
        err = s2_split(s, hi);
    }
    if (err != RVM_OK) {
        return err;
    }
    s2_batch_t b = { 0 };
    s2_clear(s, &b, lo, hi);
    s2_finish(s, &b);
    return RVM_OK;
}

rvm_err_t rvm_s2_translate(const rvm_s2_space_t *s, rvm_gpa_t ipa, rvm_s2_walk_t *out)
{
    if (s == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* The Arm ARM (AArch64.S2Translate) reports an IPA beyond the T0SZ range as a translation fault at level 0. */
    *out = (rvm_s2_walk_t){ .fault = RVM_S2_FAULT_TRANSLATION, .level = 0 };
    if (ipa.bits >= RVM_S2_IPA_LIMIT) {
        return RVM_ERR_NOT_FOUND;
    }
    uint64_t table = s->root.bits;
    for (unsigned level = 1;; level++) {
        uint64_t d = s2_frame(s, table)[s2_index(ipa.bits, level)];
        uint64_t oa = d & RVM_S2_DESC_ADDR_MASK;
        out->level = (uint8_t)level;
        /* Bits [1:0] = 0b01 at level 3 are reserved and fault like an invalid descriptor. */
        if (!s2_valid(d) || (level == 3 && !s2_is_table(d))) {
            return RVM_ERR_NOT_FOUND;
        }
        if (oa >= s->pa_limit) {
            out->fault = RVM_S2_FAULT_ADDRESS_SIZE;
            return RVM_ERR_NOT_FOUND;
        }
        if (level < 3 && s2_is_table(d)) {
            table = oa;
            continue;
        }
        if ((d & RVM_S2_DESC_AF) == 0) {
            out->fault = RVM_S2_FAULT_ACCESS_FLAG;
            return RVM_ERR_NOT_FOUND;
        }
        uint64_t leaf = UINT64_C(1) << s2_shift(level);
        out->fault = RVM_S2_FAULT_NONE;
        out->pa = rvm_phys((oa & ~(leaf - 1u)) | (ipa.bits & (leaf - 1u)));
        out->size = leaf;
        out->desc = d;
        out->attr = rvm_s2_desc_attr(d);
        return RVM_OK;
    }
}

rvm_err_t rvm_s2_set_vmid(rvm_s2_space_t *s, uint16_t vmid)
{
    if (s == NULL || vmid < RVM_S2_VMID_MIN || vmid > RVM_S2_VMID_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    s->vmid = vmid;
    return RVM_OK;
}
