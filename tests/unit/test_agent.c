// SPDX-License-Identifier: GPL-2.0-only
/*
 * PF agent and the driver <-> agent message boundary (pf-agent/).
 *
 * Part 1: the shared validator, message by message and under random
 * mutation, and the driver-side calls against a transport that lies.
 * Part 2: the agent against the X710 model, with the guest AVF driver
 * bringing VFs up and moving traffic: quiesce, timeouts, snapshots against
 * what was programmed, restore on a second PF, invalid restores touching
 * nothing, cancel from the same heads, staged mailbox messages.
 */
#include "harness.h"
#include <stdlib.h>
#include <vfmig/agent.h>
#include <vfmig/model.h>
#include <vfmig/guest.h>
#include <vfmig/stream.h>
#include <vfmig/x710_regs.h>
#include <vfmig/virtchnl.h>

/* ========================================================================
 * Fixture: model PFs with an agent each, VMs running the guest driver
 * ======================================================================== */

#define T_VFDEV		0	/* the agent alone: no vfdev between guest and VF */
#include "hostfix.h"

/* A guest with @queues queue pairs running on VF 0 of a fresh world's host. */
static struct vfmig_st_vm *running_vm(u16 queues, struct vfmig_st_host **hp)
{
	w_reset();
	return running_vm_new(queues, hp);
}

/* ========================================================================
 * Part 1: messages
 * ======================================================================== */

/* A message buffer: 8-byte aligned, header + payload. */
static struct vfmig_agent_hdr *msg(u32 op, u16 vf, u16 flags, u32 len)
{
	struct vfmig_agent_hdr *h = aligned_alloc(8, ALIGN(VFMIG_AGENT_HDR_LEN + len + 8, 8));

	memset(h, 0, VFMIG_AGENT_HDR_LEN + len);
	h->opcode = op;
	h->vf = vf;
	h->flags = flags;
	h->len = len;
	return h;
}

static void *pl(struct vfmig_agent_hdr *h)
{
	return (u8 *)h + VFMIG_AGENT_HDR_LEN;
}

static int val(struct vfmig_agent_hdr *h, bool resp)
{
	char reason[VFMIG_AGENT_REASON_LEN];

	return vfmig_agent_msg_validate(h, VFMIG_AGENT_HDR_LEN + h->len, 4, resp,
					reason, sizeof(reason));
}

/* A runtime with two queues and two messages, encoded into a RESTORE. */
static struct vfmig_agent_hdr *restore_msg(struct vfmig_dev_image *img)
{
	struct vfmig_dev_runtime *rt = &img->runtime;
	struct vfmig_agent_restore *r;
	struct vfmig_agent_hdr *h;
	size_t sz;

	memset(rt, 0, sizeof(*rt));
	rt->txq_present = 3;
	rt->rxq_present = 1;
	rt->txq[0].ring_base = 0x10000;
	rt->txq[0].ring_len = 128;
	rt->txq[1].ring_base = 0x20000;
	rt->txq[1].ring_len = 64;
	rt->txq[1].head_wb = true;
	rt->txq[1].head_wb_addr = 0x20400;
	rt->rxq[0].ring_base = 0x30000;
	rt->rxq[0].ring_len = 256;
	rt->rxq[0].desc_size = 32;
	rt->rxq[0].data_buf_size = 2048;
	rt->rxq[0].max_pkt_size = 1518;
	rt->present = VFMIG_RT_ALL;
	rt->irq.num_vectors = 5;
	vfmig_dev_image_add_mbx_msg(img, 7, 0, "abc", 3);
	vfmig_dev_image_add_mbx_msg(img, 8, -5, NULL, 0);
	sz = offsetof(struct vfmig_agent_restore, rt) + vfmig_agent_runtime_wire_size(rt);
	h = msg(VFMIG_AGENT_OP_RESTORE, 1, 0, (u32)sz);
	r = pl(h);
	r->cfg.config.present = BIT(VFMIG_CFG_VSI);
	r->cfg_mask = BIT(VFMIG_CFG_VSI);
	r->cfg.config.vsi.num_queue_pairs = 2;
	vfmig_agent_runtime_encode(rt, &r->rt, sz - offsetof(struct vfmig_agent_restore, rt));
	return h;
}

static void test_validator_accepts(void)
{
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	struct vfmig_agent_hdr *h;
	struct vfmig_dev_image *back = vfmig_dev_image_alloc();
	struct vfmig_agent_restore *r;

	h = msg(VFMIG_AGENT_OP_LIMITS, 3, 0, 0);
	CHECK_ERR(val(h, false), 0);
	free(h);
	h = msg(VFMIG_AGENT_OP_QUIESCE, 0, 0, sizeof(struct vfmig_agent_quiesce_req));
	CHECK_ERR(val(h, false), 0);
	free(h);
	h = msg(VFMIG_AGENT_OP_RESUME, 0, 0, sizeof(struct vfmig_agent_resume_req));
	((struct vfmig_agent_resume_req *)pl(h))->flags = VFMIG_AGENT_RESUME_ALL;
	CHECK_ERR(val(h, false), 0);
	free(h);
	h = msg(VFMIG_AGENT_OP_PRE_APPLY, 0, 0, sizeof(struct vfmig_agent_config));
	CHECK_ERR(val(h, false), 0);
	free(h);
	h = msg(VFMIG_AGENT_OP_GEOMETRY, 0, VFMIG_AGENT_F_RESPONSE,
		sizeof(struct vfmig_agent_geometry));
	CHECK_ERR(val(h, true), 0);
	free(h);
	/* an error response carries a terminated reason */
	h = msg(VFMIG_AGENT_OP_QUIESCE, 0, VFMIG_AGENT_F_RESPONSE, 5);
	h->retval = -ETIMEDOUT;
	memcpy(pl(h), "slow", 5);
	CHECK_ERR(val(h, true), 0);
	free(h);

	h = restore_msg(img);
	CHECK_ERR(val(h, false), 0);
	/* and the runtime codec round-trips */
	r = pl(h);
	CHECK_ERR(vfmig_agent_runtime_decode(&r->rt, h->len - offsetof(struct vfmig_agent_restore, rt),
					     back), 0);
	CHECK_EQ(back->runtime.num_mbx_msgs, 2);
	CHECK(back->runtime.num_mbx_msgs == 2 &&
	      !memcmp(back->runtime.mbx_msgs[0].data, "abc", 3) &&
	      back->runtime.mbx_msgs[1].v_retval == -5);
	CHECK(back->runtime.txq[1].head_wb && back->runtime.txq[1].head_wb_addr == 0x20400);
	CHECK(vfmig_dev_image_equal(img, back));
	free(h);
	vfmig_dev_image_free(img);
	vfmig_dev_image_free(back);
}

static void test_validator_rejects(void)
{
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	char reason[VFMIG_AGENT_REASON_LEN];
	struct vfmig_agent_restore *r;
	struct vfmig_agent_hdr *h;
	struct vfmig_agent_config *c;
	struct vfmig_agent_mbx_msg *mh;
	u8 *raw;

	h = msg(VFMIG_AGENT_OP_LIMITS, 0, 0, 0);
	/* shorter than the header, length field lying, misaligned */
	CHECK_ERR(vfmig_agent_msg_validate(h, 15, 4, false, reason, sizeof(reason)), -EBADMSG);
	CHECK(strstr(reason, "shorter") != NULL);
	h->len = 4;
	CHECK_ERR(vfmig_agent_msg_validate(h, 16, 4, false, NULL, 0), -EBADMSG);
	h->len = 0;
	raw = aligned_alloc(8, 64);
	memcpy(raw + 4, h, 16);
	CHECK_ERR(vfmig_agent_msg_validate(raw + 4, 16, 4, false, NULL, 0), -EBADMSG);
	free(raw);
	CHECK_ERR(vfmig_agent_msg_validate(NULL, 16, 4, false, NULL, 0), -EBADMSG);
	/* flags, opcode, vf, retval */
	h->flags = VFMIG_AGENT_F_RESPONSE;
	CHECK_ERR(val(h, false), -EINVAL);
	h->flags = 0;
	CHECK_ERR(val(h, true), -EINVAL);
	h->opcode = 0;
	CHECK_ERR(val(h, false), -EOPNOTSUPP);
	h->opcode = VFMIG_AGENT_OP_NUM;
	CHECK_ERR(val(h, false), -EOPNOTSUPP);
	h->opcode = 0xffffffff;
	CHECK_ERR(val(h, false), -EOPNOTSUPP);
	h->opcode = VFMIG_AGENT_OP_LIMITS;
	h->vf = 4;
	CHECK_ERR(vfmig_agent_msg_validate(h, 16, 4, false, reason, sizeof(reason)), -EINVAL);
	CHECK(strstr(reason, "VF 4 out of range") != NULL);
	h->vf = 0;
	h->retval = -1;
	CHECK_ERR(val(h, false), -EINVAL);
	free(h);

	/* exact lengths per opcode */
	h = msg(VFMIG_AGENT_OP_QUIESCE, 0, 0, 4);
	CHECK_ERR(val(h, false), -EMSGSIZE);
	free(h);
	h = msg(VFMIG_AGENT_OP_LIMITS, 0, 0, 8);
	CHECK_ERR(val(h, false), -EMSGSIZE);
	free(h);
	h = msg(VFMIG_AGENT_OP_LIMITS, 0, VFMIG_AGENT_F_RESPONSE, 25);
	CHECK_ERR(val(h, true), -EMSGSIZE);
	free(h);
	h = msg(VFMIG_AGENT_OP_RESTORE, 0, 0, 100);
	CHECK_ERR(val(h, false), -EMSGSIZE);
	free(h);
	/* reserved and flag fields */
	h = msg(VFMIG_AGENT_OP_QUIESCE, 0, 0, sizeof(struct vfmig_agent_quiesce_req));
	((struct vfmig_agent_quiesce_req *)pl(h))->flags = 1;
	CHECK_ERR(val(h, false), -EBADMSG);
	free(h);
	h = msg(VFMIG_AGENT_OP_RESUME, 0, 0, sizeof(struct vfmig_agent_resume_req));
	CHECK_ERR(val(h, false), -EBADMSG);	/* flags 0: nothing to do */
	((struct vfmig_agent_resume_req *)pl(h))->flags = 4;
	CHECK_ERR(val(h, false), -EBADMSG);
	free(h);
	/* counts beyond their arrays */
	h = msg(VFMIG_AGENT_OP_PRE_APPLY, 0, 0, sizeof(struct vfmig_agent_config));
	c = pl(h);
	c->config.num_mac_filters = VFMIG_MAX_MAC_FILTERS + 1;
	CHECK_ERR(val(h, false), -EBADMSG);
	c->config.num_mac_filters = 0;
	c->config.num_irq_maps = VFMIG_MAX_MSIX + 1;
	CHECK_ERR(val(h, false), -EBADMSG);
	c->config.num_irq_maps = 0;
	c->config.present = BIT(VFMIG_CFG_NUM);
	CHECK_ERR(val(h, false), -EBADMSG);
	c->config.present = 0;
	c->flags = 2;
	CHECK_ERR(val(h, false), -EBADMSG);
	free(h);
	/* error response without a terminated reason */
	h = msg(VFMIG_AGENT_OP_QUIESCE, 0, VFMIG_AGENT_F_RESPONSE, 4);
	h->retval = -EIO;
	memcpy(pl(h), "abcd", 4);
	CHECK_ERR(val(h, true), -EMSGSIZE);
	h->retval = 5;
	CHECK_ERR(val(h, true), -EINVAL);
	free(h);

	/* runtime: message area inconsistent with its counts */
	h = restore_msg(img);
	r = pl(h);
	r->rt.num_mbx_msgs = 3;
	CHECK_ERR(val(h, false), -EBADMSG);
	r->rt.num_mbx_msgs = 2;
	r->rt.mbx_bytes += 1;
	CHECK_ERR(val(h, false), -EBADMSG);
	r->rt.mbx_bytes -= 1;
	mh = (struct vfmig_agent_mbx_msg *)(&r->rt + 1);
	mh->len = 4;		/* claims more than the area has */
	CHECK_ERR(val(h, false), -EBADMSG);
	mh->len = 3;
	mh->rsvd = 1;
	CHECK_ERR(val(h, false), -EBADMSG);
	mh->rsvd = 0;
	CHECK_ERR(val(h, false), 0);
	r->rt.txq[5].ring_len = 64;	/* data for an absent queue */
	CHECK_ERR(val(h, false), -EBADMSG);
	r->rt.txq[5].ring_len = 0;
	r->rt.rxq[0].flags = 0x80;
	CHECK_ERR(val(h, false), -EBADMSG);
	r->rt.rxq[0].flags = 0;
	r->rt.irq.num_vectors = VFMIG_MAX_MSIX + 1;
	CHECK_ERR(val(h, false), -EBADMSG);
	r->rt.irq.num_vectors = 1;
	r->rt.txq_present |= BIT(16);
	CHECK_ERR(val(h, false), -EBADMSG);
	r->rt.txq_present &= ~BIT(16);
	r->cfg_mask = BIT(VFMIG_CFG_PROMISC);	/* not in the message */
	CHECK_ERR(val(h, false), -EBADMSG);
	r->cfg_mask = 0;
	CHECK_ERR(val(h, false), 0);
	/* a truncated message: the length header agrees, the area does not */
	h->len -= 2;
	CHECK_ERR(val(h, false), -EBADMSG);
	free(h);
	vfmig_dev_image_free(img);
}

/*
 * Random mutations of well-formed messages, random headers and lengths:
 * the validator never reads out of bounds (ASAN) and whatever it accepts
 * the agent handles without trouble; whatever the agent refuses leaves the
 * VF exactly as it was.
 */
static void test_validator_fuzz(void)
{
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	struct vfmig_agent_hdr *base[4], *m, *resp;
	u32 sizes[4], i, k, accepted = 0, refused = 0, applied_on_error = 0;
	u64 seed = 0x5eed1234;
	struct vfmig_st_view *before, *after;
	struct vfmig_st_host *h;
	int rl;

	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	base[0] = restore_msg(img);
	base[1] = msg(VFMIG_AGENT_OP_PRE_APPLY, 1, 0, sizeof(struct vfmig_agent_config));
	((struct vfmig_agent_config *)pl(base[1]))->config.present = BIT(VFMIG_CFG_PROMISC);
	base[2] = msg(VFMIG_AGENT_OP_RESUME, 1, 0, sizeof(struct vfmig_agent_resume_req));
	((struct vfmig_agent_resume_req *)pl(base[2]))->flags = VFMIG_AGENT_RESUME_MBX;
	base[3] = msg(VFMIG_AGENT_OP_SNAPSHOT_RUNTIME, 1, 0,
		      sizeof(struct vfmig_agent_snapshot_req));
	for (k = 0; k < 4; k++)
		sizes[k] = VFMIG_AGENT_HDR_LEN + base[k]->len;
	m = aligned_alloc(8, 65536);
	resp = aligned_alloc(8, VFMIG_AGENT_MSG_MAX);
	REQUIRE(m && resp);
	before = view_take(h, 1);
	REQUIRE(before);

	for (i = 0; i < 4000; i++) {
		u64 r = vt_rand(&seed);
		u32 size, nflip, j;

		k = r % 4;
		memcpy(m, base[k], sizes[k]);
		size = sizes[k];
		nflip = 1 + (r >> 8) % 4;
		for (j = 0; j < nflip; j++) {
			u64 x = vt_rand(&seed);

			switch (x % 5) {
			case 0:	/* a byte of the header */
				((u8 *)m)[x / 5 % VFMIG_AGENT_HDR_LEN] ^= (u8)(1 + (x >> 20));
				break;
			case 1: /* a byte of the payload */
				((u8 *)m)[VFMIG_AGENT_HDR_LEN + x / 5 % (size - VFMIG_AGENT_HDR_LEN + 1) %
					  (size - VFMIG_AGENT_HDR_LEN ?: 1)] ^= (u8)(1 + (x >> 20));
				break;
			case 2: /* a random length field */
				m->len = (u32)(x >> 16) % 70000;
				break;
			case 3: /* truncate or extend the delivered size */
				size = VFMIG_AGENT_HDR_LEN + (u32)(x >> 16) % (sizes[k] + 64);
				break;
			default: /* random opcode */
				m->opcode = (u32)(x >> 16) % (VFMIG_AGENT_OP_NUM + 2);
				break;
			}
		}
		if (vfmig_agent_msg_validate(m, size, 4, false, NULL, 0) == 0) {
			accepted++;
			/* never a snapshot that takes messages: it changes the VF */
			if (m->opcode == VFMIG_AGENT_OP_SNAPSHOT_RUNTIME ||
			    m->opcode == VFMIG_AGENT_OP_QUIESCE ||
			    m->opcode == VFMIG_AGENT_OP_RESET)
				continue;
		} else {
			refused++;
		}
		rl = vfmig_agent_handle(h->agent, m, size, resp, VFMIG_AGENT_MSG_MAX);
		CHECK(rl >= VFMIG_AGENT_HDR_LEN);
		if (rl < VFMIG_AGENT_HDR_LEN)
			break;
		/* an error response echoes the request's opcode, known or not */
		if (resp->opcode && resp->opcode < VFMIG_AGENT_OP_NUM)
			CHECK_ERR(vfmig_agent_msg_validate(resp, (u32)rl, 65536, true,
							   NULL, 0), 0);
		else
			CHECK(resp->retval < 0);
		if (resp->retval == 0) {
			/* accepted and applied: take a new reference */
			free(before);
			before = view_take(h, 1);
			continue;
		}
		after = view_take(h, 1);
		if (!view_equal(before, after))
			applied_on_error++;
		free(after);
	}
	CHECK(accepted > 100);
	CHECK(refused > 1000);
	CHECK_EQ(applied_on_error, 0);
	free(before);
	free(m);
	free(resp);
	for (k = 0; k < 4; k++)
		free(base[k]);
	vfmig_dev_image_free(img);
	w_reset();
}

/* A transport that answers with whatever the test put in it. */
struct liar {
	struct vfmig_agent_transport real;
	int mode;
};

static int liar_call(void *ctx, const void *req, size_t req_len, void *resp,
		     size_t cap)
{
	struct liar *l = ctx;
	struct vfmig_agent_hdr *h = resp;
	int n = l->real.call(l->real.ctx, req, req_len, resp, cap);

	switch (l->mode) {
	case 1:
		h->len += 4;		/* length that does not match */
		break;
	case 2:
		h->vf ^= 1;		/* answers another VF */
		break;
	case 3:
		h->opcode = VFMIG_AGENT_OP_RESET;
		break;
	case 4:
		return -EPIPE;		/* the transport broke */
	case 5:
		return (int)cap + 100;	/* claims more than fits */
	}
	return n;
}

static void test_client_rejects_bad_responses(void)
{
	struct vfmig_pf_vf_limits lim;
	char reason[VFMIG_AGENT_REASON_LEN];
	struct vfmig_agent_transport t;
	struct liar l;
	struct vfmig_st_host *h;

	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	l.real = h->tr;
	t.call = liar_call;
	t.ctx = &l;
	l.mode = 0;
	CHECK_ERR(vfmig_agent_call_limits(&t, 1, &lim, reason, sizeof(reason)), 0);
	CHECK_EQ(lim.num_queue_pairs, 4);
	CHECK_EQ(lim.device_id, 0x154c);
	l.mode = 1;
	CHECK_ERR(vfmig_agent_call_limits(&t, 1, &lim, reason, sizeof(reason)), -EBADMSG);
	l.mode = 2;
	CHECK_ERR(vfmig_agent_call_limits(&t, 1, &lim, reason, sizeof(reason)), -EBADMSG);
	CHECK(strstr(reason, "answered by") != NULL);
	l.mode = 3;	/* well-formed, but the answer to another request */
	CHECK_ERR(vfmig_agent_call_reset(&t, 1, 0, reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_call_quiesce(&t, 1, 100, reason, sizeof(reason)), -EBADMSG);
	CHECK(strstr(reason, "answered by RESET") != NULL);
	CHECK_ERR(vfmig_agent_call_limits(&t, 1, &lim, reason, sizeof(reason)), -EMSGSIZE);
	l.mode = 4;
	CHECK_ERR(vfmig_agent_call_limits(&t, 1, &lim, reason, sizeof(reason)), -EPIPE);
	l.mode = 5;
	CHECK_ERR(vfmig_agent_call_limits(&t, 1, &lim, reason, sizeof(reason)), -EBADMSG);
	/* the agent's own refusal comes back with its reason */
	l.mode = 0;
	CHECK_ERR(vfmig_agent_call_limits(&t, 9, &lim, reason, sizeof(reason)), -EINVAL);
	CHECK(strstr(reason, "VF 9") != NULL);
	/* a response buffer too small for anything */
	{
		struct vfmig_agent_hdr *req = msg(VFMIG_AGENT_OP_LIMITS, 0, 0, 0);
		u64 small[4];

		CHECK_ERR(vfmig_agent_handle(h->agent, req, 16, small, sizeof(small)), -ENOSPC);
		free(req);
	}
	w_reset();
}

/* ========================================================================
 * Part 2: the agent against the model
 * ======================================================================== */

static void test_quiesce_disables_and_holds(void)
{
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_model_vf_stats ms0, ms1;
	struct vfmig_guest_cfg g;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm, *late;
	u64 dma0;
	u32 i;

	vm = running_vm(4, &h);
	REQUIRE(vm);
	CHECK_EQ(enabled_mask(h, 0, false), 0xf);
	CHECK_EQ(enabled_mask(h, 0, true), 0xf);
	/* a second guest on VF 1, stopped mid bring-up: its request is posted */
	gcfg_default(&g, 2);
	late = vm_new(h, 1, &g);
	REQUIRE(late);
	w_step();			/* VERSION is on its ATQ */
	late->vcpu = false;

	CHECK_ERR(vfmig_agent_quiesce(h->agent, 0, 1000, reason, sizeof(reason)), 0);
	CHECK_EQ(enabled_mask(h, 0, false), 0);
	CHECK_EQ(enabled_mask(h, 0, true), 0);
	CHECK_ERR(vfmig_agent_quiesce(h->agent, 1, 1000, reason, sizeof(reason)), 0);
	/* VF 1's posted request was answered before the hold: ATQ drained */
	CHECK_EQ(vfmig_model_vf_read32(h->pf, 1, VFMIG_VF_ATQH1),
		 vfmig_model_vf_read32(h->pf, 1, VFMIG_VF_ATQT1));
	late->vcpu = true;

	/* no DMA while quiesced: frames arrive and the guest transmits */
	vfmig_model_vf_stats(h->pf, 0, &ms0);
	dma0 = vm->dma_writes;
	for (i = 0; i < 16; i++) {
		port_rx_seq(h, vm->mac, i);
		vm_xmit_seq(vm, (u16)(i % 4), i);
	}
	w_run(300);
	vfmig_model_vf_stats(h->pf, 0, &ms1);
	CHECK_EQ(vm->dma_writes, dma0);
	CHECK_EQ(ms1.tx_packets, ms0.tx_packets);
	CHECK(ms1.rx_disabled_drops >= ms0.rx_disabled_drops + 16);
	/* the held mailbox takes no new request: VF 1 cannot finish bring-up */
	CHECK(vfmig_guest_state(&late->env, T_GPA) != VFMIG_GUEST_RUNNING);
	CHECK(vfmig_model_vf_read32(h->pf, 1, VFMIG_VF_ATQH1) !=
	      vfmig_model_vf_read32(h->pf, 1, VFMIG_VF_ATQT1));

	/* quiesce is idempotent; resume gives everything back */
	CHECK_ERR(vfmig_agent_quiesce(h->agent, 0, 1000, reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_resume(h->agent, 0, VFMIG_AGENT_RESUME_ALL, 1000,
				     reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_resume(h->agent, 1, VFMIG_AGENT_RESUME_ALL, 1000,
				     reason, sizeof(reason)), 0);
	CHECK_EQ(enabled_mask(h, 0, false), 0xf);
	CHECK_EQ(enabled_mask(h, 0, true), 0xf);
	CHECK(vm_until_running(late, 20000));
	w_run(300);
	vfmig_model_vf_stats(h->pf, 0, &ms1);
	CHECK(ms1.tx_packets >= ms0.tx_packets + 16);
	w_reset();
}

static void test_quiesce_timeout_leaves_vf_running(void)
{
	struct vfmig_model_faults f = { 0 };
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_model_vf_stats ms0, ms1;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	u32 seen[64] = { 0 }, bad = 0, i;
	int round;

	for (round = 0; round < 2; round++) {
		vm = running_vm(4, &h);
		REQUIRE(vm);
		f.rxq_disable_stuck = round ? BIT(3) : 0;
		f.txq_disable_stuck = round ? 0 : BIT(2);
		CHECK_ERR(vfmig_model_vf_set_faults(h->pf, 0, &f), 0);
		CHECK_ERR(vfmig_agent_quiesce(h->agent, 0, 200, reason, sizeof(reason)),
			  -ETIMEDOUT);
		CHECK(strstr(reason, round ? "RX queue 3" : "TX queue 2") != NULL);
		memset(&f, 0, sizeof(f));
		vfmig_model_vf_set_faults(h->pf, 0, &f);
		w_run(100);
		/* every queue runs, the mailbox answers, traffic flows both ways */
		CHECK_EQ(enabled_mask(h, 0, false), 0xf);
		CHECK_EQ(enabled_mask(h, 0, true), 0xf);
		vfmig_model_vf_stats(h->pf, 0, &ms0);
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < 32; i++) {
			CHECK_ERR(vm_xmit_seq(vm, (u16)(i % 4), i), 0);
			port_rx_seq(h, vm->mac, i);
		}
		w_run(500);
		port_collect(h, seen, 64, &bad);
		vfmig_model_vf_stats(h->pf, 0, &ms1);
		for (i = 0; i < 32; i++)
			CHECK_EQ(seen[i], 1);
		CHECK_EQ(ms1.rx_packets, ms0.rx_packets + 32);
		CHECK_EQ(bad, 0);
		/* and a later quiesce works */
		CHECK_ERR(vfmig_agent_quiesce(h->agent, 0, 1000, reason, sizeof(reason)), 0);
		CHECK_ERR(vfmig_agent_resume(h->agent, 0, VFMIG_AGENT_RESUME_ALL, 1000,
					     reason, sizeof(reason)), 0);
	}
	w_reset();
}

/* Program a VF by hand through the PF operations; the snapshot must say so. */
static void test_snapshot_equals_programmed(void)
{
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	struct vfmig_pf_vf_state *st = calloc(1, sizeof(*st));
	struct vfmig_agent_config *cfg = calloc(1, sizeof(*cfg));
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	struct vfmig_dev_runtime *rt = &img->runtime;
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_hmc_txq tx = { 0 };
	struct vfmig_hmc_rxq rx = { 0 };
	struct vfmig_st_host *h;

	REQUIRE(st && cfg);
	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	REQUIRE(vm_new(h, 2, NULL));	/* DMA target for VF 2 */
	tx.base = 0x40000 / 128;
	tx.qlen = 256;
	tx.head = 17;
	tx.head_wb_ena = 1;
	tx.head_wb_addr = 0x48000;
	CHECK_ERR(o->txq_ctx_write(h->pf, 2, 1, &tx), 0);
	rx.base = 0x50000 / 128;
	rx.qlen = 512;
	rx.head = 300;
	rx.dbuff = 3072 >> 7;
	rx.hbuff = 256 >> 6;
	rx.dtype = 1;
	rx.dsize = 1;
	rx.crcstrip = 1;
	rx.rxmax = 9000;
	CHECK_ERR(o->rxq_ctx_write(h->pf, 2, 3, &rx), 0);
	CHECK_ERR(o->vf_reg_write(h->pf, 2, VFMIG_QTX_TAIL1(1), 17), 0);
	CHECK_ERR(o->vf_reg_write(h->pf, 2, VFMIG_QRX_TAIL1(3), 299), 0);
	CHECK_ERR(o->queue_enable(h->pf, 2, 3, true, true, 1000), 0);
	CHECK_ERR(o->vf_reg_write(h->pf, 2, VFMIG_VFINT_ICR0_ENA1,
				  VFMIG_VFINT_ICR0_ENA1_ADMINQ), 0);
	CHECK_ERR(o->vf_reg_write(h->pf, 2, VFMIG_VFINT_ITRN1(1, 2), 0x55), 0);
	CHECK_ERR(o->vf_reg_write(h->pf, 2, VFMIG_VF_ARQBAL1, 0x61000), 0);
	CHECK_ERR(o->vf_reg_write(h->pf, 2, VFMIG_VF_ARQLEN1, 32), 0);
	CHECK_ERR(o->vf_state_get(h->pf, 2, st), 0);
	st->active = true;
	st->virtchnl_major = 1;
	st->virtchnl_minor = 1;
	st->vf_caps = 0xb00a1;
	st->config.promisc = VFMIG_PROMISC_UNICAST;
	st->config.rss_hena = 0x1234;
	st->config.vsi.num_queue_pairs = 4;
	st->config.num_vlan_filters = 2;
	st->config.vlan_filters[0] = 5;
	st->config.vlan_filters[1] = 4000;
	st->stats.rx_bytes = 123456;
	st->stats.tx_errors = 7;
	CHECK_ERR(o->vf_state_set(h->pf, 2, st), 0);

	CHECK_ERR(vfmig_agent_snapshot_config(h->agent, 2, cfg), 0);
	CHECK_EQ(cfg->flags, VFMIG_AGENT_CFG_ACTIVE);
	CHECK_EQ(cfg->virtchnl_major, 1);
	CHECK_EQ(cfg->vf_caps, 0xb00a1);
	CHECK_EQ(cfg->config.promisc, VFMIG_PROMISC_UNICAST);
	CHECK_EQ(cfg->config.rss_hena, 0x1234);
	CHECK_EQ(cfg->config.num_vlan_filters, 2);
	CHECK_EQ(cfg->config.vlan_filters[1], 4000);
	CHECK_EQ(cfg->config.present, VFMIG_CFG_ALL);

	CHECK_ERR(vfmig_agent_snapshot_runtime(h->agent, 2, VFMIG_AGENT_SNAP_PEEK, img,
					       reason, sizeof(reason)), 0);
	CHECK_EQ(rt->txq_present, BIT(1));
	CHECK_EQ(rt->rxq_present, BIT(3));
	CHECK_EQ(rt->txq[1].ring_base, 0x40000);
	CHECK_EQ(rt->txq[1].ring_len, 256);
	CHECK_EQ(rt->txq[1].head, 17);
	CHECK_EQ(rt->txq[1].tail, 17);
	CHECK(rt->txq[1].head_wb && rt->txq[1].head_wb_addr == 0x48000);
	CHECK(!rt->txq[1].enabled);
	CHECK_EQ(rt->rxq[3].ring_base, 0x50000);
	CHECK_EQ(rt->rxq[3].ring_len, 512);
	CHECK_EQ(rt->rxq[3].head, 300);
	CHECK_EQ(rt->rxq[3].tail, 299);
	CHECK_EQ(rt->rxq[3].data_buf_size, 3072);
	CHECK_EQ(rt->rxq[3].hdr_buf_size, 256);
	CHECK_EQ(rt->rxq[3].desc_size, 32);
	CHECK_EQ(rt->rxq[3].max_pkt_size, 9000);
	CHECK(rt->rxq[3].enabled && rt->rxq[3].crc_strip);
	CHECK_EQ(rt->irq.num_vectors, 5);
	CHECK_EQ(rt->irq.icr0_ena, VFMIG_VFINT_ICR0_ENA1_ADMINQ);
	CHECK_EQ(rt->irq.vec[3].itr[1], 0x55);
	CHECK_EQ(rt->mbx.arq.bal, 0x61000);
	CHECK_EQ(rt->mbx.arq.len, 32);
	CHECK_EQ(rt->stats.rx_bytes, 123456);
	CHECK_EQ(rt->stats.tx_errors, 7);
	CHECK_EQ(rt->present, VFMIG_RT_ALL);
	CHECK_EQ(rt->num_mbx_msgs, 0);
	/* and the stream writer takes it as is */
	CHECK(vfmig_stream_runtime_size(rt) > 0);
	free(st);
	free(cfg);
	vfmig_dev_image_free(img);
	w_reset();
}

/*
 * Source VF with a live guest -> quiesce, snapshot -> second PF: pre-apply
 * and restore; contexts, tails, filters, RSS, IRQ map, register shadow equal.
 */
static void test_restore_on_second_pf(void)
{
	struct vfmig_agent_config *cfg = calloc(1, sizeof(*cfg));
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_st_view *src, *dst;
	struct vfmig_guest_cfg g;
	struct vfmig_st_host *a, *b;
	struct vfmig_st_vm *vm;
	u32 i;
	u16 q;

	REQUIRE(cfg);
	w_reset();
	a = host_new(4, 5, 0x154c);
	b = host_new(4, 5, 0x154c);
	REQUIRE(a && b);
	gcfg_default(&g, 3);
	g.promisc = true;
	g.tx_head_wb = true;
	vm = vm_new(a, 1, &g);
	REQUIRE(vm && vm_until_running(vm, 20000));
	REQUIRE(vm_new(b, 3, NULL));
	for (i = 0; i < 200; i++) {
		vm_xmit_seq(vm, (u16)(i % 3), i);
		port_rx_seq(a, vm->mac, i);
		w_step();
	}
	CHECK_ERR(vfmig_agent_quiesce(a->agent, 1, 1000, reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_snapshot_config(a->agent, 1, cfg), 0);
	CHECK_ERR(vfmig_agent_snapshot_runtime(a->agent, 1, 0, img, reason, sizeof(reason)), 0);
	CHECK_EQ(img->runtime.txq_present, 7);
	CHECK_EQ(img->runtime.rxq_present, 7);
	/* the heads moved: this is not a fresh ring */
	CHECK(img->runtime.txq[0].head != 0 && img->runtime.rxq[0].head != 0);

	CHECK_ERR(vfmig_agent_pre_apply(b->agent, 3, cfg, reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_restore(b->agent, 3, 0, cfg, img, reason, sizeof(reason)), 0);
	src = view_take(a, 1);
	dst = view_take(b, 3);
	REQUIRE(src && dst);
	/* queues stay off on the destination until resume */
	CHECK_EQ(dst->txon, 0);
	CHECK_EQ(dst->rxon, 0);
	for (q = 0; q < 4; q++) {
		struct vfmig_hmc_txq ta = src->tx[q], tb = dst->tx[q];

		/* the scheduler queue set is each PF's own */
		ta.rdylist = tb.rdylist = 0;
		CHECK(!memcmp(&ta, &tb, sizeof(ta)));
		CHECK(!memcmp(&src->rx[q], &dst->rx[q], sizeof(src->rx[q])));
	}
	for (i = 0; i < ARRAY_SIZE(vfmig_st_view_regs); i++)
		CHECK_EQ(src->regs[i], dst->regs[i]);
	/* the VSI id is each PF's own; everything else must match */
	CHECK(vfmig_st_config_equal(&src->st.config, &dst->st.config, true));
	CHECK_EQ(dst->st.config.num_mac_filters, src->st.config.num_mac_filters);
	CHECK_EQ(dst->st.config.promisc, src->st.config.promisc);
	CHECK(!memcmp(&src->st.stats, &dst->st.stats, sizeof(src->st.stats)));
	CHECK(dst->st.active && dst->st.vf_caps == src->st.vf_caps);
	CHECK_ERR(vfmig_agent_resume(b->agent, 3, VFMIG_AGENT_RESUME_ALL, 1000,
				     reason, sizeof(reason)), 0);
	CHECK_EQ(enabled_mask(b, 3, false), 7);
	CHECK_EQ(enabled_mask(b, 3, true), 7);
	free(src);
	free(dst);
	free(cfg);
	vfmig_dev_image_free(img);
	w_reset();
}

/* Every invalid restore is refused with a reason and changes nothing. */
static void test_restore_invalid_touches_nothing(void)
{
	struct vfmig_agent_config *cfg = calloc(1, sizeof(*cfg));
	struct vfmig_agent_config *bad_cfg = calloc(1, sizeof(*cfg));
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	struct vfmig_dev_image *bad = vfmig_dev_image_alloc();
	char reason[VFMIG_AGENT_REASON_LEN];
	struct vfmig_st_view *before, *after;
	struct vfmig_guest_cfg g;
	struct vfmig_st_host *a, *b;
	struct vfmig_st_vm *vm;
	int c, ret;

	REQUIRE(cfg && bad_cfg);
	w_reset();
	a = host_new(4, 5, 0x154c);
	b = host_new(4, 5, 0x154c);
	REQUIRE(a && b);
	gcfg_default(&g, 2);
	vm = vm_new(a, 0, &g);
	REQUIRE(vm && vm_until_running(vm, 20000));
	REQUIRE(vm_new(b, 0, NULL));
	CHECK_ERR(vfmig_agent_quiesce(a->agent, 0, 1000, reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_snapshot_config(a->agent, 0, cfg), 0);
	CHECK_ERR(vfmig_agent_snapshot_runtime(a->agent, 0, 0, img, reason, sizeof(reason)), 0);
	before = view_take(b, 0);
	REQUIRE(before);

	for (c = 0; c < 18; c++) {
		*bad_cfg = *cfg;
		bad->runtime = img->runtime;
		bad->runtime.num_mbx_msgs = 0;
		switch (c) {
		case 0: bad->runtime.txq[0].ring_base = 0; break;
		case 1: bad->runtime.rxq[1].ring_base += 64; break;
		case 2: bad->runtime.txq[1].ring_len = 8192; break;
		case 3: bad->runtime.rxq[0].head = bad->runtime.rxq[0].ring_len; break;
		case 4: bad->runtime.txq[0].tail = 1000; break;
		case 5: /* queue 3, but the VSI configures 2 queue pairs */
			bad->runtime.txq_present |= BIT(3);
			bad->runtime.txq[3] = bad->runtime.txq[0];
			break;
		case 6: bad->runtime.rxq[0].desc_size = 24; break;
		case 7: bad->runtime.rxq[0].data_buf_size = 2000; break;
		case 8: bad->runtime.rxq[0].max_pkt_size = 20000; break;
		case 9: bad->runtime.irq.num_vectors = 6; break;
		case 10: bad->runtime.txq[0].head_wb = true;
			 bad->runtime.txq[0].head_wb_addr = 0x1002;
			 break;
		case 11: bad_cfg->config.vsi.num_queue_pairs = 5; break;
		case 12: bad_cfg->config.rss_lut[5] = 3; break;
		case 13: bad_cfg->config.num_mac_filters = 200; break;
		case 14: bad_cfg->config.irq_maps[0].vector_id = 7; break;
		case 15: bad_cfg->config.vlan_filters[0] = 5000;
			 bad_cfg->config.num_vlan_filters = 1;
			 break;
		case 16: bad_cfg->config.vf.port_vlan = 0x1000; break;
		case 17: bad_cfg->config.rss_key_len = 60; break;
		}
		reason[0] = 0;
		ret = vfmig_agent_restore(b->agent, 0, VFMIG_CFG_ALL, bad_cfg, bad,
					  reason, sizeof(reason));
		CHECK(ret < 0);
		if (ret >= 0)
			printf("#   case %d accepted\n", c);
		CHECK(reason[0] != 0);
		after = view_take(b, 0);
		CHECK(after && view_equal(before, after));
		if (after && !view_equal(before, after))
			printf("#   case %d touched the VF (%s)\n", c, reason);
		free(after);
	}
	/* and the valid restore works */
	CHECK_ERR(vfmig_agent_restore(b->agent, 0, VFMIG_CFG_ALL, cfg, img,
				      reason, sizeof(reason)), 0);
	bad->runtime.num_mbx_msgs = 0;	/* shared buffers: do not free twice */
	free(before);
	free(cfg);
	free(bad_cfg);
	vfmig_dev_image_free(img);
	vfmig_dev_image_free(bad);
	w_reset();
}

/*
 * Quiesce, then cancel: while stopped the heads do not move whatever the
 * guest posts; after resume every posted frame leaves exactly once, in
 * order per queue, and reception goes on.
 */
static void test_cancel_same_heads(void)
{
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_dev_image *i0 = vfmig_dev_image_alloc();
	struct vfmig_dev_image *i1 = vfmig_dev_image_alloc();
	u32 *seen = calloc(4096, sizeof(u32)), *rseen = calloc(4096, sizeof(u32));
	u32 bad = 0, sent = 0, injected = 0, got = 0, i;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	u16 q;
	int round;

	REQUIRE(seen && rseen);
	vm = running_vm(2, &h);
	REQUIRE(vm);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 150; i++) {
			if (!vm_xmit_seq(vm, (u16)(sent % 2), sent))
				sent++;
			if (i % 3 == 0 && !port_rx_seq(h, vm->mac, injected))
				injected++;
			w_step();
			got += vm_drain(vm, rseen, 4096);
		}
		CHECK_ERR(vfmig_agent_quiesce(h->agent, 0, 1000, reason, sizeof(reason)), 0);
		CHECK_ERR(vfmig_agent_snapshot_runtime(h->agent, 0, 0, i0, reason,
						       sizeof(reason)), 0);
		/* the guest keeps posting while stopped: tails move, heads do not */
		for (i = 0; i < 40; i++) {
			if (!vm_xmit_seq(vm, (u16)(sent % 2), sent))
				sent++;
			w_step();
		}
		CHECK_ERR(vfmig_agent_snapshot_runtime(h->agent, 0, VFMIG_AGENT_SNAP_PEEK,
						       i1, reason, sizeof(reason)), 0);
		for (q = 0; q < 2; q++) {
			CHECK_EQ(i1->runtime.txq[q].head, i0->runtime.txq[q].head);
			CHECK_EQ(i1->runtime.rxq[q].head, i0->runtime.rxq[q].head);
			CHECK(i1->runtime.txq[q].tail != i0->runtime.txq[q].tail);
			CHECK(i0->runtime.txq[q].enabled && i0->runtime.rxq[q].enabled);
		}
		CHECK_ERR(vfmig_agent_resume(h->agent, 0, VFMIG_AGENT_RESUME_ALL, 1000,
					     reason, sizeof(reason)), 0);
		CHECK_EQ(enabled_mask(h, 0, false), 3);
		CHECK_EQ(enabled_mask(h, 0, true), 3);
	}
	for (i = 0; i < 1000; i++) {
		w_step();
		got += vm_drain(vm, rseen, 4096);
	}
	port_collect(h, seen, 4096, &bad);
	CHECK_EQ(bad, 0);
	CHECK(sent > 300);
	for (i = 0; i < sent; i++)
		CHECK_EQ(seen[i], 1);	/* nothing lost, nothing sent twice */
	/* frames that arrived while running were received exactly once */
	for (i = 0; i < injected; i++)
		CHECK(rseen[i] <= 1);
	CHECK_EQ(got, injected);
	/* reception goes on after the last resume */
	for (i = 0; i < 20; i++)
		port_rx_seq(h, vm->mac, 3000 + i);
	w_run(300);
	CHECK_EQ(vm_drain(vm, rseen, 4096), 20);
	free(seen);
	free(rseen);
	vfmig_dev_image_free(i0);
	vfmig_dev_image_free(i1);
	w_reset();
}

/* PF->VF messages not yet in the ARQ: taken at snapshot, given back at resume. */
static void test_staged_messages(void)
{
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	struct vfmig_dev_image *img2 = vfmig_dev_image_alloc();
	struct vfmig_model_vf_stats ms;
	struct vfmig_guest_stats gs0, gs1;
	u32 pend0, events = 0, i;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;

	vm = running_vm(1, &h);
	REQUIRE(vm);
	w_run(2000);
	vfmig_guest_stats(&vm->env, T_GPA, &gs0);
	CHECK_ERR(vfmig_agent_quiesce(h->agent, 0, 1000, reason, sizeof(reason)), 0);
	vfmig_model_vf_stats(h->pf, 0, &ms);
	pend0 = (u32)ms.mbx_pending;
	/* the held mailbox delivers nothing: link events wait in the PF host */
	for (i = 0; i < 3; i++) {
		vfmig_model_set_link(h->pf, i % 2 == 1, 40000);
		w_run(10);
	}
	vfmig_model_vf_stats(h->pf, 0, &ms);
	CHECK_EQ(ms.mbx_pending, pend0 + 3);
	CHECK_ERR(vfmig_agent_snapshot_runtime(h->agent, 0, 0, img, reason, sizeof(reason)), 0);
	CHECK_EQ(img->runtime.num_mbx_msgs, pend0 + 3);
	for (i = 0; i < img->runtime.num_mbx_msgs; i++)
		events += img->runtime.mbx_msgs[i].v_opcode == VIRTCHNL_OP_EVENT;
	CHECK(events >= 3);
	vfmig_model_vf_stats(h->pf, 0, &ms);
	CHECK_EQ(ms.mbx_pending, 0);
	/* a second snapshot still carries them (staged in the agent) */
	CHECK_ERR(vfmig_agent_snapshot_runtime(h->agent, 0, 0, img2, reason, sizeof(reason)), 0);
	CHECK_EQ(img2->runtime.num_mbx_msgs, img->runtime.num_mbx_msgs);
	CHECK_ERR(vfmig_agent_resume(h->agent, 0, VFMIG_AGENT_RESUME_ALL, 1000,
				     reason, sizeof(reason)), 0);
	w_run(500);
	vfmig_guest_stats(&vm->env, T_GPA, &gs1);
	CHECK_EQ(gs1.link_events, gs0.link_events + events);
	vfmig_dev_image_free(img);
	vfmig_dev_image_free(img2);
	w_reset();
}

/* The same operations through messages and the in-process transport. */
static void test_calls_through_transport(void)
{
	struct vfmig_agent_geometry *geo = calloc(1, sizeof(*geo));
	struct vfmig_agent_config *cfg = calloc(1, sizeof(*cfg));
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_pf_vf_limits lim;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;

	REQUIRE(geo && cfg);
	vm = running_vm(2, &h);
	REQUIRE(vm);
	CHECK_ERR(vfmig_agent_call_limits(&h->tr, 0, &lim, reason, sizeof(reason)), 0);
	CHECK_EQ(lim.num_msix, 5);
	CHECK_ERR(vfmig_agent_call_geometry(&h->tr, 0, geo, reason, sizeof(reason)), 0);
	CHECK_EQ(geo->num_queue_pairs, 4);
	CHECK(geo->txq[1].flags & VFMIG_AGENT_GEO_CONFIGURED);
	CHECK(geo->rxq[1].flags & VFMIG_AGENT_GEO_ENABLED);
	CHECK_EQ(geo->rxq[1].ring_len, 128);
	CHECK_EQ(geo->rxq[1].data_buf_size, 2048);
	CHECK(!(geo->txq[2].flags & VFMIG_AGENT_GEO_CONFIGURED));
	CHECK(geo->mbx.arq.len & VFMIG_VF_AQLEN1_ENABLE);
	CHECK_ERR(vfmig_agent_call_quiesce(&h->tr, 0, 1000, reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_call_snapshot_config(&h->tr, 0, cfg, reason, sizeof(reason)), 0);
	CHECK_EQ(cfg->config.vsi.num_queue_pairs, 2);
	CHECK_ERR(vfmig_agent_call_snapshot_runtime(&h->tr, 0, 0, img, reason, sizeof(reason)), 0);
	CHECK_EQ(img->runtime.txq_present, 3);
	/* a restore onto a running VF is refused: its queues are on */
	CHECK_ERR(vfmig_agent_call_resume(&h->tr, 0, VFMIG_AGENT_RESUME_QUEUES, 1000,
					  reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_call_restore(&h->tr, 0, 0, cfg, &img->runtime,
					   reason, sizeof(reason)), -EBUSY);
	CHECK(strstr(reason, "enabled") != NULL);
	CHECK_ERR(vfmig_agent_call_reset(&h->tr, 0, 0, reason, sizeof(reason)), 0);
	CHECK_ERR(vfmig_agent_call_pre_apply(&h->tr, 0, cfg, reason, sizeof(reason)), 0);
	free(geo);
	free(cfg);
	vfmig_dev_image_free(img);
	w_reset();
}

int main(void)
{
	RUN(test_validator_accepts);
	RUN(test_validator_rejects);
	RUN(test_validator_fuzz);
	RUN(test_client_rejects_bad_responses);
	RUN(test_quiesce_disables_and_holds);
	RUN(test_quiesce_timeout_leaves_vf_running);
	RUN(test_snapshot_equals_programmed);
	RUN(test_restore_on_second_pf);
	RUN(test_restore_invalid_touches_nothing);
	RUN(test_cancel_same_heads);
	RUN(test_staged_messages);
	RUN(test_calls_through_transport);
	w_reset();
	return vt_done();
}
