/* DTB reader: QEMU virt's real trees against libfdt, and hostile blobs that must never read out of bounds. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <limits.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rvm/dtb.h>

#define QEMU "qemu-system-aarch64"

typedef struct qemu_cfg {
    const char *mem;
    uint64_t mem_bytes;
    unsigned smp;
    unsigned gic;
} qemu_cfg_t;

static const char *const mem_opts[] = {"128M", "512M", "1G", "3G"};
static const uint64_t mem_sizes[] = {128ull << 20, 512ull << 20, 1ull << 30, 3ull << 30};
static const unsigned smp_opts[] = {1, 2, 4};
#define N_MEM (sizeof mem_opts / sizeof mem_opts[0])
#define N_SMP (sizeof smp_opts / sizeof smp_opts[0])
#define N_CFG (N_MEM * N_SMP * 2u)

static qemu_cfg_t cfgs[N_CFG];
static void *blobs[N_CFG];     /* packed copies, exactly fdt_totalsize bytes */
static char dump_error[640];   /* why the dumps are missing, reported by every test that needs them */

/* ---- helpers ------------------------------------------------------------ */

/* A heap copy of exactly `len` bytes, so ASan flags any read past it. */
static uint8_t *exact_copy(const void *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len) {
        memcpy(p, src, len);
    }
    return p;
}

static void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc((size_t)n);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* QEMU pads its dump to 1 MiB; the packed tree keeps truncation tests short. */
static void *packed(const void *fdt)
{
    size_t n = fdt_totalsize(fdt);
    void *p = malloc(n);
    if (!p || fdt_open_into(fdt, p, (int)n) != 0 || fdt_pack(p) != 0) {
        free(p);
        return NULL;
    }
    /* Not exact_copy: this runs before Check does, where its assertions cannot report. */
    void *q = malloc(fdt_totalsize(p));
    if (q) {
        memcpy(q, p, fdt_totalsize(p));
    }
    free(p);
    return q;
}

static void dump_all(void)
{
    if (system("command -v " QEMU " >/dev/null 2>&1") != 0) {
        snprintf(dump_error, sizeof dump_error,
                 QEMU " not found: install qemu-system-arm (./rvm deps) to run the QEMU device-tree tests");
        return;
    }
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/rvm-dtb-XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(dump_error, sizeof dump_error, "mkdtemp failed");
        return;
    }
    size_t i = 0;
    for (unsigned gic = 2; gic <= 3; gic++) {
        for (size_t m = 0; m < N_MEM; m++) {
            for (size_t s = 0; s < N_SMP; s++, i++) {
                cfgs[i] = (qemu_cfg_t){mem_opts[m], mem_sizes[m], smp_opts[s], gic};
                char file[PATH_MAX + 32], cmd[PATH_MAX + 512];
                snprintf(file, sizeof file, "%s/virt%zu.dtb", dir, i);
                snprintf(cmd, sizeof cmd,
                         QEMU " -machine virt,virtualization=on,gic-version=%u,dumpdtb=%s -cpu cortex-a72"
                              " -m %s -smp %u -nographic -nic none >/dev/null 2>&1",
                         gic, file, mem_opts[m], smp_opts[s]);
                size_t len = 0;
                void *raw = system(cmd) == 0 ? read_file(file, &len) : NULL;
                if (!raw || len < 40 || fdt_check_header(raw) != 0 || fdt_totalsize(raw) > len ||
                    !(blobs[i] = packed(raw))) {
                    snprintf(dump_error, sizeof dump_error, "QEMU dump failed or unreadable: %.560s", cmd);
                }
                free(raw);
                unlink(file);
            }
        }
    }
    rmdir(dir);
}

static void require_dumps(void)
{
    ck_assert_msg(dump_error[0] == '\0', "%s", dump_error);
}

static uint64_t cells(const fdt32_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v = (v << 32) | fdt32_to_cpu(p[i]);
    }
    return v;
}

/* Entry i of `node`'s reg, read with libfdt and the parent's cell sizes. */
static rvm_dtb_region_t fdt_reg(const void *fdt, int node, int i)
{
    int parent = fdt_parent_offset(fdt, node);
    int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    ck_assert_ptr_nonnull(reg);
    ck_assert_int_ge(len, (i + 1) * (ac + sc) * 4);
    const fdt32_t *e = reg + i * (ac + sc);
    return (rvm_dtb_region_t){cells(e, ac), cells(e + ac, sc)};
}

static int fdt_reg_count(const void *fdt, int node)
{
    int parent = fdt_parent_offset(fdt, node);
    int len;
    ck_assert_ptr_nonnull(fdt_getprop(fdt, node, "reg", &len));
    return len / ((fdt_address_cells(fdt, parent) + fdt_size_cells(fdt, parent)) * 4);
}

static uint32_t fdt_intid(const void *fdt, int node, int i)
{
    int len;
    const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
    ck_assert_ptr_nonnull(irq);
    ck_assert_int_ge(len, (i + 1) * 12);
    uint32_t type = fdt32_to_cpu(irq[3 * i]), num = fdt32_to_cpu(irq[3 * i + 1]);
    return type == 0 ? 32 + num : 16 + num;
}

static void assert_region(rvm_dtb_region_t got, rvm_dtb_region_t want)
{
    ck_assert_uint_eq(got.base, want.base);
    ck_assert_uint_eq(got.size, want.size);
}

static bool name_is(const char *name, const char *base)
{
    size_t n = strlen(base);
    return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static void open_ok(rvm_dtb_t *d, const void *fdt)
{
    ck_assert_int_eq(rvm_dtb_open(d, fdt, fdt_totalsize(fdt)), RVM_OK);
}

/* Every field rvm_dtb_read_platform extracts, compared with libfdt's reading of the same blob. */
static void compare_with_libfdt(const void *fdt, const rvm_dtb_platform_t *p)
{
    uint32_t mem = 0;
    int node;
    fdt_for_each_subnode(node, fdt, 0) {
        if (name_is(fdt_get_name(fdt, node, NULL), "memory")) {
            for (int i = 0; i < fdt_reg_count(fdt, node); i++) {
                ck_assert_uint_lt(mem, p->memory_count);
                assert_region(p->memory[mem++], fdt_reg(fdt, node, i));
            }
        }
    }
    ck_assert_uint_eq(mem, p->memory_count);

    uint32_t ncpu = 0;
    int cpus = fdt_path_offset(fdt, "/cpus");
    ck_assert_int_ge(cpus, 0);
    fdt_for_each_subnode(node, fdt, cpus) {
        if (name_is(fdt_get_name(fdt, node, NULL), "cpu")) {
            ck_assert_uint_lt(ncpu, p->cpu_count);
            ck_assert_uint_eq(p->cpu_mpidr[ncpu++], fdt_reg(fdt, node, 0).base);
        }
    }
    ck_assert_uint_eq(ncpu, p->cpu_count);

    int uart = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
    ck_assert_int_ge(uart, 0);
    ck_assert(p->uart_present);
    assert_region(p->uart, fdt_reg(fdt, uart, 0));
    int rtc = fdt_node_offset_by_compatible(fdt, -1, "arm,pl031");
    ck_assert_int_eq(p->rtc_present, rtc >= 0);
    if (rtc >= 0) {
        assert_region(p->rtc, fdt_reg(fdt, rtc, 0));
    }
    ck_assert_uint_eq(p->uart_intid, fdt_intid(fdt, uart, 0));

    int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,cortex-a15-gic");
    if (gic >= 0) {
        ck_assert_int_eq(p->gic_version, RVM_DTB_GIC_V2);
        assert_region(p->gicd, fdt_reg(fdt, gic, 0));
        assert_region(p->gicc, fdt_reg(fdt, gic, 1));
        assert_region(p->gich, fdt_reg(fdt, gic, 2));
        assert_region(p->gicv, fdt_reg(fdt, gic, 3));
    } else {
        gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
        ck_assert_int_ge(gic, 0);
        ck_assert_int_eq(p->gic_version, RVM_DTB_GIC_V3);
        assert_region(p->gicd, fdt_reg(fdt, gic, 0));
        assert_region(p->gicr, fdt_reg(fdt, gic, 1));
    }

    int timer = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
    ck_assert_int_ge(timer, 0);
    ck_assert(p->timer_present);
    for (int i = 0; i < RVM_DTB_TIMER_COUNT; i++) {
        ck_assert_uint_eq(p->timer_intid[i], fdt_intid(fdt, timer, i));
    }

    int psci = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
    ck_assert_int_ge(psci, 0);
    const char *method = fdt_getprop(fdt, psci, "method", NULL);
    ck_assert_ptr_nonnull(method);
    ck_assert_int_eq(p->psci_method, strcmp(method, "smc") == 0 ? RVM_DTB_PSCI_SMC : RVM_DTB_PSCI_HVC);

    int flash = fdt_node_offset_by_compatible(fdt, -1, "cfi-flash");
    if (flash >= 0) {
        ck_assert_uint_eq(p->flash_count, (uint32_t)fdt_reg_count(fdt, flash));
        for (uint32_t i = 0; i < p->flash_count; i++) {
            assert_region(p->flash[i], fdt_reg(fdt, flash, (int)i));
        }
        int wlen = 0;
        const fdt32_t *width = fdt_getprop(fdt, flash, "bank-width", &wlen);
        ck_assert_uint_eq(p->flash_bank_width, width != NULL ? fdt32_to_cpu(*width) : 0);
    } else {
        ck_assert_uint_eq(p->flash_count, 0);
    }

    int blen = 0;
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *bootargs = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &blen) : NULL;
    ck_assert_ptr_eq(p->bootargs, bootargs);
    if (bootargs) {
        ck_assert_uint_eq(p->bootargs_len, strlen(bootargs));
    }
}

/* ---- QEMU's trees ------------------------------------------------------- */

START_TEST(qemu_platform_matches_libfdt)
{
    require_dumps();
    const qemu_cfg_t *c = &cfgs[_i];
    const void *fdt = blobs[_i];
    rvm_dtb_t d;
    rvm_dtb_platform_t p;
    open_ok(&d, fdt);
    ck_assert_int_eq(rvm_dtb_read_platform(&d, &p), RVM_OK);
    compare_with_libfdt(fdt, &p);

    /* And against the platform facts of spec §4.2 / toolchain notes §3. */
    ck_assert_uint_eq(p.memory_count, 1);
    ck_assert_uint_eq(p.memory[0].base, 0x40000000u);
    ck_assert_uint_eq(p.memory[0].size, c->mem_bytes);
    ck_assert_uint_eq(p.cpu_count, c->smp);
    for (unsigned i = 0; i < c->smp; i++) {
        ck_assert_uint_eq(p.cpu_mpidr[i], i);
    }
    ck_assert_uint_eq(p.uart.base, 0x09000000u);
    ck_assert_uint_eq(p.uart.size, 0x1000u);
    ck_assert(p.rtc_present);
    ck_assert_uint_eq(p.rtc.base, 0x09010000u);
    ck_assert_uint_eq(p.rtc.size, 0x1000u);
    ck_assert_uint_eq(p.uart_intid, 33);
    ck_assert_uint_eq(p.gicd.base, 0x08000000u);
    if (c->gic == 2) {
        ck_assert_int_eq(p.gic_version, RVM_DTB_GIC_V2);
        ck_assert_uint_eq(p.gicc.base, 0x08010000u);
        ck_assert_uint_eq(p.gich.base, 0x08030000u);
        ck_assert_uint_eq(p.gicv.base, 0x08040000u);
    } else {
        ck_assert_int_eq(p.gic_version, RVM_DTB_GIC_V3);
        ck_assert_uint_eq(p.gicr.base, 0x080A0000u);
    }
    ck_assert_uint_eq(p.timer_intid[RVM_DTB_TIMER_SECURE_PHYS], 29);
    ck_assert_uint_eq(p.timer_intid[RVM_DTB_TIMER_NONSECURE_PHYS], 30);
    ck_assert_uint_eq(p.timer_intid[RVM_DTB_TIMER_VIRTUAL], 27);
    ck_assert_uint_eq(p.timer_intid[RVM_DTB_TIMER_HYP_PHYS], 26);
    ck_assert_int_eq(p.psci_method, RVM_DTB_PSCI_SMC);
    ck_assert_ptr_null(p.bootargs);
    /* Two 64 MiB CFI banks (firmware, then -drive if=pflash,unit=1), 32 bits wide, with or without a drive. */
    ck_assert_uint_eq(p.flash_count, 2);
    ck_assert_uint_eq(p.flash[0].base, 0);
    ck_assert_uint_eq(p.flash[0].size, 64u << 20);
    ck_assert_uint_eq(p.flash[1].base, 0x04000000u);
    ck_assert_uint_eq(p.flash[1].size, 64u << 20);
    ck_assert_uint_eq(p.flash_bank_width, 4);
}
END_TEST

/* Every node's path resolves to libfdt's offset, and every property to the same bytes. */
START_TEST(qemu_lookups_match_libfdt)
{
    require_dumps();
    const void *fdt = blobs[_i];
    rvm_dtb_t d;
    open_ok(&d, fdt);
    int visited = 0;
    for (int node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL), visited++) {
        char path[256];
        ck_assert_int_eq(fdt_get_path(fdt, node, path, sizeof path), 0);
        uint32_t off = 0;
        ck_assert_msg(rvm_dtb_find_node(&d, path, &off) == RVM_OK, "%s", path);
        ck_assert_uint_eq(off, (uint32_t)node);
        int prop;
        fdt_for_each_property_offset(prop, fdt, node) {
            const char *name;
            int len;
            const void *v = fdt_getprop_by_offset(fdt, prop, &name, &len);
            const uint8_t *got = NULL;
            uint32_t glen = 0;
            ck_assert_int_eq(rvm_dtb_get_prop(&d, off, name, &got, &glen), RVM_OK);
            ck_assert_ptr_eq(got, v);
            ck_assert_uint_eq(glen, (uint32_t)len);
        }
        const uint8_t *v;
        uint32_t len;
        ck_assert_int_eq(rvm_dtb_get_prop(&d, off, "no-such-property", &v, &len), RVM_ERR_NOT_FOUND);
    }
    ck_assert_int_gt(visited, 20);

    /* Unit addresses may be left out, as with libfdt; partial names never match. */
    static const char *const paths[] = {"/", "/cpus", "/cpus/cpu@0", "/cpus/cpu", "/memory", "/chosen", "/psci",
                                        "/intc", "/cpus/", "//cpus//cpu@0", "/memory@40000000", "/mem",
                                        "/cpus/cpu@7", "/nosuch", "/psci/x", "/cpu@0", "/cpus/cpu-map/socket0"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        uint32_t off = 0;
        int want = fdt_path_offset(fdt, paths[i]);
        rvm_err_t err = rvm_dtb_find_node(&d, paths[i], &off);
        if (want >= 0) {
            ck_assert_msg(err == RVM_OK && off == (uint32_t)want, "%s", paths[i]);
        } else {
            ck_assert_msg(err == RVM_ERR_NOT_FOUND, "%s: %d", paths[i], err);
        }
    }
    uint32_t off;
    ck_assert_int_eq(rvm_dtb_find_node(&d, "cpus", &off), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_dtb_find_node(NULL, "/", &off), RVM_ERR_INVALID_ARGUMENT);
    const uint8_t *v;
    uint32_t len;
    ck_assert_int_eq(rvm_dtb_get_prop(&d, 4, "reg", &v, &len), RVM_ERR_MALFORMED_INPUT); /* the root's name padding */
    ck_assert_int_eq(rvm_dtb_get_prop(&d, 1, "reg", &v, &len), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_dtb_get_prop(&d, fdt_size_dt_struct(fdt), "reg", &v, &len), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(rvm_dtb_get_prop(&d, UINT32_MAX & ~3u, "reg", &v, &len), RVM_ERR_MALFORMED_INPUT);
}
END_TEST

/* ---- Edited trees (libfdt's read-write API) ----------------------------- */

/* A copy of the first QEMU tree with room to grow. */
static void *editable(size_t extra)
{
    require_dumps();
    size_t n = fdt_totalsize(blobs[0]) + extra;
    void *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(fdt_open_into(blobs[0], p, (int)n), 0);
    return p;
}

static rvm_err_t read_platform(const void *fdt, rvm_dtb_platform_t *p)
{
    rvm_dtb_t d;
    rvm_err_t err = rvm_dtb_open(&d, fdt, fdt_totalsize(fdt));
    return err != RVM_OK ? err : rvm_dtb_read_platform(&d, p);
}

START_TEST(bootargs_and_extra_memory)
{
    void *fdt = editable(4096);
    int chosen = fdt_path_offset(fdt, "/chosen");
    ck_assert_int_eq(fdt_setprop_string(fdt, chosen, "bootargs", "console=ttyAMA0 rvm.log=2"), 0);
    int mem = fdt_add_subnode(fdt, 0, "memory@100000000");
    ck_assert_int_ge(mem, 0);
    fdt32_t reg[8] = {cpu_to_fdt32(1), 0, 0, cpu_to_fdt32(0x40000000), cpu_to_fdt32(2), 0, 0, cpu_to_fdt32(0x1000)};
    ck_assert_int_eq(fdt_setprop(fdt, mem, "reg", reg, sizeof reg), 0);
    rvm_dtb_platform_t p;
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    compare_with_libfdt(fdt, &p);
    ck_assert_str_eq(p.bootargs, "console=ttyAMA0 rvm.log=2");
    ck_assert_uint_eq(p.bootargs_len, 25);
    ck_assert_uint_eq(p.memory_count, 3);
    /* libfdt adds a node as its parent's first child. */
    ck_assert_uint_eq(p.memory[1].base, 0x200000000ull);
    ck_assert_uint_eq(p.memory[2].base, 0x40000000u);

    /* An unterminated bootargs is refused rather than handed to a string consumer. */
    ck_assert_int_eq(fdt_setprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", "abc", 3), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
    free(fdt);
}
END_TEST

START_TEST(disabled_devices_and_hvc)
{
    void *fdt = editable(4096);
    int uart = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
    ck_assert_int_eq(fdt_setprop_string(fdt, uart, "status", "disabled"), 0);
    int psci = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
    ck_assert_int_eq(fdt_setprop_string(fdt, psci, "method", "hvc"), 0);
    rvm_dtb_platform_t p;
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    ck_assert(!p.uart_present);
    ck_assert_int_eq(p.psci_method, RVM_DTB_PSCI_HVC);
    ck_assert_int_eq(fdt_setprop_string(fdt, uart, "status", "okay"), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    ck_assert(p.uart_present);
    ck_assert_int_eq(fdt_setprop_string(fdt, psci, "method", "svc"), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
    free(fdt);
}
END_TEST

START_TEST(flash_banks)
{
    void *fdt = editable(4096);
    int flash = fdt_node_offset_by_compatible(fdt, -1, "cfi-flash");
    ck_assert_int_ge(flash, 0);
    rvm_dtb_platform_t p;

    /* One bank, no bank-width: recorded as width 0 (the driver then probes). */
    fdt32_t one[4] = {0, cpu_to_fdt32(0x10000000), 0, cpu_to_fdt32(0x100000)};
    ck_assert_int_eq(fdt_setprop(fdt, flash, "reg", one, sizeof one), 0);
    ck_assert_int_eq(fdt_delprop(fdt, flash, "bank-width"), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    compare_with_libfdt(fdt, &p);
    ck_assert_uint_eq(p.flash_count, 1);
    ck_assert_uint_eq(p.flash[0].base, 0x10000000u);
    ck_assert_uint_eq(p.flash_bank_width, 0);

    /* Every width the binding allows; anything else, or a value that is not one cell, is refused. */
    static const uint32_t good[] = {1, 2, 4, 8};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(fdt_setprop_u32(fdt, flash, "bank-width", good[i]), 0);
        ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
        ck_assert_uint_eq(p.flash_bank_width, good[i]);
    }
    static const uint32_t bad[] = {0, 3, 16, 0xffffffffu};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(fdt_setprop_u32(fdt, flash, "bank-width", bad[i]), 0);
        ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
    }
    ck_assert_int_eq(fdt_setprop(fdt, flash, "bank-width", "\0\0", 2), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(fdt_setprop_u32(fdt, flash, "bank-width", 4), 0);

    /* As many banks as the table holds, then one more. */
    fdt32_t banks[4 * (RVM_DTB_MAX_FLASH_BANKS + 1)];
    for (uint32_t i = 0; i <= RVM_DTB_MAX_FLASH_BANKS; i++) {
        banks[4 * i] = 0;
        banks[4 * i + 1] = cpu_to_fdt32(i << 26);
        banks[4 * i + 2] = 0;
        banks[4 * i + 3] = cpu_to_fdt32(1u << 26);
    }
    ck_assert_int_eq(fdt_setprop(fdt, flash, "reg", banks, 16 * RVM_DTB_MAX_FLASH_BANKS), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    compare_with_libfdt(fdt, &p);
    ck_assert_uint_eq(p.flash_count, RVM_DTB_MAX_FLASH_BANKS);
    ck_assert_int_eq(fdt_setprop(fdt, flash, "reg", banks, sizeof banks), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_BUFFER_TOO_SMALL);

    /* A flash without reg, or with a partial entry, is corrupt. */
    ck_assert_int_eq(fdt_setprop(fdt, flash, "reg", banks, 12), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(fdt_delprop(fdt, flash, "reg"), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);

    /* Disabled: ignored, whatever its properties say. */
    ck_assert_int_eq(fdt_setprop_string(fdt, flash, "status", "disabled"), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    ck_assert_uint_eq(p.flash_count, 0);
    ck_assert_uint_eq(p.flash_bank_width, 0);
    free(fdt);

    /* No flash node at all. */
    fdt = editable(0);
    ck_assert_int_eq(fdt_del_node(fdt, fdt_node_offset_by_compatible(fdt, -1, "cfi-flash")), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    compare_with_libfdt(fdt, &p);
    ck_assert_uint_eq(p.flash_count, 0);
    free(fdt);
}
END_TEST

START_TEST(bad_interrupts)
{
    /* Timer: three specifiers are too few, five are fine (the first four count). */
    static const int counts[] = {3, 5, 0};
    for (size_t i = 0; i < 3; i++) {
        void *fdt = editable(256);
        int timer = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
        fdt32_t irq[15];
        for (int k = 0; k < 15; k += 3) {
            irq[k] = cpu_to_fdt32(1);
            irq[k + 1] = cpu_to_fdt32((uint32_t)(10 + k / 3));
            irq[k + 2] = cpu_to_fdt32(0x304);
        }
        ck_assert_int_eq(fdt_setprop(fdt, timer, "interrupts", irq, (int)(12 * counts[i])), 0);
        rvm_dtb_platform_t p;
        if (counts[i] == 5) {
            ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
            ck_assert_uint_eq(p.timer_intid[RVM_DTB_TIMER_HYP_PHYS], 16 + 13);
        } else {
            ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
        }
        free(fdt);
    }
    /* UART: a specifier of the wrong type, an out-of-range SPI, a partial specifier. */
    const fdt32_t bad[][3] = {{cpu_to_fdt32(2), 0, 0}, {0, cpu_to_fdt32(988), 0}, {0, cpu_to_fdt32(1), 0}};
    static const int lens[] = {12, 12, 8};
    for (size_t i = 0; i < 3; i++) {
        void *fdt = editable(256);
        int uart = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
        ck_assert_int_eq(fdt_setprop(fdt, uart, "interrupts", bad[i], lens[i]), 0);
        rvm_dtb_platform_t p;
        ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
        free(fdt);
    }
}
END_TEST

START_TEST(bad_cells)
{
    static const uint32_t bad[] = {0, 3, 0xffffffffu};
    for (size_t i = 0; i < 3; i++) {
        void *fdt = editable(256);
        ck_assert_int_eq(fdt_setprop_u32(fdt, 0, "#address-cells", bad[i]), 0);
        rvm_dtb_platform_t p;
        ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
        free(fdt);
        fdt = editable(256);
        ck_assert_int_eq(fdt_setprop_u32(fdt, 0, "#size-cells", bad[i] == 0 ? 7 : bad[i]), 0);
        ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
        free(fdt);
    }
    /* A cell count that is not one cell long. */
    void *fdt = editable(256);
    ck_assert_int_eq(fdt_setprop(fdt, 0, "#address-cells", "\0\0", 2), 0);
    rvm_dtb_platform_t p;
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
    free(fdt);
    /* A reg that is not a whole number of entries. */
    fdt = editable(256);
    int uart = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
    ck_assert_int_eq(fdt_setprop(fdt, uart, "reg", "\0\0\0\0\0\0\0\0\0\0\0\0", 12), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_MALFORMED_INPUT);
    free(fdt);
}
END_TEST

START_TEST(missing_memory_or_cpus)
{
    void *fdt = editable(0);
    ck_assert_int_eq(fdt_del_node(fdt, fdt_path_offset(fdt, "/memory")), 0);
    rvm_dtb_platform_t p;
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_NOT_FOUND);
    free(fdt);
    fdt = editable(0);
    ck_assert_int_eq(fdt_del_node(fdt, fdt_path_offset(fdt, "/cpus")), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_NOT_FOUND);
    free(fdt);
}
END_TEST

START_TEST(too_many_cpus_or_ranges)
{
    void *fdt = editable(64 * 1024);
    int cpus = fdt_path_offset(fdt, "/cpus");
    for (unsigned i = 1; i < RVM_DTB_MAX_CPUS; i++) {
        char name[32];
        snprintf(name, sizeof name, "cpu@%x", i);
        int n = fdt_add_subnode(fdt, cpus, name);
        ck_assert_int_ge(n, 0);
        ck_assert_int_eq(fdt_setprop_u32(fdt, n, "reg", i), 0);
    }
    rvm_dtb_platform_t p;
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    ck_assert_uint_eq(p.cpu_count, RVM_DTB_MAX_CPUS);
    compare_with_libfdt(fdt, &p);
    ck_assert_int_ge(fdt_setprop_u32(fdt, fdt_add_subnode(fdt, cpus, "cpu@1000"), "reg", 0x1000), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_BUFFER_TOO_SMALL);
    free(fdt);

    fdt = editable(4096);
    int mem = fdt_path_offset(fdt, "/memory");
    fdt32_t reg[4 * (RVM_DTB_MAX_MEMORY_RANGES + 1)] = {0};
    ck_assert_int_eq(fdt_setprop(fdt, mem, "reg", reg, 16 * RVM_DTB_MAX_MEMORY_RANGES), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_OK);
    ck_assert_uint_eq(p.memory_count, RVM_DTB_MAX_MEMORY_RANGES);
    ck_assert_int_eq(fdt_setprop(fdt, mem, "reg", reg, sizeof reg), 0);
    ck_assert_int_eq(read_platform(fdt, &p), RVM_ERR_BUFFER_TOO_SMALL);
    free(fdt);
}
END_TEST

START_TEST(nesting_limit)
{
    void *fdt = editable(4096);
    int node = fdt_path_offset(fdt, "/chosen"); /* depth 2 */
    for (unsigned depth = 3; depth <= RVM_DTB_MAX_DEPTH; depth++) {
        node = fdt_add_subnode(fdt, node, "n");
        ck_assert_int_ge(node, 0);
    }
    rvm_dtb_t d;
    ck_assert_int_eq(rvm_dtb_open(&d, fdt, fdt_totalsize(fdt)), RVM_OK);
    uint32_t off;
    char path[128] = "/chosen";
    for (unsigned depth = 3; depth <= RVM_DTB_MAX_DEPTH; depth++) {
        strcat(path, "/n");
    }
    ck_assert_int_eq(rvm_dtb_find_node(&d, path, &off), RVM_OK);
    ck_assert_uint_eq(off, (uint32_t)node);
    ck_assert_int_ge(fdt_add_subnode(fdt, node, "n"), 0);
    ck_assert_int_eq(rvm_dtb_open(&d, fdt, fdt_totalsize(fdt)), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    free(fdt);
}
END_TEST

/* ---- Hostile headers and blocks ----------------------------------------- */

static void put32(uint8_t *b, size_t off, uint32_t v)
{
    b[off] = (uint8_t)(v >> 24);
    b[off + 1] = (uint8_t)(v >> 16);
    b[off + 2] = (uint8_t)(v >> 8);
    b[off + 3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b, size_t off)
{
    return (uint32_t)b[off] << 24 | (uint32_t)b[off + 1] << 16 | (uint32_t)b[off + 2] << 8 | b[off + 3];
}

/* Opens (and, when that succeeds, reads) a blob; any answer is fine, the sanitizers judge the reads. */
static rvm_err_t try_blob(const uint8_t *b, size_t len)
{
    rvm_dtb_t d;
    rvm_err_t err = rvm_dtb_open(&d, b, len);
    if (err != RVM_OK) {
        ck_assert(err == RVM_ERR_MALFORMED_INPUT || err == RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
        return err;
    }
    rvm_dtb_platform_t p, q;
    err = rvm_dtb_read_platform(&d, &p);
    ck_assert_int_eq(rvm_dtb_read_platform(&d, &q), err);
    if (err == RVM_OK) {
        ck_assert(memcmp(&p, &q, sizeof p) == 0);
        ck_assert_uint_ge(p.memory_count, 1);
        ck_assert_uint_le(p.memory_count, RVM_DTB_MAX_MEMORY_RANGES);
        ck_assert_uint_ge(p.cpu_count, 1);
        ck_assert_uint_le(p.cpu_count, RVM_DTB_MAX_CPUS);
        ck_assert_uint_le(p.flash_count, RVM_DTB_MAX_FLASH_BANKS);
        if (p.bootargs) {
            const uint8_t *s = (const uint8_t *)p.bootargs;
            ck_assert(s >= b && s + p.bootargs_len < b + len && s[p.bootargs_len] == 0);
        }
    }
    uint32_t off;
    if (rvm_dtb_find_node(&d, "/cpus/cpu@0", &off) == RVM_OK) {
        const uint8_t *v;
        uint32_t vlen;
        if (rvm_dtb_get_prop(&d, off, "reg", &v, &vlen) == RVM_OK) {
            ck_assert(v >= b && v + vlen <= b + len);
        }
    }
    return err;
}

static rvm_err_t patched(size_t field, uint32_t value)
{
    require_dumps();
    size_t len = fdt_totalsize(blobs[0]);
    uint8_t *b = exact_copy(blobs[0], len);
    put32(b, field, value);
    rvm_dtb_t d;
    rvm_err_t err = rvm_dtb_open(&d, b, len);
    free(b);
    return err;
}

START_TEST(bad_headers)
{
    require_dumps();
    const uint8_t *good = blobs[0];
    uint32_t total = fdt_totalsize(good), off_struct = fdt_off_dt_struct(good);
    uint32_t off_strings = fdt_off_dt_strings(good), size_struct = fdt_size_dt_struct(good);
    rvm_dtb_t d;
    ck_assert_int_eq(rvm_dtb_open(NULL, good, total), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_dtb_open(&d, NULL, total), RVM_ERR_INVALID_ARGUMENT);
    uint8_t *shifted = malloc(total + 8);
    memcpy(shifted + 4, good, total);
    ck_assert_int_eq(rvm_dtb_open(&d, shifted + 4, total), RVM_ERR_ALIGNMENT_ERROR);
    free(shifted);

    ck_assert_int_eq(patched(0, 0xd00dfeee), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(0, 0xedfe0dd0), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(4, total + 1), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(4, 39), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(20, 15), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(24, 18), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(8, off_struct + 2), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(8, total), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(8, 0xfffffffc), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(8, 0), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(36, total - off_struct + 4), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(36, size_struct - 2), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(36, 0xfffffff0), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(36, size_struct - 4), RVM_ERR_MALFORMED_INPUT); /* FDT_END cut off */
    ck_assert_int_eq(patched(12, total + 1), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(32, total - off_strings + 1), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(32, 0xffffffff), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(32, 0), RVM_ERR_MALFORMED_INPUT); /* every property name is then unterminated */
    ck_assert_int_eq(patched(16, 4), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(16, 44), RVM_ERR_MALFORMED_INPUT);
    ck_assert_int_eq(patched(16, total), RVM_ERR_MALFORMED_INPUT);
    /* v16 has no size_dt_struct; the block then runs to totalsize. */
    ck_assert_int_eq(patched(20, 16), RVM_OK);
    ck_assert_int_eq(patched(20, 17), RVM_OK);
}
END_TEST

/* Offset of the first FDT_PROP token named `name`, found with libfdt. */
static int prop_token(const void *fdt, const char *path, const char *name)
{
    int node = fdt_path_offset(fdt, path), prop;
    fdt_for_each_property_offset(prop, fdt, node) {
        const char *n;
        fdt_getprop_by_offset(fdt, prop, &n, NULL);
        if (strcmp(n, name) == 0) {
            return prop;
        }
    }
    ck_abort_msg("no %s in %s", name, path);
    return -1;
}

START_TEST(bad_tokens)
{
    require_dumps();
    size_t len = fdt_totalsize(blobs[0]);
    uint32_t ss = fdt_off_dt_struct(blobs[0]), se = ss + fdt_size_dt_struct(blobs[0]);
    /* libfdt offsets are relative to the structure block; the patches below are not. */
    uint32_t reg = ss + (uint32_t)prop_token(blobs[0], "/memory", "reg");
    uint32_t root_name = ss + 4;
    struct {
        size_t off;
        uint32_t value;
    } cases[] = {
        {(size_t)reg + 4, se - reg - 11},             /* value runs past the structure block */
        {(size_t)reg + 4, 0xffffffffu},               /* ... and far past everything */
        {(size_t)reg + 4, 0xfffffff9u},               /* rounding up to 4 would wrap */
        {(size_t)reg + 8, fdt_size_dt_strings(blobs[0])}, /* name outside the strings block */
        {(size_t)reg + 8, 0xffffffffu},
        {(size_t)reg, 7},                             /* unknown token */
        {(size_t)reg, 9},                             /* FDT_END inside a node */
        {ss, 3},                                      /* property before the root */
        {ss, 2},                                      /* end before the root */
        {(size_t)root_name, 0x61626364},              /* root with a name */
        {se - 4, 2},                                  /* no FDT_END */
        {se - 8, 4},                                  /* root never closed */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *b = exact_copy(blobs[0], len);
        put32(b, cases[i].off, cases[i].value);
        ck_assert_msg(try_blob(b, len) == RVM_ERR_MALFORMED_INPUT, "case %zu", i);
        free(b);
    }

    /* A node name that runs to the end of the structure block. */
    uint8_t *b = exact_copy(blobs[0], len);
    uint32_t last = ss + (uint32_t)fdt_path_offset(blobs[0], "/chosen");
    memset(b + last + 4, 'x', se - last - 4);
    ck_assert_int_eq(try_blob(b, len), RVM_ERR_MALFORMED_INPUT);
    free(b);

    /* The last property name left unterminated by shrinking the strings block by one byte. */
    b = exact_copy(blobs[0], len);
    put32(b, 32, fdt_size_dt_strings(blobs[0]) - 1);
    ck_assert_int_eq(try_blob(b, len), RVM_ERR_MALFORMED_INPUT);
    free(b);
}
END_TEST

/* A hand-built blob around a structure block of `n` words and the one property name "p". */
static uint8_t *hand_built(const uint32_t *words, size_t n, size_t *len)
{
    uint8_t b[128] = {0};
    ck_assert_uint_le(56 + 4 * n + 2, sizeof b);
    put32(b, 0, 0xd00dfeed);
    put32(b, 8, 56);
    put32(b, 16, 40); /* one empty reservation entry */
    put32(b, 20, 17);
    put32(b, 24, 16);
    put32(b, 36, (uint32_t)(4 * n));
    put32(b, 12, (uint32_t)(56 + 4 * n));
    put32(b, 32, 2);
    for (size_t i = 0; i < n; i++) {
        put32(b, 56 + 4 * i, words[i]);
    }
    memcpy(b + 56 + 4 * n, "p", 2);
    *len = 56 + 4 * n + 2;
    put32(b, 4, (uint32_t)*len);
    return exact_copy(b, *len);
}

START_TEST(prop_after_subnode)
{
    /* / { a { }; p = <1>; }; would change a cell size after the children were read. */
    static const uint32_t late[] = {1, 0, 1, 0x61000000, 2, 3, 4, 0, 1, 2, 9};
    /* / { p = <1>; a { }; }; is a valid (if memory-less) tree. */
    static const uint32_t early[] = {1, 0, 3, 4, 0, 1, 1, 0x61000000, 2, 2, 9};
    /* / { a  with the name running into FDT_END. */
    static const uint32_t unterminated[] = {1, 0, 1, 0x61616161, 0x61616161};
    size_t len;
    uint8_t *b = hand_built(late, sizeof late / 4, &len);
    ck_assert_int_eq(try_blob(b, len), RVM_ERR_MALFORMED_INPUT);
    free(b);
    b = hand_built(early, sizeof early / 4, &len);
    ck_assert_int_eq(fdt_check_full(b, len), 0);
    ck_assert_int_eq(try_blob(b, len), RVM_ERR_NOT_FOUND);
    const uint8_t *v;
    uint32_t vlen;
    rvm_dtb_t d;
    ck_assert_int_eq(rvm_dtb_open(&d, b, len), RVM_OK);
    ck_assert_int_eq(rvm_dtb_get_prop(&d, 0, "p", &v, &vlen), RVM_OK);
    ck_assert_uint_eq(vlen, 4);
    ck_assert_int_eq(rvm_dtb_get_prop(&d, 0, "", &v, &vlen), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_dtb_get_prop(&d, 8, "p", &v, &vlen), RVM_ERR_INVALID_ARGUMENT); /* not a node */
    free(b);
    b = hand_built(unterminated, sizeof unterminated / 4, &len);
    ck_assert_int_eq(try_blob(b, len), RVM_ERR_MALFORMED_INPUT);
    free(b);
}
END_TEST

/*
 * The same tree with the structure block last: libfdt (and QEMU) put the
 * strings block last, which would leave a structure-block overrun inside
 * the buffer where the sanitizers cannot see it.
 */
static uint8_t *struct_last(const uint8_t *good, size_t *len)
{
    uint32_t off_struct = fdt_off_dt_struct(good), size_struct = fdt_size_dt_struct(good);
    uint32_t off_strings = fdt_off_dt_strings(good), size_strings = fdt_size_dt_strings(good);
    ck_assert_uint_eq(off_struct + size_struct, off_strings);
    uint32_t new_struct = (off_struct + size_strings + 3u) & ~3u;
    *len = new_struct + size_struct;
    uint8_t *b = calloc(1, *len);
    ck_assert_ptr_nonnull(b);
    memcpy(b, good, off_struct);
    memcpy(b + off_struct, good + off_strings, size_strings);
    memcpy(b + new_struct, good + off_struct, size_struct);
    put32(b, 4, (uint32_t)*len);
    put32(b, 8, new_struct);
    put32(b, 12, off_struct);
    uint8_t *e = exact_copy(b, *len);
    free(b);
    return e;
}

/* Every truncation: as delivered (header claims more than the buffer) and with a header made to agree. */
static void truncate_everywhere(const uint8_t *good, uint32_t total)
{
    uint32_t off_struct = get32(good, 8), size_struct = get32(good, 36);
    uint32_t off_strings = get32(good, 12), size_strings = get32(good, 32);
    for (uint32_t len = 0; len < total; len++) {
        uint8_t *b = exact_copy(good, len);
        rvm_dtb_t d;
        ck_assert_int_eq(rvm_dtb_open(&d, b, len), RVM_ERR_MALFORMED_INPUT);
        if (len >= 40) {
            put32(b, 4, len);
            if (off_struct + size_struct > len) {
                put32(b, 36, len > off_struct ? (len - off_struct) & ~3u : 0);
            }
            if (off_strings + size_strings > len) {
                put32(b, 32, len > off_strings ? len - off_strings : 0);
            }
            (void)try_blob(b, len);
        }
        free(b);
    }
}

START_TEST(truncated_everywhere)
{
    require_dumps();
    truncate_everywhere(blobs[_i], fdt_totalsize(blobs[_i]));
    size_t len;
    uint8_t *b = struct_last(blobs[_i], &len);
    ck_assert_int_eq(try_blob(b, len), RVM_OK);
    truncate_everywhere(b, (uint32_t)len);
    free(b);
}
END_TEST

/* A few thousand random corruptions of a real tree: any answer, never a bad read. */
START_TEST(random_corruption)
{
    require_dumps();
    size_t len = fdt_totalsize(blobs[_i]);
    /* Odd runs corrupt the struct-last layout, so overruns of either block reach the buffer's end. */
    uint8_t *good = (_i & 1) ? struct_last(blobs[_i], &len) : exact_copy(blobs[_i], len);
    uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)_i;
    int ok = 0;
    for (int iter = 0; iter < 3000; iter++) {
        uint8_t *b = exact_copy(good, len);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int flips = 1 + (int)(x % 8);
        for (int f = 0; f < flips; f++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* Half the hits in the first 8 KiB (header, start of the blocks), where a byte matters most. */
            size_t span = (f & 1) || len < 8192 ? len : 8192;
            size_t pos = (size_t)(x >> 16) % span;
            b[pos] = (f & 2) ? (uint8_t)(x >> 8) : (uint8_t)(b[pos] ^ (1u << ((x >> 8) & 7)));
        }
        ok += try_blob(b, len) == RVM_OK;
        free(b);
    }
    free(good);
    ck_assert_int_gt(ok, 0); /* some flips land in values the reader ignores */
}
END_TEST

static Suite *dtb_suite(void)
{
    Suite *s = suite_create("rvmhal-dtb");
    TCase *q = tcase_create("qemu");
    tcase_set_timeout(q, 120);
    tcase_add_loop_test(q, qemu_platform_matches_libfdt, 0, N_CFG);
    tcase_add_loop_test(q, qemu_lookups_match_libfdt, 0, N_CFG);
    suite_add_tcase(s, q);
    TCase *e = tcase_create("edited");
    tcase_set_timeout(e, 120);
    tcase_add_test(e, bootargs_and_extra_memory);
    tcase_add_test(e, disabled_devices_and_hvc);
    tcase_add_test(e, flash_banks);
    tcase_add_test(e, bad_interrupts);
    tcase_add_test(e, bad_cells);
    tcase_add_test(e, missing_memory_or_cpus);
    tcase_add_test(e, too_many_cpus_or_ranges);
    tcase_add_test(e, nesting_limit);
    suite_add_tcase(s, e);
    TCase *h = tcase_create("hostile");
    tcase_set_timeout(h, 240);
    tcase_add_test(h, bad_headers);
    tcase_add_test(h, bad_tokens);
    tcase_add_test(h, prop_after_subnode);
    /* One GICv2 and one GICv3 tree (index N_MEM * N_SMP starts the v3 half). */
    tcase_add_loop_test(h, truncated_everywhere, 0, 1);
    tcase_add_loop_test(h, truncated_everywhere, (int)(N_MEM * N_SMP), (int)(N_MEM * N_SMP) + 1);
    tcase_add_loop_test(h, random_corruption, 0, 2);
    tcase_add_loop_test(h, random_corruption, (int)(N_MEM * N_SMP) + 4, (int)(N_MEM * N_SMP) + 6);
    suite_add_tcase(s, h);
    return s;
}

int main(void)
{
    dump_all();
    SRunner *sr = srunner_create(dtb_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (size_t i = 0; i < N_CFG; i++) {
        free(blobs[i]);
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
