/*
 * Flattened device tree walker (see fdt.h for the contract).
 *
 * Everything funnels through read_token(), the only function that reads
 * the structure block (fdt_token() hands it out): it decodes one token at
 * a given offset and refuses if any part of it (the token word, a node
 * name, a property header, value or name) would lie outside its block.
 * fdt_init() runs it over the whole tree once so that a bad blob is
 * reported up front, with the reason.
 * Multi-byte values are read a byte at a time, so alignment never matters.
 */
#include <stdarg.h>

#include "kernel/dt/fdt.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define HEADER_SIZE 40

#define TOK_BEGIN_NODE FDT_BEGIN_NODE
#define TOK_END_NODE   FDT_END_NODE
#define TOK_PROP       FDT_PROP
#define TOK_NOP        FDT_NOP
#define TOK_END        FDT_END

enum tok_error {
	TOK_OK,
	TOK_E_TRUNCATED,      /* token word or property header past the end */
	TOK_E_MISALIGNED,
	TOK_E_NAME,           /* node name not NUL-terminated in the block */
	TOK_E_PROP_LEN,       /* property value runs past the block */
	TOK_E_PROP_NAMEOFF,   /* name offset outside the strings block */
	TOK_E_PROP_NAME,      /* property name not NUL-terminated */
	TOK_E_UNKNOWN,        /* not one of the five token values */
};

static const char *const tok_error_text[] = {
	[TOK_OK] = "ok",
	[TOK_E_TRUNCATED] = "token runs past the end of the structure block",
	[TOK_E_MISALIGNED] = "token is not 4-byte aligned",
	[TOK_E_NAME] = "node name is not NUL-terminated inside the structure block",
	[TOK_E_PROP_LEN] = "property value runs past the end of the structure block",
	[TOK_E_PROP_NAMEOFF] = "property name offset is outside the strings block",
	[TOK_E_PROP_NAME] = "property name is not NUL-terminated inside the strings block",
	[TOK_E_UNKNOWN] = "unknown token",
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t fdt_cells(const void *p, uint32_t n)
{
	const uint8_t *b = p;

	if (n == 0)
		return 0;
	if (n == 1)
		return be32(b);
	return (uint64_t)be32(b) << 32 | be32(b + 4);
}

static enum tok_error read_token(const struct fdt *f, uint32_t off, struct fdt_token *t)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t end = f->struct_size;
	uint64_t next;

	if (off & 3)
		return TOK_E_MISALIGNED;
	if (off > end || end - off < 4)
		return TOK_E_TRUNCATED;
	t->value = t->type = be32(s + off);
	off += 4;

	switch (t->type) {
	case TOK_BEGIN_NODE: {
		uint32_t room = end - off;
		uint32_t n = (uint32_t)strnlen((const char *)s + off, room);
		if (n == room)
			return TOK_E_NAME;
		t->name = (const char *)s + off;
		next = ((uint64_t)off + n + 1 + 3) & ~3ull;
		break;
	}
	case TOK_PROP: {
		if (end - off < 8)
			return TOK_E_TRUNCATED;
		uint32_t len = be32(s + off);
		uint32_t nameoff = be32(s + off + 4);
		off += 8;
		if (len > end - off)
			return TOK_E_PROP_LEN;
		if (nameoff >= f->strings_size)
			return TOK_E_PROP_NAMEOFF;
		const char *name = (const char *)f->blob + f->strings_off + nameoff;
		uint32_t room = f->strings_size - nameoff;
		if (strnlen(name, room) == room)
			return TOK_E_PROP_NAME;
		t->name = name;
		t->data = s + off;
		t->len = len;
		next = ((uint64_t)off + len + 3) & ~3ull;
		break;
	}
	case TOK_END_NODE:
	case TOK_NOP:
	case TOK_END:
		next = off;
		break;
	default:
		return TOK_E_UNKNOWN;
	}
	/* padding past the block's end: nothing valid can follow */
	if (next > end)
		return TOK_E_TRUNCATED;
	t->next = (uint32_t)next;
	return TOK_OK;
}

bool fdt_token(const struct fdt *f, uint32_t off, struct fdt_token *t)
{
	return read_token(f, off, t) == TOK_OK;
}

static int PRINTF_LIKE(3, 4) fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		kvsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "block [off, off+size) lies inside [HEADER_SIZE, total)" without overflow */
static bool block_ok(uint32_t off, uint32_t size, uint32_t total)
{
	return off >= HEADER_SIZE && off <= total && size <= total - off;
}

static int check_structure(struct fdt *f, char *err, size_t errlen)
{
	int depth = -1;
	bool root_closed = false;
	uint32_t off = 0;
	struct fdt_token t;

	for (;;) {
		enum tok_error e = read_token(f, off, &t);
		if (e == TOK_E_UNKNOWN)
			return fail(err, errlen, "fdt: unknown token 0x%x at structure offset 0x%x",
				    t.value, off);
		if (e != TOK_OK)
			return fail(err, errlen, "fdt: at structure offset 0x%x: %s",
				    off, tok_error_text[e]);
		switch (t.type) {
		case TOK_BEGIN_NODE:
			if (root_closed)
				return fail(err, errlen, "fdt: second top-level node at structure offset 0x%x",
					    off);
			if (++depth >= FDT_MAX_DEPTH)
				return fail(err, errlen, "fdt: nodes nested deeper than %u (offset 0x%x)",
					    FDT_MAX_DEPTH, off);
			if (depth == 0)
				f->root = (int)off;
			break;
		case TOK_END_NODE:
			if (depth < 0)
				return fail(err, errlen, "fdt: END_NODE without a node at structure offset 0x%x",
					    off);
			if (--depth < 0)
				root_closed = true;
			break;
		case TOK_PROP:
			if (depth < 0)
				return fail(err, errlen, "fdt: property outside any node at structure offset 0x%x",
					    off);
			break;
		case TOK_END:
			if (depth >= 0)
				return fail(err, errlen, "fdt: END at structure offset 0x%x inside an open node (depth %u)",
					    off, (uint32_t)depth);
			if (!root_closed)
				return fail(err, errlen, "fdt: structure block has no root node");
			return 0;
		}
		off = t.next;
	}
}

uint32_t fdt_peek_totalsize(const void *blob)
{
	const uint8_t *b = blob;

	if (!b || be32(b) != FDT_MAGIC)
		return 0;
	return be32(b + 4);
}

int fdt_init(struct fdt *f, const void *blob, uint32_t max_size, char *err, size_t errlen)
{
	const uint8_t *b = blob;

	memset(f, 0, sizeof(*f));
	f->root = -1;
	if (!b)
		return fail(err, errlen, "fdt: no blob (NULL pointer)");
	if (max_size < HEADER_SIZE)
		return fail(err, errlen, "fdt: %u bytes cannot hold the %u-byte header",
			    max_size, HEADER_SIZE);
	if (be32(b) != FDT_MAGIC)
		return fail(err, errlen, "fdt: bad magic 0x%08x (want 0xd00dfeed)", be32(b));

	uint32_t total = be32(b + 4);
	uint32_t version = be32(b + 20), last_comp = be32(b + 24);
	if (total < HEADER_SIZE || total > max_size)
		return fail(err, errlen, "fdt: totalsize %u outside [40, %u]", total, max_size);
	/* v17 added size_dt_struct, which the bounds checks need */
	if (version < 17 || last_comp > 17)
		return fail(err, errlen, "fdt: unsupported version %u (last compatible %u)",
			    version, last_comp);

	f->blob = b;
	f->size = total;
	f->struct_off = be32(b + 8);
	f->strings_off = be32(b + 12);
	f->rsvmap_off = be32(b + 16);
	f->strings_size = be32(b + 32);
	f->struct_size = be32(b + 36);

	if (!block_ok(f->struct_off, f->struct_size, total) || (f->struct_off & 3))
		return fail(err, errlen, "fdt: structure block at 0x%x (+0x%x) is outside the blob or misaligned",
			    f->struct_off, f->struct_size);
	if (!block_ok(f->strings_off, f->strings_size, total))
		return fail(err, errlen, "fdt: strings block at 0x%x (+0x%x) is outside the blob",
			    f->strings_off, f->strings_size);
	if (!block_ok(f->rsvmap_off, 0, total) || (f->rsvmap_off & 7))
		return fail(err, errlen, "fdt: reservation block offset 0x%x is outside the blob or misaligned",
			    f->rsvmap_off);
	/* the reservation list must end (with a 0,0 entry) inside the blob */
	for (uint64_t off = f->rsvmap_off;; off += 16) {
		if (off + 16 > total)
			return fail(err, errlen, "fdt: reservation block at 0x%x has no terminating entry",
				    f->rsvmap_off);
		if (fdt_cells(b + off, 2) == 0 && fdt_cells(b + off + 8, 2) == 0)
			break;
	}

	if (check_structure(f, err, errlen) < 0) {
		f->root = -1;
		return -1;
	}
	return 0;
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	struct fdt_token t;
	uint32_t off;
	int cur;

	if (node < 0) {
		*depth = 0;
		return f->root;
	}
	if (read_token(f, (uint32_t)node, &t) != TOK_OK || t.type != TOK_BEGIN_NODE)
		return -1;
	cur = *depth; /* the node we are inside */
	for (off = t.next; read_token(f, off, &t) == TOK_OK; off = t.next) {
		if (t.type == TOK_BEGIN_NODE) {
			*depth = cur + 1;
			return (int)off;
		}
		if (t.type == TOK_END_NODE)
			cur--;
		else if (t.type == TOK_END)
			break;
	}
	return -1;
}

int fdt_first_child(const struct fdt *f, int node)
{
	struct fdt_token t;
	uint32_t off;

	if (node < 0 || read_token(f, (uint32_t)node, &t) != TOK_OK ||
	    t.type != TOK_BEGIN_NODE)
		return -1;
	for (off = t.next; read_token(f, off, &t) == TOK_OK; off = t.next) {
		if (t.type == TOK_BEGIN_NODE)
			return (int)off;
		if (t.type != TOK_PROP && t.type != TOK_NOP)
			break;
	}
	return -1;
}

int fdt_next_sibling(const struct fdt *f, int node)
{
	struct fdt_token t;
	uint32_t off = (uint32_t)node;
	int level = 0;

	if (node < 0)
		return -1;
	/* skip the node and everything inside it */
	do {
		if (read_token(f, off, &t) != TOK_OK || t.type == TOK_END)
			return -1;
		if (t.type == TOK_BEGIN_NODE)
			level++;
		else if (t.type == TOK_END_NODE)
			level--;
		off = t.next;
	} while (level > 0);

	for (; read_token(f, off, &t) == TOK_OK; off = t.next) {
		if (t.type == TOK_BEGIN_NODE)
			return (int)off;
		if (t.type != TOK_NOP)
			break;
	}
	return -1;
}

/* One pass over the tokens with the chain of open nodes: fdt_reg() asks
 * this for every node it decodes, so it reads each token once. */
int fdt_parent(const struct fdt *f, int node)
{
	int open[FDT_MAX_DEPTH];
	int depth = 0; /* nodes open */
	struct fdt_token t;

	if (f->root < 0 || node < 0)
		return -1;
	for (uint32_t off = (uint32_t)f->root; read_token(f, off, &t) == TOK_OK; off = t.next) {
		if (t.type == TOK_BEGIN_NODE) {
			if ((int)off == node)
				return depth > 0 ? open[depth - 1] : -1;
			if (depth == FDT_MAX_DEPTH)
				return -1;
			open[depth++] = (int)off;
		} else if (t.type == TOK_END_NODE) {
			if (depth-- == 0)
				return -1;
		} else if (t.type == TOK_END) {
			break;
		}
	}
	return -1;
}

const char *fdt_name(const struct fdt *f, int node)
{
	struct fdt_token t;

	if (node < 0 || read_token(f, (uint32_t)node, &t) != TOK_OK ||
	    t.type != TOK_BEGIN_NODE)
		return "";
	return t.name;
}

const void *fdt_prop(const struct fdt *f, int node, const char *name, uint32_t *len)
{
	struct fdt_token t;
	uint32_t off;

	if (node < 0 || read_token(f, (uint32_t)node, &t) != TOK_OK ||
	    t.type != TOK_BEGIN_NODE)
		return NULL;
	for (off = t.next; read_token(f, off, &t) == TOK_OK; off = t.next) {
		if (t.type == TOK_PROP) {
			if (strcmp(t.name, name) == 0) {
				if (len)
					*len = t.len;
				return t.data;
			}
		} else if (t.type != TOK_NOP) {
			break;
		}
	}
	return NULL;
}

const char *fdt_prop_string(const struct fdt *f, int node, const char *name)
{
	uint32_t len;
	const char *s = fdt_prop(f, node, name, &len);

	if (!s || len == 0 || s[len - 1] != '\0')
		return NULL;
	return s;
}

bool fdt_prop_uint(const struct fdt *f, int node, const char *name, uint64_t *out)
{
	uint32_t len;
	const void *p = fdt_prop(f, node, name, &len);

	if (!p || (len != 4 && len != 8))
		return false;
	*out = fdt_cells(p, len / 4);
	return true;
}

static uint32_t prop_u32_or(const struct fdt *f, int node, const char *name, uint32_t dflt)
{
	uint32_t len;
	const void *p = fdt_prop(f, node, name, &len);

	return p && len == 4 ? (uint32_t)fdt_cells(p, 1) : dflt;
}

uint32_t fdt_address_cells(const struct fdt *f, int node)
{
	return prop_u32_or(f, node, "#address-cells", 2);
}

uint32_t fdt_size_cells(const struct fdt *f, int node)
{
	return prop_u32_or(f, node, "#size-cells", 1);
}

bool fdt_reg(const struct fdt *f, int node, unsigned index, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent(f, node);
	uint32_t len;
	const uint8_t *reg;

	if (parent < 0)
		return false;
	uint32_t ac = fdt_address_cells(f, parent), sc = fdt_size_cells(f, parent);
	if (ac == 0 || ac > 2 || sc > 2)
		return false;
	reg = fdt_prop(f, node, "reg", &len);
	uint64_t entry = 4ull * (ac + sc);
	if (!reg || ((uint64_t)index + 1) * entry > len)
		return false;
	reg += index * entry;
	*base = fdt_cells(reg, ac);
	*size = fdt_cells(reg + 4 * ac, sc);
	return true;
}

bool fdt_stringlist_contains(const char *list, uint32_t len, const char *str)
{
	size_t want = strlen(str);
	uint32_t pos = 0;

	while (pos < len) {
		size_t n = strnlen(list + pos, len - pos);
		if (n == len - pos)
			return false; /* last string unterminated: ignore it */
		if (n == want && memcmp(list + pos, str, n) == 0)
			return true;
		pos += (uint32_t)n + 1;
	}
	return false;
}

bool fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
	uint32_t len;
	const char *list = fdt_prop(f, node, "compatible", &len);

	return list && fdt_stringlist_contains(list, len, compat);
}

int fdt_find_compatible(const struct fdt *f, int after, const char *compat)
{
	int depth = 0;

	for (int n = fdt_next_node(f, after, &depth); n >= 0;
	     n = fdt_next_node(f, n, &depth)) {
		if (fdt_is_compatible(f, n, compat))
			return n;
	}
	return -1;
}

int fdt_find_phandle(const struct fdt *f, uint32_t phandle)
{
	int depth = 0;

	if (phandle == 0 || phandle == 0xffffffffu)
		return -1;
	for (int n = fdt_next_node(f, -1, &depth); n >= 0;
	     n = fdt_next_node(f, n, &depth)) {
		if (prop_u32_or(f, n, "phandle", 0) == phandle ||
		    prop_u32_or(f, n, "linux,phandle", 0) == phandle)
			return n;
	}
	return -1;
}

/* Child of parent named name[0..len), with the unit-address rule of fdt.h */
static int subnode_n(const struct fdt *f, int parent, const char *name, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		has_unit |= name[i] == '@';

	for (int c = fdt_first_child(f, parent); c >= 0; c = fdt_next_sibling(f, c)) {
		const char *cn = fdt_name(f, c);
		if (strncmp(cn, name, len) != 0)
			continue;
		if (cn[len] == '\0' || (!has_unit && cn[len] == '@'))
			return c;
	}
	return -1;
}

int fdt_subnode(const struct fdt *f, int parent, const char *name)
{
	return subnode_n(f, parent, name, strlen(name));
}

int fdt_lookup(const struct fdt *f, const char *path)
{
	int node = f->root;

	if (path[0] != '/') {
		/* an alias: /aliases/<name> holds the full path */
		const char *target = fdt_prop_string(f, fdt_subnode(f, f->root, "aliases"), path);
		if (!target || target[0] != '/')
			return -1;
		path = target;
	}
	while (node >= 0 && *path) {
		while (*path == '/')
			path++;
		size_t len = 0;
		while (path[len] && path[len] != '/')
			len++;
		if (len == 0)
			break;
		node = subnode_n(f, node, path, len);
		path += len;
	}
	return node;
}

bool fdt_rsvmap_entry(const struct fdt *f, unsigned index, uint64_t *base, uint64_t *size)
{
	/* walk from the start so an index past the terminator is refused */
	for (unsigned i = 0;; i++) {
		uint64_t off = f->rsvmap_off + 16ull * i;
		if (!f->blob || off + 16 > f->size)
			return false;
		uint64_t b = fdt_cells(f->blob + off, 2), s = fdt_cells(f->blob + off + 8, 2);
		if (b == 0 && s == 0)
			return false;
		if (i == index) {
			*base = b;
			*size = s;
			return true;
		}
	}
}
