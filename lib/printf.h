/*
 * kprintf and friends: a small printf for the kernel.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%.  Flags '-' (left-justify) and
 * '0' (zero-pad); a field width (digits or '*'); a precision ('.' digits
 * or '*': minimum digits for integers, maximum bytes for %s).  Length
 * modifiers hh, h, l, ll, z.  Anything else is printed literally, so a bad
 * format string is visible rather than fatal.
 *
 * lib/ does not know about the UART or the display: output goes to the
 * consoles the kernel installs.  The primary one (the UART) is a plain
 * function set with printf_set_console(); others (a framebuffer console)
 * are added with printf_console_add() and see the same characters after
 * it.  Until one is installed kprintf discards output.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

void printf_set_console(void (*putc)(char c));

/* A further console.  The struct is the caller's and stays registered
 * until removed; `next` belongs to printf.c. */
struct printf_console {
	void (*putc)(struct printf_console *con, char c);
	/* Optional: runs once at the end of each kprintf/kvprintf/kputc, so
	 * a console that batches its output (a display) can show it. */
	void (*flush)(struct printf_console *con);
	struct printf_console *next;
};
/* Append a console (a second add of the same one does nothing), or take
 * one out.  Each is a single pointer store: safe against a kprintf from an
 * interrupt handler walking the list meanwhile. */
void printf_console_add(struct printf_console *con);
void printf_console_remove(struct printf_console *con);

/* One character to every console (the shell's echo of a typed key). */
void kputc(char c);

int kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
int kvprintf(const char *fmt, va_list ap);

/*
 * C99 snprintf semantics: writes at most size bytes including the NUL,
 * always terminates when size > 0, and returns the length the full output
 * would have had (so truncation is `ret >= size`).
 */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
