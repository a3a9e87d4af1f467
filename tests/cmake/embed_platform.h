/* The embedder's own hooks for the CMake test: the defaults, plus a mark
 * that embed.c looks for to prove VIRTIO_PLATFORM_HEADER reached it too. */
#ifndef EMBED_PLATFORM_H
#define EMBED_PLATFORM_H
#include "virtio/platform_default.h"
#endif
