/*
 * ESR_EL2 decoding: first the syndromes observed on QEMU (notes/toolchain.md
 * §4), then syndromes built from the Arm ARM field layout.
 */
#include <check.h>
#include <stdlib.h>

#include <rvm/esr.h>

#define ESR(ec, il, iss) (((uint64_t)(ec) << 26) | ((il) ? (UINT64_C(1) << 25) : 0u) | (uint64_t)(iss))

/* Data-abort ISS from its fields (ESR_EL2 ISS encoding for EC 0x24). */
static uint32_t dabt_iss(unsigned isv, unsigned sas, unsigned sse, unsigned srt, unsigned sf, unsigned ar,
                         unsigned wnr, unsigned dfsc)
{
    return (isv << 24) | (sas << 22) | (sse << 21) | (srt << 16) | (sf << 15) | (ar << 14) | (wnr << 6) | dfsc;
}

static rvm_trap_t decode(uint64_t esr, uint64_t far, uint64_t hpfar)
{
    rvm_trap_t t;
    rvm_esr_decode(esr, far, hpfar, &t);
    return t;
}

START_TEST(observed_hvc)
{
    for (unsigned n = 0; n < 0x100; n += 0x11) {
        rvm_trap_t t = decode(0x5a000000u | n, 0, 0);
        ck_assert_int_eq(t.kind, RVM_TRAP_HVC64);
        ck_assert_uint_eq(t.ec, 0x16);
        ck_assert_uint_eq(t.u.call.imm16, n);
        ck_assert_uint_eq(t.insn_len, 4);
        ck_assert(t.valid);
    }
    ck_assert_uint_eq(decode(0x5a00ffffu, 0, 0).u.call.imm16, 0xffff);
}
END_TEST

START_TEST(observed_smc)
{
    rvm_trap_t t = decode(0x5e000000u, 0, 0);
    ck_assert_int_eq(t.kind, RVM_TRAP_SMC64);
    ck_assert_uint_eq(t.ec, 0x17);
    ck_assert_uint_eq(t.u.call.imm16, 0);
    ck_assert_uint_eq(t.insn_len, 4);
}
END_TEST

START_TEST(observed_load_unmapped)
{
    rvm_trap_t t = decode(0x93c98007u, 0x40500000u, 0x405000u);
    ck_assert_int_eq(t.kind, RVM_TRAP_DABT_LOWER);
    ck_assert_uint_eq(t.ec, 0x24);
    ck_assert_uint_eq(t.insn_len, 4);
    ck_assert(t.valid);
    const rvm_trap_abort_t *a = &t.u.abort;
    ck_assert(a->isv);
    ck_assert_uint_eq(a->sas, 3);
    ck_assert(!a->sse);
    ck_assert_uint_eq(a->srt, 9);
    ck_assert(a->sf);
    ck_assert(!a->ar);
    ck_assert(!a->wnr);
    ck_assert(!a->s1ptw);
    ck_assert(!a->fnv);
    ck_assert_uint_eq(a->fsc, 0x07);
    ck_assert_int_eq(a->type, RVM_FAULT_TRANSLATION);
    ck_assert_uint_eq(a->level, 3);
    ck_assert(a->ipa_valid);
    ck_assert_uint_eq(a->ipa.bits, 0x40500000u);
    ck_assert_uint_eq(a->far, 0x40500000u);
}
END_TEST

START_TEST(observed_store_vuart)
{
    rvm_trap_t t = decode(0x938f0045u, 0x09000000u, 0x90000u);
    ck_assert_int_eq(t.kind, RVM_TRAP_DABT_LOWER);
    ck_assert(t.valid);
    const rvm_trap_abort_t *a = &t.u.abort;
    ck_assert(a->isv);
    ck_assert_uint_eq(a->sas, 2);
    ck_assert_uint_eq(a->srt, 15);
    ck_assert(!a->sf);
    ck_assert(a->wnr);
    ck_assert_uint_eq(a->fsc, 0x05);
    ck_assert_int_eq(a->type, RVM_FAULT_TRANSLATION);
    ck_assert_uint_eq(a->level, 1);
    ck_assert_uint_eq(a->ipa.bits, 0x09000000u);
}
END_TEST

START_TEST(observed_access_flag_iabt)
{
    rvm_trap_t t = decode(0x8200000bu, 0x40001000u, 0x400010u);
    ck_assert_int_eq(t.kind, RVM_TRAP_IABT_LOWER);
    ck_assert_uint_eq(t.ec, 0x20);
    ck_assert(t.valid);
    ck_assert_uint_eq(t.u.abort.fsc, 0x0b);
    ck_assert_int_eq(t.u.abort.type, RVM_FAULT_ACCESS_FLAG);
    ck_assert_uint_eq(t.u.abort.level, 3);
    ck_assert(!t.u.abort.wnr);
    ck_assert(t.u.abort.ipa_valid);
    ck_assert_uint_eq(t.u.abort.ipa.bits, 0x40001000u);
}
END_TEST

/* One row per syndrome: the kind and the fields that distinguish it. */
typedef struct row {
    uint64_t esr;
    rvm_trap_kind_t kind;
    uint8_t ec;
    uint8_t insn_len;
    bool valid;
} row_t;

static const row_t rows[] = {
    { ESR(0x16, 1, 0x1234), RVM_TRAP_HVC64, 0x16, 4, true },
    { ESR(0x17, 1, 0x0005), RVM_TRAP_SMC64, 0x17, 4, true },
    { ESR(0x18, 1, 0x32F861), RVM_TRAP_SYSREG, 0x18, 4, true },
    { ESR(0x01, 1, 0x1E00000), RVM_TRAP_WFX, 0x01, 4, true },
    { ESR(0x07, 1, 0x1E00000), RVM_TRAP_FP, 0x07, 4, true },
    { ESR(0x0E, 1, 0), RVM_TRAP_ILLEGAL_STATE, 0x0E, 4, true },
    { ESR(0x2F, 1, 0xA11), RVM_TRAP_SERROR, 0x2F, 4, true },
    { ESR(0x00, 1, 0), RVM_TRAP_UNKNOWN, 0x00, 4, true },
    { ESR(0x15, 1, 0), RVM_TRAP_UNKNOWN, 0x15, 4, true },   /* SVC64 is never taken to EL2 here */
    { ESR(0x3C, 1, 0), RVM_TRAP_UNKNOWN, 0x3C, 4, true },   /* BRK */
    { ESR(0x24, 0, 0x1000007), RVM_TRAP_DABT_LOWER, 0x24, 2, true },
    { ESR(0x24, 1, 0x0000007), RVM_TRAP_DABT_LOWER, 0x24, 4, false }, /* ISV = 0: LDP, post-index, ... */
    { ESR(0x24, 1, 0x1C00021), RVM_TRAP_DABT_LOWER, 0x24, 4, false }, /* alignment: HPFAR undefined */
    { ESR(0x24, 1, 0x1C00407), RVM_TRAP_DABT_LOWER, 0x24, 4, false }, /* FnV */
    { ESR(0x24, 1, 0x1C00087), RVM_TRAP_DABT_LOWER, 0x24, 4, false }, /* stage-1 walk */
    { ESR(0x24, 1, 0x0000210), RVM_TRAP_DABT_LOWER, 0x24, 4, false }, /* external abort */
    { ESR(0x20, 1, 0x86), RVM_TRAP_IABT_LOWER, 0x20, 4, true },
};

START_TEST(table_kinds)
{
    const row_t *r = &rows[_i];
    rvm_trap_t t = decode(r->esr, 0x1234, 0x40000);
    ck_assert_int_eq(t.kind, r->kind);
    ck_assert_uint_eq(t.ec, r->ec);
    ck_assert_uint_eq(t.insn_len, r->insn_len);
    ck_assert_int_eq(t.valid, r->valid);
    ck_assert_uint_eq(t.iss, r->esr & 0x1FFFFFFu);
}
END_TEST

START_TEST(sysreg_fields)
{
    /* MRS x3, CNTPCT_EL0: op0 3, op1 3, CRn 14, CRm 0, op2 1. */
    rvm_trap_t t = decode(0x6232F861u, 0, 0);
    ck_assert_int_eq(t.kind, RVM_TRAP_SYSREG);
    ck_assert_uint_eq(t.u.sysreg.op0, 3);
    ck_assert_uint_eq(t.u.sysreg.op1, 3);
    ck_assert_uint_eq(t.u.sysreg.crn, 14);
    ck_assert_uint_eq(t.u.sysreg.crm, 0);
    ck_assert_uint_eq(t.u.sysreg.op2, 1);
    ck_assert_uint_eq(t.u.sysreg.rt, 3);
    ck_assert(t.u.sysreg.read);
    /* MSR SCTLR_EL1, x0 (trapped by HCR_EL2.TVM): op0 3, op1 0, CRn 1, CRm 0, op2 0. */
    t = decode(0x62300400u, 0, 0);
    ck_assert_uint_eq(t.u.sysreg.op0, 3);
    ck_assert_uint_eq(t.u.sysreg.op1, 0);
    ck_assert_uint_eq(t.u.sysreg.crn, 1);
    ck_assert_uint_eq(t.u.sysreg.crm, 0);
    ck_assert_uint_eq(t.u.sysreg.op2, 0);
    ck_assert_uint_eq(t.u.sysreg.rt, 0);
    ck_assert(!t.u.sysreg.read);
    /* Every field at its extreme value, so that no field bleeds into a neighbour. */
    uint32_t iss = (2u << 20) | (7u << 17) | (5u << 14) | (15u << 10) | (31u << 5) | (9u << 1);
    t = decode(ESR(0x18, 1, iss), 0, 0);
    ck_assert_uint_eq(t.u.sysreg.op0, 2);
    ck_assert_uint_eq(t.u.sysreg.op2, 7);
    ck_assert_uint_eq(t.u.sysreg.op1, 5);
    ck_assert_uint_eq(t.u.sysreg.crn, 15);
    ck_assert_uint_eq(t.u.sysreg.rt, 31);
    ck_assert_uint_eq(t.u.sysreg.crm, 9);
    ck_assert(!t.u.sysreg.read);
}
END_TEST

START_TEST(wfx_fields)
{
    /* AArch64 WFI/WFE report CV = 1, COND = 0b1110; TI selects the instruction. */
    rvm_trap_t t = decode(0x07E00000u, 0, 0);
    ck_assert_int_eq(t.kind, RVM_TRAP_WFX);
    ck_assert_uint_eq(t.u.wfx.ti, 0);
    ck_assert(!t.u.wfx.wfe);
    t = decode(0x07E00001u, 0, 0);
    ck_assert_uint_eq(t.u.wfx.ti, 1);
    ck_assert(t.u.wfx.wfe);
    t = decode(ESR(0x01, 1, 3), 0, 0);
    ck_assert_uint_eq(t.u.wfx.ti, 3);
    ck_assert(t.u.wfx.wfe);
}
END_TEST

START_TEST(dabt_fields)
{
    /* STR w1 to a read-only page: permission fault, level 3. */
    rvm_trap_t t = decode(0x9381004Fu, 0x80001234u, 0x800010u);
    ck_assert_uint_eq(dabt_iss(1, 2, 0, 1, 0, 0, 1, 0x0F), 0x0181004Fu);
    ck_assert(t.valid);
    ck_assert_int_eq(t.u.abort.type, RVM_FAULT_PERMISSION);
    ck_assert_uint_eq(t.u.abort.level, 3);
    ck_assert_uint_eq(t.u.abort.sas, 2);
    ck_assert_uint_eq(t.u.abort.srt, 1);
    ck_assert(t.u.abort.wnr);
    ck_assert_uint_eq(t.u.abort.ipa.bits, 0x80001234u);
    /* LDRSB w2: byte, sign-extended into a 32-bit register. */
    t = decode(ESR(0x24, 1, dabt_iss(1, 0, 1, 2, 0, 0, 0, 0x06)), 0x9000003u, 0x9000u);
    ck_assert(t.valid);
    ck_assert_uint_eq(t.u.abort.sas, 0);
    ck_assert(t.u.abort.sse);
    ck_assert(!t.u.abort.sf);
    ck_assert_uint_eq(t.u.abort.srt, 2);
    ck_assert_uint_eq(t.u.abort.level, 2);
    ck_assert_uint_eq(t.u.abort.ipa.bits, 0x900003u);
    /* LDAR x30: acquire, 64-bit. */
    t = decode(ESR(0x24, 1, dabt_iss(1, 3, 0, 30, 1, 1, 0, 0x07)), 0, 0);
    ck_assert(t.u.abort.ar);
    ck_assert(t.u.abort.sf);
    ck_assert_uint_eq(t.u.abort.srt, 30);
    /* HPFAR_EL2.NS (bit 63) and bits above FIPA are not part of the IPA. */
    t = decode(0x93c98007u, 0xffff000040500abcu, UINT64_C(0x8000000000405000));
    ck_assert_uint_eq(t.u.abort.ipa.bits, 0x40500abcu);
    t = decode(0x93c98007u, 0, UINT64_C(0x00000FFFFFFFFFF0));
    ck_assert_uint_eq(t.u.abort.ipa.bits, UINT64_C(0x000FFFFFFFFFF000));
}
END_TEST

START_TEST(dabt_unusable)
{
    /* No ISV: the access cannot be emulated, but the IPA is still reported. */
    rvm_trap_t t = decode(ESR(0x24, 1, 0x07), 0x40500010u, 0x405000u);
    ck_assert(!t.valid);
    ck_assert(!t.u.abort.isv);
    ck_assert(t.u.abort.ipa_valid);
    ck_assert_uint_eq(t.u.abort.ipa.bits, 0x40500010u);
    /* FnV: FAR is not valid, so only the page is known. */
    t = decode(ESR(0x24, 1, dabt_iss(1, 3, 0, 0, 1, 0, 0, 0x07) | 0x400u), 0x123u, 0x405000u);
    ck_assert(!t.valid);
    ck_assert(t.u.abort.fnv);
    ck_assert_uint_eq(t.u.abort.ipa.bits, 0x40500000u);
    /* Stage-1 walk: HPFAR names the page of the stage-1 descriptor, FAR is the VA. */
    t = decode(ESR(0x24, 1, dabt_iss(1, 3, 0, 0, 1, 0, 0, 0x06) | 0x80u), 0xffff000000001008u, 0x40010u);
    ck_assert(!t.valid);
    ck_assert(t.u.abort.s1ptw);
    ck_assert_uint_eq(t.u.abort.level, 2);
    ck_assert_uint_eq(t.u.abort.ipa.bits, 0x4001000u);
    /* Alignment and external aborts leave HPFAR UNKNOWN. */
    t = decode(ESR(0x24, 1, dabt_iss(1, 3, 0, 0, 1, 0, 0, 0x21)), 0x40500001u, 0x405000u);
    ck_assert(!t.valid);
    ck_assert_int_eq(t.u.abort.type, RVM_FAULT_ALIGNMENT);
    ck_assert_uint_eq(t.u.abort.level, RVM_FAULT_LEVEL_NONE);
    ck_assert(!t.u.abort.ipa_valid);
    t = decode(ESR(0x24, 1, 0x210), 0, 0);
    ck_assert(!t.valid);
    ck_assert(t.u.abort.ea);
    ck_assert_int_eq(t.u.abort.type, RVM_FAULT_EXTERNAL);
    ck_assert(!t.u.abort.ipa_valid);
}
END_TEST

START_TEST(fault_status_codes)
{
    static const struct { uint8_t fsc; rvm_fault_type_t type; uint8_t level; } fsc[] = {
        { 0x00, RVM_FAULT_ADDRESS_SIZE, 0 }, { 0x03, RVM_FAULT_ADDRESS_SIZE, 3 },
        { 0x04, RVM_FAULT_TRANSLATION, 0 },  { 0x07, RVM_FAULT_TRANSLATION, 3 },
        { 0x09, RVM_FAULT_ACCESS_FLAG, 1 },  { 0x0B, RVM_FAULT_ACCESS_FLAG, 3 },
        { 0x0D, RVM_FAULT_PERMISSION, 1 },   { 0x0F, RVM_FAULT_PERMISSION, 3 },
        { 0x10, RVM_FAULT_EXTERNAL, RVM_FAULT_LEVEL_NONE },
        { 0x15, RVM_FAULT_EXTERNAL_WALK, 1 }, { 0x17, RVM_FAULT_EXTERNAL_WALK, 3 },
        { 0x21, RVM_FAULT_ALIGNMENT, RVM_FAULT_LEVEL_NONE },
        { 0x30, RVM_FAULT_TLB_CONFLICT, RVM_FAULT_LEVEL_NONE },
        { 0x11, RVM_FAULT_OTHER, RVM_FAULT_LEVEL_NONE }, { 0x18, RVM_FAULT_OTHER, RVM_FAULT_LEVEL_NONE },
        { 0x35, RVM_FAULT_OTHER, RVM_FAULT_LEVEL_NONE },
    };
    for (size_t i = 0; i < sizeof fsc / sizeof fsc[0]; i++) {
        for (unsigned ec = 0x20; ec <= 0x24; ec += 4) {
            rvm_trap_t t = decode(ESR(ec, 1, fsc[i].fsc), 0, 0);
            ck_assert_uint_eq(t.u.abort.fsc, fsc[i].fsc);
            ck_assert_int_eq(t.u.abort.type, fsc[i].type);
            ck_assert_uint_eq(t.u.abort.level, fsc[i].level);
            ck_assert_int_eq(t.u.abort.ipa_valid, fsc[i].type <= RVM_FAULT_PERMISSION);
        }
    }
}
END_TEST

START_TEST(serror_fields)
{
    rvm_trap_t t = decode(ESR(0x2F, 1, (1u << 24) | (2u << 10) | (1u << 9) | 0x11u), 0, 0);
    ck_assert_int_eq(t.kind, RVM_TRAP_SERROR);
    ck_assert(t.u.serror.ids);
    ck_assert_uint_eq(t.u.serror.aet, 2);
    ck_assert(t.u.serror.ea);
    ck_assert_uint_eq(t.u.serror.dfsc, 0x11);
}
END_TEST

START_TEST(upper_bits_ignored)
{
    /* ESR_EL2[63:32] (ISS2) must not leak into EC or ISS. */
    rvm_trap_t t = decode(UINT64_C(0xFFFFFFFF00000000) | 0x5a000042u, 0, 0);
    ck_assert_int_eq(t.kind, RVM_TRAP_HVC64);
    ck_assert_uint_eq(t.u.call.imm16, 0x42);
    ck_assert_uint_eq(t.iss, 0x42);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmhal-esr");
    TCase *tc = tcase_create("esr");
    tcase_add_test(tc, observed_hvc);
    tcase_add_test(tc, observed_smc);
    tcase_add_test(tc, observed_load_unmapped);
    tcase_add_test(tc, observed_store_vuart);
    tcase_add_test(tc, observed_access_flag_iabt);
    tcase_add_loop_test(tc, table_kinds, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, sysreg_fields);
    tcase_add_test(tc, wfx_fields);
    tcase_add_test(tc, dabt_fields);
    tcase_add_test(tc, dabt_unusable);
    tcase_add_test(tc, fault_status_codes);
    tcase_add_test(tc, serror_fields);
    tcase_add_test(tc, upper_bits_ignored);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
