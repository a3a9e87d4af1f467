/*
 * Every VirtIO 1.3 wire format the library knows, in one include: the
 * headers of include/virtio/wire/.  Each of those stands alone; prefer
 * including only the ones a file needs.
 */
#ifndef VIRTIO_SPEC_H
#define VIRTIO_SPEC_H

#include "wire/common.h"
#include "wire/ring.h"
#include "wire/mmio.h"
#include "wire/pci.h"
#include "wire/blk.h"
#include "wire/rng.h"
#include "wire/console.h"
#include "wire/net.h"
#include "wire/gpu.h"
#include "wire/input.h"

#endif
