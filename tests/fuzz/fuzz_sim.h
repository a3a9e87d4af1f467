/*
 * The fuzz targets' harness over the host simulator (tests/host/sim/).
 *
 * The input bytes are the simulated device's choices: how it is built
 * (version, features, queue sizes, configuration), its fault knobs, when
 * it takes chains from the rings and completes them, in which order.  The
 * real library runs against it, and the simulator's driver-rule checks
 * are the oracle: the first violation it records (a descriptor exposed
 * twice, a buffer handed back while the device holds it, a register the
 * driver must not touch, ...) aborts the run like a crash, with the
 * simulator's message.  ASan and UBSan watch the rest.
 *
 * fuzz_sim.c also gives the simulator the runtime the unit-test runner
 * gives it (harness/unit.h): FAIL aborts, unit_rand() draws from the input.
 */
#ifndef FUZZ_SIM_H
#define FUZZ_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_device.h"

struct virtio_device;
struct virtio_mmio;

/* ---- the input ------------------------------------------------------- */

/* One input for a target: fuzz_input(), run(), fuzz_input_end(). */
void fuzz_run_input(const uint8_t *data, size_t size, void (*run)(void));
/* Start an input: forget every simulated device and rewind the DMA arena. */
void fuzz_input(const uint8_t *data, size_t size);
/* End it: free what the simulator allocated, so that libFuzzer sees as
 * many frees as mallocs and need not scan for leaks after every input. */
void fuzz_input_end(void);
bool fuzz_more(void);
/* The next bytes, little-endian; zeros once the input is used up. */
uint8_t fuzz_u8(void);
uint16_t fuzz_u16(void);
uint32_t fuzz_u32(void);
uint64_t fuzz_u64(void);
/* Copy up to n bytes of the input into p (the rest zeroed); bytes taken. */
size_t fuzz_bytes(void *p, size_t n);
/* true once in `n` (by the next byte). */
static inline bool fuzz_one_in(unsigned n)
{
	return fuzz_u8() % n == 0;
}

/* ---- memory ------------------------------------------------------------ */

/* DMA memory below 4 GiB (legacy QueuePFN is a 32-bit page number),
 * zeroed, registered with the simulator, with poisoned guard bytes on both
 * sides (ASan stops any access to them).  Lives until the next input. */
void *fuzz_dma(size_t n, size_t align);

/* ---- the oracle -------------------------------------------------------- */

/* Abort when the simulator recorded a violation; `where` says after what. */
void fuzz_check(const char *where);
/* Abort with a message: a rule of the library's API was broken. */
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The buffer of a synchronous call (vblk_read(), vrng_read(), ...), and
 * the oracle of its return: once the call returned, the device holds no
 * chain over any byte of it (§3.3.1), unless the call said VIRTIO_EDEAD
 * (a reset that never completed: by the library's policy the device keeps
 * what it was given, driver.h).  Then the buffer is the device's until a
 * later reset completes (the device is no longer dead), and the calls in
 * between, which the library must refuse, get the spare instead: a caller
 * must not touch a buffer the device keeps, and the spare must never reach
 * the device at all.
 */
struct fuzz_sync_buf {
	uint8_t *buf, *spare; /* n bytes of fuzz_dma() each */
	size_t n;
	bool kept;            /* the device kept buf (VIRTIO_EDEAD) */
	bool used_buf;        /* the call in progress has buf */
	const char *what;
};
void fuzz_sync_buf_init(struct fuzz_sync_buf *b, size_t n, const char *what);
/* The buffer for the next call. */
uint8_t *fuzz_sync_buf_take(struct fuzz_sync_buf *b, const struct virtio_device *vdev);
/* The call returned rc: check what it handed back. */
void fuzz_sync_buf_back(struct fuzz_sync_buf *b, int rc);

/* ---- the device's making ----------------------------------------------- */

/* virtio-mmio version 1 (legacy) or 2, by the next byte. */
uint32_t fuzz_version(void);
/* The transport and ring features a device offers on top of its own:
 * VERSION_1 mostly, then INDIRECT_DESC, EVENT_IDX, RING_PACKED, IN_ORDER,
 * NOTIFICATION_DATA, ACCESS_PLATFORM, RING_RESET and a bit no spec
 * defines, one input bit each. */
uint64_t fuzz_ring_offer(void);
/* The caller's feature mask: everything, or (one time in four) bits off. */
uint64_t fuzz_mask(void);
/* virtio_mmio_probe over d (checked); false when the library refused. */
bool fuzz_mmio_probe(struct virtio_mmio *m, struct sim_dev *d);

/* ---- the device's choices ---------------------------------------------- */

/* Does d take chains now (DRIVER_OK, not FAILED or NEEDS_RESET), and is
 * queue qi ready and not halted by a fault? */
bool fuzz_queue_live(const struct sim_dev *d, unsigned qi);

/* Set a device's knobs from the input: processing mode, ring polling,
 * reordering, notification suppression, completion batches, interrupt-ACK
 * races, reset delays, config churn, refused FEATURES_OK. */
void fuzz_device_knobs(struct sim_dev *d);

/* One step of the device's own life, chosen by the input: take chains,
 * complete some (or meet a fault while completing), change a knob, raise
 * an interrupt the driver did not cause, ask for a reset. */
void fuzz_device_step(struct sim_dev *d);

/* ---- the caller's duties (driver.h) -------------------------------------- */

/* A driver as a target drives it: its device, its own abort and recovery
 * where it has them (a driver over the core may need its part in both:
 * console.h, input.h), and the steps of its API the input chooses. */
struct fuzz_driver {
	struct virtio_device *vdev;
	int (*abort)(int err);  /* NULL: virtio_device_abort() */
	int (*recover)(void);   /* NULL: virtio_device_recover() */
	int (*interrupt)(void); /* NULL: virtio_device_interrupt() */
	int (*poll)(void);      /* NULL: virtio_device_poll() */
	const char *(*step)(void); /* one call of the driver's API; its name */
};

/* One step of the caller's main loop over the device core, chosen by the
 * input: what virtio_device_pending() asks for, an interrupt, a poll, a
 * recovery of a device that is down, or an abort (the caller giving up).
 * Its name, for fuzz_check(). */
const char *fuzz_core_step(const struct fuzz_driver *drv);

/*
 * A target's life after its bring-up, until the input runs out: each step
 * the driver's (drv->step), the device's (fuzz_device_step) or the
 * caller's main loop (fuzz_core_step), each followed by the oracle; at the
 * end an abort, which must take every buffer back unless the device is
 * dead.  Returns true when it is (the abort said VIRTIO_EDEAD): the
 * caller's last checks then leave out what the device keeps.
 */
bool fuzz_steps(struct sim_dev *d, const struct fuzz_driver *drv);

/* The requests a target has in flight (accepted, done() not yet called),
 * which the abort at the end of fuzz_steps() must all bring back unless
 * the device is dead: one call when a submission is accepted, one in each
 * done().  Zero at the start of every input. */
void fuzz_owed_add(void);
void fuzz_owed_done(void);

/*
 * Queues 0..n-1 of sizes from the input (0..64: the library must refuse
 * what is wrong) in fuzz_dma() memory of mem_bytes(size) bytes (one byte
 * short one time in 32); each queue after the first left out one time in
 * four.  attach() is the driver's; false when it refused queue 0.
 */
bool fuzz_attach_queues(unsigned n, size_t (*mem_bytes)(uint16_t size),
			int (*attach)(uint16_t qi, uint16_t size, void *mem, size_t len));

#endif
