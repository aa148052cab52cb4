#include "fixture.h"

#include <stdlib.h>
#include <string.h>

static uint8_t nibble(char c)
{
    if (c >= '0' && c <= '9') {
        return (uint8_t)(c - '0');
    }
    return (uint8_t)(c - 'a' + 10);
}

void fx_hex32(const char *hex, uint8_t out[32])
{
    ck_assert_uint_eq(strlen(hex), 64);
    for (size_t i = 0; i < 32; i++) {
        out[i] = (uint8_t)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    }
}

void fx_reference_data(fx_data_t *d)
{
    memset(d, 0, sizeof *d);
    uint64_t ram = 128ull << 20;
    for (size_t i = 0; i < 8; i++) {
        d->bytes[RVM_BOOT_STAGE_HARDWARE_DETECT][i] = (uint8_t)(ram >> (8 * i));
    }
    d->len[RVM_BOOT_STAGE_HARDWARE_DETECT] = 8;
    d->bytes[RVM_BOOT_STAGE_MMU_SETUP][1] = 0x10; /* 4096 LE u32 */
    d->len[RVM_BOOT_STAGE_MMU_SETUP] = 4;
    d->bytes[RVM_BOOT_STAGE_HYPERVISOR_MODE][1] = 0x01; /* 256 LE u32 */
    d->len[RVM_BOOT_STAGE_HYPERVISOR_MODE] = 4;
    d->bytes[RVM_BOOT_STAGE_KERNEL_OBJECT_INIT][0] = 0xCA;
    d->bytes[RVM_BOOT_STAGE_KERNEL_OBJECT_INIT][1] = 0xFE;
    d->len[RVM_BOOT_STAGE_KERNEL_OBJECT_INIT] = 2;
    for (size_t i = 0; i < 40; i++) {
        d->bytes[RVM_BOOT_STAGE_FIRST_PARTITION][i] = (uint8_t)(3 * i + 1);
    }
    d->len[RVM_BOOT_STAGE_FIRST_PARTITION] = 40;
}

void fx_open(fx_boot_t *f, uint8_t hash)
{
    memset(f, 0, sizeof *f);
    f->storage = aligned_alloc(64, FX_LOG_CAPACITY * sizeof *f->storage);
    ck_assert_ptr_nonnull(f->storage);
    rvm_boot_config_t cfg = {.hash = hash, .counter_hz = FX_HZ};
    ck_assert_int_eq(rvm_boot_init(&f->b, &cfg), RVM_OK);
}

void fx_close(fx_boot_t *f) { free(f->storage); }

rvm_err_t fx_attach(fx_boot_t *f, const rvm_witness_config_t *cfg)
{
    return rvm_boot_attach_log(&f->b, &f->log, f->storage, FX_LOG_CAPACITY, cfg);
}

void fx_boot_all(fx_boot_t *f, const fx_data_t *d, uint64_t tick)
{
    for (uint8_t s = rvm_boot_next_stage(&f->b); s != RVM_BOOT_STAGE_NONE; s = rvm_boot_next_stage(&f->b)) {
        ck_assert_int_eq(rvm_boot_begin_stage(&f->b, s, tick), RVM_OK);
        tick += 1000;
        ck_assert_int_eq(rvm_boot_complete_stage_data(&f->b, s, tick, d->bytes[s], d->len[s]), RVM_OK);
        if (s == RVM_BOOT_STAGE_KERNEL_OBJECT_INIT && f->b.log == NULL) {
            ck_assert_int_eq(fx_attach(f, NULL), RVM_OK);
        }
    }
}

uint32_t fx_records(const fx_boot_t *f, rvm_witness_record_t *out, uint32_t cap)
{
    uint32_t n = 0;
    ck_assert_int_eq(rvm_witness_snapshot(&f->log, out, cap, &n), RVM_OK);
    return n;
}
