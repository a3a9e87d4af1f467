/*
 * The kernel's entropy devices: bring-up over the library's vrng driver,
 * the shell's `rng` command, and a self-test that the bytes are there and
 * look random (not constant, not repeating).
 */
#include "kernel/virtio/entropy.h"

#include "kernel/dma.h"
#include "kernel/shell/shell_priv.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/rng.h"

#define MAX_RNGS 4
#define RNG_QUEUE_SIZE 8
#define RNG_TIMEOUT_NS 2000000000ull /* QEMU answers at once; 2 s is silence */
#define RNG_MAX_SHOW 4096

struct rng {
	struct vrng vrng;
	char where[64];
};

static struct rng rngs[MAX_RNGS];
static unsigned nrngs;

int virtio_rng_attach(struct virtio_device *vdev, const char *where)
{
	if (nrngs == MAX_RNGS) {
		kprintf("%s: virtio-rng: more than %u entropy devices\n", where, MAX_RNGS);
		return VIRTIO_ENOMEM;
	}
	struct rng *r = &rngs[nrngs];
	int rc = vrng_probe(&r->vrng, vdev, ~0ull);
	uint16_t size = rc ? 0 : virtio_queue_size(vdev, 0, RNG_QUEUE_SIZE);
	void *mem = rc ? NULL : dma_alloc(vrng_queue_mem_bytes(size));
	if (rc == VIRTIO_OK && !mem)
		rc = VIRTIO_ENOMEM;
	if (rc == VIRTIO_OK)
		rc = vrng_attach_queue(&r->vrng, size, mem, vrng_queue_mem_bytes(size));
	if (rc == VIRTIO_OK)
		rc = vrng_start(&r->vrng);
	if (rc) {
		virtio_device_fail(vdev);
		kprintf("%s: virtio-rng: %s\n", where, virtio_strerror(rc));
		return rc;
	}
	ksnprintf(r->where, sizeof(r->where), "%s", where);
	kprintf("rng%u: entropy device, %s, ring=%s\n", nrngs, where,
		virtq_is_packed(&r->vrng.vq) ? "packed" : "split");
	nrngs++;
	return VIRTIO_OK;
}

unsigned virtio_rng_count(void)
{
	return nrngs;
}

int virtio_rng_read(void *buf, uint32_t len)
{
	if (nrngs == 0)
		return VIRTIO_ENODEV;
	return vrng_read(&rngs[0].vrng, buf, len, RNG_TIMEOUT_NS);
}

void shell_cmd_rng(int argc, const struct shell_arg *argv)
{
	uint64_t count = 32;

	/* the shell's dispatcher has refused more than one word */
	if (argc == 2 && !parse_u64(argv[1].s, &count)) {
		kprintf("rng: COUNT '%s' is not a number\n", argv[1].s);
		return;
	}
	if (count == 0 || count > RNG_MAX_SHOW) {
		kprintf("rng: COUNT must be 1..%u\n", RNG_MAX_SHOW);
		return;
	}
	if (nrngs == 0) {
		kprintf("rng: no entropy device (add -device virtio-rng-device or virtio-rng-pci)\n");
		return;
	}
	size_t mark = dma_mark();
	uint8_t *buf = dma_alloc(count);
	int rc = buf ? virtio_rng_read(buf, (uint32_t)count) : VIRTIO_ENOMEM;
	if (rc < 0) {
		kprintf("rng: %s\n", virtio_strerror(rc));
		if (rc != VIRTIO_EDEAD) /* else the device may still write there */
			dma_release(mark);
		return;
	}
	for (uint64_t i = 0; i < count; i++)
		kprintf("%02x%s", buf[i], (i % 32 == 31 || i + 1 == count) ? "\n" : "");
	dma_release(mark);
}

void virtio_rng_selftest_suite(struct selftest_ctx *t)
{
	if (nrngs == 0) {
		selftest_note(t, "no entropy device");
		return;
	}
	size_t mark = dma_mark();
	uint8_t *a = dma_alloc(256), *b = dma_alloc(256);
	int ra = virtio_rng_read(a, 256), rb = virtio_rng_read(b, 256);
	if (ra != 256 || rb != 256) {
		selftest_fail(t, "rng0: two reads of 256 bytes", "%s",
			      virtio_strerror(ra < 0 ? ra : rb));
		return;
	}
	selftest_pass(t, "rng0: two reads of 256 bytes", "%s", rngs[0].where);
	/* Not a randomness test: just that the device really wrote bytes. */
	unsigned distinct = 0;
	bool seen[256] = { false };
	for (unsigned i = 0; i < 256; i++)
		if (!seen[a[i]]) {
			seen[a[i]] = true;
			distinct++;
		}
	selftest_check(t, distinct >= 64 && memcmp(a, b, 256) != 0,
		       "rng0: bytes vary within and between reads",
		       "%u distinct byte values in 256; reads %s", distinct,
		       memcmp(a, b, 256) ? "differ" : "are identical");
	dma_release(mark);
}
