/*
 * Console ports: the kernel's registry of byte channels a host talks to
 * (today the ports of virtio-console devices, kernel/virtio/console.c).
 * The shell's `con` command, the self-test and the terminal use only this
 * interface.
 *
 * A driver fills a struct con_port and adds it when the port appears,
 * keeps its name / host_open / console fields current (con_port_changed()
 * after each change), calls con_port_received() when bytes arrive, and
 * removes it when the port goes.  The registry numbers ports (the lowest free number, so numbers
 * stay put while other ports come and go) and provides the bounded waits:
 * con_write() until the bytes are taken, con_read() until the first byte.
 *
 * Drivers may add, change and remove ports from interrupt handlers; the
 * registry masks interrupts where it looks at them.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CON_MAX_PORTS 16
#define CON_MAX_EMERGENCY 4

struct con_port;

struct con_port_stats {
	uint64_t rx_bytes, tx_bytes;
	uint64_t dropped;       /* received while nobody read and the buffer was full */
	uint32_t device_errors; /* malformed or impossible messages from the device */
};

/* What a driver provides; all called with interrupts masked, none waits.
 * Errors are KERR_* (kernel/errno.h). */
struct con_port_ops {
	/* Queue up to n bytes: the count taken (0: no room now) or an error. */
	int (*write)(struct con_port *p, const void *buf, size_t n);
	/* Take up to n received bytes: the count (0: none) or an error. */
	int (*read)(struct con_port *p, void *buf, size_t n);
	/* Tell the host the guest side is open (first use of the port). */
	int (*open)(struct con_port *p);
	/* Bytes buffered for read(); written bytes the device still holds. */
	size_t (*readable)(struct con_port *p);
	unsigned (*tx_pending)(struct con_port *p);
	void (*stats)(struct con_port *p, struct con_port_stats *s);
};

struct con_port {
	/* The driver's, current while the port is added. */
	const char *name;     /* "" when the host gave none */
	bool host_open;       /* someone is at the host end */
	bool console;         /* meant as a text console (hvcN) */
	const char *device;   /* "virtio-mmio v2 @0x10008000 irq 8" */
	uint32_t dev_port;    /* the port's number on its device */
	const struct con_port_ops *ops;
	void *driver;

	/* The registry's. */
	unsigned num;
	bool added;
	bool opened;          /* ops->open() done */
	/* Called from con_port_received(), often inside the driver's
	 * interrupt handler: it may take the bytes with con_read(p, ..., 0)
	 * and must not write to any port. */
	void (*on_receive)(struct con_port *p, void *ctx);
	void *receive_ctx;
};

/* A new port: its number, or -1 when the table is full. */
int con_port_add(struct con_port *p);
void con_port_remove(struct con_port *p);
/* The driver changed p's name, host_open or console. */
void con_port_changed(struct con_port *p);
/* The driver has buffered bytes for read(). */
void con_port_received(struct con_port *p);

/* One watcher (the terminal): fn() runs after every add, change and
 * removal, in the driver's context (interrupt handlers included), and must
 * not write to any port. */
void con_set_watcher(void (*fn)(void));

unsigned con_port_count(void);
/* The port numbered num, or NULL. */
struct con_port *con_port_get(unsigned num);
/* A port by number ("1") or by name ("org.example.port"), or NULL. */
struct con_port *con_port_find(const char *word);
/* The k-th console port in number order (hvc<k>), or NULL; and a port's k
 * (-1 when it is no console). */
struct con_port *con_console(unsigned k);
int con_console_index(const struct con_port *p);

/*
 * Write all n bytes, waiting up to timeout_ms for room (not at all from an
 * interrupt handler): the count written, fewer when the time ran out, or a
 * KERR_* (KERR_ENODEV: the port is gone).  The first write or read of a
 * port opens it.
 */
int con_write(struct con_port *p, const void *buf, size_t n, uint32_t timeout_ms);
/* Read what is there, waiting up to timeout_ms for the first byte: the
 * count (0: nothing came), or a KERR_*. */
int con_read(struct con_port *p, void *buf, size_t n, uint32_t timeout_ms);
/* Wait up to timeout_ms until the device has taken every written byte:
 * whether it did. */
bool con_drain(struct con_port *p, uint32_t timeout_ms);

/* Emergency output: one byte at a time with no queue, interrupts off,
 * for panic() (virtio-console's emerg_wr).  fn(ctx, c) per device. */
void con_emergency_register(void (*fn)(void *ctx, char c), void *ctx);
bool con_has_emergency(void);
void con_emergency_putc(char c);

#endif
