/*
 * The default platform hooks, and the reference list of what an embedder's
 * own platform header must provide:
 *
 *   MMIO, only ever through these (volatile, exact width, no fence):
 *     uint8_t  virtio_mmio_read8(uintptr_t addr);   ...16, ...32
 *     void     virtio_mmio_write8(uintptr_t addr, uint8_t v);  ...16, ...32
 *   Ordering between the CPU and the device:
 *     virtio_mb()      full barrier: ring stores before later ring loads
 *                      (publish an index, then read the suppression field)
 *     virtio_rmb()     ring loads before later ring loads
 *                      (used index, then the used entry and the data)
 *     virtio_wmb()     ring stores before later ring stores
 *                      (descriptors, then the index or flags exposing them)
 *     virtio_wmb_io()  ring stores before a later MMIO store (the doorbell)
 *     virtio_rmb_io()  an MMIO load before later ring loads
 *                      (interrupt status, then the used ring)
 *   DMA:
 *     uint64_t virtio_virt_to_dma(const void *p)  the address the device uses
 *     void virtio_cache_clean(const void *p, size_t n)       before the device
 *                                                             reads memory
 *     void virtio_cache_invalidate(const void *p, size_t n)  before the CPU
 *                                                             reads what the
 *                                                             device wrote
 *   Time:
 *     uint64_t virtio_time_ns(void)   monotonic; bounds every wait
 *     void virtio_relax(void)         a hint inside a polling loop
 *   Logging:
 *     VIRTIO_LOG(fmt, ...)            printf-like; compiled out by default
 *
 * Only freestanding headers may be included here.
 */
#ifndef VIRTIO_PLATFORM_DEFAULT_H
#define VIRTIO_PLATFORM_DEFAULT_H

#include <stddef.h>
#include <stdint.h>

#define VIRTIO_MMIO_ACCESSOR(bits)                                            \
	static inline uint##bits##_t virtio_mmio_read##bits(uintptr_t addr)  \
	{                                                                     \
		return *(volatile uint##bits##_t *)addr;                      \
	}                                                                     \
	static inline void virtio_mmio_write##bits(uintptr_t addr,           \
						   uint##bits##_t v)          \
	{                                                                     \
		*(volatile uint##bits##_t *)addr = v;                         \
	}
VIRTIO_MMIO_ACCESSOR(8)
VIRTIO_MMIO_ACCESSOR(16)
VIRTIO_MMIO_ACCESSOR(32)
#undef VIRTIO_MMIO_ACCESSOR

#if defined(__riscv)
/* RVWMO: plain fences; the I/O bits order device-register accesses. */
#define virtio_mb()     __asm__ __volatile__("fence rw,rw" ::: "memory")
#define virtio_rmb()    __asm__ __volatile__("fence r,r" ::: "memory")
#define virtio_wmb()    __asm__ __volatile__("fence w,w" ::: "memory")
#define virtio_wmb_io() __asm__ __volatile__("fence w,o" ::: "memory")
#define virtio_rmb_io() __asm__ __volatile__("fence i,r" ::: "memory")
/* Zihintpause `pause`, encoded as a fence so older assemblers take it. */
#define virtio_relax()  __asm__ __volatile__(".insn i 0x0f, 0, x0, x0, 0x010")
#ifndef VIRTIO_TIMEBASE_HZ
#define VIRTIO_TIMEBASE_HZ 10000000u /* QEMU virt; override for other boards */
#endif
static inline uint64_t virtio_time_ns(void)
{
	uint64_t t;
	__asm__ __volatile__("rdtime %0" : "=r"(t));
	/* split so that t * 1e9 cannot overflow for centuries of uptime */
	return (t / VIRTIO_TIMEBASE_HZ) * 1000000000u +
	       (t % VIRTIO_TIMEBASE_HZ) * 1000000000u / VIRTIO_TIMEBASE_HZ;
}
#elif defined(__aarch64__)
/* Outer-shareable barriers: the device is an observer outside the cluster. */
#define virtio_mb()     __asm__ __volatile__("dmb osh" ::: "memory")
#define virtio_rmb()    __asm__ __volatile__("dmb oshld" ::: "memory")
#define virtio_wmb()    __asm__ __volatile__("dmb oshst" ::: "memory")
#define virtio_wmb_io() __asm__ __volatile__("dsb st" ::: "memory")
#define virtio_rmb_io() __asm__ __volatile__("dsb ld" ::: "memory")
#define virtio_relax()  __asm__ __volatile__("yield" ::: "memory")
static inline uint64_t virtio_time_ns(void)
{
	uint64_t t, f;
	__asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(t)::"memory");
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
	return (t / f) * 1000000000u + (t % f) * 1000000000u / f;
}
#elif defined(__x86_64__)
/* TSO: only store->load needs a fence; the rest must stop the compiler. */
#define virtio_mb()     __asm__ __volatile__("mfence" ::: "memory")
#define virtio_rmb()    __asm__ __volatile__("" ::: "memory")
#define virtio_wmb()    __asm__ __volatile__("" ::: "memory")
#define virtio_wmb_io() __asm__ __volatile__("" ::: "memory")
#define virtio_rmb_io() __asm__ __volatile__("" ::: "memory")
#define virtio_relax()  __asm__ __volatile__("pause" ::: "memory")
#ifndef VIRTIO_TSC_HZ
#define VIRTIO_TSC_HZ 1000000000u /* override with the real TSC rate */
#endif
static inline uint64_t virtio_time_ns(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	uint64_t t = ((uint64_t)hi << 32) | lo;
	return (t / VIRTIO_TSC_HZ) * 1000000000u +
	       (t % VIRTIO_TSC_HZ) * 1000000000u / VIRTIO_TSC_HZ;
}
#else
#error "no default VirtIO platform hooks for this architecture: define VIRTIO_PLATFORM_HEADER"
#endif

/* Identity-mapped, cache-coherent DMA: the default for QEMU virt. */
static inline uint64_t virtio_virt_to_dma(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}
static inline void virtio_cache_clean(const void *p, size_t n)
{
	(void)p;
	(void)n;
}
static inline void virtio_cache_invalidate(const void *p, size_t n)
{
	(void)p;
	(void)n;
}

#define VIRTIO_LOG(...) ((void)0)

#endif
