/*
 * rvm_hal_main: the boot stages of librvmboot with real work and real
 * measurements, then the scheduler. Each stage measures what it set up:
 *   0 ResetVector      the loaded kernel image
 *   1 HardwareDetect   the device tree (console, GIC and timer come up from it), canonicalised (canonicalise_dtb)
 *   2 MmuSetup         the EL2 identity map turned on, VTCR_EL2, the frame allocator's free ranges
 *   3 HypervisorMode   HCR_EL2 for partitions
 *   4 KernelObjectInit the partition configuration table (witness log and capability manager created)
 *   5 FirstWitness     nothing beyond the log now receiving records
 *   7 FirstPartition   SHA-256 of every guest image, in partition order
 *   6 SchedulerEntry   nothing: the attestation record closes the boot
 * Ticks never enter the accumulator (they only time the stages), so the same
 * image on the same machine configuration always attests to the same digest.
 */
#include <stddef.h>
#include <stdint.h>

#include <rvm/boot_driver.h>
#include <rvm/boot_sequence.h>
#include <rvm/cap_manager.h>
#include <rvm/cap_table.h>
#include <rvm/dtb.h>
#include <rvm/gic.h>
#include <rvm/hal.h>
#include <rvm/mmu.h>
#include <rvm/nonce.h>
#include <rvm/sha256.h>
#include <rvm/stage2.h>
#include <rvm/timer.h>
#include <rvm/uart.h>
#include <rvm/vcpu.h>

#include "audit.h"
#include "coherence.h"
#include "cold.h"
#include "config.h"
#include "domain.h"
#include "gate.h"
#include "console.h"
#include "cpu.h"
#include "frames.h"
#include "hibernation.h"
#include "hypercall.h"
#include "image.h"
#include "lock.h"
#include "vm.h"
#include "dispatch.h"
#include "shutdown.h"
#include "task.h"
#include "tiers.h"
#include "virq.h"

#define FDT_MAGIC 0xD00DFEEDu
#define FDT_BEGIN_NODE 1u
#define FDT_PROP 3u
#define FDT_END 9u
/* Largest device tree accepted: QEMU's is padded to 1 MiB. */
#define DTB_MAX_BYTES (UINT64_C(2) << 20)
#define CAP_SLOTS 256u
#define CAP_OBJECTS 64u
#define RESERVED_RANGES 2u

RVM_CAP_STORAGE_DEFINE(cap_storage, CAP_SLOTS, CAP_OBJECTS);

typedef struct boot_ctx {
    uint64_t dtb_pa;
    uint64_t dtb_size;
    rvm_dtb_t dtb;
    rvm_dtb_platform_t plat;
    uint64_t vtcr;
    uint64_t hcr;
    uint8_t image_digests[RVM_VM_MAX][RVM_SHA256_DIGEST_LEN];
} boot_ctx_t;

static boot_ctx_t ctx;
static rvm_boot_t boot;
static rvm_cap_manager_t caps;
static rvm_nonce_ring_t nonces;

_Noreturn static void no_platform(const char *why, int64_t err)
{
    rvm_console_begin();
    rvm_console_str("fatal: device tree ");
    rvm_console_str(why);
    rvm_console_str(" (err ");
    rvm_console_dec((uint64_t)(-err));
    rvm_console_str("); powering off");
    rvm_console_end();
    rvm_arch_system_exit(RVM_EXIT_NO_PLATFORM);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static const uint8_t *phys_bytes(uint64_t pa)
{
    return rvm_frames_ptr((rvm_phys_addr_t){ pa });
}

/*
 * Bytes of the device tree that differ from boot to boot on one machine
 * configuration, zeroed before it is measured so that the attestation is
 * reproducible: the padding after node names and property values, which
 * QEMU leaves uninitialised, and the fresh entropy for an OS in /chosen,
 * which RVM neither uses nor hands to any partition. Names and sizes stay,
 * so the measurement still covers the tree's whole shape.
 */
static void zero_padding(uint8_t *blob)
{
    uint32_t pos = ctx.dtb.struct_off;
    const uint32_t end = pos + ctx.dtb.struct_size;
    while (end - pos >= 4u) {
        uint32_t token = be32(blob + pos);
        pos += 4u;
        uint32_t used = 0;
        if (token == FDT_BEGIN_NODE) {
            while (pos + used < end && blob[pos + used] != 0u) {
                used++;
            }
            used++;
        } else if (token == FDT_PROP) {
            if (end - pos < 8u || be32(blob + pos) > end - pos - 8u) {
                return;
            }
            used = 8u + be32(blob + pos);
        } else if (token == FDT_END) {
            return;
        }
        uint32_t padded = (used + 3u) & ~3u;
        if (padded > end - pos) {
            return;
        }
        for (uint32_t i = used; i < padded; i++) {
            blob[pos + i] = 0;
        }
        pos += padded;
    }
}

static void canonicalise_dtb(void)
{
    static const char *const seeds[] = { "rng-seed", "kaslr-seed" };
    uint8_t *writable = rvm_frames_ptr((rvm_phys_addr_t){ ctx.dtb_pa });
    zero_padding(writable);
    uint32_t chosen = 0;
    if (rvm_dtb_find_node(&ctx.dtb, "/chosen", &chosen) != RVM_OK) {
        return;
    }
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        const uint8_t *value = NULL;
        uint32_t len = 0;
        if (rvm_dtb_get_prop(&ctx.dtb, chosen, seeds[i], &value, &len) != RVM_OK) {
            continue;
        }
        uint8_t *w = writable + (value - ctx.dtb.blob);
        for (uint32_t j = 0; j < len; j++) {
            w[j] = 0;
        }
    }
}

static void detect_hardware(void)
{
    if (ctx.dtb_pa == 0u) {
        no_platform("missing", RVM_ERR_NOT_FOUND);
    }
    const uint8_t *blob = phys_bytes(ctx.dtb_pa);
    if (be32(blob) != FDT_MAGIC || be32(blob + 4) > DTB_MAX_BYTES) {
        no_platform("malformed", RVM_ERR_MALFORMED_INPUT);
    }
    ctx.dtb_size = be32(blob + 4);
    rvm_err_t err = rvm_dtb_open(&ctx.dtb, blob, (size_t)ctx.dtb_size);
    if (err == RVM_OK) {
        err = rvm_dtb_read_platform(&ctx.dtb, &ctx.plat);
    }
    if (err != RVM_OK) {
        no_platform("malformed", err);
    }
    canonicalise_dtb();
    if (!ctx.plat.uart_present || ctx.plat.gic_version != RVM_DTB_GIC_V2 || !ctx.plat.timer_present) {
        no_platform("lacks a PL011, a GICv2 or the generic timer", RVM_ERR_UNSUPPORTED);
    }
    /* clk 0: keep the firmware's baud rate, the one QEMU and any bootloader already use. */
    err = rvm_pl011_init((uintptr_t)ctx.plat.uart.base, 0, 0);
    if (err == RVM_OK) {
        err = rvm_gicv2_init((uintptr_t)ctx.plat.gicd.base, (uintptr_t)ctx.plat.gicc.base);
    }
    if (err == RVM_OK) {
        err = rvm_virq_setup(&ctx.plat);
    }
    if (err == RVM_OK) {
        err = rvm_gtimer_init(ctx.plat.timer_intid[RVM_DTB_TIMER_HYP_PHYS]);
    }
    if (err == RVM_OK) {
        err = rvm_hal_irq_enable(rvm_hal_timer_intid());
    }
    if (err != RVM_OK) {
        no_platform("names devices that do not respond", err);
    }
}

/* RAM as normal memory, the devices the kernel drives or maps for partitions as device memory. */
static rvm_err_t map_hypervisor(void)
{
    rvm_mmu_region_t r[RVM_MMU_REGION_MAX];
    uint32_t n = 0;
    for (uint32_t i = 0; i < ctx.plat.memory_count && n < RVM_MMU_REGION_MAX; i++) {
        r[n++] = (rvm_mmu_region_t){ ctx.plat.memory[i].base, ctx.plat.memory[i].size, false };
    }
    /* The second flash bank is the cold tier's; the first holds firmware and is never touched. */
    static const rvm_dtb_region_t none = { 0, 0 };
    const rvm_dtb_region_t *devices[] = { &ctx.plat.uart, &ctx.plat.gicd, &ctx.plat.gicc, &ctx.plat.gich,
                                          &ctx.plat.gicv, ctx.plat.flash_count >= 2u ? &ctx.plat.flash[1] : &none };
    for (uint32_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        if (devices[i]->size != 0u) {
            if (n == RVM_MMU_REGION_MAX) {
                return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
            }
            r[n++] = (rvm_mmu_region_t){ devices[i]->base, devices[i]->size, true };
        }
    }
    return rvm_arch_mmu_init(r, n);
}

static rvm_err_t setup_memory(void)
{
    rvm_err_t mmu = map_hypervisor();
    if (mmu != RVM_OK) {
        return mmu;
    }
    rvm_cold_setup(&ctx.plat);
    rvm_frames_range_t ram[RVM_DTB_MAX_MEMORY_RANGES];
    for (uint32_t i = 0; i < ctx.plat.memory_count; i++) {
        ram[i].base = ctx.plat.memory[i].base;
        ram[i].end = ctx.plat.memory[i].base + ctx.plat.memory[i].size;
    }
    const rvm_frames_range_t reserved[RESERVED_RANGES] = {
        { (uint64_t)(uintptr_t)rvm_image_start, (uint64_t)(uintptr_t)rvm_image_end },
        { ctx.dtb_pa, ctx.dtb_pa + ctx.dtb_size },
    };
    rvm_err_t err = rvm_frames_init(ram, ctx.plat.memory_count, reserved, RESERVED_RANGES);
    if (err != RVM_OK) {
        return err;
    }
    ctx.vtcr = rvm_s2_vtcr(rvm_arch_parange());
    return RVM_OK;
}

static rvm_err_t create_objects(void)
{
    rvm_err_t err = rvm_audit_attach(&boot);
    if (err == RVM_OK) {
        err = rvm_nonce_ring_init(&nonces, false);
    }
    if (err == RVM_OK) {
        err = rvm_cap_manager_init(&caps, &cap_storage, NULL, rvm_audit_log(), &nonces);
    }
    rvm_vm_setup(&caps, rvm_arch_parange());
    rvm_hypercall_setup(&caps);
    if (err == RVM_OK) {
        err = rvm_domain_init();
    }
    if (err == RVM_OK) {
        err = rvm_coherence_init();
    }
    if (err == RVM_OK) {
        err = rvm_gate_setup(&caps);
    }
    if (err == RVM_OK) {
        err = rvm_tiers_setup();
    }
    rvm_hibernation_setup(&caps);
    return err;
}

static rvm_err_t create_partitions(void)
{
    size_t count = 0;
    const rvm_config_partition_t *cfg = rvm_config_partitions(&count);
    if (count > RVM_VM_MAX) {
        return RVM_ERR_PARTITION_LIMIT_EXCEEDED;
    }
    for (size_t i = 0; i < count; i++) {
        rvm_vm_t *p = NULL;
        rvm_err_t err = rvm_vm_create(&cfg[i], &p);
        if (err != RVM_OK) {
            return err;
        }
        rvm_sha256(cfg[i].image, (size_t)rvm_config_image_len(&cfg[i]), ctx.image_digests[i]);
        rvm_console_begin();
        rvm_console_str("partition ");
        rvm_console_dec(p->id);
        rvm_console_str(" '");
        rvm_console_str(p->name);
        rvm_console_str("' vmid=");
        rvm_console_dec(p->vmid);
        rvm_console_str(" ram=");
        rvm_console_hex(p->ram_pa.bits);
        rvm_console_str("+");
        rvm_console_dec(p->ram_bytes >> 10);
        rvm_console_str("KiB image=");
        rvm_console_dec(rvm_config_image_len(&cfg[i]));
        rvm_console_str("B");
        rvm_console_end();
    }
    return RVM_OK;
}

static rvm_err_t stage_work(void *c, rvm_boot_t *b, uint8_t stage, const void **data, size_t *len)
{
    (void)c;
    (void)b;
    *data = NULL;
    *len = 0;
    rvm_err_t err = RVM_OK;
    switch (stage) {
    case RVM_BOOT_STAGE_RESET_VECTOR:
        *data = rvm_image_start;
        *len = (size_t)((uintptr_t)rvm_image_loaded_end - (uintptr_t)rvm_image_start);
        break;
    case RVM_BOOT_STAGE_HARDWARE_DETECT:
        detect_hardware();
        *data = phys_bytes(ctx.dtb_pa);
        *len = (size_t)ctx.dtb_size;
        break;
    case RVM_BOOT_STAGE_MMU_SETUP:
        err = setup_memory();
        *data = &ctx.vtcr;
        *len = sizeof ctx.vtcr;
        break;
    case RVM_BOOT_STAGE_HYPERVISOR_MODE:
        rvm_arch_guest_setup(ctx.vtcr);
        ctx.hcr = RVM_ARCH_HCR_GUEST;
        *data = &ctx.hcr;
        *len = sizeof ctx.hcr;
        break;
    case RVM_BOOT_STAGE_KERNEL_OBJECT_INIT: {
        size_t count = 0;
        const rvm_config_partition_t *cfg = rvm_config_partitions(&count);
        err = create_objects();
        *data = cfg;
        *len = count * sizeof *cfg;
        break;
    }
    case RVM_BOOT_STAGE_FIRST_PARTITION:
        err = create_partitions();
        if (err == RVM_OK) {
            /* Channels join partitions, so they come once every partition exists. */
            err = rvm_domain_setup(&caps, &ctx.plat);
        }
        if (err == RVM_OK) {
            err = rvm_task_setup();
        }
        if (err == RVM_OK) {
            rvm_hibernation_restore_cold();
        }
        *data = ctx.image_digests;
        *len = rvm_vm_created() * sizeof ctx.image_digests[0];
        break;
    default:
        break;
    }
    return err;
}

static uint64_t boot_tick(void *c)
{
    (void)c;
    return rvm_hal_timer_now();
}

void rvm_hal_main(uint64_t dtb_pa)
{
    rvm_console_line("RVM microhypervisor booting at EL2");
    ctx.dtb_pa = dtb_pa;
    rvm_boot_config_t cfg = { RVM_BOOT_HASH_SHA256, (uint32_t)rvm_hal_timer_freq() };
    rvm_err_t err = rvm_boot_init(&boot, &cfg);
    if (err == RVM_OK) {
        err = rvm_boot_run(&boot, stage_work, boot_tick, NULL);
    }
    rvm_audit_stream();
    if (err != RVM_OK) {
        rvm_shutdown_fatal("boot failed at stage", rvm_boot_next_stage(&boot));
    }
    uint64_t first_witness = 0;
    uint64_t total = 0;
    (void)rvm_boot_first_witness_ticks(&boot, &first_witness);
    (void)rvm_boot_total_ticks(&boot, &total);
    rvm_console_begin();
    rvm_console_str("boot: complete, boot-to-first-witness ");
    rvm_console_dec(first_witness);
    rvm_console_str(" ticks (");
    rvm_console_dec(rvm_boot_ticks_to_ns(first_witness, cfg.counter_hz) / 1000u);
    rvm_console_str(" us), total ");
    rvm_console_dec(total);
    rvm_console_str(" ticks, partitions=");
    rvm_console_dec(rvm_vm_created());
    rvm_console_str(", free RAM ");
    rvm_console_dec(rvm_frames_available() >> 10);
    rvm_console_str(" KiB");
    rvm_console_end();
    uint8_t attestation[RVM_BOOT_DIGEST_LEN] = { 0 };
    (void)rvm_boot_attestation(&boot, attestation);
    rvm_console_begin();
    rvm_console_str("boot: attestation ");
    rvm_console_bytes(attestation, RVM_BOOT_DIGEST_LEN);
    rvm_console_end();
    uint32_t cpus = rvm_cpu_bring_up(&ctx.plat, ctx.vtcr);
    err = rvm_dispatch_setup(cpus);
    rvm_audit_stream();
    if (err != RVM_OK) {
        rvm_shutdown_fatal("scheduler setup failed, err", (uint64_t)(-(int64_t)err));
    }
    rvm_console_begin();
    rvm_console_str("cpus: ");
    rvm_console_dec(cpus);
    rvm_console_str(" online");
    rvm_console_end();
    for (uint32_t i = 0; i < rvm_vm_created(); i++) {
        const rvm_vm_t *p = rvm_vm_slot(i);
        rvm_console_begin();
        rvm_console_str("partition ");
        rvm_console_dec(p->id);
        rvm_console_str(" placed on cpu ");
        rvm_console_dec(p->cpu);
        rvm_console_end();
    }
    rvm_kernel_lock();
    rvm_cpu_release();
    rvm_dispatch_start();
}
