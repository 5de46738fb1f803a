/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated VM: guest RAM plus a vCPU that runs the guest AVF driver and
 * the traffic app, attached to one host's VF. Everything the guest keeps
 * is in its RAM; the vCPU holds only "where am I running": the RAM (vCPU
 * view) and the VF (BAR0 and interrupts through a struct vfmig_vfio_dev).
 * Migrating the VM = copying its RAM and device state, then pointing the
 * vCPU at the destination's RAM and VF.
 */
#ifndef VFMIG_LAB_VM_H
#define VFMIG_LAB_VM_H

#include <vfmig/guest.h>
#include "host.h"
#include "traffic.h"

#define LAB_DRV_GPA	(1ULL << 20)	/* the driver's block */

struct lab_vm {
	struct lab_ram *ram;		/* where the vCPU runs now */
	struct lab_hvf *hvf;		/* the VF it drives now */
	struct vfmig_guest_env env;
	struct vfmig_guest_cfg gcfg;
	u16 nq;				/* queue pairs in use */
	bool running;			/* the vCPU runs */
	u32 irq_pending;
	u64 irqs;
	u64 runs;
	lab_app_rx_probe probe;
	void *probe_ctx;
	/*
	 * The guest's software on its vCPU after the driver: the traffic app
	 * (NULL, the default) or another (the netns lab's TAP-backed netdev).
	 */
	void (*app_run)(struct lab_vm *vm, u64 now, void *ctx);
	void *app_ctx;
};

/* Guest RAM needed for @gcfg: app, driver block, workload room. */
u64 lab_vm_ram_needed(const struct vfmig_guest_cfg *gcfg);

/* Bind the vCPU to @ram and @hvf (its BAR0 and interrupts). */
void lab_vm_attach(struct lab_vm *vm, struct lab_ram *ram, struct lab_hvf *hvf);
/* Detach the vCPU's interrupt routing from its VF (it moved away). */
void lab_vm_detach_irqs(struct lab_vm *vm);
/* Start the guest driver (vfmig_guest_init). */
int lab_vm_boot(struct lab_vm *vm, u64 now);
/* One vCPU slice at @now: interrupts, driver poll, app. */
void lab_vm_run(struct lab_vm *vm, u64 now);
enum vfmig_guest_state lab_vm_state(struct lab_vm *vm);

#endif /* VFMIG_LAB_VM_H */
