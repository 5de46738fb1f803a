// SPDX-License-Identifier: GPL-2.0-only
/*
 * A simulated VM (vm.h).
 */
#include "vm.h"

static u32 vm_bar0_read(void *ctx, u32 off)
{
	struct lab_vm *vm = ctx;
	u32 v = 0;

	if (vm->hvf->dev->ops->bar0_read(vm->hvf->dev, off, &v))
		return 0xffffffff;
	return v;
}

static void vm_bar0_write(void *ctx, u32 off, u32 val)
{
	struct lab_vm *vm = ctx;

	vm->hvf->dev->ops->bar0_write(vm->hvf->dev, off, val);
}

static void vm_irq(void *ctx, u16 vector)
{
	struct lab_vm *vm = ctx;

	if (vector < 32)
		vm->irq_pending |= 1u << vector;
}

u64 lab_vm_ram_needed(const struct vfmig_guest_cfg *gcfg)
{
	u64 blk = vfmig_guest_mem_size(gcfg);

	/* app below 1 MiB, the block, then at least 4 MiB for the workload */
	return ALIGN(LAB_DRV_GPA + blk + 4 * LAB_MIB, LAB_MIB);
}

void lab_vm_attach(struct lab_vm *vm, struct lab_ram *ram, struct lab_hvf *hvf)
{
	vm->ram = ram;
	vm->hvf = hvf;
	vm->env.ram = ram->cpu;
	vm->env.ram_size = ram->size;
	vm->env.bar0_read = vm_bar0_read;
	vm->env.bar0_write = vm_bar0_write;
	vm->env.ctx = vm;
	hvf->dev->ops->set_irq_handler(hvf->dev, vm_irq, vm);
}

void lab_vm_detach_irqs(struct lab_vm *vm)
{
	vm->hvf->dev->ops->set_irq_handler(vm->hvf->dev, NULL, NULL);
}

int lab_vm_boot(struct lab_vm *vm, u64 now)
{
	vm->env.now_ns = now;
	vm->running = true;
	return vfmig_guest_init(&vm->env, LAB_DRV_GPA, &vm->gcfg);
}

void lab_vm_run(struct lab_vm *vm, u64 now)
{
	u32 pend;
	u16 v;

	if (!vm->running)
		return;
	vm->runs++;
	vm->env.now_ns = now;
	pend = vm->irq_pending;
	vm->irq_pending = 0;
	for (v = 0; pend; v++, pend >>= 1)
		if (pend & 1) {
			vfmig_guest_irq(&vm->env, LAB_DRV_GPA, v);
			vm->irqs++;
		}
	vfmig_guest_poll(&vm->env, LAB_DRV_GPA);
	if (vm->app_run)
		vm->app_run(vm, now, vm->app_ctx);
	else
		lab_app_run(&vm->env, LAB_DRV_GPA, vm->nq, vm->probe, vm->probe_ctx);
}

enum vfmig_guest_state lab_vm_state(struct lab_vm *vm)
{
	return vfmig_guest_state(&vm->env, LAB_DRV_GPA);
}
