/*
 * Entropy devices (virtio-rng) for the shell and the self-test: brought up
 * by virtio_attach(), read by polling through the library's vrng_read().
 */
#ifndef KERNEL_VIRTIO_RNG_H
#define KERNEL_VIRTIO_RNG_H

#include <stdint.h>

#include "kernel/selftest/selftest.h"
#include "virtio/device.h"

/* Bring up an entropy device; 0 or a VIRTIO_E* error (already printed). */
int virtio_rng_attach(struct virtio_device *vdev, const char *where);

/* Entropy devices brought up so far. */
unsigned virtio_rng_count(void);

/* Fill buf with len random bytes from the first entropy device: len, or a
 * negative VIRTIO_E* error (VIRTIO_ENODEV when there is none). */
int virtio_rng_read(void *buf, uint32_t len);

/* The shell's `rng [COUNT]` and the self-test suite "rng". */
struct shell_arg;
void shell_cmd_rng(int argc, const struct shell_arg *argv);
void virtio_rng_selftest_suite(struct selftest_ctx *t);

#endif
