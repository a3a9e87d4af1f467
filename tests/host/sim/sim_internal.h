/*
 * Internals shared by the simulator's files: the device (sim_device.c),
 * its register window (sim_mmio.c), the ring engine (sim_ring.c) and its
 * chain helpers (sim_chain.c).  Not for test cases.
 */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_device.h"

/* Endian-neutral little-endian accessors for shared memory. */
static inline uint16_t ld16(const void *p)
{
	const volatile uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t ld32(const void *p)
{
	const volatile uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t ld64(const void *p)
{
	return ld32(p) | (uint64_t)ld32((const uint8_t *)p + 4) << 32;
}
static inline void st16(void *p, uint16_t v)
{
	volatile uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}
static inline void st32(void *p, uint32_t v)
{
	volatile uint8_t *b = p;
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

#define FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* sim_device.c, for the register window: the device whose window holds
 * addr (fails the case when none does), a write of the Status register,
 * and accesses to the configuration space (off from its start). */
struct sim_dev *sim_dev_at(uintptr_t addr);
void sim_status_write(struct sim_dev *d, uint32_t v);
uint32_t sim_config_read(struct sim_dev *d, uint32_t off, unsigned width);
void sim_config_write(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v);

/* sim_ring.c: a queue's rings taken into use or dropped, and the check of
 * a notification's data (§2.9). */
void sim_ring_enable(struct sim_dev *d, unsigned qi);
void sim_ring_disable(struct sim_dev *d, unsigned qi);
void sim_ring_check_notify_data(struct sim_dev *d, unsigned qi, uint32_t v);
/* The chains a queue took and has not completed (sim_ring.c, for
 * sim_used.c): is `id` among them; add one. */
bool sim_pending_has_id(struct sim_queue *q, uint16_t id);
void sim_push_pending(struct sim_queue *q, struct sim_chain *c);
/* Advance a packed ring position by `by` slots of a ring of n, flipping
 * the wrap counter at each lap (§2.8.1). */
void sim_packed_step(uint16_t *off, bool *wrap, uint16_t by, uint16_t n);

struct sim_chain *chain_new(void);
void chain_free(struct sim_chain *c);
/* Append a buffer; false (and a violation) when the driver broke a rule. */
bool add_seg(struct sim_chain *c, uint64_t addr, uint32_t len, bool write, bool *seen_write);
/* Remember a ring descriptor as first read. */
void add_snap(struct sim_chain *c, void *where);
/* Copy an indirect table (checked against the DMA regions). */
bool copy_table(struct sim_chain *c, uint64_t addr, uint32_t len);

#endif
