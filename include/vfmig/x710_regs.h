/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel X710 (XL710 family) registers that VF migration touches.
 *
 * Two address spaces:
 *
 *   - VF BAR0 (64 KiB): what the VF driver (iavf, or vfmig's guest driver)
 *     sees. Register names end in "1" where the PF space has a per-VF copy.
 *   - PF BAR0: the per-VF and global-queue registers that only the PF can
 *     reach (queue enable handshake, queue heads, VF reset, queue and
 *     interrupt mapping). The model's PF and the PF agent use these. Queue
 *     numbers there are absolute PF queue numbers (0..1535), VF numbers are
 *     relative to the PF (0..127) unless noted.
 *
 * Every value equals the hardware's. Offsets and field positions come from
 * drivers/net/ethernet/intel/iavf/iavf_register.h (VF space) and
 * drivers/net/ethernet/intel/i40e/i40e_register.h (PF space); the VF-space
 * fields that today's trimmed iavf_register.h no longer lists (CLEARPBA,
 * INTERVAL, the ICR01 cause bits, ...) are the ones the pre-2018
 * i40evf/i40e_register.h and i40e_register.h carried for the same registers.
 * "Reset:" notes are the reset domain upstream annotates for each register
 * (VFR = VF reset, PFR = PF reset, CORER/EMPR = device-wide resets).
 *
 * Naming: single-bit fields are the bit itself (VFMIG_QENA_REQ); multi-bit
 * fields have _MASK (in place) and _SHIFT. Register values are u32.
 */
#ifndef VFMIG_X710_REGS_H
#define VFMIG_X710_REGS_H

#include <vfmig/osdep.h>

/* ---- Limits ---------------------------------------------------------------- */

/* Queue pairs a VF can have: IAVF_MAX_VSI_QP (iavf_type.h), QTX_TAIL1 _i=0..15. */
#define VFMIG_VF_MAX_QP			16
/* VFs per PF: I40E_MAX_VF_COUNT (i40e_main.c), per-VF registers _VF=0..127. */
#define VFMIG_PF_MAX_VFS		128
/* Queues per PF space: QTX_ENA/QRX_ENA _i=0..1535 (i40e_register.h). */
#define VFMIG_PF_MAX_QUEUES		1536
/*
 * MSI-X vectors of one VF: vector 0 (DYN_CTL01: mailbox and other causes)
 * plus DYN_CTLN1 _INTVF=0..15 for queues (iavf_register.h); the VF's MSI-X
 * table has 17 entries (VFMSIX_TADD _i=0..16 in i40evf's i40e_register.h).
 * The PF reports the usable number in virtchnl_vf_resource.max_vectors.
 */
#define VFMIG_VF_MAX_MSIX		17
#define VFMIG_VF_MAX_DYN_CTLN		16
/* ITR registers per vector: ITRN1/ITR01 _i=0..2. */
#define VFMIG_NR_ITR			3
/* End-of-list queue index in interrupt linked lists: I40E_QUEUE_END_OF_LIST. */
#define VFMIG_QUEUE_END_OF_LIST		0x7FF

/* ---- VF BAR0 layout and the pages the migration driver traps --------------- */

/* Size of a VF's BAR0 (memory, 64-bit). BAR3 (16 KiB) is the MSI-X table. */
#define VFMIG_VF_BAR0_SIZE		0x10000
/*
 * Trap granularity. The TX tails, RX tails and ARQ tail lie in three 4 KiB
 * pages (QTX_TAIL1 0x0000-0x003C, QRX_TAIL1 0x2000-0x203C, VF_ARQT1
 * 0x7000), so leaving these pages out of the sparse mmap makes every
 * doorbell write reach the driver. Other registers share two of them and
 * trap as well: VFINT_ITRN1 (0x2800-0x28BC) in the RX tail page, VF_ARQH1,
 * VF_ATQBAH1 and VF_ATQBAL1 in the ARQ tail page. VF_ATQT1 (0x8400) is NOT
 * in a trapped page. On a host whose PAGE_SIZE is larger than 4 KiB the
 * pages cannot be excluded alone; the whole BAR must then be trapped.
 */
#define VFMIG_VF_TRAP_PAGE_SIZE		0x1000
#define VFMIG_VF_BAR0_NR_PAGES		(VFMIG_VF_BAR0_SIZE / VFMIG_VF_TRAP_PAGE_SIZE)
#define VFMIG_VF_TX_TAIL_PAGE		0x0000
#define VFMIG_VF_RX_TAIL_PAGE		0x2000
#define VFMIG_VF_ARQ_TAIL_PAGE		0x7000
#define VFMIG_VF_NR_TRAPPED_PAGES	3
/* Initializer for a table of the trapped page offsets, ascending. */
#define VFMIG_VF_TRAPPED_PAGES_INIT					\
	{ VFMIG_VF_TX_TAIL_PAGE, VFMIG_VF_RX_TAIL_PAGE, VFMIG_VF_ARQ_TAIL_PAGE }
/* The same set as a bitmap of 4 KiB page indexes within BAR0. */
#define VFMIG_VF_TRAPPED_PAGES_MASK					\
	(BIT(VFMIG_VF_TX_TAIL_PAGE / VFMIG_VF_TRAP_PAGE_SIZE) |		\
	 BIT(VFMIG_VF_RX_TAIL_PAGE / VFMIG_VF_TRAP_PAGE_SIZE) |		\
	 BIT(VFMIG_VF_ARQ_TAIL_PAGE / VFMIG_VF_TRAP_PAGE_SIZE))

/* True if a BAR0 offset falls in one of the trapped pages. */
static inline bool vfmig_vf_bar0_trapped(u64 offset)
{
	if (offset >= VFMIG_VF_BAR0_SIZE)
		return false;
	return !!(VFMIG_VF_TRAPPED_PAGES_MASK &
		  BIT(offset / VFMIG_VF_TRAP_PAGE_SIZE));
}

/* ---- VF BAR0 registers (iavf_register.h) ----------------------------------- */

/* ---- Queue tails (doorbells) ------------------------------------------ */
/* TX tail, q = VF queue 0..15. Reset: PFR. */
#define VFMIG_QTX_TAIL1(q)		(0x00000000 + ((q) * 4))
/* RX tail, q = VF queue 0..15. Reset: CORER. */
#define VFMIG_QRX_TAIL1(q)		(0x00002000 + ((q) * 4))
/* Tail value: a ring index, 13 bits (both TX and RX). */
#define VFMIG_QTAIL1_TAIL_MASK		GENMASK(12, 0)

/* ---- Interrupts -------------------------------------------------------- */
/*
 * Dynamic control of vector 0 (mailbox, link and other causes). Reset: VFR.
 * The layout is shared by VFINT_DYN_CTLN1 and by the PF-space windows
 * VFINT_DYN_CTL0/VFINT_DYN_CTLN below.
 */
#define VFMIG_VFINT_DYN_CTL01		0x00005C00
#define VFMIG_VFINT_DYN_CTL01_INTENA		BIT(0)	/* enable the vector */
#define VFMIG_VFINT_DYN_CTL01_CLEARPBA		BIT(1)	/* clear pending bit */
#define VFMIG_VFINT_DYN_CTL01_SWINT_TRIG	BIT(2)	/* fire it now */
#define VFMIG_VFINT_DYN_CTL01_ITR_INDX_SHIFT	3	/* which ITR INTERVAL updates */
#define VFMIG_VFINT_DYN_CTL01_ITR_INDX_MASK	GENMASK(4, 3)
#define VFMIG_VFINT_DYN_CTL01_INTERVAL_SHIFT	5	/* 2 us units */
#define VFMIG_VFINT_DYN_CTL01_INTERVAL_MASK	GENMASK(16, 5)
#define VFMIG_VFINT_DYN_CTL01_SW_ITR_INDX_ENA	BIT(24)
#define VFMIG_VFINT_DYN_CTL01_SW_ITR_INDX_SHIFT	25
#define VFMIG_VFINT_DYN_CTL01_SW_ITR_INDX_MASK	GENMASK(26, 25)
#define VFMIG_VFINT_DYN_CTL01_INTENA_MSK	BIT(31)	/* write: leave INTENA as is */

/* Dynamic control of queue vector v + 1 (v = 0..15). Reset: VFR. */
#define VFMIG_VFINT_DYN_CTLN1(v)	(0x00003800 + ((v) * 4))
#define VFMIG_VFINT_DYN_CTLN1_INTENA		BIT(0)
#define VFMIG_VFINT_DYN_CTLN1_CLEARPBA		BIT(1)
#define VFMIG_VFINT_DYN_CTLN1_SWINT_TRIG	BIT(2)
#define VFMIG_VFINT_DYN_CTLN1_ITR_INDX_SHIFT	3
#define VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK	GENMASK(4, 3)
#define VFMIG_VFINT_DYN_CTLN1_INTERVAL_SHIFT	5
#define VFMIG_VFINT_DYN_CTLN1_INTERVAL_MASK	GENMASK(16, 5)
#define VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_ENA	BIT(24)
#define VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_SHIFT	25
#define VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_MASK	GENMASK(26, 25)
#define VFMIG_VFINT_DYN_CTLN1_WB_ON_ITR		BIT(30)	/* descriptor WB on ITR expiry */
#define VFMIG_VFINT_DYN_CTLN1_INTENA_MSK	BIT(31)

/*
 * ITR_INDX values (enum iavf_dyn_idx_t, iavf_txrx.h): ITR0 is used for RX,
 * ITR1 for TX; 3 means "update no ITR".
 */
#define VFMIG_ITR_IDX0			0
#define VFMIG_ITR_IDX1			1
#define VFMIG_ITR_IDX2			2
#define VFMIG_ITR_IDX_NONE		3
/* ITR INTERVAL unit, microseconds (iavf_txrx.h: 2 us resolution). */
#define VFMIG_ITR_GRAN_US		2

/* Throttle interval of vector 0, i = ITR index 0..2. Reset: VFR. */
#define VFMIG_VFINT_ITR01(i)		(0x00004C00 + ((i) * 4))
/* Throttle interval of queue vector v + 1, i = 0..2, v = 0..15. Reset: VFR. */
#define VFMIG_VFINT_ITRN1(i, v)		(0x00002800 + ((i) * 64) + ((v) * 4))
#define VFMIG_VFINT_ITR_INTERVAL_MASK	GENMASK(11, 0)	/* 2 us units */

/* Vector-0 cause register; reading it clears it. Reset: CORER. */
#define VFMIG_VFINT_ICR01		0x00004800
#define VFMIG_VFINT_ICR01_INTEVENT		BIT(0)
#define VFMIG_VFINT_ICR01_QUEUE(n)		BIT(1 + (n))	/* n = 0..3 */
#define VFMIG_VFINT_ICR01_LINK_STAT_CHANGE	BIT(25)
#define VFMIG_VFINT_ICR01_ADMINQ		BIT(30)
#define VFMIG_VFINT_ICR01_SWINT			BIT(31)

/* Vector-0 cause enables. Reset: CORER. */
#define VFMIG_VFINT_ICR0_ENA1		0x00005000
#define VFMIG_VFINT_ICR0_ENA1_LINK_STAT_CHANGE	BIT(25)
#define VFMIG_VFINT_ICR0_ENA1_ADMINQ		BIT(30)
#define VFMIG_VFINT_ICR0_ENA1_RSVD		BIT(31)

/* Which ITR throttles vector 0's "other" causes. Reset: CORER. */
#define VFMIG_VFINT_STAT_CTL01		0x00005400
#define VFMIG_VFINT_STAT_CTL01_OTHER_ITR_INDX_SHIFT	2
#define VFMIG_VFINT_STAT_CTL01_OTHER_ITR_INDX_MASK	GENMASK(3, 2)

/* ---- Mailbox (admin queue pair to the PF), all Reset: EMPR -------------- */
#define VFMIG_VF_ATQBAL1		0x00007C00	/* send ring base, low 32 */
#define VFMIG_VF_ATQBAH1		0x00007800	/* send ring base, high 32 */
#define VFMIG_VF_ATQLEN1		0x00006800
#define VFMIG_VF_ATQH1			0x00006400	/* head, device-owned */
#define VFMIG_VF_ATQT1			0x00008400	/* tail, driver-owned */
#define VFMIG_VF_ARQBAL1		0x00006C00	/* receive ring base, low 32 */
#define VFMIG_VF_ARQBAH1		0x00006000	/* receive ring base, high 32 */
#define VFMIG_VF_ARQLEN1		0x00008000
#define VFMIG_VF_ARQH1			0x00007400	/* head, device-owned */
#define VFMIG_VF_ARQT1			0x00007000	/* tail, driver-owned */

/* VF_ATQLEN1 and VF_ARQLEN1 share this layout. */
#define VFMIG_VF_AQLEN1_LEN_MASK	GENMASK(9, 0)	/* ring length, descriptors */
#define VFMIG_VF_AQLEN1_VFE		BIT(28)		/* VF error (sticky) */
#define VFMIG_VF_AQLEN1_OVFL		BIT(29)		/* overflow (ARQ full) */
#define VFMIG_VF_AQLEN1_CRIT		BIT(30)		/* critical error */
#define VFMIG_VF_AQLEN1_ENABLE		BIT(31)		/* queue enabled */
/* Head and tail registers of both queues: a 10-bit descriptor index. */
#define VFMIG_VF_AQ_HT_MASK		GENMASK(9, 0)

/* ---- Reset status ------------------------------------------------------ */
/*
 * VF reset state, read by the VF. Reset: VFR, i.e. a VF reset returns it to
 * VFR_INPROGRESS (0); the PF writes COMPLETED and then VFACTIVE through its
 * window VFGEN_RSTAT1(vf). Values are enum virtchnl_vfr_states (virtchnl.h),
 * cross-checked in <vfmig/virtchnl.h>.
 */
#define VFMIG_VFGEN_RSTAT		0x00008800
#define VFMIG_VFGEN_RSTAT_VFR_STATE_MASK	GENMASK(1, 0)
#define VFMIG_VFR_INPROGRESS		0
#define VFMIG_VFR_COMPLETED		1
#define VFMIG_VFR_VFACTIVE		2

/* ---- RSS (Reset: CORER) ------------------------------------------------ */
/* Hash enable: 64 PCTYPE bits as two u32, i = 0..1. */
#define VFMIG_VFQF_HENA(i)		(0x0000C400 + ((i) * 4))
#define VFMIG_VFQF_HENA_COUNT		2
/* Hash key, i = 0..12: 52 bytes, byte n of the key is byte n % 4 of HKEY(n / 4). */
#define VFMIG_VFQF_HKEY(i)		(0x0000CC00 + ((i) * 4))
#define VFMIG_VFQF_HKEY_COUNT		13
#define VFMIG_VF_RSS_KEY_BYTES		(VFMIG_VFQF_HKEY_COUNT * 4)
/* Lookup table, i = 0..15: 64 entries, one per byte, 4 significant bits. */
#define VFMIG_VFQF_HLUT(i)		(0x0000D000 + ((i) * 4))
#define VFMIG_VFQF_HLUT_COUNT		16
#define VFMIG_VF_RSS_LUT_ENTRIES	(VFMIG_VFQF_HLUT_COUNT * 4)
#define VFMIG_VFQF_HLUT_ENTRY_MASK	0xF

/* Every doorbell lies in its trapped page. */
static_assert(VFMIG_QTX_TAIL1(VFMIG_VF_MAX_QP - 1) - VFMIG_VF_TX_TAIL_PAGE <
	      VFMIG_VF_TRAP_PAGE_SIZE);
static_assert(VFMIG_QRX_TAIL1(VFMIG_VF_MAX_QP - 1) - VFMIG_VF_RX_TAIL_PAGE <
	      VFMIG_VF_TRAP_PAGE_SIZE);
static_assert(VFMIG_VF_ARQT1 - VFMIG_VF_ARQ_TAIL_PAGE < VFMIG_VF_TRAP_PAGE_SIZE);

/* ---- PF BAR0 registers (i40e_register.h), absolute PF queue numbers -------- */

/* ---- Queue enable handshake ------------------------------------------- */
/*
 * Software writes QENA_REQ; the hardware follows with QENA_STAT once the
 * queue is really on (or drained and off). i40e waits for REQ == STAT before
 * acting and polls STAT after (i40e_main.c, i40e_control_tx_q/rx_q).
 * FAST_QDIS requests a disable without draining. Reset: PFR.
 */
#define VFMIG_QTX_ENA(q)		(0x00100000 + ((q) * 4))
#define VFMIG_QRX_ENA(q)		(0x00120000 + ((q) * 4))
#define VFMIG_QENA_REQ			BIT(0)
#define VFMIG_QENA_FAST_QDIS		BIT(1)
#define VFMIG_QENA_STAT			BIT(2)

/* TX head as the hardware holds it. Reset: CORER. */
#define VFMIG_QTX_HEAD(q)		(0x000E4000 + ((q) * 4))
#define VFMIG_QTX_HEAD_HEAD_MASK	GENMASK(12, 0)
#define VFMIG_QTX_HEAD_RS_PENDING	BIT(16)

/* Tails in PF space (the PF's own queues use these). */
#define VFMIG_QTX_TAIL(q)		(0x00108000 + ((q) * 4))	/* Reset: PFR */
#define VFMIG_QRX_TAIL(q)		(0x00128000 + ((q) * 4))	/* Reset: CORER */

/*
 * Which function owns a TX queue. For a VF queue the PF writes
 * PFVF_Q = VF_QUEUE, PF_INDX = its PF number, VFVM_INDX = absolute VF number
 * (vf_id + func_caps.vf_base_id) (i40e_virtchnl_pf.c,
 * i40e_config_vsi_tx_queue). Reset: CORER.
 */
#define VFMIG_QTX_CTL(q)		(0x00104000 + ((q) * 4))
#define VFMIG_QTX_CTL_PFVF_Q_SHIFT	0
#define VFMIG_QTX_CTL_PFVF_Q_MASK	GENMASK(1, 0)
#define VFMIG_QTX_CTL_PF_INDX_SHIFT	2
#define VFMIG_QTX_CTL_PF_INDX_MASK	GENMASK(5, 2)
#define VFMIG_QTX_CTL_VFVM_INDX_SHIFT	7
#define VFMIG_QTX_CTL_VFVM_INDX_MASK	GENMASK(15, 7)
/* PFVF_Q values (iavf_type.h / i40e_type.h). */
#define VFMIG_QTX_CTL_VF_QUEUE		0x0
#define VFMIG_QTX_CTL_VM_QUEUE		0x1
#define VFMIG_QTX_CTL_PF_QUEUE		0x2

/* ---- VF reset ----------------------------------------------------------- */
/*
 * Sequence (i40e_virtchnl_pf.c, i40e_trigger_vf_reset/i40e_reset_vf): PF sets
 * VFSWR (skipped after a VFLR, which resets the VF by itself), polls VFRD
 * (hardware says the VF reset is done; i40e allows ~10 x 10-20 ms), writes
 * VFGEN_RSTAT1 = VFR_COMPLETED, clears VFSWR, rebuilds the VF's queues and
 * mappings, then writes VFGEN_RSTAT1 = VFR_VFACTIVE.
 */
#define VFMIG_VPGEN_VFRTRIG(vf)		(0x00091800 + ((vf) * 4))	/* Reset: CORER */
#define VFMIG_VPGEN_VFRTRIG_VFSWR	BIT(0)
#define VFMIG_VPGEN_VFRSTAT(vf)		(0x00091C00 + ((vf) * 4))	/* Reset: CORER */
#define VFMIG_VPGEN_VFRSTAT_VFRD	BIT(0)
/* PF's window on the VF's VFGEN_RSTAT. Reset: VFR. */
#define VFMIG_VFGEN_RSTAT1(vf)		(0x00074400 + ((vf) * 4))
/*
 * VFLR pending bits, one per absolute VF: register abs_vf / 32, bit
 * abs_vf % 32, write 1 to clear, i = 0..3. Reset: CORER.
 */
#define VFMIG_GLGEN_VFLRSTAT(i)		(0x00092600 + ((i) * 4))

/* ---- VF queue mapping --------------------------------------------------- */
/* Enables the VF's VPLAN_QTABLE. Reset: VFR. */
#define VFMIG_VPLAN_MAPENA(vf)		(0x00074000 + ((vf) * 4))
#define VFMIG_VPLAN_MAPENA_TXRX_ENA	BIT(0)
/*
 * VF queue i (0..15) -> absolute PF queue (QINDEX); unused entries hold
 * VFMIG_QUEUE_END_OF_LIST (i40e_enable_vf_mappings/i40e_disable_vf_mappings).
 * Reset: VFR.
 */
#define VFMIG_VPLAN_QTABLE(i, vf)	(0x00070000 + ((i) * 1024) + ((vf) * 4))
#define VFMIG_VPLAN_QTABLE_QINDEX_MASK	GENMASK(10, 0)

/* ---- VF interrupt mapping (written by the PF on CONFIG_IRQ_MAP) --------- */
/*
 * Head of vector 0's queue cause list. Reset: VFR. FIRSTQ_INDX =
 * END_OF_LIST means no queue on the vector.
 */
#define VFMIG_VPINT_LNKLST0(vf)		(0x0002A800 + ((vf) * 4))
/*
 * Head of the list of VF vector n (n >= 1) of VF vf, at index
 * (msix_per_vf - 1) * vf + (n - 1), 0..511 (i40e_config_irq_link_list).
 * Reset: VFR.
 */
#define VFMIG_VPINT_LNKLSTN(i)		(0x00025000 + ((i) * 4))
/* LNKLST0 and LNKLSTN share this layout. */
#define VFMIG_VPINT_LNKLST_FIRSTQ_INDX_MASK	GENMASK(10, 0)	/* PF queue */
#define VFMIG_VPINT_LNKLST_FIRSTQ_TYPE_SHIFT	11
#define VFMIG_VPINT_LNKLST_FIRSTQ_TYPE_MASK	GENMASK(12, 11)

static inline u32 vfmig_vpint_lnklstn_idx(u32 vf, u32 vector, u32 msix_per_vf)
{
	return (msix_per_vf - 1) * vf + (vector - 1);
}

/*
 * Per-queue cause control, one for each RX and TX PF queue; NEXTQ chains the
 * list that starts at VPINT_LNKLST*. Same layout for both. Reset: CORER.
 */
#define VFMIG_QINT_RQCTL(q)		(0x0003A000 + ((q) * 4))
#define VFMIG_QINT_TQCTL(q)		(0x0003C000 + ((q) * 4))
#define VFMIG_QINT_CTL_MSIX_INDX_MASK	GENMASK(7, 0)	/* VF vector */
#define VFMIG_QINT_CTL_ITR_INDX_SHIFT	11
#define VFMIG_QINT_CTL_ITR_INDX_MASK	GENMASK(12, 11)
#define VFMIG_QINT_CTL_MSIX0_INDX_SHIFT	13
#define VFMIG_QINT_CTL_MSIX0_INDX_MASK	GENMASK(15, 13)
#define VFMIG_QINT_CTL_NEXTQ_INDX_SHIFT	16
#define VFMIG_QINT_CTL_NEXTQ_INDX_MASK	GENMASK(26, 16)	/* PF queue */
#define VFMIG_QINT_CTL_NEXTQ_TYPE_SHIFT	27
#define VFMIG_QINT_CTL_NEXTQ_TYPE_MASK	GENMASK(28, 27)
#define VFMIG_QINT_CTL_CAUSE_ENA	BIT(30)
#define VFMIG_QINT_CTL_INTEVENT		BIT(31)
/* FIRSTQ_TYPE/NEXTQ_TYPE values (enum i40e_queue_type). */
#define VFMIG_QUEUE_TYPE_RX		0
#define VFMIG_QUEUE_TYPE_TX		1

/*
 * PF windows on the VF's DYN_CTL registers (same layout as
 * VFMIG_VFINT_DYN_CTL01): vector 0 of VF vf, and vector n >= 1 at the
 * VPINT_LNKLSTN index. The PF writes CLEARPBA here when it frees a VF.
 * Reset: VFR.
 */
#define VFMIG_VFINT_DYN_CTL0(vf)	(0x0002A400 + ((vf) * 4))
#define VFMIG_VFINT_DYN_CTLN(i)		(0x00024800 + ((i) * 4))

#endif /* VFMIG_X710_REGS_H */
