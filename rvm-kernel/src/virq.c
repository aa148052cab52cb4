/* A GICv2 per partition: the virtual CPU interface in hardware, the distributor emulated (see virq.h). */
#include "virq.h"

#include <rvm/hal.h>
#include <rvm/stage2.h>
#include <rvm/vgic.h>

#include "vm.h"

/* Distributor registers a partition can reach (GICv2 architecture offsets). */
enum {
    GICD_CTLR = 0x000,
    GICD_TYPER = 0x004,
    GICD_IIDR = 0x008,
    GICD_ISENABLER0 = 0x100,
    GICD_ICENABLER0 = 0x180,
    GICD_ISPENDR0 = 0x200,
    GICD_ICPENDR0 = 0x280,
    GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800,
    GICD_ICFGR0 = 0xc00,
    GICD_ICFGR1 = 0xc04,
    GICD_SGIR = 0xf00,
    GICD_ICPIDR2 = 0xfe8,
};

/* The distributor's register map is 4 KiB; the rest of its frame is unmapped and faults. */
#define GICD_MAP_BYTES 0x1000u
/* The virtual CPU interface: GICC_* registers in the first page, GICC_DIR in the second. */
#define GICV_MAP_BYTES 0x2000u
#define PRIORITY_BYTES RVM_VIRQ_LINES
/* One CPU interface, so every target byte names CPU 0. */
#define TARGETS_CPU0 0x01010101u
/* SGIs are edge-triggered (0b10 per field); PPIs level-sensitive. */
#define ICFGR0_SGIS_EDGE 0xaaaaaaaau
/* ArchRev 2 in bits [7:4], as a GICv2 distributor reports it. */
#define ICPIDR2_GICV2 0x2bu
#define SGI_COUNT 16u
#define SGIR_FILTER_SHIFT 24u
#define SGIR_FILTER_LIST 0u
#define SGIR_FILTER_SELF 2u
#define SGIR_TARGET_CPU0 (1u << 16)
#define SGIR_INTID_MASK 0xfu
#define CNTV_CTL_ENABLE 1u
#define CNTV_CTL_IMASK 2u

static uintptr_t gich_base;
static uint64_t gicd_ipa;
static uint64_t gicc_ipa;
static uint64_t gicv_pa;
static uint32_t vtimer_intid;

rvm_err_t rvm_virq_setup(const rvm_dtb_platform_t *plat)
{
    if (plat->gich.size == 0u || plat->gicv.size < GICV_MAP_BYTES || plat->gicc.size < GICV_MAP_BYTES ||
        plat->gicd.size < GICD_MAP_BYTES) {
        return RVM_ERR_UNSUPPORTED;
    }
    uint32_t vt = plat->timer_intid[RVM_DTB_TIMER_VIRTUAL];
    if (vt < SGI_COUNT || vt >= RVM_VIRQ_LINES) {
        return RVM_ERR_UNSUPPORTED;
    }
    gich_base = (uintptr_t)plat->gich.base;
    rvm_err_t err = rvm_virq_cpu_setup();
    if (err != RVM_OK) {
        return err;
    }
    gicd_ipa = plat->gicd.base;
    gicc_ipa = plat->gicc.base;
    gicv_pa = plat->gicv.base;
    vtimer_intid = vt;
    return RVM_OK;
}

rvm_err_t rvm_virq_cpu_setup(void)
{
    return rvm_vgic_init(gich_base);
}

rvm_err_t rvm_virq_partition_init(rvm_vm_t *p)
{
    p->vdist = (rvm_vdist_t){ 0 };
    rvm_vgic_state_init(&p->vgic);
    /* Device memory, never executable: the partition's GICC registers are the hardware's GICV registers. */
    return rvm_s2_map(&p->s2, rvm_gpa(gicc_ipa), rvm_phys(gicv_pa), GICV_MAP_BYTES,
                      RVM_S2_ATTR_WRITE | RVM_S2_ATTR_DEVICE);
}

static bool deliverable(const rvm_vm_t *p, uint32_t intid)
{
    return (p->vdist.ctlr & 1u) != 0u && (p->vdist.enabled & (1u << intid)) != 0u;
}

/* Lists every raised, deliverable interrupt that fits; the rest stay raised for the next attempt. */
static void flush_pending(rvm_vm_t *p, bool running)
{
    for (uint32_t intid = 0; intid < RVM_VIRQ_LINES && p->vdist.pending != 0u; intid++) {
        uint32_t bit = 1u << intid;
        if ((p->vdist.pending & bit) == 0u || !deliverable(p, intid)) {
            continue;
        }
        if (rvm_vgic_inject(&p->vgic, running, intid, p->vdist.priority[intid], RVM_VGIC_NO_PINTID) == RVM_OK) {
            p->vdist.pending &= ~bit;
        }
    }
}

/* The physical vtimer PPI is enabled exactly while the running partition's distributor would deliver it. */
static void mirror_forwarded(const rvm_vm_t *p)
{
    if (deliverable(p, vtimer_intid)) {
        (void)rvm_hal_irq_enable(vtimer_intid);
    } else {
        (void)rvm_hal_irq_disable(vtimer_intid);
    }
}

static uint32_t byte_lane_read(const uint8_t *bytes, uint32_t index, uint32_t size)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < size; i++) {
        v |= (uint32_t)bytes[index + i] << (8u * i);
    }
    return v;
}

static uint32_t read_reg(const rvm_vm_t *p, uint32_t off, uint32_t size)
{
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + PRIORITY_BYTES) {
        return byte_lane_read(p->vdist.priority, off - GICD_IPRIORITYR, size);
    }
    if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + PRIORITY_BYTES) {
        return size == 1u ? (TARGETS_CPU0 & 0xffu) : TARGETS_CPU0;
    }
    switch (off) {
    case GICD_CTLR:
        return p->vdist.ctlr;
    case GICD_ISENABLER0:
    case GICD_ICENABLER0:
        return p->vdist.enabled;
    case GICD_ISPENDR0:
    case GICD_ICPENDR0:
        return p->vdist.pending;
    case GICD_ICFGR0:
        return ICFGR0_SGIS_EDGE;
    case GICD_ICPIDR2:
        return ICPIDR2_GICV2;
    case GICD_TYPER: /* ITLinesNumber 0 (32 lines), CPUNumber 0 (one CPU interface) */
    case GICD_IIDR:
    case GICD_ICFGR1:
    default:
        return 0;
    }
}

static void write_reg(rvm_vm_t *p, uint32_t off, uint32_t size, uint32_t v)
{
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + PRIORITY_BYTES) {
        for (uint32_t i = 0; i < size; i++) {
            p->vdist.priority[off - GICD_IPRIORITYR + i] = (uint8_t)(v >> (8u * i));
        }
        return;
    }
    switch (off) {
    case GICD_CTLR:
        p->vdist.ctlr = v & 1u;
        break;
    case GICD_ISENABLER0:
        p->vdist.enabled |= v;
        break;
    case GICD_ICENABLER0:
        p->vdist.enabled &= ~v;
        break;
    case GICD_ISPENDR0:
        /* SGI pending bits are read-only here in GICv2, and the timer's pending state is its output line. */
        p->vdist.pending |= v & ~((1u << SGI_COUNT) - 1u) & ~(1u << vtimer_intid);
        break;
    case GICD_ICPENDR0:
        p->vdist.pending &= ~(v & ~((1u << SGI_COUNT) - 1u));
        break;
    case GICD_SGIR: {
        uint32_t filter = (v >> SGIR_FILTER_SHIFT) & 3u;
        if (filter == SGIR_FILTER_SELF || (filter == SGIR_FILTER_LIST && (v & SGIR_TARGET_CPU0) != 0u)) {
            p->vdist.pending |= 1u << (v & SGIR_INTID_MASK);
        }
        break;
    }
    default:
        /* Read-only, reserved, or about interrupts this distributor does not have: ignored. */
        break;
    }
}

static bool size_allowed(uint32_t off, uint32_t size)
{
    bool bytes_ok = (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + PRIORITY_BYTES) ||
                    (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + PRIORITY_BYTES);
    if (size == 4u) {
        return (off & 3u) == 0u;
    }
    return size == 1u && bytes_ok;
}

rvm_err_t rvm_virq_mmio(rvm_trap_frame_t *f, rvm_vm_t *p, const rvm_trap_t *t)
{
    const rvm_trap_abort_t *a = &t->u.abort;
    if (!a->ipa_valid || a->ipa.bits < gicd_ipa || a->ipa.bits - gicd_ipa >= GICD_MAP_BYTES) {
        return RVM_ERR_NOT_FOUND;
    }
    uint32_t off = (uint32_t)(a->ipa.bits - gicd_ipa);
    uint32_t size = 1u << a->sas;
    if (!t->valid || !size_allowed(off, size)) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    if (a->wnr) {
        uint32_t v = a->srt == 31u ? 0u : (uint32_t)f->x[a->srt];
        write_reg(p, off, size, v);
        flush_pending(p, true);
        mirror_forwarded(p);
    } else if (a->srt != 31u) {
        uint64_t v = read_reg(p, off, size);
        if (a->sse && size == 1u && (v & 0x80u) != 0u) {
            v |= ~UINT64_C(0xff);
        }
        if (!a->sf) {
            v &= UINT64_C(0xffffffff);
        }
        f->x[a->srt] = v;
    }
    f->elr += t->insn_len;
    return RVM_OK;
}

bool rvm_virq_forward(uint32_t intid, rvm_vm_t *p)
{
    if (intid != vtimer_intid || p == NULL || p->state != RVM_VM_RUNNABLE || !deliverable(p, intid)) {
        return false;
    }
    return rvm_vgic_inject(&p->vgic, true, intid, p->vdist.priority[intid], intid) == RVM_OK;
}

void rvm_virq_switch_in(rvm_vm_t *p)
{
    rvm_vgic_restore(&p->vgic);
    flush_pending(p, true);
    mirror_forwarded(p);
}

void rvm_virq_switch_out(rvm_vm_t *p)
{
    rvm_vgic_save(&p->vgic);
}

void rvm_virq_partition_stop(rvm_vm_t *p, bool running)
{
    p->vdist = (rvm_vdist_t){ 0 };
    if (running) {
        /* Its timer stays loaded until the next partition's replaces it: silence it, and drop what it had listed. */
        rvm_vgic_save(&p->vgic);
        (void)rvm_hal_irq_disable(vtimer_intid);
    }
    rvm_vgic_state_init(&p->vgic);
}

uint64_t rvm_virq_timer_deadline(const rvm_vm_t *p)
{
    uint64_t ctl = p->vcpu.el1.cntv_ctl;
    if ((ctl & CNTV_CTL_ENABLE) == 0u || (ctl & CNTV_CTL_IMASK) != 0u || !deliverable(p, vtimer_intid)) {
        return UINT64_MAX;
    }
    return p->vcpu.el1.cntv_cval;
}

bool rvm_virq_wants_cpu(const rvm_vm_t *p, bool running, uint64_t now)
{
    if (rvm_vgic_pending(&p->vgic, running)) {
        return true;
    }
    /* CNTVOFF_EL2 is 0, so the virtual count is the physical one. */
    return !running && rvm_virq_timer_deadline(p) <= now;
}
