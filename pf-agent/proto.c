// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver <-> agent message boundary, shared by both ends: the one
 * validator every received message passes before use, the runtime codec,
 * and the driver-side call for each opcode. See include/vfmig/agent.h and
 * docs/migration.md ("Agent protocol").
 *
 * The validator checks structure only (lengths, counts, reserved fields,
 * flag bits): what a message may claim without being read out of bounds.
 * Whether the values fit a given PF (ring lengths, queue ids, filter
 * counts) is for the agent to judge, with the PF's limits in hand.
 */
#include <vfmig/osdep.h>
#include <vfmig/agent.h>
#include <vfmig/stream.h>

#define REJECT(err, reason, reason_len, fmt, ...) ({			\
	char *__why = (reason);						\
	size_t __why_len = (reason_len);				\
									\
	if (__why && __why_len)						\
		snprintf(__why, __why_len, fmt, ##__VA_ARGS__);		\
	(err); })

static const char * const op_names[VFMIG_AGENT_OP_NUM] = {
	[VFMIG_AGENT_OP_LIMITS] = "LIMITS",
	[VFMIG_AGENT_OP_QUIESCE] = "QUIESCE",
	[VFMIG_AGENT_OP_SNAPSHOT_CONFIG] = "SNAPSHOT_CONFIG",
	[VFMIG_AGENT_OP_SNAPSHOT_RUNTIME] = "SNAPSHOT_RUNTIME",
	[VFMIG_AGENT_OP_PRE_APPLY] = "PRE_APPLY",
	[VFMIG_AGENT_OP_RESTORE] = "RESTORE",
	[VFMIG_AGENT_OP_RESUME] = "RESUME",
	[VFMIG_AGENT_OP_GEOMETRY] = "GEOMETRY",
	[VFMIG_AGENT_OP_RESET] = "RESET",
};

const char *vfmig_agent_op_name(u32 opcode)
{
	if (opcode == 0 || opcode >= VFMIG_AGENT_OP_NUM)
		return "UNKNOWN";
	return op_names[opcode];
}

/* ---- Validator ----------------------------------------------------------- */

/* How long an opcode's payload is: exactly @len, or at least @len when @var. */
struct op_len {
	u32 len;
	bool var;
};

static const struct op_len req_lens[VFMIG_AGENT_OP_NUM] = {
	[VFMIG_AGENT_OP_LIMITS] = { 0, false },
	[VFMIG_AGENT_OP_QUIESCE] = { sizeof(struct vfmig_agent_quiesce_req), false },
	[VFMIG_AGENT_OP_SNAPSHOT_CONFIG] = { 0, false },
	[VFMIG_AGENT_OP_SNAPSHOT_RUNTIME] = { sizeof(struct vfmig_agent_snapshot_req), false },
	[VFMIG_AGENT_OP_PRE_APPLY] = { sizeof(struct vfmig_agent_config), false },
	[VFMIG_AGENT_OP_RESTORE] = { sizeof(struct vfmig_agent_restore), true },
	[VFMIG_AGENT_OP_RESUME] = { sizeof(struct vfmig_agent_resume_req), false },
	[VFMIG_AGENT_OP_GEOMETRY] = { 0, false },
	[VFMIG_AGENT_OP_RESET] = { sizeof(struct vfmig_agent_reset_req), false },
};

static const struct op_len resp_lens[VFMIG_AGENT_OP_NUM] = {
	[VFMIG_AGENT_OP_LIMITS] = { sizeof(struct vfmig_pf_vf_limits), false },
	[VFMIG_AGENT_OP_QUIESCE] = { 0, false },
	[VFMIG_AGENT_OP_SNAPSHOT_CONFIG] = { sizeof(struct vfmig_agent_config), false },
	[VFMIG_AGENT_OP_SNAPSHOT_RUNTIME] = { sizeof(struct vfmig_agent_runtime), true },
	[VFMIG_AGENT_OP_PRE_APPLY] = { 0, false },
	[VFMIG_AGENT_OP_RESTORE] = { 0, false },
	[VFMIG_AGENT_OP_RESUME] = { 0, false },
	[VFMIG_AGENT_OP_GEOMETRY] = { sizeof(struct vfmig_agent_geometry), false },
	[VFMIG_AGENT_OP_RESET] = { 0, false },
};

static bool mem_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static int check_config(const struct vfmig_agent_config *c, const char *what,
			char *reason, size_t rlen)
{
	const struct vfmig_dev_config *cfg = &c->config;

	if (c->flags & ~VFMIG_AGENT_CFG_FLAGS_ALL)
		return REJECT(-EBADMSG, reason, rlen,
			      "%s: undefined config flags %#x", what, c->flags);
	if (cfg->present & ~VFMIG_CFG_ALL)
		return REJECT(-EBADMSG, reason, rlen,
			      "%s: undefined config records %#x", what,
			      cfg->present);
	if (cfg->num_mac_filters > ARRAY_SIZE(cfg->mac_filters))
		return REJECT(-EBADMSG, reason, rlen,
			      "%s: %u MAC filters, at most %zu fit",
			      what, cfg->num_mac_filters,
			      ARRAY_SIZE(cfg->mac_filters));
	if (cfg->num_vlan_filters > ARRAY_SIZE(cfg->vlan_filters))
		return REJECT(-EBADMSG, reason, rlen,
			      "%s: %u VLAN filters, at most %zu fit",
			      what, cfg->num_vlan_filters,
			      ARRAY_SIZE(cfg->vlan_filters));
	if (cfg->rss_key_len > ARRAY_SIZE(cfg->rss_key))
		return REJECT(-EBADMSG, reason, rlen,
			      "%s: RSS key of %u bytes, at most %zu fit",
			      what, cfg->rss_key_len, ARRAY_SIZE(cfg->rss_key));
	if (cfg->rss_lut_len > ARRAY_SIZE(cfg->rss_lut))
		return REJECT(-EBADMSG, reason, rlen,
			      "%s: RSS LUT of %u entries, at most %zu fit",
			      what, cfg->rss_lut_len, ARRAY_SIZE(cfg->rss_lut));
	if (cfg->num_irq_maps > ARRAY_SIZE(cfg->irq_maps))
		return REJECT(-EBADMSG, reason, rlen,
			      "%s: %u IRQ map entries, at most %zu fit",
			      what, cfg->num_irq_maps, ARRAY_SIZE(cfg->irq_maps));
	return 0;
}

/* @rt is followed by @area_len bytes of message area. */
static int check_runtime(const struct vfmig_agent_runtime *rt, size_t area_len,
			 char *reason, size_t rlen)
{
	const u32 qmask = (u32)BIT(VFMIG_MAX_QUEUE_PAIRS) - 1;
	const u8 *area = (const u8 *)(rt + 1);
	struct vfmig_agent_mbx_msg mh;
	size_t off = 0;
	u32 q;

	if ((rt->txq_present | rt->rxq_present) & ~qmask)
		return REJECT(-EBADMSG, reason, rlen,
			      "runtime: queue bitmap %#x/%#x names queues >= %u",
			      rt->txq_present, rt->rxq_present,
			      VFMIG_MAX_QUEUE_PAIRS);
	if (rt->present & ~VFMIG_RT_ALL || rt->rsvd)
		return REJECT(-EBADMSG, reason, rlen,
			      "runtime: undefined present bits %#x or reserved field set",
			      rt->present);
	if (rt->irq.num_vectors > ARRAY_SIZE(rt->irq.vec))
		return REJECT(-EBADMSG, reason, rlen,
			      "runtime: %u interrupt vectors, at most %zu fit",
			      rt->irq.num_vectors, ARRAY_SIZE(rt->irq.vec));
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		const struct vfmig_agent_txq *t = &rt->txq[q];
		const struct vfmig_agent_rxq *r = &rt->rxq[q];

		if (!(rt->txq_present & BIT(q)) ? !mem_zero(t, sizeof(*t)) :
		    t->flags & ~(VFMIG_TXQ_F_ENABLED | VFMIG_TXQ_F_HEAD_WB))
			return REJECT(-EBADMSG, reason, rlen,
				      "runtime: TX queue %u: data for an absent queue or undefined flags %#x",
				      q, t->flags);
		if (!(rt->rxq_present & BIT(q)) ? !mem_zero(r, sizeof(*r)) :
		    (r->flags & ~(VFMIG_RXQ_F_ENABLED | VFMIG_RXQ_F_CRC_STRIP) ||
		     r->rsvd))
			return REJECT(-EBADMSG, reason, rlen,
				      "runtime: RX queue %u: data for an absent queue, undefined flags %#x or reserved field set",
				      q, r->flags);
	}
	if (rt->num_mbx_msgs > VFMIG_MAX_MBX_MSGS)
		return REJECT(-EBADMSG, reason, rlen,
			      "runtime: %u mailbox messages, at most %u",
			      rt->num_mbx_msgs, VFMIG_MAX_MBX_MSGS);
	if (rt->mbx_bytes != area_len)
		return REJECT(-EBADMSG, reason, rlen,
			      "runtime: message area of %u bytes announced, %zu present",
			      rt->mbx_bytes, area_len);
	for (q = 0; q < rt->num_mbx_msgs; q++) {
		if (area_len - off < sizeof(mh))
			return REJECT(-EBADMSG, reason, rlen,
				      "runtime: message %u header truncated at area offset %zu",
				      q, off);
		memcpy(&mh, area + off, sizeof(mh));
		off += sizeof(mh);
		if (mh.len > VFMIG_MAX_MBX_MSG_LEN || mh.rsvd)
			return REJECT(-EBADMSG, reason, rlen,
				      "runtime: message %u: length %u (max %u) or reserved field set",
				      q, mh.len, VFMIG_MAX_MBX_MSG_LEN);
		if (area_len - off < mh.len)
			return REJECT(-EBADMSG, reason, rlen,
				      "runtime: message %u: %u bytes announced, %zu left",
				      q, mh.len, area_len - off);
		off += mh.len;
	}
	if (off != area_len)
		return REJECT(-EBADMSG, reason, rlen,
			      "runtime: %zu bytes after the last of %u messages",
			      area_len - off, rt->num_mbx_msgs);
	return 0;
}

static int check_geometry(const struct vfmig_agent_geometry *g,
			  char *reason, size_t rlen)
{
	u32 q;

	if (g->num_queue_pairs > VFMIG_MAX_QUEUE_PAIRS || g->rsvd)
		return REJECT(-EBADMSG, reason, rlen,
			      "geometry: %u queue pairs (max %u) or reserved field set",
			      g->num_queue_pairs, VFMIG_MAX_QUEUE_PAIRS);
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		const struct vfmig_agent_geo_txq *t = &g->txq[q];
		const struct vfmig_agent_geo_rxq *r = &g->rxq[q];

		if (q >= g->num_queue_pairs ?
		    !mem_zero(t, sizeof(*t)) || !mem_zero(r, sizeof(*r)) :
		    (t->flags | r->flags) & ~VFMIG_AGENT_GEO_FLAGS_ALL ||
		    t->rsvd)
			return REJECT(-EBADMSG, reason, rlen,
				      "geometry: queue %u: data beyond the VF's queues, undefined flags or reserved field set",
				      q);
	}
	return 0;
}

static int check_payload(u32 op, bool response, const u8 *p, size_t len,
			 char *reason, size_t rlen)
{
	if (response) {
		switch (op) {
		case VFMIG_AGENT_OP_SNAPSHOT_CONFIG:
			return check_config((const void *)p, "config", reason, rlen);
		case VFMIG_AGENT_OP_SNAPSHOT_RUNTIME:
			return check_runtime((const void *)p,
					     len - sizeof(struct vfmig_agent_runtime),
					     reason, rlen);
		case VFMIG_AGENT_OP_GEOMETRY:
			return check_geometry((const void *)p, reason, rlen);
		default:
			return 0;
		}
	}

	switch (op) {
	case VFMIG_AGENT_OP_QUIESCE: {
		const struct vfmig_agent_quiesce_req *q = (const void *)p;

		if (q->flags)
			return REJECT(-EBADMSG, reason, rlen,
				      "quiesce: undefined flags %#x", q->flags);
		return 0;
	}
	case VFMIG_AGENT_OP_SNAPSHOT_RUNTIME: {
		const struct vfmig_agent_snapshot_req *s = (const void *)p;

		if (s->flags & ~VFMIG_AGENT_SNAP_PEEK || s->rsvd)
			return REJECT(-EBADMSG, reason, rlen,
				      "snapshot: undefined flags %#x or reserved field set",
				      s->flags);
		return 0;
	}
	case VFMIG_AGENT_OP_PRE_APPLY:
		return check_config((const void *)p, "pre-apply", reason, rlen);
	case VFMIG_AGENT_OP_RESTORE: {
		const struct vfmig_agent_restore *r = (const void *)p;
		int ret;

		if (r->flags)
			return REJECT(-EBADMSG, reason, rlen,
				      "restore: undefined flags %#x", r->flags);
		ret = check_config(&r->cfg, "restore", reason, rlen);
		if (ret)
			return ret;
		if (r->cfg_mask & ~r->cfg.config.present)
			return REJECT(-EBADMSG, reason, rlen,
				      "restore: records %#x to apply are not in the message (%#x)",
				      r->cfg_mask, r->cfg.config.present);
		return check_runtime(&r->rt, len - sizeof(*r), reason, rlen);
	}
	case VFMIG_AGENT_OP_RESUME: {
		const struct vfmig_agent_resume_req *r = (const void *)p;

		if (!r->flags || r->flags & ~VFMIG_AGENT_RESUME_ALL)
			return REJECT(-EBADMSG, reason, rlen,
				      "resume: flags %#x name nothing or undefined steps",
				      r->flags);
		return 0;
	}
	case VFMIG_AGENT_OP_RESET: {
		const struct vfmig_agent_reset_req *r = (const void *)p;

		if (r->flags & ~VFMIG_AGENT_RESET_KEEP_HOLD || r->rsvd)
			return REJECT(-EBADMSG, reason, rlen,
				      "reset: undefined flags %#x or reserved field set",
				      r->flags);
		return 0;
	}
	default:
		return 0;
	}
}

int vfmig_agent_msg_validate(const void *msg, size_t size, u32 num_vfs,
			     bool response, char *reason, size_t reason_len)
{
	const u8 *p = (const u8 *)msg + VFMIG_AGENT_HDR_LEN;
	struct vfmig_agent_hdr h;
	const struct op_len *ol;
	bool bad_len;

	if (!msg || ((unsigned long)msg & 7))
		return REJECT(-EBADMSG, reason, reason_len,
			      "message buffer missing or not 8-byte aligned");
	if (size < VFMIG_AGENT_HDR_LEN)
		return REJECT(-EBADMSG, reason, reason_len,
			      "message of %zu bytes is shorter than its %u-byte header",
			      size, VFMIG_AGENT_HDR_LEN);
	memcpy(&h, msg, sizeof(h));
	if (h.len != size - VFMIG_AGENT_HDR_LEN)
		return REJECT(-EBADMSG, reason, reason_len,
			      "%s: header announces %u payload bytes, %zu arrived",
			      vfmig_agent_op_name(h.opcode), h.len,
			      size - VFMIG_AGENT_HDR_LEN);
	if (h.flags != (response ? VFMIG_AGENT_F_RESPONSE : 0))
		return REJECT(-EINVAL, reason, reason_len,
			      "%s: flags %#x, a %s must have %#x",
			      vfmig_agent_op_name(h.opcode), h.flags,
			      response ? "response" : "request",
			      response ? (u32)VFMIG_AGENT_F_RESPONSE : 0u);
	if (h.opcode == 0 || h.opcode >= VFMIG_AGENT_OP_NUM)
		return REJECT(-EOPNOTSUPP, reason, reason_len,
			      "unknown opcode %u", h.opcode);
	if (h.vf >= num_vfs)
		return REJECT(-EINVAL, reason, reason_len,
			      "%s: VF %u out of range (the PF has %u)",
			      vfmig_agent_op_name(h.opcode), h.vf, num_vfs);
	if (!response && h.retval)
		return REJECT(-EINVAL, reason, reason_len,
			      "%s: request with retval %d",
			      vfmig_agent_op_name(h.opcode), h.retval);
	if (response && h.retval) {
		if (h.retval > 0 || h.retval < -MAX_ERRNO)
			return REJECT(-EINVAL, reason, reason_len,
				      "%s: retval %d is not a negative errno",
				      vfmig_agent_op_name(h.opcode), h.retval);
		if (h.len < 1 || h.len > VFMIG_AGENT_REASON_LEN ||
		    p[h.len - 1] != '\0')
			return REJECT(-EMSGSIZE, reason, reason_len,
				      "%s: error response reason of %u bytes is not a terminated string of at most %u",
				      vfmig_agent_op_name(h.opcode), h.len,
				      VFMIG_AGENT_REASON_LEN);
		return 0;
	}

	ol = response ? &resp_lens[h.opcode] : &req_lens[h.opcode];
	if (ol->var)
		bad_len = h.len < ol->len ||
			  h.len > VFMIG_AGENT_MSG_MAX - VFMIG_AGENT_HDR_LEN;
	else
		bad_len = h.len != ol->len;
	if (bad_len)
		return REJECT(-EMSGSIZE, reason, reason_len,
			      "%s %s: payload of %u bytes, want %s%u",
			      vfmig_agent_op_name(h.opcode),
			      response ? "response" : "request", h.len,
			      ol->var ? "at least " : "", ol->len);
	return check_payload(h.opcode, response, p, h.len, reason, reason_len);
}

/* ---- Runtime codec ------------------------------------------------------- */

size_t vfmig_agent_runtime_wire_size(const struct vfmig_dev_runtime *rt)
{
	size_t size = sizeof(struct vfmig_agent_runtime);
	u32 i;

	if (rt->num_mbx_msgs > VFMIG_MAX_MBX_MSGS)
		return 0;
	for (i = 0; i < rt->num_mbx_msgs; i++) {
		if (rt->mbx_msgs[i].len > VFMIG_MAX_MBX_MSG_LEN)
			return 0;
		size += sizeof(struct vfmig_agent_mbx_msg) + rt->mbx_msgs[i].len;
	}
	return size;
}

long vfmig_agent_runtime_encode(const struct vfmig_dev_runtime *rt, void *buf,
				size_t cap)
{
	const u32 qmask = (u32)BIT(VFMIG_MAX_QUEUE_PAIRS) - 1;
	struct vfmig_agent_runtime *w = buf;
	size_t size = vfmig_agent_runtime_wire_size(rt);
	struct vfmig_agent_mbx_msg mh;
	u8 *area;
	u32 q;

	if (!size || (rt->txq_present | rt->rxq_present) & ~qmask ||
	    rt->irq.num_vectors > ARRAY_SIZE(rt->irq.vec))
		return -EINVAL;
	if (cap < size)
		return -ENOSPC;
	memset(w, 0, sizeof(*w));
	w->txq_present = rt->txq_present;
	w->rxq_present = rt->rxq_present;
	w->present = rt->present & VFMIG_RT_ALL;
	w->num_mbx_msgs = rt->num_mbx_msgs;
	w->mbx_bytes = (u32)(size - sizeof(*w));
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		const struct vfmig_txq_state *t = &rt->txq[q];
		const struct vfmig_rxq_state *r = &rt->rxq[q];

		if (rt->txq_present & BIT(q)) {
			w->txq[q].ring_base = t->ring_base;
			w->txq[q].head_wb_addr = t->head_wb_addr;
			w->txq[q].ring_len = t->ring_len;
			w->txq[q].head = t->head;
			w->txq[q].tail = t->tail;
			w->txq[q].flags = (t->enabled ? VFMIG_TXQ_F_ENABLED : 0) |
					  (t->head_wb ? VFMIG_TXQ_F_HEAD_WB : 0);
		}
		if (rt->rxq_present & BIT(q)) {
			w->rxq[q].ring_base = r->ring_base;
			w->rxq[q].data_buf_size = r->data_buf_size;
			w->rxq[q].max_pkt_size = r->max_pkt_size;
			w->rxq[q].ring_len = r->ring_len;
			w->rxq[q].head = r->head;
			w->rxq[q].tail = r->tail;
			w->rxq[q].desc_size = r->desc_size;
			w->rxq[q].hdr_buf_size = r->hdr_buf_size;
			w->rxq[q].flags = (r->enabled ? VFMIG_RXQ_F_ENABLED : 0) |
					  (r->crc_strip ? VFMIG_RXQ_F_CRC_STRIP : 0);
		}
	}
	w->irq = rt->irq;
	w->mbx = rt->mbx;
	w->stats = rt->stats;

	area = (u8 *)(w + 1);
	for (q = 0; q < rt->num_mbx_msgs; q++) {
		const struct vfmig_mbx_msg *m = &rt->mbx_msgs[q];

		mh.v_opcode = m->v_opcode;
		mh.v_retval = m->v_retval;
		mh.len = m->len;
		mh.rsvd = 0;
		memcpy(area, &mh, sizeof(mh));
		area += sizeof(mh);
		if (m->len)
			memcpy(area, m->data, m->len);
		area += m->len;
	}
	return (long)size;
}

int vfmig_agent_runtime_decode(const void *buf, size_t len,
			       struct vfmig_dev_image *img)
{
	const struct vfmig_agent_runtime *w = buf;
	struct vfmig_dev_runtime *rt = &img->runtime;
	struct vfmig_agent_mbx_msg mh;
	const u8 *area;
	u32 q;
	int ret;

	if (len < sizeof(*w) || check_runtime(w, len - sizeof(*w), NULL, 0))
		return -EBADMSG;
	vfmig_dev_image_clear_mbx_msgs(img);
	memset(rt, 0, sizeof(*rt));
	rt->txq_present = w->txq_present;
	rt->rxq_present = w->rxq_present;
	rt->present = w->present;
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		const struct vfmig_agent_txq *t = &w->txq[q];
		const struct vfmig_agent_rxq *r = &w->rxq[q];

		rt->txq[q].ring_base = t->ring_base;
		rt->txq[q].head_wb_addr = t->head_wb_addr;
		rt->txq[q].ring_len = t->ring_len;
		rt->txq[q].head = t->head;
		rt->txq[q].tail = t->tail;
		rt->txq[q].enabled = !!(t->flags & VFMIG_TXQ_F_ENABLED);
		rt->txq[q].head_wb = !!(t->flags & VFMIG_TXQ_F_HEAD_WB);
		rt->rxq[q].ring_base = r->ring_base;
		rt->rxq[q].ring_len = r->ring_len;
		rt->rxq[q].head = r->head;
		rt->rxq[q].tail = r->tail;
		rt->rxq[q].desc_size = r->desc_size;
		rt->rxq[q].hdr_buf_size = r->hdr_buf_size;
		rt->rxq[q].data_buf_size = r->data_buf_size;
		rt->rxq[q].max_pkt_size = r->max_pkt_size;
		rt->rxq[q].enabled = !!(r->flags & VFMIG_RXQ_F_ENABLED);
		rt->rxq[q].crc_strip = !!(r->flags & VFMIG_RXQ_F_CRC_STRIP);
	}
	rt->irq = w->irq;
	rt->mbx = w->mbx;
	rt->stats = w->stats;

	area = (const u8 *)(w + 1);
	for (q = 0; q < w->num_mbx_msgs; q++) {
		memcpy(&mh, area, sizeof(mh));
		area += sizeof(mh);
		ret = vfmig_dev_image_add_mbx_msg(img, mh.v_opcode, mh.v_retval,
						  mh.len ? area : NULL, mh.len);
		if (ret) {
			vfmig_dev_image_clear_mbx_msgs(img);
			return ret;
		}
		area += mh.len;
	}
	return 0;
}

/* ---- Driver side ----------------------------------------------------------- */

/* A request with room for @len payload bytes after the header. */
static struct vfmig_agent_hdr *msg_new(u32 op, u16 vf, size_t len)
{
	struct vfmig_agent_hdr *h = vfmig_zalloc(VFMIG_AGENT_HDR_LEN + len);

	if (!h)
		return NULL;
	h->opcode = op;
	h->vf = vf;
	h->len = (u32)len;
	return h;
}

static void *msg_payload(struct vfmig_agent_hdr *h)
{
	return (u8 *)h + VFMIG_AGENT_HDR_LEN;
}

/*
 * Send @req, wait for the answer and check it. On success *@respp is the
 * validated response (free it with vfmig_free()); its payload has the length
 * the opcode needs.
 */
static int agent_call(const struct vfmig_agent_transport *t,
		      struct vfmig_agent_hdr *req, size_t resp_max,
		      struct vfmig_agent_hdr **respp,
		      char *reason, size_t rlen)
{
	size_t cap = VFMIG_AGENT_HDR_LEN + max_t(size_t, resp_max,
						 VFMIG_AGENT_REASON_LEN);
	struct vfmig_agent_hdr *resp;
	const char *op = vfmig_agent_op_name(req->opcode);
	int ret;

	*respp = NULL;
	if (!t || !t->call)
		return REJECT(-ENODEV, reason, rlen, "%s: no agent transport", op);
	resp = vfmig_alloc(cap);
	if (!resp)
		return REJECT(-ENOMEM, reason, rlen,
			      "%s: no memory for a %zu-byte response", op, cap);
	ret = t->call(t->ctx, req, VFMIG_AGENT_HDR_LEN + req->len, resp, cap);
	if (ret < 0) {
		REJECT(ret, reason, rlen, "%s: agent transport failed (%d)",
		       op, ret);
		goto err_free;
	}
	if ((size_t)ret > cap) {
		ret = REJECT(-EBADMSG, reason, rlen,
			     "%s: transport claims a %d-byte response in a %zu-byte buffer",
			     op, ret, cap);
		goto err_free;
	}
	ret = vfmig_agent_msg_validate(resp, (size_t)ret, (u32)U16_MAX + 1,
				       true, reason, rlen);
	if (ret)
		goto err_free;
	if (resp->opcode != req->opcode || resp->vf != req->vf) {
		ret = REJECT(-EBADMSG, reason, rlen,
			     "%s for VF %u answered by %s for VF %u",
			     op, req->vf, vfmig_agent_op_name(resp->opcode),
			     resp->vf);
		goto err_free;
	}
	if (resp->retval) {
		ret = resp->retval;
		if (reason && rlen)
			snprintf(reason, rlen, "%s", (const char *)msg_payload(resp));
		goto err_free;
	}
	*respp = resp;
	return 0;

err_free:
	vfmig_free(resp);
	return ret;
}

/* A request whose payload is @payload (@len bytes) and whose answer is empty. */
static int agent_call_simple(const struct vfmig_agent_transport *t, u32 op,
			     u16 vf, const void *payload, size_t len,
			     char *reason, size_t rlen)
{
	struct vfmig_agent_hdr *req, *resp;
	int ret;

	req = msg_new(op, vf, len);
	if (!req)
		return REJECT(-ENOMEM, reason, rlen, "%s: no memory for the request",
			      vfmig_agent_op_name(op));
	if (len)
		memcpy(msg_payload(req), payload, len);
	ret = agent_call(t, req, 0, &resp, reason, rlen);
	vfmig_free(req);
	vfmig_free(resp);
	return ret;
}

int vfmig_agent_call_limits(const struct vfmig_agent_transport *t, u16 vf,
			    struct vfmig_pf_vf_limits *lim,
			    char *reason, size_t reason_len)
{
	struct vfmig_agent_hdr *req, *resp;
	int ret;

	req = msg_new(VFMIG_AGENT_OP_LIMITS, vf, 0);
	if (!req)
		return -ENOMEM;
	ret = agent_call(t, req, sizeof(*lim), &resp, reason, reason_len);
	vfmig_free(req);
	if (ret)
		return ret;
	memcpy(lim, msg_payload(resp), sizeof(*lim));
	vfmig_free(resp);
	return 0;
}

int vfmig_agent_call_quiesce(const struct vfmig_agent_transport *t, u16 vf,
			     u32 timeout_us, char *reason, size_t reason_len)
{
	struct vfmig_agent_quiesce_req q = { .timeout_us = timeout_us };

	return agent_call_simple(t, VFMIG_AGENT_OP_QUIESCE, vf, &q, sizeof(q),
				 reason, reason_len);
}

int vfmig_agent_call_snapshot_config(const struct vfmig_agent_transport *t,
				     u16 vf, struct vfmig_agent_config *cfg,
				     char *reason, size_t reason_len)
{
	struct vfmig_agent_hdr *req, *resp;
	int ret;

	req = msg_new(VFMIG_AGENT_OP_SNAPSHOT_CONFIG, vf, 0);
	if (!req)
		return -ENOMEM;
	ret = agent_call(t, req, sizeof(*cfg), &resp, reason, reason_len);
	vfmig_free(req);
	if (ret)
		return ret;
	memcpy(cfg, msg_payload(resp), sizeof(*cfg));
	vfmig_free(resp);
	return 0;
}

int vfmig_agent_call_snapshot_runtime(const struct vfmig_agent_transport *t,
				      u16 vf, u32 flags,
				      struct vfmig_dev_image *img,
				      char *reason, size_t reason_len)
{
	struct vfmig_agent_snapshot_req *s;
	struct vfmig_agent_hdr *req, *resp;
	int ret;

	req = msg_new(VFMIG_AGENT_OP_SNAPSHOT_RUNTIME, vf, sizeof(*s));
	if (!req)
		return -ENOMEM;
	s = msg_payload(req);
	s->flags = flags;
	ret = agent_call(t, req, VFMIG_AGENT_MSG_MAX - VFMIG_AGENT_HDR_LEN,
			 &resp, reason, reason_len);
	vfmig_free(req);
	if (ret)
		return ret;
	ret = vfmig_agent_runtime_decode(msg_payload(resp), resp->len, img);
	if (ret)
		REJECT(ret, reason, reason_len,
		       "SNAPSHOT_RUNTIME: cannot decode the response (%d)", ret);
	vfmig_free(resp);
	return ret;
}

int vfmig_agent_call_pre_apply(const struct vfmig_agent_transport *t, u16 vf,
			       const struct vfmig_agent_config *cfg,
			       char *reason, size_t reason_len)
{
	return agent_call_simple(t, VFMIG_AGENT_OP_PRE_APPLY, vf, cfg,
				 sizeof(*cfg), reason, reason_len);
}

int vfmig_agent_call_restore(const struct vfmig_agent_transport *t, u16 vf,
			     u32 cfg_mask,
			     const struct vfmig_agent_config *cfg,
			     const struct vfmig_dev_runtime *rt,
			     char *reason, size_t reason_len)
{
	size_t rt_size = vfmig_agent_runtime_wire_size(rt);
	struct vfmig_agent_hdr *req, *resp;
	struct vfmig_agent_restore *r;
	long n;
	int ret;

	if (!rt_size)
		return REJECT(-EINVAL, reason, reason_len,
			      "RESTORE: runtime state has counts beyond its arrays");
	req = msg_new(VFMIG_AGENT_OP_RESTORE, vf,
		      offsetof(struct vfmig_agent_restore, rt) + rt_size);
	if (!req)
		return REJECT(-ENOMEM, reason, reason_len,
			      "RESTORE: no memory for the request");
	r = msg_payload(req);
	r->cfg_mask = cfg_mask;
	r->cfg = *cfg;
	n = vfmig_agent_runtime_encode(rt, &r->rt, rt_size);
	if (n < 0) {
		vfmig_free(req);
		return REJECT((int)n, reason, reason_len,
			      "RESTORE: cannot encode the runtime state (%ld)", n);
	}
	ret = agent_call(t, req, 0, &resp, reason, reason_len);
	vfmig_free(req);
	vfmig_free(resp);
	return ret;
}

int vfmig_agent_call_resume(const struct vfmig_agent_transport *t, u16 vf,
			    u32 flags, u32 timeout_us,
			    char *reason, size_t reason_len)
{
	struct vfmig_agent_resume_req r = {
		.timeout_us = timeout_us,
		.flags = flags,
	};

	return agent_call_simple(t, VFMIG_AGENT_OP_RESUME, vf, &r, sizeof(r),
				 reason, reason_len);
}

int vfmig_agent_call_geometry(const struct vfmig_agent_transport *t, u16 vf,
			      struct vfmig_agent_geometry *geo,
			      char *reason, size_t reason_len)
{
	struct vfmig_agent_hdr *req, *resp;
	int ret;

	req = msg_new(VFMIG_AGENT_OP_GEOMETRY, vf, 0);
	if (!req)
		return -ENOMEM;
	ret = agent_call(t, req, sizeof(*geo), &resp, reason, reason_len);
	vfmig_free(req);
	if (ret)
		return ret;
	memcpy(geo, msg_payload(resp), sizeof(*geo));
	vfmig_free(resp);
	return 0;
}

int vfmig_agent_call_reset(const struct vfmig_agent_transport *t, u16 vf,
			   u32 flags, char *reason, size_t reason_len)
{
	struct vfmig_agent_reset_req r = { .flags = flags };

	return agent_call_simple(t, VFMIG_AGENT_OP_RESET, vf, &r, sizeof(r),
				 reason, reason_len);
}
