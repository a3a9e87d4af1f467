/*
 * libFuzzer target: virtio-blk over virtio-mmio, the input bytes being the
 * simulated device's behaviour (fuzz_sim.h) and the caller's requests
 * (fuzz_blk_io.h).  The real mmio.c, the device core, virtq*.c, blk.c and
 * blk_sync.c run against the host simulator, whose driver-rule checks are
 * the oracle; ASan and UBSan watch memory and arithmetic, poisoned guard
 * bytes every DMA block, and the simulated clock ends every wait.
 */
#include "fuzz_blk_io.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtio_mmio mmio;
	fuzz_input(data, size);
	struct sim_dev *d = fuzz_blk_device(fuzz_u8() & 1 ? 1 : 2);
	int rc = virtio_mmio_probe(&mmio, d->base);
	fuzz_check("virtio_mmio_probe");
	if (rc == VIRTIO_OK && fuzz_blk_probe(&mmio.vdev, d))
		fuzz_blk_run();
	fuzz_input_end();
	return 0;
}
