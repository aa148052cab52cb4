// rvm_arch_vcpu_enter(const rvm_trap_frame_t *frame): the first ERET into a partition.
// Later entries return through vectors.S, which restores the same frame layout (rvm/trap_frame.h).
    .section .text.rvm_arch_vcpu_enter, "ax"
    .global rvm_arch_vcpu_enter
    .type rvm_arch_vcpu_enter, %function
rvm_arch_vcpu_enter:
    ldp     x2, x3, [x0, #248]          // ELR_EL2, SPSR_EL2
    msr     elr_el2, x2
    msr     spsr_el2, x3
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #240]
    ldp     x0, x1, [x0]
    eret
    // No straight-line speculation past ERET.
    dsb     nsh
    isb
    .size rvm_arch_vcpu_enter, . - rvm_arch_vcpu_enter

// rvm_arch_system_exit(uint32_t status): semihosting SYS_EXIT with a pointer to {ApplicationExit, status}.
    .section .text.rvm_arch_system_exit, "ax"
    .global rvm_arch_system_exit
    .type rvm_arch_system_exit, %function
rvm_arch_system_exit:
    msr     daifset, #0xf
    mov     w3, w0
    mov     x2, #0x0026
    movk    x2, #0x2, lsl #16
    stp     x2, x3, [sp, #-16]!
    mov     x1, sp
    mov     x0, #0x18
    hlt     #0xf000
    b       rvm_hal_halt
    .size rvm_arch_system_exit, . - rvm_arch_system_exit
