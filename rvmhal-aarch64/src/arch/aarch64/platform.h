/* Constants shared by the assembly stubs and the C drivers of the AArch64 port (private). */
#ifndef RVM_HAL_AARCH64_PLATFORM_H
#define RVM_HAL_AARCH64_PLATFORM_H

/* QEMU virt's PL011: the one fixed address, used only until the device tree names the console. */
#define RVM_PL011_LAST_RESORT_BASE 0x09000000

/* Semihosting exit status when the image was entered below EL2, for test harnesses to tell it apart. */
#define RVM_HAL_EXIT_NOT_EL2 3

/* CPUs the assembly has EL2 stacks for: rvm/smp.h's RVM_HAL_CPU_MAX (checked in smp.c). */
#define RVM_HAL_ARCH_CPU_MAX 8

#endif
