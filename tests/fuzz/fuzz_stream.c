// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the device-state stream parser.
 *
 * Input: one control byte, then the stream. The control byte chooses how the
 * stream is cut into writes (see next_chunk()), so one-byte writes and odd
 * splits are exercised on every corpus entry. Each input is parsed twice,
 * split as the control byte says and in one write, and the two results must
 * agree exactly (error, reason, image). An accepted stream is encoded again
 * by the writer from the parsed image; the writer must predict its size, the
 * parser must accept the new stream, and the two images must be equal.
 * Any disagreement aborts, which libFuzzer reports as a crash.
 *
 * Seeds: build/fuzz/seed_stream writes valid streams in this input format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vfmig/osdep.h>
#include <vfmig/devstate.h>
#include <vfmig/stream.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_stream: CHECK FAILED: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/*
 * Control byte: 0 = one write, 1 = one byte per write, 2..255 = chunks of
 * 1..(4 * ctl) bytes from a PRNG seeded with the control byte.
 */
static size_t next_chunk(u8 ctl, u32 *state, size_t left)
{
	size_t n;

	if (ctl == 0)
		return left;
	if (ctl == 1)
		return 1;
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	n = 1 + *state % (4u * ctl);
	return n < left ? n : left;
}

struct outcome {
	struct vfmig_stream_parser *p;
	int err;
};

static struct outcome parse(const u8 *s, size_t len, u8 ctl)
{
	struct outcome o = { NULL, 0 };
	u32 state = 0x9e3779b9u ^ ((u32)ctl << 8) ^ (u32)len;
	size_t off = 0, n;

	o.p = vfmig_stream_parser_new(NULL, NULL);
	if (IS_ERR(o.p))
		FAIL("parser_new: %ld", PTR_ERR(o.p));
	while (off < len) {
		n = next_chunk(ctl, &state, len - off);
		o.err = vfmig_stream_parser_write(o.p, s + off, n);
		if (o.err)
			break;
		off += n;
	}
	if (!o.err)
		o.err = vfmig_stream_parser_finish(o.p);
	return o;
}

/* What every outcome must satisfy, accepted or not. */
static void check_outcome(const struct outcome *o)
{
	const char *reason = vfmig_stream_parser_reason(o->p);

	if (o->err > 0 || o->err < -4095)
		FAIL("bad return value %d", o->err);
	if (vfmig_stream_parser_done(o->p) != !o->err)
		FAIL("done() disagrees with return value %d", o->err);
	if (vfmig_stream_parser_error(o->p) != o->err)
		FAIL("error() %d, returned %d", vfmig_stream_parser_error(o->p),
		     o->err);
	if (!o->err != !reason[0])
		FAIL("reason \"%s\" with return value %d", reason, o->err);
	/* latched */
	if (o->err && (vfmig_stream_parser_write(o->p, "x", 1) != o->err ||
		       vfmig_stream_parser_finish(o->p) != o->err))
		FAIL("error %d is not latched", o->err);
}

static void write_image(struct vfmig_stream_writer *w,
			const struct vfmig_dev_image *img)
{
	size_t want = vfmig_stream_match_size() +
		      vfmig_stream_config_size(&img->config, img->config_precopy) +
		      vfmig_stream_stopcopy_size() +
		      vfmig_stream_config_size(&img->config, img->config_stopcopy) +
		      vfmig_stream_runtime_size(&img->runtime) +
		      vfmig_stream_end_size();

	vfmig_stream_writer_init(w);
	vfmig_stream_put_match(w, &img->match);
	vfmig_stream_put_config(w, &img->config, img->config_precopy);
	vfmig_stream_put_stopcopy(w);
	vfmig_stream_put_config(w, &img->config, img->config_stopcopy);
	vfmig_stream_put_runtime(w, &img->runtime);
	vfmig_stream_put_end(w);
	if (vfmig_stream_writer_error(w))
		FAIL("writer refused an accepted image: %d",
		     vfmig_stream_writer_error(w));
	if (vfmig_stream_writer_len(w) != want)
		FAIL("writer produced %zu bytes, predicted %zu",
		     vfmig_stream_writer_len(w), want);
}

static void check_reencode(const struct vfmig_dev_image *img, u8 ctl)
{
	struct vfmig_stream_writer w;
	struct outcome again;

	write_image(&w, img);
	again = parse(vfmig_stream_writer_data(&w), vfmig_stream_writer_len(&w),
		      ctl);
	check_outcome(&again);
	if (again.err)
		FAIL("re-encoded image rejected (%d): %s", again.err,
		     vfmig_stream_parser_reason(again.p));
	if (!vfmig_dev_image_equal(img, vfmig_stream_parser_image(again.p)))
		FAIL("re-encoded image differs");
	vfmig_stream_parser_free(again.p);
	vfmig_stream_writer_release(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome split, whole;
	u8 ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	split = parse(data + 1, size - 1, ctl);
	whole = parse(data + 1, size - 1, 0);
	check_outcome(&split);
	check_outcome(&whole);

	/* any split of the stream into writes is equivalent */
	if (split.err != whole.err)
		FAIL("split (ctl %u) returned %d, one write %d", ctl, split.err,
		     whole.err);
	if (strcmp(vfmig_stream_parser_reason(split.p),
		   vfmig_stream_parser_reason(whole.p)))
		FAIL("reasons differ: \"%s\" vs \"%s\"",
		     vfmig_stream_parser_reason(split.p),
		     vfmig_stream_parser_reason(whole.p));
	if (!vfmig_dev_image_equal(vfmig_stream_parser_image(split.p),
				   vfmig_stream_parser_image(whole.p)))
		FAIL("split and whole images differ");

	if (!whole.err)
		check_reencode(vfmig_stream_parser_image(whole.p), ctl);

	vfmig_stream_parser_free(split.p);
	vfmig_stream_parser_free(whole.p);
	return 0;
}
