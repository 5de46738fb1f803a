// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migratable X710 VF: VFIO migration arcs, save and resume streams,
 * pre-copy accounting, held interrupts. Portable.
 *
 * Shape after drivers/vfio/pci/mlx5/main.c: set_state walks single arcs
 * found by vfmig_fsm_next_state() under state_mutex, and one function
 * handles every arc with one block per arc, each stating what the device
 * must (not) do. The PF work is the agent's (agent.h), reached through its
 * message transport only. docs/migration.md is normative.
 */
#include <vfmig/osdep.h>
#include <vfmig/vfdev.h>
#include <vfmig/agent.h>
#include <vfmig/stream.h>
#include <vfmig/mediate.h>

#define vfdev_reason(vdev, fmt, ...) ({					\
	struct vfmig_vfdev *__vd = (vdev);				\
									\
	snprintf(__vd->reason, sizeof(__vd->reason), fmt, ##__VA_ARGS__); })

/* ---- Object --------------------------------------------------------------- */

struct vfmig_vfdev *vfmig_vfdev_new(const struct vfmig_vfdev_cfg *cfg)
{
	struct vfmig_vfdev *vdev;
	int ret = -ENOMEM;

	if (!cfg || !cfg->ops || !cfg->ops->dma_read || !cfg->ops->bar0_read ||
	    !cfg->ops->bar0_write || !cfg->agent.call)
		return ERR_PTR(-EINVAL);
	vdev = vfmig_zalloc(sizeof(*vdev));
	if (!vdev)
		return ERR_PTR(-ENOMEM);
	vdev->cfg = vfmig_zalloc(sizeof(*vdev->cfg));
	if (!vdev->cfg)
		goto err_free_vdev;
	vdev->undo = vfmig_zalloc(sizeof(*vdev->undo));
	if (!vdev->undo)
		goto err_free_cfg;
	vdev->dirty = vfmig_dirty_new(cfg->dirty_max_ranges ?: 256);
	if (IS_ERR(vdev->dirty)) {
		ret = PTR_ERR(vdev->dirty);
		goto err_free_cfg;
	}
	ret = vfmig_mediate_init(&vdev->med);
	if (ret)
		goto err_free_dirty;
	vfmig_mutex_init(&vdev->state_mutex);
	vfmig_mutex_init(&vdev->irq_lock);
	vdev->state = VFMIG_MIG_RUNNING;
	vdev->vf = cfg->vf;
	vdev->ops = cfg->ops;
	vdev->ctx = cfg->ctx;
	vdev->agent = cfg->agent;
	vdev->timeout_us = cfg->timeout_us ?: VFMIG_AGENT_DEFAULT_TIMEOUT_US;
	return vdev;

err_free_dirty:
	vfmig_dirty_free(vdev->dirty);
err_free_cfg:
	vfmig_free(vdev->undo);
	vfmig_free(vdev->cfg);
err_free_vdev:
	vfmig_free(vdev);
	return ERR_PTR(ret);
}

static void vfdev_save_close_locked(struct vfmig_vfdev *vdev);
static void vfdev_resume_close_locked(struct vfmig_vfdev *vdev);

void vfmig_vfdev_free(struct vfmig_vfdev *vdev)
{
	if (IS_ERR_OR_NULL(vdev))
		return;
	vfmig_mutex_lock(&vdev->state_mutex);
	vfdev_save_close_locked(vdev);
	vfdev_resume_close_locked(vdev);
	vfmig_dev_image_free(vdev->frozen);
	vfmig_agent_call_reset(&vdev->agent, vdev->vf, 0, vdev->reason, sizeof(vdev->reason));
	vfmig_mutex_unlock(&vdev->state_mutex);
	vfmig_mediate_destroy(&vdev->med);
	vfmig_dirty_free(vdev->dirty);
	vfmig_free(vdev->undo);
	vfmig_free(vdev->cfg);
	vfmig_mutex_destroy(&vdev->irq_lock);
	vfmig_mutex_destroy(&vdev->state_mutex);
	vfmig_free(vdev);
}

void vfmig_vfdev_reason(struct vfmig_vfdev *vdev, char *buf, size_t len)
{
	vfmig_mutex_lock(&vdev->state_mutex);
	snprintf(buf, len, "%s", vdev->reason);
	vfmig_mutex_unlock(&vdev->state_mutex);
}

enum vfmig_mig_state vfmig_vfdev_get_state(struct vfmig_vfdev *vdev)
{
	enum vfmig_mig_state state;

	vfmig_mutex_lock(&vdev->state_mutex);
	state = vdev->state;
	vfmig_mutex_unlock(&vdev->state_mutex);
	return state;
}

/* ---- Interrupts ------------------------------------------------------------ */

bool vfmig_vfdev_irq(struct vfmig_vfdev *vdev, u16 vector)
{
	bool deliver = true;

	if (vector >= VFMIG_MAX_MSIX)
		return true;
	vfmig_mutex_lock(&vdev->irq_lock);
	if (vdev->irq_held) {
		vdev->irq_pending[vector / 32] |= BIT(vector % 32);
		deliver = false;
	}
	vfmig_mutex_unlock(&vdev->irq_lock);
	return deliver;
}

static void vfdev_irq_hold(struct vfmig_vfdev *vdev)
{
	vfmig_mutex_lock(&vdev->irq_lock);
	vdev->irq_held = true;
	vfmig_mutex_unlock(&vdev->irq_lock);
}

/* Stop holding; deliver what was held, outside the lock, lowest first. */
static void vfdev_irq_release(struct vfmig_vfdev *vdev)
{
	u32 pending[ARRAY_SIZE(vdev->irq_pending)];
	u16 v;

	vfmig_mutex_lock(&vdev->irq_lock);
	vdev->irq_held = false;
	memcpy(pending, vdev->irq_pending, sizeof(pending));
	memset(vdev->irq_pending, 0, sizeof(vdev->irq_pending));
	vfmig_mutex_unlock(&vdev->irq_lock);
	if (!vdev->ops->irq_deliver)
		return;
	for (v = 0; v < VFMIG_MAX_MSIX; v++)
		if (pending[v / 32] & BIT(v % 32))
			vdev->ops->irq_deliver(vdev->ctx, v);
}

static void vfdev_irq_drop(struct vfmig_vfdev *vdev)
{
	vfmig_mutex_lock(&vdev->irq_lock);
	vdev->irq_held = false;
	memset(vdev->irq_pending, 0, sizeof(vdev->irq_pending));
	vfmig_mutex_unlock(&vdev->irq_lock);
}

/* ---- Device steps --------------------------------------------------------- */

/* Mailbox held, queues off, no DMA, interrupts held. Idempotent. */
static int vfdev_quiesce_locked(struct vfmig_vfdev *vdev)
{
	int ret;

	lockdep_assert_held(&vdev->state_mutex);
	if (vdev->quiesced)
		return 0;
	ret = vfmig_agent_call_quiesce(&vdev->agent, vdev->vf, vdev->timeout_us, vdev->reason,
				       sizeof(vdev->reason));
	if (ret)
		return ret;
	vdev->quiesced = true;
	vfdev_irq_hold(vdev);
	return 0;
}

/* Quiesce, then take the runtime state the stream will carry. */
static int vfdev_freeze_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_dev_image *img;
	int ret;

	lockdep_assert_held(&vdev->state_mutex);
	ret = vfdev_quiesce_locked(vdev);
	if (ret)
		return ret;
	img = vfmig_dev_image_alloc();
	if (IS_ERR(img)) {
		vfdev_reason(vdev, "no memory for the runtime snapshot");
		return PTR_ERR(img);
	}
	ret = vfmig_agent_call_snapshot_runtime(&vdev->agent, vdev->vf, 0, img, vdev->reason,
						sizeof(vdev->reason));
	if (ret)
		goto err_free_img;
	vfmig_dev_image_free(vdev->frozen);
	vdev->frozen = img;
	vfmig_mediate_device_stopped(vdev);
	return 0;

err_free_img:
	vfmig_dev_image_free(img);
	return ret;
}

/* ---- Save stream ------------------------------------------------------------ */

static void vfdev_build_match(struct vfmig_match *m,
			      const struct vfmig_pf_vf_limits *lim,
			      const struct vfmig_agent_config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->major = VFMIG_STREAM_MAJOR;
	m->minor = VFMIG_STREAM_MINOR;
	m->vendor_id = lim->vendor_id;
	m->device_id = lim->device_id;
	m->subsys_vendor_id = lim->subsys_vendor_id;
	m->subsys_device_id = lim->subsys_device_id;
	m->num_queue_pairs = lim->num_queue_pairs;
	m->max_ring_desc = lim->max_ring_desc;
	m->max_mac_filters = lim->max_mac_filters;
	m->max_vlan_filters = lim->max_vlan_filters;
	m->rss_key_size = lim->rss_key_size;
	m->rss_lut_size = lim->rss_lut_size;
	m->num_msix = lim->num_msix;
	m->fw_api_major = lim->fw_api_major;
	m->fw_api_minor = lim->fw_api_minor;
	/* a VF the guest has not brought up carries no negotiated version */
	if (cfg->flags & VFMIG_AGENT_CFG_ACTIVE) {
		m->virtchnl_major = cfg->virtchnl_major;
		m->virtchnl_minor = cfg->virtchnl_minor;
		m->vf_caps = cfg->vf_caps;
	}
}

/*
 * CONFIG records of @now that differ from (or were absent in) @then: what
 * the stop-copy section sends again. A record that disappeared cannot be
 * expressed by the format and is not counted (the PF host always reports
 * every record, so it does not happen).
 */
static u32 vfdev_config_changed(const struct vfmig_dev_config *then,
				const struct vfmig_dev_config *now)
{
	u32 changed = 0, rec;

	for (rec = 0; rec < VFMIG_CFG_NUM; rec++) {
		if (!(now->present & BIT(rec)))
			continue;
		if (!(then->present & BIT(rec)) || !vfmig_dev_config_rec_equal(then, now, rec))
			changed |= BIT(rec);
	}
	return changed;
}

/* MATCH and CONFIG: the initial data. */
static int vfdev_save_open_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_save *s = &vdev->save;
	struct vfmig_pf_vf_limits lim;
	int ret;

	lockdep_assert_held(&vdev->state_mutex);
	ret = vfmig_agent_call_limits(&vdev->agent, vdev->vf, &lim, vdev->reason,
				      sizeof(vdev->reason));
	if (ret)
		return ret;
	s->cfg = vfmig_alloc(sizeof(*s->cfg));
	if (!s->cfg) {
		vfdev_reason(vdev, "no memory for the pre-copy configuration");
		return -ENOMEM;
	}
	ret = vfmig_agent_call_snapshot_config(&vdev->agent, vdev->vf, s->cfg, vdev->reason,
					       sizeof(vdev->reason));
	if (ret)
		goto err_free_cfg;
	vfdev_build_match(&s->match, &lim, s->cfg);
	vfmig_stream_writer_init(&s->w);
	vfmig_stream_put_match(&s->w, &s->match);
	vfmig_stream_put_config(&s->w, &s->cfg->config, s->cfg->config.present);
	ret = vfmig_stream_writer_error(&s->w);
	if (ret) {
		vfdev_reason(vdev, "cannot encode MATCH and CONFIG (%d)", ret);
		goto err_release_writer;
	}
	s->initial_len = vfmig_stream_writer_len(&s->w);
	s->read_pos = 0;
	s->done = false;
	s->open = true;
	return 0;

err_release_writer:
	vfmig_stream_writer_release(&s->w);
err_free_cfg:
	vfmig_free(s->cfg);
	s->cfg = NULL;
	return ret;
}

static void vfdev_save_close_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_save *s = &vdev->save;

	lockdep_assert_held(&vdev->state_mutex);
	if (!s->open)
		return;
	vfmig_stream_writer_release(&s->w);
	vfmig_free(s->cfg);
	memset(s, 0, sizeof(*s));
}

/*
 * STOPCOPY, the CONFIG records that changed since pre-copy, RUNTIME (the
 * frozen snapshot) and END. The device is frozen.
 */
static int vfdev_save_finish_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_save *s = &vdev->save;
	struct vfmig_agent_config *cur = vdev->cfg;
	struct vfmig_pf_vf_limits lim;
	struct vfmig_match m;
	u32 changed;
	int ret;

	lockdep_assert_held(&vdev->state_mutex);
	ret = vfmig_agent_call_limits(&vdev->agent, vdev->vf, &lim, vdev->reason,
				      sizeof(vdev->reason));
	if (ret)
		return ret;
	ret = vfmig_agent_call_snapshot_config(&vdev->agent, vdev->vf, cur, vdev->reason,
					       sizeof(vdev->reason));
	if (ret)
		return ret;
	vfdev_build_match(&m, &lim, cur);
	if (memcmp(&m, &s->match, sizeof(m))) {
		vfdev_reason(vdev,
			     "MATCH is stale: the guest renegotiated virtchnl (%u.%u caps %#x, was %u.%u caps %#x) during pre-copy",
			     m.virtchnl_major, m.virtchnl_minor, m.vf_caps,
			     s->match.virtchnl_major, s->match.virtchnl_minor,
			     s->match.vf_caps);
		return -ESTALE;
	}
	changed = vfdev_config_changed(&s->cfg->config, &cur->config);
	vfmig_stream_put_stopcopy(&s->w);
	vfmig_stream_put_config(&s->w, &cur->config, changed);
	vfmig_stream_put_runtime(&s->w, &vdev->frozen->runtime);
	vfmig_stream_put_end(&s->w);
	ret = vfmig_stream_writer_error(&s->w);
	if (ret) {
		/* the stream is cut mid-way and cannot be finished any more */
		vfdev_reason(vdev, "cannot encode the stop-copy records (%d)", ret);
		vdev->state = VFMIG_MIG_ERROR;
		return ret;
	}
	s->done = true;
	return 0;
}

long vfmig_vfdev_save_read(struct vfmig_vfdev *vdev, u64 pos, void *buf,
			   size_t len, bool *eof)
{
	struct vfmig_vfdev_save *s = &vdev->save;
	size_t produced, n = 0;
	long ret;

	vfmig_mutex_lock(&vdev->state_mutex);
	if (!s->open) {
		ret = -ENODEV;
		goto out_unlock;
	}
	produced = vfmig_stream_writer_len(&s->w);
	if (pos < produced) {
		n = min_t(size_t, len, produced - (size_t)pos);
		n = min_t(size_t, n, (size_t)S32_MAX);
		memcpy(buf, vfmig_stream_writer_data(&s->w) + pos, n);
		s->read_pos = max_t(u64, s->read_pos, pos + n);
	}
	if (eof)
		*eof = s->done && pos + n >= produced;
	ret = (long)n;
out_unlock:
	vfmig_mutex_unlock(&vdev->state_mutex);
	return ret;
}

long vfmig_vfdev_save_pending(struct vfmig_vfdev *vdev, u64 pos, bool *eof)
{
	struct vfmig_vfdev_save *s = &vdev->save;
	u64 produced;
	long ret;

	vfmig_mutex_lock(&vdev->state_mutex);
	if (!s->open) {
		ret = -ENODEV;
		goto out_unlock;
	}
	produced = vfmig_stream_writer_len(&s->w);
	ret = pos < produced ? (long)min_t(u64, produced - pos, S32_MAX) : 0;
	*eof = s->done && pos >= produced;
out_unlock:
	vfmig_mutex_unlock(&vdev->state_mutex);
	return ret;
}

int vfmig_vfdev_precopy_info(struct vfmig_vfdev *vdev, u64 *initial_bytes,
			     u64 *dirty_bytes)
{
	struct vfmig_vfdev_save *s = &vdev->save;
	u32 changed;
	int ret = 0;

	vfmig_mutex_lock(&vdev->state_mutex);
	if ((vdev->state != VFMIG_MIG_PRE_COPY &&
	     vdev->state != VFMIG_MIG_PRE_COPY_P2P) || !s->open) {
		vfdev_reason(vdev, "pre-copy info asked in %s",
			     vfmig_fsm_state_name(vdev->state));
		ret = -EINVAL;
		goto out_unlock;
	}
	ret = vfmig_agent_call_snapshot_config(&vdev->agent, vdev->vf, vdev->cfg, vdev->reason,
					       sizeof(vdev->reason));
	if (ret)
		goto out_unlock;
	changed = vfdev_config_changed(&s->cfg->config, &vdev->cfg->config);
	*initial_bytes = s->read_pos < s->initial_len ?
			 s->initial_len - s->read_pos : 0;
	*dirty_bytes = vfmig_stream_config_size(&vdev->cfg->config, changed);
out_unlock:
	vfmig_mutex_unlock(&vdev->state_mutex);
	return ret;
}

int vfmig_vfdev_data_size(struct vfmig_vfdev *vdev, u64 *stop_copy_length)
{
	struct vfmig_vfdev_save *s = &vdev->save;
	struct vfmig_agent_config *cur = vdev->cfg;
	struct vfmig_dev_image *peek = NULL;
	const struct vfmig_dev_runtime *rt;
	u64 total = 0, produced;
	u32 changed = 0;
	int ret;

	vfmig_mutex_lock(&vdev->state_mutex);
	if (s->open) {
		produced = vfmig_stream_writer_len(&s->w);
		total = produced - min_t(u64, s->read_pos, produced);
		if (s->done) {
			ret = 0;
			goto out_done;
		}
	}
	ret = vfmig_agent_call_snapshot_config(&vdev->agent, vdev->vf, cur, vdev->reason,
					       sizeof(vdev->reason));
	if (ret)
		goto out_unlock;
	if (vdev->frozen) {
		rt = &vdev->frozen->runtime;
	} else {
		peek = vfmig_dev_image_alloc();
		if (IS_ERR(peek)) {
			ret = PTR_ERR(peek);
			peek = NULL;
			goto out_unlock;
		}
		ret = vfmig_agent_call_snapshot_runtime(&vdev->agent, vdev->vf,
							VFMIG_AGENT_SNAP_PEEK,
							peek, vdev->reason, sizeof(vdev->reason));
		if (ret)
			goto out_free_peek;
		rt = &peek->runtime;
	}
	if (s->open)
		changed = vfdev_config_changed(&s->cfg->config, &cur->config);
	else
		total += vfmig_stream_match_size() +
			 vfmig_stream_config_size(&cur->config, cur->config.present);
	total += vfmig_stream_stopcopy_size() +
		 vfmig_stream_config_size(&cur->config, changed) +
		 vfmig_stream_runtime_size(rt) + vfmig_stream_end_size();
out_done:
	*stop_copy_length = total;
out_free_peek:
	vfmig_dev_image_free(peek);
out_unlock:
	vfmig_mutex_unlock(&vdev->state_mutex);
	return ret;
}

/* ---- Resume stream --------------------------------------------------------- */

/*
 * Compatibility of the incoming stream with this VF, decided on MATCH alone
 * while the source still runs (hisi_acc's check of its match data does the
 * same): the guest sized its rings, filter tables, RSS tables and vectors
 * by what the source PF granted; a destination granting less cannot host
 * it.
 */
static int vfdev_match_cb(void *ctx, const struct vfmig_match *m,
			  char *reason, size_t reason_len)
{
	struct vfmig_vfdev *vdev = ctx;
	const struct vfmig_pf_vf_limits *lim = &vdev->resume.lim;

	lockdep_assert_held(&vdev->state_mutex);
	if (m->vendor_id != lim->vendor_id || m->device_id != lim->device_id) {
		snprintf(reason, reason_len,
			 "stream is from device %04x:%04x, this VF is %04x:%04x",
			 m->vendor_id, m->device_id, lim->vendor_id, lim->device_id);
		return -ENODEV;
	}
	if (m->num_queue_pairs > lim->num_queue_pairs) {
		snprintf(reason, reason_len, "needs %u queue pairs, this VF has %u",
			 m->num_queue_pairs, lim->num_queue_pairs);
		return -ERANGE;
	}
	if (m->max_ring_desc > lim->max_ring_desc) {
		snprintf(reason, reason_len,
			 "needs %u-descriptor rings, this VF allows %u",
			 m->max_ring_desc, lim->max_ring_desc);
		return -ERANGE;
	}
	if (m->max_mac_filters > lim->max_mac_filters ||
	    m->max_vlan_filters > lim->max_vlan_filters) {
		snprintf(reason, reason_len,
			 "needs %u/%u MAC/VLAN filters, this VF holds %u/%u",
			 m->max_mac_filters, m->max_vlan_filters,
			 lim->max_mac_filters, lim->max_vlan_filters);
		return -ERANGE;
	}
	if (m->num_msix > lim->num_msix) {
		snprintf(reason, reason_len, "needs %u MSI-X vectors, this VF has %u",
			 m->num_msix, lim->num_msix);
		return -ERANGE;
	}
	if (m->rss_key_size != lim->rss_key_size ||
	    m->rss_lut_size != lim->rss_lut_size) {
		snprintf(reason, reason_len,
			 "RSS key/LUT of %u/%u on the source, %u/%u here: guest tables differ",
			 m->rss_key_size, m->rss_lut_size, lim->rss_key_size,
			 lim->rss_lut_size);
		return -ERANGE;
	}
	vdev->resume.match_ok = true;
	return 0;
}

static int vfdev_resume_open_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_resume *r = &vdev->resume;
	int ret;

	lockdep_assert_held(&vdev->state_mutex);
	ret = vfmig_agent_call_limits(&vdev->agent, vdev->vf, &r->lim, vdev->reason,
				      sizeof(vdev->reason));
	if (ret)
		return ret;
	/*
	 * What a failed or abandoned resume puts back: the PF host's state for
	 * the VF before any of the stream reached it (its administrative MAC,
	 * VLAN and trust survive a VF reset, so they must not be the source's
	 * after a migration that did not happen).
	 */
	ret = vfmig_agent_call_snapshot_config(&vdev->agent, vdev->vf, vdev->undo,
					       vdev->reason, sizeof(vdev->reason));
	if (ret)
		return ret;
	r->p = vfmig_stream_parser_new(vfdev_match_cb, vdev);
	if (IS_ERR(r->p)) {
		ret = PTR_ERR(r->p);
		r->p = NULL;
		vfdev_reason(vdev, "no memory for the stream parser");
		return ret;
	}
	/* whatever the VF held (staged messages) belongs to the state replaced */
	ret = vfmig_agent_call_reset(&vdev->agent, vdev->vf, VFMIG_AGENT_RESET_KEEP_HOLD,
				     vdev->reason, sizeof(vdev->reason));
	if (ret)
		goto err_free_parser;
	vfmig_dev_image_free(vdev->frozen);
	vdev->frozen = NULL;
	r->applied = 0;
	r->match_ok = false;
	r->err = 0;
	vfmig_mediate_invalidate(vdev);
	return 0;

err_free_parser:
	vfmig_stream_parser_free(r->p);
	r->p = NULL;
	return ret;
}

/*
 * Ends the resume stream. Unless the stream was restored (RESUMING -> STOP
 * succeeded), whatever of it reached the PF host is undone: a destination
 * that did not become the VM's device keeps its own configuration.
 */
static void vfdev_resume_close_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_resume *r = &vdev->resume;
	char reason[VFMIG_AGENT_REASON_LEN];

	lockdep_assert_held(&vdev->state_mutex);
	if (r->undo_needed &&
	    vfmig_agent_call_pre_apply(&vdev->agent, vdev->vf, vdev->undo, reason,
				       sizeof(reason)))
		vfmig_warn("vfmig VF %u: could not restore its configuration after a failed resume: %s\n",
			   vdev->vf, reason);
	vfmig_stream_parser_free(r->p);
	memset(r, 0, sizeof(*r));
}

/* The agent's view of the stream's configuration: records @present. */
static void vfdev_cfg_from_image(struct vfmig_agent_config *cfg,
				 const struct vfmig_dev_image *img, u32 present)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->config = img->config;
	cfg->config.present = present;
	cfg->virtchnl_major = img->match.virtchnl_major;
	cfg->virtchnl_minor = img->match.virtchnl_minor;
	cfg->vf_caps = img->match.vf_caps;
	if (img->match.virtchnl_major)
		cfg->flags = VFMIG_AGENT_CFG_ACTIVE;
}

/*
 * Pre-copy CONFIG records that arrived are applied at once (all records of
 * the section so far, so the result never depends on how the writes were
 * split), unless STOPCOPY came with them: restore applies those.
 */
static int vfdev_resume_pre_apply_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_resume *r = &vdev->resume;
	const struct vfmig_dev_image *img = vfmig_stream_parser_image(r->p);
	int ret;

	lockdep_assert_held(&vdev->state_mutex);
	if (!r->match_ok || vfmig_stream_parser_in_stopcopy(r->p) ||
	    !(img->config_precopy & ~r->applied))
		return 0;
	vfdev_cfg_from_image(vdev->cfg, img, img->config_precopy);
	r->undo_needed = true;
	ret = vfmig_agent_call_pre_apply(&vdev->agent, vdev->vf, vdev->cfg, vdev->reason,
					 sizeof(vdev->reason));
	if (ret)
		return ret;
	r->applied = img->config_precopy;
	return 0;
}

long vfmig_vfdev_resume_write(struct vfmig_vfdev *vdev, const void *buf,
			      size_t len)
{
	struct vfmig_vfdev_resume *r = &vdev->resume;
	long ret;

	vfmig_mutex_lock(&vdev->state_mutex);
	if (vdev->state != VFMIG_MIG_RESUMING || !r->p) {
		vfdev_reason(vdev, "resume data written in %s",
			     vfmig_fsm_state_name(vdev->state));
		ret = -ENODEV;
		goto out_unlock;
	}
	ret = r->err;
	if (ret) {
		vfdev_reason(vdev, "%s", r->err_reason);
		goto out_unlock;
	}
	ret = vfmig_stream_parser_write(r->p, buf, len);
	if (ret) {
		vfdev_reason(vdev, "%s", vfmig_stream_parser_reason(r->p));
		goto out_latch;
	}
	ret = vfdev_resume_pre_apply_locked(vdev);
	if (ret)
		goto out_latch;
	ret = (long)len;
	goto out_unlock;

out_latch:
	r->err = (int)ret;
	snprintf(r->err_reason, sizeof(r->err_reason), "%s", vdev->reason);
out_unlock:
	vfmig_mutex_unlock(&vdev->state_mutex);
	return ret;
}

bool vfmig_vfdev_precopy_config_applied(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_resume *r = &vdev->resume;
	bool applied = false;

	vfmig_mutex_lock(&vdev->state_mutex);
	if (vdev->state == VFMIG_MIG_RESUMING && r->p && r->match_ok && !r->err)
		applied = !(vfmig_stream_parser_image(r->p)->config_precopy &
			    ~r->applied);
	vfmig_mutex_unlock(&vdev->state_mutex);
	return applied;
}

/*
 * Interrupts the source held while it stopped are not in the stream. Hold
 * one on vector 0 and on every vector of the restored IRQ map, delivered on
 * the arc to RUNNING: a spurious interrupt costs an AVF driver one poll, a
 * lost one can stall a queue.
 */
static void vfdev_irq_replay_locked(struct vfmig_vfdev *vdev,
				    const struct vfmig_dev_image *img)
{
	const struct vfmig_dev_config *cfg = &img->config;
	u16 i, v;

	lockdep_assert_held(&vdev->state_mutex);
	vfmig_mutex_lock(&vdev->irq_lock);
	vdev->irq_held = true;
	vdev->irq_pending[0] |= BIT(0);
	if (cfg->present & BIT(VFMIG_CFG_IRQ_MAP)) {
		for (i = 0; i < cfg->num_irq_maps && i < ARRAY_SIZE(cfg->irq_maps); i++) {
			v = cfg->irq_maps[i].vector_id;
			if (v < VFMIG_MAX_MSIX)
				vdev->irq_pending[v / 32] |= BIT(v % 32);
		}
	}
	vfmig_mutex_unlock(&vdev->irq_lock);
}

/* The whole stream is in: check it, then have the agent check and apply it. */
static int vfdev_resume_finish_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_vfdev_resume *r = &vdev->resume;
	const struct vfmig_dev_image *img;
	u32 mask;
	int ret;

	lockdep_assert_held(&vdev->state_mutex);
	ret = r->err;
	if (ret) {
		vfdev_reason(vdev, "%s", r->err_reason);
	} else {
		ret = vfmig_stream_parser_finish(r->p);
		if (ret)
			vfdev_reason(vdev, "%s", vfmig_stream_parser_reason(r->p));
	}
	if (ret)
		goto err_state_error;
	img = vfmig_stream_parser_image(r->p);
	mask = img->config_stopcopy | (img->config_precopy & ~r->applied);
	vfdev_cfg_from_image(vdev->cfg, img,
			     img->config_precopy | img->config_stopcopy);
	r->undo_needed = true;
	ret = vfmig_agent_call_restore(&vdev->agent, vdev->vf, mask, vdev->cfg,
				       &img->runtime, vdev->reason, sizeof(vdev->reason));
	if (ret)
		goto err_state_error;
	vfdev_irq_replay_locked(vdev, img);
	r->undo_needed = false;
	vfdev_resume_close_locked(vdev);
	/* restored: queues programmed but off, mailbox held */
	vdev->quiesced = true;
	vfmig_mediate_invalidate(vdev);
	return 0;

err_state_error:
	vfdev_resume_close_locked(vdev);
	vdev->state = VFMIG_MIG_ERROR;
	return ret;
}

/* ---- Arcs -------------------------------------------------------------------- */

static int vfdev_step_state_locked(struct vfmig_vfdev *vdev,
				   enum vfmig_mig_state new)
{
	enum vfmig_mig_state cur = vdev->state;
	int ret;

	lockdep_assert_held(&vdev->state_mutex);

	/*
	 * RUNNING -> RUNNING_P2P, PRE_COPY -> PRE_COPY_P2P: the device must stop
	 * issuing DMA before the arc completes. The PF host answers every
	 * mailbox request already posted and takes no new one; RX then TX
	 * queues are disabled with a bounded QENA handshake; interrupts are
	 * held. On failure (a queue does not stop in time) the device must be
	 * left running as before and the state does not change.
	 */
	if ((cur == VFMIG_MIG_RUNNING && new == VFMIG_MIG_RUNNING_P2P) ||
	    (cur == VFMIG_MIG_PRE_COPY && new == VFMIG_MIG_PRE_COPY_P2P))
		return vfdev_quiesce_locked(vdev);

	/*
	 * RUNNING_P2P -> RUNNING, PRE_COPY_P2P -> PRE_COPY: the device resumes
	 * where it stopped: queues disabled by the quiesce are enabled, TX then
	 * RX, with their contexts untouched (same heads, no descriptor lost or
	 * replayed); PF->VF messages taken by a snapshot are given back; the
	 * mailbox is released; held interrupts are delivered.
	 */
	if ((cur == VFMIG_MIG_RUNNING_P2P && new == VFMIG_MIG_RUNNING) ||
	    (cur == VFMIG_MIG_PRE_COPY_P2P && new == VFMIG_MIG_PRE_COPY)) {
		ret = vfmig_agent_call_resume(&vdev->agent, vdev->vf, VFMIG_AGENT_RESUME_ALL,
					      vdev->timeout_us, vdev->reason, sizeof(vdev->reason));
		if (ret) {
			vdev->state = VFMIG_MIG_ERROR;
			return ret;
		}
		vdev->quiesced = false;
		vfdev_irq_release(vdev);
		return 0;
	}

	/*
	 * RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P: open the save stream
	 * and produce the initial data, MATCH and CONFIG, without disturbing
	 * the device. Reads return it; precopy_info counts it down.
	 */
	if ((cur == VFMIG_MIG_RUNNING && new == VFMIG_MIG_PRE_COPY) ||
	    (cur == VFMIG_MIG_RUNNING_P2P && new == VFMIG_MIG_PRE_COPY_P2P))
		return vfdev_save_open_locked(vdev);

	/*
	 * PRE_COPY -> RUNNING, PRE_COPY_P2P -> RUNNING_P2P: the migration is
	 * abandoned; the save stream is released. The device is not touched.
	 */
	if ((cur == VFMIG_MIG_PRE_COPY && new == VFMIG_MIG_RUNNING) ||
	    (cur == VFMIG_MIG_PRE_COPY_P2P && new == VFMIG_MIG_RUNNING_P2P)) {
		vfdev_save_close_locked(vdev);
		return 0;
	}

	/*
	 * RUNNING_P2P -> STOP: the device must not change its state any more.
	 * If queues run (RUNNING_P2P reached from STOP) they are quiesced
	 * again; the register shadow, queue heads and tails, pending PF->VF
	 * messages and counters are frozen into a snapshot; every DMA hold
	 * ends (the tracker keeps a final mark) and trapped BAR0 writes are
	 * dropped from now on.
	 */
	if (cur == VFMIG_MIG_RUNNING_P2P && new == VFMIG_MIG_STOP)
		return vfdev_freeze_locked(vdev);

	/*
	 * STOP -> STOP_COPY, PRE_COPY_P2P -> STOP_COPY: complete the stream:
	 * STOPCOPY, the CONFIG records that changed since pre-copy (all of
	 * them when there was no pre-copy, in the pre-copy section), the
	 * frozen RUNTIME records, END. Reads return it to its end.
	 */
	if ((cur == VFMIG_MIG_STOP || cur == VFMIG_MIG_PRE_COPY_P2P) &&
	    new == VFMIG_MIG_STOP_COPY) {
		if (!vdev->frozen) {
			ret = vfdev_freeze_locked(vdev);
			if (ret)
				return ret;
		}
		if (!vdev->save.open) {
			ret = vfdev_save_open_locked(vdev);
			if (ret)
				return ret;
		}
		return vfdev_save_finish_locked(vdev);
	}

	/* STOP_COPY -> STOP: the save stream is released; the device stays frozen. */
	if (cur == VFMIG_MIG_STOP_COPY && new == VFMIG_MIG_STOP) {
		vfdev_save_close_locked(vdev);
		return 0;
	}

	/*
	 * STOP -> RESUMING: open the resume stream. The device's current state
	 * is to be replaced: what the agent staged for it is dropped (the
	 * mailbox stays held).
	 */
	if (cur == VFMIG_MIG_STOP && new == VFMIG_MIG_RESUMING)
		return vfdev_resume_open_locked(vdev);

	/*
	 * RESUMING -> STOP: the stream must be complete and valid, and its
	 * state must fit this VF: both are checked in full before anything is
	 * applied. Then the agent applies the configuration and the runtime
	 * state; queues stay off. Invalid data fails the arc with the device
	 * untouched and in ERROR (uAPI), the resume data freed.
	 */
	if (cur == VFMIG_MIG_RESUMING && new == VFMIG_MIG_STOP)
		return vfdev_resume_finish_locked(vdev);

	/*
	 * STOP -> RUNNING_P2P: TX then RX queues are enabled from the saved
	 * (destination) or frozen (source) heads; tracking resumes; interrupts
	 * stay held and the mailbox stays held until RUNNING. A failure leaves
	 * no valid state: ERROR.
	 */
	if (cur == VFMIG_MIG_STOP && new == VFMIG_MIG_RUNNING_P2P) {
		vfdev_irq_hold(vdev);
		vfmig_mediate_device_running(vdev);
		ret = vfmig_agent_call_resume(&vdev->agent, vdev->vf, VFMIG_AGENT_RESUME_QUEUES,
					      vdev->timeout_us, vdev->reason, sizeof(vdev->reason));
		if (ret) {
			vdev->state = VFMIG_MIG_ERROR;
			return ret;
		}
		vfmig_dev_image_free(vdev->frozen);
		vdev->frozen = NULL;
		vdev->quiesced = false;
		return 0;
	}

	/* vfmig_fsm_next_state() uses no other arc */
	WARN_ON(true);
	return -EINVAL;
}

int vfmig_vfdev_set_state(struct vfmig_vfdev *vdev, enum vfmig_mig_state target)
{
	enum vfmig_mig_state next, from;
	int ret = 0;

	vfmig_mutex_lock(&vdev->state_mutex);
	vdev->reason[0] = '\0';
	if (vdev->state == VFMIG_MIG_ERROR) {
		vfdev_reason(vdev, "device in ERROR: only a reset leaves it");
		ret = -EINVAL;
	}
	while (!ret && vdev->state != target) {
		from = vdev->state;
		ret = vfmig_fsm_next_state(VFMIG_VFDEV_MIG_FLAGS, from, target, &next);
		if (ret) {
			vfdev_reason(vdev, "no way from %s to %s",
				     vfmig_fsm_state_name(from),
				     vfmig_fsm_state_name(target));
			break;
		}
		ret = vfdev_step_state_locked(vdev, next);
		if (ret) {
			if (!vdev->reason[0])
				vfdev_reason(vdev, "%s -> %s failed (%d)",
					     vfmig_fsm_state_name(from),
					     vfmig_fsm_state_name(next), ret);
			break;
		}
		vdev->state = next;
	}
	vfmig_mutex_unlock(&vdev->state_mutex);
	return ret;
}

void vfmig_vfdev_reset(struct vfmig_vfdev *vdev)
{
	vfmig_mutex_lock(&vdev->state_mutex);
	vfdev_save_close_locked(vdev);
	vfdev_resume_close_locked(vdev);
	vfmig_dev_image_free(vdev->frozen);
	vdev->frozen = NULL;
	if (vfmig_agent_call_reset(&vdev->agent, vdev->vf, 0, vdev->reason, sizeof(vdev->reason)))
		vfmig_warn("vfmig VF %u: agent reset: %s\n", vdev->vf, vdev->reason);
	vfmig_mediate_reset(vdev);
	vfdev_irq_drop(vdev);
	vdev->quiesced = false;
	vdev->state = VFMIG_MIG_RUNNING;
	vdev->reason[0] = '\0';
	vfmig_mutex_unlock(&vdev->state_mutex);
}
