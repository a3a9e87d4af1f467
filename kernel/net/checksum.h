/*
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of 16-bit big-endian words.  Sums are kept unfolded in 32
 * bits so pieces (a pseudo header, a header, a payload) add up before the
 * one fold at the end.
 */
#ifndef KERNEL_NET_CHECKSUM_H
#define KERNEL_NET_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* sum + the words of data[0..len); an odd last byte is the high half of
 * a word padded with zero.  Pieces after an odd-length one are not
 * supported: pass even lengths except for the last. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);

/* Fold to 16 bits, without complementing: the form a partial checksum
 * field holds (the pseudo-header sum a device completes). */
uint16_t csum_fold(uint32_t sum);

/* The checksum to store: ~fold(sum).  A packet whose stored checksum is
 * right sums (with it) to 0xffff, so checking is csum_finish(...) == 0. */
static inline uint16_t csum_finish(uint32_t sum)
{
	return (uint16_t)~csum_fold(sum);
}

/* The IPv4 pseudo header of a UDP datagram (or TCP segment): source,
 * destination, protocol, L4 length. */
uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

#endif
