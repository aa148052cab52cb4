/*
 * EL1 vector table of the vtimer check guest: IRQs taken from EL1h (the guest
 * runs there) call vtimer_irq with the caller-saved registers preserved; any
 * other exception is a failure the guest reports.
 */
    .section .text.vectors, "ax"
    .balign 2048
    .global vtimer_vectors
vtimer_vectors:
    .rept 5
    .balign 0x80
    b       vtimer_unexpected
    .endr

    .balign 0x80            /* 0x280: current EL with SP_ELx, IRQ */
    sub     sp, sp, #160
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x30, [sp, #144]
    bl      vtimer_irq
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x30, [sp, #144]
    add     sp, sp, #160
    eret

    .rept 10
    .balign 0x80
    b       vtimer_unexpected
    .endr
