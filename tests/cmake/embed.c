/* Links against the CMake target `virtio` and uses its public API. */
#include <stdio.h>

#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"
#include "virtio/platform.h"

int main(void)
{
	/* through a volatile pointer: the link needs transport/mmio.c */
	int (*volatile probe)(struct virtio_mmio *, uintptr_t) = virtio_mmio_probe;

#ifdef EMBED_PLATFORM_H
	puts("platform: embed_platform.h");
#else
	puts("platform: default");
#endif
	printf("vblk queue of 256 needs %zu bytes; %s\n", vblk_queue_mem_bytes(256),
	       virtio_strerror(VIRTIO_EBROKEN));
	return vblk_queue_mem_bytes(256) > 0 && probe ? 0 : 1;
}
