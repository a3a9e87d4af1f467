/*
 * Platform hooks for the fuzz target: MMIO goes to the fuzzed register
 * model in fuzz_blk.c; time advances on every relax so bounded waits end.
 * The hooks not defined here are platform_default.h's.
 */
#ifndef FUZZ_PLATFORM_H
#define FUZZ_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

uint32_t fuzz_mmio_read(uintptr_t addr, unsigned width);
void fuzz_mmio_write(uintptr_t addr, unsigned width, uint32_t v);
extern uint64_t fuzz_clock_ns;

static inline uint8_t virtio_mmio_read8(uintptr_t a) { return (uint8_t)fuzz_mmio_read(a, 1); }
#define virtio_mmio_read8 virtio_mmio_read8
static inline uint16_t virtio_mmio_read16(uintptr_t a) { return (uint16_t)fuzz_mmio_read(a, 2); }
#define virtio_mmio_read16 virtio_mmio_read16
static inline uint32_t virtio_mmio_read32(uintptr_t a) { return fuzz_mmio_read(a, 4); }
#define virtio_mmio_read32 virtio_mmio_read32
static inline void virtio_mmio_write8(uintptr_t a, uint8_t v) { fuzz_mmio_write(a, 1, v); }
#define virtio_mmio_write8 virtio_mmio_write8
static inline void virtio_mmio_write16(uintptr_t a, uint16_t v) { fuzz_mmio_write(a, 2, v); }
#define virtio_mmio_write16 virtio_mmio_write16
static inline void virtio_mmio_write32(uintptr_t a, uint32_t v) { fuzz_mmio_write(a, 4, v); }
#define virtio_mmio_write32 virtio_mmio_write32

#define virtio_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_wmb_io() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_rmb_io() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* DMA: the defaults (identity, coherent). */
static inline uint64_t virtio_time_ns(void) { return fuzz_clock_ns; }
#define virtio_time_ns virtio_time_ns
static inline void virtio_relax(void) { fuzz_clock_ns += 1000000; }
#define virtio_relax virtio_relax
#define VIRTIO_LOG(...) ((void)0)

#endif
