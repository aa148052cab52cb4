/*
 * Guest entry at EL1 with the MMU off. The stack is taken at the top of the
 * first MiB of the guest's RAM rather than trusted from the kernel; x0..x3
 * (partition id and capability handles) pass through untouched to the C
 * runtime (guest_rt.c), which zeroes BSS, runs main and reports its return
 * value through RVM_HC_EXIT.
 */
    .section .text.entry, "ax"
    .global _start
_start:
    ldr x4, =guest_stack_top
    mov sp, x4
    bl guest_rt_start
    /* guest_rt_start never returns; if the kernel ever let RVM_HC_EXIT return, park here. */
1:  wfe
    b 1b
