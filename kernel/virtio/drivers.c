/*
 * The virtio drivers of this kernel, by device ID: one row per device
 * type, its attach() in the glue file of that type (declared in
 * probe.h).  A new device type is its glue file and one row here.
 */
#include "kernel/virtio/probe.h"

#include "virtio/wire/common.h"

const struct virtio_driver_entry virtio_drivers[] = {
	{ VIRTIO_ID_BLOCK, "virtio-blk", virtio_blk_attach },
	{ VIRTIO_ID_RNG, "virtio-rng", virtio_rng_attach },
	{ VIRTIO_ID_CONSOLE, "virtio-console", virtio_console_attach },
	{ VIRTIO_ID_INPUT, "virtio-input", virtio_input_attach },
	{ VIRTIO_ID_GPU, "virtio-gpu", virtio_gpu_attach },
	{ VIRTIO_ID_NET, "virtio-net", virtio_net_attach },
	{ 0, NULL, NULL },
};
