// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small JSON reader (json.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

#define MAX_DEPTH	64
#define MAX_FILE	(256u << 20)

struct parser {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct parser *p, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errlen)
		snprintf(p->err, p->errlen, "%s at byte %zu", msg, p->pos);
}

static struct lab_json *node(struct parser *p, enum lab_json_type t)
{
	struct lab_json *j = calloc(1, sizeof(*j));

	if (!j)
		fail(p, "out of memory");
	else
		j->type = t;
	return j;
}

static void ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static bool lit(struct parser *p, const char *w)
{
	size_t n = strlen(w);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n))
		return false;
	p->pos += n;
	return true;
}

static int hex4(struct parser *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (p->len - p->pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p->s[p->pos + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	p->pos += 4;
	*out = v;
	return 0;
}

static size_t utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote. The result is malloc'ed (NULL on failure). */
static char *string(struct parser *p)
{
	size_t start = ++p->pos, n = 0;
	char *out;

	/* the decoded string is never longer than the literal */
	while (p->pos < p->len && p->s[p->pos] != '"') {
		if (p->s[p->pos] == '\\')
			p->pos++;
		p->pos++;
	}
	if (p->pos >= p->len) {
		fail(p, "unterminated string");
		return NULL;
	}
	out = malloc(p->pos - start + 1);
	if (!out) {
		fail(p, "out of memory");
		return NULL;
	}
	p->pos = start;
	while (p->s[p->pos] != '"') {
		unsigned char c = (unsigned char)p->s[p->pos++];
		unsigned cp, lo;

		if (c < 0x20) {
			fail(p, "control character in a string");
			free(out);
			return NULL;
		}
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u':
			if (hex4(p, &cp))
				goto bad_escape;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (!lit(p, "\\u") || hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff)
					goto bad_escape;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			/* \uXXXX needs 6+ literal bytes, UTF-8 at most 4 */
			n += utf8(out + n, cp);
			break;
		default:
			goto bad_escape;
		}
	}
	p->pos++;
	out[n] = 0;
	return out;

bad_escape:
	fail(p, "bad escape in a string");
	free(out);
	return NULL;
}

static struct lab_json *value(struct parser *p, int depth);

static void append(struct lab_json *parent, struct lab_json **tail,
		   struct lab_json *c)
{
	if (*tail)
		(*tail)->next = c;
	else
		parent->child = c;
	*tail = c;
	parent->n++;
}

static struct lab_json *container(struct parser *p, int depth, bool obj)
{
	struct lab_json *j = node(p, obj ? LAB_JSON_OBJECT : LAB_JSON_ARRAY);
	struct lab_json *tail = NULL;
	char close = obj ? '}' : ']';

	if (!j)
		return NULL;
	p->pos++;
	ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return j;
	}
	for (;;) {
		struct lab_json *c;
		char *key = NULL;

		ws(p);
		if (obj) {
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				fail(p, "expected a member name");
				break;
			}
			key = string(p);
			if (!key)
				break;
			ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				fail(p, "expected ':'");
				break;
			}
			p->pos++;
		}
		c = value(p, depth + 1);
		if (!c) {
			free(key);
			break;
		}
		c->key = key;
		append(j, &tail, c);
		ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return j;
		}
		fail(p, "expected ',' or '%c'", close);
		break;
	}
	lab_json_free(j);
	return NULL;
}

static struct lab_json *number(struct parser *p)
{
	size_t start = p->pos;
	char buf[64], *end;
	struct lab_json *j;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9') {
		fail(p, "unexpected character");
		return NULL;
	}
	while (p->pos < p->len && strchr("0123456789+-.eE", p->s[p->pos]))
		p->pos++;
	if (p->pos - start >= sizeof(buf)) {
		fail(p, "number too long");
		return NULL;
	}
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = 0;
	errno = 0;
	j = node(p, LAB_JSON_NUMBER);
	if (!j)
		return NULL;
	j->num = strtod(buf, &end);
	if (*end || (buf[0] == '0' && buf[1] >= '0' && buf[1] <= '9') ||
	    (buf[0] == '-' && buf[1] == '0' && buf[2] >= '0' && buf[2] <= '9')) {
		p->pos = start;
		fail(p, "malformed number '%s'", buf);
		free(j);
		return NULL;
	}
	return j;
}

static struct lab_json *value(struct parser *p, int depth)
{
	struct lab_json *j;

	ws(p);
	if (depth > MAX_DEPTH) {
		fail(p, "nested deeper than %d", MAX_DEPTH);
		return NULL;
	}
	if (p->pos >= p->len) {
		fail(p, "unexpected end of input");
		return NULL;
	}
	switch (p->s[p->pos]) {
	case '{':
		return container(p, depth, true);
	case '[':
		return container(p, depth, false);
	case '"': {
		char *s = string(p);

		if (!s)
			return NULL;
		j = node(p, LAB_JSON_STRING);
		if (!j) {
			free(s);
			return NULL;
		}
		j->str = s;
		return j;
	}
	case 't':
	case 'f':
	case 'n':
		if (lit(p, "true") || lit(p, "false")) {
			j = node(p, LAB_JSON_BOOL);
			if (j)
				j->b = p->s[p->pos - 1] == 'e' && p->s[p->pos - 2] == 'u';
			return j;
		}
		if (lit(p, "null"))
			return node(p, LAB_JSON_NULL);
		fail(p, "unexpected word");
		return NULL;
	default:
		return number(p);
	}
}

struct lab_json *lab_json_parse(const char *text, size_t len, char *err,
				size_t errlen)
{
	struct parser p = { .s = text, .len = len, .err = err, .errlen = errlen };
	struct lab_json *j;

	if (errlen)
		err[0] = 0;
	j = value(&p, 0);
	if (j) {
		ws(&p);
		if (p.pos != p.len) {
			fail(&p, "data after the value");
			lab_json_free(j);
			j = NULL;
		}
	}
	return j;
}

struct lab_json *lab_json_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, sub[200];
	size_t n = 0, cap = 0, r;
	struct lab_json *j;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			char *nb;

			if (cap >= MAX_FILE) {
				snprintf(err, errlen, "%s: larger than %u MiB", path,
					 MAX_FILE >> 20);
				goto err_close;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto err_close;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (!r)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto err_close;
	}
	fclose(f);
	j = lab_json_parse(buf, n, sub, sizeof(sub));
	if (!j)
		snprintf(err, errlen, "%s: not JSON: %s", path, sub);
	free(buf);
	return j;

err_close:
	fclose(f);
	free(buf);
	return NULL;
}

void lab_json_free(struct lab_json *j)
{
	while (j) {
		struct lab_json *n = j->next;

		lab_json_free(j->child);
		free(j->str);
		free(j->key);
		free(j);
		j = n;
	}
}

const struct lab_json *lab_json_get(const struct lab_json *j, const char *key)
{
	const struct lab_json *c;

	if (!j || j->type != LAB_JSON_OBJECT)
		return NULL;
	for (c = j->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

const struct lab_json *lab_json_at(const struct lab_json *j, size_t i)
{
	const struct lab_json *c;

	if (!j || j->type != LAB_JSON_ARRAY)
		return NULL;
	for (c = j->child; c && i; c = c->next)
		i--;
	return c;
}

const struct lab_json *lab_json_path(const struct lab_json *j, const char *path)
{
	char part[128];

	while (j && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		char *end;
		unsigned long idx;

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = 0;
		if (j->type == LAB_JSON_ARRAY) {
			idx = strtoul(part, &end, 10);
			if (!n || *end)
				return NULL;
			j = lab_json_at(j, idx);
		} else {
			j = lab_json_get(j, part);
		}
		path += n + (dot ? 1 : 0);
	}
	return j;
}

double lab_json_num(const struct lab_json *j, const char *path, double def)
{
	j = lab_json_path(j, path);
	return j && j->type == LAB_JSON_NUMBER ? j->num : def;
}

bool lab_json_bool(const struct lab_json *j, const char *path, bool def)
{
	j = lab_json_path(j, path);
	return j && j->type == LAB_JSON_BOOL ? j->b : def;
}

const char *lab_json_str(const struct lab_json *j, const char *path,
			 const char *def)
{
	j = lab_json_path(j, path);
	return j && j->type == LAB_JSON_STRING ? j->str : def;
}

void lab_json_put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void lab_json_dump(FILE *f, const struct lab_json *j)
{
	const struct lab_json *c;

	switch (j->type) {
	case LAB_JSON_NULL:
		fputs("null", f);
		break;
	case LAB_JSON_BOOL:
		fputs(j->b ? "true" : "false", f);
		break;
	case LAB_JSON_NUMBER:
		if (isfinite(j->num) && j->num == (double)(long long)j->num &&
		    fabs(j->num) < 9e15)
			fprintf(f, "%lld", (long long)j->num);
		else if (isfinite(j->num))
			fprintf(f, "%.15g", j->num);
		else
			fputs("null", f);
		break;
	case LAB_JSON_STRING:
		lab_json_put_str(f, j->str);
		break;
	case LAB_JSON_ARRAY:
	case LAB_JSON_OBJECT:
		fputc(j->type == LAB_JSON_ARRAY ? '[' : '{', f);
		for (c = j->child; c; c = c->next) {
			if (c != j->child)
				fputc(',', f);
			if (j->type == LAB_JSON_OBJECT) {
				lab_json_put_str(f, c->key);
				fputc(':', f);
			}
			lab_json_dump(f, c);
		}
		fputc(j->type == LAB_JSON_ARRAY ? ']' : '}', f);
		break;
	}
}
