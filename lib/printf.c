/*
 * The formatter behind kprintf/ksnprintf (see printf.h for what it
 * accepts).  One core, format(), writes through a sink so the console and
 * string variants share every line of conversion logic.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/kstring.h"
#include "lib/printf.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;      /* string sink only */
	size_t size;
	size_t len;     /* characters produced so far, written or not */
};

/* The consoles: the primary function, then the added list. */
static void (*primary_putc)(char c);
static struct printf_console *consoles;

void printf_set_console(void (*putc)(char c))
{
	primary_putc = putc;
}

void printf_console_add(struct printf_console *con)
{
	struct printf_console **p = &consoles;
	while (*p && *p != con)
		p = &(*p)->next;
	if (*p)
		return; /* already there */
	con->next = NULL;
	*p = con; /* the one store that makes it visible */
}

void printf_console_remove(struct printf_console *con)
{
	for (struct printf_console **p = &consoles; *p; p = &(*p)->next)
		if (*p == con) {
			*p = con->next;
			return;
		}
}

static void put_consoles(char c)
{
	if (primary_putc)
		primary_putc(c);
	for (struct printf_console *con = consoles; con; con = con->next)
		con->putc(con, c);
}

static void flush_consoles(void)
{
	for (struct printf_console *con = consoles; con; con = con->next)
		if (con->flush)
			con->flush(con);
}

static void put_console(struct sink *s, char c)
{
	put_consoles(c);
	s->len++;
}

void kputc(char c)
{
	put_consoles(c);
	flush_consoles();
}

static void put_string(struct sink *s, char c)
{
	if (s->size && s->len < s->size - 1)
		s->buf[s->len] = c;
	s->len++;
}

static void put_repeat(struct sink *s, char c, int n)
{
	while (n-- > 0)
		s->put(s, c);
}

struct spec {
	bool left;   /* '-' */
	bool zero;   /* '0' */
	int width;
	int prec;    /* -1 when absent */
};

/* Emits `body` (len bytes, no sign) with prefix, padding and precision:
 * a number's digits, or text (no prefix, no precision, format()). */
static void emit_number(struct sink *s, const struct spec *sp, const char *prefix,
			const char *body, int len)
{
	int plen = (int)strlen(prefix);
	int digits = sp->prec > len ? sp->prec : len;
	int pad = sp->width - plen - digits;
	/* C ignores the 0 flag when a precision is given */
	bool zero = sp->zero && !sp->left && sp->prec < 0;

	if (!sp->left && !zero)
		put_repeat(s, ' ', pad);
	while (*prefix)
		s->put(s, *prefix++);
	if (zero)
		put_repeat(s, '0', pad);
	put_repeat(s, '0', digits - len);
	for (int i = 0; i < len; i++)
		s->put(s, body[i]);
	if (sp->left)
		put_repeat(s, ' ', pad);
}

static void emit_unsigned(struct sink *s, const struct spec *sp, const char *prefix,
			  uint64_t v, unsigned base, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = sizeof(tmp);

	/* "%.0d" of zero prints no digits at all, as in C */
	if (v == 0 && sp->prec == 0) {
		emit_number(s, sp, prefix, "", 0);
		return;
	}
	do {
		tmp[--n] = dig[v % base];
		v /= base;
	} while (v);
	emit_number(s, sp, prefix, tmp + n, (int)sizeof(tmp) - n);
}

enum length { LEN_CHAR, LEN_SHORT, LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static uint64_t arg_unsigned(va_list *ap, enum length l)
{
	switch (l) {
	/* char and short arrive promoted to int; C prints them truncated */
	case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:  return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE:  return va_arg(*ap, size_t);
	default:        return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(va_list *ap, enum length l)
{
	switch (l) {
	case LEN_CHAR:  return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG:  return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE:  return (int64_t)va_arg(*ap, size_t);
	default:        return va_arg(*ap, int);
	}
}

/* Reads digits or '*' at *fmt; returns -1 if neither is there. */
static int read_count(const char **fmt, va_list *ap)
{
	int n = -1;

	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	while (**fmt >= '0' && **fmt <= '9') {
		if (n < 0)
			n = 0;
		if (n < 100000) /* widths beyond this are nonsense; stop growing */
			n = n * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return n;
}

static void format(struct sink *s, const char *fmt, va_list *ap)
{
	while (*fmt) {
		const char *start = fmt;
		struct spec sp = { .prec = -1 };
		enum length len = LEN_INT;

		if (*fmt != '%') {
			s->put(s, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		sp.width = read_count(&fmt, ap);
		if (sp.width < -1) { /* a negative '*' width means left-justify */
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*fmt == '.') {
			bool star = *++fmt == '*';
			sp.prec = read_count(&fmt, ap);
			/* "%.d" means precision 0; a negative '*' means none */
			if (sp.prec < 0)
				sp.prec = star ? -1 : 0;
		}
		if (*fmt == 'h') {
			fmt++;
			len = LEN_SHORT;
			if (*fmt == 'h') {
				fmt++;
				len = LEN_CHAR;
			}
		} else if (*fmt == 'l') {
			fmt++;
			len = LEN_LONG;
			if (*fmt == 'l') {
				fmt++;
				len = LEN_LLONG;
			}
		} else if (*fmt == 'z') {
			fmt++;
			len = LEN_SIZE;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(ap, len);
			/* negate in unsigned arithmetic so INT64_MIN works */
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			emit_unsigned(s, &sp, v < 0 ? "-" : "", mag, 10, false);
			break;
		}
		case 'u':
			emit_unsigned(s, &sp, "", arg_unsigned(ap, len), 10, false);
			break;
		case 'x':
		case 'X':
			emit_unsigned(s, &sp, "", arg_unsigned(ap, len), 16, *fmt == 'X');
			break;
		case 'p':
			emit_unsigned(s, &sp, "0x", (uintptr_t)va_arg(*ap, void *), 16, false);
			break;
		case 's':
		case 'c': {
			/* Text is a number's field without its sign, zeros or
			 * precision (which cuts a string short instead): the
			 * same code pads both, one copy for the boot's first
			 * lines to run (issue 14). */
			char c;
			const char *str;
			int n;
			if (*fmt == 'c') {
				c = (char)va_arg(*ap, int);
				str = &c;
				n = 1;
			} else {
				str = va_arg(*ap, const char *);
				if (!str)
					str = "(null)";
				n = (int)strnlen(str, sp.prec >= 0 ? (size_t)sp.prec : SIZE_MAX);
			}
			struct spec text = { .left = sp.left, .width = sp.width, .prec = -1 };
			emit_number(s, &text, "", str, n);
			break;
		}
		case '%':
			s->put(s, '%');
			break;
		default:
			/* unknown conversion: show the directive as written */
			while (start < fmt)
				s->put(s, *start++);
			if (!*fmt)
				return;
			s->put(s, *fmt);
			break;
		}
		fmt++;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_string, .buf = buf, .size = size };
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int kvprintf(const char *fmt, va_list ap)
{
	struct sink s = { .put = put_console };
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	flush_consoles();
	return (int)s.len;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
