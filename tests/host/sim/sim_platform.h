/*
 * Platform hooks of the VirtIO library for the host tests
 * (-DVIRTIO_PLATFORM_HEADER='"sim_platform.h"'): MMIO goes to the simulated
 * device, time is the simulator's clock, virtio_relax() lets the simulated
 * device act, and cache maintenance and barriers go to optional recorders.
 */
#ifndef SIM_PLATFORM_H
#define SIM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim_device.h"

static inline uint8_t virtio_mmio_read8(uintptr_t addr)
{
	return (uint8_t)sim_mmio_read(addr, 1);
}
#define virtio_mmio_read8 virtio_mmio_read8
static inline uint16_t virtio_mmio_read16(uintptr_t addr)
{
	return (uint16_t)sim_mmio_read(addr, 2);
}
#define virtio_mmio_read16 virtio_mmio_read16
static inline uint32_t virtio_mmio_read32(uintptr_t addr)
{
	return sim_mmio_read(addr, 4);
}
#define virtio_mmio_read32 virtio_mmio_read32
static inline void virtio_mmio_write8(uintptr_t addr, uint8_t v)
{
	sim_mmio_write(addr, 1, v);
}
#define virtio_mmio_write8 virtio_mmio_write8
static inline void virtio_mmio_write16(uintptr_t addr, uint16_t v)
{
	sim_mmio_write(addr, 2, v);
}
#define virtio_mmio_write16 virtio_mmio_write16
static inline void virtio_mmio_write32(uintptr_t addr, uint32_t v)
{
	sim_mmio_write(addr, 4, v);
}
#define virtio_mmio_write32 virtio_mmio_write32

static inline void sim_fence(enum sim_barrier b)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (sim_barrier_hook)
		sim_barrier_hook(b);
}
#define virtio_mb()     sim_fence(SIM_MB)
#define virtio_rmb()    sim_fence(SIM_RMB)
#define virtio_wmb()    sim_fence(SIM_WMB)
#define virtio_wmb_io() sim_fence(SIM_WMB_IO)
#define virtio_rmb_io() sim_fence(SIM_RMB_IO)

static inline uint64_t virtio_virt_to_dma(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}
#define virtio_virt_to_dma virtio_virt_to_dma

static inline void virtio_cache_clean(const void *p, size_t n)
{
	if (sim_cache_hook)
		sim_cache_hook(SIM_CACHE_CLEAN, p, n);
}
#define virtio_cache_clean virtio_cache_clean
static inline void virtio_cache_invalidate(const void *p, size_t n)
{
	if (sim_cache_hook)
		sim_cache_hook(SIM_CACHE_INVALIDATE, p, n);
}
#define virtio_cache_invalidate virtio_cache_invalidate

static inline uint64_t virtio_time_ns(void)
{
	return sim_time_read();
}
#define virtio_time_ns virtio_time_ns
static inline void virtio_relax(void)
{
	sim_relax();
}
#define virtio_relax virtio_relax

#define VIRTIO_LOG(...) sim_log(__VA_ARGS__)

#endif
