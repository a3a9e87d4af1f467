/* The example's platform hooks: only what differs from the defaults of
 * platform_default.h.  Everything else (RISC-V fences, plain volatile MMIO,
 * identity-mapped coherent DMA, the `time` CSR at 10 MHz) is right for
 * QEMU virt as it is. */
#ifndef MY_PLATFORM_H
#define MY_PLATFORM_H

/* Device faults go to the UART; the message needs no printf. */
void log_line(const char *s);
#define VIRTIO_LOG(...) log_line("virtio: device fault\n")

#endif
