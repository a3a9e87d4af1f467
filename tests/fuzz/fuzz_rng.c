/*
 * libFuzzer target: virtio-rng (rng.c) over virtio-mmio against the
 * simulator's entropy device (sim_echo_new: it fills every writable buffer
 * with sim_echo_pattern), the input bytes being the device's behaviour
 * (fuzz_sim.h) and the caller's reads and re-initialisations.  Checked
 * besides the simulator's rules: a read returns the length asked or an
 * error, a full read holds what the device wrote, and the buffer is never
 * handed back while the device still holds it (fuzz_check_released).
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
	uint8_t *qmem, *buf, *spare;
	size_t qlen;
	uint16_t qsize;
} s;

/* vrng_probe, queue, start: the bring-up (after a failed read the way
 * back is virtio_device_recover(), one of fuzz_core_step()'s). */
static bool bring_up(uint64_t mask)
{
	int rc = vrng_probe(&s.rng, &s.mmio.vdev, mask);
	fuzz_check("vrng_probe");
	if (rc != VIRTIO_OK)
		return false;
	rc = vrng_attach_queue(&s.rng, s.qsize, s.qmem, s.qlen);
	fuzz_check("vrng_attach_queue");
	if (rc != VIRTIO_OK)
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
	/* After VIRTIO_EDEAD the device keeps s.buf: the calls (which the
	 * library must refuse) get another buffer. */
	bool dead = virtio_device_error(s.rng.vdev) == VIRTIO_EDEAD;
	uint8_t *buf = dead ? s.spare : s.buf;
	int rc = vrng_read(&s.rng, buf + off, len, timeout);
	fuzz_check_released(s.rng.vdev, s.buf, BUF_BYTES, "entropy buffer");
	sim_dma_check_released(s.spare, BUF_BYTES, "entropy buffer of a call on a dead device");
	if (rc < 0)
		return;
	if ((uint32_t)rc != len)
		fuzz_fail("vrng_read of %u bytes returned %d", len, rc);
	/* The device fills the whole buffer it is given: one request. */
	for (uint32_t i = 0; i < len; i++)
		if (buf[off + i] != sim_echo_pattern(i))
			fuzz_fail("vrng_read returned %u bytes, byte %u is not the device's", len, i);
}

static void run(void)
{
	static const uint8_t offer[] = {
		VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX,       VIRTIO_F_RING_PACKED,
		VIRTIO_F_IN_ORDER,      VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_ACCESS_PLATFORM,
		VIRTIO_F_RING_RESET,    3 /* no such feature */,
	};
	uint32_t version = fuzz_u8() & 1 ? 1 : 2;
	uint64_t features = fuzz_one_in(8) ? 0 : VIRTIO_BIT(VIRTIO_F_VERSION_1);
	uint8_t f = fuzz_u8();
	for (unsigned i = 0; i < sizeof(offer); i++)
		if (f & (1u << i))
			features |= VIRTIO_BIT(offer[i]);
	s.d = sim_echo_new(version, features, fuzz_u8());
	fuzz_device_knobs(s.d);
	uint64_t mask = fuzz_one_in(4) ? ~(uint64_t)fuzz_u64() : ~0ull;

	int rc = virtio_mmio_probe(&s.mmio, s.d->base);
	fuzz_check("virtio_mmio_probe");
	if (rc != VIRTIO_OK)
		return;
	s.qsize = (uint16_t)(fuzz_u8() % 65);
	s.qlen = vrng_queue_mem_bytes(s.qsize);
	s.qmem = fuzz_dma(s.qlen, VIRTQ_MEM_ALIGN);
	s.buf = fuzz_dma(BUF_BYTES, 64);
	s.spare = fuzz_dma(BUF_BYTES, 64);
	if (!bring_up(mask))
		return;
	while (fuzz_more()) {
		const char *what;
		switch (fuzz_u8() % 6) {
		case 0:
		case 1:
			read_once();
			what = "vrng_read";
			break;
		case 2:
		case 3:
		case 4:
			fuzz_device_step(s.d);
			what = "a device step";
			break;
		default:
			what = fuzz_core_step(s.rng.vdev);
			break;
		}
		fuzz_check(what);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input(data, size);
	run();
	fuzz_input_end();
	return 0;
}
