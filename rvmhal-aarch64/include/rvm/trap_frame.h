/* Trap entry contract between the HAL's exception vectors and the kernel's handler. */
#ifndef RVM_TRAP_FRAME_H
#define RVM_TRAP_FRAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Everything the interrupted context needs to resume, plus the syndrome
 * registers read at entry so that a nested trap cannot overwrite them before
 * the handler looks. The handler may change x[], elr and spsr: the vectors
 * restore those three from the frame before returning (esr, far and hpfar are
 * read-only snapshots).
 */
typedef struct rvm_trap_frame {
    uint64_t x[31]; /* x0..x30 */
    uint64_t elr;   /* ELR_EL2: where the trap returns to */
    uint64_t spsr;  /* SPSR_EL2 */
    uint64_t esr;   /* ESR_EL2 */
    uint64_t far;   /* FAR_EL2 */
    uint64_t hpfar; /* HPFAR_EL2 (stage-2 faults from a lower EL) */
} rvm_trap_frame_t;

/* vectors.S stores at these offsets; the _Static_asserts below keep the two in step. */
_Static_assert(offsetof(rvm_trap_frame_t, elr) == 248, "trap frame layout is shared with vectors.S");
_Static_assert(sizeof(rvm_trap_frame_t) == 288, "trap frame size is shared with vectors.S");

/*
 * Which vector a trap came through: origin (current or lower EL) and type.
 * What a synchronous trap means is in its syndrome: rvm/esr.h decodes that.
 */
typedef enum rvm_trap_vector {
    RVM_TRAP_VECTOR_CURRENT_SYNC = 0, /* synchronous, from EL2 itself */
    RVM_TRAP_VECTOR_CURRENT_IRQ = 1,  /* physical IRQ taken while at EL2 */
    RVM_TRAP_VECTOR_CURRENT_FIQ = 2,
    RVM_TRAP_VECTOR_CURRENT_SERROR = 3,
    RVM_TRAP_VECTOR_LOWER_SYNC = 4,   /* synchronous, from an AArch64 partition (HVC, SMC trap, abort) */
    RVM_TRAP_VECTOR_LOWER_IRQ = 5,    /* physical IRQ while a partition ran */
    RVM_TRAP_VECTOR_LOWER_FIQ = 6,
    RVM_TRAP_VECTOR_LOWER_SERROR = 7,
    RVM_TRAP_VECTOR_UNEXPECTED = 8,   /* SP_EL0 or AArch32 vectors: impossible in the HAL's configuration */
} rvm_trap_vector_t;

/*
 * Kernel-provided trap handler (vector is an rvm_trap_vector_t), called with
 * interrupts masked on the EL2 stack. The library's weak default reports the
 * trap on the console and halts.
 */
void rvm_hal_trap(rvm_trap_frame_t *frame, unsigned vector);

/* The EL2 vector table (code, 2 KiB aligned; never called): what VBAR_EL2 points to. */
void rvm_hal_vectors(void);

#endif
