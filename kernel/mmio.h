/*
 * Volatile, fenced accessors for the kernel's own device registers (UART,
 * PLIC, test device).
 *
 * The fences follow RVWMO's I/O ordering: "fence i,r" after a register read
 * keeps later memory reads (say, a buffer the device filled) from being
 * satisfied before the read that reported the data ready; "fence w,o"
 * before a register write keeps earlier memory writes (a request the device
 * will fetch) from being seen after the write that tells it to look.
 */
#ifndef KERNEL_MMIO_H
#define KERNEL_MMIO_H

#include <stdint.h>

static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint8_t v = *(volatile uint8_t *)addr;
	__asm__ __volatile__("fence i,r" ::: "memory");
	return v;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v = *(volatile uint32_t *)addr;
	__asm__ __volatile__("fence i,r" ::: "memory");
	return v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	__asm__ __volatile__("fence w,o" ::: "memory");
	*(volatile uint8_t *)addr = v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ __volatile__("fence w,o" ::: "memory");
	*(volatile uint32_t *)addr = v;
}

#endif
