// rvm_arch_fpsimd_save / rvm_arch_fpsimd_restore: the FP/SIMD register file to and from an
// rvm_arch_fpsimd_state_t (rvm/fpsimd.h: v0..v31 at 0, FPSR at 512, FPCR at 520).
// The C code is general-regs-only, so the assembler must be told FP/SIMD is wanted here.
    .arch_extension fp
    .arch_extension simd

    .section .text.rvm_arch_fpsimd_save, "ax"
    .global rvm_arch_fpsimd_save
    .type rvm_arch_fpsimd_save, %function
rvm_arch_fpsimd_save:
    st1     {v0.16b-v3.16b}, [x0], #64
    st1     {v4.16b-v7.16b}, [x0], #64
    st1     {v8.16b-v11.16b}, [x0], #64
    st1     {v12.16b-v15.16b}, [x0], #64
    st1     {v16.16b-v19.16b}, [x0], #64
    st1     {v20.16b-v23.16b}, [x0], #64
    st1     {v24.16b-v27.16b}, [x0], #64
    st1     {v28.16b-v31.16b}, [x0], #64
    mrs     x1, fpsr
    mrs     x2, fpcr
    stp     x1, x2, [x0]
    ret
    .size rvm_arch_fpsimd_save, . - rvm_arch_fpsimd_save

    .section .text.rvm_arch_fpsimd_restore, "ax"
    .global rvm_arch_fpsimd_restore
    .type rvm_arch_fpsimd_restore, %function
rvm_arch_fpsimd_restore:
    ld1     {v0.16b-v3.16b}, [x0], #64
    ld1     {v4.16b-v7.16b}, [x0], #64
    ld1     {v8.16b-v11.16b}, [x0], #64
    ld1     {v12.16b-v15.16b}, [x0], #64
    ld1     {v16.16b-v19.16b}, [x0], #64
    ld1     {v20.16b-v23.16b}, [x0], #64
    ld1     {v24.16b-v27.16b}, [x0], #64
    ld1     {v28.16b-v31.16b}, [x0], #64
    ldp     x1, x2, [x0]
    msr     fpsr, x1
    msr     fpcr, x2
    ret
    .size rvm_arch_fpsimd_restore, . - rvm_arch_fpsimd_restore
