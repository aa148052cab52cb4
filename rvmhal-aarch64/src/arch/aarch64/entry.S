// EL2 image entry: boot-CPU state, DTB pointer, refusal below EL2, then the kernel's C entry.
#include "platform.h"

// RW (EL1 is AArch64) | AMO | IMO | FMO: without IMO no physical IRQ is ever taken at EL2.
#define HCR_EL2_BOOT 0x80000038
// SCTLR_EL2 RES1 bits only: MMU, caches and alignment checks off until the kernel sets up EL2 tables.
#define SCTLR_EL2_BOOT 0x30c50830
#define DTB_FALLBACK_PA 0x40000000
// FDT magic 0xd00dfeed (big-endian) read as a little-endian word.
#define FDT_MAGIC_LE 0xedfe0dd0
#define BOOT_STACK_SIZE 0x10000
#define SECONDARY_STACK_SIZE 0x4000

    .section .text.boot, "ax"
    .global rvm_hal_entry
    .type rvm_hal_entry, %function
rvm_hal_entry:
    msr     daifset, #0xf
    mov     x19, x0                     // DTB from a raw-image boot; an ELF boot passes 0
    // Only the boot CPU (all affinity fields 0) runs this path; firmware that starts every core leaves the
    // others asleep here, and SMP bring-up starts them through PSCI CPU_ON at an entry of their own.
    mrs     x1, mpidr_el1
    mov     x2, #0xffffff
    movk    x2, #0xff, lsl #32
    tst     x1, x2
    b.ne    park

    mrs     x1, CurrentEL
    ubfx    x1, x1, #2, #2
    cmp     x1, #2
    b.ne    not_el2

    mov     x1, #(SCTLR_EL2_BOOT & 0xffff)
    movk    x1, #(SCTLR_EL2_BOOT >> 16), lsl #16
    msr     sctlr_el2, x1
    mov     x1, #(HCR_EL2_BOOT & 0xffff)
    movk    x1, #(HCR_EL2_BOOT >> 16), lsl #16
    msr     hcr_el2, x1
    adrp    x1, rvm_hal_vectors
    add     x1, x1, :lo12:rvm_hal_vectors
    msr     vbar_el2, x1
    msr     tpidr_el2, xzr              // logical CPU id 0 (rvm/smp.h)
    isb

    // The boot stack lies inside BSS: zero first, use afterwards. 8-byte stores, then the odd tail.
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, _end
    add     x1, x1, :lo12:_end
1:  sub     x2, x1, x0
    cmp     x2, #8
    b.lt    2f
    str     xzr, [x0], #8
    b       1b
2:  cmp     x0, x1
    b.hs    3f
    strb    wzr, [x0], #1
    b       2b
3:  adrp    x1, boot_stack_top
    add     x1, x1, :lo12:boot_stack_top
    mov     sp, x1

    // An ELF boot gets x0 = 0; QEMU still puts the DTB at the RAM base when the image is linked above it.
    cbnz    x19, 4f
    mov     x1, #DTB_FALLBACK_PA
    ldr     w2, [x1]
    mov     w3, #(FDT_MAGIC_LE & 0xffff)
    movk    w3, #(FDT_MAGIC_LE >> 16), lsl #16
    cmp     w2, w3
    csel    x19, x1, xzr, eq
4:  mov     x0, x19
    bl      rvm_hal_main
    b       rvm_hal_halt

// A CPU started through PSCI CPU_ON (rvm/smp.h), x0 = its logical id, at EL2 with MMU and caches off. It
// writes nothing but its own stack before rvm_arch_mmu_enable: shared data is only read once it is coherent.
    .global rvm_hal_secondary_entry
    .type rvm_hal_secondary_entry, %function
rvm_hal_secondary_entry:
    msr     daifset, #0xf
    cmp     x0, #RVM_HAL_ARCH_CPU_MAX
    b.hs    park
    cbz     x0, park
    mov     x19, x0
    mov     x1, #(SCTLR_EL2_BOOT & 0xffff)
    movk    x1, #(SCTLR_EL2_BOOT >> 16), lsl #16
    msr     sctlr_el2, x1
    mov     x1, #(HCR_EL2_BOOT & 0xffff)
    movk    x1, #(HCR_EL2_BOOT >> 16), lsl #16
    msr     hcr_el2, x1
    adrp    x1, rvm_hal_vectors
    add     x1, x1, :lo12:rvm_hal_vectors
    msr     vbar_el2, x1
    msr     tpidr_el2, x19
    isb
    // CPU n (1..) has slot n - 1 of secondary_stacks (CPU 0 has the boot stack); its top is base + n * size.
    adrp    x1, secondary_stacks
    add     x1, x1, :lo12:secondary_stacks
    mov     x2, #SECONDARY_STACK_SIZE
    madd    x1, x19, x2, x1
    mov     sp, x1
    bl      rvm_arch_mmu_enable
    mov     x0, x19
    bl      rvm_hal_secondary_main
    b       rvm_hal_halt
    .size rvm_hal_secondary_entry, . - rvm_hal_secondary_entry

// Below EL2 nothing of the hypervisor can work: say why, try a semihosting exit (QEMU), else sleep.
not_el2:
    // A stray exception (HLT without a debugger is UNDEFINED) must land on a parking vector, not garbage.
    adrp    x2, park_vectors
    add     x2, x2, :lo12:park_vectors
    cmp     x1, #1
    b.ne    5f
    msr     vbar_el1, x2
    b       6f
5:  cmp     x1, #3
    b.ne    6f
    msr     vbar_el3, x2
6:  isb
    mov     x9, #RVM_PL011_LAST_RESORT_BASE
    adrp    x0, msg_el_head
    add     x0, x0, :lo12:msg_el_head
    bl      put_string
    add     w3, w1, #'0'
    bl      put_char
    adrp    x0, msg_el_tail
    add     x0, x0, :lo12:msg_el_tail
    bl      put_string
    // SYS_EXIT takes a pointer to {ADP_Stopped_ApplicationExit, status}.
    adrp    x1, boot_stack_top
    add     x1, x1, :lo12:boot_stack_top
    mov     x2, #0x0026
    movk    x2, #0x2, lsl #16
    mov     x3, #RVM_HAL_EXIT_NOT_EL2
    stp     x2, x3, [x1, #-16]!
    mov     x0, #0x18
    hlt     #0xf000
park:
    wfe
    b       park

// put_string: x0 = NUL-terminated string, x9 = PL011 base; clobbers x0, x3, x4, x10.
put_string:
    mov     x10, x30
7:  ldrb    w3, [x0], #1
    cbz     w3, 8f
    bl      put_char
    b       7b
8:  ret     x10

// put_char: w3 = byte, x9 = PL011 base; clobbers x4.
put_char:
    ldr     w4, [x9, #0x18]             // UARTFR.TXFF: transmit FIFO full
    tbnz    w4, #5, put_char
    str     w3, [x9]
    ret
    .size rvm_hal_entry, . - rvm_hal_entry

// Sixteen vectors that only sleep: VBAR for the refusal path, where no handler can run.
    .section .text.rvm_hal_park, "ax"
    .balign 0x800
park_vectors:
    .rept 16
    .balign 0x80
1:  wfe
    b       1b
    .endr

    .section .rodata.rvm_hal_entry, "a"
msg_el_head:
    .asciz "[RVM] fatal: entered at EL"
msg_el_tail:
    .asciz ", RVM needs EL2 (QEMU: -machine virt,virtualization=on); stopping\r\n"

    .section .bss.rvm_hal_boot_stack, "aw", %nobits
    .balign 16
    .skip   BOOT_STACK_SIZE
boot_stack_top:

    .section .bss.rvm_hal_secondary_stacks, "aw", %nobits
    .balign 16
secondary_stacks:
    .skip   SECONDARY_STACK_SIZE * (RVM_HAL_ARCH_CPU_MAX - 1)
