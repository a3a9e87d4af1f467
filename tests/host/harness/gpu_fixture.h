/*
 * A virtio-gpu (drivers/virtio/devices/gpu.c) brought up against the
 * simulated GPU (sim/devices/sim_gpu.c), shared by test_gpu.c and
 * test_gpu_events.c.
 */
#ifndef HARNESS_GPU_FIXTURE_H
#define HARNESS_GPU_FIXTURE_H

#include <string.h>

#include "harness/bringup.h"
#include "sim/devices/sim_gpu.h"
#include "virtio/gpu.h"

struct tgpu {
	struct sim_dev *sim;
	struct sim_gpu *dev; /* the simulated device's state */
	struct virtio_mmio mmio;
	struct vgpu gpu;
	struct vgpu_queue q[2];
};

/* Attach queue qi of qsize entries in fresh test memory. */
static inline int tgpu_attach(struct tgpu *t, uint16_t qi, uint16_t qsize)
{
	size_t len = vgpu_queue_mem_bytes(qsize);
	void *mem = t->sim->version == 1 ? tmem_alloc_low(len, VIRTQ_MEM_ALIGN)
					 : tmem_alloc(len, VIRTQ_MEM_ALIGN);
	return vgpu_attach_queue(&t->gpu, qi, &t->q[qi], qsize, mem, len);
}

/* Probe, both queues (the cursor queue unless !cursor), start. */
static inline struct tgpu *tgpu_up(const struct sim_gpu_opts *o, uint64_t mask, uint16_t qsize,
				   bool cursor)
{
	static struct tgpu t;
	struct sim_gpu_opts def = { 0 };
	memset(&t, 0, sizeof(t));
	t.sim = sim_gpu_new(o ? o : &def);
	t.dev = sim_gpu_of(t.sim);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	CHECK_OK(vgpu_probe(&t.gpu, &t.mmio.vdev, mask));
	CHECK_OK(tgpu_attach(&t, VIRTIO_GPU_QUEUE_CONTROL, qsize));
	if (cursor)
		CHECK_OK(tgpu_attach(&t, VIRTIO_GPU_QUEUE_CURSOR, qsize));
	CHECK_OK(vgpu_start(&t.gpu));
	return &t;
}

/* Asynchronous command bookkeeping: `status` 1 until done() ran. */
struct tcmd {
	struct vgpu_cmd cmd;
	int status;
	unsigned calls;
	unsigned order; /* completion order, from 1 */
};
extern unsigned tcmd_completed;
void tcmd_done(struct vgpu_cmd *cmd, int status);
static inline struct vgpu_cmd *tcmd_init(struct tcmd *t, struct vgpu_cmd c)
{
	memset(t, 0, sizeof(*t));
	t->cmd = c;
	t->cmd.done = tcmd_done;
	t->cmd.ctx = t;
	t->status = 1;
	return &t->cmd;
}

#define GPU_TIMEOUT (50 * MS)

#endif
