// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device-state stream: writer and incremental parser.
 *
 * The format is specified in docs/stream-format.md; every rule enforced here
 * is written down there with its errno. The parser treats the stream as
 * hostile: every header is checked before its payload is buffered (so a
 * length can never make it allocate more than VFMIG_REC_MAX_LEN), every
 * record is checked completely before any of it is stored in the image (so
 * the image only ever holds whole, valid records), and every count is
 * bounded by what MATCH announced, which is itself bounded by the absolute
 * limits of include/vfmig/devstate.h.
 */
#include <vfmig/osdep.h>
#include <vfmig/devstate.h>
#include <vfmig/stream.h>

/* Where in the record order a stream is; the writer's state too. */
enum stream_section {
	SEC_MATCH,	/* nothing yet: MATCH must come */
	SEC_PRECOPY,	/* after MATCH: CONFIG records */
	SEC_STOPCOPY,	/* after STOPCOPY: CONFIG and RUNTIME records */
	SEC_DONE,	/* after END: nothing */
};

enum rec_class {
	REC_STRUCTURE,
	REC_CONFIG,
	REC_RUNTIME,
};

/* rec_desc.flags */
#define REC_SINGLE	BIT(0)	/* at most once per section */
#define REC_FIXED	BIT(1)	/* len is exact; a newer minor may append */
#define REC_STRICT	BIT(2)	/* len is exact, whatever the minor */

/**
 * struct rec_desc - what this build knows about one tag
 * @tag: VFMIG_TAG_*
 * @name: for messages
 * @class: REC_*
 * @flags: REC_SINGLE, REC_FIXED, REC_STRICT
 * @len: exact payload length (REC_FIXED, REC_STRICT) or the least one
 * @max_len: longest payload accepted in a header (else -EMSGSIZE)
 * @decode: validate a complete payload, then store it in the image
 */
struct rec_desc {
	u32 tag;
	const char *name;
	u8 class;
	u8 flags;
	u32 len;
	u32 max_len;
	int (*decode)(struct vfmig_stream_parser *p, const u8 *d, u32 len);
};

struct vfmig_stream_parser {
	vfmig_stream_match_fn match_cb;
	void *cb_ctx;
	struct vfmig_dev_image *img;

	/* the record being received */
	u8 hdr[VFMIG_REC_HDR_LEN];
	u32 hdr_fill;
	u32 tag;
	u32 len;			/* valid once hdr_fill is complete */
	u32 fill;			/* payload bytes received */
	const struct rec_desc *desc;	/* NULL: unknown OPTIONAL, skipped */
	u8 *payload;
	u32 payload_cap;

	u64 offset;			/* stream bytes consumed */
	u64 rec_offset;			/* where the current record starts */
	u32 rec_index;			/* 1-based number of that record */
	u32 crc;			/* over every byte before END's header */
	int section;			/* enum stream_section */
	bool newer_minor;		/* MATCH.minor > VFMIG_STREAM_MINOR */
	u32 seen;			/* BIT(rec_table index), this section */

	int err;
	char reason[256];
	char cb_reason[160];
};

/* ---- Shared helpers ----------------------------------------------------- */

static bool all_zero(const u8 *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i])
			return false;
	return true;
}

static int parser_latch(struct vfmig_stream_parser *p, int err)
{
	p->err = err;
	vfmig_dbg("stream: %s", p->reason);
	return err;
}

static const char *parser_tag_name(const struct vfmig_stream_parser *p)
{
	return p->desc ? p->desc->name : vfmig_stream_tag_name(p->tag);
}

/*
 * Reject the current record: latch @error with a reason that names the
 * record, its tag and its offset, then return @error.
 */
#define parser_reject(p, error, fmt, ...) ({				\
	snprintf((p)->reason, sizeof((p)->reason),			\
		 "record %u (%s) at offset %llu: " fmt,			\
		 (p)->rec_index, parser_tag_name(p),			\
		 (unsigned long long)(p)->rec_offset, ##__VA_ARGS__);	\
	parser_latch((p), (error));					\
})

/*
 * A list record holds exactly @need bytes; a newer minor may append bytes
 * that this build ignores.
 */
static int check_list_len(struct vfmig_stream_parser *p, u32 len, u64 need)
{
	if (len < need)
		return parser_reject(p, -EINVAL,
				     "length %u is too short for its count, which needs %llu bytes",
				     len, (unsigned long long)need);
	if (len > need && !p->newer_minor)
		return parser_reject(p, -EINVAL,
				     "length %u, but its count needs exactly %llu bytes (longer records need a stream minor > %u)",
				     len, (unsigned long long)need, VFMIG_STREAM_MINOR);
	return 0;
}

static void config_commit(struct vfmig_stream_parser *p, enum vfmig_cfg_rec rec)
{
	struct vfmig_dev_image *img = p->img;

	img->config.present |= BIT(rec);
	if (p->section == SEC_STOPCOPY)
		img->config_stopcopy |= BIT(rec);
	else
		img->config_precopy |= BIT(rec);
}

/* ---- Structure records --------------------------------------------------- */

/* MATCH payload offsets (docs/stream-format.md, "MATCH") */
#define M_MAGIC		0
#define M_MAJOR		4
#define M_MINOR		6
#define M_VENDOR	8
#define M_DEVICE	10
#define M_SUBVENDOR	12
#define M_SUBDEVICE	14
#define M_QPAIRS	16
#define M_RING		18
#define M_MACS		20
#define M_VLANS		22
#define M_KEY		24
#define M_LUT		26
#define M_MSIX		28
#define M_RSVD0		30
#define M_VC_MAJOR	32
#define M_VC_MINOR	36
#define M_CAPS		40
#define M_FW_MAJOR	44
#define M_FW_MINOR	46
#define M_RSVD1		48
#define M_RSVD1_LEN	16
#define M_ID_LEN	8	/* magic, major, minor: the same in every major */

static void match_decode_fields(struct vfmig_match *m, const u8 *d)
{
	m->major = vfmig_get_le16(d + M_MAJOR);
	m->minor = vfmig_get_le16(d + M_MINOR);
	m->vendor_id = vfmig_get_le16(d + M_VENDOR);
	m->device_id = vfmig_get_le16(d + M_DEVICE);
	m->subsys_vendor_id = vfmig_get_le16(d + M_SUBVENDOR);
	m->subsys_device_id = vfmig_get_le16(d + M_SUBDEVICE);
	m->num_queue_pairs = vfmig_get_le16(d + M_QPAIRS);
	m->max_ring_desc = vfmig_get_le16(d + M_RING);
	m->max_mac_filters = vfmig_get_le16(d + M_MACS);
	m->max_vlan_filters = vfmig_get_le16(d + M_VLANS);
	m->rss_key_size = vfmig_get_le16(d + M_KEY);
	m->rss_lut_size = vfmig_get_le16(d + M_LUT);
	m->num_msix = vfmig_get_le16(d + M_MSIX);
	m->virtchnl_major = vfmig_get_le32(d + M_VC_MAJOR);
	m->virtchnl_minor = vfmig_get_le32(d + M_VC_MINOR);
	m->vf_caps = vfmig_get_le32(d + M_CAPS);
	m->fw_api_major = vfmig_get_le16(d + M_FW_MAJOR);
	m->fw_api_minor = vfmig_get_le16(d + M_FW_MINOR);
}

static void match_encode(u8 *d, const struct vfmig_match *m)
{
	memset(d, 0, VFMIG_MATCH_LEN);
	vfmig_put_le32(d + M_MAGIC, VFMIG_STREAM_MAGIC);
	vfmig_put_le16(d + M_MAJOR, m->major);
	vfmig_put_le16(d + M_MINOR, m->minor);
	vfmig_put_le16(d + M_VENDOR, m->vendor_id);
	vfmig_put_le16(d + M_DEVICE, m->device_id);
	vfmig_put_le16(d + M_SUBVENDOR, m->subsys_vendor_id);
	vfmig_put_le16(d + M_SUBDEVICE, m->subsys_device_id);
	vfmig_put_le16(d + M_QPAIRS, m->num_queue_pairs);
	vfmig_put_le16(d + M_RING, m->max_ring_desc);
	vfmig_put_le16(d + M_MACS, m->max_mac_filters);
	vfmig_put_le16(d + M_VLANS, m->max_vlan_filters);
	vfmig_put_le16(d + M_KEY, m->rss_key_size);
	vfmig_put_le16(d + M_LUT, m->rss_lut_size);
	vfmig_put_le16(d + M_MSIX, m->num_msix);
	vfmig_put_le32(d + M_VC_MAJOR, m->virtchnl_major);
	vfmig_put_le32(d + M_VC_MINOR, m->virtchnl_minor);
	vfmig_put_le32(d + M_CAPS, m->vf_caps);
	vfmig_put_le16(d + M_FW_MAJOR, m->fw_api_major);
	vfmig_put_le16(d + M_FW_MINOR, m->fw_api_minor);
}

/* One announced limit against its absolute range. */
static int match_check_limit(struct vfmig_stream_parser *p, const char *what,
			     u32 val, u32 lo, u32 hi)
{
	if (val >= lo && val <= hi)
		return 0;
	return parser_reject(p, -ERANGE,
			     "%s %u is outside %u..%u, the range of any X710 VF",
			     what, val, lo, hi);
}

static int match_check_limits(struct vfmig_stream_parser *p,
			      const struct vfmig_match *m)
{
	int ret;

	ret = match_check_limit(p, "num_queue_pairs", m->num_queue_pairs,
				1, VFMIG_MAX_QUEUE_PAIRS);
	if (!ret)
		ret = match_check_limit(p, "max_ring_desc", m->max_ring_desc,
					VFMIG_MIN_RING_DESC, VFMIG_MAX_RING_DESC);
	if (!ret)
		ret = match_check_limit(p, "max_mac_filters", m->max_mac_filters,
					0, VFMIG_MAX_MAC_FILTERS);
	if (!ret)
		ret = match_check_limit(p, "max_vlan_filters",
					m->max_vlan_filters, 0,
					VFMIG_MAX_VLAN_FILTERS);
	if (!ret)
		ret = match_check_limit(p, "rss_key_size", m->rss_key_size,
					0, VFMIG_MAX_RSS_KEY_SIZE);
	if (!ret)
		ret = match_check_limit(p, "rss_lut_size", m->rss_lut_size,
					0, VFMIG_MAX_RSS_LUT_SIZE);
	if (!ret)
		ret = match_check_limit(p, "num_msix", m->num_msix,
					1, VFMIG_MAX_MSIX);
	if (ret)
		return ret;
	if (m->max_ring_desc % VFMIG_RING_DESC_MULTIPLE)
		return parser_reject(p, -EINVAL,
				     "max_ring_desc %u is not a multiple of %u",
				     m->max_ring_desc, VFMIG_RING_DESC_MULTIPLE);
	return 0;
}

static int match_call_cb(struct vfmig_stream_parser *p)
{
	int ret;

	if (!p->match_cb)
		return 0;
	p->cb_reason[0] = '\0';
	ret = p->match_cb(p->cb_ctx, &p->img->match, p->cb_reason,
			  sizeof(p->cb_reason));
	if (!ret)
		return 0;
	if (WARN_ON(ret > 0 || ret < -MAX_ERRNO))
		ret = -EINVAL;
	p->cb_reason[sizeof(p->cb_reason) - 1] = '\0';
	return parser_reject(p, ret, "destination refused the device: %s",
			     p->cb_reason[0] ? p->cb_reason : "no reason given");
}

static int dec_match(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_match m;
	u32 magic = vfmig_get_le32(d + M_MAGIC);
	u16 major = vfmig_get_le16(d + M_MAJOR);
	u16 minor = vfmig_get_le16(d + M_MINOR);
	int ret;

	if (magic != VFMIG_STREAM_MAGIC)
		return parser_reject(p, -EPROTO,
				     "magic 0x%08x is not 0x%08x (\"VFMG\"): this is not a vfmig device-state stream",
				     magic, VFMIG_STREAM_MAGIC);
	if (major != VFMIG_STREAM_MAJOR)
		return parser_reject(p, -EPROTONOSUPPORT,
				     "stream format %u.%u, this destination reads major %u only: run the same vfmig major version on both hosts",
				     major, minor, VFMIG_STREAM_MAJOR);
	if (len < VFMIG_MATCH_LEN || (len > VFMIG_MATCH_LEN &&
				      minor <= VFMIG_STREAM_MINOR))
		return parser_reject(p, -EINVAL,
				     "length %u, expected %u for stream minor %u",
				     len, VFMIG_MATCH_LEN, minor);
	if (vfmig_get_le16(d + M_RSVD0) || !all_zero(d + M_RSVD1, M_RSVD1_LEN))
		return parser_reject(p, -EINVAL,
				     "reserved bytes 30..31 or 48..63 are not zero");

	match_decode_fields(&m, d);
	ret = match_check_limits(p, &m);
	if (ret)
		return ret;
	p->img->match = m;
	p->newer_minor = minor > VFMIG_STREAM_MINOR;
	p->section = SEC_PRECOPY;
	return match_call_cb(p);
}

static int dec_stopcopy(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	p->section = SEC_STOPCOPY;
	p->seen = 0;
	return 0;
}

static int dec_end(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	u32 want = vfmig_get_le32(d);

	if (want != p->crc)
		return parser_reject(p, -EBADMSG,
				     "stream CRC32C is 0x%08x, END says 0x%08x: the stream was corrupted in transit or storage",
				     p->crc, want);
	p->section = SEC_DONE;
	return 0;
}

/* ---- CONFIG records ------------------------------------------------------ */

/* VF_CONFIG */
#define VC_MAC		0
#define VC_PORT_VLAN	6
#define VC_FLAGS	8
#define VC_SPEED	12
#define VC_MAX_FRAME	16
#define VC_RSVD		18
#define VLAN_TCI_DEI	BIT(12)

static int dec_vf_config(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_vf_config *vf = &p->img->config.vf;
	u16 pvlan = vfmig_get_le16(d + VC_PORT_VLAN);
	u32 flags = vfmig_get_le32(d + VC_FLAGS);
	u16 max_frame = vfmig_get_le16(d + VC_MAX_FRAME);

	if (pvlan & VLAN_TCI_DEI)
		return parser_reject(p, -EINVAL,
				     "port VLAN TCI 0x%04x has bit 12 set", pvlan);
	if (flags & ~VFMIG_VF_FLAGS_ALL)
		return parser_reject(p, -EINVAL,
				     "flags 0x%08x has undefined bits 0x%08x set",
				     flags, (u32)(flags & ~VFMIG_VF_FLAGS_ALL));
	if (max_frame && (max_frame < VFMIG_MIN_RX_PKT ||
			  max_frame > VFMIG_MAX_FRAME))
		return parser_reject(p, -EINVAL,
				     "max_frame %u is neither 0 nor within %u..%u",
				     max_frame, VFMIG_MIN_RX_PKT, VFMIG_MAX_FRAME);
	if (vfmig_get_le16(d + VC_RSVD))
		return parser_reject(p, -EINVAL, "reserved bytes 18..19 are not zero");

	memset(vf, 0, sizeof(*vf));
	memcpy(vf->mac, d + VC_MAC, VFMIG_ETH_ALEN);
	vf->port_vlan = pvlan;
	vf->flags = flags;
	vf->link_speed = vfmig_get_le32(d + VC_SPEED);
	vf->max_frame = max_frame;
	config_commit(p, VFMIG_CFG_VF_CONFIG);
	return 0;
}

static void enc_vf_config(u8 *d, const struct vfmig_dev_config *cfg)
{
	memcpy(d + VC_MAC, cfg->vf.mac, VFMIG_ETH_ALEN);
	vfmig_put_le16(d + VC_PORT_VLAN, cfg->vf.port_vlan);
	vfmig_put_le32(d + VC_FLAGS, cfg->vf.flags);
	vfmig_put_le32(d + VC_SPEED, cfg->vf.link_speed);
	vfmig_put_le16(d + VC_MAX_FRAME, cfg->vf.max_frame);
	vfmig_put_le16(d + VC_RSVD, 0);
}

/* VSI */
static int dec_vsi(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_vsi_config *vsi = &p->img->config.vsi;
	u16 nqp = vfmig_get_le16(d + 2);
	u16 max = p->img->match.num_queue_pairs;

	if (nqp < 1 || nqp > max)
		return parser_reject(p, -ERANGE,
				     "%u queue pairs configured, MATCH announced 1..%u",
				     nqp, max);
	if (vfmig_get_le32(d + 4))
		return parser_reject(p, -EINVAL, "reserved bytes 4..7 are not zero");

	vsi->vsi_id = vfmig_get_le16(d);
	vsi->num_queue_pairs = nqp;
	config_commit(p, VFMIG_CFG_VSI);
	return 0;
}

static void enc_vsi(u8 *d, const struct vfmig_dev_config *cfg)
{
	vfmig_put_le16(d, cfg->vsi.vsi_id);
	vfmig_put_le16(d + 2, cfg->vsi.num_queue_pairs);
	vfmig_put_le32(d + 4, 0);
}

/* MAC_FILTERS: count, then {addr[6], type, reserved} */
static int dec_mac_filters(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_config *cfg = &p->img->config;
	u32 max = min_t(u32, p->img->match.max_mac_filters,
			ARRAY_SIZE(cfg->mac_filters));
	u32 count = vfmig_get_le32(d);
	const u8 *e;
	u32 i;
	int ret;

	if (count > max)
		return parser_reject(p, -ERANGE,
				     "%u MAC filters, MATCH announced at most %u",
				     count, max);
	ret = check_list_len(p, len, VFMIG_COUNT_LEN +
			     (u64)count * VFMIG_MAC_FILTER_ENTRY_LEN);
	if (ret)
		return ret;
	for (i = 0, e = d + VFMIG_COUNT_LEN; i < count;
	     i++, e += VFMIG_MAC_FILTER_ENTRY_LEN) {
		if (e[6] > VFMIG_MAC_TYPE_MAX)
			return parser_reject(p, -EINVAL,
					     "MAC filter %u has type %u; types are 0 (legacy), 1 (primary), 2 (extra)",
					     i, e[6]);
		if (e[7])
			return parser_reject(p, -EINVAL,
					     "MAC filter %u: reserved byte is 0x%02x, not 0",
					     i, e[7]);
	}

	memset(cfg->mac_filters, 0, sizeof(cfg->mac_filters));
	for (i = 0, e = d + VFMIG_COUNT_LEN; i < count;
	     i++, e += VFMIG_MAC_FILTER_ENTRY_LEN) {
		memcpy(cfg->mac_filters[i].addr, e, VFMIG_ETH_ALEN);
		cfg->mac_filters[i].type = e[6];
	}
	cfg->num_mac_filters = count;
	config_commit(p, VFMIG_CFG_MAC_FILTERS);
	return 0;
}

static void enc_mac_filters(u8 *d, const struct vfmig_dev_config *cfg)
{
	u8 *e = d + VFMIG_COUNT_LEN;
	u32 i;

	vfmig_put_le32(d, cfg->num_mac_filters);
	for (i = 0; i < cfg->num_mac_filters; i++, e += VFMIG_MAC_FILTER_ENTRY_LEN) {
		memcpy(e, cfg->mac_filters[i].addr, VFMIG_ETH_ALEN);
		e[6] = cfg->mac_filters[i].type;
		e[7] = 0;
	}
}

/* VLAN_FILTERS: count, then __le16 VLAN ids */
static int dec_vlan_filters(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_config *cfg = &p->img->config;
	u32 max = min_t(u32, p->img->match.max_vlan_filters,
			ARRAY_SIZE(cfg->vlan_filters));
	u32 count = vfmig_get_le32(d);
	const u8 *e = d + VFMIG_COUNT_LEN;
	u32 i;
	int ret;

	if (count > max)
		return parser_reject(p, -ERANGE,
				     "%u VLAN filters, MATCH announced at most %u",
				     count, max);
	ret = check_list_len(p, len, VFMIG_COUNT_LEN +
			     (u64)count * VFMIG_VLAN_FILTER_ENTRY_LEN);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		u16 vid = vfmig_get_le16(e + i * VFMIG_VLAN_FILTER_ENTRY_LEN);

		if (vid > VFMIG_VLAN_ID_MASK)
			return parser_reject(p, -EINVAL,
					     "VLAN filter %u has id %u, ids are 0..4095",
					     i, vid);
	}

	memset(cfg->vlan_filters, 0, sizeof(cfg->vlan_filters));
	for (i = 0; i < count; i++)
		cfg->vlan_filters[i] = vfmig_get_le16(e + i * VFMIG_VLAN_FILTER_ENTRY_LEN);
	cfg->num_vlan_filters = count;
	config_commit(p, VFMIG_CFG_VLAN_FILTERS);
	return 0;
}

static void enc_vlan_filters(u8 *d, const struct vfmig_dev_config *cfg)
{
	u32 i;

	vfmig_put_le32(d, cfg->num_vlan_filters);
	for (i = 0; i < cfg->num_vlan_filters; i++)
		vfmig_put_le16(d + VFMIG_COUNT_LEN + i * VFMIG_VLAN_FILTER_ENTRY_LEN,
			       cfg->vlan_filters[i]);
}

/* PROMISC */
static int dec_promisc(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	u32 flags = vfmig_get_le32(d);

	if (flags & ~VFMIG_PROMISC_ALL)
		return parser_reject(p, -EINVAL,
				     "flags 0x%08x: only bits 0 (unicast) and 1 (multicast) are defined",
				     flags);
	p->img->config.promisc = flags;
	config_commit(p, VFMIG_CFG_PROMISC);
	return 0;
}

static void enc_promisc(u8 *d, const struct vfmig_dev_config *cfg)
{
	vfmig_put_le32(d, cfg->promisc);
}

/* RSS_KEY: count, then the key bytes */
static int dec_rss_key(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_config *cfg = &p->img->config;
	u32 max = min_t(u32, p->img->match.rss_key_size, ARRAY_SIZE(cfg->rss_key));
	u32 count = vfmig_get_le32(d);
	int ret;

	if (!count)
		return parser_reject(p, -EINVAL, "empty RSS key");
	if (count > max)
		return parser_reject(p, -ERANGE,
				     "RSS key of %u bytes, MATCH announced at most %u",
				     count, max);
	ret = check_list_len(p, len, VFMIG_COUNT_LEN + (u64)count);
	if (ret)
		return ret;

	memset(cfg->rss_key, 0, sizeof(cfg->rss_key));
	memcpy(cfg->rss_key, d + VFMIG_COUNT_LEN, count);
	cfg->rss_key_len = count;
	config_commit(p, VFMIG_CFG_RSS_KEY);
	return 0;
}

static void enc_rss_key(u8 *d, const struct vfmig_dev_config *cfg)
{
	vfmig_put_le32(d, cfg->rss_key_len);
	memcpy(d + VFMIG_COUNT_LEN, cfg->rss_key, cfg->rss_key_len);
}

/* RSS_LUT: count, then one queue index per byte */
static int dec_rss_lut(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_config *cfg = &p->img->config;
	u32 max = min_t(u32, p->img->match.rss_lut_size, ARRAY_SIZE(cfg->rss_lut));
	u32 nqp = p->img->match.num_queue_pairs;
	u32 count = vfmig_get_le32(d);
	const u8 *e = d + VFMIG_COUNT_LEN;
	u32 i;
	int ret;

	if (!count)
		return parser_reject(p, -EINVAL, "empty RSS LUT");
	if (count > max)
		return parser_reject(p, -ERANGE,
				     "RSS LUT of %u entries, MATCH announced at most %u",
				     count, max);
	ret = check_list_len(p, len, VFMIG_COUNT_LEN + (u64)count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++)
		if (e[i] >= nqp)
			return parser_reject(p, -ERANGE,
					     "LUT entry %u names queue %u >= %u queue pairs announced by MATCH",
					     i, e[i], nqp);

	memset(cfg->rss_lut, 0, sizeof(cfg->rss_lut));
	memcpy(cfg->rss_lut, e, count);
	cfg->rss_lut_len = count;
	config_commit(p, VFMIG_CFG_RSS_LUT);
	return 0;
}

static void enc_rss_lut(u8 *d, const struct vfmig_dev_config *cfg)
{
	vfmig_put_le32(d, cfg->rss_lut_len);
	memcpy(d + VFMIG_COUNT_LEN, cfg->rss_lut, cfg->rss_lut_len);
}

/* RSS_HENA */
static int dec_rss_hena(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	p->img->config.rss_hena = vfmig_get_le64(d);
	config_commit(p, VFMIG_CFG_RSS_HENA);
	return 0;
}

static void enc_rss_hena(u8 *d, const struct vfmig_dev_config *cfg)
{
	vfmig_put_le64(d, cfg->rss_hena);
}

/* IRQ_MAP: count, then {vector_id, rxq_map, txq_map, rxitr_idx, txitr_idx} */
static void irq_map_get(struct vfmig_irq_map *m, const u8 *e)
{
	m->vector_id = vfmig_get_le16(e);
	m->rxq_map = vfmig_get_le16(e + 2);
	m->txq_map = vfmig_get_le16(e + 4);
	m->rxitr_idx = vfmig_get_le16(e + 6);
	m->txitr_idx = vfmig_get_le16(e + 8);
}

static int irq_map_check(struct vfmig_stream_parser *p, const u8 *d, u32 count)
{
	u32 nqp = p->img->match.num_queue_pairs;
	u32 nvec = p->img->match.num_msix;
	u32 qmask = (u32)BIT(nqp) - 1;
	u32 rx_used = 0, tx_used = 0;
	u64 vec_used[2] = { 0, 0 };	/* VFMIG_MAX_MSIX <= 128 */
	struct vfmig_irq_map m;
	u32 i;

	static_assert(VFMIG_MAX_MSIX <= 128);
	for (i = 0; i < count; i++) {
		irq_map_get(&m, d + VFMIG_COUNT_LEN + i * VFMIG_IRQ_MAP_ENTRY_LEN);
		if (m.vector_id >= nvec)
			return parser_reject(p, -ERANGE,
					     "entry %u: vector %u >= %u MSI-X vectors announced by MATCH",
					     i, m.vector_id, nvec);
		if (vec_used[m.vector_id / 64] & BIT_ULL(m.vector_id % 64))
			return parser_reject(p, -EINVAL,
					     "entry %u: vector %u is mapped twice",
					     i, m.vector_id);
		vec_used[m.vector_id / 64] |= BIT_ULL(m.vector_id % 64);
		if ((m.rxq_map | m.txq_map) & ~qmask)
			return parser_reject(p, -ERANGE,
					     "entry %u: queue bitmaps rx 0x%04x tx 0x%04x name queues >= %u queue pairs announced by MATCH",
					     i, m.rxq_map, m.txq_map, nqp);
		if ((m.rxq_map & rx_used) || (m.txq_map & tx_used))
			return parser_reject(p, -EINVAL,
					     "entry %u: vector %u shares queues with an earlier entry; a queue raises one vector",
					     i, m.vector_id);
		rx_used |= m.rxq_map;
		tx_used |= m.txq_map;
		if (m.rxitr_idx > VFMIG_MAX_ITR_IDX || m.txitr_idx > VFMIG_MAX_ITR_IDX)
			return parser_reject(p, -EINVAL,
					     "entry %u: ITR index rx %u tx %u, indexes are 0..3",
					     i, m.rxitr_idx, m.txitr_idx);
	}
	return 0;
}

static int dec_irq_map(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_config *cfg = &p->img->config;
	u32 max = min_t(u32, p->img->match.num_msix, ARRAY_SIZE(cfg->irq_maps));
	u32 count = vfmig_get_le32(d);
	u32 i;
	int ret;

	if (count > max)
		return parser_reject(p, -ERANGE,
				     "%u IRQ map entries, MATCH announced %u MSI-X vectors",
				     count, max);
	ret = check_list_len(p, len, VFMIG_COUNT_LEN +
			     (u64)count * VFMIG_IRQ_MAP_ENTRY_LEN);
	if (!ret)
		ret = irq_map_check(p, d, count);
	if (ret)
		return ret;

	memset(cfg->irq_maps, 0, sizeof(cfg->irq_maps));
	for (i = 0; i < count; i++)
		irq_map_get(&cfg->irq_maps[i],
			    d + VFMIG_COUNT_LEN + i * VFMIG_IRQ_MAP_ENTRY_LEN);
	cfg->num_irq_maps = count;
	config_commit(p, VFMIG_CFG_IRQ_MAP);
	return 0;
}

static void enc_irq_map(u8 *d, const struct vfmig_dev_config *cfg)
{
	u8 *e = d + VFMIG_COUNT_LEN;
	u32 i;

	vfmig_put_le32(d, cfg->num_irq_maps);
	for (i = 0; i < cfg->num_irq_maps; i++, e += VFMIG_IRQ_MAP_ENTRY_LEN) {
		vfmig_put_le16(e, cfg->irq_maps[i].vector_id);
		vfmig_put_le16(e + 2, cfg->irq_maps[i].rxq_map);
		vfmig_put_le16(e + 4, cfg->irq_maps[i].txq_map);
		vfmig_put_le16(e + 6, cfg->irq_maps[i].rxitr_idx);
		vfmig_put_le16(e + 8, cfg->irq_maps[i].txitr_idx);
	}
}

/* ---- RUNTIME records ----------------------------------------------------- */

/* TXQ and RXQ share the first 10 bytes */
#define Q_ID		0
#define Q_FLAGS		2
#define Q_RING_LEN	4
#define Q_HEAD		6
#define Q_TAIL		8
/* TXQ */
#define TXQ_RSVD	10	/* 6 bytes */
#define TXQ_BASE	16
#define TXQ_HEAD_WB	24
/* RXQ */
#define RXQ_DESC_SIZE	10
#define RXQ_HDR_BUF	12
#define RXQ_RSVD	14
#define RXQ_DATA_BUF	16
#define RXQ_MAX_PKT	20
#define RXQ_BASE	24

#define RING_BASE_ALIGN	128	/* queue context base is in 128-byte units */
#define HEAD_WB_ALIGN	4

/*
 * The part TXQ and RXQ share: queue id, ring geometry and ring base. Returns
 * the queue id, or a negative errno with the record rejected.
 */
static int queue_check_common(struct vfmig_stream_parser *p, const u8 *d,
			      u32 present, u64 base)
{
	u16 q = vfmig_get_le16(d + Q_ID);
	u16 ring_len = vfmig_get_le16(d + Q_RING_LEN);
	u16 head = vfmig_get_le16(d + Q_HEAD);
	u16 tail = vfmig_get_le16(d + Q_TAIL);
	const struct vfmig_match *m = &p->img->match;

	if (q >= m->num_queue_pairs)
		return parser_reject(p, -ERANGE,
				     "queue %u >= %u queue pairs announced by MATCH",
				     q, m->num_queue_pairs);
	if (present & BIT(q))
		return parser_reject(p, -EEXIST,
				     "queue %u already has a %s record",
				     q, parser_tag_name(p));
	if (!ring_len || ring_len > m->max_ring_desc)
		return parser_reject(p, ring_len ? -ERANGE : -EINVAL,
				     "queue %u: ring of %u descriptors, MATCH announced 1..%u",
				     q, ring_len, m->max_ring_desc);
	if (head >= ring_len || tail >= ring_len)
		return parser_reject(p, -EINVAL,
				     "queue %u: head %u or tail %u outside its ring of %u",
				     q, head, tail, ring_len);
	if (!base || base % RING_BASE_ALIGN)
		return parser_reject(p, -EINVAL,
				     "queue %u: ring base 0x%llx is not a nonzero multiple of %u",
				     q, (unsigned long long)base, RING_BASE_ALIGN);
	return q;
}

static void queue_put_common(u8 *d, u16 q, u16 flags, u16 ring_len, u16 head,
			     u16 tail)
{
	vfmig_put_le16(d + Q_ID, q);
	vfmig_put_le16(d + Q_FLAGS, flags);
	vfmig_put_le16(d + Q_RING_LEN, ring_len);
	vfmig_put_le16(d + Q_HEAD, head);
	vfmig_put_le16(d + Q_TAIL, tail);
}

static int dec_txq(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_runtime *rt = &p->img->runtime;
	u16 flags = vfmig_get_le16(d + Q_FLAGS);
	u64 base = vfmig_get_le64(d + TXQ_BASE);
	u64 wb = vfmig_get_le64(d + TXQ_HEAD_WB);
	struct vfmig_txq_state *t;
	int q;

	q = queue_check_common(p, d, rt->txq_present, base);
	if (q < 0)
		return q;
	if (flags & ~(VFMIG_TXQ_F_ENABLED | VFMIG_TXQ_F_HEAD_WB))
		return parser_reject(p, -EINVAL,
				     "queue %d: flags 0x%04x has undefined bits set",
				     q, flags);
	if (!all_zero(d + TXQ_RSVD, TXQ_BASE - TXQ_RSVD))
		return parser_reject(p, -EINVAL,
				     "queue %d: reserved bytes 10..15 are not zero", q);
	if ((flags & VFMIG_TXQ_F_HEAD_WB) ? (!wb || wb % HEAD_WB_ALIGN) : wb)
		return parser_reject(p, -EINVAL,
				     "queue %d: head write-back %s with address 0x%llx (must be a nonzero multiple of 4 when on, 0 when off)",
				     q, flags & VFMIG_TXQ_F_HEAD_WB ? "on" : "off",
				     (unsigned long long)wb);

	t = &rt->txq[q];
	memset(t, 0, sizeof(*t));
	t->ring_base = base;
	t->head_wb_addr = wb;
	t->ring_len = vfmig_get_le16(d + Q_RING_LEN);
	t->head = vfmig_get_le16(d + Q_HEAD);
	t->tail = vfmig_get_le16(d + Q_TAIL);
	t->enabled = flags & VFMIG_TXQ_F_ENABLED;
	t->head_wb = flags & VFMIG_TXQ_F_HEAD_WB;
	rt->txq_present |= BIT(q);
	return 0;
}

static void enc_txq(u8 *d, u16 q, const struct vfmig_txq_state *t)
{
	u16 flags = (t->enabled ? VFMIG_TXQ_F_ENABLED : 0) |
		    (t->head_wb ? VFMIG_TXQ_F_HEAD_WB : 0);

	queue_put_common(d, q, flags, t->ring_len, t->head, t->tail);
	memset(d + TXQ_RSVD, 0, TXQ_BASE - TXQ_RSVD);
	vfmig_put_le64(d + TXQ_BASE, t->ring_base);
	vfmig_put_le64(d + TXQ_HEAD_WB, t->head_wb_addr);
}

static int rxq_check_buffers(struct vfmig_stream_parser *p, int q, const u8 *d)
{
	u16 desc_size = vfmig_get_le16(d + RXQ_DESC_SIZE);
	u16 hdr = vfmig_get_le16(d + RXQ_HDR_BUF);
	u32 data = vfmig_get_le32(d + RXQ_DATA_BUF);
	u32 pkt = vfmig_get_le32(d + RXQ_MAX_PKT);

	if (desc_size != 16 && desc_size != 32)
		return parser_reject(p, -EINVAL,
				     "queue %d: descriptor size %u, must be 16 or 32",
				     q, desc_size);
	if (hdr > VFMIG_MAX_RX_HDR_BUF || data > VFMIG_MAX_RX_DATA_BUF)
		return parser_reject(p, -EINVAL,
				     "queue %d: header buffer %u / data buffer %u exceed %u / %u",
				     q, hdr, data, VFMIG_MAX_RX_HDR_BUF,
				     VFMIG_MAX_RX_DATA_BUF);
	if (pkt < VFMIG_MIN_RX_PKT || pkt > VFMIG_MAX_RX_PKT)
		return parser_reject(p, -EINVAL,
				     "queue %d: max packet size %u outside %u..%u",
				     q, pkt, VFMIG_MIN_RX_PKT, VFMIG_MAX_RX_PKT);
	return 0;
}

static int dec_rxq(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_runtime *rt = &p->img->runtime;
	u16 flags = vfmig_get_le16(d + Q_FLAGS);
	u64 base = vfmig_get_le64(d + RXQ_BASE);
	struct vfmig_rxq_state *r;
	int q, ret;

	q = queue_check_common(p, d, rt->rxq_present, base);
	if (q < 0)
		return q;
	if (flags & ~(VFMIG_RXQ_F_ENABLED | VFMIG_RXQ_F_CRC_STRIP))
		return parser_reject(p, -EINVAL,
				     "queue %d: flags 0x%04x has undefined bits set",
				     q, flags);
	if (vfmig_get_le16(d + RXQ_RSVD))
		return parser_reject(p, -EINVAL,
				     "queue %d: reserved bytes 14..15 are not zero", q);
	ret = rxq_check_buffers(p, q, d);
	if (ret)
		return ret;

	r = &rt->rxq[q];
	memset(r, 0, sizeof(*r));
	r->ring_base = base;
	r->ring_len = vfmig_get_le16(d + Q_RING_LEN);
	r->head = vfmig_get_le16(d + Q_HEAD);
	r->tail = vfmig_get_le16(d + Q_TAIL);
	r->desc_size = vfmig_get_le16(d + RXQ_DESC_SIZE);
	r->hdr_buf_size = vfmig_get_le16(d + RXQ_HDR_BUF);
	r->data_buf_size = vfmig_get_le32(d + RXQ_DATA_BUF);
	r->max_pkt_size = vfmig_get_le32(d + RXQ_MAX_PKT);
	r->enabled = flags & VFMIG_RXQ_F_ENABLED;
	r->crc_strip = flags & VFMIG_RXQ_F_CRC_STRIP;
	rt->rxq_present |= BIT(q);
	return 0;
}

static void enc_rxq(u8 *d, u16 q, const struct vfmig_rxq_state *r)
{
	u16 flags = (r->enabled ? VFMIG_RXQ_F_ENABLED : 0) |
		    (r->crc_strip ? VFMIG_RXQ_F_CRC_STRIP : 0);

	queue_put_common(d, q, flags, r->ring_len, r->head, r->tail);
	vfmig_put_le16(d + RXQ_DESC_SIZE, r->desc_size);
	vfmig_put_le16(d + RXQ_HDR_BUF, r->hdr_buf_size);
	vfmig_put_le16(d + RXQ_RSVD, 0);
	vfmig_put_le32(d + RXQ_DATA_BUF, r->data_buf_size);
	vfmig_put_le32(d + RXQ_MAX_PKT, r->max_pkt_size);
	vfmig_put_le64(d + RXQ_BASE, r->ring_base);
}

/* IRQ_REGS: icr0, icr0_ena, count, then {dyn_ctl, itr[3]} per vector */
static int dec_irq_regs(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_runtime *rt = &p->img->runtime;
	struct vfmig_irq_regs *irq = &rt->irq;
	u32 max = min_t(u32, p->img->match.num_msix, ARRAY_SIZE(irq->vec));
	u32 count = vfmig_get_le32(d + 8);
	const u8 *e = d + VFMIG_IRQ_REGS_HDR_LEN;
	u32 i, j;
	int ret;

	if (count > max)
		return parser_reject(p, -ERANGE,
				     "%u vectors, MATCH announced %u MSI-X vectors",
				     count, max);
	ret = check_list_len(p, len, VFMIG_IRQ_REGS_HDR_LEN +
			     (u64)count * VFMIG_IRQ_REGS_ENTRY_LEN);
	if (ret)
		return ret;

	memset(irq, 0, sizeof(*irq));
	irq->icr0 = vfmig_get_le32(d);
	irq->icr0_ena = vfmig_get_le32(d + 4);
	irq->num_vectors = count;
	for (i = 0; i < count; i++, e += VFMIG_IRQ_REGS_ENTRY_LEN) {
		irq->vec[i].dyn_ctl = vfmig_get_le32(e);
		for (j = 0; j < VFMIG_NUM_ITR; j++)
			irq->vec[i].itr[j] = vfmig_get_le32(e + 4 + 4 * j);
	}
	rt->present |= VFMIG_RT_IRQ_REGS;
	return 0;
}

static void enc_irq_regs(u8 *d, const struct vfmig_irq_regs *irq)
{
	u8 *e = d + VFMIG_IRQ_REGS_HDR_LEN;
	u32 i, j;

	vfmig_put_le32(d, irq->icr0);
	vfmig_put_le32(d + 4, irq->icr0_ena);
	vfmig_put_le32(d + 8, irq->num_vectors);
	for (i = 0; i < irq->num_vectors; i++, e += VFMIG_IRQ_REGS_ENTRY_LEN) {
		vfmig_put_le32(e, irq->vec[i].dyn_ctl);
		for (j = 0; j < VFMIG_NUM_ITR; j++)
			vfmig_put_le32(e + 4 + 4 * j, irq->vec[i].itr[j]);
	}
}

/* MBX_REGS: ATQ then ARQ, each bal, bah, len, head, tail */
static void mbxq_get(struct vfmig_mbx_queue_regs *q, const u8 *d)
{
	q->bal = vfmig_get_le32(d);
	q->bah = vfmig_get_le32(d + 4);
	q->len = vfmig_get_le32(d + 8);
	q->head = vfmig_get_le32(d + 12);
	q->tail = vfmig_get_le32(d + 16);
}

static void mbxq_put(u8 *d, const struct vfmig_mbx_queue_regs *q)
{
	vfmig_put_le32(d, q->bal);
	vfmig_put_le32(d + 4, q->bah);
	vfmig_put_le32(d + 8, q->len);
	vfmig_put_le32(d + 12, q->head);
	vfmig_put_le32(d + 16, q->tail);
}

static int dec_mbx_regs(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_runtime *rt = &p->img->runtime;

	mbxq_get(&rt->mbx.atq, d);
	mbxq_get(&rt->mbx.arq, d + 20);
	rt->present |= VFMIG_RT_MBX_REGS;
	return 0;
}

static void enc_mbx_regs(u8 *d, const struct vfmig_mbx_regs *mbx)
{
	mbxq_put(d, &mbx->atq);
	mbxq_put(d + 20, &mbx->arq);
}

/* MBX_MSG: v_opcode, v_retval, msg_len, then the message */
static int dec_mbx_msg(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	u32 msg_len = vfmig_get_le32(d + 8);
	int ret;

	if (msg_len > VFMIG_MAX_MBX_MSG_LEN)
		return parser_reject(p, -ERANGE,
				     "message of %u bytes, the mailbox carries at most %u",
				     msg_len, VFMIG_MAX_MBX_MSG_LEN);
	ret = check_list_len(p, len, VFMIG_MBX_MSG_HDR_LEN + (u64)msg_len);
	if (ret)
		return ret;
	ret = vfmig_dev_image_add_mbx_msg(p->img, vfmig_get_le32(d),
					  (s32)vfmig_get_le32(d + 4),
					  d + VFMIG_MBX_MSG_HDR_LEN, msg_len);
	if (ret)
		return parser_reject(p, ret, "cannot store message %u (%u bytes)",
				     p->img->runtime.num_mbx_msgs, msg_len);
	return 0;
}

static void enc_mbx_msg(u8 *d, const struct vfmig_mbx_msg *msg)
{
	vfmig_put_le32(d, msg->v_opcode);
	vfmig_put_le32(d + 4, (u32)msg->v_retval);
	vfmig_put_le32(d + 8, msg->len);
	if (msg->len)
		memcpy(d + VFMIG_MBX_MSG_HDR_LEN, msg->data, msg->len);
}

/* STATS: the counters of struct vfmig_eth_stats, in order */
static int dec_stats(struct vfmig_stream_parser *p, const u8 *d, u32 len)
{
	struct vfmig_dev_runtime *rt = &p->img->runtime;
	struct vfmig_eth_stats *s = &rt->stats;

	s->rx_bytes = vfmig_get_le64(d);
	s->rx_unicast = vfmig_get_le64(d + 8);
	s->rx_multicast = vfmig_get_le64(d + 16);
	s->rx_broadcast = vfmig_get_le64(d + 24);
	s->rx_discards = vfmig_get_le64(d + 32);
	s->rx_unknown_protocol = vfmig_get_le64(d + 40);
	s->tx_bytes = vfmig_get_le64(d + 48);
	s->tx_unicast = vfmig_get_le64(d + 56);
	s->tx_multicast = vfmig_get_le64(d + 64);
	s->tx_broadcast = vfmig_get_le64(d + 72);
	s->tx_discards = vfmig_get_le64(d + 80);
	s->tx_errors = vfmig_get_le64(d + 88);
	rt->present |= VFMIG_RT_STATS;
	return 0;
}

static void enc_stats(u8 *d, const struct vfmig_eth_stats *s)
{
	vfmig_put_le64(d, s->rx_bytes);
	vfmig_put_le64(d + 8, s->rx_unicast);
	vfmig_put_le64(d + 16, s->rx_multicast);
	vfmig_put_le64(d + 24, s->rx_broadcast);
	vfmig_put_le64(d + 32, s->rx_discards);
	vfmig_put_le64(d + 40, s->rx_unknown_protocol);
	vfmig_put_le64(d + 48, s->tx_bytes);
	vfmig_put_le64(d + 56, s->tx_unicast);
	vfmig_put_le64(d + 64, s->tx_multicast);
	vfmig_put_le64(d + 72, s->tx_broadcast);
	vfmig_put_le64(d + 80, s->tx_discards);
	vfmig_put_le64(d + 88, s->tx_errors);
}

/* ---- The tag table ------------------------------------------------------- */

#define EXT		VFMIG_REC_EXT_MAX
#define LIST_MAX(hdr, n, entry)	((hdr) + (n) * (entry) + EXT)

#define REC(_tag, _class, _flags, _len, _max_len, _decode) {		\
	.tag = VFMIG_TAG_##_tag, .name = #_tag, .class = _class,	\
	.flags = _flags, .len = _len, .max_len = _max_len,		\
	.decode = _decode }

/* What this build knows; docs/stream-format.md has the same table. */
static const struct rec_desc rec_table[] = {
	REC(MATCH, REC_STRUCTURE, REC_SINGLE, M_ID_LEN, VFMIG_MATCH_MAX_LEN,
	    dec_match),
	REC(STOPCOPY, REC_STRUCTURE, REC_STRICT, 0, 0, dec_stopcopy),
	REC(END, REC_STRUCTURE, REC_STRICT, VFMIG_END_LEN, VFMIG_END_LEN,
	    dec_end),

	REC(VF_CONFIG, REC_CONFIG, REC_SINGLE | REC_FIXED, VFMIG_VF_CONFIG_LEN,
	    VFMIG_VF_CONFIG_LEN + EXT, dec_vf_config),
	REC(VSI, REC_CONFIG, REC_SINGLE | REC_FIXED, VFMIG_VSI_LEN,
	    VFMIG_VSI_LEN + EXT, dec_vsi),
	REC(MAC_FILTERS, REC_CONFIG, REC_SINGLE, VFMIG_COUNT_LEN,
	    LIST_MAX(VFMIG_COUNT_LEN, VFMIG_MAX_MAC_FILTERS,
		     VFMIG_MAC_FILTER_ENTRY_LEN), dec_mac_filters),
	REC(VLAN_FILTERS, REC_CONFIG, REC_SINGLE, VFMIG_COUNT_LEN,
	    LIST_MAX(VFMIG_COUNT_LEN, VFMIG_MAX_VLAN_FILTERS,
		     VFMIG_VLAN_FILTER_ENTRY_LEN), dec_vlan_filters),
	REC(PROMISC, REC_CONFIG, REC_SINGLE | REC_FIXED, VFMIG_PROMISC_LEN,
	    VFMIG_PROMISC_LEN + EXT, dec_promisc),
	REC(RSS_KEY, REC_CONFIG, REC_SINGLE, VFMIG_COUNT_LEN,
	    LIST_MAX(VFMIG_COUNT_LEN, VFMIG_MAX_RSS_KEY_SIZE, 1), dec_rss_key),
	REC(RSS_LUT, REC_CONFIG, REC_SINGLE, VFMIG_COUNT_LEN,
	    LIST_MAX(VFMIG_COUNT_LEN, VFMIG_MAX_RSS_LUT_SIZE, 1), dec_rss_lut),
	REC(RSS_HENA, REC_CONFIG, REC_SINGLE | REC_FIXED, VFMIG_RSS_HENA_LEN,
	    VFMIG_RSS_HENA_LEN + EXT, dec_rss_hena),
	REC(IRQ_MAP, REC_CONFIG, REC_SINGLE, VFMIG_COUNT_LEN,
	    LIST_MAX(VFMIG_COUNT_LEN, VFMIG_MAX_MSIX, VFMIG_IRQ_MAP_ENTRY_LEN),
	    dec_irq_map),

	REC(TXQ, REC_RUNTIME, REC_FIXED, VFMIG_TXQ_LEN, VFMIG_TXQ_LEN + EXT,
	    dec_txq),
	REC(RXQ, REC_RUNTIME, REC_FIXED, VFMIG_RXQ_LEN, VFMIG_RXQ_LEN + EXT,
	    dec_rxq),
	REC(IRQ_REGS, REC_RUNTIME, REC_SINGLE, VFMIG_IRQ_REGS_HDR_LEN,
	    LIST_MAX(VFMIG_IRQ_REGS_HDR_LEN, VFMIG_MAX_MSIX,
		     VFMIG_IRQ_REGS_ENTRY_LEN), dec_irq_regs),
	REC(MBX_REGS, REC_RUNTIME, REC_SINGLE | REC_FIXED, VFMIG_MBX_REGS_LEN,
	    VFMIG_MBX_REGS_LEN + EXT, dec_mbx_regs),
	REC(MBX_MSG, REC_RUNTIME, 0, VFMIG_MBX_MSG_HDR_LEN,
	    LIST_MAX(VFMIG_MBX_MSG_HDR_LEN, 1, VFMIG_MAX_MBX_MSG_LEN),
	    dec_mbx_msg),
	REC(STATS, REC_RUNTIME, REC_SINGLE | REC_FIXED, VFMIG_STATS_LEN,
	    VFMIG_STATS_LEN + EXT, dec_stats),
};

static_assert(ARRAY_SIZE(rec_table) <= 32);	/* parser->seen is a u32 */

static const struct rec_desc *rec_lookup(u32 tag)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rec_table); i++)
		if (rec_table[i].tag == tag)
			return &rec_table[i];
	return NULL;
}

const char *vfmig_stream_tag_name(u32 tag)
{
	const struct rec_desc *d = rec_lookup(tag);

	return d ? d->name : "UNKNOWN";
}

/* ---- Parser -------------------------------------------------------------- */

static int parser_check_order(struct vfmig_stream_parser *p,
			      const struct rec_desc *d)
{
	u32 bit = BIT(d - rec_table);

	if (d->tag == VFMIG_TAG_MATCH && p->section != SEC_MATCH)
		return parser_reject(p, -EPROTO,
				     "second MATCH; MATCH appears once, as record 1");
	if (d->tag == VFMIG_TAG_STOPCOPY && p->section == SEC_STOPCOPY)
		return parser_reject(p, -EPROTO,
				     "second STOPCOPY marker; a stream has one pre-copy and one stop-copy section");
	if (d->tag == VFMIG_TAG_END && p->section == SEC_PRECOPY)
		return parser_reject(p, -EPROTO,
				     "END before the STOPCOPY marker: the stream has no stop-copy section");
	if (d->class == REC_RUNTIME && p->section == SEC_PRECOPY)
		return parser_reject(p, -EPROTO,
				     "runtime record before the STOPCOPY marker; runtime state is only sent once the device is stopped");
	if ((d->flags & REC_SINGLE) && (p->seen & bit))
		return parser_reject(p, -EEXIST,
				     "second %s record in the %s section; it may appear once per section",
				     d->name,
				     p->section == SEC_STOPCOPY ? "stop-copy" : "pre-copy");
	if (d->tag == VFMIG_TAG_MBX_MSG &&
	    p->img->runtime.num_mbx_msgs >= VFMIG_MAX_MBX_MSGS)
		return parser_reject(p, -ERANGE,
				     "more than %u mailbox messages", VFMIG_MAX_MBX_MSGS);
	return 0;
}

static int parser_check_len(struct vfmig_stream_parser *p,
			    const struct rec_desc *d, u64 len)
{
	bool exact = (d->flags & REC_STRICT) ||
		     ((d->flags & REC_FIXED) && !p->newer_minor);

	if (len > d->max_len)
		return parser_reject(p, -EMSGSIZE,
				     "length %llu exceeds %u, the most this record can need",
				     (unsigned long long)len, d->max_len);
	if (len < d->len || (exact && len != d->len))
		return parser_reject(p, -EINVAL,
				     "length %llu, expected %s%u", (unsigned long long)len,
				     exact ? "" : "at least ", d->len);
	return 0;
}

static int parser_make_room(struct vfmig_stream_parser *p, u32 len)
{
	u8 *buf;

	if (len <= p->payload_cap)
		return 0;
	buf = vfmig_alloc(len);
	if (!buf)
		return parser_reject(p, -ENOMEM,
				     "cannot allocate %u bytes for the payload", len);
	vfmig_free(p->payload);
	p->payload = buf;
	p->payload_cap = len;
	return 0;
}

/* The header is complete: check everything it says before any payload. */
static int parser_begin_record(struct vfmig_stream_parser *p)
{
	u32 flags = vfmig_get_le32(p->hdr + 4);
	u64 len = vfmig_get_le64(p->hdr + 8);
	const struct rec_desc *d;
	int ret;

	p->tag = vfmig_get_le32(p->hdr);
	d = rec_lookup(p->tag);
	p->desc = d;
	if (p->section == SEC_MATCH && p->tag != VFMIG_TAG_MATCH)
		return parser_reject(p, -EPROTO,
				     "the first record must be MATCH (tag 0x%x), got tag 0x%x: not a vfmig stream, or its start is missing",
				     VFMIG_TAG_MATCH, p->tag);
	if (flags & ~VFMIG_REC_F_ALL)
		return parser_reject(p, -EINVAL,
				     "record flags 0x%08x: only bit 0 (OPTIONAL) is defined",
				     flags);
	/* END's header is outside the CRC, so its flags must be exact. */
	if (d && d->class == REC_STRUCTURE && flags)
		return parser_reject(p, -EINVAL,
				     "record flags 0x%08x: MATCH, STOPCOPY and END are never OPTIONAL",
				     flags);
	if (!d && !(flags & VFMIG_REC_F_OPTIONAL))
		return parser_reject(p, -EOPNOTSUPP,
				     "unknown tag 0x%x is not OPTIONAL: the source uses a feature this destination lacks; upgrade the destination or disable the feature on the source",
				     p->tag);
	if (!d) {
		if (len > VFMIG_REC_MAX_LEN)
			return parser_reject(p, -EMSGSIZE,
					     "optional tag 0x%x of length %llu exceeds the %u bytes any record may have",
					     p->tag, (unsigned long long)len,
					     VFMIG_REC_MAX_LEN);
	} else {
		ret = parser_check_order(p, d);
		if (!ret)
			ret = parser_check_len(p, d, len);
		if (!ret)
			ret = parser_make_room(p, (u32)len);
		if (ret)
			return ret;
	}
	p->len = (u32)len;
	p->fill = 0;
	if (p->tag != VFMIG_TAG_END)
		p->crc = vfmig_crc32c(p->crc, p->hdr, VFMIG_REC_HDR_LEN);
	return 0;
}

static void parser_take_payload(struct vfmig_stream_parser *p, const u8 *s,
				u32 n)
{
	if (p->desc)
		memcpy(p->payload + p->fill, s, n);
	if (p->tag != VFMIG_TAG_END)
		p->crc = vfmig_crc32c(p->crc, s, n);
	p->fill += n;
}

/* The payload is complete: validate and store it. */
static int parser_end_record(struct vfmig_stream_parser *p)
{
	const struct rec_desc *d = p->desc;
	int ret;

	if (d) {
		ret = d->decode(p, p->payload, p->len);
		if (ret)
			return ret;
		if (d->flags & REC_SINGLE)
			p->seen |= BIT(d - rec_table);
	}
	vfmig_trace("stream.record", p->tag, p->len);
	p->hdr_fill = 0;
	p->fill = 0;
	p->len = 0;
	p->desc = NULL;
	return 0;
}

static int parser_reject_trailing(struct vfmig_stream_parser *p)
{
	snprintf(p->reason, sizeof(p->reason),
		 "data after END at offset %llu: END must be the last record of a stream",
		 (unsigned long long)p->offset);
	return parser_latch(p, -ENOSPC);
}

struct vfmig_stream_parser *vfmig_stream_parser_new(vfmig_stream_match_fn match_cb,
						    void *ctx)
{
	struct vfmig_stream_parser *p;

	p = vfmig_zalloc(sizeof(*p));
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->img = vfmig_dev_image_alloc();
	if (IS_ERR(p->img))
		goto err_free_parser;
	p->match_cb = match_cb;
	p->cb_ctx = ctx;
	p->section = SEC_MATCH;
	return p;

err_free_parser:
	vfmig_free(p);
	return ERR_PTR(-ENOMEM);
}

void vfmig_stream_parser_free(struct vfmig_stream_parser *p)
{
	if (IS_ERR_OR_NULL(p))
		return;
	vfmig_dev_image_free(p->img);
	vfmig_free(p->payload);
	vfmig_free(p);
}

int vfmig_stream_parser_write(struct vfmig_stream_parser *p, const void *buf,
			      size_t len)
{
	const u8 *s = buf;
	u32 n;
	int ret;

	if (p->err)
		return p->err;
	while (len) {
		if (p->section == SEC_DONE)
			return parser_reject_trailing(p);
		if (p->hdr_fill < VFMIG_REC_HDR_LEN) {
			if (!p->hdr_fill) {
				p->rec_offset = p->offset;
				p->rec_index++;
			}
			n = min_t(size_t, len, VFMIG_REC_HDR_LEN - p->hdr_fill);
			memcpy(p->hdr + p->hdr_fill, s, n);
			p->hdr_fill += n;
			ret = p->hdr_fill == VFMIG_REC_HDR_LEN ?
			      parser_begin_record(p) : 0;
		} else {
			n = min_t(size_t, len, p->len - p->fill);
			parser_take_payload(p, s, n);
			ret = 0;
		}
		p->offset += n;
		s += n;
		len -= n;
		if (ret)
			return ret;
		if (p->hdr_fill == VFMIG_REC_HDR_LEN && p->fill == p->len) {
			ret = parser_end_record(p);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int vfmig_stream_parser_finish(struct vfmig_stream_parser *p)
{
	if (p->err)
		return p->err;
	if (p->section == SEC_DONE)
		return 0;
	if (!p->hdr_fill)
		snprintf(p->reason, sizeof(p->reason),
			 "stream ends at offset %llu after record %u without END: the source did not finish STOP_COPY, or bytes were lost",
			 (unsigned long long)p->offset, p->rec_index);
	else if (p->hdr_fill < VFMIG_REC_HDR_LEN)
		snprintf(p->reason, sizeof(p->reason),
			 "stream ends at offset %llu inside the header of record %u (%u of %u bytes), without END",
			 (unsigned long long)p->offset, p->rec_index,
			 p->hdr_fill, VFMIG_REC_HDR_LEN);
	else
		snprintf(p->reason, sizeof(p->reason),
			 "stream ends at offset %llu inside record %u (%s), %u of %u payload bytes, without END",
			 (unsigned long long)p->offset, p->rec_index,
			 parser_tag_name(p), p->fill, p->len);
	return parser_latch(p, -ENODATA);
}

bool vfmig_stream_parser_done(const struct vfmig_stream_parser *p)
{
	return !p->err && p->section == SEC_DONE;
}

int vfmig_stream_parser_error(const struct vfmig_stream_parser *p)
{
	return p->err;
}

const char *vfmig_stream_parser_reason(const struct vfmig_stream_parser *p)
{
	return p->reason;
}

u64 vfmig_stream_parser_offset(const struct vfmig_stream_parser *p)
{
	return p->offset;
}

bool vfmig_stream_parser_in_stopcopy(const struct vfmig_stream_parser *p)
{
	return p->section >= SEC_STOPCOPY;
}

const struct vfmig_dev_image *vfmig_stream_parser_image(const struct vfmig_stream_parser *p)
{
	return p->img;
}

/* ---- Writer -------------------------------------------------------------- */

#define WRITER_MIN_CAP	4096

struct cfg_codec {
	u32 tag;
	void (*encode)(u8 *d, const struct vfmig_dev_config *cfg);
};

/* Indexed by enum vfmig_cfg_rec: the order put_config() writes them in. */
static const struct cfg_codec cfg_codecs[VFMIG_CFG_NUM] = {
	[VFMIG_CFG_VF_CONFIG]	 = { VFMIG_TAG_VF_CONFIG, enc_vf_config },
	[VFMIG_CFG_VSI]		 = { VFMIG_TAG_VSI, enc_vsi },
	[VFMIG_CFG_MAC_FILTERS]	 = { VFMIG_TAG_MAC_FILTERS, enc_mac_filters },
	[VFMIG_CFG_VLAN_FILTERS] = { VFMIG_TAG_VLAN_FILTERS, enc_vlan_filters },
	[VFMIG_CFG_PROMISC]	 = { VFMIG_TAG_PROMISC, enc_promisc },
	[VFMIG_CFG_RSS_KEY]	 = { VFMIG_TAG_RSS_KEY, enc_rss_key },
	[VFMIG_CFG_RSS_LUT]	 = { VFMIG_TAG_RSS_LUT, enc_rss_lut },
	[VFMIG_CFG_RSS_HENA]	 = { VFMIG_TAG_RSS_HENA, enc_rss_hena },
	[VFMIG_CFG_IRQ_MAP]	 = { VFMIG_TAG_IRQ_MAP, enc_irq_map },
};

/* Payload bytes of one CONFIG record; counts must have been checked. */
static size_t cfg_payload_len(const struct vfmig_dev_config *cfg,
			      enum vfmig_cfg_rec rec)
{
	switch (rec) {
	case VFMIG_CFG_VF_CONFIG:
		return VFMIG_VF_CONFIG_LEN;
	case VFMIG_CFG_VSI:
		return VFMIG_VSI_LEN;
	case VFMIG_CFG_MAC_FILTERS:
		return VFMIG_COUNT_LEN +
		       (size_t)cfg->num_mac_filters * VFMIG_MAC_FILTER_ENTRY_LEN;
	case VFMIG_CFG_VLAN_FILTERS:
		return VFMIG_COUNT_LEN +
		       (size_t)cfg->num_vlan_filters * VFMIG_VLAN_FILTER_ENTRY_LEN;
	case VFMIG_CFG_PROMISC:
		return VFMIG_PROMISC_LEN;
	case VFMIG_CFG_RSS_KEY:
		return VFMIG_COUNT_LEN + (size_t)cfg->rss_key_len;
	case VFMIG_CFG_RSS_LUT:
		return VFMIG_COUNT_LEN + (size_t)cfg->rss_lut_len;
	case VFMIG_CFG_RSS_HENA:
		return VFMIG_RSS_HENA_LEN;
	case VFMIG_CFG_IRQ_MAP:
		return VFMIG_COUNT_LEN +
		       (size_t)cfg->num_irq_maps * VFMIG_IRQ_MAP_ENTRY_LEN;
	default:
		return 0;
	}
}

/* What the writer can encode without reading past an array. */
static bool cfg_encodable(const struct vfmig_dev_config *cfg, u32 mask)
{
	return !(mask & ~cfg->present) && !(mask & ~VFMIG_CFG_ALL) &&
	       cfg->num_mac_filters <= ARRAY_SIZE(cfg->mac_filters) &&
	       cfg->num_vlan_filters <= ARRAY_SIZE(cfg->vlan_filters) &&
	       cfg->rss_key_len <= ARRAY_SIZE(cfg->rss_key) &&
	       cfg->rss_lut_len <= ARRAY_SIZE(cfg->rss_lut) &&
	       cfg->num_irq_maps <= ARRAY_SIZE(cfg->irq_maps);
}

static bool rt_encodable(const struct vfmig_dev_runtime *rt)
{
	u32 qmask = (u32)BIT(VFMIG_MAX_QUEUE_PAIRS) - 1;
	u32 i;

	if ((rt->txq_present | rt->rxq_present) & ~qmask ||
	    rt->present & ~VFMIG_RT_ALL ||
	    rt->irq.num_vectors > ARRAY_SIZE(rt->irq.vec) ||
	    rt->num_mbx_msgs > ARRAY_SIZE(rt->mbx_msgs))
		return false;
	for (i = 0; i < rt->num_mbx_msgs; i++)
		if (rt->mbx_msgs[i].len > VFMIG_MAX_MBX_MSG_LEN ||
		    (rt->mbx_msgs[i].len && !rt->mbx_msgs[i].data))
			return false;
	return true;
}

void vfmig_stream_writer_init(struct vfmig_stream_writer *w)
{
	memset(w, 0, sizeof(*w));
	w->state = SEC_MATCH;
}

void vfmig_stream_writer_release(struct vfmig_stream_writer *w)
{
	vfmig_free(w->buf);
	memset(w, 0, sizeof(*w));
}

static int writer_fail(struct vfmig_stream_writer *w, int err)
{
	w->err = err;
	return err;
}

/* Room for @need more bytes; grows by allocating anew (no realloc in-kernel). */
static int writer_reserve(struct vfmig_stream_writer *w, size_t need)
{
	size_t want, cap;
	u8 *buf;

	if (check_add_overflow(w->len, need, &want))
		return writer_fail(w, -ENOMEM);
	if (want <= w->cap)
		return 0;
	cap = w->cap ? w->cap : WRITER_MIN_CAP;
	while (cap < want)
		if (check_mul_overflow(cap, (size_t)2, &cap))
			return writer_fail(w, -ENOMEM);
	buf = vfmig_alloc(cap);
	if (!buf)
		return writer_fail(w, -ENOMEM);
	if (w->len)
		memcpy(buf, w->buf, w->len);
	vfmig_free(w->buf);
	w->buf = buf;
	w->cap = cap;
	return 0;
}

/*
 * Reserve a record of @len payload bytes and write its header; returns
 * where the payload goes, or NULL with w->err set. writer_commit() ends it.
 */
static u8 *writer_begin(struct vfmig_stream_writer *w, u32 tag, u32 flags,
			size_t len)
{
	u8 *h;

	if (w->err || writer_reserve(w, VFMIG_REC_HDR_LEN + len))
		return NULL;
	h = w->buf + w->len;
	vfmig_put_le32(h, tag);
	vfmig_put_le32(h + 4, flags);
	vfmig_put_le64(h + 8, len);
	return h + VFMIG_REC_HDR_LEN;
}

static void writer_commit(struct vfmig_stream_writer *w, size_t len)
{
	w->crc = vfmig_crc32c(w->crc, w->buf + w->len, VFMIG_REC_HDR_LEN + len);
	w->len += VFMIG_REC_HDR_LEN + len;
}

/* Whether a typed put_* may come now: @allowed is a mask of BIT(SEC_*). */
static int writer_check_state(struct vfmig_stream_writer *w, u32 allowed)
{
	if (w->err)
		return w->err;
	if (allowed & BIT(w->state))
		return 0;
	return writer_fail(w, w->state == SEC_DONE ? -ENOSPC : -EPROTO);
}

int vfmig_stream_put_raw(struct vfmig_stream_writer *w, u32 tag, u32 flags,
			 const void *data, size_t len)
{
	u8 *d;

	if (w->err)
		return w->err;
	if (len && !data)
		return writer_fail(w, -EINVAL);
	d = writer_begin(w, tag, flags, len);
	if (!d)
		return w->err;
	if (len)
		memcpy(d, data, len);
	writer_commit(w, len);
	return 0;
}

int vfmig_stream_put_match(struct vfmig_stream_writer *w,
			   const struct vfmig_match *m)
{
	u8 *d;
	int ret;

	ret = writer_check_state(w, BIT(SEC_MATCH));
	if (ret)
		return ret;
	d = writer_begin(w, VFMIG_TAG_MATCH, 0, VFMIG_MATCH_LEN);
	if (!d)
		return w->err;
	match_encode(d, m);
	writer_commit(w, VFMIG_MATCH_LEN);
	w->state = SEC_PRECOPY;
	return 0;
}

int vfmig_stream_put_config(struct vfmig_stream_writer *w,
			    const struct vfmig_dev_config *cfg, u32 mask)
{
	size_t len;
	u32 rec;
	u8 *d;
	int ret;

	ret = writer_check_state(w, BIT(SEC_PRECOPY) | BIT(SEC_STOPCOPY));
	if (ret)
		return ret;
	if (!cfg_encodable(cfg, mask))
		return writer_fail(w, -EINVAL);
	for (rec = 0; rec < VFMIG_CFG_NUM; rec++) {
		if (!(mask & BIT(rec)))
			continue;
		len = cfg_payload_len(cfg, rec);
		d = writer_begin(w, cfg_codecs[rec].tag, 0, len);
		if (!d)
			return w->err;
		cfg_codecs[rec].encode(d, cfg);
		writer_commit(w, len);
	}
	return 0;
}

int vfmig_stream_put_stopcopy(struct vfmig_stream_writer *w)
{
	int ret;

	ret = writer_check_state(w, BIT(SEC_PRECOPY));
	if (ret)
		return ret;
	if (!writer_begin(w, VFMIG_TAG_STOPCOPY, 0, 0))
		return w->err;
	writer_commit(w, 0);
	w->state = SEC_STOPCOPY;
	return 0;
}

static int put_queues(struct vfmig_stream_writer *w,
		      const struct vfmig_dev_runtime *rt)
{
	u16 q;
	u8 *d;

	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		if (!(rt->txq_present & BIT(q)))
			continue;
		d = writer_begin(w, VFMIG_TAG_TXQ, 0, VFMIG_TXQ_LEN);
		if (!d)
			return w->err;
		enc_txq(d, q, &rt->txq[q]);
		writer_commit(w, VFMIG_TXQ_LEN);
	}
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		if (!(rt->rxq_present & BIT(q)))
			continue;
		d = writer_begin(w, VFMIG_TAG_RXQ, 0, VFMIG_RXQ_LEN);
		if (!d)
			return w->err;
		enc_rxq(d, q, &rt->rxq[q]);
		writer_commit(w, VFMIG_RXQ_LEN);
	}
	return 0;
}

static size_t irq_regs_len(const struct vfmig_irq_regs *irq)
{
	return VFMIG_IRQ_REGS_HDR_LEN +
	       (size_t)irq->num_vectors * VFMIG_IRQ_REGS_ENTRY_LEN;
}

static int put_registers(struct vfmig_stream_writer *w,
			 const struct vfmig_dev_runtime *rt)
{
	size_t len;
	u8 *d;

	if (rt->present & VFMIG_RT_IRQ_REGS) {
		len = irq_regs_len(&rt->irq);
		d = writer_begin(w, VFMIG_TAG_IRQ_REGS, 0, len);
		if (!d)
			return w->err;
		enc_irq_regs(d, &rt->irq);
		writer_commit(w, len);
	}
	if (rt->present & VFMIG_RT_MBX_REGS) {
		d = writer_begin(w, VFMIG_TAG_MBX_REGS, 0, VFMIG_MBX_REGS_LEN);
		if (!d)
			return w->err;
		enc_mbx_regs(d, &rt->mbx);
		writer_commit(w, VFMIG_MBX_REGS_LEN);
	}
	return 0;
}

int vfmig_stream_put_runtime(struct vfmig_stream_writer *w,
			     const struct vfmig_dev_runtime *rt)
{
	size_t len;
	u32 i;
	u8 *d;
	int ret;

	ret = writer_check_state(w, BIT(SEC_STOPCOPY));
	if (ret)
		return ret;
	if (!rt_encodable(rt))
		return writer_fail(w, -EINVAL);
	ret = put_queues(w, rt);
	if (!ret)
		ret = put_registers(w, rt);
	if (ret)
		return ret;
	for (i = 0; i < rt->num_mbx_msgs; i++) {
		len = VFMIG_MBX_MSG_HDR_LEN + (size_t)rt->mbx_msgs[i].len;
		d = writer_begin(w, VFMIG_TAG_MBX_MSG, 0, len);
		if (!d)
			return w->err;
		enc_mbx_msg(d, &rt->mbx_msgs[i]);
		writer_commit(w, len);
	}
	if (rt->present & VFMIG_RT_STATS) {
		d = writer_begin(w, VFMIG_TAG_STATS, 0, VFMIG_STATS_LEN);
		if (!d)
			return w->err;
		enc_stats(d, &rt->stats);
		writer_commit(w, VFMIG_STATS_LEN);
	}
	return 0;
}

int vfmig_stream_put_end(struct vfmig_stream_writer *w)
{
	u8 *d;
	int ret;

	ret = writer_check_state(w, BIT(SEC_STOPCOPY));
	if (ret)
		return ret;
	d = writer_begin(w, VFMIG_TAG_END, 0, VFMIG_END_LEN);
	if (!d)
		return w->err;
	/* END's CRC covers everything before END's header, not END itself. */
	vfmig_put_le32(d, w->crc);
	w->len += VFMIG_REC_HDR_LEN + VFMIG_END_LEN;
	w->state = SEC_DONE;
	return 0;
}

size_t vfmig_stream_match_size(void)
{
	return VFMIG_REC_HDR_LEN + VFMIG_MATCH_LEN;
}

size_t vfmig_stream_stopcopy_size(void)
{
	return VFMIG_REC_HDR_LEN;
}

size_t vfmig_stream_end_size(void)
{
	return VFMIG_REC_HDR_LEN + VFMIG_END_LEN;
}

size_t vfmig_stream_config_size(const struct vfmig_dev_config *cfg, u32 mask)
{
	size_t size = 0;
	u32 rec;

	if (!cfg_encodable(cfg, mask))
		return 0;
	for (rec = 0; rec < VFMIG_CFG_NUM; rec++)
		if (mask & BIT(rec))
			size += VFMIG_REC_HDR_LEN + cfg_payload_len(cfg, rec);
	return size;
}

size_t vfmig_stream_runtime_size(const struct vfmig_dev_runtime *rt)
{
	size_t size;
	u32 i;

	if (!rt_encodable(rt))
		return 0;
	size = (size_t)hweight64((u64)rt->txq_present) * (VFMIG_REC_HDR_LEN + VFMIG_TXQ_LEN) +
	       (size_t)hweight64((u64)rt->rxq_present) * (VFMIG_REC_HDR_LEN + VFMIG_RXQ_LEN);
	if (rt->present & VFMIG_RT_IRQ_REGS)
		size += VFMIG_REC_HDR_LEN + irq_regs_len(&rt->irq);
	if (rt->present & VFMIG_RT_MBX_REGS)
		size += VFMIG_REC_HDR_LEN + VFMIG_MBX_REGS_LEN;
	for (i = 0; i < rt->num_mbx_msgs; i++)
		size += VFMIG_REC_HDR_LEN + VFMIG_MBX_MSG_HDR_LEN + rt->mbx_msgs[i].len;
	if (rt->present & VFMIG_RT_STATS)
		size += VFMIG_REC_HDR_LEN + VFMIG_STATS_LEN;
	return size;
}

/* ---- Device image -------------------------------------------------------- */

struct vfmig_dev_image *vfmig_dev_image_alloc(void)
{
	struct vfmig_dev_image *img = vfmig_zalloc(sizeof(*img));

	return img ? img : ERR_PTR(-ENOMEM);
}

void vfmig_dev_image_clear_mbx_msgs(struct vfmig_dev_image *img)
{
	struct vfmig_dev_runtime *rt = &img->runtime;
	u32 i;

	for (i = 0; i < rt->num_mbx_msgs && i < ARRAY_SIZE(rt->mbx_msgs); i++)
		vfmig_free(rt->mbx_msgs[i].data);
	memset(rt->mbx_msgs, 0, sizeof(rt->mbx_msgs));
	rt->num_mbx_msgs = 0;
}

void vfmig_dev_image_free(struct vfmig_dev_image *img)
{
	if (IS_ERR_OR_NULL(img))
		return;
	vfmig_dev_image_clear_mbx_msgs(img);
	vfmig_free(img);
}

int vfmig_dev_image_add_mbx_msg(struct vfmig_dev_image *img, u32 v_opcode,
				s32 v_retval, const void *data, size_t len)
{
	struct vfmig_dev_runtime *rt = &img->runtime;
	struct vfmig_mbx_msg *msg;
	u8 *copy = NULL;

	if (rt->num_mbx_msgs >= ARRAY_SIZE(rt->mbx_msgs))
		return -ERANGE;
	if (len > VFMIG_MAX_MBX_MSG_LEN)
		return -EMSGSIZE;
	if (len && !data)
		return -EINVAL;
	if (len) {
		copy = vfmig_alloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, len);
	}
	msg = &rt->mbx_msgs[rt->num_mbx_msgs++];
	msg->v_opcode = v_opcode;
	msg->v_retval = v_retval;
	msg->len = (u16)len;
	msg->data = copy;
	return 0;
}

static bool match_equal(const struct vfmig_match *a, const struct vfmig_match *b)
{
	return a->major == b->major && a->minor == b->minor &&
	       a->vendor_id == b->vendor_id && a->device_id == b->device_id &&
	       a->subsys_vendor_id == b->subsys_vendor_id &&
	       a->subsys_device_id == b->subsys_device_id &&
	       a->num_queue_pairs == b->num_queue_pairs &&
	       a->max_ring_desc == b->max_ring_desc &&
	       a->max_mac_filters == b->max_mac_filters &&
	       a->max_vlan_filters == b->max_vlan_filters &&
	       a->rss_key_size == b->rss_key_size &&
	       a->rss_lut_size == b->rss_lut_size &&
	       a->num_msix == b->num_msix &&
	       a->virtchnl_major == b->virtchnl_major &&
	       a->virtchnl_minor == b->virtchnl_minor &&
	       a->vf_caps == b->vf_caps &&
	       a->fw_api_major == b->fw_api_major &&
	       a->fw_api_minor == b->fw_api_minor;
}

static bool lists_equal(const struct vfmig_dev_config *a,
			const struct vfmig_dev_config *b, u32 rec)
{
	u32 i;

	switch (rec) {
	case VFMIG_CFG_MAC_FILTERS:
		if (a->num_mac_filters != b->num_mac_filters)
			return false;
		for (i = 0; i < a->num_mac_filters && i < VFMIG_MAX_MAC_FILTERS; i++)
			if (memcmp(a->mac_filters[i].addr, b->mac_filters[i].addr,
				   VFMIG_ETH_ALEN) ||
			    a->mac_filters[i].type != b->mac_filters[i].type)
				return false;
		return true;
	case VFMIG_CFG_VLAN_FILTERS:
		return a->num_vlan_filters == b->num_vlan_filters &&
		       a->num_vlan_filters <= VFMIG_MAX_VLAN_FILTERS &&
		       !memcmp(a->vlan_filters, b->vlan_filters,
			       a->num_vlan_filters * sizeof(a->vlan_filters[0]));
	case VFMIG_CFG_RSS_KEY:
		return a->rss_key_len == b->rss_key_len &&
		       a->rss_key_len <= VFMIG_MAX_RSS_KEY_SIZE &&
		       !memcmp(a->rss_key, b->rss_key, a->rss_key_len);
	case VFMIG_CFG_RSS_LUT:
		return a->rss_lut_len == b->rss_lut_len &&
		       a->rss_lut_len <= VFMIG_MAX_RSS_LUT_SIZE &&
		       !memcmp(a->rss_lut, b->rss_lut, a->rss_lut_len);
	case VFMIG_CFG_IRQ_MAP:
		if (a->num_irq_maps != b->num_irq_maps)
			return false;
		for (i = 0; i < a->num_irq_maps && i < VFMIG_MAX_MSIX; i++) {
			const struct vfmig_irq_map *x = &a->irq_maps[i];
			const struct vfmig_irq_map *y = &b->irq_maps[i];

			if (x->vector_id != y->vector_id ||
			    x->rxq_map != y->rxq_map || x->txq_map != y->txq_map ||
			    x->rxitr_idx != y->rxitr_idx ||
			    x->txitr_idx != y->txitr_idx)
				return false;
		}
		return true;
	default:
		return false;
	}
}

bool vfmig_dev_config_rec_equal(const struct vfmig_dev_config *a,
				const struct vfmig_dev_config *b, u32 rec)
{
	switch (rec) {
	case VFMIG_CFG_VF_CONFIG:
		return !memcmp(a->vf.mac, b->vf.mac, VFMIG_ETH_ALEN) &&
		       a->vf.port_vlan == b->vf.port_vlan &&
		       a->vf.flags == b->vf.flags &&
		       a->vf.link_speed == b->vf.link_speed &&
		       a->vf.max_frame == b->vf.max_frame;
	case VFMIG_CFG_VSI:
		return a->vsi.vsi_id == b->vsi.vsi_id &&
		       a->vsi.num_queue_pairs == b->vsi.num_queue_pairs;
	case VFMIG_CFG_PROMISC:
		return a->promisc == b->promisc;
	case VFMIG_CFG_RSS_HENA:
		return a->rss_hena == b->rss_hena;
	default:
		return lists_equal(a, b, rec);
	}
}

static bool config_equal(const struct vfmig_dev_config *a,
			 const struct vfmig_dev_config *b)
{
	u32 rec;

	if (a->present != b->present)
		return false;
	for (rec = 0; rec < VFMIG_CFG_NUM; rec++)
		if ((a->present & BIT(rec)) && !vfmig_dev_config_rec_equal(a, b, rec))
			return false;
	return true;
}

static bool queues_equal(const struct vfmig_dev_runtime *a,
			 const struct vfmig_dev_runtime *b)
{
	u32 q;

	if (a->txq_present != b->txq_present || a->rxq_present != b->rxq_present)
		return false;
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		const struct vfmig_txq_state *t = &a->txq[q], *u = &b->txq[q];
		const struct vfmig_rxq_state *r = &a->rxq[q], *s = &b->rxq[q];

		if ((a->txq_present & BIT(q)) &&
		    (t->ring_base != u->ring_base ||
		     t->head_wb_addr != u->head_wb_addr ||
		     t->ring_len != u->ring_len || t->head != u->head ||
		     t->tail != u->tail || t->enabled != u->enabled ||
		     t->head_wb != u->head_wb))
			return false;
		if ((a->rxq_present & BIT(q)) &&
		    (r->ring_base != s->ring_base || r->ring_len != s->ring_len ||
		     r->head != s->head || r->tail != s->tail ||
		     r->desc_size != s->desc_size ||
		     r->hdr_buf_size != s->hdr_buf_size ||
		     r->data_buf_size != s->data_buf_size ||
		     r->max_pkt_size != s->max_pkt_size ||
		     r->enabled != s->enabled || r->crc_strip != s->crc_strip))
			return false;
	}
	return true;
}

static bool irq_regs_equal(const struct vfmig_irq_regs *a,
			   const struct vfmig_irq_regs *b)
{
	u32 i, j;

	if (a->icr0 != b->icr0 || a->icr0_ena != b->icr0_ena ||
	    a->num_vectors != b->num_vectors)
		return false;
	for (i = 0; i < a->num_vectors && i < VFMIG_MAX_MSIX; i++) {
		if (a->vec[i].dyn_ctl != b->vec[i].dyn_ctl)
			return false;
		for (j = 0; j < VFMIG_NUM_ITR; j++)
			if (a->vec[i].itr[j] != b->vec[i].itr[j])
				return false;
	}
	return true;
}

static bool mbxq_equal(const struct vfmig_mbx_queue_regs *a,
		       const struct vfmig_mbx_queue_regs *b)
{
	return a->bal == b->bal && a->bah == b->bah && a->len == b->len &&
	       a->head == b->head && a->tail == b->tail;
}

static bool stats_equal(const struct vfmig_eth_stats *a,
			const struct vfmig_eth_stats *b)
{
	return a->rx_bytes == b->rx_bytes && a->rx_unicast == b->rx_unicast &&
	       a->rx_multicast == b->rx_multicast &&
	       a->rx_broadcast == b->rx_broadcast &&
	       a->rx_discards == b->rx_discards &&
	       a->rx_unknown_protocol == b->rx_unknown_protocol &&
	       a->tx_bytes == b->tx_bytes && a->tx_unicast == b->tx_unicast &&
	       a->tx_multicast == b->tx_multicast &&
	       a->tx_broadcast == b->tx_broadcast &&
	       a->tx_discards == b->tx_discards && a->tx_errors == b->tx_errors;
}

static bool mbx_msgs_equal(const struct vfmig_dev_runtime *a,
			   const struct vfmig_dev_runtime *b)
{
	u32 i;

	if (a->num_mbx_msgs != b->num_mbx_msgs)
		return false;
	for (i = 0; i < a->num_mbx_msgs && i < VFMIG_MAX_MBX_MSGS; i++) {
		const struct vfmig_mbx_msg *x = &a->mbx_msgs[i];
		const struct vfmig_mbx_msg *y = &b->mbx_msgs[i];

		if (x->v_opcode != y->v_opcode || x->v_retval != y->v_retval ||
		    x->len != y->len ||
		    (x->len && memcmp(x->data, y->data, x->len)))
			return false;
	}
	return true;
}

static bool runtime_equal(const struct vfmig_dev_runtime *a,
			  const struct vfmig_dev_runtime *b)
{
	if (a->present != b->present || !queues_equal(a, b) ||
	    !mbx_msgs_equal(a, b))
		return false;
	if ((a->present & VFMIG_RT_IRQ_REGS) && !irq_regs_equal(&a->irq, &b->irq))
		return false;
	if ((a->present & VFMIG_RT_MBX_REGS) &&
	    (!mbxq_equal(&a->mbx.atq, &b->mbx.atq) ||
	     !mbxq_equal(&a->mbx.arq, &b->mbx.arq)))
		return false;
	if ((a->present & VFMIG_RT_STATS) && !stats_equal(&a->stats, &b->stats))
		return false;
	return true;
}

bool vfmig_dev_image_equal(const struct vfmig_dev_image *a,
			   const struct vfmig_dev_image *b)
{
	return match_equal(&a->match, &b->match) &&
	       config_equal(&a->config, &b->config) &&
	       runtime_equal(&a->runtime, &b->runtime) &&
	       a->config_precopy == b->config_precopy &&
	       a->config_stopcopy == b->config_stopcopy;
}
