// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration engine: source and destination halves (mig.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "mig.h"

#define DEV_CHUNK	65536u
#define PAGE_REC	(8 + LAB_PAGE_SIZE)

const char *lab_mig_outcome_name(enum lab_mig_outcome o)
{
	switch (o) {
	case LAB_MIG_IDLE: return "idle";
	case LAB_MIG_ACTIVE: return "active";
	case LAB_MIG_DONE: return "migrated";
	case LAB_MIG_CANCELLED: return "cancelled";
	case LAB_MIG_REFUSED: return "refused";
	case LAB_MIG_FAILED: return "failed";
	}
	return "?";
}

static u64 hnow(const struct lab_mig_hooks *h, u64 fallback)
{
	return h->now ? h->now(h->ctx) : fallback;
}

/* One arc, its host CPU time and the virtual time the model took. */
static int timed_arc(struct vfmig_vfio_dev *dev, const struct lab_mig_hooks *h,
		     enum vfmig_mig_state next, struct lab_phase *ph)
{
	u64 w0 = lab_wall_ns(), v0 = hnow(h, 0);
	int ret = dev->ops->set_state(dev, next);

	if (ph) {
		ph->wall_ns += lab_wall_ns() - w0;
		ph->virt_ns += hnow(h, 0) - v0;
	}
	return ret;
}

static void dev_reason(struct vfmig_vfio_dev *dev, int ret, char *buf, size_t len)
{
	dev->ops->reason(dev, buf, len);
	if (!buf[0])
		snprintf(buf, len, "%s", strerror(ret < 0 ? -ret : ret));
}

/* Everything the save stream has now: appended to *buf (grown). */
static int read_dev(struct vfmig_vfio_dev *dev, u8 **buf, u64 *len, u64 *cap,
		    bool *eof)
{
	long n;

	*eof = false;
	for (;;) {
		if (*cap - *len < DEV_CHUNK) {
			*cap = *cap ? *cap * 2 : 4 * DEV_CHUNK;
			*buf = lab_realloc(*buf, *cap);
		}
		n = dev->ops->save_read(dev, *buf + *len, DEV_CHUNK, eof);
		if (n < 0)
			return (int)n;
		if (!n)
			return 0;
		*len += (u64)n;
	}
}

static void send_dev(struct lab_link *l, u64 now, u64 section, const u8 *b,
		     u64 len)
{
	u64 off;

	for (off = 0; off < len; off += DEV_CHUNK) {
		u32 n = (u32)min_t(u64, DEV_CHUNK, len - off);

		lab_link_send(l, now, LAB_MIG_DEV, section, b + off, n);
	}
}

/* ========================================================================
 * Source
 * ======================================================================== */

void lab_mig_src_init(struct lab_mig_src *s, const struct lab_mig_params *p,
		      const struct lab_mig_hooks *h, struct vfmig_vfio_dev *dev,
		      struct lab_ram *ram, struct lab_link *out,
		      struct lab_link *in)
{
	memset(s, 0, sizeof(*s));
	s->p = *p;
	if (!s->p.pages_per_msg)
		s->p.pages_per_msg = 16;
	s->h = *h;
	s->dev = dev;
	s->ram = ram;
	s->out = out;
	s->in = in;
	s->npages = ram->npages;
	s->set = lab_zalloc(LAB_BM_WORDS(s->npages) * sizeof(u64));
	s->scratch = lab_zalloc(LAB_BM_WORDS(s->npages) * sizeof(u64));
	s->state = SRC_IDLE;
	s->outcome = LAB_MIG_IDLE;
}

void lab_mig_src_free(struct lab_mig_src *s)
{
	free(s->set);
	free(s->scratch);
	free(s->stop_data);
	s->set = s->scratch = NULL;
	s->stop_data = NULL;
}

static void src_end(struct lab_mig_src *s, enum lab_mig_outcome o)
{
	s->outcome = o;
	s->state = SRC_END;
	s->t_end = hnow(&s->h, 0);
	free(s->stop_data);
	s->stop_data = NULL;
}

/*
 * Abort: tell the destination, walk the source device back to RUNNING, stop
 * tracking, let the vCPU run again. @o says why (the error is kept).
 */
static void src_cancel(struct lab_mig_src *s, u64 now, enum lab_mig_outcome o,
		       const char *fmt, ...) __printf(4, 5);
static void src_cancel(struct lab_mig_src *s, u64 now, enum lab_mig_outcome o,
		       const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	lab_link_send(s->out, now, LAB_MIG_CANCEL, 0, NULL, 0);
	ret = vfmig_vfio_walk(s->dev, VFMIG_MIG_RUNNING, NULL);
	if (ret) {
		char r[200];
		size_t l = strlen(s->error);

		dev_reason(s->dev, ret, r, sizeof(r));
		snprintf(s->error + l, sizeof(s->error) - l,
			 "; and the source device did not return to RUNNING: %s", r);
		o = LAB_MIG_FAILED;
	}
	if (s->logging) {
		s->dev->ops->log_stop(s->dev);
		s->logging = false;
	}
	if (s->wp) {
		lab_ram_wp_stop(s->ram, s->scratch);
		s->wp = false;
	}
	if (s->vcpu_stopped) {
		s->vcpu_stopped = false;
		if (s->h.vcpu_resume)
			s->h.vcpu_resume(s->h.ctx);
	}
	src_end(s, o);
}

/*
 * --cancel-at: the migration stays in the state for cancel_hold_ns (the
 * world runs on: a stopped vCPU stays stopped, a quiesced device drops what
 * arrives), then the abort comes, as it would from a management layer.
 */
static void src_hold_cancel(struct lab_mig_src *s, u64 now)
{
	snprintf(s->error, sizeof(s->error), "cancelled in %s (--cancel-at)",
		 vfmig_fsm_state_name(vfmig_vfio_state(s->dev)));
	s->cancel_deadline = now + s->p.cancel_hold_ns;
	s->state = SRC_CANCEL_HOLD;
}

static void src_send_pages(struct lab_mig_src *s, u64 now)
{
	u32 ppm = s->p.pages_per_msg;

	while (s->cursor < s->npages &&
	       lab_link_free_by(s->out, now, s->p.step_ns)) {
		struct lab_msg *m = lab_link_alloc(LAB_MIG_PAGES, 0, ppm * PAGE_REC);
		u8 *d = m->data;
		u32 n = 0;

		while (n < ppm) {
			u64 pfn = lab_bnext(s->set, s->npages, s->cursor);

			if (pfn >= s->npages) {
				s->cursor = s->npages;
				break;
			}
			vfmig_put_le64(d, pfn);
			memcpy(d + 8, s->ram->dev + (pfn << LAB_PAGE_SHIFT),
			       LAB_PAGE_SIZE);
			d += PAGE_REC;
			s->cursor = pfn + 1;
			n++;
			if (s->h.page_sent)
				s->h.page_sent(s->h.ctx, pfn);
		}
		if (!n) {
			free(m);
			break;
		}
		m->arg = n;
		m->len = n * PAGE_REC;
		lab_link_queue(s->out, now, m);
		s->pages_sent += n;
		s->ram_bytes += (u64)n * LAB_PAGE_SIZE;
		s->round[min_t(u32, s->rounds, LAB_MIG_MAX_ROUNDS - 1)].pages_sent += n;
	}
}

/* The dirty sync: guest CPU writes plus the device tracker's report. */
static int src_sync(struct lab_mig_src *s, bool final)
{
	struct lab_mig_round *r = &s->round[min_t(u32, s->rounds, LAB_MIG_MAX_ROUNDS - 1)];
	u64 words = LAB_BM_WORDS(s->npages), i, w0 = lab_wall_ns();
	int ret;

	/*
	 * A round's sync starts a new set (the old one was sent); the final
	 * sync adds to what the last round's sync found and nobody sent yet.
	 */
	if (!final)
		memset(s->set, 0, words * sizeof(u64));
	memset(s->scratch, 0, words * sizeof(u64));
	if (final) {
		ret = lab_ram_wp_stop(s->ram, s->scratch);
		s->wp = false;
	} else {
		ret = lab_ram_wp_sync(s->ram, s->scratch);
	}
	if (ret) {
		snprintf(s->error, sizeof(s->error),
			 "guest CPU write tracking failed: %s", strerror(-ret));
		return ret;
	}
	r->cpu_dirty = lab_bweight(s->scratch, s->npages);
	for (i = 0; i < words && !s->p.drop_cpu_dirty; i++)
		s->set[i] |= s->scratch[i];
	if (final)
		s->cpu_sync.wall_ns += lab_wall_ns() - w0;
	memset(s->scratch, 0, words * sizeof(u64));
	ret = s->dev->ops->log_report(s->dev, 0, s->ram->size, LAB_PAGE_SIZE,
				      s->scratch);
	if (ret) {
		char why[200];

		dev_reason(s->dev, ret, why, sizeof(why));
		snprintf(s->error, sizeof(s->error),
			 "device dirty report failed: %s", why);
		return ret;
	}
	s->dev_reports++;
	if (s->p.drop_device_report)
		return 0;	/* negative control: as if the tracker said nothing */
	r->dev_dirty = lab_bweight(s->scratch, s->npages);
	s->dev_pages_reported += r->dev_dirty;
	if (s->h.dev_report)
		s->h.dev_report(s->h.ctx, s->scratch, s->npages);
	for (i = 0; i < words; i++)
		s->set[i] |= s->scratch[i];
	return 0;
}

void lab_mig_src_start(struct lab_mig_src *s, u64 now)
{
	struct vfmig_dirty_range range = { 0, s->ram->size };
	u8 *buf = NULL;
	u64 len = 0, cap = 0;
	bool eof;
	int ret;

	s->t_start = now;
	s->outcome = LAB_MIG_ACTIVE;
	ret = s->dev->ops->log_start(s->dev, &range, 1, LAB_PAGE_SIZE);
	if (ret) {
		char why[200];

		dev_reason(s->dev, ret, why, sizeof(why));
		snprintf(s->error, sizeof(s->error),
			 "device DMA logging could not start: %s", why);
		src_end(s, LAB_MIG_FAILED);
		return;
	}
	s->logging = true;
	ret = lab_ram_wp_start(s->ram);
	if (ret) {
		src_cancel(s, now, LAB_MIG_FAILED,
			   "guest CPU write tracking could not start: %s",
			   strerror(-ret));
		return;
	}
	s->wp = true;
	if (s->h.log_started)
		s->h.log_started(s->h.ctx);
	lab_link_send(s->out, now, LAB_MIG_SETUP, s->ram->size, NULL, 0);
	if (s->p.device_precopy) {
		ret = timed_arc(s->dev, &s->h, VFMIG_MIG_PRE_COPY, NULL);
		if (ret) {
			char why[200];

			dev_reason(s->dev, ret, why, sizeof(why));
			src_cancel(s, now, LAB_MIG_FAILED,
				   "source device refused PRE_COPY: %s", why);
			return;
		}
		s->arcs++;
		ret = read_dev(s->dev, &buf, &len, &cap, &eof);
		if (ret) {
			char why[200];

			dev_reason(s->dev, ret, why, sizeof(why));
			free(buf);
			src_cancel(s, now, LAB_MIG_FAILED,
				   "reading the initial device data failed: %s", why);
			return;
		}
		send_dev(s->out, now, 0, buf, len);
		s->dev_bytes_precopy += len;
		free(buf);
	}
	/* round 0: every page */
	memset(s->set, 0xff, LAB_BM_WORDS(s->npages) * sizeof(u64));
	s->cursor = 0;
	s->state = SRC_PRECOPY;
	src_send_pages(s, now);
}

static void src_switchover(struct lab_mig_src *s, u64 now)
{
	u32 flags = s->dev->ops->mig_flags(s->dev);
	enum vfmig_mig_state cur, next;
	u64 cap = 0, w0, v0;
	bool eof = false;
	int ret;

	s->t_vcpu_stop = now;
	s->vcpu_stopped = true;
	if (s->h.vcpu_stop)
		s->h.vcpu_stop(s->h.ctx);
	/* walk to STOP_COPY one arc at a time, as the vfio core does */
	for (;;) {
		struct lab_phase *ph;

		cur = vfmig_vfio_state(s->dev);
		if (cur == VFMIG_MIG_STOP_COPY)
			break;
		ret = vfmig_fsm_next_state(flags, cur, VFMIG_MIG_STOP_COPY, &next);
		if (ret) {
			src_cancel(s, now, LAB_MIG_FAILED,
				   "no arc from %s to STOP_COPY",
				   vfmig_fsm_state_name(cur));
			return;
		}
		ph = (next == VFMIG_MIG_RUNNING_P2P || next == VFMIG_MIG_PRE_COPY_P2P) ?
		     &s->quiesce : &s->snapshot;
		ret = timed_arc(s->dev, &s->h, next, ph);
		now = hnow(&s->h, now);
		if (ret) {
			char why[200];

			dev_reason(s->dev, ret, why, sizeof(why));
			src_cancel(s, now, LAB_MIG_FAILED, "source arc %s -> %s failed: %s",
				   vfmig_fsm_state_name(cur),
				   vfmig_fsm_state_name(next), why);
			return;
		}
		s->arcs++;
		if (s->p.cancel_at == (int)next && next != VFMIG_MIG_STOP_COPY) {
			src_hold_cancel(s, now);
			return;
		}
	}
	/* the stop-copy data, then the final sync */
	w0 = lab_wall_ns();
	v0 = hnow(&s->h, now);
	ret = read_dev(s->dev, &s->stop_data, &s->stop_len, &cap, &eof);
	if (!ret && !eof)
		ret = -EIO;
	if (ret) {
		char why[200];

		dev_reason(s->dev, ret, why, sizeof(why));
		src_cancel(s, now, LAB_MIG_FAILED, "reading the stop-copy data failed: %s",
			   why);
		return;
	}
	s->dev_bytes_stopcopy = s->stop_len;
	ret = src_sync(s, true);
	s->dev->ops->log_stop(s->dev);
	s->logging = false;
	s->snapshot.wall_ns += lab_wall_ns() - w0 - s->cpu_sync.wall_ns;
	s->snapshot.virt_ns += hnow(&s->h, now) - v0;
	now = hnow(&s->h, now);
	if (s->h.src_stopped)
		s->h.src_stopped(s->h.ctx);
	if (ret) {
		src_cancel(s, now, LAB_MIG_FAILED, "%s", s->error);
		return;
	}
	if (s->p.cancel_at == VFMIG_MIG_STOP_COPY) {
		src_hold_cancel(s, now);
		return;
	}
	s->t_send_start = now;
	s->cursor = 0;
	if (s->p.skip_final_pages)	/* negative control */
		memset(s->set, 0, LAB_BM_WORDS(s->npages) * sizeof(u64));
	s->state = SRC_SENDING;
	src_send_pages(s, now);
}

static void src_round_end(struct lab_mig_src *s, u64 now)
{
	u64 init = 0, dirty = 0, sc = 0, remaining, threshold;
	int ret;

	s->round[min_t(u32, s->rounds, LAB_MIG_MAX_ROUNDS - 1)].end_ns = now;
	if (s->p.cancel_at == VFMIG_MIG_PRE_COPY) {
		s->rounds++;
		src_hold_cancel(s, now);
		return;
	}
	ret = src_sync(s, false);
	s->rounds++;
	if (ret) {
		src_cancel(s, now, LAB_MIG_FAILED, "%s", s->error);
		return;
	}
	if (s->p.device_precopy) {
		ret = s->dev->ops->precopy_info(s->dev, &init, &dirty);
		if (!ret && init) {
			u8 *buf = NULL;
			u64 len = 0, cap = 0;
			bool eof;

			ret = read_dev(s->dev, &buf, &len, &cap, &eof);
			if (!ret) {
				send_dev(s->out, now, 0, buf, len);
				s->dev_bytes_precopy += len;
			}
			free(buf);
		}
		if (ret) {
			char why[200];

			dev_reason(s->dev, ret, why, sizeof(why));
			src_cancel(s, now, LAB_MIG_FAILED, "device pre-copy data: %s", why);
			return;
		}
	}
	ret = s->dev->ops->data_size(s->dev, &sc);
	if (ret) {
		char why[200];

		dev_reason(s->dev, ret, why, sizeof(why));
		src_cancel(s, now, LAB_MIG_FAILED, "device stop-copy size: %s", why);
		return;
	}
	remaining = lab_bweight(s->set, s->npages) * LAB_PAGE_SIZE + sc;
	s->last_remaining = remaining;
	/* QEMU: threshold = bandwidth (measured on a real link) x limit */
	s->last_rate_Bps = lab_link_rate(s->out, now);
	threshold = (u64)((unsigned __int128)s->last_rate_Bps *
			  s->p.downtime_limit_ns / 1000000000ULL);
	s->last_threshold = threshold;
	if (s->h.round_end)
		s->h.round_end(s->h.ctx, s);
	if ((remaining <= threshold || s->rounds >= s->p.max_rounds) &&
	    (s->acked || !s->p.device_precopy)) {
		src_switchover(s, now);
		return;
	}
	if (s->rounds >= s->p.max_rounds + 200) {
		src_cancel(s, now, LAB_MIG_FAILED,
			   "no switchover-ack from the destination after %u rounds",
			   s->rounds);
		return;
	}
	s->cursor = 0;
	src_send_pages(s, now);
}

static void src_poll_return(struct lab_mig_src *s, u64 now)
{
	struct lab_msg *m;

	while (s->state != SRC_END && (m = lab_link_recv(s->in, now))) {
		char reason[200];

		switch (m->type) {
		case LAB_MIG_ACK:
			s->acked = true;
			break;
		case LAB_MIG_ERROR:
			snprintf(reason, sizeof(reason), "%.*s", (int)m->len,
				 (const char *)m->data);
			if (m->arg == 2)	/* the link broke */
				src_cancel(s, now, LAB_MIG_FAILED, "%s", reason);
			else if (m->arg)	/* the destination cancelled on request */
				src_cancel(s, now, LAB_MIG_CANCELLED, "%s", reason);
			else if (s->state == SRC_PRECOPY)
				src_cancel(s, now, LAB_MIG_REFUSED,
					   "refused by the destination during pre-copy: %s",
					   reason);
			else
				src_cancel(s, now, LAB_MIG_REFUSED,
					   "refused by the destination after the stop (source resumed): %s",
					   reason);
			break;
		case LAB_MIG_RESUMED:
			if (s->state == SRC_WAIT_DEST) {
				/* release the save stream; the device stays stopped */
				s->dev->ops->set_state(s->dev, VFMIG_MIG_STOP);
				src_end(s, LAB_MIG_DONE);
			}
			break;
		default:
			break;
		}
		free(m);
	}
}

void lab_mig_src_step(struct lab_mig_src *s, u64 now)
{
	if (s->state == SRC_IDLE || s->state == SRC_END)
		return;
	src_poll_return(s, now);
	switch (s->state) {
	case SRC_PRECOPY:
		src_send_pages(s, now);
		if (s->cursor >= s->npages)
			src_round_end(s, now);
		break;
	case SRC_CANCEL_HOLD:
		if (now >= s->cancel_deadline) {
			char why[256];

			snprintf(why, sizeof(why), "%s", s->error);
			src_cancel(s, now, LAB_MIG_CANCELLED, "%s", why);
		}
		break;
	case SRC_SENDING:
		src_send_pages(s, now);
		if (s->cursor >= s->npages) {
			send_dev(s->out, now, 1, s->stop_data, s->stop_len);
			lab_link_send(s->out, now, LAB_MIG_COMPLETE, 0, NULL, 0);
			s->state = SRC_WAIT_DEST;
		}
		break;
	default:
		break;
	}
}

/* ========================================================================
 * Destination
 * ======================================================================== */

void lab_mig_dst_init(struct lab_mig_dst *d, const struct lab_mig_params *p,
		      const struct lab_mig_hooks *h, struct vfmig_vfio_dev *dev,
		      struct lab_ram *ram, struct lab_link *in,
		      struct lab_link *out)
{
	memset(d, 0, sizeof(*d));
	d->p = *p;
	d->h = *h;
	d->dev = dev;
	d->ram = ram;
	d->in = in;
	d->out = out;
	d->rng = p->seed ^ 0xd1b54a32d192ed03ULL;
	d->state = DST_IDLE;
	d->outcome = LAB_MIG_IDLE;
}

/* Give up: reset the device (never left half-configured), tell the source. */
static void dst_fail(struct lab_mig_dst *d, u64 now, enum lab_mig_outcome o,
		     bool on_request, const char *fmt, ...) __printf(5, 6);
static void dst_fail(struct lab_mig_dst *d, u64 now, enum lab_mig_outcome o,
		     bool on_request, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
	d->dev->ops->reset(d->dev);
	lab_link_send(d->out, now, LAB_MIG_ERROR, on_request, d->error,
		      (u32)strlen(d->error));
	d->outcome = o;
	d->state = DST_END;
}

static int dst_feed(struct lab_mig_dst *d, const u8 *b, u32 len)
{
	u32 off = 0, n;
	long r;

	while (off < len) {
		u64 r1 = lab_rand(&d->rng);

		/* sizes from 1 byte up: the parser must not care */
		n = 1 + (u32)((r1 >> 8) % ((r1 & 3) == 0 ? 16 : (r1 & 3) == 1 ? 256 : 4096));
		if (n > len - off)
			n = len - off;
		r = d->dev->ops->resume_write(d->dev, b + off, n);
		d->writes++;
		if (r < 0)
			return (int)r;
		if ((u32)r != n)
			return -EIO;
		off += n;
	}
	return 0;
}

static void dst_complete(struct lab_mig_dst *d, u64 now)
{
	u32 flags = d->dev->ops->mig_flags(d->dev);
	enum vfmig_mig_state cur, next;
	char why[200];
	int ret;

	/* a destination that read for long (real time) is later than @now */
	now = hnow(&d->h, now);
	d->t_complete = now;
	if (d->h.dest_loaded)
		d->h.dest_loaded(d->h.ctx);
	if (d->p.cancel_at == VFMIG_MIG_RESUMING) {
		dst_fail(d, now, LAB_MIG_CANCELLED, true,
			 "cancelled in RESUMING (--cancel-at)");
		return;
	}
	ret = timed_arc(d->dev, &d->h, VFMIG_MIG_STOP, &d->restore);
	if (ret) {
		dev_reason(d->dev, ret, why, sizeof(why));
		dst_fail(d, now, LAB_MIG_REFUSED, false, "RESUMING -> STOP: %s", why);
		return;
	}
	while ((cur = vfmig_vfio_state(d->dev)) != VFMIG_MIG_RUNNING) {
		ret = vfmig_fsm_next_state(flags, cur, VFMIG_MIG_RUNNING, &next);
		if (!ret)
			ret = timed_arc(d->dev, &d->h, next, &d->resume);
		if (ret) {
			dev_reason(d->dev, ret, why, sizeof(why));
			dst_fail(d, now, LAB_MIG_FAILED, false, "%s -> %s: %s",
				 vfmig_fsm_state_name(cur),
				 vfmig_fsm_state_name(next), why);
			return;
		}
	}
	{
		u64 w0 = lab_wall_ns();

		if (d->h.dest_running)
			d->h.dest_running(d->h.ctx);
		d->resume.wall_ns += lab_wall_ns() - w0;
	}
	now = hnow(&d->h, now);
	d->t_running = now;
	lab_link_send(d->out, now, LAB_MIG_RESUMED, 0, NULL, 0);
	d->outcome = LAB_MIG_DONE;
	d->state = DST_END;
}

void lab_mig_dst_step(struct lab_mig_dst *d, u64 now)
{
	struct lab_msg *m;
	char why[200];
	int ret;

	while (d->state != DST_END && (m = lab_link_recv(d->in, now))) {
		switch (m->type) {
		case LAB_MIG_SETUP:
			d->outcome = LAB_MIG_ACTIVE;
			if (m->arg != d->ram->size) {
				dst_fail(d, now, LAB_MIG_REFUSED, false,
					 "guest RAM is %llu bytes here, %llu at the source",
					 (unsigned long long)d->ram->size,
					 (unsigned long long)m->arg);
				break;
			}
			ret = vfmig_vfio_walk(d->dev, VFMIG_MIG_RESUMING, NULL);
			if (ret) {
				dev_reason(d->dev, ret, why, sizeof(why));
				dst_fail(d, now, LAB_MIG_REFUSED, false,
					 "destination device cannot enter RESUMING: %s", why);
				break;
			}
			d->state = DST_RESUMING;
			break;
		case LAB_MIG_PAGES: {
			const u8 *p = m->data;
			u64 i;

			for (i = 0; i < m->arg && (i + 1) * PAGE_REC <= m->len; i++, p += PAGE_REC) {
				u64 pfn = vfmig_get_le64(p);

				if (pfn < d->ram->npages) {
					memcpy(d->ram->dev + (pfn << LAB_PAGE_SHIFT), p + 8,
					       LAB_PAGE_SIZE);
					if (d->h.page_received)
						d->h.page_received(d->h.ctx, pfn, p + 8);
				}
				d->pages++;
			}
			break;
		}
		case LAB_MIG_DEV: {
			u64 w0 = lab_wall_ns();

			ret = dst_feed(d, m->data, m->len);
			d->dev_bytes += m->len;
			if (m->arg)
				d->restore.wall_ns += lab_wall_ns() - w0;
			if (ret) {
				dev_reason(d->dev, ret, why, sizeof(why));
				dst_fail(d, now, LAB_MIG_REFUSED, false, "%s", why);
				break;
			}
			if (!d->acked && !m->arg && d->dev->ops->init_data_loaded(d->dev)) {
				d->acked = true;
				lab_link_send(d->out, now, LAB_MIG_ACK, 0, NULL, 0);
			}
			break;
		}
		case LAB_MIG_COMPLETE:
			dst_complete(d, now);
			break;
		case LAB_MIG_CANCEL:
			d->dev->ops->reset(d->dev);
			if (m->len)
				snprintf(d->error, sizeof(d->error), "%.*s",
					 (int)m->len, (const char *)m->data);
			else
				snprintf(d->error, sizeof(d->error), "cancelled by the source");
			d->outcome = LAB_MIG_CANCELLED;
			d->state = DST_END;
			break;
		default:
			break;
		}
		free(m);
	}
}
