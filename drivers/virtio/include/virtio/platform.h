/*
 * Platform hooks of the VirtIO library, decided at compile time.
 *
 * An embedder compiles with
 *     -DVIRTIO_PLATFORM_HEADER='"my_platform.h"'
 * and defines in that header the hooks it wants to replace, any number
 * from none to all; platform_default.h then supplies every hook the
 * embedder's header left out (how a hook counts as defined, and the list
 * of hooks, are at the top of platform_default.h).  Without the header
 * every hook is the default: correct for a cache-coherent RISC-V, AArch64
 * or x86-64 machine with identity-mapped DMA.
 *
 * Every hook is a static inline function or a macro, so the default costs
 * no call: an MMIO read is one load instruction, a barrier one fence.
 */
#ifndef VIRTIO_PLATFORM_H
#define VIRTIO_PLATFORM_H

#ifdef VIRTIO_PLATFORM_HEADER
#include VIRTIO_PLATFORM_HEADER
#endif
#include "platform_default.h"

#endif
