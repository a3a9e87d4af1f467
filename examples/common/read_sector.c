/*
 * The smallest embedding of the VirtIO library, the same on every board:
 * find a virtio-blk device on the board's virtio-mmio slots, bring it up,
 * read sector 0 by polling, print its first bytes, and stop.  Only the
 * public headers, the sources virtio.mk selects (blk over mmio), the
 * board's platform header and board.h.
 */
#include <stdint.h>

#include "board.h"
#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

#define QUEUE_SIZE 16
#define SECOND 1000000000ull

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

static void put(const char *s)
{
	while (*s)
		board_putc(*s++);
}

/* One console line: "<board>: what detail". */
static void say(const char *what, const char *detail)
{
	put(board.name);
	put(": ");
	put(what);
	put(detail);
	put("\n");
}

/* No printf here: the format is shown as it is. */
void example_log(const char *fmt, ...)
{
	put("virtio: ");
	put(fmt);
}

static void fail(const char *what, int err)
{
	say(what, virtio_strerror(err));
	board_exit(1);
}

int main(void)
{
	static struct virtio_mmio mmio;
	static struct vblk blk;
	static struct vblk_queue queue;
	int rc = VIRTIO_ENODEV;

	/* QEMU fills the slots from the top; an empty one answers VIRTIO_ENODEV. */
	for (int i = board.mmio_slots - 1; i >= 0 && rc != VIRTIO_OK; i--) {
		rc = virtio_mmio_probe(&mmio, board.mmio_base + board.mmio_stride * (uintptr_t)i);
		if (rc == VIRTIO_OK && mmio.vdev.device_id != VIRTIO_ID_BLOCK)
			rc = VIRTIO_ENODEV;
	}
	if (rc)
		fail("no virtio-blk device: ", rc);
	say("found ", mmio.vdev.transport_name);

	rc = vblk_probe(&blk, &mmio.vdev, ~0ull);
	if (rc)
		fail("vblk_probe: ", rc);
	rc = vblk_attach_queue(&blk, 0, &queue, QUEUE_SIZE, queue_mem, sizeof(queue_mem));
	if (rc)
		fail("vblk_attach_queue: ", rc);
	rc = vblk_start(&blk);
	if (rc)
		fail("vblk_start: ", rc);

	char text[33];
	for (int i = 0; i < 16; i++)
		text[i] = "0123456789abcdef"[(blk.info.capacity >> (60 - 4 * i)) & 15];
	text[16] = 0;
	say("capacity in sectors 0x", text);

	rc = vblk_read(&blk, 0, sector, 1, SECOND);
	if (rc)
		fail("vblk_read: ", rc);
	for (int i = 0; i < 32; i++)
		text[i] = sector[i] >= 32 && sector[i] < 127 ? (char)sector[i] : '.';
	text[32] = 0;
	say("sector 0: ", text);
	board_exit(0);
}
