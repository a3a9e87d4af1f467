/*
 * Platform hooks of the VirtIO library, decided at compile time.
 *
 * An embedder overrides the whole set by compiling with
 *     -DVIRTIO_PLATFORM_HEADER='"my_platform.h"'
 * and that header must define every hook listed in platform_default.h
 * (the reference).  Without it the default below is used: correct for a
 * cache-coherent RISC-V, AArch64 or x86-64 machine with identity-mapped DMA.
 *
 * Every hook is a static inline function or a macro, so the default costs
 * no call: an MMIO read is one load instruction, a barrier one fence.
 */
#ifndef VIRTIO_PLATFORM_H
#define VIRTIO_PLATFORM_H

#ifdef VIRTIO_PLATFORM_HEADER
#include VIRTIO_PLATFORM_HEADER
#else
#include "platform_default.h"
#endif

#endif
