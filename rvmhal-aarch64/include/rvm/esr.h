/*
 * Decoding of the EL2 trap syndrome (ESR_EL2, with FAR_EL2 and HPFAR_EL2 for
 * aborts) into a tagged structure (spec §4.10; Arm ARM D17.2.40 field layout).
 * Pure functions: the exception vector reads the registers, this says what
 * they mean.
 */
#ifndef RVM_ESR_H
#define RVM_ESR_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/ids.h>

/* ESR_EL2.EC values decoded here. */
#define RVM_ESR_EC_UNKNOWN 0x00u
#define RVM_ESR_EC_WFX 0x01u
#define RVM_ESR_EC_FP 0x07u
#define RVM_ESR_EC_ILLEGAL_STATE 0x0Eu
#define RVM_ESR_EC_HVC64 0x16u
#define RVM_ESR_EC_SMC64 0x17u
#define RVM_ESR_EC_SYS64 0x18u
#define RVM_ESR_EC_IABT_LOWER 0x20u
#define RVM_ESR_EC_DABT_LOWER 0x24u
#define RVM_ESR_EC_SERROR 0x2Fu

typedef enum rvm_trap_kind {
    RVM_TRAP_UNKNOWN = 0,   /* EC 0x00, or an EC this decoder does not know (see `ec`) */
    RVM_TRAP_WFX,           /* WFI/WFE (and the timed variants) with HCR_EL2.TWI/TWE */
    RVM_TRAP_FP,            /* FP/SIMD access with CPTR_EL2.TFP: switch the FP context lazily */
    RVM_TRAP_ILLEGAL_STATE, /* ERET to an illegal state: the guest is broken */
    RVM_TRAP_HVC64,         /* ELR_EL2 already points past the HVC */
    RVM_TRAP_SMC64,         /* trapped by HCR_EL2.TSC: ELR_EL2 points at the SMC itself */
    RVM_TRAP_SYSREG,        /* MSR/MRS/SYS trapped */
    RVM_TRAP_IABT_LOWER,    /* instruction abort from EL1/EL0 */
    RVM_TRAP_DABT_LOWER,    /* data abort from EL1/EL0 */
    RVM_TRAP_SERROR,
} rvm_trap_kind_t;

/* Fault status code (DFSC/IFSC) classes. */
typedef enum rvm_fault_type {
    RVM_FAULT_ADDRESS_SIZE = 0,
    RVM_FAULT_TRANSLATION,
    RVM_FAULT_ACCESS_FLAG,
    RVM_FAULT_PERMISSION,
    RVM_FAULT_EXTERNAL,      /* synchronous external abort, not on a table walk */
    RVM_FAULT_EXTERNAL_WALK, /* synchronous external abort on a table walk (level known) */
    RVM_FAULT_ALIGNMENT,
    RVM_FAULT_TLB_CONFLICT,
    RVM_FAULT_OTHER,         /* parity/ECC, tag check, lockdown, unsupported atomic or exclusive */
} rvm_fault_type_t;

#define RVM_FAULT_LEVEL_NONE 0xFFu

typedef struct rvm_trap_abort {
    uint8_t fsc;            /* DFSC/IFSC as read */
    rvm_fault_type_t type;
    uint8_t level;          /* lookup level of the fault, RVM_FAULT_LEVEL_NONE when the FSC has none */
    bool isv;               /* data aborts: the fields below up to `ar` are valid */
    uint8_t sas;            /* access size is 1 << sas bytes */
    bool sse;               /* sign-extend the loaded value */
    uint8_t srt;            /* transfer register; 31 is xzr */
    bool sf;                /* 64-bit register (else w) */
    bool ar;                /* acquire/release semantics */
    bool wnr;               /* write (data aborts only) */
    bool s1ptw;             /* fault on a stage-1 table walk */
    bool fnv;               /* FAR_EL2 is not valid */
    bool ea;                /* external abort type */
    bool cm;                /* cache maintenance or address translation instruction */
    uint64_t far;           /* FAR_EL2 (virtual address) */
    bool ipa_valid;         /* HPFAR_EL2 holds the IPA: address size, translation, access flag or permission fault */
    rvm_gpa_t ipa;          /* faulting IPA; page granular on a stage-1 walk, whose FAR is the VA */
} rvm_trap_abort_t;

typedef struct rvm_trap {
    rvm_trap_kind_t kind;
    uint8_t ec;
    uint8_t insn_len;       /* ESR_EL2.IL: 4 (A64/A32) or 2 (T16), to advance ELR_EL2 past an emulated instruction */
    /*
     * False when the syndrome cannot be acted on: a data abort without ISV,
     * with FnV or on a stage-1 walk, or whose HPFAR is undefined, must not be
     * emulated as MMIO (the fields are still filled for diagnosis).
     */
    bool valid;
    uint32_t iss;           /* ESR_EL2[24:0] */
    union {
        struct { uint16_t imm16; } call;                                /* HVC64, SMC64 */
        struct { uint8_t op0, op1, crn, crm, op2, rt; bool read; } sysreg; /* read: MRS (else MSR/SYS) */
        struct { uint8_t ti; bool wfe; } wfx;                           /* ti: 0 WFI, 1 WFE, 2 WFIT, 3 WFET */
        rvm_trap_abort_t abort;                                         /* IABT_LOWER, DABT_LOWER */
        struct { bool ids; uint8_t aet; bool ea; uint8_t dfsc; } serror;
    } u;
} rvm_trap_t;

/* Decodes ESR_EL2 with the FAR_EL2 and HPFAR_EL2 read at the same exception (ignored unless it is an abort). */
void rvm_esr_decode(uint64_t esr, uint64_t far, uint64_t hpfar, rvm_trap_t *out);

#endif
