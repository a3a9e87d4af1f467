/*
 * A read-only walker for flattened device tree blobs (DTB, devicetree
 * specification v0.4 chapter 5).
 *
 * Nothing in the blob is trusted.  fdt_init() checks the header and walks
 * the whole structure block once, checking every token, name, property
 * length and string offset against the blob's bounds; a bad blob is
 * rejected with a message naming the first problem.  The accessors below
 * re-check bounds on every read anyway, so they never read outside the
 * blob even if used on a blob that failed validation.
 *
 * Nodes are named by their offset in the structure block (an int >= 0);
 * a negative value means "no such node".  The blob is not copied: it must
 * stay in memory while the struct fdt is used.  Independent of the rest of
 * the kernel (only lib/ is used), so it can be built and fuzzed on a host.
 */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_DEPTH 32 /* deeper trees are rejected */

struct fdt {
	const uint8_t *blob;
	uint32_t size;          /* totalsize from the header */
	uint32_t struct_off;    /* structure block, relative to blob */
	uint32_t struct_size;
	uint32_t strings_off;   /* strings block */
	uint32_t strings_size;
	uint32_t rsvmap_off;    /* memory reservation block */
	int root;               /* offset of the root node */
};

/*
 * Validates the blob at `blob`, which the caller guarantees is readable for
 * max_size bytes (its header must claim no more).  Returns 0, or -1 with a
 * one-line reason in err.
 */
int fdt_init(struct fdt *fdt, const void *blob, uint32_t max_size,
	     char *err, size_t errlen);

/* Structure block tokens (devicetree specification v0.4 section 5.4.1). */
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

/* One decoded token. */
struct fdt_token {
	uint32_t type;        /* FDT_BEGIN_NODE .. FDT_END */
	uint32_t next;        /* offset of the following token */
	const char *name;     /* BEGIN_NODE: node name; PROP: property name */
	const uint8_t *data;  /* PROP value (big-endian, 4-byte aligned: fdt_cells()) */
	uint32_t len;         /* PROP value length */
	uint32_t value;       /* the raw token word */
};

/*
 * The token at structure offset `off` (the root node's is fdt->root), for
 * a walk of its own over the tree in one pass.  False when there is no
 * whole, well-formed token there: every part of it is checked against the
 * blob's bounds, as for the accessors below.
 */
bool fdt_token(const struct fdt *fdt, uint32_t off, struct fdt_token *t);

/* Reads the header's totalsize from an unvalidated blob, or 0 when the
 * magic is wrong.  Only reads the first 8 bytes. */
uint32_t fdt_peek_totalsize(const void *blob);

/* Depth-first order over all nodes.  Pass node -1 to get the root; *depth
 * is the returned node's depth (root 0).  Returns -1 after the last node. */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);

/* The node's name with unit address ("serial@10000000"); "" for root. */
const char *fdt_name(const struct fdt *fdt, int node);

/*
 * Finds the child called `name`.  A name without '@' also matches a child
 * whose name is `name@<anything>` (so "memory" finds "memory@80000000").
 */
int fdt_subnode(const struct fdt *fdt, int parent, const char *name);

/* Absolute path ("/soc/serial@10000000") or an alias name from /aliases. */
int fdt_lookup(const struct fdt *fdt, const char *path);

/* The next node after `after` (-1: from the start) whose "compatible" list
 * contains compat. */
int fdt_find_compatible(const struct fdt *fdt, int after, const char *compat);
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);

/* The node with this phandle, or -1. */
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle);

/* Property value and length (NULL when absent).  The value is big-endian
 * and only 4-byte aligned: read it with fdt_cells(). */
const void *fdt_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len);

/* A string property that really is NUL-terminated within its length. */
const char *fdt_prop_string(const struct fdt *fdt, int node, const char *name);

/* A 1-cell or 2-cell integer property; false if absent or another size. */
bool fdt_prop_uint(const struct fdt *fdt, int node, const char *name, uint64_t *out);

/* The #address-cells / #size-cells a node sets for its children (2 and 1
 * when absent, as the spec says). */
uint32_t fdt_address_cells(const struct fdt *fdt, int node);
uint32_t fdt_size_cells(const struct fdt *fdt, int node);

/* Big-endian integer of n cells (n = 0, 1 or 2) at p. */
uint64_t fdt_cells(const void *p, uint32_t n);

/* Entry `index` of the node's "reg", decoded with the parent's cell counts.
 * False if absent, too short, or the counts are above 2. */
bool fdt_reg(const struct fdt *fdt, int node, unsigned index,
	     uint64_t *base, uint64_t *size);

/* Entry `index` of the memory reservation block; false past the end. */
bool fdt_rsvmap_entry(const struct fdt *fdt, unsigned index,
		      uint64_t *base, uint64_t *size);

/* Whether a stringlist property (len bytes) contains str. */
bool fdt_stringlist_contains(const char *list, uint32_t len, const char *str);

#endif
