// EL2 exception vectors: save the whole rvm_trap_frame_t on the EL2 stack, call rvm_hal_trap, restore, ERET.
// x1 = rvm_trap_vector_t (rvm/trap_frame.h); frame offsets are checked there by _Static_assert.
#define FRAME_SIZE 288
#define VECTOR_UNEXPECTED 8

// Each slot is 128 bytes; only the first four instructions are used.
.macro ventry vector
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp]
    mov     x1, #\vector
    b       trap_common
.endm

    .section .text.rvm_hal_vectors, "ax"
    .balign 0x800
    .global rvm_hal_vectors
    .type rvm_hal_vectors, %function
rvm_hal_vectors:
    ventry  VECTOR_UNEXPECTED           // current EL with SP_EL0: sync, IRQ, FIQ, SError
    ventry  VECTOR_UNEXPECTED
    ventry  VECTOR_UNEXPECTED
    ventry  VECTOR_UNEXPECTED
    ventry  0                           // current EL with SP_EL2
    ventry  1
    ventry  2
    ventry  3
    ventry  4                           // lower EL, AArch64
    ventry  5
    ventry  6
    ventry  7
    ventry  VECTOR_UNEXPECTED           // lower EL, AArch32
    ventry  VECTOR_UNEXPECTED
    ventry  VECTOR_UNEXPECTED
    ventry  VECTOR_UNEXPECTED

trap_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, elr_el2
    stp     x30, x2, [sp, #240]
    mrs     x3, spsr_el2
    mrs     x4, esr_el2
    stp     x3, x4, [sp, #256]
    mrs     x5, far_el2
    mrs     x6, hpfar_el2
    stp     x5, x6, [sp, #272]
    mov     x0, sp
    bl      rvm_hal_trap
    // The handler may have changed the return state (ELR past a BRK, x0 as a hypercall result).
    ldp     x30, x2, [sp, #240]
    ldr     x3, [sp, #256]
    msr     elr_el2, x2
    msr     spsr_el2, x3
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldp     x0, x1, [sp]
    add     sp, sp, #FRAME_SIZE
    eret
    // No straight-line speculation past ERET.
    dsb     nsh
    isb
    .size rvm_hal_vectors, . - rvm_hal_vectors
