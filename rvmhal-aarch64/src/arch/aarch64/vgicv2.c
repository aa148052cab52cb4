/* GICv2 virtual interface control (GICH): list registers of the vCPU on this CPU (AArch64 port). */
#include <rvm/gic.h>
#include <rvm/vgic.h>

#include "sysreg.h"

enum {
    GICH_HCR = 0x000,
    GICH_VTR = 0x004,
    GICH_VMCR = 0x008,
    GICH_APR = 0x0f0,
    GICH_LR = 0x100,
};

#define GICH_HCR_EN 1u
#define GICH_VTR_LISTREGS_MASK 0x3fu

/* List register fields (GICv2 architecture, GICH_LRn). */
#define LR_VINTID_MASK 0x3ffu
#define LR_PINTID_SHIFT 10u
#define LR_PRIORITY_SHIFT 23u
#define LR_STATE_SHIFT 28u
#define LR_STATE_MASK (3u << LR_STATE_SHIFT)
#define LR_STATE_PENDING (1u << LR_STATE_SHIFT)
#define LR_HW (1u << 31)
/* Only the top five priority bits fit in a list register. */
#define LR_PRIORITY_BITS 0xf8u

static uintptr_t gich;
static uint32_t lr_count;

static uintptr_t lr_addr(uintptr_t base, uint32_t i)
{
    return base + GICH_LR + sizeof(uint32_t) * i;
}

rvm_err_t rvm_vgic_init(uintptr_t gich_base)
{
    if (gich_base == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_gicv2_ready()) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    uint32_t n = (mmio_read32(gich_base + GICH_VTR) & GICH_VTR_LISTREGS_MASK) + 1u;
    for (uint32_t i = 0; i < n; i++) {
        mmio_write32(lr_addr(gich_base, i), 0);
    }
    mmio_write32(gich_base + GICH_VMCR, 0);
    mmio_write32(gich_base + GICH_APR, 0);
    mmio_write32(gich_base + GICH_HCR, GICH_HCR_EN);
    dsb_sy();
    gich = gich_base;
    lr_count = n;
    return RVM_OK;
}

uint32_t rvm_vgic_lr_count(void)
{
    return lr_count;
}

void rvm_vgic_state_init(rvm_vgic_state_t *s)
{
    *s = (rvm_vgic_state_t){ .hcr = GICH_HCR_EN };
}

static bool lr_is_hw(uint32_t lr)
{
    return (lr & LR_HW) != 0u && (lr & LR_STATE_MASK) != 0u;
}

static uint32_t lr_pintid(uint32_t lr)
{
    return (lr >> LR_PINTID_SHIFT) & LR_VINTID_MASK;
}

void rvm_vgic_save(rvm_vgic_state_t *s)
{
    if (gich == 0) {
        return;
    }
    s->hcr = mmio_read32(gich + GICH_HCR);
    s->vmcr = mmio_read32(gich + GICH_VMCR);
    s->apr = mmio_read32(gich + GICH_APR);
    s->hw_active = 0;
    for (uint32_t i = 0; i < lr_count; i++) {
        uint32_t lr = mmio_read32(lr_addr(gich, i));
        s->lr[i] = lr;
        /* Still listed: the partition has not deactivated it, so the physical one is active on its behalf. */
        if (lr_is_hw(lr) && lr_pintid(lr) < RVM_VGIC_PINTID_LIMIT) {
            s->hw_active |= 1u << lr_pintid(lr);
            rvm_gicv2_set_active(lr_pintid(lr), false);
        }
    }
}

void rvm_vgic_restore(const rvm_vgic_state_t *s)
{
    if (gich == 0) {
        return;
    }
    for (uint32_t pintid = 0; pintid < RVM_VGIC_PINTID_LIMIT; pintid++) {
        if ((s->hw_active & (1u << pintid)) != 0u) {
            rvm_gicv2_set_active(pintid, true);
        }
    }
    mmio_write32(gich + GICH_VMCR, s->vmcr);
    mmio_write32(gich + GICH_APR, s->apr);
    for (uint32_t i = 0; i < lr_count; i++) {
        mmio_write32(lr_addr(gich, i), s->lr[i]);
    }
    mmio_write32(gich + GICH_HCR, s->hcr | GICH_HCR_EN);
    dsb_sy();
}

static uint32_t lr_get(const rvm_vgic_state_t *s, bool live, uint32_t i)
{
    return live ? mmio_read32(lr_addr(gich, i)) : s->lr[i];
}

static void lr_set(rvm_vgic_state_t *s, bool live, uint32_t i, uint32_t lr)
{
    if (live) {
        mmio_write32(lr_addr(gich, i), lr);
        dsb_sy();
    } else {
        s->lr[i] = lr;
    }
}

rvm_err_t rvm_vgic_inject(rvm_vgic_state_t *s, bool live, uint32_t vintid, uint8_t priority, uint32_t pintid)
{
    if (vintid >= RVM_VGIC_VINTID_LIMIT || (pintid != RVM_VGIC_NO_PINTID && pintid >= RVM_VGIC_PINTID_LIMIT)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (gich == 0) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    uint32_t free_slot = lr_count;
    for (uint32_t i = 0; i < lr_count; i++) {
        uint32_t lr = lr_get(s, live, i);
        if ((lr & LR_STATE_MASK) == 0u) {
            free_slot = free_slot < lr_count ? free_slot : i;
            continue;
        }
        if ((lr & LR_VINTID_MASK) == vintid) {
            /* A forwarded source stays active until the partition ends it: it cannot be pending twice. */
            if ((lr & LR_HW) == 0u) {
                lr_set(s, live, i, lr | LR_STATE_PENDING);
            }
            return RVM_OK;
        }
    }
    if (free_slot == lr_count) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    uint32_t lr = vintid | LR_STATE_PENDING | ((uint32_t)(priority & LR_PRIORITY_BITS) << (LR_PRIORITY_SHIFT - 3u));
    if (pintid != RVM_VGIC_NO_PINTID) {
        lr |= LR_HW | (pintid << LR_PINTID_SHIFT);
    }
    lr_set(s, live, free_slot, lr);
    return RVM_OK;
}

bool rvm_vgic_pending(const rvm_vgic_state_t *s, bool live)
{
    if (gich == 0) {
        return false;
    }
    for (uint32_t i = 0; i < lr_count; i++) {
        if ((lr_get(s, live, i) & LR_STATE_PENDING) != 0u) {
            return true;
        }
    }
    return false;
}
