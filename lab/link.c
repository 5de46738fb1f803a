// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration link (link.h): virtual, or one TCP connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "link.h"

#define HDR_MAGIC	0x4c4d4656u	/* "VFML" */

void lab_link_init(struct lab_link *l, u64 bits_per_sec, u64 latency_ns)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->bytes_per_sec = bits_per_sec / 8 ? bits_per_sec / 8 : 1;
	l->latency_ns = latency_ns;
}

void lab_link_init_tcp(struct lab_link *l, int fd, u64 bits_per_sec,
		       u32 broken_type)
{
	int fl;

	lab_link_init(l, bits_per_sec, 0);
	l->fd = fd;
	l->broken_type = broken_type;
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

u64 lab_link_time_ns(const struct lab_link *l, u64 bytes)
{
	return (u64)(((unsigned __int128)bytes * 1000000000ULL +
		      l->bytes_per_sec - 1) / l->bytes_per_sec);
}

struct lab_msg *lab_link_alloc(u32 type, u64 arg, u32 len)
{
	struct lab_msg *m = lab_zalloc(sizeof(*m) + len);

	m->type = type;
	m->arg = arg;
	m->len = len;
	return m;
}

static void tcp_break(struct lab_link *l, const char *why)
{
	if (l->broken)
		return;
	l->broken = true;
	snprintf(l->why, sizeof(l->why), "migration link: %s", why);
}

static void tcp_put(struct lab_link *l, const struct lab_msg *m)
{
	size_t need = LAB_MSG_HDR + m->len;
	u8 *h;

	if (l->txoff && l->txoff == l->txlen)
		l->txoff = l->txlen = 0;
	if (l->txcap - l->txlen < need) {
		/* compact first, grow if that is not enough */
		if (l->txoff) {
			memmove(l->tx, l->tx + l->txoff, l->txlen - l->txoff);
			l->txlen -= l->txoff;
			l->txoff = 0;
		}
		if (l->txcap - l->txlen < need) {
			l->txcap = l->txlen + need + (1u << 20);
			l->tx = lab_realloc(l->tx, l->txcap);
		}
	}
	h = l->tx + l->txlen;
	vfmig_put_le32(h, m->type);
	vfmig_put_le32(h + 4, m->len);
	vfmig_put_le64(h + 8, m->arg);
	vfmig_put_le32(h + 16, HDR_MAGIC);
	vfmig_put_le32(h + 20, 0);
	memcpy(h + LAB_MSG_HDR, m->data, m->len);
	l->txlen += need;
}

u64 lab_link_queue(struct lab_link *l, u64 now, struct lab_msg *m)
{
	u64 start = l->busy_until_ns > now ? l->busy_until_ns : now;

	l->busy_until_ns = start + lab_link_time_ns(l, (u64)m->len + LAB_MSG_HDR);
	m->arrive_ns = l->busy_until_ns + l->latency_ns;
	l->bytes += (u64)m->len + LAB_MSG_HDR;
	l->msgs++;
	if (l->step_cap)
		l->step_left -= min_t(u64, l->step_left, (u64)m->len + LAB_MSG_HDR);
	if (l->fd >= 0) {
		if (!l->broken)
			tcp_put(l, m);
		free(m);
		lab_link_pump(l, now);
		return now;
	}
	m->next = NULL;
	if (l->tail)
		l->tail->next = m;
	else
		l->head = m;
	l->tail = m;
	return m->arrive_ns;
}

u64 lab_link_send(struct lab_link *l, u64 now, u32 type, u64 arg,
		  const void *data, u32 len)
{
	struct lab_msg *m = lab_link_alloc(type, arg, len);

	if (len)
		memcpy(m->data, data, len);
	return lab_link_queue(l, now, m);
}

u64 lab_link_pump(struct lab_link *l, u64 now)
{
	u64 moved = 0;
	ssize_t n;

	if (l->fd < 0 || l->broken)
		return 0;
	if (!l->meas_t0 && l->txoff < l->txlen) {
		l->meas_t0 = now;
		l->meas_sent0 = l->sent;
	}
	while (l->txoff < l->txlen) {
		n = send(l->fd, l->tx + l->txoff, l->txlen - l->txoff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				tcp_break(l, strerror(errno));
			break;
		}
		l->txoff += (size_t)n;
		l->sent += (u64)n;
		moved += (u64)n;
	}
	for (;;) {
		if (l->rxcap - l->rxlen < 65536 && l->rxoff) {
			memmove(l->rx, l->rx + l->rxoff, l->rxlen - l->rxoff);
			l->rxlen -= l->rxoff;
			l->rxoff = 0;
		}
		if (l->rxcap - l->rxlen < 65536) {
			if (l->rxlen >= 2 * (LAB_LINK_MAX_MSG + LAB_MSG_HDR))
				break;	/* parse first */
			l->rxcap = l->rxcap ? l->rxcap * 2 : 1u << 20;
			l->rx = lab_realloc(l->rx, l->rxcap);
		}
		n = recv(l->fd, l->rx + l->rxlen, l->rxcap - l->rxlen, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				tcp_break(l, strerror(errno));
			break;
		}
		if (!n) {
			tcp_break(l, "the other host closed the connection");
			break;
		}
		l->rxlen += (size_t)n;
		l->bytes_in += (u64)n;
		moved += (u64)n;
	}
	return moved;
}

size_t lab_link_tx_pending(const struct lab_link *l)
{
	return l->fd >= 0 ? l->txlen - l->txoff : 0;
}

u64 lab_link_rate(struct lab_link *l, u64 now)
{
	u64 r;

	if (l->fd < 0)
		return l->bytes_per_sec;
	if (l->meas_t0 && now > l->meas_t0 + 1000000 && l->sent > l->meas_sent0) {
		r = (u64)((unsigned __int128)(l->sent - l->meas_sent0) * 1000000000ULL /
			  (now - l->meas_t0));
		l->est_Bps = min_t(u64, r, l->bytes_per_sec);
		l->meas_t0 = now;
		l->meas_sent0 = l->sent;
	}
	return l->est_Bps ? l->est_Bps : l->bytes_per_sec;
}

static struct lab_msg *tcp_recv(struct lab_link *l, u64 now)
{
	struct lab_msg *m;
	u32 type, len;

	const u8 *h;
	size_t have;

	if (l->rxlen - l->rxoff < LAB_MSG_HDR)
		lab_link_pump(l, now);
	have = l->rxlen - l->rxoff;
	h = l->rx + l->rxoff;
	if (have >= LAB_MSG_HDR && !l->broken_told) {
		type = vfmig_get_le32(h);
		len = vfmig_get_le32(h + 4);
		if (vfmig_get_le32(h + 16) != HDR_MAGIC || len > LAB_LINK_MAX_MSG) {
			tcp_break(l, "malformed message header (is the other end a vfmig-lab host of this version?)");
		} else {
			if (have < LAB_MSG_HDR + (size_t)len) {
				lab_link_pump(l, now);
				have = l->rxlen - l->rxoff;
				h = l->rx + l->rxoff;
			}
			if (have >= LAB_MSG_HDR + (size_t)len) {
				m = lab_link_alloc(type, vfmig_get_le64(h + 8), len);
				memcpy(m->data, h + LAB_MSG_HDR, len);
				l->rxoff += LAB_MSG_HDR + len;
				if (l->rxoff == l->rxlen)
					l->rxoff = l->rxlen = 0;
				m->arrive_ns = now;
				return m;
			}
		}
	}
	if (l->broken && !l->broken_told && l->broken_type) {
		l->broken_told = true;
		m = lab_link_alloc(l->broken_type, 2, (u32)strlen(l->why));
		memcpy(m->data, l->why, m->len);
		return m;
	}
	return NULL;
}

struct lab_msg *lab_link_recv(struct lab_link *l, u64 now)
{
	struct lab_msg *m = l->head;

	if (l->fd >= 0)
		return tcp_recv(l, now);
	if (!m || m->arrive_ns > now)
		return NULL;
	l->head = m->next;
	if (!l->head)
		l->tail = NULL;
	m->next = NULL;
	return m;
}

void lab_link_step(struct lab_link *l)
{
	l->step_left = l->step_cap;
}

bool lab_link_free_by(const struct lab_link *l, u64 now, u64 slack)
{
	if (l->fd >= 0 && lab_link_tx_pending(l) >= LAB_LINK_TX_HIGH)
		return false;
	if (l->step_cap && !l->step_left)
		return false;
	return l->busy_until_ns <= now + slack;
}

void lab_link_flush(struct lab_link *l)
{
	struct lab_msg *m = l->head, *n;

	while (m) {
		n = m->next;
		free(m);
		m = n;
	}
	l->head = l->tail = NULL;
}

void lab_link_close(struct lab_link *l)
{
	lab_link_flush(l);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->tx);
	free(l->rx);
	l->tx = l->rx = NULL;
	l->txlen = l->txoff = l->txcap = l->rxlen = l->rxoff = l->rxcap = 0;
}
