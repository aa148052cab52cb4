/* Bounds of the kernel image, defined by rvm-kernel/link.ld. */
#ifndef RVM_KERNEL_IMAGE_H
#define RVM_KERNEL_IMAGE_H

#include <stdint.h>

/* First byte of the image (its load address). */
extern const uint8_t rvm_image_start[];
/* End of what the loader copied (code, read-only data, data): the bytes the boot measures. */
extern const uint8_t rvm_image_loaded_end[];
/* End of everything the image occupies, BSS and the boot stack included. */
extern const uint8_t rvm_image_end[];

#endif
