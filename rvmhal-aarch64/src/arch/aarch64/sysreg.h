/* System-register, barrier and MMIO accessors of the AArch64 port (private; EL2 only). */
#ifndef RVM_HAL_AARCH64_SYSREG_H
#define RVM_HAL_AARCH64_SYSREG_H

#include <stdint.h>

/* One accessor per register the C code uses; the name must be an assembler literal, hence the macros. */
#define RVM_SYSREG_READ(reg)                                                                                       \
    static inline uint64_t sysreg_read_##reg(void)                                                                 \
    {                                                                                                              \
        uint64_t v;                                                                                                \
        __asm__ volatile("mrs %0, " #reg : "=r"(v));                                                               \
        return v;                                                                                                  \
    }
#define RVM_SYSREG_WRITE(reg)                                                                                      \
    static inline void sysreg_write_##reg(uint64_t v)                                                              \
    {                                                                                                              \
        __asm__ volatile("msr " #reg ", %0" : : "r"(v) : "memory");                                                \
    }

RVM_SYSREG_READ(cntfrq_el0)
RVM_SYSREG_READ(cptr_el2)
RVM_SYSREG_WRITE(cptr_el2)
RVM_SYSREG_WRITE(cnthp_ctl_el2)
RVM_SYSREG_WRITE(cnthp_cval_el2)

/* Without the ISB the counter may be read early, before the instructions that precede it in program order. */
static inline uint64_t sysreg_read_cntpct_el0(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v) : : "memory");
    return v;
}

static inline void isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

/* Orders MMIO against MMIO and memory before a device sees the next access. */
static inline void dsb_sy(void)
{
    __asm__ volatile("dsb sy" : : : "memory");
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" : : : "memory");
}

static inline void irq_unmask(void)
{
    __asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void irq_mask(void)
{
    __asm__ volatile("msr daifset, #2" : : : "memory");
}

static inline void all_exceptions_mask(void)
{
    __asm__ volatile("msr daifset, #0xf" : : : "memory");
}

/*
 * Device registers are 32 bits wide on the PL011 and the GIC; volatile keeps
 * every access. Device addresses come from the device tree as integers, so
 * these two casts are the port's only integer-to-pointer conversions.
 */
static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile const uint32_t *)addr; // NOLINT(performance-no-int-to-ptr): MMIO address
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v; // NOLINT(performance-no-int-to-ptr): MMIO address
}

#endif
