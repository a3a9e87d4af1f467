/*
 * kprintf and friends: a small printf for the kernel.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%.  Flags '-' (left-justify) and
 * '0' (zero-pad); a field width (digits or '*'); a precision ('.' digits
 * or '*': minimum digits for integers, maximum bytes for %s).  Length
 * modifiers hh, h, l, ll, z.  Anything else is printed literally, so a bad
 * format string is visible rather than fatal.
 *
 * lib/ does not know about the UART: the kernel installs the console output
 * function with printf_set_console().  Until then kprintf discards output.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

void printf_set_console(void (*putc)(char c));

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
