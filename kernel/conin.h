/*
 * Console input: the one queue of typed characters the shell reads.
 * Every source feeds it the same way: the UART's receive interrupt, a
 * keyboard whose key events become characters, any other console.  A
 * source pushes with conin_put() from any context (interrupt handlers
 * included); a source that has no interrupt registers a poll function,
 * which the reader calls before it sleeps.
 */
#ifndef KERNEL_CONIN_H
#define KERNEL_CONIN_H

#include <stdbool.h>
#include <stdint.h>

#define CONIN_MAX_POLLERS 4

/* Queue one character; when the queue is full it is dropped and counted. */
void conin_put(char c);
void conin_puts(const char *s);

/* Next character, or -1 when none is queued. */
int conin_get(void);

/* Waits for the next character, sleeping in wfi (a deadline on every
 * sleep, like every wait).  Thread context only. */
int conin_getc_wait(void);

/* Register a source without an interrupt: `poll` moves what it has into
 * the queue, with interrupts masked.  0, or -1 when the table is full. */
int conin_add_poller(void (*poll)(void));

/* Characters lost because the queue was full. */
uint32_t conin_dropped(void);

#endif
