/*
 * The string and memory functions the kernel needs, written here because
 * there is no C library.  The names and semantics are the standard ones:
 * both compilers emit calls to memcpy/memset/memmove/memcmp on their own
 * (struct copies, large initialisers), so these exact symbols must exist.
 */
#ifndef LIB_KSTRING_H
#define LIB_KSTRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * Copies at most size-1 bytes of src and always NUL-terminates (when
 * size > 0).  Returns strlen(src), so truncation is `ret >= size`.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
