/*
 * The block workload the fuzz targets share (fuzz_blk.c over virtio-mmio,
 * fuzz_pci.c over virtio-pci): a simulated virtio-blk device built from the
 * input, and a caller of blk.h whose requests, polls, interrupts, aborts
 * and recoveries the input interleaves with the device's steps.
 */
#ifndef FUZZ_BLK_IO_H
#define FUZZ_BLK_IO_H

#include <stdbool.h>

#include "fuzz_sim.h"
#include "virtio/blk.h"

/* A virtio-blk RAM disk (version 1 or 2) with the input's offer, limits,
 * configuration and knobs. */
struct sim_dev *fuzz_blk_device(uint32_t version);

/* vblk_probe over a transport already probed for `d`, with the input's
 * feature mask; NULL when the library refused. */
struct vblk *fuzz_blk_probe(struct virtio_device *vdev, struct sim_dev *d);

/*
 * Then queues, start, and the input's steps; at the end
 * virtio_device_abort() and every request must be back (unless the reset
 * never completed: VIRTIO_EDEAD).  Checked besides the simulator's rules:
 * done() once per accepted request and never for a refused one, with a
 * status the API defines; a request over 4 GiB refused; a successful read
 * returns the disk's bytes, a write lands them, GET_ID gives the serial.
 */
void fuzz_blk_run(void);

#endif
