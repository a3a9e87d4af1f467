/*
 * Queue memory sizes where size_t is 32 bits: run on riscv32 (QEMU virt,
 * -bios none, M-mode) by scripts/cross_build.sh.  A queue of 32768 entries
 * with 32768-entry indirect tables needs 16 GiB; the size must come out as
 * "impossible" (0), from the function and from the compile-time macro,
 * and virtq_create() must refuse such a queue whatever block it is given,
 * never take a wrapped-around size for the real one and zero or lay out a
 * block too small for it.  Prints one line per failed check on the UART,
 * then exits QEMU through the SiFive test device: 0 when all passed.
 */
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/virtq.h"

#define UART_THR ((volatile uint8_t *)0x10000000u)
#define TEST_DEV ((volatile uint32_t *)0x00100000u)

_Static_assert(sizeof(size_t) == 4, "this program checks a 32-bit size_t");

static void puts_uart(const char *s)
{
	while (*s)
		*UART_THR = (uint8_t)*s++;
}

static void put_dec(uint32_t v)
{
	char b[11];
	int i = 10;
	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	puts_uart(&b[i]);
}

static unsigned checks, failures;

static void check(int ok, const char *what, uint32_t got)
{
	checks++;
	if (ok)
		return;
	failures++;
	puts_uart("[FAIL] rv32: ");
	puts_uart(what);
	puts_uart(" (got ");
	put_dec(got);
	puts_uart(")\n");
}

/* The compiler may call these for struct copies and zeroing. */
void *memset(void *p, int c, size_t n)
{
	uint8_t *d = p;
	while (n--)
		*d++ = (uint8_t)c;
	return p;
}
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

/* A transport that offers one queue of 32768 and records an enable. */
static unsigned enables;
static uint8_t get_status(struct virtio_device *d) { (void)d; return 0; }
static void set_status(struct virtio_device *d, uint8_t s) { (void)d; (void)s; }
static uint32_t get_features(struct virtio_device *d, unsigned w) { (void)d; (void)w; return 0; }
static void set_features(struct virtio_device *d, unsigned w, uint32_t v) { (void)d; (void)w; (void)v; }
static uint32_t cfg_read(struct virtio_device *d, uint32_t o, unsigned w) { (void)d; (void)o; (void)w; return 0; }
static void cfg_write(struct virtio_device *d, uint32_t o, unsigned w, uint32_t v) { (void)d; (void)o; (void)w; (void)v; }
static uint32_t generation(struct virtio_device *d) { (void)d; return 0; }
static uint16_t queue_max(struct virtio_device *d, uint16_t i) { (void)d; return i == 0 ? 32768 : 0; }
static int queue_enable(struct virtio_device *d, uint16_t i, uint16_t s, const struct virtio_queue_addrs *a)
{
	(void)d; (void)i; (void)s; (void)a;
	enables++;
	return VIRTIO_OK;
}
static void notify(struct virtio_device *d, uint16_t i, uint32_t v) { (void)d; (void)i; (void)v; }
static uint32_t interrupt_ack(struct virtio_device *d) { (void)d; return 0; }
static const struct virtio_transport_ops ops = {
	.get_status = get_status, .set_status = set_status,
	.get_features = get_features, .set_features = set_features,
	.config_read = cfg_read, .config_write = cfg_write, .config_generation = generation,
	.queue_max = queue_max, .queue_enable = queue_enable,
	.notify = notify, .interrupt_ack = interrupt_ack,
};

/* What a 32-bit size_t made of 32768 x 32768 x 16 bytes of indirect
 * tables and the rest: the tables wrap to nothing, about 1 MiB is left. */
#define BLOCK (2u << 20)
static uint8_t block[BLOCK] __attribute__((aligned(VIRTQ_MEM_ALIGN)));

static const enum virtq_layout layouts[] = { VIRTQ_LAYOUT_SPLIT, VIRTQ_LAYOUT_PACKED,
					     VIRTQ_LAYOUT_SPLIT_LEGACY };
static const size_t macro_sizes[] = {
	VIRTQ_MEM_BYTES(32768, VIRTQ_LAYOUT_SPLIT, 32768),
	VIRTQ_MEM_BYTES(32768, VIRTQ_LAYOUT_PACKED, 32768),
	VIRTQ_MEM_BYTES(32768, VIRTQ_LAYOUT_SPLIT_LEGACY, 32768),
	VIRTQ_MEM_BYTES(30000, VIRTQ_LAYOUT_PACKED, 30000),
	VIRTQ_MEM_BYTES_MAX(32768, 32768),
};

static void run(void)
{
	for (unsigned i = 0; i < 3; i++) {
		check(virtq_mem_bytes(32768, layouts[i], 32768) == 0,
		      "virtq_mem_bytes(32768, layout, 32768) is 0 (16 GiB)",
		      (uint32_t)virtq_mem_bytes(32768, layouts[i], 32768));
		check(macro_sizes[i] == 0, "VIRTQ_MEM_BYTES(32768, layout, 32768) is 0",
		      (uint32_t)macro_sizes[i]);
	}
	check(virtq_mem_bytes(30000, VIRTQ_LAYOUT_PACKED, 30000) == 0,
	      "virtq_mem_bytes(30000, packed, 30000) is 0",
	      (uint32_t)virtq_mem_bytes(30000, VIRTQ_LAYOUT_PACKED, 30000));
	check(macro_sizes[3] == 0, "VIRTQ_MEM_BYTES(30000, packed, 30000) is 0",
	      (uint32_t)macro_sizes[3]);
	check(virtq_mem_bytes_max(32768, 32768) == 0, "virtq_mem_bytes_max(32768, 32768) is 0",
	      (uint32_t)virtq_mem_bytes_max(32768, 32768));
	check(macro_sizes[4] == 0, "VIRTQ_MEM_BYTES_MAX(32768, 32768) is 0",
	      (uint32_t)macro_sizes[4]);
	/* A size that fits is still exact. */
	size_t fits = virtq_mem_bytes(32768, VIRTQ_LAYOUT_SPLIT, 4);
	check(fits > 32768u * 4 * 16 && fits == VIRTQ_MEM_BYTES(32768, VIRTQ_LAYOUT_SPLIT, 4),
	      "virtq_mem_bytes(32768, split, 4) is real and equals the macro", (uint32_t)fits);

	/* virtq_create on the 16 GiB queue: refused, nothing touched. */
	struct virtio_device vdev = {
		.ops = &ops,
		.features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC),
	};
	struct virtq vq;
	for (size_t i = 0; i < BLOCK; i += 4096)
		block[i] = 0xa5;
	int rc = virtq_create(&vq, &vdev, 0, 32768, block, BLOCK, 32768);
	check(rc == VIRTIO_ENOMEM, "virtq_create(32768, 32768-entry tables) in 2 MiB: ENOMEM",
	      (uint32_t)-rc);
	check(enables == 0, "... and the queue is never enabled", enables);
	unsigned zeroed = 0;
	for (size_t i = 0; i < BLOCK; i += 4096)
		zeroed += block[i] != 0xa5;
	check(zeroed == 0, "... and the block is untouched (pages zeroed)", zeroed);
}

int main(void)
{
	run();
	if (failures == 0) {
		puts_uart("rv32 virtq sizes: ");
		put_dec(checks);
		puts_uart(" checks passed\n");
	}
	*TEST_DEV = failures ? (1u << 16) | 0x3333u : 0x5555u;
	for (;;)
		;
}

static uint8_t stack[16384] __attribute__((aligned(16), used));

__attribute__((naked, section(".text.start"))) void _start(void)
{
	__asm__ volatile("la sp, stack + 16384\n"
			 "call main\n");
}
