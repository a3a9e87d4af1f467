/*
 * Number parsing for user input (shell arguments, boot arguments).
 */
#ifndef LIB_PARSE_H
#define LIB_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Parses the whole string s as an unsigned 64-bit number: decimal, or hex
 * with a 0x/0X prefix.  Returns false (leaving *out alone) for an empty
 * string, a sign, any character that is not a digit of the base, a bare
 * "0x", or a value above UINT64_MAX.
 */
bool parse_u64(const char *s, uint64_t *out);

#endif
