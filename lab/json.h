/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small JSON reader for the netns lab's report: it reads iperf3 -J output
 * and the lab's own per-host and capture files. Strict RFC 8259 syntax,
 * bounded nesting, every failure a one-line reason with the byte offset; a
 * malformed file costs an error, never a crash.
 */
#ifndef VFMIG_LAB_JSON_H
#define VFMIG_LAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum lab_json_type {
	LAB_JSON_NULL,
	LAB_JSON_BOOL,
	LAB_JSON_NUMBER,
	LAB_JSON_STRING,
	LAB_JSON_ARRAY,
	LAB_JSON_OBJECT,
};

struct lab_json {
	enum lab_json_type type;
	bool b;
	double num;
	char *str;			/* STRING (NUL-terminated, may hold \0) */
	char *key;			/* as a member of an OBJECT */
	struct lab_json *child;		/* ARRAY, OBJECT: first element */
	struct lab_json *next;		/* sibling */
	size_t n;			/* ARRAY, OBJECT: elements */
};

/* Parse @len bytes; NULL with a reason in @err on failure. */
struct lab_json *lab_json_parse(const char *text, size_t len, char *err,
				size_t errlen);
/* Parse a whole file; NULL with "FILE: reason" in @err. */
struct lab_json *lab_json_load(const char *path, char *err, size_t errlen);
void lab_json_free(struct lab_json *j);

/* Member @key of an object (NULL if absent or @j is not an object). */
const struct lab_json *lab_json_get(const struct lab_json *j, const char *key);
/* Dotted path: "end.sum_sent.bytes", "intervals.3.sum" (array index). */
const struct lab_json *lab_json_path(const struct lab_json *j, const char *path);
/* Element @i of an array. */
const struct lab_json *lab_json_at(const struct lab_json *j, size_t i);
/* The value at @path as a number / bool / string, or @def. */
double lab_json_num(const struct lab_json *j, const char *path, double def);
bool lab_json_bool(const struct lab_json *j, const char *path, bool def);
const char *lab_json_str(const struct lab_json *j, const char *path,
			 const char *def);

/* Write @s as a JSON string literal. */
void lab_json_put_str(FILE *f, const char *s);
/* Write @j back as compact JSON (numbers with %.15g, integers plain). */
void lab_json_dump(FILE *f, const struct lab_json *j);

#endif /* VFMIG_LAB_JSON_H */
