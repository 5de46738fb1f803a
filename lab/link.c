// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration link (link.h).
 */
#include "link.h"

void lab_link_init(struct lab_link *l, u64 bits_per_sec, u64 latency_ns)
{
	memset(l, 0, sizeof(*l));
	l->bytes_per_sec = bits_per_sec / 8 ? bits_per_sec / 8 : 1;
	l->latency_ns = latency_ns;
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

u64 lab_link_queue(struct lab_link *l, u64 now, struct lab_msg *m)
{
	u64 start = l->busy_until_ns > now ? l->busy_until_ns : now;

	l->busy_until_ns = start + lab_link_time_ns(l, (u64)m->len + LAB_MSG_HDR);
	m->arrive_ns = l->busy_until_ns + l->latency_ns;
	m->next = NULL;
	if (l->tail)
		l->tail->next = m;
	else
		l->head = m;
	l->tail = m;
	l->bytes += (u64)m->len + LAB_MSG_HDR;
	l->msgs++;
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

struct lab_msg *lab_link_recv(struct lab_link *l, u64 now)
{
	struct lab_msg *m = l->head;

	if (!m || m->arrive_ns > now)
		return NULL;
	l->head = m->next;
	if (!l->head)
		l->tail = NULL;
	m->next = NULL;
	return m;
}

bool lab_link_free_by(const struct lab_link *l, u64 now, u64 slack)
{
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
