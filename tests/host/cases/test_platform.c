/*
 * Per-hook platform defaults: this file is built against a platform header
 * that replaces only virtio_time_ns (harness/time_only_platform.h) instead
 * of the simulator's, and checks that the replacement is what the library
 * calls while every other hook is platform_default.h's: plain volatile
 * MMIO on ordinary memory, identity DMA, no-op cache maintenance,
 * barriers that compile, VIRTIO_LOG compiled out.
 */
#include <stdint.h>

#undef VIRTIO_PLATFORM_HEADER
#define VIRTIO_PLATFORM_HEADER "harness/time_only_platform.h"
#include "virtio/platform.h"

#include "harness/unit.h"

uint64_t time_only_clock_ns;
unsigned time_only_clock_reads;

/* After platform.h every hook is defined, as its own name or a macro. */
#if !defined(virtio_mmio_read8) || !defined(virtio_mmio_read16) ||   \
	!defined(virtio_mmio_read32) || !defined(virtio_mmio_write8) || \
	!defined(virtio_mmio_write16) || !defined(virtio_mmio_write32) || \
	!defined(virtio_mb) || !defined(virtio_rmb) || !defined(virtio_wmb) || \
	!defined(virtio_wmb_io) || !defined(virtio_rmb_io) || !defined(virtio_relax) || \
	!defined(virtio_virt_to_dma) || !defined(virtio_cache_clean) ||  \
	!defined(virtio_cache_invalidate) || !defined(virtio_time_ns) || !defined(VIRTIO_LOG)
#error "platform_default.h left a hook undefined"
#endif

TEST(platform_one_hook_replaced)
{
	time_only_clock_ns = 123456789;
	time_only_clock_reads = 0;
	CHECK_EQ(virtio_time_ns(), 123456789);
	time_only_clock_ns += 5;
	CHECK_EQ(virtio_time_ns(), 123456794);
	CHECK_EQ(time_only_clock_reads, 2);
}

static unsigned log_argument_evaluations;
static int log_argument(void)
{
	return (int)++log_argument_evaluations;
}

TEST(platform_other_hooks_default)
{
	/* MMIO: one access of the width asked for, on ordinary memory (the
	 * simulator's hooks would refuse an address outside its devices). */
	volatile uint32_t word = 0x11223344u;
	uintptr_t a = (uintptr_t)&word;
	CHECK_EQ(virtio_mmio_read32(a), 0x11223344u);
	virtio_mmio_write32(a, 0xa5a5a5a5u);
	CHECK_EQ(word, 0xa5a5a5a5u);
	volatile uint16_t half = 0xbeef;
	virtio_mmio_write16((uintptr_t)&half, (uint16_t)(virtio_mmio_read16((uintptr_t)&half) + 1));
	CHECK_EQ(half, 0xbef0);
	volatile uint8_t byte = 7;
	virtio_mmio_write8((uintptr_t)&byte, (uint8_t)(virtio_mmio_read8((uintptr_t)&byte) * 3));
	CHECK_EQ(byte, 21);

	/* DMA: identity-mapped, coherent (no cache maintenance to do). */
	CHECK_EQ(virtio_virt_to_dma((const void *)a), (uint64_t)a);
	virtio_cache_clean((const void *)&word, sizeof(word));
	virtio_cache_invalidate((const void *)&word, sizeof(word));
	CHECK_EQ(word, 0xa5a5a5a5u);

	/* Barriers and the polling hint are the architecture's instructions. */
	virtio_mb();
	virtio_rmb();
	virtio_wmb();
	virtio_wmb_io();
	virtio_rmb_io();
	virtio_relax();

	/* VIRTIO_LOG is compiled out: its arguments are never evaluated. */
	VIRTIO_LOG("virtq %d: %s\n", log_argument(), "never");
	CHECK_EQ(log_argument_evaluations, 0);
	(void)log_argument; /* used only inside the compiled-out call */

	/* None of it read the clock. */
	time_only_clock_reads = 0;
	CHECK_EQ(virtio_virt_to_dma(&time_only_clock_ns), (uint64_t)(uintptr_t)&time_only_clock_ns);
	CHECK_EQ(time_only_clock_reads, 0);
}
