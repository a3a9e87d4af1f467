/*
 * libFuzzer target: virtio-rng (rng.c) over virtio-mmio against the
 * simulator's entropy device (sim_echo_new: it fills every writable buffer
 * with sim_echo_pattern), the input bytes being the device's behaviour
 * (fuzz_sim.h) and the caller's reads and re-initialisations.  Checked
 * besides the simulator's rules: a read returns the length asked or an
 * error, a full read holds what the device wrote, and the buffer is never
 * handed back while the device still holds it (fuzz_sync_buf_back()).
 */
#include "fuzz_sim.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"
#include "virtio/rng.h"
#include "virtio/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_BYTES 1024u

static struct {
	struct sim_dev *d;
	struct virtio_mmio mmio;
	struct vrng rng;
	struct fuzz_sync_buf buf;
} s;

static int attach(uint16_t qi, uint16_t size, void *mem, size_t len)
{
	(void)qi;
	return vrng_attach_queue(&s.rng, size, mem, len);
}

/* vrng_probe, queue, start: the bring-up (after a failed read the way
 * back is virtio_device_recover(), one of fuzz_core_step()'s). */
static bool bring_up(uint64_t mask)
{
	int rc = vrng_probe(&s.rng, &s.mmio.vdev, mask);
	fuzz_check("vrng_probe");
	if (rc != VIRTIO_OK)
		return false;
	if (!fuzz_attach_queues(1, vrng_queue_mem_bytes, attach))
		return false;
	rc = vrng_start(&s.rng);
	fuzz_check("vrng_start");
	return rc == VIRTIO_OK;
}

static void read_once(void)
{
	uint32_t off = fuzz_u8() % 64;
	uint32_t len = fuzz_u16() % (BUF_BYTES - off + 1);
	uint64_t timeout = (fuzz_u8() % 64 + 1) * 1000ull; /* 1..64 relaxes */
	uint8_t *buf = fuzz_sync_buf_take(&s.buf, s.rng.vdev);
	int rc = vrng_read(&s.rng, buf + off, len, timeout);
	fuzz_sync_buf_back(&s.buf, rc);
	if (rc < 0)
		return;
	if ((uint32_t)rc != len)
		fuzz_fail("vrng_read of %u bytes returned %d", len, rc);
	/* The device fills the whole buffer it is given: one request. */
	for (uint32_t i = 0; i < len; i++)
		if (buf[off + i] != sim_echo_pattern(i))
			fuzz_fail("vrng_read returned %u bytes, byte %u is not the device's", len, i);
}

static const char *driver_step(void)
{
	read_once();
	return "vrng_read";
}

static void run(void)
{
	uint32_t version = fuzz_version();
	s.d = sim_echo_new(version, fuzz_ring_offer(), fuzz_u8());
	fuzz_device_knobs(s.d);
	uint64_t mask = fuzz_mask();
	if (!fuzz_mmio_probe(&s.mmio, s.d))
		return;
	fuzz_sync_buf_init(&s.buf, BUF_BYTES, "entropy buffer");
	if (bring_up(mask))
		(void)fuzz_steps(s.d, &(struct fuzz_driver){ .vdev = s.rng.vdev, .step = driver_step });
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run_input(data, size, run);
	return 0;
}
