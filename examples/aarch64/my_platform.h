/* The example's platform hooks on AArch64 (QEMU virt, MMU off: see start.S).
 * The library's defaults fit this board: volatile MMIO, dmb/dsb barriers,
 * the generic timer's virtual counter scaled by CNTFRQ_EL0 for the clock,
 * identity DMA and no cache maintenance (nothing is cached with the MMU
 * off).  Only the log goes elsewhere: to the PL011. */
#ifndef MY_PLATFORM_H
#define MY_PLATFORM_H

void example_log(const char *fmt, ...); /* read_sector.c: to the console */
#define VIRTIO_LOG(...) example_log(__VA_ARGS__)
#endif
