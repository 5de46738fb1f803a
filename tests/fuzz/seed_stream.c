// SPDX-License-Identifier: GPL-2.0-only
/*
 * seed_stream DIR: write the seed corpus of fuzz_stream into DIR.
 *
 * One file per stream shape, each a valid stream (checked here with the
 * parser before it is written) in the fuzz_stream input format: one control
 * byte choosing how the fuzzer splits the stream into writes (0 = one write,
 * 1 = byte by byte, else pseudo-random chunks), then the stream.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vfmig/osdep.h>
#include <vfmig/devstate.h>
#include <vfmig/stream.h>

static const char *out_dir;
static int written;

static void die(const char *what)
{
	fprintf(stderr, "seed_stream: %s\n", what);
	exit(1);
}

static struct vfmig_dev_image *new_image(u16 nqp, u16 msix)
{
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	struct vfmig_match *m;

	if (IS_ERR(img))
		die("out of memory");
	m = &img->match;
	m->major = VFMIG_STREAM_MAJOR;
	m->minor = VFMIG_STREAM_MINOR;
	m->vendor_id = 0x8086;
	m->device_id = 0x154c;
	m->subsys_vendor_id = 0x8086;
	m->subsys_device_id = 0x0000;
	m->num_queue_pairs = nqp;
	m->max_ring_desc = 4096;
	m->max_mac_filters = 18;
	m->max_vlan_filters = 16;
	m->rss_key_size = 52;
	m->rss_lut_size = 64;
	m->num_msix = msix;
	m->virtchnl_major = 1;
	m->virtchnl_minor = 1;
	m->vf_caps = 0x000b00a1;
	m->fw_api_major = 1;
	m->fw_api_minor = 9;
	return img;
}

/* VF_CONFIG, VSI, a few filters, RSS and an IRQ map over all queues. */
static void basic_config(struct vfmig_dev_image *img)
{
	struct vfmig_dev_config *c = &img->config;
	u16 nqp = img->match.num_queue_pairs;
	u32 i;

	c->present = VFMIG_CFG_ALL;
	memcpy(c->vf.mac, "\x02\x00\x5e\x10\x20\x30", 6);
	c->vf.flags = VFMIG_VF_SPOOFCHK | VFMIG_VF_LINK_UP;
	c->vf.link_speed = 10000;
	c->vf.max_frame = 1518;
	c->vsi.vsi_id = 9;
	c->vsi.num_queue_pairs = nqp;
	c->num_mac_filters = 2;
	memcpy(c->mac_filters[0].addr, c->vf.mac, 6);
	c->mac_filters[0].type = VFMIG_MAC_TYPE_PRIMARY;
	memcpy(c->mac_filters[1].addr, "\x01\x00\x5e\x00\x00\xfb", 6);
	c->mac_filters[1].type = VFMIG_MAC_TYPE_EXTRA;
	c->num_vlan_filters = 2;
	c->vlan_filters[0] = 0;
	c->vlan_filters[1] = 42;
	c->rss_key_len = img->match.rss_key_size;
	for (i = 0; i < c->rss_key_len; i++)
		c->rss_key[i] = (u8)(0x6d + i * 13);
	c->rss_lut_len = img->match.rss_lut_size;
	for (i = 0; i < c->rss_lut_len; i++)
		c->rss_lut[i] = (u8)(i % nqp);
	c->rss_hena = 0x7fffe0000000ULL;
	c->num_irq_maps = 0;
	for (i = 0; i < nqp && i + 1 < img->match.num_msix; i++) {
		struct vfmig_irq_map *map = &c->irq_maps[c->num_irq_maps++];

		map->vector_id = (u16)(i + 1);
		map->rxq_map = (u16)BIT(i);
		map->txq_map = (u16)BIT(i);
		map->txitr_idx = 1;
	}
	img->config_precopy = VFMIG_CFG_ALL;
}

/* Queues 0..n-1 configured and running, register shadow, stats. */
static void basic_runtime(struct vfmig_dev_image *img, u32 nq, u16 ring)
{
	struct vfmig_dev_runtime *rt = &img->runtime;
	u32 q, i;

	for (q = 0; q < nq; q++) {
		rt->txq[q].ring_base = 0x10000000ULL + q * 0x20000ULL;
		rt->txq[q].ring_len = ring;
		rt->txq[q].head = (u16)((q * 37) % ring);
		rt->txq[q].tail = (u16)((q * 37 + 5) % ring);
		rt->txq[q].enabled = true;
		rt->rxq[q].ring_base = 0x20000000ULL + q * 0x20000ULL;
		rt->rxq[q].ring_len = ring;
		rt->rxq[q].head = (u16)((q * 41 + 1) % ring);
		rt->rxq[q].tail = (u16)((q * 41) % ring);
		rt->rxq[q].desc_size = 32;
		rt->rxq[q].data_buf_size = 2048;
		rt->rxq[q].max_pkt_size = 1522;
		rt->rxq[q].enabled = true;
		rt->rxq[q].crc_strip = true;
		rt->txq_present |= BIT(q);
		rt->rxq_present |= BIT(q);
	}
	rt->present = VFMIG_RT_ALL;
	rt->irq.icr0_ena = 0x40000000;
	rt->irq.num_vectors = img->match.num_msix;
	for (i = 0; i < rt->irq.num_vectors; i++) {
		rt->irq.vec[i].dyn_ctl = 0x1 | (3u << 3);
		rt->irq.vec[i].itr[0] = 0x32;
		rt->irq.vec[i].itr[1] = 0x7a;
	}
	rt->mbx.atq = (struct vfmig_mbx_queue_regs){ 0x3000, 0, 0x80000020, 7, 7 };
	rt->mbx.arq = (struct vfmig_mbx_queue_regs){ 0x4000, 0, 0x80000020, 2, 1 };
	rt->stats.rx_bytes = 123456789;
	rt->stats.rx_unicast = 1000;
	rt->stats.tx_bytes = 987654321;
	rt->stats.tx_unicast = 2000;
}

/* A source's stream: pre-copy config, marker, re-sent config, runtime, END. */
static void encode(struct vfmig_stream_writer *w,
		   const struct vfmig_dev_image *img)
{
	vfmig_stream_writer_init(w);
	vfmig_stream_put_match(w, &img->match);
	vfmig_stream_put_config(w, &img->config, img->config_precopy);
	vfmig_stream_put_stopcopy(w);
	vfmig_stream_put_config(w, &img->config, img->config_stopcopy);
	vfmig_stream_put_runtime(w, &img->runtime);
	vfmig_stream_put_end(w);
	if (vfmig_stream_writer_error(w))
		die("writer failed");
}

static void emit(const char *name, u8 ctl, const u8 *s, size_t len)
{
	struct vfmig_stream_parser *p = vfmig_stream_parser_new(NULL, NULL);
	char path[4096];
	FILE *f;

	if (IS_ERR(p))
		die("out of memory");
	if (vfmig_stream_parser_write(p, s, len) || vfmig_stream_parser_finish(p)) {
		fprintf(stderr, "seed_stream: %s is not valid: %s\n", name,
			vfmig_stream_parser_reason(p));
		exit(1);
	}
	vfmig_stream_parser_free(p);

	snprintf(path, sizeof(path), "%s/%02d-%s", out_dir, ++written, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&ctl, 1, 1, f) != 1 || fwrite(s, 1, len, f) != len ||
	    fclose(f)) {
		fprintf(stderr, "seed_stream: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void emit_image(const char *name, u8 ctl, struct vfmig_dev_image *img)
{
	struct vfmig_stream_writer w;

	encode(&w, img);
	emit(name, ctl, vfmig_stream_writer_data(&w), vfmig_stream_writer_len(&w));
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

/*
 * Copy the records of a complete stream into @out, growing every record
 * except STOPCOPY and END by @extra bytes of future fields (valid when
 * MATCH announces a newer minor) and inserting an OPTIONAL record of an
 * unknown tag after record @opt_after; END is recomputed.
 */
static void rewrite(struct vfmig_stream_writer *out, const u8 *s, size_t len,
		    u32 extra, u32 opt_after)
{
	static u8 buf[VFMIG_REC_MAX_LEN];
	size_t off = 0;
	u32 n = 0;
	u8 crc[4];

	vfmig_stream_writer_init(out);
	while (off + VFMIG_REC_HDR_LEN <= len) {
		u32 tag = vfmig_get_le32(s + off);
		u32 flags = vfmig_get_le32(s + off + 4);
		size_t rlen = (size_t)vfmig_get_le64(s + off + 8);
		u32 grow = (tag == VFMIG_TAG_STOPCOPY) ? 0 : extra;

		if (tag == VFMIG_TAG_END)
			break;
		memcpy(buf, s + off + VFMIG_REC_HDR_LEN, rlen);
		memset(buf + rlen, 0xa5, grow);
		vfmig_stream_put_raw(out, tag, flags, buf, rlen + grow);
		if (++n == opt_after) {
			memset(buf, 0x3c, 300);
			vfmig_stream_put_raw(out, 0x00010001, VFMIG_REC_F_OPTIONAL,
					     buf, 300);
			vfmig_stream_put_raw(out, 0x7fff, VFMIG_REC_F_OPTIONAL,
					     NULL, 0);
		}
		off += VFMIG_REC_HDR_LEN + rlen;
	}
	vfmig_put_le32(crc, out->crc);
	vfmig_stream_put_raw(out, VFMIG_TAG_END, 0, crc, sizeof(crc));
	if (vfmig_stream_writer_error(out))
		die("rewrite failed");
}

static void emit_rewritten(const char *name, u8 ctl, struct vfmig_dev_image *img,
			   u32 extra, u32 opt_after)
{
	struct vfmig_stream_writer w, r;

	encode(&w, img);
	rewrite(&r, vfmig_stream_writer_data(&w), vfmig_stream_writer_len(&w),
		extra, opt_after);
	emit(name, ctl, vfmig_stream_writer_data(&r), vfmig_stream_writer_len(&r));
	vfmig_stream_writer_release(&r);
	vfmig_stream_writer_release(&w);
	vfmig_dev_image_free(img);
}

static void seed_minimal(void)
{
	emit_image("minimal", 0, new_image(1, 1));
}

static void seed_min_queues(void)
{
	struct vfmig_dev_image *img = new_image(1, 2);

	img->match.max_ring_desc = 64;
	img->match.rss_lut_size = 1;
	basic_config(img);
	basic_runtime(img, 1, 64);
	emit_image("min-queues-bytewise", 1, img);
}

static void seed_max_queues(void)
{
	struct vfmig_dev_image *img = new_image(VFMIG_MAX_QUEUE_PAIRS, VFMIG_MAX_MSIX);
	u32 q;

	img->match.max_ring_desc = VFMIG_MAX_RING_DESC;
	img->match.rss_lut_size = VFMIG_MAX_RSS_LUT_SIZE;
	basic_config(img);
	basic_runtime(img, VFMIG_MAX_QUEUE_PAIRS, VFMIG_MAX_RING_DESC);
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		img->runtime.txq[q].head = VFMIG_MAX_RING_DESC - 1;
		img->runtime.rxq[q].tail = VFMIG_MAX_RING_DESC - 1;
	}
	emit_image("max-queues", 7, img);
}

static void seed_many_filters(void)
{
	struct vfmig_dev_image *img = new_image(4, 5);
	struct vfmig_dev_config *c = &img->config;
	u32 i;

	img->match.max_mac_filters = VFMIG_MAX_MAC_FILTERS;
	img->match.max_vlan_filters = VFMIG_MAX_VLAN_FILTERS;
	basic_config(img);
	c->vf.flags |= VFMIG_VF_TRUSTED;
	c->num_mac_filters = VFMIG_MAX_MAC_FILTERS;
	for (i = 0; i < VFMIG_MAX_MAC_FILTERS; i++) {
		memcpy(c->mac_filters[i].addr, "\x02\x00\x00\x00\x00\x00", 6);
		c->mac_filters[i].addr[4] = (u8)(i >> 8);
		c->mac_filters[i].addr[5] = (u8)i;
		c->mac_filters[i].type = i ? VFMIG_MAC_TYPE_EXTRA : VFMIG_MAC_TYPE_PRIMARY;
	}
	c->num_vlan_filters = VFMIG_MAX_VLAN_FILTERS;
	for (i = 0; i < VFMIG_MAX_VLAN_FILTERS; i++)
		c->vlan_filters[i] = (u16)i;
	basic_runtime(img, 4, 512);
	emit_image("many-filters", 0, img);
}

static void seed_mailbox(void)
{
	struct vfmig_dev_image *img = new_image(4, 5);
	static u8 msg[VFMIG_MAX_MBX_MSG_LEN];
	u32 i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (u8)(i ^ (i >> 8));
	basic_config(img);
	basic_runtime(img, 4, 512);
	for (i = 0; i < VFMIG_MAX_MBX_MSGS; i++)
		if (vfmig_dev_image_add_mbx_msg(img, 1 + i % 30, i % 7 ? 0 : -5, msg,
						i == 63 ? VFMIG_MAX_MBX_MSG_LEN : i * 3))
			die("add_mbx_msg");
	emit_image("mailbox-64-msgs", 200, img);
}

static void seed_optional_tags(void)
{
	struct vfmig_dev_image *img = new_image(2, 3);

	basic_config(img);
	basic_runtime(img, 2, 256);
	/* after record 1 (MATCH) and, in a second file, after TXQ 0 */
	emit_rewritten("optional-unknown-precopy", 3, img, 0, 1);
	img = new_image(2, 3);
	basic_config(img);
	basic_runtime(img, 2, 256);
	emit_rewritten("optional-unknown-stopcopy", 0, img, 0, 12);
}

static void seed_config_resent(void)
{
	struct vfmig_dev_image *img = new_image(4, 5);
	struct vfmig_dev_config *c = &img->config;

	basic_config(img);
	basic_runtime(img, 4, 1024);
	/* what the guest changed between pre-copy and stop-copy */
	img->config_stopcopy = BIT(VFMIG_CFG_MAC_FILTERS) | BIT(VFMIG_CFG_VLAN_FILTERS) |
			       BIT(VFMIG_CFG_PROMISC) | BIT(VFMIG_CFG_RSS_LUT);
	c->num_mac_filters = 1;
	c->num_vlan_filters = 0;
	c->promisc = VFMIG_PROMISC_MULTICAST;
	c->rss_lut[0] = 3;
	emit_image("config-resent-after-stopcopy", 0, img);
}

static void seed_newer_minor(void)
{
	struct vfmig_dev_image *img = new_image(4, 5);

	img->match.minor = VFMIG_STREAM_MINOR + 1;
	basic_config(img);
	basic_runtime(img, 4, 512);
	if (vfmig_dev_image_add_mbx_msg(img, 6, 0, "abcdefgh", 8))
		die("add_mbx_msg");
	emit_rewritten("newer-minor-extended-records", 5, img, 24, 3);
}

static void seed_rss_max(void)
{
	struct vfmig_dev_image *img = new_image(VFMIG_MAX_QUEUE_PAIRS, 17);

	img->match.rss_key_size = VFMIG_MAX_RSS_KEY_SIZE;
	img->match.rss_lut_size = VFMIG_MAX_RSS_LUT_SIZE;
	basic_config(img);
	img->config.rss_hena = ~0ULL;
	basic_runtime(img, 8, 2048);
	emit_image("rss-max", 0, img);
}

static void seed_queue_variants(void)
{
	struct vfmig_dev_image *img = new_image(4, 5);
	struct vfmig_dev_runtime *rt = &img->runtime;

	basic_config(img);
	basic_runtime(img, 4, 512);
	rt->txq[0].head_wb = true;
	rt->txq[0].head_wb_addr = 0x30000040;
	rt->txq[2].enabled = false;
	rt->rxq[1].enabled = false;
	rt->rxq[1].crc_strip = false;
	rt->rxq[3].desc_size = 16;
	rt->rxq[3].hdr_buf_size = VFMIG_MAX_RX_HDR_BUF;
	rt->rxq[3].data_buf_size = VFMIG_MAX_RX_DATA_BUF;
	rt->rxq[3].max_pkt_size = VFMIG_MAX_RX_PKT;
	/* queue 1 TX not configured, queue 2 RX not configured */
	rt->txq_present &= ~BIT(1);
	rt->rxq_present &= ~BIT(2);
	img->config.vf.port_vlan = 0xe00a;
	img->config.vf.flags = VFMIG_VF_FLAGS_ALL;
	emit_image("queue-variants", 13, img);
}

static void seed_config_only(void)
{
	struct vfmig_dev_image *img = new_image(2, 3);

	basic_config(img);
	emit_image("config-only", 0, img);
}

static void seed_runtime_only(void)
{
	struct vfmig_dev_image *img = new_image(2, 3);

	basic_runtime(img, 2, 128);
	emit_image("runtime-only", 2, img);
}

static void seed_empty_lists(void)
{
	struct vfmig_dev_image *img = new_image(1, 1);
	struct vfmig_dev_config *c = &img->config;

	img->match.max_mac_filters = 0;
	img->match.max_vlan_filters = 0;
	img->match.rss_key_size = 0;
	img->match.rss_lut_size = 0;
	basic_config(img);
	c->present &= ~(BIT(VFMIG_CFG_RSS_KEY) | BIT(VFMIG_CFG_RSS_LUT));
	img->config_precopy = c->present;
	c->num_mac_filters = 0;
	c->num_vlan_filters = 0;
	c->num_irq_maps = 0;
	basic_runtime(img, 1, 64);
	img->runtime.irq.num_vectors = 0;
	emit_image("empty-lists", 0, img);
}

static void seed_split_variants(void)
{
	static const u8 ctls[] = { 0, 1, 2, 97, 255 };
	static const char *const names[] = {
		"rich-once", "rich-bytewise", "rich-chunks-8", "rich-chunks-388",
		"rich-chunks-1020",
	};
	struct vfmig_dev_image *img;
	size_t i;

	for (i = 0; i < sizeof(ctls); i++) {
		img = new_image(8, 9);
		basic_config(img);
		basic_runtime(img, 8, 1024);
		img->config_stopcopy = BIT(VFMIG_CFG_IRQ_MAP);
		if (vfmig_dev_image_add_mbx_msg(img, 3, 0, "0123456789abcdef", 16) ||
		    vfmig_dev_image_add_mbx_msg(img, 12, -38, NULL, 0))
			die("add_mbx_msg");
		emit_image(names[i], ctls[i], img);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seed_stream DIR\n");
		return 2;
	}
	out_dir = argv[1];
	seed_minimal();
	seed_min_queues();
	seed_max_queues();
	seed_many_filters();
	seed_mailbox();
	seed_optional_tags();
	seed_config_resent();
	seed_newer_minor();
	seed_rss_max();
	seed_queue_variants();
	seed_config_only();
	seed_runtime_only();
	seed_empty_lists();
	seed_split_variants();
	printf("seed_stream: %d seeds in %s\n", written, out_dir);
	return 0;
}
