/*
 * NS16550A UART: the kernel console.  Transmit is polled (simple, and
 * works before interrupts exist, e.g. in panic), one poll per 16 bytes
 * when IIR says the FIFOs are on; receive is interrupt driven, each byte
 * handed to a receiver (the console input queue) so the shell can sleep in
 * wfi between keys.
 */
#ifndef DRIVERS_UART_NS16550_H
#define DRIVERS_UART_NS16550_H

#include <stdbool.h>
#include <stdint.h>

/* QEMU virt's UART, used for output before the device tree is read. */
#define UART_EARLY_BASE 0x10000000u

/*
 * Points the driver at a UART and programs it: 8N1, FIFOs on (not flushed:
 * typed-ahead input survives), all interrupts off.  reg_shift/io_width
 * come from the device tree (0 and 1 on QEMU); clock_hz, when known, sets 115200 baud (QEMU ignores it).
 * May be called again to move from the early UART to the DT one.
 */
void uart_init(uintptr_t base, uint32_t reg_shift, uint32_t io_width, uint32_t clock_hz);

/* Where received bytes go, one call each, from uart_irq_handler(). */
void uart_set_receiver(void (*fn)(char c));

/* Turns on the receive-data interrupt; the caller has routed the UART's
 * IRQ to uart_irq_handler() (irq_register(irq, uart_irq_handler, NULL)).
 * Without an interrupt, calling uart_irq_handler(NULL) polls (safe with
 * interrupts masked). */
void uart_enable_rx_interrupt(void);
void uart_irq_handler(void *ctx);

/* Sends one byte; '\n' goes out as "\r\n" for the terminal. */
void uart_putc(char c);
/* Sends one byte unchanged. */
void uart_putc_raw(char c);

#endif
