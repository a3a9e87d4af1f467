/*
 * A simulated virtio-console (§5.3) that behaves like QEMU's virtio-serial:
 * ports with a host side, the multiport control protocol (DEVICE_READY
 * answered with one DEVICE_ADD per port, PORT_READY answered with
 * CONSOLE_PORT / PORT_NAME / PORT_OPEN, hot-plug and unplug with the
 * port's transmit buffers handed back first), host data that flows only
 * into a port the guest opened, emerg_wr, and F_SIZE.
 *
 * The test plays the host: it adds and removes ports, opens and closes
 * their host side, sends bytes, and injects any control message it likes
 * (sim_con_ctrl, sim_con_ctrl_raw) to play a device that breaks the rules.
 * Messages and bytes wait in the device until the driver has posted a
 * buffer for them; everything is delivered inside the call that makes it
 * possible (SIM_SYNC), with a used-buffer interrupt as the driver asked.
 */
#ifndef SIM_CONSOLE_H
#define SIM_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_device.h"

#define SIM_CON_MAX_PORTS ((SIM_MAX_QUEUES - 2) / 2) /* port k uses queues 2k+2, 2k+3 */
#define SIM_CON_OUT_BYTES 65536
#define SIM_CON_IN_BYTES  65536
#define SIM_CON_OUTBOX    64

struct sim_con_port {
	/* host side */
	bool exists;      /* plugged in (announced once DEVICE_READY came) */
	bool added;       /* DEVICE_ADD sent */
	bool announced;      /* a DEVICE_ADD for this id went out since the last reset */
	unsigned unanswered; /* DEVICE_ADDs for this id sent since the last reset
			      * (a test's injected ones too), no PORT_READY yet:
			      * each may be answered once, even after a removal */
	bool ready;       /* the driver answered PORT_READY 1 */
	bool console;
	bool host_open;
	char name[300];
	/* what the driver told us */
	bool guest_open;
	/* host -> guest bytes not yet in a buffer */
	uint8_t in[SIM_CON_IN_BYTES];
	uint32_t in_len, in_off;
	/* guest -> host bytes, as the host received them */
	uint8_t out[SIM_CON_OUT_BYTES];
	uint32_t out_len;
	uint32_t discarded; /* guest bytes the device dropped (host closed, port gone) */
	unsigned tx_chains;
};

struct sim_con {
	struct sim_con_port port[SIM_CON_MAX_PORTS];
	uint32_t max_nr_ports;
	bool device_ready;
	/* device -> driver control messages waiting for a control buffer */
	struct { uint8_t bytes[320]; uint32_t len; } outbox[SIM_CON_OUTBOX];
	unsigned outbox_head, outbox_len;
	/* knobs */
	bool keep_tx_on_remove; /* remove a port without handing its transmit buffers back */
	bool rogue_rx;          /* host bytes go into any port's buffers, added or not */
	/* records */
	unsigned ctrl_msgs;       /* driver -> device messages */
	unsigned port_ready_fail; /* PORT_READY with value 0 */
	unsigned console_open;    /* PORT_OPEN 1 for a console port after CONSOLE_PORT */
	char emerg[256];          /* bytes written to emerg_wr */
	unsigned nemerg;
};

struct sim_con_opts {
	uint32_t version;      /* 2 (default when 0) or 1 */
	uint64_t features;     /* 0: SIZE | MULTIPORT | EMERG_WRITE + the ring bits */
	uint64_t remove;       /* bits taken off the offer */
	uint32_t max_nr_ports; /* default 4, at most SIM_CON_MAX_PORTS */
	uint16_t qmax;         /* default 1024 */
	uint16_t cols, rows;
};

struct sim_dev *sim_con_new(const struct sim_con_opts *o);
static inline struct sim_con *sim_con_of(struct sim_dev *d)
{
	return (struct sim_con *)d->ctx;
}

/* Plug port `id` in (announced at once if the driver is ready).  `name`
 * may be NULL. */
void sim_con_plug(struct sim_dev *d, uint32_t id, const char *name, bool console,
		  bool host_open);
/* Hot-unplug, as QEMU does: the port's transmit buffers are handed back
 * (unless keep_tx_on_remove), then DEVICE_REMOVE. */
void sim_con_unplug(struct sim_dev *d, uint32_t id);
/* The host opens or closes its end (PORT_OPEN to the driver). */
void sim_con_host_open(struct sim_dev *d, uint32_t id, bool open);
/* The host sends bytes; they reach the guest once it opened the port. */
void sim_con_host_send(struct sim_dev *d, uint32_t id, const void *buf, uint32_t len);
/* Any control message, whatever its id and state. */
void sim_con_ctrl(struct sim_dev *d, uint32_t id, uint16_t event, uint16_t value,
		  const void *extra, uint32_t nextra);
void sim_con_ctrl_raw(struct sim_dev *d, const void *bytes, uint32_t len);
/* F_SIZE: new cols/rows in the config, and a config-change interrupt. */
void sim_con_set_size(struct sim_dev *d, uint16_t cols, uint16_t rows);
/* Push whatever can go now (after the driver posted buffers by polling). */
void sim_con_deliver(struct sim_dev *d);

#endif
