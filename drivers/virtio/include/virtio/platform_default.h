/*
 * The default platform hooks, one by one, and the reference list of hooks.
 *
 * platform.h includes the embedder's VIRTIO_PLATFORM_HEADER first (if any),
 * then this file, which defines each hook the embedder did not.  A hook
 * counts as defined when its name is defined as a macro (the test is
 * `#ifndef hook`, the lwIP opt.h way):
 *   - a macro hook (virtio_mb, ..., VIRTIO_LOG) is simply defined;
 *   - a function hook is written as a static inline function followed by
 *     its name defined to itself:
 *         static inline uint64_t virtio_time_ns(void) { return board_ns(); }
 *         #define virtio_time_ns virtio_time_ns
 *     Without that line the default is defined too, and the compiler
 *     stops with "redefinition of 'virtio_time_ns'".
 *
 *   MMIO, only ever through these (volatile, exact width, no fence; the
 *   registers are little-endian, the values in the CPU's order):
 *     uint8_t  virtio_mmio_read8(uintptr_t addr);   ...16, ...32
 *     void     virtio_mmio_write8(uintptr_t addr, uint8_t v);  ...16, ...32
 *   Ordering between the CPU and the device (macros):
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
 *     virtio_relax()                  a hint inside a polling loop (macro)
 *   Logging:
 *     VIRTIO_LOG(fmt, ...)            printf-like; compiled out by default
 *
 * The clock.  Every wait of the library (the reset handshake, the
 * synchronous block calls, the entropy reads) ends at a deadline read from
 * virtio_time_ns(): the clock is the embedder's to provide.  The RISC-V default reads the `time` CSR
 * (rdtime); in S-mode that traps as an illegal instruction unless the
 * firmware enabled it (mcounteren.TM) or emulates it (OpenSBI does), and
 * its rate is VIRTIO_TIMEBASE_HZ (10 MHz, QEMU virt).  A clock that does
 * not advance makes those waits never expire: a silent device then hangs
 * the caller instead of giving VIRTIO_ETIMEDOUT.
 *
 * VIRTIO_LOG.  The library's format strings use only the conversions %s
 * (a const char *), %d (an int) and %x (an unsigned int), with no flags,
 * width, precision or length modifier, so the smallest printf serves
 * (scripts/cross_build.sh checks every call).
 *
 * Only freestanding headers may be included here.
 */
#ifndef VIRTIO_PLATFORM_DEFAULT_H
#define VIRTIO_PLATFORM_DEFAULT_H

#include <stddef.h>
#include <stdint.h>

/* ---- MMIO: one volatile access of the exact width, little-endian ---- */

/* Device registers are little-endian (§4.2.2 "All register values are
 * organized as Little Endian", §4.1.3.1 for virtio-pci's structures): a
 * big-endian CPU swaps after the load and before the store; on a
 * little-endian one the swap is nothing and the access one instruction. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VIRTIO_MMIO_LE8(x)  (x)
#define VIRTIO_MMIO_LE16(x) __builtin_bswap16(x)
#define VIRTIO_MMIO_LE32(x) __builtin_bswap32(x)
#else
#define VIRTIO_MMIO_LE8(x)  (x)
#define VIRTIO_MMIO_LE16(x) (x)
#define VIRTIO_MMIO_LE32(x) (x)
#endif
#define VIRTIO_DEFAULT_MMIO_READ(bits)                                       \
	static inline uint##bits##_t virtio_mmio_read##bits(uintptr_t addr)  \
	{                                                                     \
		return VIRTIO_MMIO_LE##bits(*(volatile uint##bits##_t *)addr); \
	}
#define VIRTIO_DEFAULT_MMIO_WRITE(bits)                                      \
	static inline void virtio_mmio_write##bits(uintptr_t addr, uint##bits##_t v) \
	{                                                                     \
		*(volatile uint##bits##_t *)addr = VIRTIO_MMIO_LE##bits(v);   \
	}
#ifndef virtio_mmio_read8
VIRTIO_DEFAULT_MMIO_READ(8)
#define virtio_mmio_read8 virtio_mmio_read8
#endif
#ifndef virtio_mmio_read16
VIRTIO_DEFAULT_MMIO_READ(16)
#define virtio_mmio_read16 virtio_mmio_read16
#endif
#ifndef virtio_mmio_read32
VIRTIO_DEFAULT_MMIO_READ(32)
#define virtio_mmio_read32 virtio_mmio_read32
#endif
#ifndef virtio_mmio_write8
VIRTIO_DEFAULT_MMIO_WRITE(8)
#define virtio_mmio_write8 virtio_mmio_write8
#endif
#ifndef virtio_mmio_write16
VIRTIO_DEFAULT_MMIO_WRITE(16)
#define virtio_mmio_write16 virtio_mmio_write16
#endif
#ifndef virtio_mmio_write32
VIRTIO_DEFAULT_MMIO_WRITE(32)
#define virtio_mmio_write32 virtio_mmio_write32
#endif
#undef VIRTIO_DEFAULT_MMIO_READ
#undef VIRTIO_DEFAULT_MMIO_WRITE
#undef VIRTIO_MMIO_LE8
#undef VIRTIO_MMIO_LE16
#undef VIRTIO_MMIO_LE32

/* ---- barriers and the polling hint, per architecture ---------------- */

/*
 * These are barriers for hardware devices, not SMP barriers a
 * uniprocessor build could drop: each orders the CPU's accesses as every
 * other observer sees them, a DMA-capable device included (RISC-V fences
 * on memory, AArch64 outer-shareable dmb/dsb, x86-64 TSO with coherent
 * DMA).  That is what VIRTIO_F_ORDER_PLATFORM asks of a driver (§6), so
 * the library accepts it whenever it is offered: a replacement for any
 * of them must keep that strength.
 */

/* The instruction of each, as an asm string; "" is a compiler barrier. */
#if defined(__riscv)
/* RVWMO: plain fences; the I/O bits order device-register accesses. */
#define VIRTIO_ARCH_MB     "fence rw,rw"
#define VIRTIO_ARCH_RMB    "fence r,r"
#define VIRTIO_ARCH_WMB    "fence w,w"
#define VIRTIO_ARCH_WMB_IO "fence w,o"
#define VIRTIO_ARCH_RMB_IO "fence i,r"
/* Zihintpause `pause`, encoded as a fence so older assemblers take it. */
#define VIRTIO_ARCH_RELAX  ".insn i 0x0f, 0, x0, x0, 0x010"
#elif defined(__aarch64__)
/* Outer-shareable barriers: the device is an observer outside the cluster. */
#define VIRTIO_ARCH_MB     "dmb osh"
#define VIRTIO_ARCH_RMB    "dmb oshld"
#define VIRTIO_ARCH_WMB    "dmb oshst"
#define VIRTIO_ARCH_WMB_IO "dsb st"
#define VIRTIO_ARCH_RMB_IO "dsb ld"
#define VIRTIO_ARCH_RELAX  "yield"
#elif defined(__x86_64__)
/* TSO: only store->load needs a fence; the rest must stop the compiler. */
#define VIRTIO_ARCH_MB     "mfence"
#define VIRTIO_ARCH_RMB    ""
#define VIRTIO_ARCH_WMB    ""
#define VIRTIO_ARCH_WMB_IO ""
#define VIRTIO_ARCH_RMB_IO ""
#define VIRTIO_ARCH_RELAX  "pause"
#endif

#ifndef virtio_mb
#ifndef VIRTIO_ARCH_MB
#error "no default virtio_mb() for this architecture: define it in VIRTIO_PLATFORM_HEADER"
#endif
#define virtio_mb() __asm__ __volatile__(VIRTIO_ARCH_MB ::: "memory")
#endif
#ifndef virtio_rmb
#ifndef VIRTIO_ARCH_RMB
#error "no default virtio_rmb() for this architecture: define it in VIRTIO_PLATFORM_HEADER"
#endif
#define virtio_rmb() __asm__ __volatile__(VIRTIO_ARCH_RMB ::: "memory")
#endif
#ifndef virtio_wmb
#ifndef VIRTIO_ARCH_WMB
#error "no default virtio_wmb() for this architecture: define it in VIRTIO_PLATFORM_HEADER"
#endif
#define virtio_wmb() __asm__ __volatile__(VIRTIO_ARCH_WMB ::: "memory")
#endif
#ifndef virtio_wmb_io
#ifndef VIRTIO_ARCH_WMB_IO
#error "no default virtio_wmb_io() for this architecture: define it in VIRTIO_PLATFORM_HEADER"
#endif
#define virtio_wmb_io() __asm__ __volatile__(VIRTIO_ARCH_WMB_IO ::: "memory")
#endif
#ifndef virtio_rmb_io
#ifndef VIRTIO_ARCH_RMB_IO
#error "no default virtio_rmb_io() for this architecture: define it in VIRTIO_PLATFORM_HEADER"
#endif
#define virtio_rmb_io() __asm__ __volatile__(VIRTIO_ARCH_RMB_IO ::: "memory")
#endif
#ifndef virtio_relax
#ifndef VIRTIO_ARCH_RELAX
#error "no default virtio_relax() for this architecture: define it in VIRTIO_PLATFORM_HEADER"
#endif
#define virtio_relax() __asm__ __volatile__(VIRTIO_ARCH_RELAX ::: "memory")
#endif

/* ---- DMA: identity-mapped and cache-coherent (QEMU virt) ------------ */

#ifndef virtio_virt_to_dma
static inline uint64_t virtio_virt_to_dma(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}
#define virtio_virt_to_dma virtio_virt_to_dma
#endif
#ifndef virtio_cache_clean
static inline void virtio_cache_clean(const void *p, size_t n)
{
	(void)p;
	(void)n;
}
#define virtio_cache_clean virtio_cache_clean
#endif
#ifndef virtio_cache_invalidate
static inline void virtio_cache_invalidate(const void *p, size_t n)
{
	(void)p;
	(void)n;
}
#define virtio_cache_invalidate virtio_cache_invalidate
#endif

/* ---- the clock: the architecture's counter, in nanoseconds ---------- */

#ifndef virtio_time_ns
/* Scaled as (t / hz) * 1e9 + (t % hz) * 1e9 / hz: t * 1e9 alone would
 * overflow after minutes of uptime at GHz rates. */
#if defined(__riscv)
#ifndef VIRTIO_TIMEBASE_HZ
#define VIRTIO_TIMEBASE_HZ 10000000u /* QEMU virt; override for other boards */
#endif
static inline uint64_t virtio_time_ns(void)
{
	uint64_t t;
	__asm__ __volatile__("rdtime %0" : "=r"(t)); /* traps unless mcounteren.TM */
	return (t / VIRTIO_TIMEBASE_HZ) * 1000000000u +
	       (t % VIRTIO_TIMEBASE_HZ) * 1000000000u / VIRTIO_TIMEBASE_HZ;
}
#elif defined(__aarch64__)
static inline uint64_t virtio_time_ns(void)
{
	uint64_t t, f;
	__asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(t)::"memory");
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
	return (t / f) * 1000000000u + (t % f) * 1000000000u / f;
}
#elif defined(__x86_64__)
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
#error "no default virtio_time_ns() for this architecture: define it in VIRTIO_PLATFORM_HEADER"
#endif
#define virtio_time_ns virtio_time_ns
#endif

/* ---- logging: compiled out ------------------------------------------ */

#ifndef VIRTIO_LOG
#define VIRTIO_LOG(...) ((void)0)
#endif

#endif
