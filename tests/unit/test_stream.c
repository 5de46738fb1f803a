// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device-state stream: writer and parser (docs/stream-format.md).
 *
 * Streams are built with the writer from a rich device image, then taken
 * apart and reassembled record by record (struct sbuf, restream()) to make
 * every kind of malformed stream the format names.
 */
#include "harness.h"
#include <vfmig/devstate.h>
#include <vfmig/stream.h>

/* ---- Sample images ------------------------------------------------------- */

static void fill_match(struct vfmig_match *m)
{
	memset(m, 0, sizeof(*m));
	m->major = VFMIG_STREAM_MAJOR;
	m->minor = VFMIG_STREAM_MINOR;
	m->vendor_id = 0x8086;
	m->device_id = 0x154c;
	m->subsys_vendor_id = 0x8086;
	m->subsys_device_id = 0x0001;
	m->num_queue_pairs = 4;
	m->max_ring_desc = 4096;
	m->max_mac_filters = 64;
	m->max_vlan_filters = 128;
	m->rss_key_size = 52;
	m->rss_lut_size = 64;
	m->num_msix = 5;
	m->virtchnl_major = 1;
	m->virtchnl_minor = 1;
	m->vf_caps = 0x000b00a1;
	m->fw_api_major = 1;
	m->fw_api_minor = 12;
}

static void fill_config(struct vfmig_dev_config *c)
{
	static const u8 mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	u32 i;

	c->present = VFMIG_CFG_ALL;
	memcpy(c->vf.mac, mac, 6);
	c->vf.port_vlan = 0x2064;	/* VLAN 100, priority 1 */
	c->vf.flags = VFMIG_VF_TRUSTED | VFMIG_VF_SPOOFCHK | VFMIG_VF_LINK_UP;
	c->vf.link_speed = 40000;
	c->vf.max_frame = 9000;
	c->vsi.vsi_id = 17;
	c->vsi.num_queue_pairs = 4;
	c->num_mac_filters = 5;
	for (i = 0; i < 5; i++) {
		memcpy(c->mac_filters[i].addr, mac, 6);
		c->mac_filters[i].addr[5] = (u8)(0x55 + i);
		c->mac_filters[i].type = i == 0 ? VFMIG_MAC_TYPE_PRIMARY :
						  VFMIG_MAC_TYPE_EXTRA;
	}
	c->mac_filters[4].addr[0] = 0x01;	/* a multicast one */
	c->num_vlan_filters = 10;
	for (i = 0; i < 10; i++)
		c->vlan_filters[i] = (u16)(i * 409 + 1);
	c->promisc = VFMIG_PROMISC_UNICAST | VFMIG_PROMISC_MULTICAST;
	c->rss_key_len = 52;
	for (i = 0; i < 52; i++)
		c->rss_key[i] = (u8)(i * 7 + 3);
	c->rss_lut_len = 64;
	for (i = 0; i < 64; i++)
		c->rss_lut[i] = (u8)(i % 4);
	c->rss_hena = 0x00007fffe0000000ULL | 0x3f;
	c->num_irq_maps = 4;
	for (i = 0; i < 4; i++) {
		c->irq_maps[i].vector_id = (u16)(i + 1);
		c->irq_maps[i].rxq_map = (u16)BIT(i);
		c->irq_maps[i].txq_map = (u16)BIT(i);
		c->irq_maps[i].rxitr_idx = 0;
		c->irq_maps[i].txitr_idx = 1;
	}
}

static void fill_runtime(struct vfmig_dev_image *img)
{
	struct vfmig_dev_runtime *rt = &img->runtime;
	static u8 big[4096];
	static const u8 small[40] = { 1, 2, 3, 4, 5 };
	u32 q, i;

	for (q = 0; q < 4; q++) {
		rt->txq[q].ring_base = 0x100000ULL + q * 0x10000ULL + 0x5000000000ULL;
		rt->txq[q].ring_len = 512;
		rt->txq[q].head = (u16)(q * 7);
		rt->txq[q].tail = (u16)(q * 11 + 3);
		rt->txq[q].enabled = q != 3;
		rt->rxq[q].ring_base = 0x200000ULL + q * 0x10000ULL;
		rt->rxq[q].ring_len = 1024;
		rt->rxq[q].head = (u16)(q * 13 + 1);
		rt->rxq[q].tail = (u16)(q * 13);
		rt->rxq[q].desc_size = 32;
		rt->rxq[q].hdr_buf_size = q == 2 ? 256 : 0;
		rt->rxq[q].data_buf_size = 2048;
		rt->rxq[q].max_pkt_size = 1522 + q;
		rt->rxq[q].enabled = true;
		rt->rxq[q].crc_strip = q != 1;
	}
	rt->txq[1].head_wb = true;
	rt->txq[1].head_wb_addr = 0x300004;
	rt->txq_present = 0xf;
	rt->rxq_present = 0xf;

	rt->present = VFMIG_RT_ALL;
	rt->irq.icr0 = 0x40000000;
	rt->irq.icr0_ena = 0x40000001;
	rt->irq.num_vectors = 5;
	for (i = 0; i < 5; i++) {
		rt->irq.vec[i].dyn_ctl = 0x3 | (i << 16);
		rt->irq.vec[i].itr[0] = 0x32 + i;
		rt->irq.vec[i].itr[1] = 0x7a + i;
		rt->irq.vec[i].itr[2] = i;
	}
	rt->mbx.atq = (struct vfmig_mbx_queue_regs){ 0x1000, 0x1, 0x80000040, 3, 4 };
	rt->mbx.arq = (struct vfmig_mbx_queue_regs){ 0x2000, 0x1, 0x80000040, 9, 8 };

	for (i = 0; i < sizeof(big); i++)
		big[i] = (u8)(i * 31);
	vfmig_dev_image_add_mbx_msg(img, 3, 0, small, sizeof(small));
	vfmig_dev_image_add_mbx_msg(img, 12, 0, NULL, 0);
	vfmig_dev_image_add_mbx_msg(img, 15, -5, big, sizeof(big));

	rt->stats = (struct vfmig_eth_stats){
		.rx_bytes = 0x123456789aULL, .rx_unicast = 2, .rx_multicast = 3,
		.rx_broadcast = 4, .rx_discards = 5, .rx_unknown_protocol = 6,
		.tx_bytes = 0xfedcba98765ULL, .tx_unicast = 8, .tx_multicast = 9,
		.tx_broadcast = 10, .tx_discards = 11, .tx_errors = 12,
	};
}

/* Everything set; pre-copy sends all CONFIG, stop-copy re-sends two. */
static struct vfmig_dev_image *rich_image(void)
{
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();

	if (IS_ERR(img))
		return NULL;
	fill_match(&img->match);
	fill_config(&img->config);
	fill_runtime(img);
	img->config_precopy = VFMIG_CFG_ALL;
	img->config_stopcopy = BIT(VFMIG_CFG_MAC_FILTERS) | BIT(VFMIG_CFG_PROMISC);
	return img;
}

/* Encode @img the way a source does; returns the writer's error. */
static int write_image(struct vfmig_stream_writer *w,
		       const struct vfmig_dev_image *img)
{
	vfmig_stream_writer_init(w);
	vfmig_stream_put_match(w, &img->match);
	vfmig_stream_put_config(w, &img->config, img->config_precopy);
	vfmig_stream_put_stopcopy(w);
	vfmig_stream_put_config(w, &img->config, img->config_stopcopy);
	vfmig_stream_put_runtime(w, &img->runtime);
	vfmig_stream_put_end(w);
	return vfmig_stream_writer_error(w);
}

/* ---- Feeding the parser --------------------------------------------------- */

enum split { SPLIT_ONCE, SPLIT_BYTES, SPLIT_RANDOM };

/* Write @buf in pieces, then finish; the first error, or 0. */
static int feed(struct vfmig_stream_parser *p, const u8 *buf, size_t len,
		enum split how, u64 seed)
{
	size_t off = 0, n;
	int ret;

	while (off < len) {
		if (how == SPLIT_ONCE)
			n = len;
		else if (how == SPLIT_BYTES)
			n = 1;
		else
			n = 1 + vt_rand(&seed) % (vt_rand(&seed) % 4 ? 17 : 700);
		if (n > len - off)
			n = len - off;
		ret = vfmig_stream_parser_write(p, buf + off, n);
		if (ret)
			return ret;
		off += n;
	}
	return vfmig_stream_parser_finish(p);
}

static int parse(const u8 *buf, size_t len, struct vfmig_stream_parser **out)
{
	struct vfmig_stream_parser *p = vfmig_stream_parser_new(NULL, NULL);
	int ret;

	if (IS_ERR(p))
		return (int)PTR_ERR(p);
	ret = feed(p, buf, len, SPLIT_ONCE, 0);
	if (out)
		*out = p;
	else
		vfmig_stream_parser_free(p);
	return ret;
}

/*
 * Parse @buf and expect @err, a reason naming @tag, and no acceptance.
 * Returns the reason's first bytes for further checks.
 */
static void expect_reject_at(int line, const u8 *buf, size_t len, int err,
			     const char *tag)
{
	struct vfmig_stream_parser *p;
	unsigned int before = vt_failures;
	const char *reason;
	int ret;

	ret = parse(buf, len, &p);
	CHECK_ERR(ret, err);
	if (IS_ERR_OR_NULL(p))
		return;
	reason = vfmig_stream_parser_reason(p);
	CHECK(reason[0] != '\0');
	CHECK(!vfmig_stream_parser_done(p));
	CHECK_ERR(vfmig_stream_parser_error(p), err);
	if (tag)
		CHECK(strstr(reason, tag) != NULL);
	if (vt_failures != before)
		printf("#     (expect_reject from line %d; reason: \"%s\")\n", line, reason);
	vfmig_stream_parser_free(p);
}

#define EXPECT_REJECT(buf, len, err, tag) \
	expect_reject_at(__LINE__, buf, len, err, tag)

/* ---- Reassembling streams record by record ------------------------------- */

struct sbuf {
	u8 *b;
	size_t len, cap;
};

static void sb_put(struct sbuf *s, const void *data, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2 + 256;
		s->b = realloc(s->b, s->cap);
		if (!s->b)
			abort();
	}
	if (n)
		memcpy(s->b + s->len, data, n);
	s->len += n;
}

static void sb_rec(struct sbuf *s, u32 tag, u32 flags, const void *data, u64 len)
{
	u8 h[VFMIG_REC_HDR_LEN];

	vfmig_put_le32(h, tag);
	vfmig_put_le32(h + 4, flags);
	vfmig_put_le64(h + 8, len);
	sb_put(s, h, sizeof(h));
	sb_put(s, data, (size_t)len);
}

/* END over everything in @s so far. */
static void sb_end(struct sbuf *s)
{
	u8 crc[4];

	vfmig_put_le32(crc, vfmig_crc32c(0, s->b, s->len));
	sb_rec(s, VFMIG_TAG_END, 0, crc, 4);
}

static void sb_free(struct sbuf *s)
{
	free(s->b);
	memset(s, 0, sizeof(*s));
}

/*
 * Rebuild stream @in (from the writer, so well formed) into @out: @edit is
 * called for every record but END and appends whatever should replace it;
 * a fresh END is appended. @n is the record's 1-based number.
 */
typedef void (*edit_fn)(struct sbuf *out, u32 n, u32 tag, u32 flags,
			const u8 *data, u32 len, void *ctx);

static void restream(const u8 *in, size_t len, struct sbuf *out, edit_fn edit,
		     void *ctx)
{
	size_t off = 0;
	u32 n = 0;

	while (off + VFMIG_REC_HDR_LEN <= len) {
		u32 tag = vfmig_get_le32(in + off);
		u32 flags = vfmig_get_le32(in + off + 4);
		u32 rlen = (u32)vfmig_get_le64(in + off + 8);
		const u8 *d = in + off + VFMIG_REC_HDR_LEN;

		n++;
		if (tag == VFMIG_TAG_END)
			break;
		edit(out, n, tag, flags, d, rlen, ctx);
		off += VFMIG_REC_HDR_LEN + rlen;
	}
	sb_end(out);
}

static void edit_copy(struct sbuf *out, u32 n, u32 tag, u32 flags,
		      const u8 *data, u32 len, void *ctx)
{
	sb_rec(out, tag, flags, data, len);
}

/* Offset of the first record with @tag (the @nth one), or -1. */
static long find_record(const u8 *s, size_t len, u32 tag, int nth)
{
	size_t off = 0;

	while (off + VFMIG_REC_HDR_LEN <= len) {
		if (vfmig_get_le32(s + off) == tag && nth-- == 0)
			return (long)off;
		off += VFMIG_REC_HDR_LEN + (size_t)vfmig_get_le64(s + off + 8);
	}
	return -1;
}

/* ---- Independent image comparison (does not trust image_equal) ---------- */

static void check_image_eq(const struct vfmig_dev_image *a,
			   const struct vfmig_dev_image *b)
{
	const struct vfmig_dev_config *x = &a->config, *y = &b->config;
	const struct vfmig_dev_runtime *r = &a->runtime, *s = &b->runtime;
	u32 i, j;

	CHECK_EQ(a->match.major, b->match.major);
	CHECK_EQ(a->match.minor, b->match.minor);
	CHECK_EQ(a->match.vendor_id, b->match.vendor_id);
	CHECK_EQ(a->match.device_id, b->match.device_id);
	CHECK_EQ(a->match.subsys_vendor_id, b->match.subsys_vendor_id);
	CHECK_EQ(a->match.subsys_device_id, b->match.subsys_device_id);
	CHECK_EQ(a->match.num_queue_pairs, b->match.num_queue_pairs);
	CHECK_EQ(a->match.max_ring_desc, b->match.max_ring_desc);
	CHECK_EQ(a->match.max_mac_filters, b->match.max_mac_filters);
	CHECK_EQ(a->match.max_vlan_filters, b->match.max_vlan_filters);
	CHECK_EQ(a->match.rss_key_size, b->match.rss_key_size);
	CHECK_EQ(a->match.rss_lut_size, b->match.rss_lut_size);
	CHECK_EQ(a->match.num_msix, b->match.num_msix);
	CHECK_EQ(a->match.virtchnl_major, b->match.virtchnl_major);
	CHECK_EQ(a->match.virtchnl_minor, b->match.virtchnl_minor);
	CHECK_EQ(a->match.vf_caps, b->match.vf_caps);
	CHECK_EQ(a->match.fw_api_major, b->match.fw_api_major);
	CHECK_EQ(a->match.fw_api_minor, b->match.fw_api_minor);

	CHECK_EQ(x->present, y->present);
	CHECK_EQ(a->config_precopy, b->config_precopy);
	CHECK_EQ(a->config_stopcopy, b->config_stopcopy);
	CHECK(!memcmp(x->vf.mac, y->vf.mac, 6));
	CHECK_EQ(x->vf.port_vlan, y->vf.port_vlan);
	CHECK_EQ(x->vf.flags, y->vf.flags);
	CHECK_EQ(x->vf.link_speed, y->vf.link_speed);
	CHECK_EQ(x->vf.max_frame, y->vf.max_frame);
	CHECK_EQ(x->vsi.vsi_id, y->vsi.vsi_id);
	CHECK_EQ(x->vsi.num_queue_pairs, y->vsi.num_queue_pairs);
	CHECK_EQ(x->num_mac_filters, y->num_mac_filters);
	for (i = 0; i < x->num_mac_filters && i < VFMIG_MAX_MAC_FILTERS; i++) {
		CHECK(!memcmp(x->mac_filters[i].addr, y->mac_filters[i].addr, 6));
		CHECK_EQ(x->mac_filters[i].type, y->mac_filters[i].type);
	}
	CHECK_EQ(x->num_vlan_filters, y->num_vlan_filters);
	for (i = 0; i < x->num_vlan_filters && i < VFMIG_MAX_VLAN_FILTERS; i++)
		CHECK_EQ(x->vlan_filters[i], y->vlan_filters[i]);
	CHECK_EQ(x->promisc, y->promisc);
	CHECK_EQ(x->rss_key_len, y->rss_key_len);
	CHECK(!memcmp(x->rss_key, y->rss_key, sizeof(x->rss_key)));
	CHECK_EQ(x->rss_lut_len, y->rss_lut_len);
	CHECK(!memcmp(x->rss_lut, y->rss_lut, sizeof(x->rss_lut)));
	CHECK_EQ(x->rss_hena, y->rss_hena);
	CHECK_EQ(x->num_irq_maps, y->num_irq_maps);
	for (i = 0; i < x->num_irq_maps && i < VFMIG_MAX_MSIX; i++) {
		CHECK_EQ(x->irq_maps[i].vector_id, y->irq_maps[i].vector_id);
		CHECK_EQ(x->irq_maps[i].rxq_map, y->irq_maps[i].rxq_map);
		CHECK_EQ(x->irq_maps[i].txq_map, y->irq_maps[i].txq_map);
		CHECK_EQ(x->irq_maps[i].rxitr_idx, y->irq_maps[i].rxitr_idx);
		CHECK_EQ(x->irq_maps[i].txitr_idx, y->irq_maps[i].txitr_idx);
	}

	CHECK_EQ(r->txq_present, s->txq_present);
	CHECK_EQ(r->rxq_present, s->rxq_present);
	for (i = 0; i < VFMIG_MAX_QUEUE_PAIRS; i++) {
		CHECK_EQ(r->txq[i].ring_base, s->txq[i].ring_base);
		CHECK_EQ(r->txq[i].head_wb_addr, s->txq[i].head_wb_addr);
		CHECK_EQ(r->txq[i].ring_len, s->txq[i].ring_len);
		CHECK_EQ(r->txq[i].head, s->txq[i].head);
		CHECK_EQ(r->txq[i].tail, s->txq[i].tail);
		CHECK_EQ(r->txq[i].enabled, s->txq[i].enabled);
		CHECK_EQ(r->txq[i].head_wb, s->txq[i].head_wb);
		CHECK_EQ(r->rxq[i].ring_base, s->rxq[i].ring_base);
		CHECK_EQ(r->rxq[i].ring_len, s->rxq[i].ring_len);
		CHECK_EQ(r->rxq[i].head, s->rxq[i].head);
		CHECK_EQ(r->rxq[i].tail, s->rxq[i].tail);
		CHECK_EQ(r->rxq[i].desc_size, s->rxq[i].desc_size);
		CHECK_EQ(r->rxq[i].hdr_buf_size, s->rxq[i].hdr_buf_size);
		CHECK_EQ(r->rxq[i].data_buf_size, s->rxq[i].data_buf_size);
		CHECK_EQ(r->rxq[i].max_pkt_size, s->rxq[i].max_pkt_size);
		CHECK_EQ(r->rxq[i].enabled, s->rxq[i].enabled);
		CHECK_EQ(r->rxq[i].crc_strip, s->rxq[i].crc_strip);
	}
	CHECK_EQ(r->present, s->present);
	CHECK_EQ(r->irq.icr0, s->irq.icr0);
	CHECK_EQ(r->irq.icr0_ena, s->irq.icr0_ena);
	CHECK_EQ(r->irq.num_vectors, s->irq.num_vectors);
	for (i = 0; i < VFMIG_MAX_MSIX; i++) {
		CHECK_EQ(r->irq.vec[i].dyn_ctl, s->irq.vec[i].dyn_ctl);
		for (j = 0; j < VFMIG_NUM_ITR; j++)
			CHECK_EQ(r->irq.vec[i].itr[j], s->irq.vec[i].itr[j]);
	}
	CHECK(!memcmp(&r->mbx, &s->mbx, sizeof(r->mbx)));	/* all u32 */
	CHECK_EQ(r->num_mbx_msgs, s->num_mbx_msgs);
	for (i = 0; i < r->num_mbx_msgs && i < VFMIG_MAX_MBX_MSGS; i++) {
		CHECK_EQ(r->mbx_msgs[i].v_opcode, s->mbx_msgs[i].v_opcode);
		CHECK_EQ(r->mbx_msgs[i].v_retval, s->mbx_msgs[i].v_retval);
		CHECK_EQ(r->mbx_msgs[i].len, s->mbx_msgs[i].len);
		if (r->mbx_msgs[i].len == s->mbx_msgs[i].len && r->mbx_msgs[i].len)
			CHECK(!memcmp(r->mbx_msgs[i].data, s->mbx_msgs[i].data,
				      r->mbx_msgs[i].len));
	}
	CHECK(!memcmp(&r->stats, &s->stats, sizeof(r->stats)));	/* all u64 */
	CHECK(vfmig_dev_image_equal(a, b));
}

/* ---- Tests -------------------------------------------------------------- */

static void test_crc32c_check_value(void)
{
	CHECK_EQ(vfmig_crc32c(0, "123456789", 9), 0xE3069283);
	CHECK_EQ(vfmig_crc32c(vfmig_crc32c(0, "1234", 4), "56789", 5), 0xE3069283);
	CHECK_EQ(vfmig_crc32c(0, "", 0), 0);
}

static void test_round_trip_rich(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p = NULL;
	struct vfmig_stream_writer w;
	const struct vfmig_dev_image *got;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	CHECK_ERR(parse(w.buf, w.len, &p), 0);
	REQUIRE(!IS_ERR_OR_NULL(p));
	CHECK(vfmig_stream_parser_done(p));
	CHECK_EQ(vfmig_stream_parser_offset(p), w.len);
	CHECK_EQ(vfmig_stream_parser_reason(p)[0], 0);
	got = vfmig_stream_parser_image(p);
	check_image_eq(img, got);
	/* concrete values, not only "equal to the input" */
	CHECK_EQ(got->match.device_id, 0x154c);
	CHECK_EQ(got->config.vf.mac[5], 0x55);
	CHECK_EQ(got->config.vlan_filters[9], 9 * 409 + 1);
	CHECK_EQ(got->config.irq_maps[3].rxq_map, 0x8);
	CHECK_EQ(got->runtime.txq[1].head_wb_addr, 0x300004);
	CHECK_EQ(got->runtime.txq[3].enabled, false);
	CHECK_EQ(got->runtime.rxq[2].hdr_buf_size, 256);
	CHECK_EQ(got->runtime.mbx_msgs[2].v_retval, -5);
	CHECK_EQ(got->runtime.mbx_msgs[2].len, 4096);
	CHECK_EQ(got->runtime.mbx_msgs[2].data[4095], (u8)(4095 * 31));
	CHECK(got->runtime.mbx_msgs[1].data == NULL);
	CHECK_EQ(got->runtime.stats.tx_bytes, 0xfedcba98765ULL);
	CHECK_EQ(got->config_stopcopy,
		 BIT(VFMIG_CFG_MAC_FILTERS) | BIT(VFMIG_CFG_PROMISC));
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* The wire layout itself: a second implementation reads these offsets. */
static void test_wire_layout(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	struct sbuf s = { 0 };
	const u8 *b;
	long off;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	b = w.buf;
	CHECK_EQ(vfmig_get_le32(b), VFMIG_TAG_MATCH);
	CHECK_EQ(vfmig_get_le32(b + 4), 0);
	CHECK_EQ(vfmig_get_le64(b + 8), 64);
	CHECK(!memcmp(b + 16, "VFMG", 4));
	CHECK_EQ(vfmig_get_le16(b + 16 + 4), 1);	/* major */
	CHECK_EQ(vfmig_get_le16(b + 16 + 16), 4);	/* num_queue_pairs */
	CHECK_EQ(vfmig_get_le16(b + 16 + 28), 5);	/* num_msix */
	CHECK_EQ(vfmig_get_le32(b + 16 + 40), 0x000b00a1);	/* vf_caps */
	off = find_record(b, w.len, VFMIG_TAG_TXQ, 1);
	REQUIRE(off > 0);
	CHECK_EQ(vfmig_get_le64(b + off + 8), 32);
	CHECK_EQ(vfmig_get_le16(b + off + 16), 1);	/* queue id */
	CHECK_EQ(vfmig_get_le16(b + off + 16 + 2), 3);	/* enabled | head wb */
	CHECK_EQ(vfmig_get_le64(b + off + 16 + 24), 0x300004);
	off = find_record(b, w.len, VFMIG_TAG_STOPCOPY, 0);
	REQUIRE(off > 0);
	CHECK_EQ(vfmig_get_le64(b + off + 8), 0);
	/* END: CRC of everything before its header */
	CHECK_EQ(vfmig_get_le32(b + w.len - 20), VFMIG_TAG_END);
	CHECK_EQ(vfmig_get_le32(b + w.len - 4), vfmig_crc32c(0, b, w.len - 20));
	/* an independent reassembly (the tool the other tests use) agrees */
	restream(w.buf, w.len, &s, edit_copy, NULL);
	CHECK_EQ(s.len, w.len);
	CHECK(s.len == w.len && !memcmp(s.b, w.buf, w.len));
	sb_free(&s);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* The example of docs/stream-format.md, section 6, byte for byte. */
static void test_spec_example(void)
{
	static const u8 spec[136] = {
		0x01, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0,
		0x56, 0x46, 0x4d, 0x47, 0x01, 0, 0, 0, 0x86, 0x80, 0x4c, 0x15, 0x86, 0x80, 0, 0,
		0x04, 0, 0x00, 0x10, 0x12, 0, 0x10, 0, 0x34, 0, 0x40, 0, 0x05, 0, 0, 0,
		0x01, 0, 0, 0, 0x01, 0, 0, 0, 0xa1, 0x00, 0x0b, 0x00, 0x01, 0, 0x09, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x05, 0x01, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0,
		0, 0, 0, 0, 0x94, 0xfc, 0x1a, 0x59,
	};
	struct vfmig_stream_parser *p = NULL;
	struct vfmig_stream_writer w;
	struct vfmig_dev_config *c;
	struct vfmig_match m;

	c = calloc(1, sizeof(*c));
	REQUIRE(c);
	fill_match(&m);
	m.max_mac_filters = 18;
	m.max_vlan_filters = 16;
	m.subsys_device_id = 0;
	m.fw_api_minor = 9;
	c->present = BIT(VFMIG_CFG_PROMISC);
	c->promisc = VFMIG_PROMISC_UNICAST;
	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &m);
	vfmig_stream_put_config(&w, c, c->present);
	vfmig_stream_put_stopcopy(&w);
	CHECK_ERR(vfmig_stream_put_end(&w), 0);
	CHECK_EQ(w.len, sizeof(spec));
	CHECK(w.len == sizeof(spec) && !memcmp(w.buf, spec, sizeof(spec)));
	CHECK_ERR(parse(spec, sizeof(spec), &p), 0);
	REQUIRE(!IS_ERR_OR_NULL(p));
	CHECK_EQ(vfmig_stream_parser_image(p)->config.promisc, 1);
	CHECK_EQ(vfmig_stream_parser_image(p)->match.max_ring_desc, 4096);
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);
	free(c);
}

static void test_split_writes_identical(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *once, *p;
	struct vfmig_stream_writer w;
	u64 seed;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	once = vfmig_stream_parser_new(NULL, NULL);
	REQUIRE(!IS_ERR(once));
	CHECK_ERR(feed(once, w.buf, w.len, SPLIT_ONCE, 0), 0);

	p = vfmig_stream_parser_new(NULL, NULL);
	REQUIRE(!IS_ERR(p));
	CHECK_ERR(feed(p, w.buf, w.len, SPLIT_BYTES, 0), 0);
	CHECK(vfmig_stream_parser_done(p));
	check_image_eq(vfmig_stream_parser_image(once), vfmig_stream_parser_image(p));
	vfmig_stream_parser_free(p);

	for (seed = 1; seed <= 50; seed++) {
		p = vfmig_stream_parser_new(NULL, NULL);
		REQUIRE(!IS_ERR(p));
		CHECK_ERR(feed(p, w.buf, w.len, SPLIT_RANDOM, seed * 7919), 0);
		CHECK(vfmig_dev_image_equal(vfmig_stream_parser_image(once),
					    vfmig_stream_parser_image(p)));
		vfmig_stream_parser_free(p);
	}
	check_image_eq(img, vfmig_stream_parser_image(once));
	vfmig_stream_parser_free(once);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* Zero-length writes are no-ops; a write may span many records. */
static void test_zero_length_write(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p;
	struct vfmig_stream_writer w;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	p = vfmig_stream_parser_new(NULL, NULL);
	REQUIRE(!IS_ERR(p));
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf, 0), 0);
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf, 7), 0);
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf + 7, 0), 0);
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf + 7, w.len - 7), 0);
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf, 0), 0);	/* after END */
	CHECK_ERR(vfmig_stream_parser_finish(p), 0);
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_minimal_stream(void)
{
	struct vfmig_stream_parser *p = NULL;
	struct vfmig_stream_writer w;
	struct vfmig_match m;
	const struct vfmig_dev_image *got;

	fill_match(&m);
	m.num_queue_pairs = 1;
	m.num_msix = 1;
	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &m);
	vfmig_stream_put_stopcopy(&w);
	CHECK_ERR(vfmig_stream_put_end(&w), 0);
	CHECK_EQ(w.len, 16 + 64 + 16 + 16 + 4);
	CHECK_ERR(parse(w.buf, w.len, &p), 0);
	REQUIRE(!IS_ERR_OR_NULL(p));
	got = vfmig_stream_parser_image(p);
	CHECK_EQ(got->config.present, 0);
	CHECK_EQ(got->runtime.present, 0);
	CHECK_EQ(got->runtime.txq_present, 0);
	CHECK_EQ(got->match.num_queue_pairs, 1);
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);
}

static void test_match_not_first(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	long off;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	off = find_record(w.buf, w.len, VFMIG_TAG_VF_CONFIG, 0);
	REQUIRE(off > 0);
	/* the stream without its MATCH */
	EXPECT_REJECT(w.buf + off, w.len - off, -EPROTO, "VF_CONFIG");
	/* garbage */
	EXPECT_REJECT((const u8 *)"hello, this is not a stream at all", 34,
		      -EPROTO, "MATCH");
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_bad_magic(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	w.buf[16] ^= 0x20;	/* "vFMG" */
	EXPECT_REJECT(w.buf, w.len, -EPROTO, "magic");
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_major_mismatch(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	struct sbuf s = { 0 };
	u8 future[200];

	REQUIRE(img);
	img->match.major = 2;
	CHECK_ERR(write_image(&w, img), 0);
	EXPECT_REJECT(w.buf, w.len, -EPROTONOSUPPORT, "MATCH");
	vfmig_stream_writer_release(&w);
	img->match.major = 0;
	CHECK_ERR(write_image(&w, img), 0);
	EXPECT_REJECT(w.buf, w.len, -EPROTONOSUPPORT, "major 1");
	vfmig_stream_writer_release(&w);

	/* a future major with a different, longer MATCH: still told apart */
	memset(future, 0xee, sizeof(future));
	memcpy(future, "VFMG", 4);
	vfmig_put_le16(future + 4, 3);
	vfmig_put_le16(future + 6, 9);
	sb_rec(&s, VFMIG_TAG_MATCH, 0, future, sizeof(future));
	EXPECT_REJECT(s.b, s.len, -EPROTONOSUPPORT, "3.9");
	sb_free(&s);
	vfmig_dev_image_free(img);
}

/* Newer minor: trailing bytes of known records are accepted and ignored. */
static void edit_extend(struct sbuf *out, u32 n, u32 tag, u32 flags,
			const u8 *data, u32 len, void *ctx)
{
	const u32 *which = ctx;
	u8 buf[8192];

	/* STOPCOPY and END never grow */
	if (tag != VFMIG_TAG_STOPCOPY &&
	    (!which[0] || tag == which[0] || tag == which[1] || tag == which[2] ||
	     tag == which[3])) {
		memcpy(buf, data, len);
		memset(buf + len, 0xa5, 40);	/* fields of a future minor */
		sb_rec(out, tag, flags, buf, len + 40);
	} else {
		sb_rec(out, tag, flags, data, len);
	}
}

static void test_minor_newer_extended(void)
{
	static const u32 all[4] = { 0 };
	static const u32 promisc_only[4] = { VFMIG_TAG_PROMISC, ~0u, ~0u, ~0u };
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p = NULL;
	struct vfmig_stream_writer w;
	struct sbuf s = { 0 };

	REQUIRE(img);
	img->match.minor = VFMIG_STREAM_MINOR + 1;
	CHECK_ERR(write_image(&w, img), 0);
	/* every record but END 40 bytes longer */
	restream(w.buf, w.len, &s, edit_extend, (void *)all);
	CHECK_EQ(s.len, w.len + 26 * 40);	/* 28 records, not STOPCOPY, END */
	CHECK_ERR(parse(s.b, s.len, &p), 0);
	REQUIRE(!IS_ERR_OR_NULL(p));
	CHECK(vfmig_stream_parser_done(p));
	check_image_eq(img, vfmig_stream_parser_image(p));
	CHECK_EQ(vfmig_stream_parser_image(p)->match.minor, VFMIG_STREAM_MINOR + 1);
	vfmig_stream_parser_free(p);
	sb_free(&s);
	vfmig_stream_writer_release(&w);

	/* the same extension from a stream of our minor is malformed */
	img->match.minor = VFMIG_STREAM_MINOR;
	CHECK_ERR(write_image(&w, img), 0);
	restream(w.buf, w.len, &s, edit_extend, (void *)promisc_only);
	EXPECT_REJECT(s.b, s.len, -EINVAL, "PROMISC");
	sb_free(&s);
	restream(w.buf, w.len, &s, edit_extend, (void *)all);
	EXPECT_REJECT(s.b, s.len, -EINVAL, "MATCH");
	sb_free(&s);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

struct insert_ctx {
	u32 after;		/* insert after record number @after */
	u32 tag, flags;
	const u8 *data;
	u32 len;
	int count;		/* how many copies */
};

static void edit_insert(struct sbuf *out, u32 n, u32 tag, u32 flags,
			const u8 *data, u32 len, void *ctx)
{
	const struct insert_ctx *c = ctx;
	int i;

	sb_rec(out, tag, flags, data, len);
	if (n == c->after)
		for (i = 0; i < c->count; i++)
			sb_rec(out, c->tag, c->flags, c->data, c->len);
}

/* Insert a record after record @after of the rich stream; parse. */
static void expect_insert(int line, u32 after, u32 tag, u32 flags,
			  const void *data, u32 len, int count, int err,
			  const char *name)
{
	struct insert_ctx c = { after, tag, flags, data, len, count };
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	struct sbuf s = { 0 };

	if (!img)
		abort();
	if (write_image(&w, img))
		abort();
	restream(w.buf, w.len, &s, edit_insert, &c);
	expect_reject_at(line, s.b, s.len, err, name);
	sb_free(&s);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* Record numbers in the rich stream (write_image order). */
#define N_MATCH		1
#define N_PRE_LAST	10	/* IRQ_MAP, last pre-copy CONFIG */
#define N_STOPCOPY	11
#define N_STOP_FIRST	12	/* MAC_FILTERS re-sent */
#define N_TXQ0		14

static void test_record_numbers(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	size_t off = 0;
	u32 n = 0, tags[N_TXQ0 + 1] = { 0 };

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	while (off < w.len && n < N_TXQ0) {
		tags[++n] = vfmig_get_le32(w.buf + off);
		off += 16 + vfmig_get_le64(w.buf + off + 8);
	}
	CHECK_EQ(tags[N_MATCH], VFMIG_TAG_MATCH);
	CHECK_EQ(tags[N_PRE_LAST], VFMIG_TAG_IRQ_MAP);
	CHECK_EQ(tags[N_STOPCOPY], VFMIG_TAG_STOPCOPY);
	CHECK_EQ(tags[N_STOP_FIRST], VFMIG_TAG_MAC_FILTERS);
	CHECK_EQ(tags[N_TXQ0], VFMIG_TAG_TXQ);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_unknown_mandatory_tag(void)
{
	static const u8 data[12] = { 1, 2, 3 };

	expect_insert(__LINE__, N_MATCH, 0x0777, 0, data, sizeof(data), 1,
		      -EOPNOTSUPP, "0x777");
	expect_insert(__LINE__, N_TXQ0, 0x0300, 0, data, 0, 1,
		      -EOPNOTSUPP, "UNKNOWN");
}

static void test_unknown_optional_tag_skipped(void)
{
	static u8 data[60000];
	struct insert_ctx pre = { N_MATCH, 0x7001, VFMIG_REC_F_OPTIONAL, data,
				  sizeof(data), 2 };
	struct insert_ctx post = { N_TXQ0, 0x7002, VFMIG_REC_F_OPTIONAL, data, 0, 1 };
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p = NULL;
	struct vfmig_stream_writer w;
	struct sbuf s = { 0 }, t = { 0 };

	REQUIRE(img);
	memset(data, 0x5a, sizeof(data));
	CHECK_ERR(write_image(&w, img), 0);
	restream(w.buf, w.len, &s, edit_insert, &pre);
	/* and once more, into the stop-copy section, as a 0-byte record */
	restream(s.b, s.len, &t, edit_insert, &post);
	CHECK_EQ(t.len, w.len + 2 * (16 + sizeof(data)) + 16);
	CHECK_ERR(parse(t.b, t.len, &p), 0);
	REQUIRE(!IS_ERR_OR_NULL(p));
	check_image_eq(img, vfmig_stream_parser_image(p));
	vfmig_stream_parser_free(p);
	sb_free(&s);
	sb_free(&t);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* A length too big is refused from the header alone, before any payload. */
static void test_oversize_header(void)
{
	struct vfmig_stream_parser *p;
	struct vfmig_stream_writer w;
	struct vfmig_match m;
	u8 h[16];
	static const struct { u32 tag, flags; u64 len; } cases[] = {
		{ VFMIG_TAG_VF_CONFIG, 0, 1ULL << 40 },
		{ VFMIG_TAG_VF_CONFIG, 0, VFMIG_VF_CONFIG_LEN + VFMIG_REC_EXT_MAX + 1 },
		{ VFMIG_TAG_MAC_FILTERS, 0, 4 + 8 * 1024 + 256 + 1 },
		{ VFMIG_TAG_MBX_MSG, 0, ~0ULL },
		{ 0x7777, VFMIG_REC_F_OPTIONAL, VFMIG_REC_MAX_LEN + 1 },
	};
	size_t i;

	fill_match(&m);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		vfmig_stream_writer_init(&w);
		vfmig_stream_put_match(&w, &m);
		if (cases[i].tag == VFMIG_TAG_MBX_MSG)
			vfmig_stream_put_stopcopy(&w);
		vfmig_put_le32(h, cases[i].tag);
		vfmig_put_le32(h + 4, cases[i].flags);
		vfmig_put_le64(h + 8, cases[i].len);
		p = vfmig_stream_parser_new(NULL, NULL);
		REQUIRE(!IS_ERR(p));
		CHECK_ERR(vfmig_stream_parser_write(p, w.buf, w.len), 0);
		/* header only: no payload byte was sent */
		CHECK_ERR(vfmig_stream_parser_write(p, h, 16), -EMSGSIZE);
		CHECK(strstr(vfmig_stream_parser_reason(p), "length") != NULL);
		if (cases[i].tag != 0x7777)
			CHECK(strstr(vfmig_stream_parser_reason(p),
				     vfmig_stream_tag_name(cases[i].tag)) != NULL);
		vfmig_stream_parser_free(p);
		vfmig_stream_writer_release(&w);
	}

	/* a MATCH header announcing 1 GiB */
	vfmig_put_le32(h, VFMIG_TAG_MATCH);
	vfmig_put_le32(h + 4, 0);
	vfmig_put_le64(h + 8, 1ULL << 30);
	EXPECT_REJECT(h, 16, -EMSGSIZE, "MATCH");
}

/* Write the rich image after @mutate, expect the parser to refuse it. */
typedef void (*mutate_fn)(struct vfmig_dev_image *img);

static void expect_mutation(int line, mutate_fn mutate, int err, const char *tag)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;

	if (!img)
		abort();
	mutate(img);
	if (write_image(&w, img)) {
		printf("#     writer refused the mutation from line %d\n", line);
		vt_failures++;
	} else {
		expect_reject_at(line, w.buf, w.len, err, tag);
	}
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

#define EXPECT_MUTATION(fn, err, tag) expect_mutation(__LINE__, fn, err, tag)

static void mut_txq_id(struct vfmig_dev_image *i)
{
	i->runtime.txq_present |= BIT(4);	/* MATCH says 4 pairs: 0..3 */
	i->runtime.txq[4] = i->runtime.txq[0];
}

static void mut_rxq_id(struct vfmig_dev_image *i)
{
	i->runtime.rxq_present |= BIT(15);
	i->runtime.rxq[15] = i->runtime.rxq[0];
}

static void mut_mac_count(struct vfmig_dev_image *i)
{
	i->config.num_mac_filters = 65;		/* MATCH: 64 */
}

static void mut_vlan_count(struct vfmig_dev_image *i)
{
	i->config.num_vlan_filters = 129;	/* MATCH: 128 */
}

static void mut_lut_count(struct vfmig_dev_image *i)
{
	i->match.rss_lut_size = 32;		/* LUT has 64 */
}

static void mut_lut_entry(struct vfmig_dev_image *i)
{
	i->config.rss_lut[17] = 4;		/* queue 4 of 4 */
}

static void mut_key_len(struct vfmig_dev_image *i)
{
	i->match.rss_key_size = 40;		/* key has 52 */
}

static void mut_irq_map_count(struct vfmig_dev_image *i)
{
	i->match.num_msix = 3;			/* IRQ_MAP has 4 entries */
}

static void mut_irq_map_vector(struct vfmig_dev_image *i)
{
	i->config.irq_maps[3].vector_id = 5;	/* MATCH: 5 vectors, 0..4 */
}

static void mut_irq_map_queue(struct vfmig_dev_image *i)
{
	i->config.irq_maps[0].txq_map = 0x11;	/* queue 4 */
}

static void mut_irq_regs_count(struct vfmig_dev_image *i)
{
	i->config.present &= ~BIT(VFMIG_CFG_IRQ_MAP);
	i->config_precopy &= ~BIT(VFMIG_CFG_IRQ_MAP);
	i->runtime.irq.num_vectors = 6;		/* MATCH: 5 */
}

static void mut_vsi_pairs(struct vfmig_dev_image *i)
{
	i->config.vsi.num_queue_pairs = 5;
}

static void mut_ring_len(struct vfmig_dev_image *i)
{
	i->runtime.rxq[2].ring_len = 4128;	/* MATCH: 4096 */
}

static void mut_match_queues(struct vfmig_dev_image *i)
{
	i->match.num_queue_pairs = 17;
}

static void mut_match_msix(struct vfmig_dev_image *i)
{
	i->match.num_msix = 66;
}

static void mut_match_ring(struct vfmig_dev_image *i)
{
	i->match.max_ring_desc = 8192;
}

static void mut_match_macs(struct vfmig_dev_image *i)
{
	i->match.max_mac_filters = 1025;
}

static void test_count_beyond_match(void)
{
	EXPECT_MUTATION(mut_txq_id, -ERANGE, "TXQ");
	EXPECT_MUTATION(mut_rxq_id, -ERANGE, "queue 15 >= 4");
	EXPECT_MUTATION(mut_mac_count, -ERANGE, "MAC_FILTERS");
	EXPECT_MUTATION(mut_vlan_count, -ERANGE, "VLAN_FILTERS");
	EXPECT_MUTATION(mut_lut_count, -ERANGE, "RSS_LUT");
	EXPECT_MUTATION(mut_lut_entry, -ERANGE, "LUT entry 17");
	EXPECT_MUTATION(mut_key_len, -ERANGE, "RSS_KEY");
	EXPECT_MUTATION(mut_irq_map_count, -ERANGE, "IRQ_MAP");
	EXPECT_MUTATION(mut_irq_map_vector, -ERANGE, "vector 5 >= 5");
	EXPECT_MUTATION(mut_irq_map_queue, -ERANGE, "IRQ_MAP");
	EXPECT_MUTATION(mut_irq_regs_count, -ERANGE, "IRQ_REGS");
	EXPECT_MUTATION(mut_vsi_pairs, -ERANGE, "VSI");
	EXPECT_MUTATION(mut_ring_len, -ERANGE, "RXQ");
	EXPECT_MUTATION(mut_match_queues, -ERANGE, "num_queue_pairs 17");
	EXPECT_MUTATION(mut_match_msix, -ERANGE, "num_msix");
	EXPECT_MUTATION(mut_match_ring, -ERANGE, "max_ring_desc");
	EXPECT_MUTATION(mut_match_macs, -ERANGE, "max_mac_filters");
}

static void test_mbx_msg_limits(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p = NULL;
	struct vfmig_stream_writer w;
	u8 msg[VFMIG_MAX_MBX_MSGS] = { 0 };
	int i;

	REQUIRE(img);
	vfmig_dev_image_clear_mbx_msgs(img);
	for (i = 0; i < VFMIG_MAX_MBX_MSGS; i++)
		CHECK_ERR(vfmig_dev_image_add_mbx_msg(img, (u32)i, 0, msg, (size_t)i), 0);
	CHECK_ERR(vfmig_dev_image_add_mbx_msg(img, 1, 0, msg, 1), -ERANGE);
	CHECK_ERR(write_image(&w, img), 0);
	CHECK_ERR(parse(w.buf, w.len, &p), 0);
	REQUIRE(!IS_ERR_OR_NULL(p));
	CHECK_EQ(vfmig_stream_parser_image(p)->runtime.num_mbx_msgs, 64);
	CHECK_EQ(vfmig_stream_parser_image(p)->runtime.mbx_msgs[63].len, 63);
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);

	/* a 65th message, from a source that does not know the limit */
	vfmig_put_le32(msg, 99);
	expect_insert(__LINE__, N_TXQ0, VFMIG_TAG_MBX_MSG, 0, msg, 12, 62,
		      -ERANGE, "MBX_MSG");
	/* a message longer than the mailbox carries */
	{
		static u8 big[12 + 4097];

		vfmig_put_le32(big + 8, 4097);
		expect_insert(__LINE__, N_TXQ0, VFMIG_TAG_MBX_MSG, 0, big,
			      sizeof(big), 1, -ERANGE, "4097");
		vfmig_put_le32(big + 8, 4096);	/* count and length disagree */
		expect_insert(__LINE__, N_TXQ0, VFMIG_TAG_MBX_MSG, 0, big,
			      sizeof(big), 1, -EINVAL, "MBX_MSG");
	}
	vfmig_dev_image_clear_mbx_msgs(img);
	CHECK_ERR(vfmig_dev_image_add_mbx_msg(img, 1, 0, NULL, 4097), -EMSGSIZE);
	CHECK_ERR(vfmig_dev_image_add_mbx_msg(img, 1, 0, NULL, 1), -EINVAL);
	CHECK_EQ(img->runtime.num_mbx_msgs, 0);
	vfmig_dev_image_free(img);
}

struct dup_ctx {
	u32 tag;
	int nth;		/* duplicate the nth record with @tag */
	int seen;
};

static void edit_dup(struct sbuf *out, u32 n, u32 tag, u32 flags,
		     const u8 *data, u32 len, void *ctx)
{
	struct dup_ctx *c = ctx;

	sb_rec(out, tag, flags, data, len);
	if (tag == c->tag && c->seen++ == c->nth)
		sb_rec(out, tag, flags, data, len);
}

static void expect_dup(int line, u32 tag, int nth, int err, const char *name)
{
	struct dup_ctx c = { tag, nth, 0 };
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	struct sbuf s = { 0 };

	if (!img || write_image(&w, img))
		abort();
	restream(w.buf, w.len, &s, edit_dup, &c);
	expect_reject_at(line, s.b, s.len, err, name);
	sb_free(&s);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_duplicates(void)
{
	expect_dup(__LINE__, VFMIG_TAG_VF_CONFIG, 0, -EEXIST, "VF_CONFIG");
	expect_dup(__LINE__, VFMIG_TAG_MAC_FILTERS, 0, -EEXIST, "pre-copy");
	expect_dup(__LINE__, VFMIG_TAG_MAC_FILTERS, 1, -EEXIST, "stop-copy");
	expect_dup(__LINE__, VFMIG_TAG_TXQ, 2, -EEXIST, "queue 2 already");
	expect_dup(__LINE__, VFMIG_TAG_RXQ, 0, -EEXIST, "RXQ");
	expect_dup(__LINE__, VFMIG_TAG_STATS, 0, -EEXIST, "STATS");
	expect_dup(__LINE__, VFMIG_TAG_IRQ_REGS, 0, -EEXIST, "IRQ_REGS");
	/* ordering errors are EPROTO, with their own reasons */
	expect_dup(__LINE__, VFMIG_TAG_MATCH, 0, -EPROTO, "second MATCH");
	expect_dup(__LINE__, VFMIG_TAG_STOPCOPY, 0, -EPROTO, "second STOPCOPY");
}

static void test_ordering(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	struct vfmig_match m;
	u8 txq[VFMIG_TXQ_LEN] = { 0 };
	u8 crc[4] = { 0 };

	REQUIRE(img);
	fill_match(&m);
	/* RUNTIME in the pre-copy section */
	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &m);
	vfmig_stream_put_config(&w, &img->config, VFMIG_CFG_ALL);
	vfmig_stream_put_raw(&w, VFMIG_TAG_TXQ, 0, txq, sizeof(txq));
	EXPECT_REJECT(w.buf, w.len, -EPROTO, "before the STOPCOPY");
	vfmig_stream_writer_release(&w);
	/* END in the pre-copy section */
	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &m);
	vfmig_put_le32(crc, w.crc);
	vfmig_stream_put_raw(&w, VFMIG_TAG_END, 0, crc, sizeof(crc));
	EXPECT_REJECT(w.buf, w.len, -EPROTO, "END before");
	vfmig_stream_writer_release(&w);
	/* the writer refuses the same */
	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &m);
	CHECK_ERR(vfmig_stream_put_runtime(&w, &img->runtime), -EPROTO);
	CHECK_ERR(vfmig_stream_put_end(&w), -EPROTO);	/* latched */
	vfmig_stream_writer_release(&w);
	vfmig_stream_writer_init(&w);
	CHECK_ERR(vfmig_stream_put_stopcopy(&w), -EPROTO);
	vfmig_stream_writer_release(&w);
	vfmig_stream_writer_init(&w);
	CHECK_ERR(vfmig_stream_put_match(&w, &m), 0);
	CHECK_ERR(vfmig_stream_put_match(&w, &m), -EPROTO);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* A CONFIG record re-sent after STOPCOPY replaces the pre-copy one. */
static void test_config_resent_replaces(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p = NULL;
	const struct vfmig_dev_image *got;
	struct vfmig_stream_writer w;
	struct vfmig_dev_config *later;

	REQUIRE(img);
	later = calloc(1, sizeof(*later));
	REQUIRE(later);
	*later = img->config;
	later->num_mac_filters = 2;
	later->mac_filters[1].addr[5] = 0xee;
	later->promisc = 0;
	later->rss_lut_len = 16;
	later->present = BIT(VFMIG_CFG_MAC_FILTERS) | BIT(VFMIG_CFG_PROMISC) |
			 BIT(VFMIG_CFG_RSS_LUT);

	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &img->match);
	vfmig_stream_put_config(&w, &img->config, VFMIG_CFG_ALL);
	vfmig_stream_put_stopcopy(&w);
	vfmig_stream_put_config(&w, later, later->present);
	vfmig_stream_put_runtime(&w, &img->runtime);
	CHECK_ERR(vfmig_stream_put_end(&w), 0);

	CHECK_ERR(parse(w.buf, w.len, &p), 0);
	REQUIRE(!IS_ERR_OR_NULL(p));
	got = vfmig_stream_parser_image(p);
	CHECK_EQ(got->config_precopy, VFMIG_CFG_ALL);
	CHECK_EQ(got->config_stopcopy, later->present);
	CHECK_EQ(got->config.present, VFMIG_CFG_ALL);
	CHECK_EQ(got->config.num_mac_filters, 2);
	CHECK_EQ(got->config.mac_filters[1].addr[5], 0xee);
	/* entries of the longer pre-copy list are gone, not left behind */
	CHECK_EQ(got->config.mac_filters[2].addr[5], 0);
	CHECK_EQ(got->config.mac_filters[4].type, 0);
	CHECK_EQ(got->config.promisc, 0);
	CHECK_EQ(got->config.rss_lut_len, 16);
	CHECK_EQ(got->config.rss_lut[20], 0);
	/* untouched records keep their pre-copy value */
	CHECK_EQ(got->config.num_vlan_filters, 10);
	CHECK_EQ(got->config.vf.link_speed, 40000);
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);
	free(later);
	vfmig_dev_image_free(img);
}

static void test_bad_crc(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	long off;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	/* a stats counter: any value is valid, only the CRC can notice */
	off = find_record(w.buf, w.len, VFMIG_TAG_STATS, 0);
	REQUIRE(off > 0);
	w.buf[off + 16 + 50] ^= 0x10;
	EXPECT_REJECT(w.buf, w.len, -EBADMSG, "END");
	w.buf[off + 16 + 50] ^= 0x10;
	/* the CRC itself */
	w.buf[w.len - 1] ^= 0x80;
	EXPECT_REJECT(w.buf, w.len, -EBADMSG, "CRC32C");
	w.buf[w.len - 1] ^= 0x80;
	/* a mailbox message byte */
	off = find_record(w.buf, w.len, VFMIG_TAG_MBX_MSG, 2);
	REQUIRE(off > 0);
	w.buf[off + 16 + 12 + 2000] ^= 1;
	EXPECT_REJECT(w.buf, w.len, -EBADMSG, "END");
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_data_after_end(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p;
	struct vfmig_stream_writer w;
	struct sbuf s = { 0 };

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	sb_put(&s, w.buf, w.len);
	sb_put(&s, "", 1);
	EXPECT_REJECT(s.b, s.len, -ENOSPC, "after END");
	sb_put(&s, w.buf, w.len);	/* two streams back to back */
	EXPECT_REJECT(s.b, s.len, -ENOSPC, "END");

	/* in separate writes: the stream is done, the extra byte still fails */
	p = vfmig_stream_parser_new(NULL, NULL);
	REQUIRE(!IS_ERR(p));
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf, w.len), 0);
	CHECK(vfmig_stream_parser_done(p));
	CHECK_ERR(vfmig_stream_parser_write(p, "x", 1), -ENOSPC);
	CHECK(!vfmig_stream_parser_done(p));
	CHECK_ERR(vfmig_stream_parser_finish(p), -ENOSPC);
	vfmig_stream_parser_free(p);
	sb_free(&s);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_truncation_every_position(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p;
	struct vfmig_stream_writer w;
	size_t cut, bad = 0;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	for (cut = 0; cut < w.len; cut++) {
		p = vfmig_stream_parser_new(NULL, NULL);
		REQUIRE(!IS_ERR(p));
		if (vfmig_stream_parser_write(p, w.buf, cut) != 0 ||
		    vfmig_stream_parser_done(p) ||
		    vfmig_stream_parser_finish(p) != -ENODATA ||
		    vfmig_stream_parser_done(p) ||
		    !strstr(vfmig_stream_parser_reason(p), "END") ||
		    vfmig_stream_parser_write(p, w.buf + cut, w.len - cut) != -ENODATA)
			bad++;
		vfmig_stream_parser_free(p);
	}
	CHECK_EQ(bad, 0);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_latched_error(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_parser *p;
	struct vfmig_stream_writer w;
	char reason[256];
	long off;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	off = find_record(w.buf, w.len, VFMIG_TAG_PROMISC, 0);
	REQUIRE(off > 0);
	w.buf[off + 16] = 0x04;		/* undefined promisc bit */
	p = vfmig_stream_parser_new(NULL, NULL);
	REQUIRE(!IS_ERR(p));
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf, (size_t)off + 20), -EINVAL);
	snprintf(reason, sizeof(reason), "%s", vfmig_stream_parser_reason(p));
	CHECK(strstr(reason, "PROMISC") != NULL);
	CHECK(strstr(reason, "record 6 ") != NULL);
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf + off + 20, 1), -EINVAL);
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf, 0), -EINVAL);
	CHECK_ERR(vfmig_stream_parser_finish(p), -EINVAL);
	CHECK_ERR(vfmig_stream_parser_finish(p), -EINVAL);
	CHECK(!strcmp(reason, vfmig_stream_parser_reason(p)));
	CHECK_EQ(vfmig_stream_parser_offset(p), off + 20);
	/* what came before the bad record is in the image, whole */
	CHECK_EQ(vfmig_stream_parser_image(p)->config.present,
		 BIT(VFMIG_CFG_VF_CONFIG) | BIT(VFMIG_CFG_VSI) |
		 BIT(VFMIG_CFG_MAC_FILTERS) | BIT(VFMIG_CFG_VLAN_FILTERS));
	CHECK_EQ(vfmig_stream_parser_image(p)->config.promisc, 0);
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

struct cb_state {
	int calls;
	u32 present_at_call;
	const struct vfmig_stream_parser *p;
	u16 want_queues;
	struct vfmig_match seen;
};

static int match_cb(void *ctx, const struct vfmig_match *m, char *reason,
		    size_t reason_len)
{
	struct cb_state *st = ctx;

	st->calls++;
	st->seen = *m;
	if (st->p)
		st->present_at_call = vfmig_stream_parser_image(st->p)->config.present;
	if (m->num_queue_pairs > st->want_queues) {
		snprintf(reason, reason_len,
			 "VF has %u queue pairs, this host's VFs have %u",
			 m->num_queue_pairs, st->want_queues);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void test_match_cb(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct cb_state st = { 0 };
	struct vfmig_stream_parser *p;
	struct vfmig_stream_writer w;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);

	st.want_queues = 2;
	p = vfmig_stream_parser_new(match_cb, &st);
	REQUIRE(!IS_ERR(p));
	st.p = p;
	CHECK_ERR(vfmig_stream_parser_write(p, w.buf, w.len), -EOPNOTSUPP);
	CHECK_EQ(st.calls, 1);
	CHECK_EQ(st.present_at_call, 0);
	CHECK_EQ(st.seen.num_queue_pairs, 4);
	CHECK(strstr(vfmig_stream_parser_reason(p), "MATCH") != NULL);
	CHECK(strstr(vfmig_stream_parser_reason(p),
		     "VF has 4 queue pairs, this host's VFs have 2") != NULL);
	/* refused right after MATCH: nothing else was read */
	CHECK_EQ(vfmig_stream_parser_image(p)->config.present, 0);
	vfmig_stream_parser_free(p);

	memset(&st, 0, sizeof(st));
	st.want_queues = 16;
	p = vfmig_stream_parser_new(match_cb, &st);
	REQUIRE(!IS_ERR(p));
	CHECK_ERR(feed(p, w.buf, w.len, SPLIT_BYTES, 0), 0);
	CHECK_EQ(st.calls, 1);
	CHECK_EQ(st.seen.vf_caps, 0x000b00a1);
	CHECK_EQ(st.seen.fw_api_minor, 12);
	vfmig_stream_parser_free(p);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_size_functions(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	struct vfmig_dev_runtime *empty;
	size_t before, total = 0;
	u32 mask;

	REQUIRE(img);
	empty = calloc(1, sizeof(*empty));
	REQUIRE(empty);
	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &img->match);
	CHECK_EQ(w.len, vfmig_stream_match_size());
	total += w.len;
	for (mask = 0; mask <= VFMIG_CFG_ALL; mask += 37) {
		before = w.len;
		CHECK_ERR(vfmig_stream_put_config(&w, &img->config, mask), 0);
		CHECK_EQ(w.len - before, vfmig_stream_config_size(&img->config, mask));
		total += w.len - before;
	}
	before = w.len;
	vfmig_stream_put_stopcopy(&w);
	CHECK_EQ(w.len - before, vfmig_stream_stopcopy_size());
	total += w.len - before;
	before = w.len;
	CHECK_ERR(vfmig_stream_put_runtime(&w, &img->runtime), 0);
	CHECK_EQ(w.len - before, vfmig_stream_runtime_size(&img->runtime));
	total += w.len - before;
	/* 4+4 queues, IRQ_REGS of 5 vectors, MBX_REGS, 3 messages, STATS */
	CHECK_EQ(vfmig_stream_runtime_size(&img->runtime),
		 8 * 48 + (16 + 12 + 5 * 16) + (16 + 40) +
		 (3 * 28 + 40 + 4096) + (16 + 96));
	before = w.len;
	CHECK_ERR(vfmig_stream_put_runtime(&w, empty), 0);
	CHECK_EQ(w.len, before);
	CHECK_EQ(vfmig_stream_runtime_size(empty), 0);
	before = w.len;
	vfmig_stream_put_end(&w);
	CHECK_EQ(w.len - before, vfmig_stream_end_size());
	total += w.len - before;
	CHECK_EQ(total, w.len);
	CHECK_ERR(vfmig_stream_writer_error(&w), 0);
	CHECK_EQ(vfmig_stream_config_size(&img->config, VFMIG_CFG_ALL),
		 9 * 16 + 20 + 8 + (4 + 5 * 8) + (4 + 10 * 2) + 4 + (4 + 52) +
		 (4 + 64) + 8 + (4 + 4 * 10));
	/* what the writer would refuse has no size */
	img->config.present &= ~BIT(VFMIG_CFG_VSI);
	CHECK_EQ(vfmig_stream_config_size(&img->config, VFMIG_CFG_ALL), 0);
	img->runtime.irq.num_vectors = VFMIG_MAX_MSIX + 1;
	CHECK_EQ(vfmig_stream_runtime_size(&img->runtime), 0);
	vfmig_stream_writer_release(&w);
	free(empty);
	vfmig_dev_image_free(img);
}

static void test_writer_refuses(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	CHECK_ERR(vfmig_stream_put_raw(&w, 0x7777, 1, "x", 1), 0);
	CHECK_ERR(vfmig_stream_put_config(&w, &img->config, 1), -ENOSPC);
	CHECK_ERR(vfmig_stream_put_raw(&w, 0x7777, 1, "x", 1), -ENOSPC);
	vfmig_stream_writer_release(&w);

	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &img->match);
	img->config.present &= ~BIT(VFMIG_CFG_RSS_KEY);
	CHECK_ERR(vfmig_stream_put_config(&w, &img->config, VFMIG_CFG_ALL), -EINVAL);
	vfmig_stream_writer_release(&w);

	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &img->match);
	vfmig_stream_put_stopcopy(&w);
	img->runtime.num_mbx_msgs = VFMIG_MAX_MBX_MSGS + 1;
	CHECK_ERR(vfmig_stream_put_runtime(&w, &img->runtime), -EINVAL);
	img->runtime.num_mbx_msgs = 3;
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* Field checks: each makes a record malformed, -EINVAL with the tag named. */

static void mut_txq_head(struct vfmig_dev_image *i)
{
	i->runtime.txq[2].head = 512;
}

static void mut_txq_wb_off(struct vfmig_dev_image *i)
{
	i->runtime.txq[0].head_wb_addr = 8;
}

static void mut_txq_wb_align(struct vfmig_dev_image *i)
{
	i->runtime.txq[1].head_wb_addr = 0x300002;
}

static void mut_txq_base(struct vfmig_dev_image *i)
{
	i->runtime.txq[0].ring_base += 64;
}

static void mut_rxq_desc(struct vfmig_dev_image *i)
{
	i->runtime.rxq[1].desc_size = 24;
}

static void mut_rxq_tail(struct vfmig_dev_image *i)
{
	i->runtime.rxq[3].tail = 1024;
}

static void mut_rxq_pkt(struct vfmig_dev_image *i)
{
	i->runtime.rxq[0].max_pkt_size = 63;
}

static void mut_rxq_buf(struct vfmig_dev_image *i)
{
	i->runtime.rxq[0].data_buf_size = 16384;
}

static void mut_vlan_id(struct vfmig_dev_image *i)
{
	i->config.vlan_filters[3] = 4096;
}

static void mut_mac_type(struct vfmig_dev_image *i)
{
	i->config.mac_filters[2].type = 3;
}

static void mut_promisc(struct vfmig_dev_image *i)
{
	i->config.promisc = 4;
}

static void mut_vf_flags(struct vfmig_dev_image *i)
{
	i->config.vf.flags |= BIT(9);
}

static void mut_vf_dei(struct vfmig_dev_image *i)
{
	i->config.vf.port_vlan |= BIT(12);
}

static void mut_vf_frame(struct vfmig_dev_image *i)
{
	i->config.vf.max_frame = 9729;
}

static void mut_irq_dup(struct vfmig_dev_image *i)
{
	i->config.irq_maps[2].vector_id = 1;
}

static void mut_irq_share(struct vfmig_dev_image *i)
{
	i->config.irq_maps[2].rxq_map |= 1;
}

static void mut_irq_itr(struct vfmig_dev_image *i)
{
	i->config.irq_maps[0].txitr_idx = 4;
}

static void mut_empty_key(struct vfmig_dev_image *i)
{
	i->config.rss_key_len = 0;
}

static void mut_match_ring32(struct vfmig_dev_image *i)
{
	i->match.max_ring_desc = 4000 + 16;
}


static void test_field_validation(void)
{
	EXPECT_MUTATION(mut_txq_head, -EINVAL, "TXQ");
	EXPECT_MUTATION(mut_txq_wb_off, -EINVAL, "write-back off");
	EXPECT_MUTATION(mut_txq_wb_align, -EINVAL, "write-back on");
	EXPECT_MUTATION(mut_txq_base, -EINVAL, "ring base");
	EXPECT_MUTATION(mut_rxq_desc, -EINVAL, "16 or 32");
	EXPECT_MUTATION(mut_rxq_tail, -EINVAL, "RXQ");
	EXPECT_MUTATION(mut_rxq_pkt, -EINVAL, "max packet");
	EXPECT_MUTATION(mut_rxq_buf, -EINVAL, "data buffer");
	EXPECT_MUTATION(mut_vlan_id, -EINVAL, "VLAN_FILTERS");
	EXPECT_MUTATION(mut_mac_type, -EINVAL, "MAC_FILTERS");
	EXPECT_MUTATION(mut_promisc, -EINVAL, "PROMISC");
	EXPECT_MUTATION(mut_vf_flags, -EINVAL, "VF_CONFIG");
	EXPECT_MUTATION(mut_vf_dei, -EINVAL, "bit 12");
	EXPECT_MUTATION(mut_vf_frame, -EINVAL, "max_frame");
	EXPECT_MUTATION(mut_irq_dup, -EINVAL, "mapped twice");
	EXPECT_MUTATION(mut_irq_share, -EINVAL, "shares queues");
	EXPECT_MUTATION(mut_irq_itr, -EINVAL, "ITR");
	EXPECT_MUTATION(mut_empty_key, -EINVAL, "RSS_KEY");
	EXPECT_MUTATION(mut_match_ring32, -EINVAL, "multiple of 32");
}

/* Header-level malformations that no writer call produces. */
static void test_header_validation(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	long off;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	/* undefined record flag */
	off = find_record(w.buf, w.len, VFMIG_TAG_VSI, 0);
	REQUIRE(off > 0);
	w.buf[off + 4] = 0x02;
	EXPECT_REJECT(w.buf, w.len, -EINVAL, "VSI");
	w.buf[off + 4] = 0x01;	/* OPTIONAL on a known record: still read */
	EXPECT_REJECT(w.buf, w.len, -EBADMSG, "END");
	w.buf[off + 4] = 0;
	/* OPTIONAL on END (outside the CRC) */
	w.buf[w.len - 20 + 4] = 0x01;
	EXPECT_REJECT(w.buf, w.len, -EINVAL, "END");
	w.buf[w.len - 20 + 4] = 0;
	/* a fixed record one byte short: the layout does not fit */
	off = find_record(w.buf, w.len, VFMIG_TAG_STATS, 0);
	REQUIRE(off > 0);
	w.buf[off + 8] = VFMIG_STATS_LEN - 1;
	EXPECT_REJECT(w.buf, w.len, -EINVAL, "STATS");
	w.buf[off + 8] = VFMIG_STATS_LEN;
	/* STOPCOPY with a payload: longer than its maximum, 0 */
	off = find_record(w.buf, w.len, VFMIG_TAG_STOPCOPY, 0);
	REQUIRE(off > 0);
	w.buf[off + 8] = 1;
	EXPECT_REJECT(w.buf, w.len, -EMSGSIZE, "STOPCOPY");
	w.buf[off + 8] = 0;
	/* nonzero reserved bytes in MATCH */
	w.buf[16 + 60] = 1;
	EXPECT_REJECT(w.buf, w.len, -EINVAL, "reserved");
	w.buf[16 + 60] = 0;
	EXPECT_REJECT(w.buf, w.len - 1, -ENODATA, "END");
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/* Every single-bit flip of a valid stream is refused, never accepted. */
static void test_bit_flip_sweep(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;
	struct vfmig_stream_parser *p;
	size_t bit, accepted = 0, no_reason = 0, runs = 0;
	u8 *buf;
	int ret;

	REQUIRE(img);
	/* a smaller stream keeps the sweep fast: drop the 4 KiB message */
	img->runtime.mbx_msgs[2].len = 100;
	CHECK_ERR(write_image(&w, img), 0);
	buf = malloc(w.len);
	REQUIRE(buf);
	for (bit = 0; bit < w.len * 8; bit++) {
		memcpy(buf, w.buf, w.len);
		buf[bit / 8] ^= (u8)(1u << (bit % 8));
		p = vfmig_stream_parser_new(NULL, NULL);
		REQUIRE(!IS_ERR(p));
		ret = feed(p, buf, w.len, bit % 3 ? SPLIT_ONCE : SPLIT_RANDOM, bit);
		if (ret == 0 || vfmig_stream_parser_done(p))
			accepted++;
		if (!vfmig_stream_parser_reason(p)[0])
			no_reason++;
		vfmig_stream_parser_free(p);
		runs++;
	}
	CHECK_EQ(runs, w.len * 8);
	CHECK_EQ(accepted, 0);
	CHECK_EQ(no_reason, 0);
	free(buf);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static u64 trace_records, trace_last_tag;

static void trace_hook(void *ctx, const char *event, u64 a, u64 b)
{
	if (!strcmp(event, "stream.record")) {
		trace_records++;
		trace_last_tag = a;
	}
}

static void test_trace_and_names(void)
{
	struct vfmig_dev_image *img = rich_image();
	struct vfmig_stream_writer w;

	REQUIRE(img);
	CHECK_ERR(write_image(&w, img), 0);
	trace_records = 0;
	vfmig_set_trace_hook(trace_hook, NULL);
	CHECK_ERR(parse(w.buf, w.len, NULL), 0);
	vfmig_set_trace_hook(NULL, NULL);
	/* 1 MATCH + 9 CONFIG + STOPCOPY + 2 CONFIG + 8 queues + 2 regs + 3 msgs + STATS + END */
	CHECK_EQ(trace_records, 28);
	CHECK_EQ(trace_last_tag, VFMIG_TAG_END);
	CHECK(!strcmp(vfmig_stream_tag_name(VFMIG_TAG_RXQ), "RXQ"));
	CHECK(!strcmp(vfmig_stream_tag_name(VFMIG_TAG_IRQ_MAP), "IRQ_MAP"));
	CHECK(!strcmp(vfmig_stream_tag_name(0x4242), "UNKNOWN"));
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void test_image_equal_detects(void)
{
	struct vfmig_dev_image *a = rich_image(), *b = rich_image();

	REQUIRE(a && b);
	CHECK(vfmig_dev_image_equal(a, b));
	b->runtime.mbx_msgs[2].data[100] ^= 1;
	CHECK(!vfmig_dev_image_equal(a, b));
	b->runtime.mbx_msgs[2].data[100] ^= 1;
	b->runtime.rxq[3].crc_strip = !b->runtime.rxq[3].crc_strip;
	CHECK(!vfmig_dev_image_equal(a, b));
	b->runtime.rxq[3].crc_strip = !b->runtime.rxq[3].crc_strip;
	b->config.irq_maps[3].txitr_idx = 2;
	CHECK(!vfmig_dev_image_equal(a, b));
	b->config.irq_maps[3].txitr_idx = 1;
	b->config_stopcopy = 0;
	CHECK(!vfmig_dev_image_equal(a, b));
	b->config_stopcopy = a->config_stopcopy;
	/* bytes past a count are not state */
	b->config.vlan_filters[100] = 7;
	CHECK(vfmig_dev_image_equal(a, b));
	vfmig_dev_image_free(a);
	vfmig_dev_image_free(b);
}

int main(void)
{
	RUN(test_crc32c_check_value);
	RUN(test_round_trip_rich);
	RUN(test_wire_layout);
	RUN(test_spec_example);
	RUN(test_split_writes_identical);
	RUN(test_zero_length_write);
	RUN(test_minimal_stream);
	RUN(test_record_numbers);
	RUN(test_match_not_first);
	RUN(test_bad_magic);
	RUN(test_major_mismatch);
	RUN(test_minor_newer_extended);
	RUN(test_unknown_mandatory_tag);
	RUN(test_unknown_optional_tag_skipped);
	RUN(test_oversize_header);
	RUN(test_count_beyond_match);
	RUN(test_mbx_msg_limits);
	RUN(test_duplicates);
	RUN(test_ordering);
	RUN(test_config_resent_replaces);
	RUN(test_bad_crc);
	RUN(test_data_after_end);
	RUN(test_truncation_every_position);
	RUN(test_latched_error);
	RUN(test_match_cb);
	RUN(test_size_functions);
	RUN(test_writer_refuses);
	RUN(test_field_validation);
	RUN(test_header_validation);
	RUN(test_bit_flip_sweep);
	RUN(test_trace_and_names);
	RUN(test_image_equal_detects);
	return vt_done();
}
