/* Partition machines (vm.h); VMIDs come from librvmpart's pool (domain.h), never from the partition id. */
#include "vm.h"

#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/failure.h>
#include <rvm/mmu.h>
#include <rvm/vcpu.h>

#include "audit.h"
#include "coherence.h"
#include "domain.h"
#include "hibernation.h"
#include "frames.h"
#include "dispatch.h"
#include "task.h"

static rvm_vm_t table[RVM_VM_MAX];
static uint32_t created;
static rvm_cap_manager_t *cap_manager;
static uint32_t cpu_parange;

static rvm_err_t s2_alloc(void *ctx, rvm_phys_addr_t *out)
{
    (void)ctx;
    return rvm_frames_alloc(RVM_FRAMES_PAGE, out);
}

static void s2_free(void *ctx, rvm_phys_addr_t pa)
{
    (void)ctx;
    /* Only frames this table took come back: a failure would be a kernel bug, and the frame then stays lost. */
    (void)rvm_frames_free(pa, RVM_FRAMES_PAGE);
}

static uint64_t *s2_frame(void *ctx, rvm_phys_addr_t pa)
{
    (void)ctx;
    return rvm_frames_ptr(pa);
}

static void s2_sync(void *ctx)
{
    (void)ctx;
    rvm_arch_s2_sync();
}

static void s2_invalidate(void *ctx, uint16_t vmid, rvm_gpa_t ipa, uint64_t size)
{
    (void)ctx;
    (void)ipa;
    (void)size;
    /* Whole-VMID invalidation: tables change only at creation and teardown, never on a hot path. */
    rvm_arch_s2_flush_vmid(vmid);
}

static const rvm_s2_ops_t s2_ops = { s2_alloc, s2_free, s2_frame, s2_sync, s2_invalidate, NULL };

void rvm_vm_setup(rvm_cap_manager_t *caps, uint32_t parange)
{
    cap_manager = caps;
    cpu_parange = parange;
}

/*
 * The capability to the partition itself is derived from a root the
 * hypervisor keeps: a partition that revokes or deletes its copy loses the
 * services it authorises for good, as it cannot derive a new one.
 */
static rvm_err_t grant_self(rvm_vm_t *p, rvm_rights_t rights, rvm_cap_handle_t *out)
{
    rvm_cap_handle_t root = RVM_CAP_HANDLE_NULL;
    rvm_err_t err = rvm_cap_create_root(cap_manager, 0, RVM_OBJ_PARTITION, p->id, rights, 0, 0, &root);
    if (err == RVM_OK) {
        err = rvm_cap_grant(cap_manager, 0, root, rights, 0, p->id, out);
    }
    if (err == RVM_OK) {
        p->self_cap = *out;
    }
    return err;
}

static rvm_err_t grant_caps(rvm_vm_t *p, const rvm_config_partition_t *cfg)
{
    for (uint32_t i = 0; i < RVM_CONFIG_MAX_CAPS; i++) {
        const rvm_config_cap_t *c = &cfg->caps[i];
        rvm_err_t err = RVM_OK;
        if (c->object == RVM_CONFIG_OBJ_SELF) {
            err = grant_self(p, c->rights, &p->caps[i]);
        } else if (c->object == RVM_CONFIG_OBJ_WITNESS_LOG) {
            err = rvm_cap_create_root(cap_manager, 0, RVM_OBJ_WITNESS_LOG, 1, c->rights, 0, p->id, &p->caps[i]);
        } else if (c->object == RVM_CONFIG_OBJ_PARTITION_TABLE) {
            err = rvm_cap_create_root(cap_manager, 0, RVM_OBJ_PARTITION, 0, c->rights, 0, p->id, &p->caps[i]);
        }
        if (err != RVM_OK) {
            return err;
        }
    }
    return RVM_OK;
}

/*
 * Copies the image into the partition's RAM (zero beyond it) and puts its vCPU
 * in the entry state rvm/hypercall.h promises: x0 its id, x1..x4 its
 * configured capabilities, x5 the number of resets so far.
 */
static rvm_err_t boot_image(rvm_vm_t *p)
{
    const rvm_config_partition_t *cfg = p->cfg;
    uint8_t *ram = rvm_frames_ptr(p->ram_pa);
    for (uint64_t i = 0; i < rvm_config_image_len(cfg); i++) {
        ram[i] = cfg->image[i];
    }
    /* Written as data: the partition's instruction fetches must not find older contents in any cache. */
    rvm_arch_icache_sync(p->ram_pa.bits, rvm_config_image_len(cfg));
    uint64_t args[2u + RVM_CONFIG_MAX_CAPS];
    args[0] = p->id;
    for (uint32_t i = 0; i < RVM_CONFIG_MAX_CAPS; i++) {
        args[1u + i] = rvm_cap_handle_pack(p->caps[i]);
    }
    args[1u + RVM_CONFIG_MAX_CAPS] = p->resets;
    rvm_vcpu_init(&p->vcpu, RVM_CONFIG_GUEST_RAM_IPA, RVM_CONFIG_GUEST_RAM_IPA + cfg->ram_bytes, args,
                  2u + RVM_CONFIG_MAX_CAPS);
    return rvm_vcpu_check_entry(&p->vcpu, RVM_CONFIG_GUEST_RAM_IPA, cfg->ram_bytes);
}

static rvm_err_t check_config(const rvm_config_partition_t *cfg)
{
    uint64_t image_len = rvm_config_image_len(cfg);
    if (created == RVM_VM_MAX) {
        return RVM_ERR_PARTITION_LIMIT_EXCEEDED;
    }
    if (cfg->ram_bytes == 0u || (cfg->ram_bytes % RVM_S2_BLOCK_SIZE) != 0u || image_len == 0u ||
        image_len > cfg->ram_bytes) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

/* Everything after the VMID: stage-2 over `p->ram_pa`, interrupts, capabilities, image; witnessed; runnable. */
static rvm_err_t build(rvm_vm_t *p, const rvm_config_partition_t *cfg)
{
    rvm_err_t err = rvm_s2_init(&p->s2, p->vmid, cpu_parange, &s2_ops);
    if (err == RVM_OK) {
        err = rvm_s2_map(&p->s2, (rvm_gpa_t){ RVM_CONFIG_GUEST_RAM_IPA }, p->ram_pa, cfg->ram_bytes,
                         RVM_S2_ATTR_WRITE | RVM_S2_ATTR_EXEC);
    }
    if (err == RVM_OK) {
        err = rvm_virq_partition_init(p);
    }
    if (err == RVM_OK) {
        err = grant_caps(p, cfg);
    }
    if (err == RVM_OK) {
        err = rvm_cap_create_root(cap_manager, 0, RVM_OBJ_PARTITION, p->id, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, 0, 0,
                                  &p->kernel_cap);
    }
    if (err != RVM_OK) {
        return err;
    }
    p->cfg = cfg;
    err = boot_image(p);
    if (err != RVM_OK) {
        return err;
    }
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    payload[0] = (uint8_t)p->vmid;
    payload[1] = (uint8_t)(cfg->ram_bytes >> 20);
    err = rvm_audit_emit(RVM_ACTION_PARTITION_CREATE, 0, p->id, 0, payload);
    if (err != RVM_OK) {
        return err;
    }
    p->state = RVM_VM_RUNNABLE;
    created++;
    rvm_coherence_partition_added(p->id);
    return RVM_OK;
}

rvm_err_t rvm_vm_create(const rvm_config_partition_t *cfg, rvm_vm_t **out)
{
    rvm_err_t err = check_config(cfg);
    if (err != RVM_OK) {
        return err;
    }
    rvm_vm_t *p = &table[created];
    *p = (rvm_vm_t){ 0 };
    p->id = created + 1u;
    p->name = cfg->name;
    p->ram_bytes = cfg->ram_bytes;
    err = rvm_domain_register(p->id, &p->vmid);
    if (err == RVM_OK) {
        err = rvm_frames_alloc(cfg->ram_bytes, &p->ram_pa);
    }
    /* A failed creation at boot ends the boot, so what it took is not worth handing back. */
    if (err == RVM_OK) {
        err = build(p, cfg);
    }
    if (err == RVM_OK) {
        *out = p;
    }
    return err;
}

rvm_err_t rvm_vm_adopt(const rvm_config_partition_t *cfg, uint32_t id, rvm_phys_addr_t ram, rvm_vm_t **out)
{
    rvm_err_t err = check_config(cfg);
    if (err == RVM_OK && id != created + 1u) {
        err = RVM_ERR_INTERNAL_ERROR;
    }
    if (err != RVM_OK) {
        return err;
    }
    rvm_vm_t *p = &table[created];
    *p = (rvm_vm_t){ 0 };
    p->id = id;
    p->name = cfg->name;
    p->ram_bytes = cfg->ram_bytes;
    p->ram_pa = ram;
    err = rvm_domain_adopt(id, &p->vmid);
    if (err == RVM_OK) {
        err = build(p, cfg);
    }
    if (err != RVM_OK) {
        /* The tables built so far go; the RAM stays the caller's. */
        if (p->s2.root.bits != 0u) {
            rvm_s2_destroy(&p->s2);
        }
        *p = (rvm_vm_t){ 0 };
        return err;
    }
    *out = p;
    return RVM_OK;
}

rvm_vm_t *rvm_vm_get(uint64_t id)
{
    if (id == 0u || id > created) {
        return NULL;
    }
    return &table[id - 1u];
}

rvm_vm_t *rvm_vm_slot(uint32_t slot)
{
    return slot < created ? &table[slot] : NULL;
}

uint32_t rvm_vm_created(void)
{
    return created;
}

uint64_t rvm_vm_vttbr(const rvm_vm_t *p)
{
    return rvm_s2_vttbr(p->vmid, p->s2.root);
}

static void scrub_ram(const rvm_vm_t *p)
{
    uint64_t *ram = rvm_frames_ptr(p->ram_pa);
    for (uint64_t i = 0; i < p->ram_bytes / sizeof(uint64_t); i++) {
        ram[i] = 0;
    }
}

rvm_err_t rvm_vm_reset(rvm_vm_t *p)
{
    if (p->state != RVM_VM_RUNNABLE) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (p->resets == RVM_VM_RESETS_MAX) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_console_guest_flush(&p->line, p->id);
    p->resets++;
    bool running = p == rvm_dispatch_current();
    scrub_ram(p);
    rvm_virq_partition_stop(p, running);
    rvm_dispatch_fp_release(p);
    p->fp = (rvm_arch_fpsimd_state_t){ 0 };
    p->waiting = false;
    rvm_err_t err = boot_image(p);
    if (err != RVM_OK) {
        return err;
    }
    /* The old stage-1 translations of this VMID describe memory that no longer holds what they cached. */
    rvm_arch_s2_flush_vmid(p->vmid);
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    payload[0] = (uint8_t)p->resets;
    /* flags 0xFF: an orderly reset the partition asked for, rebuilt from its boot image. */
    return rvm_audit_emit(RVM_ACTION_PARTITION_RECONSTRUCT, p->id, p->id, 0xFFu, payload);
}

void rvm_vm_stop(rvm_vm_t *p, bool fault, uint64_t code)
{
    rvm_console_guest_flush(&p->line, p->id);
    if (p->refusals > RVM_HC_REFUSALS_WITNESSED) {
        rvm_console_begin();
        rvm_console_str("partition ");
        rvm_console_dec(p->id);
        rvm_console_str(" had ");
        rvm_console_dec(p->refusals);
        rvm_console_str(" hypercalls refused, the first ");
        rvm_console_dec(RVM_HC_REFUSALS_WITNESSED);
        rvm_console_str(" witnessed");
        rvm_console_end();
    }
    bool had_ram = p->state != RVM_VM_HIBERNATED;
    p->state = RVM_VM_STOPPED;
    p->faulted = fault;
    p->exit_code = code;
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    for (uint32_t i = 0; i < RVM_WITNESS_PAYLOAD_SIZE; i++) {
        payload[i] = (uint8_t)(code >> (8u * i));
    }
    /* flags: the failure class (F2) for a contained fault, 0xFF for an orderly exit. */
    (void)rvm_audit_emit(RVM_ACTION_PARTITION_DESTROY, fault ? 0u : p->id, p->id,
                         fault ? (uint8_t)RVM_FAILURE_F2_PARTITION : 0xFFu, payload);
    rvm_virq_partition_stop(p, p == rvm_dispatch_current());
    /*
     * The tables go (and the VMID's TLB entries with them) before the RAM goes
     * back to the allocator, which zeroes it before any later owner gets it.
     */
    rvm_task_partition_ended(p);
    rvm_coherence_partition_removed(p->id);
    rvm_s2_destroy(&p->s2);
    if (had_ram) {
        (void)rvm_frames_free(p->ram_pa, p->ram_bytes);
    }
    rvm_domain_release(p);
    rvm_hibernation_release(p);
    rvm_dispatch_fp_release(p);
}

rvm_err_t rvm_vm_check(const rvm_vm_t *p, uint64_t ipa, uint64_t len, bool write)
{
    if (len == 0u) {
        return RVM_OK;
    }
    if (ipa + len < ipa) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint64_t page = ipa & ~(RVM_S2_PAGE_SIZE - 1u);
    uint64_t last = ipa + len - 1u;
    while (page <= last) {
        rvm_s2_walk_t w;
        if (rvm_s2_translate(&p->s2, (rvm_gpa_t){ page }, &w) != RVM_OK) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
        if (write && (w.attr & RVM_S2_ATTR_WRITE) == 0u) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
        if ((w.attr & RVM_S2_ATTR_DEVICE) != 0u) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
        if (page + RVM_S2_PAGE_SIZE < page) {
            break;
        }
        page += RVM_S2_PAGE_SIZE;
    }
    return RVM_OK;
}

static uint8_t *guest_byte(const rvm_vm_t *p, uint64_t ipa)
{
    rvm_s2_walk_t w = { 0 };
    (void)rvm_s2_translate(&p->s2, (rvm_gpa_t){ ipa }, &w);
    return rvm_frames_ptr(w.pa);
}

void rvm_vm_read(const rvm_vm_t *p, uint64_t ipa, void *dst, uint64_t len)
{
    uint8_t *d = dst;
    for (uint64_t i = 0; i < len; i++) {
        d[i] = *guest_byte(p, ipa + i);
    }
}

void rvm_vm_write(const rvm_vm_t *p, uint64_t ipa, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    for (uint64_t i = 0; i < len; i++) {
        *guest_byte(p, ipa + i) = s[i];
    }
}
