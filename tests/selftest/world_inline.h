/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The header-only part of the self-test world (world.c): what tests/vmfix.h
 * shares with it. bench/bench_guest.c includes vmfix.h and links only
 * libvfmig, so these pieces are static inline here rather than in world.c.
 * Portable: include/vfmig only.
 *
 *   guest RAM	a model DMA access inside a VM's RAM, or -EFAULT
 *   test frames	the frame format of every traffic test
 *   DMA engines	which guest region each model DMA engine may write
 */
#ifndef VFMIG_ST_WORLD_INLINE_H
#define VFMIG_ST_WORLD_INLINE_H

#include <vfmig/osdep.h>
#include <vfmig/guest.h>
#include <vfmig/model.h>

/* ---- guest RAM ------------------------------------------------------------ */

/*
 * A model DMA access to guest RAM (IOVA == guest physical address): @len
 * bytes at @iova of the @size bytes at @ram are copied to @to (the device
 * reads) or from @from (it writes): exactly one of them is not NULL. 0, or
 * -EFAULT and one more in @refused when any byte is outside the RAM.
 */
static inline int vfmig_st_ram_copy(u8 *ram, u64 size, u64 iova, void *to,
				    const void *from, u32 len, u64 *refused)
{
	if (iova > size || len > size - iova) {
		(*refused)++;
		return -EFAULT;
	}
	if (to)
		memcpy(to, ram + iova, len);
	if (from)
		memcpy(ram + iova, from, len);
	return 0;
}

/* ---- test frames ------------------------------------------------------------ */

/*
 * A test frame: Ethernet header (ethertype 0x88B5, IEEE local experimental),
 * "VFMG", sequence number, stream id, frame length, a payload that is a
 * function of (seq, stream, offset), CRC32C of everything before it in the
 * last four bytes.
 */
#define VFMIG_ST_ETH_HLEN	14u
#define VFMIG_ST_HDR_LEN	(VFMIG_ST_ETH_HLEN + 16)
#define VFMIG_ST_FRAME_SHORTEST	(VFMIG_ST_HDR_LEN + 4)

static inline u8 vfmig_st_payload(u32 stream, u32 seq, u32 i)
{
	return (seq * 7 + stream * 13 + i * 31 + (i >> 8)) & 0xff;
}

/* Build frame @seq of @stream, @len bytes (>= VFMIG_ST_FRAME_SHORTEST). */
static inline void vfmig_st_frame_make(u8 *f, u32 len, const u8 *dst,
				       const u8 *src, u32 stream, u32 seq)
{
	u32 i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	memcpy(f + 14, "VFMG", 4);
	vfmig_put_le32(f + 18, seq);
	vfmig_put_le32(f + 22, stream);
	vfmig_put_le32(f + 26, len);
	for (i = VFMIG_ST_HDR_LEN; i < len - 4; i++)
		f[i] = vfmig_st_payload(stream, seq, i);
	vfmig_put_le32(f + len - 4, vfmig_crc32c(0, f, len - 4));
}

/*
 * True if @f is an intact test frame of exactly @len bytes (any length);
 * its stream and sequence number in @stream and @seq unless they are NULL.
 */
static inline bool vfmig_st_frame_valid(const u8 *f, u32 len, u32 *stream,
					u32 *seq)
{
	if (len < VFMIG_ST_FRAME_SHORTEST || memcmp(f + 14, "VFMG", 4) ||
	    vfmig_get_le32(f + 26) != len ||
	    vfmig_crc32c(0, f, len - 4) != vfmig_get_le32(f + len - 4))
		return false;
	if (stream)
		*stream = vfmig_get_le32(f + 22);
	if (seq)
		*seq = vfmig_get_le32(f + 18);
	return true;
}

/* ---- DMA engines ------------------------------------------------------------ */

/* The guest region kind (VFMIG_GUEST_REG_*) a DMA write by @e must land in. */
static inline u32 vfmig_st_engine_region(enum vfmig_model_engine e)
{
	switch (e) {
	case VFMIG_ENG_TX_DESC_WB:
	case VFMIG_ENG_TX_HEAD_WB:
		return VFMIG_GUEST_REG_TX_RING;
	case VFMIG_ENG_RX_DATA:
		return VFMIG_GUEST_REG_RX_BUFS;
	case VFMIG_ENG_RX_DESC_WB:
		return VFMIG_GUEST_REG_RX_RING;
	case VFMIG_ENG_ARQ_DATA:
		return VFMIG_GUEST_REG_ARQ_BUFS;
	case VFMIG_ENG_ARQ_DESC_WB:
		return VFMIG_GUEST_REG_ARQ_RING;
	case VFMIG_ENG_ATQ_DESC_WB:
		return VFMIG_GUEST_REG_ATQ_RING;
	default:
		return ~0u;
	}
}

/*
 * Is a DMA write of @len bytes at @iova by engine @e inside one of the @n
 * regions @reg that the guest driver gave the device for that kind of write?
 */
static inline bool vfmig_st_dma_allowed(const struct vfmig_guest_region *reg,
					u32 n, enum vfmig_model_engine e,
					u64 iova, u32 len)
{
	u32 want = vfmig_st_engine_region(e), i;

	for (i = 0; i < n; i++)
		if (reg[i].kind == want && reg[i].device_writes &&
		    iova >= reg[i].gpa && iova + len <= reg[i].gpa + reg[i].len)
			return true;
	return false;
}

#endif /* VFMIG_ST_WORLD_INLINE_H */
