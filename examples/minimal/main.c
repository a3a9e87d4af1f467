/*
 * The smallest embedding of the VirtIO library: find a virtio-blk device
 * on QEMU virt's virtio-mmio slots, bring it up, read sector 0 by polling,
 * print its first bytes, and power off.  Only the public headers, the
 * sources listed in virtio.mk, and this program's own platform header.
 */
#include <stdint.h>

#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

#define UART0 0x10000000u          /* ns16550: transmit holding register */
#define TEST_DEVICE 0x100000u      /* sifive,test1: writes end QEMU */
#define MMIO_SLOT(i) (0x10001000u + 0x1000u * (i))
#define QUEUE_SIZE 16
#define SECOND 1000000000ull

/* Entry from OpenSBI: a stack, then main(). */
__asm__(".section .text.entry\n"
	".globl _start\n"
	"_start: la sp, stack\n"
	"        li t0, 16384\n"
	"        add sp, sp, t0\n"
	"        call main\n"
	"1:      wfi\n"
	"        j 1b\n");

uint8_t stack[16384] __attribute__((aligned(16)));

/* Queue memory sized at compile time for any device, legacy included. */
static uint8_t queue_mem[VBLK_QUEUE_MEM_BYTES(QUEUE_SIZE)] __attribute__((aligned(VIRTQ_MEM_ALIGN)));
static uint8_t sector[512] __attribute__((aligned(16)));

/* GCC and clang may emit calls to these even in freestanding code. */
void *memset(void *d, int c, unsigned long n)
{
	for (uint8_t *p = d; n--;)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	uint8_t *o = d;
	for (const uint8_t *i = s; n--;)
		*o++ = *i++;
	return d;
}

static void putc_uart(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)(uintptr_t)UART0;
	while (!(uart[5] & 0x20)) /* LSR: transmitter ready */
		;
	uart[0] = (uint8_t)c;
}

void log_line(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

static void log_hex(uint64_t v, int digits)
{
	while (digits--)
		putc_uart("0123456789abcdef"[(v >> (4 * digits)) & 15]);
}

static void power_off(int failed)
{
	*(volatile uint32_t *)(uintptr_t)TEST_DEVICE = failed ? (1u << 16) | 0x3333u : 0x5555u;
	for (;;)
		;
}

static void fail(const char *what, int err)
{
	log_line(what);
	log_line(": ");
	log_line(virtio_strerror(err));
	log_line("\n");
	power_off(1);
}

int main(void)
{
	static struct virtio_mmio mmio;
	static struct vblk blk;
	static struct vblk_queue queue;
	int rc = VIRTIO_ENODEV;

	/* QEMU virt has eight slots; an empty one answers VIRTIO_ENODEV. */
	for (int i = 7; i >= 0 && rc != VIRTIO_OK; i--) {
		rc = virtio_mmio_probe(&mmio, MMIO_SLOT(i));
		if (rc == VIRTIO_OK && mmio.vdev.device_id != VIRTIO_ID_BLOCK)
			rc = VIRTIO_ENODEV;
	}
	if (rc)
		fail("no virtio-blk device", rc);
	log_line("minimal: found ");
	log_line(mmio.vdev.transport_name);
	log_line("\n");

	rc = vblk_probe(&blk, &mmio.vdev, ~0ull);
	if (rc)
		fail("vblk_probe", rc);
	rc = vblk_attach_queue(&blk, 0, &queue, QUEUE_SIZE, queue_mem, sizeof(queue_mem));
	if (rc)
		fail("vblk_attach_queue", rc);
	rc = vblk_start(&blk);
	if (rc)
		fail("vblk_start", rc);

	log_line("minimal: capacity 0x");
	log_hex(blk.info.capacity, 8);
	log_line(" sectors\n");

	rc = vblk_read(&blk, 0, sector, 1, SECOND);
	if (rc)
		fail("vblk_read", rc);
	log_line("minimal: sector 0: ");
	for (int i = 0; i < 32; i++)
		putc_uart(sector[i] >= 32 && sector[i] < 127 ? (char)sector[i] : '.');
	log_line("\n");
	power_off(0);
	return 0;
}
