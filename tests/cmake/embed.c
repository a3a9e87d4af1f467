/* Links against the CMake target `virtio` and uses its public API. */
#include <stdio.h>

#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

int main(void)
{
	printf("vblk queue of 256 needs %zu bytes; %s\n", vblk_queue_mem_bytes(256),
	       virtio_strerror(VIRTIO_EBROKEN));
	return vblk_queue_mem_bytes(256) > 0 ? 0 : 1;
}
