/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-state stream: wire constants, writer and incremental parser.
 *
 * The normative format is docs/stream-format.md; this header repeats only
 * what code needs. A stream is a sequence of little-endian TLV records
 *
 *	__le32 tag; __le32 flags; __le64 len; u8 data[len];
 *
 * MATCH first, CONFIG records (pre-copy), the STOPCOPY marker, CONFIG records
 * that changed plus RUNTIME records (stop-copy), and END with the CRC32C of
 * every byte before END's header.
 */
#ifndef VFMIG_STREAM_H
#define VFMIG_STREAM_H

#include <vfmig/osdep.h>
#include <vfmig/devstate.h>

#define VFMIG_STREAM_MAJOR		1
#define VFMIG_STREAM_MINOR		0
/* MATCH.magic: the bytes "VFMG" */
#define VFMIG_STREAM_MAGIC		0x474d4656u

/* ---- Records ----------------------------------------------------------- */

#define VFMIG_REC_HDR_LEN		16
/* flags: a destination that does not know the tag skips the record */
#define VFMIG_REC_F_OPTIONAL		BIT(0)
#define VFMIG_REC_F_ALL			VFMIG_REC_F_OPTIONAL
/* No record, known or not, may be longer than this. */
#define VFMIG_REC_MAX_LEN		65536
/*
 * Room a newer minor may add at the end of a known record; a record longer
 * than its known layout plus this is rejected from its header.
 */
#define VFMIG_REC_EXT_MAX		256

enum vfmig_stream_tag {
	/* structure */
	VFMIG_TAG_MATCH		= 0x0001,
	VFMIG_TAG_STOPCOPY	= 0x0002,
	VFMIG_TAG_END		= 0x0003,
	/* CONFIG: either section, once per section */
	VFMIG_TAG_VF_CONFIG	= 0x0101,
	VFMIG_TAG_VSI		= 0x0102,
	VFMIG_TAG_MAC_FILTERS	= 0x0103,
	VFMIG_TAG_VLAN_FILTERS	= 0x0104,
	VFMIG_TAG_PROMISC	= 0x0105,
	VFMIG_TAG_RSS_KEY	= 0x0106,
	VFMIG_TAG_RSS_LUT	= 0x0107,
	VFMIG_TAG_RSS_HENA	= 0x0108,
	VFMIG_TAG_IRQ_MAP	= 0x0109,
	/* RUNTIME: stop-copy section only */
	VFMIG_TAG_TXQ		= 0x0201,
	VFMIG_TAG_RXQ		= 0x0202,
	VFMIG_TAG_IRQ_REGS	= 0x0203,
	VFMIG_TAG_MBX_REGS	= 0x0204,
	VFMIG_TAG_MBX_MSG	= 0x0205,
	VFMIG_TAG_STATS		= 0x0206,
};

/* Payload lengths of the fixed layouts (minor 0) and entry sizes. */
#define VFMIG_MATCH_LEN			64
/*
 * The longest MATCH of any version: magic, major and minor stay at offsets
 * 0..7 of a MATCH of at most this length in every major, so a destination
 * can always tell "other major" from garbage.
 */
#define VFMIG_MATCH_MAX_LEN		4096
#define VFMIG_END_LEN			4
#define VFMIG_VF_CONFIG_LEN		20
#define VFMIG_VSI_LEN			8
#define VFMIG_PROMISC_LEN		4
#define VFMIG_RSS_HENA_LEN		8
#define VFMIG_TXQ_LEN			32
#define VFMIG_RXQ_LEN			32
#define VFMIG_MBX_REGS_LEN		40
#define VFMIG_STATS_LEN			96
#define VFMIG_COUNT_LEN			4	/* __le32 count of lists */
#define VFMIG_MAC_FILTER_ENTRY_LEN	8
#define VFMIG_VLAN_FILTER_ENTRY_LEN	2
#define VFMIG_IRQ_MAP_ENTRY_LEN		10
#define VFMIG_IRQ_REGS_HDR_LEN		12
#define VFMIG_IRQ_REGS_ENTRY_LEN	16
#define VFMIG_MBX_MSG_HDR_LEN		12

/* TXQ / RXQ flags on the wire */
#define VFMIG_TXQ_F_ENABLED		BIT(0)
#define VFMIG_TXQ_F_HEAD_WB		BIT(1)
#define VFMIG_RXQ_F_ENABLED		BIT(0)
#define VFMIG_RXQ_F_CRC_STRIP		BIT(1)

/* "MATCH", "TXQ", ...; "UNKNOWN" for a tag this build does not know. */
const char *vfmig_stream_tag_name(u32 tag);

/* ---- Writer (source) --------------------------------------------------- */

/**
 * struct vfmig_stream_writer - builds a stream in a growable buffer
 * @buf: the stream so far (@len bytes valid, @cap allocated)
 * @len: bytes written
 * @cap: bytes allocated
 * @crc: CRC32C of @buf[0..@len)
 * @err: first error; once set every put_* returns it and writes nothing
 * @state: where in the record order the writer is (private)
 *
 * The typed put_* calls enforce the record order of the format (MATCH,
 * CONFIG..., STOPCOPY, CONFIG..., RUNTIME..., END): a call out of order
 * fails with -EPROTO, a call after END with -ENOSPC.
 */
struct vfmig_stream_writer {
	u8 *buf;
	size_t len;
	size_t cap;
	u32 crc;
	int err;
	int state;
};

void vfmig_stream_writer_init(struct vfmig_stream_writer *w);
/* Frees the buffer; @w may be initialized again. */
void vfmig_stream_writer_release(struct vfmig_stream_writer *w);

/* The stream bytes so far (@w keeps ownership) and their number. */
static inline const u8 *vfmig_stream_writer_data(const struct vfmig_stream_writer *w)
{
	return w->buf;
}

static inline size_t vfmig_stream_writer_len(const struct vfmig_stream_writer *w)
{
	return w->len;
}

static inline int vfmig_stream_writer_error(const struct vfmig_stream_writer *w)
{
	return w->err;
}

/*
 * Encode @m as is (sources set m->major/minor to VFMIG_STREAM_MAJOR/MINOR).
 * Return: 0, -EPROTO when not the first record, -ENOMEM, or the latched
 * error.
 */
int vfmig_stream_put_match(struct vfmig_stream_writer *w,
			   const struct vfmig_match *m);

/*
 * One record per BIT(VFMIG_CFG_*) in @mask, in enum order. Every bit of
 * @mask must be set in cfg->present and every count must fit its array
 * (else -EINVAL). Allowed before and after STOPCOPY.
 */
int vfmig_stream_put_config(struct vfmig_stream_writer *w,
			    const struct vfmig_dev_config *cfg, u32 mask);

int vfmig_stream_put_stopcopy(struct vfmig_stream_writer *w);

/*
 * TXQ and RXQ records for every queue in rt->txq_present / rxq_present (in
 * queue order), IRQ_REGS, MBX_REGS and STATS when in rt->present, and one
 * MBX_MSG per message. Only after STOPCOPY.
 */
int vfmig_stream_put_runtime(struct vfmig_stream_writer *w,
			     const struct vfmig_dev_runtime *rt);

/* END with the CRC of everything written so far. */
int vfmig_stream_put_end(struct vfmig_stream_writer *w);

/*
 * Append one record verbatim, whatever its tag, flags and content, without
 * checking order: for OPTIONAL records of newer features, and for tests.
 */
int vfmig_stream_put_raw(struct vfmig_stream_writer *w, u32 tag, u32 flags,
			 const void *data, size_t len);

/*
 * Exact bytes (record headers included) the matching put_* call appends;
 * what a source reports as its stop-copy size. 0 when the arguments would
 * make the put_* call fail with -EINVAL.
 */
size_t vfmig_stream_match_size(void);
size_t vfmig_stream_config_size(const struct vfmig_dev_config *cfg, u32 mask);
size_t vfmig_stream_stopcopy_size(void);
size_t vfmig_stream_runtime_size(const struct vfmig_dev_runtime *rt);
size_t vfmig_stream_end_size(void);

/* ---- Parser (destination) ---------------------------------------------- */

struct vfmig_stream_parser;

/*
 * Called once, as soon as MATCH is valid, before any other record is read.
 * Return 0 to go on, or a negative errno to refuse the stream; then write a
 * one-line reason into @reason (@reason_len bytes, NUL-terminated).
 */
typedef int (*vfmig_stream_match_fn)(void *ctx, const struct vfmig_match *m,
				     char *reason, size_t reason_len);

/* A new parser (@match_cb may be NULL), or ERR_PTR(-ENOMEM). */
struct vfmig_stream_parser *vfmig_stream_parser_new(vfmig_stream_match_fn match_cb,
						    void *ctx);
void vfmig_stream_parser_free(struct vfmig_stream_parser *p);

/*
 * Feed the next @len bytes of the stream; any split of the stream into writes
 * is equivalent. Each record is validated as soon as its last byte arrives.
 * Return: 0 (all of @buf consumed) or a negative errno, see
 * docs/stream-format.md; after an error every call returns that error.
 */
int vfmig_stream_parser_write(struct vfmig_stream_parser *p, const void *buf,
			      size_t len);

/*
 * The stream has ended. Return: 0 iff END arrived with a good CRC, else the
 * latched error or -ENODATA (which is latched too).
 */
int vfmig_stream_parser_finish(struct vfmig_stream_parser *p);

/* END arrived with a good CRC and no error is latched. */
bool vfmig_stream_parser_done(const struct vfmig_stream_parser *p);

/* The latched error (0 if none). */
int vfmig_stream_parser_error(const struct vfmig_stream_parser *p);

/*
 * Why the stream was rejected, one line naming record, tag and offset;
 * "" while no error is latched.
 */
const char *vfmig_stream_parser_reason(const struct vfmig_stream_parser *p);

/* Stream bytes consumed so far. */
u64 vfmig_stream_parser_offset(const struct vfmig_stream_parser *p);

/* Whether STOPCOPY was seen (the destination stops pre-applying config). */
bool vfmig_stream_parser_in_stopcopy(const struct vfmig_stream_parser *p);

/*
 * Every record accepted so far, decoded. Complete only when _done(); after an
 * error it holds the records accepted before the failing one. Owned by @p.
 */
const struct vfmig_dev_image *vfmig_stream_parser_image(const struct vfmig_stream_parser *p);

#endif /* VFMIG_STREAM_H */
