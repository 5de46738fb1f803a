// SPDX-License-Identifier: GPL-2.0-only
/*
 * A simulated host: model PF + PF agent + per-VF vfio devices (host.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <vfmig/x710_regs.h>
#include "host.h"
#include "vfio_core.h"

/* ---- the model's view of the world for one VF ------------------------------ */

static int hvf_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct lab_hvf *v = ctx;

	if (!v->ram || iova > v->ram->size || len > v->ram->size - iova) {
		v->dma_oob++;
		return -EFAULT;
	}
	memcpy(buf, v->ram->dev + iova, len);
	return 0;
}

static int hvf_dma_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	struct lab_hvf *v = ctx;

	if (!v->ram || iova > v->ram->size || len > v->ram->size - iova) {
		v->dma_oob++;
		return -EFAULT;
	}
	memcpy(v->ram->dev + iova, buf, len);
	return 0;
}

/* Runs under the PF lock: latch only. */
static void hvf_irq(void *ctx, u16 vector)
{
	struct lab_hvf *v = ctx;

	if (vector < 32)
		v->irq_latched |= 1u << vector;
}

static void hvf_record(void *ctx, u64 iova, u32 len,
		       enum vfmig_model_engine engine)
{
	struct lab_hvf *v = ctx;

	if (v->dma_rec)
		v->dma_rec(v->dma_rec_ctx, iova, len, engine);
}

/* ---- host ------------------------------------------------------------------ */

struct lab_host *lab_host_new(const struct lab_host_cfg *cfg)
{
	struct lab_host *h = lab_zalloc(sizeof(*h));
	u16 i;

	snprintf(h->name, sizeof(h->name), "%s", cfg->name);
	h->port = -1;
	vfmig_model_cfg_default(&h->mcfg);
	if (cfg->num_vfs)
		h->mcfg.num_vfs = cfg->num_vfs;
	if (h->mcfg.num_vfs > LAB_HOST_MAX_VFS)
		h->mcfg.num_vfs = LAB_HOST_MAX_VFS;
	h->mcfg.queues_per_vf = cfg->queues_per_vf;
	h->mcfg.msix_per_vf = cfg->msix_per_vf ? cfg->msix_per_vf :
			      (u16)(cfg->queues_per_vf + 1);
	if (cfg->vf_device_id)
		h->mcfg.vf_device_id = cfg->vf_device_id;
	/* distinct PFs, distinct administratively set VF MACs */
	h->mcfg.port_mac[4] = (u8)(0x10 + cfg->mac_id);
	h->num_vfs = h->mcfg.num_vfs;
	h->timeout_us = cfg->timeout_us;
	h->pf = vfmig_model_pf_new(&h->mcfg);
	if (IS_ERR_OR_NULL(h->pf)) {
		fprintf(stderr, "vfmig-lab: %s: model PF: error %ld\n", h->name,
			PTR_ERR(h->pf));
		free(h);
		return NULL;
	}
	h->agent = vfmig_agent_new(&vfmig_model_pf_hw_ops, h->pf, h->num_vfs);
	if (IS_ERR_OR_NULL(h->agent)) {
		fprintf(stderr, "vfmig-lab: %s: PF agent: error %ld\n", h->name,
			PTR_ERR(h->agent));
		vfmig_model_pf_free(h->pf);
		free(h);
		return NULL;
	}
	vfmig_agent_local_transport(h->agent, &h->tr);
	for (i = 0; i < h->num_vfs; i++) {
		h->vf[i].h = h;
		h->vf[i].id = i;
	}
	return h;
}

void lab_host_free(struct lab_host *h)
{
	u16 i;

	if (!h)
		return;
	for (i = 0; i < h->num_vfs; i++) {
		struct lab_hvf *v = &h->vf[i];

		if (!v->open)
			continue;
		if (v->dev)
			v->dev->ops->destroy(v->dev);
		vfmig_model_vf_detach(h->pf, i);
	}
	vfmig_agent_free(h->agent);
	vfmig_model_pf_free(h->pf);
	free(h);
}

struct lab_hvf *lab_host_vf_open(struct lab_host *h, u16 vf, struct lab_ram *ram)
{
	struct vfmig_model_vf_ops ops;
	struct lab_vfio_core_cfg cc;
	struct lab_hvf *v;
	char name[32];

	if (vf >= h->num_vfs)
		return NULL;
	v = &h->vf[vf];
	if (v->open)
		return NULL;
	v->ram = ram;
	memset(&ops, 0, sizeof(ops));
	ops.dma_read = hvf_dma_read;
	ops.dma_write = hvf_dma_write;
	ops.irq = hvf_irq;
	ops.dma_record = hvf_record;
	ops.ctx = v;
	if (vfmig_model_vf_attach(h->pf, vf, &ops))
		return NULL;
	memset(&cc, 0, sizeof(cc));
	cc.pf = h->pf;
	cc.vf = vf;
	cc.agent = h->tr;
	cc.timeout_us = h->timeout_us;
	cc.dma_read = hvf_dma_read;
	cc.dma_ctx = v;
	snprintf(name, sizeof(name), "%s/vf%u", h->name, vf);
	v->dev = lab_vfio_core_new(&cc, name);
	if (!v->dev) {
		vfmig_model_vf_detach(h->pf, vf);
		return NULL;
	}
	v->open = true;
	return v;
}

void lab_host_dispatch_irqs(struct lab_host *h)
{
	u16 i, vec;

	for (i = 0; i < h->num_vfs; i++) {
		struct lab_hvf *v = &h->vf[i];
		u32 pend = v->irq_latched;

		v->irq_latched = 0;
		if (!v->open || !pend)
			continue;
		for (vec = 0; pend; vec++, pend >>= 1)
			if (pend & 1)
				lab_vfio_core_irq(v->dev, vec);
	}
}

int lab_host_poll(struct lab_host *h, u64 now, u32 budget)
{
	int w = vfmig_model_poll(h->pf, now, budget);

	lab_host_dispatch_irqs(h);
	return w;
}

bool lab_host_wait_vf_ready(struct lab_host *h, u16 vf, u64 *now, u64 max_ns)
{
	u64 end = *now + max_ns;

	while (*now < end) {
		if ((vfmig_model_vf_read32(h->pf, vf, VFMIG_VFGEN_RSTAT) &
		     VFMIG_VFGEN_RSTAT_VFR_STATE_MASK) == VFMIG_VFR_VFACTIVE &&
		    vfmig_model_next_event_ns(h->pf) == U64_MAX)
			return true;
		*now += 1000;
		if (vfmig_model_now(h->pf) > *now)
			*now = vfmig_model_now(h->pf);
		lab_host_poll(h, *now, 0);
	}
	return false;
}

/* ---- VF view ---------------------------------------------------------------- */

static const u32 view_regs[] = {
	VFMIG_VFGEN_RSTAT, VFMIG_VFINT_ICR01, VFMIG_VFINT_ICR0_ENA1,
	VFMIG_VFINT_DYN_CTL01, VFMIG_VF_ATQBAL1, VFMIG_VF_ATQBAH1,
	VFMIG_VF_ATQLEN1, VFMIG_VF_ATQH1, VFMIG_VF_ATQT1, VFMIG_VF_ARQBAL1,
	VFMIG_VF_ARQBAH1, VFMIG_VF_ARQLEN1, VFMIG_VF_ARQH1, VFMIG_VF_ARQT1,
};

struct lab_vf_view {
	struct vfmig_pf_vf_state st;
	u16 nq;
	struct vfmig_hmc_txq tx[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_hmc_rxq rx[VFMIG_MAX_QUEUE_PAIRS];
	u32 txon, rxon;
	u32 regs[ARRAY_SIZE(view_regs)];
	u32 tails[2][VFMIG_MAX_QUEUE_PAIRS];
	u32 dyn[VFMIG_MAX_QUEUE_PAIRS];
};

struct lab_vf_view *lab_vf_view_take(struct lab_host *h, u16 vf)
{
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	struct lab_vf_view *v = lab_zalloc(sizeof(*v));
	struct vfmig_pf_vf_limits lim;
	bool on;
	u16 q;
	u32 i;

	if (o->vf_limits(h->pf, vf, &lim) || o->vf_state_get(h->pf, vf, &v->st)) {
		free(v);
		return NULL;
	}
	v->nq = min_t(u16, lim.num_queue_pairs, VFMIG_MAX_QUEUE_PAIRS);
	for (q = 0; q < v->nq; q++) {
		o->txq_ctx_read(h->pf, vf, q, &v->tx[q]);
		o->rxq_ctx_read(h->pf, vf, q, &v->rx[q]);
		if (!o->queue_enabled(h->pf, vf, q, false, &on) && on)
			v->txon |= 1u << q;
		if (!o->queue_enabled(h->pf, vf, q, true, &on) && on)
			v->rxon |= 1u << q;
		o->vf_reg_read(h->pf, vf, VFMIG_QTX_TAIL1(q), &v->tails[0][q]);
		o->vf_reg_read(h->pf, vf, VFMIG_QRX_TAIL1(q), &v->tails[1][q]);
		o->vf_reg_read(h->pf, vf, VFMIG_VFINT_DYN_CTLN1(q), &v->dyn[q]);
	}
	for (i = 0; i < ARRAY_SIZE(view_regs); i++)
		o->vf_reg_read(h->pf, vf, view_regs[i], &v->regs[i]);
	return v;
}

static bool config_equal(const struct vfmig_dev_config *a,
			 const struct vfmig_dev_config *b)
{
	struct vfmig_dev_image *ia = vfmig_dev_image_alloc();
	struct vfmig_dev_image *ib = vfmig_dev_image_alloc();
	bool eq = false;

	if (ia && ib) {
		ia->config = *a;
		ib->config = *b;
		eq = vfmig_dev_image_equal(ia, ib);
	}
	vfmig_dev_image_free(ia);
	vfmig_dev_image_free(ib);
	return eq;
}

bool lab_vf_view_equal(const struct lab_vf_view *a, const struct lab_vf_view *b,
		       char *why, size_t len)
{
	u32 i;
	u16 q;

#define DIFF(cond, ...) do { if (cond) { snprintf(why, len, __VA_ARGS__); return false; } } while (0)
	DIFF(!a || !b, "VF view unavailable");
	DIFF(a->st.active != b->st.active, "PF host ACTIVE state changed");
	DIFF(a->st.virtchnl_major != b->st.virtchnl_major ||
	     a->st.virtchnl_minor != b->st.virtchnl_minor,
	     "negotiated virtchnl version changed");
	DIFF(a->st.vf_caps != b->st.vf_caps, "VF capabilities changed");
	DIFF(a->st.config.present != b->st.config.present,
	     "VF configuration records present changed (%#x -> %#x)",
	     a->st.config.present, b->st.config.present);
	DIFF(memcmp(a->st.config.vf.mac, b->st.config.vf.mac, 6),
	     "VF MAC changed (%02x:%02x:%02x:%02x:%02x:%02x -> %02x:%02x:%02x:%02x:%02x:%02x)",
	     a->st.config.vf.mac[0], a->st.config.vf.mac[1], a->st.config.vf.mac[2],
	     a->st.config.vf.mac[3], a->st.config.vf.mac[4], a->st.config.vf.mac[5],
	     b->st.config.vf.mac[0], b->st.config.vf.mac[1], b->st.config.vf.mac[2],
	     b->st.config.vf.mac[3], b->st.config.vf.mac[4], b->st.config.vf.mac[5]);
	DIFF(a->st.config.vf.flags != b->st.config.vf.flags ||
	     a->st.config.vf.port_vlan != b->st.config.vf.port_vlan ||
	     a->st.config.vf.link_speed != b->st.config.vf.link_speed ||
	     a->st.config.vf.max_frame != b->st.config.vf.max_frame,
	     "VF settings changed (flags %#x -> %#x, port VLAN %#x -> %#x, link %u -> %u, max frame %u -> %u)",
	     a->st.config.vf.flags, b->st.config.vf.flags,
	     a->st.config.vf.port_vlan, b->st.config.vf.port_vlan,
	     a->st.config.vf.link_speed, b->st.config.vf.link_speed,
	     a->st.config.vf.max_frame, b->st.config.vf.max_frame);
	DIFF(memcmp(&a->st.config.vsi, &b->st.config.vsi, sizeof(a->st.config.vsi)),
	     "VSI record changed");
	DIFF(a->st.config.num_mac_filters != b->st.config.num_mac_filters ||
	     memcmp(a->st.config.mac_filters, b->st.config.mac_filters,
		    sizeof(a->st.config.mac_filters)), "MAC filters changed");
	DIFF(a->st.config.promisc != b->st.config.promisc, "promiscuous mode changed");
	DIFF(a->st.config.rss_hena != b->st.config.rss_hena, "RSS HENA changed");
	DIFF(a->st.config.num_irq_maps != b->st.config.num_irq_maps, "IRQ map changed");
	DIFF(!config_equal(&a->st.config, &b->st.config),
	     "VF configuration (filters, RSS, VSI or IRQ map) changed");
	DIFF(a->nq != b->nq, "queue count changed");
	for (q = 0; q < a->nq; q++) {
		DIFF(memcmp(&a->tx[q], &b->tx[q], sizeof(a->tx[q])),
		     "TX queue %u context changed", q);
		DIFF(memcmp(&a->rx[q], &b->rx[q], sizeof(a->rx[q])),
		     "RX queue %u context changed", q);
		DIFF(a->tails[0][q] != b->tails[0][q] ||
		     a->tails[1][q] != b->tails[1][q], "queue %u tail changed", q);
		DIFF(a->dyn[q] != b->dyn[q], "vector %u DYN_CTL changed", q + 1);
	}
	DIFF(a->txon != b->txon || a->rxon != b->rxon, "queue enables changed");
	for (i = 0; i < ARRAY_SIZE(view_regs); i++)
		DIFF(a->regs[i] != b->regs[i], "register %#x changed (%#x -> %#x)",
		     view_regs[i], a->regs[i], b->regs[i]);
#undef DIFF
	return true;
}

void lab_vf_view_free(struct lab_vf_view *v)
{
	free(v);
}

void lab_host_vf_release(struct lab_host *h, u16 vf,
			 const struct lab_vf_view *before, u64 *now)
{
	struct lab_vf_view *cur;
	const struct vfmig_vf_config *b, *c;

	if (h->vf[vf].open)
		h->vf[vf].dev->ops->reset(h->vf[vf].dev);
	lab_host_wait_vf_ready(h, vf, now, 1000000000ULL);
	cur = lab_vf_view_take(h, vf);
	if (!cur || !before) {
		lab_vf_view_free(cur);
		return;
	}
	b = &before->st.config.vf;
	c = &cur->st.config.vf;
	if (memcmp(b->mac, c->mac, 6))
		vfmig_model_vf_set_mac(h->pf, vf, b->mac);
	if ((b->flags ^ c->flags) & VFMIG_VF_TRUSTED)
		vfmig_model_vf_set_trust(h->pf, vf, b->flags & VFMIG_VF_TRUSTED);
	if ((b->flags ^ c->flags) & VFMIG_VF_SPOOFCHK)
		vfmig_model_vf_set_spoofchk(h->pf, vf, b->flags & VFMIG_VF_SPOOFCHK);
	if (b->port_vlan != c->port_vlan)
		vfmig_model_vf_set_port_vlan(h->pf, vf, b->port_vlan);
	lab_vf_view_free(cur);
	lab_host_wait_vf_ready(h, vf, now, 1000000000ULL);
}
