/* GICv2 driver: distributor and CPU interface of the boot CPU, behind the HAL interrupt calls. */
#include <rvm/gic.h>
#include <rvm/hal.h>

#include "sysreg.h"

enum {
    GICD_CTLR = 0x000,
    GICD_TYPER = 0x004,
    GICD_ISENABLER = 0x100,
    GICD_ICENABLER = 0x180,
    GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300,
    GICD_ICACTIVER = 0x380,
    GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800,
    GICD_ICPIDR2 = 0xfe8,
    GICC_CTLR = 0x000,
    GICC_PMR = 0x004,
    GICC_IAR = 0x00c,
    GICC_EOIR = 0x010,
    GICC_DIR = 0x1000,
};

/* Group 0 and group 1 both on: without the Security Extensions both are signalled as IRQ. */
#define CTLR_ENABLE_BOTH_GROUPS 3u
/*
 * GICC_CTLR.EOImode: EOIR only drops the running priority and DIR deactivates,
 * so an interrupt forwarded to a partition can stay active until the partition
 * deactivates it through a hardware list register.
 */
#define GICC_CTLR_EOIMODE (1u << 9)
/* INTIDs 0..31 are banked per CPU (SGIs and PPIs): their target bytes are read-only. */
#define FIRST_SPI 32u
#define BOOT_CPU_TARGET 0x01u

/* Register `intid / 32` of a bit-per-INTID bank. */
static uintptr_t bit_reg(uintptr_t base, uint32_t bank, uint32_t intid)
{
    return base + bank + sizeof(uint32_t) * (intid / 32u);
}

static uintptr_t gicd;
static uintptr_t gicc;
static uint32_t line_count;

rvm_err_t rvm_gicv2_init(uintptr_t gicd_base, uintptr_t gicc_base)
{
    if (gicd_base == 0 || gicc_base == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* ArchRev in ICPIDR2[7:4]; a GICv3 in legacy mode would need a different driver. */
    if (((mmio_read32(gicd_base + GICD_ICPIDR2) >> 4) & 0xfu) != 2u) {
        return RVM_ERR_UNSUPPORTED;
    }
    mmio_write32(gicd_base + GICD_CTLR, 0);
    uint32_t lines = 32u * ((mmio_read32(gicd_base + GICD_TYPER) & 0x1fu) + 1u);
    /* Firmware may leave interrupts enabled or pending; the hypervisor starts from a known state. */
    for (uint32_t reg = 0; reg < lines / 32u; reg++) {
        mmio_write32(bit_reg(gicd_base, GICD_ICENABLER, 32u * reg), 0xffffffffu);
        mmio_write32(bit_reg(gicd_base, GICD_ICPENDR, 32u * reg), 0xffffffffu);
    }
    mmio_write32(gicd_base + GICD_CTLR, CTLR_ENABLE_BOTH_GROUPS);
    gicd = gicd_base;
    gicc = gicc_base;
    line_count = lines > 1020u ? 1020u : lines;
    return rvm_gicv2_cpu_init();
}

rvm_err_t rvm_gicv2_cpu_init(void)
{
    if (gicc == 0) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    /* SGIs and PPIs are banked: each CPU starts its own from nothing enabled or pending. */
    mmio_write32(gicd + GICD_ICENABLER, 0xffffffffu);
    mmio_write32(gicd + GICD_ICPENDR, 0xffffffffu);
    mmio_write32(gicc + GICC_PMR, RVM_GICV2_DEFAULT_PMR);
    mmio_write32(gicc + GICC_CTLR, CTLR_ENABLE_BOTH_GROUPS | GICC_CTLR_EOIMODE);
    dsb_sy();
    return RVM_OK;
}

rvm_err_t rvm_gicv2_set_priority_mask(uint8_t pmr)
{
    if (gicc == 0) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    mmio_write32(gicc + GICC_PMR, pmr);
    dsb_sy();
    return RVM_OK;
}

/* Byte lane `intid` of a byte-per-INTID register bank, by 32-bit read-modify-write (word access works on every GICv2). */
static void set_byte(uintptr_t bank, uint32_t intid, uint8_t value)
{
    uintptr_t reg = bank + (intid & ~3u);
    uint32_t shift = 8u * (intid & 3u);
    uint32_t v = mmio_read32(reg) & ~(0xffu << shift);
    mmio_write32(reg, v | ((uint32_t)value << shift));
}

static rvm_err_t check_intid(uint32_t intid)
{
    if (gicd == 0) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    return intid < line_count ? RVM_OK : RVM_ERR_INVALID_ARGUMENT;
}

rvm_err_t rvm_hal_irq_enable(uint32_t intid)
{
    rvm_err_t err = check_intid(intid);
    if (err != RVM_OK) {
        return err;
    }
    set_byte(gicd + GICD_IPRIORITYR, intid, RVM_GICV2_IRQ_PRIORITY);
    if (intid >= FIRST_SPI) {
        set_byte(gicd + GICD_ITARGETSR, intid, BOOT_CPU_TARGET);
    }
    mmio_write32(bit_reg(gicd, GICD_ISENABLER, intid), 1u << (intid % 32u));
    dsb_sy();
    return RVM_OK;
}

rvm_err_t rvm_hal_irq_disable(uint32_t intid)
{
    rvm_err_t err = check_intid(intid);
    if (err != RVM_OK) {
        return err;
    }
    mmio_write32(bit_reg(gicd, GICD_ICENABLER, intid), 1u << (intid % 32u));
    dsb_sy();
    return RVM_OK;
}

uint32_t rvm_hal_irq_ack(void)
{
    if (gicc == 0) {
        return RVM_HAL_IRQ_SPURIOUS;
    }
    /* The whole IAR is the token: for SGIs its CPUID bits must go back in EOIR. */
    return mmio_read32(gicc + GICC_IAR) & 0x1fffu;
}

void rvm_hal_irq_eoi(uint32_t ack)
{
    if (gicc == 0 || (ack & RVM_HAL_IRQ_INTID_MASK) == RVM_HAL_IRQ_SPURIOUS) {
        return;
    }
    /* The handler's memory writes must be visible before the same interrupt can be taken again. */
    dsb_sy();
    mmio_write32(gicc + GICC_EOIR, ack);
    mmio_write32(gicc + GICC_DIR, ack);
}

void rvm_hal_irq_priority_drop(uint32_t ack)
{
    if (gicc == 0 || (ack & RVM_HAL_IRQ_INTID_MASK) == RVM_HAL_IRQ_SPURIOUS) {
        return;
    }
    dsb_sy();
    mmio_write32(gicc + GICC_EOIR, ack);
}

bool rvm_gicv2_ready(void)
{
    return gicd != 0;
}

void rvm_gicv2_set_active(uint32_t intid, bool active)
{
    if (check_intid(intid) != RVM_OK) {
        return;
    }
    mmio_write32(bit_reg(gicd, active ? GICD_ISACTIVER : GICD_ICACTIVER, intid), 1u << (intid % 32u));
    dsb_sy();
}
