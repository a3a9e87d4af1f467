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

/* ---- the input ------------------------------------------------------- */

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
 * The caller got buffer [p, p + n) back (a request completed, a
 * synchronous call returned): abort if the device still holds a chain over
 * any byte of it (§3.3.1).  Except while `vdev` is dead (VIRTIO_EDEAD: a
 * reset that never completed): then the device keeps what it was given,
 * by the library's policy (driver.h), and the caller must not reuse it.
 */
void fuzz_check_released(const struct virtio_device *vdev, const void *p, size_t n,
			 const char *what);

/* ---- the device's choices ---------------------------------------------- */

/* Set a device's knobs from the input: processing mode, ring polling,
 * reordering, notification suppression, completion batches, interrupt-ACK
 * races, reset delays, config churn, refused FEATURES_OK. */
void fuzz_device_knobs(struct sim_dev *d);

/* One step of the device's own life, chosen by the input: take chains,
 * complete some (or meet a fault while completing), change a knob, raise
 * an interrupt the driver did not cause, ask for a reset. */
void fuzz_device_step(struct sim_dev *d);

/* ---- the caller's duties (driver.h) -------------------------------------- */

/* One step of the caller's main loop over the device core, chosen by the
 * input: what virtio_device_pending() asks for, an interrupt, a poll, a
 * recovery of a device that is down, or an abort (the caller giving up).
 * Its name, for fuzz_check(). */
const char *fuzz_core_step(struct virtio_device *vdev);

#endif
