/*
 * Pre-built indirect tables (virtq_table_set, virtq_add_table) against the
 * echo device, split and packed: round trips over several laps with the
 * table's entries rewritten in place, argument checks that commit nothing,
 * the used-length bound the add records, a device that reports the
 * table's descriptor wrong, the broken-queue latch, and a token that comes
 * back only once the device used the chain.
 */
#include "harness/chains.h"
#include "virtio/platform.h"

#define TABLE_FEATURES                                                             \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |     \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_RING_PACKED))

static uint64_t mask_for(bool packed, bool indirect)
{
	uint64_t m = ALL_FEATURES;
	if (!packed)
		m &= NO(VIRTIO_F_RING_PACKED);
	if (!indirect)
		m &= NO(VIRTIO_F_INDIRECT_DESC);
	return m;
}

/* A queue of `size` over the echo device, indirect tables when `indirect`. */
static void up(struct tvq *t, bool packed, bool indirect, uint16_t size)
{
	sim_reset_all();
	tvq_up(t, sim_echo_new(2, TABLE_FEATURES, 64), mask_for(packed, indirect), size,
	       indirect ? 4 : 0);
}

/* `c`'s buffers as a table (16-aligned), and its byte counts. */
struct ttable {
	struct virtq_desc *d;
	unsigned n;
	uint32_t total, writable;
};

static void table_of(const struct tvq *t, struct ttable *tab, const struct tchain *c)
{
	unsigned n = c->n_out + c->n_in;
	tab->n = n;
	tab->total = (uint32_t)(c->rlen + c->wlen);
	tab->writable = (uint32_t)c->wlen;
	for (unsigned i = 0; i < n; i++)
		virtq_table_set(&t->vq, tab->d, i, n, virtio_virt_to_dma(c->sg[i].addr),
				c->sg[i].len, i >= c->n_out);
}

static int add(struct tvq *t, const struct ttable *tab, void *token)
{
	return virtq_add_table(&t->vq, tab->d, tab->n, tab->total, tab->writable, token);
}

static void roundtrip(bool packed)
{
	/* A ring of 5 (packed: not a power of two) over four laps: the head
	 * descriptor at every position, both wrap states. */
	struct tvq t;
	uint16_t size = packed ? 5 : 4;
	up(&t, packed, true, size);
	struct ttable tab = { .d = tmem_alloc(4 * VIRTQ_TABLE_ENTRY_BYTES, 16) };
	uint8_t *arena = tmem_alloc(256, 64);
	for (unsigned round = 0; round < 4u * size; round++) {
		/* entries rewritten in place: the readable/writable split moves */
		unsigned n = 1 + round % 4, n_out = round % (n + 1);
		uint32_t lens[4] = { 16, 4096 % (97 + round), 1, 33 };
		struct tchain c;
		tchain_make(&c, arena, n_out, n - n_out, lens, round);
		table_of(&t, &tab, &c);
		unsigned before = t.sim->q[0].indirect_chains;
		CHECK_OK(add(&t, &tab, &c));
		CHECK_EQ(virtq_free_descs(&t.vq), size - 1);
		virtq_kick(&t.vq);
		void *tok = NULL;
		uint32_t len = 0;
		CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		CHECK(tok == &c);
		CHECK_EQ(len, tchain_expect_len(&c));
		CHECK_EQ(tchain_check(&c), 0);
		CHECK_EQ(t.sim->q[0].indirect_chains, before + 1);
		CHECK_EQ(virtq_free_descs(&t.vq), size);
	}
	CHECK(!virtq_is_broken(&t.vq));
}

TEST(virtq_table_roundtrip_split)
{
	roundtrip(false);
}

TEST(virtq_table_roundtrip_packed)
{
	roundtrip(true);
}

/* Three buffers, one readable: the shape of a block request. */
static void make3(struct tvq *t, struct ttable *tab, struct tchain *c, uint32_t seed)
{
	uint32_t lens[3] = { 16, 512, 1 };
	tab->d = tmem_alloc(4 * VIRTQ_TABLE_ENTRY_BYTES, 16);
	tchain_make(c, tmem_alloc(1024, 64), 1, 2, lens, seed);
	table_of(t, tab, c);
}

TEST(virtq_table_refusals_commit_nothing)
{
	for (int packed = 0; packed < 2; packed++) {
		struct tvq t;
		up(&t, packed, true, 4);
		struct ttable tab;
		struct tchain c;
		make3(&t, &tab, &c, 1);
		struct virtq_desc *d = tab.d;
		CHECK_ERR(virtq_add_table(&t.vq, NULL, 3, tab.total, tab.writable, &c), VIRTIO_EINVAL);
		CHECK_ERR(virtq_add_table(&t.vq, d, 0, tab.total, tab.writable, &c), VIRTIO_EINVAL);
		/* §2.7.5.3.1, §2.8.17: never longer than the queue */
		CHECK_ERR(virtq_add_table(&t.vq, d, 5, tab.total, tab.writable, &c), VIRTIO_EINVAL);
		CHECK_ERR(virtq_add_table(&t.vq, d, 3, 16, 17, &c), VIRTIO_EINVAL);
		CHECK_EQ(virtq_free_descs(&t.vq), 4);
		CHECK_EQ(virtq_in_flight(&t.vq), 0);
		/* A full ring: ENOSPC, then room again after a completion. */
		t.sim->mode = SIM_DEFERRED;
		for (unsigned i = 0; i < 4; i++)
			CHECK_OK(add(&t, &tab, &c));
		CHECK_ERR(add(&t, &tab, &c), VIRTIO_ENOSPC);
		virtq_kick(&t.vq);
		CHECK_EQ(sim_process(t.sim), 4);
		void *tok;
		uint32_t len;
		for (unsigned i = 0; i < 4; i++)
			CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 0);
		CHECK_EQ(t.sim->q[0].chains, 4);
		CHECK(!virtq_is_broken(&t.vq));
	}
	/* Without INDIRECT_DESC no INDIRECT descriptor may be posted (§2.7.5.3). */
	for (int packed = 0; packed < 2; packed++) {
		struct tvq t;
		up(&t, packed, false, 4);
		struct ttable tab;
		struct tchain c;
		make3(&t, &tab, &c, 2);
		CHECK(!virtq_has_indirect(&t.vq));
		CHECK_ERR(add(&t, &tab, &c), VIRTIO_EINVAL);
		CHECK_EQ(virtq_free_descs(&t.vq), 4);
		virtq_kick(&t.vq);
		CHECK_EQ(t.sim->q[0].chains, 0);
	}
}

TEST(virtq_table_used_length_bound)
{
	/* §2.7.8: one byte more than the writable bytes the add recorded
	 * breaks the queue; a table with nothing writable takes 0. */
	for (int packed = 0; packed < 2; packed++) {
		struct tvq t;
		up(&t, packed, true, 4);
		struct ttable tab = { .d = tmem_alloc(4 * VIRTQ_TABLE_ENTRY_BYTES, 16) };
		uint8_t *arena = tmem_alloc(1024, 64);
		struct tchain c;
		uint32_t lens[2] = { 24, 40 };
		tchain_make(&c, arena, 2, 0, lens, 3);
		table_of(&t, &tab, &c);
		t.sim->fault = SIM_FAULT_LEN_OVER;
		CHECK_OK(add(&t, &tab, &c));
		virtq_kick(&t.vq);
		void *tok = NULL;
		uint32_t len = 7;
		CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		CHECK(tok == &c);
		CHECK_EQ(len, 0);
		CHECK(!virtq_is_broken(&t.vq));

		up(&t, packed, true, 4); /* the fault halted that device */
		make3(&t, &tab, &c, 4);
		t.sim->fault = SIM_FAULT_LEN_OVER;
		CHECK_OK(add(&t, &tab, &c));
		virtq_kick(&t.vq);
		tok = NULL;
		CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
		CHECK(tok == NULL);
		CHECK(virtq_is_broken(&t.vq));
		CHECK_EQ(t.vq.stats.faults, 1);
	}
}

/* A device that names the wrong chain for the table's descriptor: the
 * queue latches broken and the token never comes back from the ring; only
 * a reclaim after the reset hands it back, once. */
static void wrong_id(bool packed, enum sim_fault fault)
{
	struct tvq t;
	up(&t, packed, true, 4);
	struct ttable tab;
	struct tchain c;
	make3(&t, &tab, &c, 5);
	t.sim->fault = fault;
	CHECK_OK(add(&t, &tab, &c));
	virtq_kick(&t.vq);
	void *tok = NULL;
	uint32_t len;
	CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
	CHECK(tok == NULL);
	CHECK(virtq_is_broken(&t.vq));
	/* latched: every later call refuses, nothing more reaches the ring */
	unsigned chains = t.sim->q[0].chains;
	CHECK_ERR(add(&t, &tab, &c), VIRTIO_EBROKEN);
	CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
	virtq_kick(&t.vq);
	CHECK_EQ(t.sim->q[0].chains, chains);
	CHECK_EQ(virtq_in_flight(&t.vq), 1);
	CHECK_EQ(virtq_reclaim(&t.vq, &tok), 1);
	CHECK(tok == &c);
	CHECK_EQ(virtq_reclaim(&t.vq, &tok), 0);
}

TEST(virtq_table_wrong_used_id)
{
	for (int packed = 0; packed < 2; packed++) {
		wrong_id(packed, SIM_FAULT_ID_RANGE);
		wrong_id(packed, SIM_FAULT_ID_UNPOSTED);
	}
}

TEST(virtq_table_token_back_once_and_only_when_used)
{
	for (int packed = 0; packed < 2; packed++) {
		struct tvq t;
		up(&t, packed, true, 4);
		t.sim->mode = SIM_DEFERRED;
		struct ttable tab;
		struct tchain c;
		make3(&t, &tab, &c, 6);
		CHECK_OK(add(&t, &tab, &c));
		virtq_kick(&t.vq);
		void *tok = NULL;
		uint32_t len;
		/* notified, not yet used: the table and buffers are the device's */
		CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 0);
		CHECK(tok == NULL);
		CHECK_EQ(virtq_in_flight(&t.vq), 1);
		CHECK_EQ(sim_process(t.sim), 1);
		CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		CHECK(tok == &c);
		CHECK_EQ(len, tchain_expect_len(&c));
		CHECK_EQ(tchain_check(&c), 0);
		/* once: a repeat of the same id is a fault, not a second token
		 * (two in flight, so that the repeat is within the count) */
		up(&t, packed, true, 4);
		t.sim->mode = SIM_DEFERRED;
		struct ttable tab2[2];
		struct tchain c2[2];
		for (unsigned i = 0; i < 2; i++) {
			make3(&t, &tab2[i], &c2[i], 7 + i);
			CHECK_OK(add(&t, &tab2[i], &c2[i]));
		}
		virtq_kick(&t.vq);
		t.sim->fault = SIM_FAULT_ID_REPEAT;
		sim_process(t.sim);
		tok = NULL;
		CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		CHECK(tok == &c2[0]);
		tok = NULL;
		CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
		CHECK(tok == NULL);
		CHECK(virtq_is_broken(&t.vq));
		CHECK_EQ(virtq_in_flight(&t.vq), 1);
	}
}

/*
 * A split head descriptor keeps a table's address and flags while it points
 * at the same table again (write_table_head()); every other chain written
 * over it must drop that: a direct chain, the queue's own indirect table
 * (virtq_add() of three buffers), another caller table.  Each step reuses
 * the one descriptor the last completion freed, and the echo device
 * checks the data that went through whatever the descriptor said.
 */
TEST(virtq_table_head_rewritten_by_other_chains)
{
	struct tvq t;
	up(&t, false, true, 4);
	struct ttable a, b;
	struct tchain ca, cb, direct, own;
	make3(&t, &a, &ca, 11);
	make3(&t, &b, &cb, 12);
	uint32_t lens[3] = { 8, 64, 1 };
	tchain_make(&direct, tmem_alloc(256, 64), 1, 1, lens, 13);
	tchain_make(&own, tmem_alloc(256, 64), 1, 2, lens, 14);
	struct {
		struct ttable *tab; /* NULL: virtq_add() of `c` */
		struct tchain *c;
		bool indirect;
	} steps[] = {
		{ &a, &ca, true },      { &a, &ca, true },  { NULL, &direct, false },
		{ &a, &ca, true },      { &b, &cb, true },  { &a, &ca, true },
		{ NULL, &own, true },   { &a, &ca, true },  { NULL, &direct, false },
		{ NULL, &own, true },   { &a, &ca, true },
	};
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		unsigned before = t.sim->q[0].indirect_chains;
		/* tables rewritten in place: a new pattern for the device to echo */
		tchain_make(steps[i].c, steps[i].c->sg[0].addr, steps[i].c->n_out,
			    steps[i].c->n_in, steps[i].tab ? (uint32_t[]){ 16, 512, 1 } : lens,
			    100 + i);
		if (steps[i].tab) {
			table_of(&t, steps[i].tab, steps[i].c);
			CHECK_OK(add(&t, steps[i].tab, steps[i].c));
		} else {
			CHECK_OK(virtq_add(&t.vq, steps[i].c->sg, steps[i].c->n_out,
					   steps[i].c->n_in, steps[i].c));
		}
		virtq_kick(&t.vq);
		tvq_pop_one(&t, steps[i].c, steps[i].c);
		CHECK_EQ(t.sim->q[0].indirect_chains, before + (steps[i].indirect ? 1u : 0u));
	}
	CHECK(!virtq_is_broken(&t.vq));
}
