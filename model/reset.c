// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: VF reset (VFLR, VPGEN_VFRTRIG.VFSWR from the PF host on
 * RESET_VF or REQUEST_QUEUES, an administrator's change, a fault knob).
 *
 * What the VF's driver sees, as iavf expects it (iavf_reset_task): at once,
 * VFGEN_RSTAT = VFR_INPROGRESS and the mailbox registers cleared (ARQLEN's
 * ENABLE gone is how iavf notices a reset it did not ask for); after
 * cfg.vf_reset_ns the hardware part is done (VPGEN_VFRSTAT.VFRD, and
 * VFGEN_RSTAT = VFR_COMPLETED); after a further cfg.vf_rebuild_ns the PF host
 * has rebuilt the VF's VSI (default MAC and broadcast filters, default
 * HENA, queue pairs) and writes VFR_VFACTIVE (i40e_cleanup_reset_vf). The
 * mailbox is not served until then.
 *
 * What the reset clears: the VF's BAR0 registers (tails, interrupt
 * registers, mailbox registers, RSS key/LUT/HENA), queue enables and
 * contexts, pending interrupts, undelivered PF->VF messages, and the PF
 * host's state for the VF (negotiated version and caps, filters, promiscuous
 * mode, IRQ map, VLAN stripping, VSI counters) except the administrator's
 * settings (MAC, trust, spoof check, port VLAN, forced link, requested queue
 * count). Silicon keeps VFQF_HKEY/HLUT and ICR0_ENA1 across a VF reset (CORER
 * domain); the model clears them, which no driver can tell apart because
 * drivers reprogram them after every reset.
 */
#include <vfmig/model_internal.h>

bool vfmig_mdl_in_reset(const struct vfmig_mdl_vf *vf)
{
	return vf->reset_phase != VFMIG_MDL_RESET_NONE;
}

void vfmig_mdl_reset_start(struct vfmig_mdl_vf *vf, bool flr)
{
	struct vfmig_model_pf *pf = vf->pf;

	vf->stats.resets++;
	vf->rstat = VFMIG_VFR_INPROGRESS;
	vf->vfrd = false;
	vfmig_mdl_bar0_reset(vf);
	vfmig_mdl_queues_reset(vf);
	vfmig_mdl_mbx_flush_pending(vf);
	vfmig_mdl_host_vf_free(vf);
	vf->reset_phase = VFMIG_MDL_RESET_HW;
	vf->reset_deadline = pf->now + pf->cfg.vf_reset_ns;
	pf->work++;
	vfmig_trace("model_vf_reset", vf->id, flr);
}

void vfmig_mdl_reset_step(struct vfmig_mdl_vf *vf)
{
	struct vfmig_model_pf *pf = vf->pf;

	if (vf->reset_phase == VFMIG_MDL_RESET_HW && pf->now >= vf->reset_deadline) {
		vf->vfrd = true;
		vf->rstat = VFMIG_VFR_COMPLETED;
		vf->reset_phase = VFMIG_MDL_RESET_PF;
		vf->reset_deadline += pf->cfg.vf_rebuild_ns;
		pf->work++;
	}
	if (vf->reset_phase == VFMIG_MDL_RESET_PF && pf->now >= vf->reset_deadline) {
		vfmig_mdl_host_vf_init(vf);
		vf->rstat = VFMIG_VFR_VFACTIVE;
		vf->reset_phase = VFMIG_MDL_RESET_NONE;
		pf->work++;
	}
}
