/* ESR_EL2 decoding (Arm ARM D17.2.40 ESR_EL2, D17.2.62 HPFAR_EL2). */
#include <rvm/esr.h>

#define ESR_EC_SHIFT 26u
#define ESR_EC_MASK 0x3Fu
#define ESR_IL (UINT64_C(1) << 25)
#define ESR_ISS_MASK 0x01FFFFFFu
#define HPFAR_FIPA_SHIFT 4u
#define HPFAR_FIPA_MASK ((UINT64_C(1) << 40) - 1u) /* FIPA[43:4] = IPA[51:12]; bit 63 (NS) is not address */
#define PAGE_OFFSET_MASK UINT64_C(0xFFF)

static uint32_t bits(uint32_t v, unsigned lo, unsigned width) { return (v >> lo) & ((1u << width) - 1u); }

static bool bit(uint32_t v, unsigned n) { return ((v >> n) & 1u) != 0; }

static void decode_fsc(rvm_trap_abort_t *a, uint8_t fsc)
{
    a->fsc = fsc;
    a->level = (uint8_t)(fsc & 3u);
    switch (fsc >> 2) {
    case 0x0: a->type = RVM_FAULT_ADDRESS_SIZE; return;
    case 0x1: a->type = RVM_FAULT_TRANSLATION; return;
    case 0x2: a->type = RVM_FAULT_ACCESS_FLAG; return;
    case 0x3: a->type = RVM_FAULT_PERMISSION; return;
    case 0x5: a->type = RVM_FAULT_EXTERNAL_WALK; return;
    default: break;
    }
    a->level = RVM_FAULT_LEVEL_NONE;
    switch (fsc) {
    case 0x10: a->type = RVM_FAULT_EXTERNAL; return;
    case 0x21: a->type = RVM_FAULT_ALIGNMENT; return;
    case 0x30: a->type = RVM_FAULT_TLB_CONFLICT; return;
    default: a->type = RVM_FAULT_OTHER; return;
    }
}

/*
 * HPFAR_EL2 is only written for faults that stage 2 reports (or that hit
 * while walking stage 1); for the rest it is UNKNOWN and must not be used.
 */
static void decode_abort(rvm_trap_t *t, uint64_t far, uint64_t hpfar)
{
    rvm_trap_abort_t *a = &t->u.abort;
    uint32_t iss = t->iss;
    bool data = t->kind == RVM_TRAP_DABT_LOWER;
    decode_fsc(a, (uint8_t)bits(iss, 0, 6));
    a->s1ptw = bit(iss, 7);
    a->cm = data && bit(iss, 8);
    a->ea = bit(iss, 9);
    a->fnv = bit(iss, 10);
    a->far = far;
    if (data) {
        a->isv = bit(iss, 24);
        a->sas = (uint8_t)bits(iss, 22, 2);
        a->sse = bit(iss, 21);
        a->srt = (uint8_t)bits(iss, 16, 5);
        a->sf = bit(iss, 15);
        a->ar = bit(iss, 14);
        a->wnr = bit(iss, 6);
    }
    a->ipa_valid = a->type <= RVM_FAULT_PERMISSION;
    uint64_t page = ((hpfar >> HPFAR_FIPA_SHIFT) & HPFAR_FIPA_MASK) << 12;
    a->ipa = rvm_gpa(a->s1ptw || a->fnv ? page : page | (far & PAGE_OFFSET_MASK));
    t->valid = !data || (a->isv && a->ipa_valid && !a->fnv && !a->s1ptw);
}

static rvm_trap_kind_t kind_of(uint8_t ec)
{
    switch (ec) {
    case RVM_ESR_EC_WFX: return RVM_TRAP_WFX;
    case RVM_ESR_EC_FP: return RVM_TRAP_FP;
    case RVM_ESR_EC_ILLEGAL_STATE: return RVM_TRAP_ILLEGAL_STATE;
    case RVM_ESR_EC_HVC64: return RVM_TRAP_HVC64;
    case RVM_ESR_EC_SMC64: return RVM_TRAP_SMC64;
    case RVM_ESR_EC_SYS64: return RVM_TRAP_SYSREG;
    case RVM_ESR_EC_IABT_LOWER: return RVM_TRAP_IABT_LOWER;
    case RVM_ESR_EC_DABT_LOWER: return RVM_TRAP_DABT_LOWER;
    case RVM_ESR_EC_SERROR: return RVM_TRAP_SERROR;
    default: return RVM_TRAP_UNKNOWN;
    }
}

void rvm_esr_decode(uint64_t esr, uint64_t far, uint64_t hpfar, rvm_trap_t *out)
{
    rvm_trap_t t = { 0 };
    t.ec = (uint8_t)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK);
    t.kind = kind_of(t.ec);
    t.insn_len = (esr & ESR_IL) != 0 ? 4 : 2;
    t.iss = (uint32_t)esr & ESR_ISS_MASK;
    t.valid = true;
    uint32_t iss = t.iss;
    switch (t.kind) {
    case RVM_TRAP_HVC64:
    case RVM_TRAP_SMC64:
        t.u.call.imm16 = (uint16_t)bits(iss, 0, 16);
        break;
    case RVM_TRAP_SYSREG:
        t.u.sysreg.op0 = (uint8_t)bits(iss, 20, 2);
        t.u.sysreg.op2 = (uint8_t)bits(iss, 17, 3);
        t.u.sysreg.op1 = (uint8_t)bits(iss, 14, 3);
        t.u.sysreg.crn = (uint8_t)bits(iss, 10, 4);
        t.u.sysreg.rt = (uint8_t)bits(iss, 5, 5);
        t.u.sysreg.crm = (uint8_t)bits(iss, 1, 4);
        t.u.sysreg.read = bit(iss, 0);
        break;
    case RVM_TRAP_WFX:
        t.u.wfx.ti = (uint8_t)bits(iss, 0, 2);
        t.u.wfx.wfe = bit(iss, 0);
        break;
    case RVM_TRAP_IABT_LOWER:
    case RVM_TRAP_DABT_LOWER:
        decode_abort(&t, far, hpfar);
        break;
    case RVM_TRAP_SERROR:
        t.u.serror.ids = bit(iss, 24);
        t.u.serror.aet = (uint8_t)bits(iss, 10, 3);
        t.u.serror.ea = bit(iss, 9);
        t.u.serror.dfsc = (uint8_t)bits(iss, 0, 6);
        break;
    default:
        break;
    }
    *out = t;
}
