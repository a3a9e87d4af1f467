/* The example's platform hooks: only what differs from the defaults of
 * platform_default.h.  Everything else (RISC-V fences, plain volatile MMIO,
 * identity-mapped coherent DMA, the `time` CSR at 10 MHz) is right for
 * QEMU virt as it is. */
#ifndef MY_PLATFORM_H
#define MY_PLATFORM_H

void example_log(const char *fmt, ...); /* read_sector.c: to the console */
#define VIRTIO_LOG(...) example_log(__VA_ARGS__)

#endif
