// Entry at EL2 (QEMU virt with virtualization=on): stack, FP/SIMD access, .bss, then main's result to semihosting.
    .section .text.boot, "ax"
    .global _start
_start:
    ldr     x0, =__stack_top
    mov     sp, x0

    // CPTR_EL2 with its RES1 bits and TFP (bit 10) clear, so the Armv8 CE path does not trap.
    // This is the step the kernel must take before it selects RVM_SHA256_IMPL_ARMV8_CE.
    mov     x0, #0x33ff
    msr     cptr_el2, x0
    isb

    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b

2:  bl      main
    sxtw    x0, w0

    // Semihosting SYS_EXIT takes a pointer to {ADP_Stopped_ApplicationExit, code}; QEMU exits with `code`.
    sub     sp, sp, #16
    mov     x1, #0x0026
    movk    x1, #0x2, lsl #16
    stp     x1, x0, [sp]
    mov     x1, sp
    mov     x0, #0x18
    hlt     #0xf000
3:  wfe
    b       3b
