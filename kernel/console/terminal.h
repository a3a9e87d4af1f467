/*
 * The kernel's terminal: where kprintf output goes, and which source of
 * console input (kernel/conin.h) stands for it.  It starts on the UART;
 * with the boot argument `console=hvcN` it moves to the N-th console port
 * (console.h) as soon as that port is up, so the UART carries the boot
 * messages until then: output goes to the port, and the port's received
 * bytes go into the console input queue instead of the UART's (other
 * sources, such as a keyboard, keep typing).  If the port goes away the
 * terminal falls back to the UART, and moves again when the port is back.
 *
 * Output to a port is line-buffered (a virtio transfer per character
 * would be absurd): a line goes out at its '\n', when the buffer fills,
 * and at term_flush(), which the shell calls before it waits for a key.
 * panic() switches to emergency output instead (term_panic).
 */
#ifndef KERNEL_CONSOLE_TERMINAL_H
#define KERNEL_CONSOLE_TERMINAL_H

#include <stdbool.h>
#include <stdint.h>

struct con_port;

/* kprintf through the terminal, the UART feeding console input. */
void term_init(void);

/* The `console=` word of the bootargs: "hvcN" (a console port) or "ttyS0"
 * (the UART, the default).  Anything else is reported and ignored. */
void term_configure(const char *bootargs);

/* At boot: with console=hvcN, wait up to ms for that port (the terminal
 * moves by itself when it appears; this only orders the boot). */
void term_wait_console(uint32_t ms);

void term_putc(char c);
void term_flush(void);

/* The port the terminal is on, NULL for the UART. */
const struct con_port *term_port(void);

/* Output bytes dropped because the port would not take them in time. */
uint64_t term_lost(void);

/* panic(): from here on output goes to the UART and, byte by byte, to
 * every emergency writer (con_emergency_putc), with interrupts off. */
void term_panic(void);

#endif
