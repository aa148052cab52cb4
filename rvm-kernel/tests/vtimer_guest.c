/*
 * Check guest for virtual interrupts: it programs its own GIC the way a
 * bare-metal kernel would (the emulated distributor, the virtual CPU
 * interface mapped at GICC) and takes IRQS interrupts of its EL1 virtual
 * timer, every PERIOD_MS milliseconds, none before its deadline, while other
 * partitions run. It also shows that its distributor is its own (disabling
 * everything there leaves the hypervisor's tick alone), that a disabled or
 * masked timer interrupt is not delivered, and that an SGI to itself arrives.
 */
#include <stdint.h>

#include <rvm/hypercall.h>

#define GICD 0x08000000u
#define GICC 0x08010000u
#define GICD_CTLR 0x000u
#define GICD_TYPER 0x004u
#define GICD_ISENABLER0 0x100u
#define GICD_ICENABLER0 0x180u
#define GICD_IPRIORITYR 0x400u
#define GICD_SGIR 0xf00u
#define GICD_ICPIDR2 0xfe8u
#define GICC_CTLR 0x000u
#define GICC_PMR 0x004u
#define GICC_IAR 0x00cu
#define GICC_EOIR 0x010u
#define VTIMER_INTID 27u
#define SGI_INTID 5u
#define INTID_MASK 0x3ffu
#define IRQS 20u

void vtimer_main(void);
void vtimer_irq(void);
void vtimer_unexpected(void);
extern const char vtimer_vectors[];

__attribute__((naked, section(".text.entry"))) void _start(void)
{
    __asm__ volatile("mov x9, #0x40100000\n\tmov sp, x9\n\tb vtimer_main");
}

static volatile uint32_t timer_irqs;
static volatile uint32_t early;
static volatile uint32_t sgis;
static volatile uint32_t others;
static uint64_t period;

static uint32_t rd(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr; // NOLINT(performance-no-int-to-ptr): an IPA
}

static void wr(uint32_t addr, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)addr = v; // NOLINT(performance-no-int-to-ptr): an IPA
}

static void wr8(uint32_t addr, uint8_t v)
{
    *(volatile uint8_t *)(uintptr_t)addr = v; // NOLINT(performance-no-int-to-ptr): an IPA
}

static uint64_t now(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

static uint64_t cval(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntv_cval_el0" : "=r"(v));
    return v;
}

static void timer_set(uint64_t deadline, uint64_t ctl)
{
    __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" : : "r"(deadline), "r"(ctl) : "memory");
}

static void say(const char *s, uint64_t n)
{
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_CONSOLE_WRITE), (uint64_t)(uintptr_t)s, n, 0, 0, 0, 0);
}

static _Noreturn void finish(const char *s, uint64_t n, uint64_t code)
{
    say(s, n);
    (void)rvm_hc_call(RVM_HC_FID(RVM_HC_EXIT), code, 0, 0, 0, 0, 0);
    for (;;) {
    }
}

#define FAIL(msg)                                                                                                  \
    do {                                                                                                           \
        static const char m_[] = NAME ": FAIL " msg "\n";                                                          \
        finish(m_, sizeof m_ - 1u, 1);                                                                             \
    } while (0)

void vtimer_unexpected(void)
{
    FAIL("unexpected exception");
}

void vtimer_irq(void)
{
    uint32_t iar = rd(GICC + GICC_IAR);
    uint32_t intid = iar & INTID_MASK;
    if (intid == 1023u) {
        return;
    }
    if (intid == VTIMER_INTID) {
        if (now() < cval()) {
            early++;
        }
        timer_irqs++;
        /* Level-sensitive: move the deadline (or stop) before ending the interrupt, or it comes straight back. */
        if (timer_irqs >= IRQS) {
            timer_set(0, 0);
        } else {
            timer_set(cval() + period, 1);
        }
    } else if (intid == SGI_INTID) {
        sgis++;
    } else {
        others++;
    }
    wr(GICC + GICC_EOIR, iar);
}

static void spin_ms(uint32_t ms)
{
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    uint64_t end = now() + freq * ms / 1000u;
    while (now() < end) {
    }
}

void vtimer_main(void)
{
    static const char hello[] = NAME ": programming its GIC\n";
    static const char done[] = NAME ": 20 timer interrupts, none early; masked and disabled ones held back\n";
    say(hello, sizeof hello - 1u);

    if (rd(GICD + GICD_TYPER) != 0u || (rd(GICD + GICD_ICPIDR2) & 0xf0u) != 0x20u) {
        FAIL("distributor identification");
    }
    /* On the physical distributor this would stop the hypervisor's own tick: here it is this partition's alone. */
    wr(GICD + GICD_CTLR, 0);
    wr(GICD + GICD_ICENABLER0, 0xffffffffu);
    if (rd(GICD + GICD_ISENABLER0) != 0u || rd(GICD + GICD_CTLR) != 0u) {
        FAIL("distributor state");
    }
    wr8(GICD + GICD_IPRIORITYR + VTIMER_INTID, 0xa0);
    wr8(GICD + GICD_IPRIORITYR + SGI_INTID, 0x90);
    if (rd(GICD + GICD_IPRIORITYR + 24u) != 0xa0000000u) {
        FAIL("priority byte lanes");
    }
    wr(GICD + GICD_ISENABLER0, (1u << VTIMER_INTID) | (1u << SGI_INTID));
    wr(GICD + GICD_CTLR, 1);
    wr(GICC + GICC_PMR, 0xf0);
    wr(GICC + GICC_CTLR, 1);
    __asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(vtimer_vectors) : "memory");

    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    period = freq * PERIOD_MS / 1000u;
    uint64_t start = now();
    timer_set(start + period, 1);
    __asm__ volatile("msr daifclr, #2" : : : "memory");
    while (timer_irqs < IRQS) {
        __asm__ volatile("wfi" : : : "memory");
    }
    if (early != 0u || others != 0u || now() - start < IRQS * period) {
        FAIL("timer interrupts came early or were not the timer's");
    }

    /* Expired but masked at the timer, then expired but disabled at the distributor: neither may arrive. */
    uint32_t seen = timer_irqs;
    timer_set(now(), 3);
    spin_ms(10);
    if (timer_irqs != seen) {
        FAIL("masked timer interrupt delivered");
    }
    wr(GICD + GICD_ICENABLER0, 1u << VTIMER_INTID);
    timer_set(now(), 1);
    spin_ms(10);
    if (timer_irqs != seen) {
        FAIL("disabled timer interrupt delivered");
    }
    /* Enabled again, the pending level is delivered; the handler then stops the timer (count past IRQS). */
    wr(GICD + GICD_ISENABLER0, 1u << VTIMER_INTID);
    spin_ms(10);
    if (timer_irqs != seen + 1u) {
        FAIL("re-enabled timer interrupt not delivered");
    }

    wr(GICD + GICD_SGIR, (2u << 24) | SGI_INTID);
    spin_ms(5);
    if (sgis != 1u) {
        FAIL("SGI to itself not delivered");
    }
    __asm__ volatile("msr daifset, #2" : : : "memory");
    finish(done, sizeof done - 1u, 0);
}
