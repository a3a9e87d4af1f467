/*
 * virtio-input back end of the simulated device (§5.8): a configuration
 * space that answers select/subsel from a table (which cases can fill
 * with malformed answers), an event queue whose posted buffers the case
 * fills with sim_input_send(), and a status queue whose events are logged.
 * The device side is written from the spec alone: offsets are spelled out
 * here, not taken from the driver.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_device.h"
#include "harness/unit.h"
#include "virtio/spec.h"

#define CFG_SELECT 0
#define CFG_SUBSEL 1
#define CFG_SIZE   2
#define CFG_U      8
#define EVENT_BYTES 8

static struct sim_input_answer *find(struct sim_input *s, uint8_t select, uint8_t subsel)
{
	for (unsigned i = 0; i < s->nanswers; i++)
		if (s->answers[i].select == select && s->answers[i].subsel == subsel)
			return &s->answers[i];
	return NULL;
}

/* Show the answer to the current select/subsel; size 0 when there is none. */
static void show(struct sim_dev *d)
{
	struct sim_input *s = d->ctx;
	const struct sim_input_answer *a = find(s, s->select, s->subsel);

	memset(d->config + CFG_SIZE, 0, d->config_len - CFG_SIZE);
	d->config[CFG_SELECT] = s->select;
	d->config[CFG_SUBSEL] = s->subsel;
	if (!a)
		return;
	d->config[CFG_SIZE] = a->size;
	/* An oversized answer still shows only what the union holds. */
	memcpy(d->config + CFG_U, a->data, a->size < 128 ? a->size : 128);
	if (s->bad_echo_select && s->select == s->bad_echo_select)
		d->config[CFG_SELECT] = (uint8_t)(s->select + 1);
}

static bool input_config_write(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v)
{
	struct sim_input *s = d->ctx;
	/* §5.8.4.1: select and subsel are the only writable fields. */
	if (width != 1 || off > CFG_SUBSEL)
		return false;
	if (off == CFG_SELECT)
		s->select = (uint8_t)v;
	else
		s->subsel = (uint8_t)v;
	s->select_writes++;
	show(d);
	return true;
}

static uint32_t input_backend(struct sim_dev *d, unsigned qi, struct sim_chain *c)
{
	struct sim_input *s = d->ctx;
	uint8_t raw[EVENT_BYTES];

	if (qi == 0) {
		if (c->readable || c->writable < EVENT_BYTES)
			sim_violation("event buffer with %llu readable, %llu writable bytes (§5.8.6: "
				      "device-writable, at least 8)",
				      (unsigned long long)c->readable, (unsigned long long)c->writable);
		sim_put_le(raw, s->next.type, 2);
		sim_put_le(raw + 2, s->next.code, 2);
		sim_put_le(raw + 4, (uint32_t)s->next.value, 4);
		uint32_t len = s->event_len ? s->event_len : EVENT_BYTES;
		if (len > c->writable)
			len = (uint32_t)c->writable;
		sim_chain_write(c, 0, raw, len < EVENT_BYTES ? len : EVENT_BYTES);
		return len;
	}
	if (c->writable || c->readable < EVENT_BYTES)
		sim_violation("status buffer with %llu readable, %llu writable bytes (§5.8.6)",
			      (unsigned long long)c->readable, (unsigned long long)c->writable);
	sim_chain_read(c, 0, raw, EVENT_BYTES);
	if (s->nstatus < sizeof(s->status) / sizeof(s->status[0]))
		s->status[s->nstatus++] = (struct sim_input_event){
			(uint16_t)sim_get_le(raw, 2), (uint16_t)sim_get_le(raw + 2, 2),
			(int32_t)sim_get_le(raw + 4, 4) };
	return 0;
}

static void input_reset(struct sim_dev *d)
{
	struct sim_input *s = d->ctx;
	s->select = s->subsel = 0;
	show(d);
}

void sim_input_set_answer(struct sim_dev *d, uint8_t select, uint8_t subsel, const void *data,
			  uint8_t size)
{
	struct sim_input *s = d->ctx;
	struct sim_input_answer *a = find(s, select, subsel);
	if (!a) {
		if (s->nanswers == SIM_INPUT_ANSWERS)
			FAIL("sim_input: answer table full");
		a = &s->answers[s->nanswers++];
	}
	*a = (struct sim_input_answer){ .select = select, .subsel = subsel, .size = size };
	if (data)
		memcpy(a->data, data, size < 128 ? size : 128);
	show(d);
}

static void set_bits(uint8_t *map, const unsigned *codes, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		map[codes[i] / 8] |= (uint8_t)(1u << (codes[i] % 8));
}

static void set_absinfo(struct sim_dev *d, uint8_t axis, int32_t min, int32_t max)
{
	uint8_t b[20] = { 0 };
	sim_put_le(b, (uint32_t)min, 4);
	sim_put_le(b + 4, (uint32_t)max, 4);
	sim_put_le(b + 16, 1, 4); /* res */
	sim_input_set_answer(d, 0x12, axis, b, 20);
}

struct sim_dev *sim_input_new(uint32_t version, uint64_t features, uint16_t qmax)
{
	struct sim_dev *d = sim_dev_new(version, VIRTIO_ID_INPUT, features);
	struct sim_input *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	d->ctx = s;
	d->backend = input_backend;
	d->config_write = input_config_write;
	d->on_reset = input_reset;
	d->mode = SIM_DEFERRED;
	d->config_len = CFG_U + 128;
	sim_set_queue_max(d, 0, qmax);
	sim_set_queue_max(d, 1, qmax);

	sim_input_set_answer(d, 0x01, 0, "sim input", 9);
	sim_input_set_answer(d, 0x02, 0, "SIM-0001", 8);
	uint8_t ids[8];
	sim_put_le(ids, 0x0006, 2);
	sim_put_le(ids + 2, 0x1af4, 2);
	sim_put_le(ids + 4, 0x0001, 2);
	sim_put_le(ids + 6, 0x0002, 2);
	sim_input_set_answer(d, 0x03, 0, ids, 8);
	uint8_t props[1] = { 1 }; /* INPUT_PROP_POINTER */
	sim_input_set_answer(d, 0x10, 0, props, 1);

	uint8_t keys[96] = { 0 };
	for (unsigned k = 1; k < 128; k++)
		keys[k / 8] |= (uint8_t)(1u << (k % 8));
	static const unsigned btn_left[] = { 0x110 };
	set_bits(keys, btn_left, 1);
	sim_input_set_answer(d, 0x11, 0x01, keys, sizeof(keys)); /* EV_KEY */
	uint8_t rel[2] = { 0 }, abs[1] = { 0 }, led[1] = { 0 };
	static const unsigned xy[] = { 0, 1 }, leds[] = { 0, 1, 2 };
	set_bits(rel, xy, 2);
	set_bits(abs, xy, 2);
	set_bits(led, leds, 3);
	sim_input_set_answer(d, 0x11, 0x02, rel, sizeof(rel));  /* EV_REL */
	sim_input_set_answer(d, 0x11, 0x03, abs, sizeof(abs));  /* EV_ABS */
	sim_input_set_answer(d, 0x11, 0x11, led, sizeof(led));  /* EV_LED */
	set_absinfo(d, 0, 0, 1023);
	set_absinfo(d, 1, -100, 100);
	input_reset(d);
	return d;
}

unsigned sim_input_send(struct sim_dev *d, const struct sim_input_event *ev, unsigned n)
{
	struct sim_input *s = d->ctx;
	unsigned sent = 0;

	for (; sent < n; sent++) {
		sim_consume(d, 0);
		if (d->q[0].npending == 0)
			break;
		s->next = ev[sent];
		sim_complete(d, 0, 1);
	}
	return sent;
}
