/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * X710 admin queue descriptor, as used by the PF<->VF mailbox.
 *
 * A VF's mailbox is an admin queue pair (ATQ: VF -> PF, ARQ: PF -> VF) of
 * 32-byte descriptors in VF memory, run by the registers VF_ATQ* / VF_ARQ*
 * (<vfmig/x710_regs.h>). Every virtchnl message travels as one descriptor
 * plus an optional indirect buffer.
 *
 * Facts from drivers/net/ethernet/intel/iavf/iavf_adminq_cmd.h (descriptor,
 * flags, return codes, opcodes), iavf_adminq.h (IAVF_AQ_LARGE_BUF), iavf.h
 * (IAVF_MAX_AQ_BUF_SIZE, IAVF_AQ_LEN), iavf_common.c
 * (iavf_aq_send_msg_to_pf), iavf_adminq.c (ARQ buffer posting),
 * i40e/i40e_common.c (i40e_aq_send_msg_to_vf) and i40e/i40e_main.c (how the
 * PF reads a VF message off its own ARQ).
 */
#ifndef VFMIG_X710_ADMINQ_H
#define VFMIG_X710_ADMINQ_H

#include <vfmig/osdep.h>

/*
 * One admin queue descriptor, little-endian as in memory. For direct
 * commands the last four words are param0..param3 (addr_high/addr_low are
 * param2/param3); indirect commands (FLAG_BUF) carry the buffer's DMA
 * address in addr_high/addr_low and its length in datalen.
 */
struct vfmig_aq_desc {
	__le16 flags;
	__le16 opcode;
	__le16 datalen;
	__le16 retval;
	__le32 cookie_high;
	__le32 cookie_low;
	__le32 param0;
	__le32 param1;
	__le32 addr_high;
	__le32 addr_low;
};

static_assert(sizeof(struct vfmig_aq_desc) == 32);
static_assert(offsetof(struct vfmig_aq_desc, datalen) == 4);
static_assert(offsetof(struct vfmig_aq_desc, cookie_high) == 8);
static_assert(offsetof(struct vfmig_aq_desc, param0) == 16);
static_assert(offsetof(struct vfmig_aq_desc, addr_low) == 28);

/* ---- flags (bits 4-8 reserved) ----------------------------------------- */
#define VFMIG_AQ_FLAG_DD	BIT(0)	/* descriptor done: written by the device */
#define VFMIG_AQ_FLAG_CMP	BIT(1)	/* completed: written by the device */
#define VFMIG_AQ_FLAG_ERR	BIT(2)	/* failed; retval holds an AQ_RC */
#define VFMIG_AQ_FLAG_VFE	BIT(3)	/* VF error */
#define VFMIG_AQ_FLAG_LB	BIT(9)	/* large buffer: datalen > 512 */
#define VFMIG_AQ_FLAG_RD	BIT(10)	/* device reads the buffer (host -> device) */
#define VFMIG_AQ_FLAG_VFC	BIT(11)	/* VF command */
#define VFMIG_AQ_FLAG_BUF	BIT(12)	/* an indirect buffer is attached */
#define VFMIG_AQ_FLAG_SI	BIT(13)	/* suppress completion interrupt */
#define VFMIG_AQ_FLAG_EI	BIT(14)	/* interrupt on error */
#define VFMIG_AQ_FLAG_FE	BIT(15)	/* flush on error */

/* ---- opcodes used on the mailbox (enum iavf_admin_queue_opc) ----------- */
#define VFMIG_AQC_OPC_QUEUE_SHUTDOWN	0x0003	/* iavf sends it when unloading */
#define VFMIG_AQC_OPC_SEND_MSG_TO_PF	0x0801	/* VF -> PF virtchnl message */
#define VFMIG_AQC_OPC_SEND_MSG_TO_VF	0x0802	/* PF -> VF virtchnl message */
#define VFMIG_AQC_OPC_SEND_MSG_TO_PEER	0x0803
/* queue_shutdown param0: the driver is unloading. */
#define VFMIG_AQ_DRIVER_UNLOADING	0x1

/* ---- return codes in retval when FLAG_ERR is set (enum iavf_admin_queue_err) */
enum vfmig_aq_rc {
	VFMIG_AQ_RC_OK		= 0,
	VFMIG_AQ_RC_EPERM	= 1,
	VFMIG_AQ_RC_ENOENT	= 2,
	VFMIG_AQ_RC_ESRCH	= 3,	/* bad opcode */
	VFMIG_AQ_RC_EINTR	= 4,
	VFMIG_AQ_RC_EIO		= 5,
	VFMIG_AQ_RC_ENXIO	= 6,
	VFMIG_AQ_RC_E2BIG	= 7,
	VFMIG_AQ_RC_EAGAIN	= 8,
	VFMIG_AQ_RC_ENOMEM	= 9,
	VFMIG_AQ_RC_EACCES	= 10,
	VFMIG_AQ_RC_EFAULT	= 11,
	VFMIG_AQ_RC_EBUSY	= 12,
	VFMIG_AQ_RC_EEXIST	= 13,
	VFMIG_AQ_RC_EINVAL	= 14,
	VFMIG_AQ_RC_ENOTTY	= 15,
	VFMIG_AQ_RC_ENOSPC	= 16,
	VFMIG_AQ_RC_ENOSYS	= 17,
	VFMIG_AQ_RC_ERANGE	= 18,
	VFMIG_AQ_RC_EFLUSHED	= 19,	/* flushed because an earlier command failed */
	VFMIG_AQ_RC_BAD_ADDR	= 20,	/* descriptor holds a bad pointer */
	VFMIG_AQ_RC_EMODE	= 21,
	VFMIG_AQ_RC_EFBIG	= 22,
};

/* ---- sizes --------------------------------------------------------------- */
/* Largest indirect buffer, and the size iavf gives each ARQ buffer. */
#define VFMIG_AQ_MAX_BUF_SIZE	4096
/* Buffers longer than this need FLAG_LB (IAVF_AQ_LARGE_BUF). */
#define VFMIG_AQ_LARGE_BUF	512
/* Ring length iavf uses for both ATQ and ARQ (IAVF_AQ_LEN). */
#define VFMIG_AQ_VF_RING_LEN	32
/* iavf allocates the rings with this alignment (IAVF_ADMINQ_DESC_ALIGNMENT). */
#define VFMIG_AQ_RING_ALIGN	4096

/*
 * Mailbox convention (virtchnl over the admin queue):
 *
 *  VF -> PF: the VF posts opcode SEND_MSG_TO_PF on its ATQ with
 *    cookie_high = virtchnl opcode, cookie_low = virtchnl retval (0 from a
 *    VF), flags = SI, plus BUF | RD (| LB above 512 bytes) and
 *    datalen = message length when a message body is attached.
 *    The PF finds it on its own ARQ with the same cookies and the sending
 *    VF's absolute number in retval.
 *  PF -> VF: the PF sends opcode SEND_MSG_TO_VF with param0 = absolute VF
 *    number and the same cookie/flag rules; the VF finds the descriptor on
 *    its ARQ with opcode SEND_MSG_TO_VF, cookie_high = virtchnl opcode,
 *    cookie_low = virtchnl status (enum virtchnl_status_code, negative values
 *    stored as two's complement), datalen = body length.
 *  ARQ buffers: the VF posts each ARQ descriptor with flags = BUF (| LB if
 *    the buffer is over 512 bytes), datalen = buffer size, addr = buffer
 *    address, everything else zero, then moves VF_ARQT1 past it.
 */

/* Fill a mailbox send descriptor; the caller sets addr_high/addr_low. */
static inline void vfmig_aq_fill_msg_desc(struct vfmig_aq_desc *d, u16 aq_opcode,
					  u32 v_opcode, s32 v_retval, u16 msglen)
{
	u16 flags = VFMIG_AQ_FLAG_SI;

	memset(d, 0, sizeof(*d));
	if (msglen) {
		flags |= VFMIG_AQ_FLAG_BUF | VFMIG_AQ_FLAG_RD;
		if (msglen > VFMIG_AQ_LARGE_BUF)
			flags |= VFMIG_AQ_FLAG_LB;
	}
	d->flags = cpu_to_le16(flags);
	d->opcode = cpu_to_le16(aq_opcode);
	d->datalen = cpu_to_le16(msglen);
	d->cookie_high = cpu_to_le32(v_opcode);
	d->cookie_low = cpu_to_le32((u32)v_retval);
}

/* Fill an ARQ descriptor that offers a receive buffer to the device. */
static inline void vfmig_aq_fill_arq_desc(struct vfmig_aq_desc *d, u64 buf_addr,
					  u16 buf_size)
{
	u16 flags = VFMIG_AQ_FLAG_BUF;

	memset(d, 0, sizeof(*d));
	if (buf_size > VFMIG_AQ_LARGE_BUF)
		flags |= VFMIG_AQ_FLAG_LB;
	d->flags = cpu_to_le16(flags);
	d->datalen = cpu_to_le16(buf_size);
	d->addr_high = cpu_to_le32((u32)(buf_addr >> 32));
	d->addr_low = cpu_to_le32((u32)buf_addr);
}

static inline u64 vfmig_aq_desc_addr(const struct vfmig_aq_desc *d)
{
	return ((u64)le32_to_cpu(d->addr_high) << 32) | le32_to_cpu(d->addr_low);
}

static inline u32 vfmig_aq_desc_v_opcode(const struct vfmig_aq_desc *d)
{
	return le32_to_cpu(d->cookie_high);
}

static inline s32 vfmig_aq_desc_v_retval(const struct vfmig_aq_desc *d)
{
	return (s32)le32_to_cpu(d->cookie_low);
}

#endif /* VFMIG_X710_ADMINQ_H */
