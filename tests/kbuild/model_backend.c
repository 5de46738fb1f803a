// SPDX-License-Identifier: GPL-2.0-only
/*
 * Model backend (test only, part of vfmig_portable.ko, never of the
 * product): until an X710 is on the bench, QEMU's edu devices (1234:11e8)
 * stand in for VFs and a register-level model PF stands behind each.
 *
 * Two model PFs play two hosts; the first edu device i40e_vfio_pci probes
 * becomes VF 0 of PF 0, the second VF 0 of PF 1. The backend gives the
 * driver exactly what a PF side gives it on real hardware - the agent
 * transport - plus the VF's BAR0, which here is the model's: every BAR0
 * access comes through the driver (no mmap), trapped pages through the
 * product's own mediation. The model's DMA goes through vfio_dma_rw() into
 * the IOMMU mappings of whoever opened the device, and a kernel thread per
 * PF advances the model in real time and carries frames between the two
 * PFs' ports (a wire). A PCI reset of the edu device is the model VF's
 * VFLR. Interrupts are counted, not delivered: the VFIO clients that drive
 * these VFs poll.
 *
 * Locking: each PF's mutex serializes its model and its agent; it is the
 * innermost lock (the driver calls in with its own locks held) and the
 * model's DMA callbacks run under it.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <vfmig/agent.h>
#include <vfmig/model.h>
#include "../../driver/i40e_vfio_backend.h"
#include "model_backend.h"

#define VMB_HOSTS		2
#define VMB_EDU_VENDOR		0x1234
#define VMB_EDU_DEVICE		0x11e8
#define VMB_FRAME_MAX		9728

struct vmb_host;

/* The one VF of a PF that an edu device stands for. */
struct vmb_vf {
	struct vmb_host *host;
	u16 vf;
	struct pci_dev *pdev;		/* claimed device, or NULL */
	struct vfio_device *vdev;	/* while open, for DMA */
	u64 irqs;
	u64 dma_errors;
};

struct vmb_host {
	unsigned int idx;
	struct mutex lock;
	struct vfmig_model_pf *pf;
	struct vfmig_agent *agent;
	struct task_struct *thread;
	u64 t0;
	u64 reflected;		/* frames the reflector sent back into this port */
	struct vmb_vf vf;
};

static struct vmb_host vmb_hosts[VMB_HOSTS];

/*
 * Queue pairs of each model PF's VFs. A destination with fewer than the
 * source's must refuse the source's stream (reload the module to change it).
 */
static ushort queues[VMB_HOSTS] = { 4, 4 };
module_param_array(queues, ushort, NULL, 0444);
MODULE_PARM_DESC(queues, "queue pairs of the VFs of model PF 0 and PF 1 (1..16, default 4,4)");
static DEFINE_MUTEX(vmb_claim_lock);
static u8 *vmb_frame;		/* the wire thread's frame buffer */
/* The reflector on the wire (lab/klab.c's --reflector default). */
static const u8 vmb_reflector_mac[ETH_ALEN] __aligned(2) = { 0x02, 0x76, 0x66, 0x6d, 0x69, 0x67 };
static DEFINE_MUTEX(vmb_wire_lock);

/* ---- The model's DMA and interrupts --------------------------------------- */

static int vmb_dma(struct vmb_vf *v, u64 iova, void *buf, u32 len, bool write)
{
	int ret = -EFAULT;

	if (v->vdev)
		ret = vfio_dma_rw(v->vdev, iova, buf, len, write);
	if (ret)
		v->dma_errors++;
	return ret ? -EFAULT : 0;
}

static int vmb_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	return vmb_dma(ctx, iova, buf, len, false);
}

static int vmb_dma_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	return vmb_dma(ctx, iova, (void *)buf, len, true);
}

static void vmb_irq(void *ctx, u16 vector)
{
	struct vmb_vf *v = ctx;

	v->irqs++;
}

/* ---- The backend ------------------------------------------------------------ */

static int vmb_agent_call(void *ctx, const void *req, size_t req_len,
			  void *resp, size_t resp_cap)
{
	struct vmb_host *h = ctx;
	int ret;

	mutex_lock(&h->lock);
	ret = vfmig_agent_handle(h->agent, req, req_len, resp, resp_cap);
	mutex_unlock(&h->lock);
	return ret;
}

static int vmb_claim(struct i40e_vfio_backend *b, struct pci_dev *pdev,
		     u16 *vf, struct vfmig_agent_transport *agent, void **priv)
{
	int i, ret = -ENODEV;

	if (pdev->vendor != VMB_EDU_VENDOR || pdev->device != VMB_EDU_DEVICE)
		return -ENODEV;

	mutex_lock(&vmb_claim_lock);
	for (i = 0; i < VMB_HOSTS; i++) {
		struct vmb_host *h = &vmb_hosts[i];

		if (h->vf.pdev)
			continue;
		h->vf.pdev = pci_dev_get(pdev);
		*vf = h->vf.vf;
		*priv = &h->vf;
		agent->call = vmb_agent_call;
		agent->ctx = h;
		pci_info(pdev, "vfmig model backend: VF %u of model PF %d\n",
			 h->vf.vf, i);
		ret = 0;
		break;
	}
	mutex_unlock(&vmb_claim_lock);
	if (ret)
		pci_info(pdev, "vfmig model backend: every model VF is taken\n");
	return ret;
}

static void vmb_unclaim(struct i40e_vfio_backend *b, void *priv)
{
	struct vmb_vf *v = priv;

	mutex_lock(&vmb_claim_lock);
	pci_dev_put(v->pdev);
	v->pdev = NULL;
	mutex_unlock(&vmb_claim_lock);
}

static void vmb_open(struct i40e_vfio_backend *b, void *priv,
		     struct vfio_device *vdev)
{
	struct vmb_vf *v = priv;

	mutex_lock(&v->host->lock);
	v->vdev = vdev;
	mutex_unlock(&v->host->lock);
}

static void vmb_close(struct i40e_vfio_backend *b, void *priv)
{
	struct vmb_vf *v = priv;

	mutex_lock(&v->host->lock);
	v->vdev = NULL;
	mutex_unlock(&v->host->lock);
}

/* The PCI core reset the edu device: the model VF gets its VFLR. */
static void vmb_reset(struct i40e_vfio_backend *b, void *priv)
{
	struct vmb_vf *v = priv;

	mutex_lock(&v->host->lock);
	vfmig_model_vflr(v->host->pf, v->vf);
	mutex_unlock(&v->host->lock);
}

static int vmb_bar0_read(struct i40e_vfio_backend *b, void *priv, u32 off,
			 u32 *val)
{
	struct vmb_vf *v = priv;

	mutex_lock(&v->host->lock);
	*val = vfmig_model_vf_read32(v->host->pf, v->vf, off);
	mutex_unlock(&v->host->lock);
	return 0;
}

static int vmb_bar0_write(struct i40e_vfio_backend *b, void *priv, u32 off,
			  u32 val)
{
	struct vmb_vf *v = priv;

	mutex_lock(&v->host->lock);
	vfmig_model_vf_write32(v->host->pf, v->vf, off, val);
	mutex_unlock(&v->host->lock);
	return 0;
}

static struct i40e_vfio_backend vmb_backend = {
	.owner		= THIS_MODULE,
	.name		= "vfmig-model",
	.claim		= vmb_claim,
	.unclaim	= vmb_unclaim,
	.open		= vmb_open,
	.close		= vmb_close,
	.reset		= vmb_reset,
	.bar0_read	= vmb_bar0_read,
	.bar0_write	= vmb_bar0_write,
	.no_bar0_mmap	= true,
};

/* ---- Time and the wire --------------------------------------------------------- */

/*
 * The wire is a switch with three ports: the two PFs' and a reflector.
 * A frame for the reflector's MAC goes back out of the port it came in by,
 * source and destination swapped (a VM and its reflector keep talking
 * whichever PF the VM's VF is on, and frames that were on their way to a
 * VF that stopped are lost, as on a real switch until it relearns); every
 * other frame goes to the other PF.
 */
static void vmb_wire(struct vmb_host *from, struct vmb_host *to)
{
	int len;

	mutex_lock(&vmb_wire_lock);
	for (;;) {
		struct vmb_host *dst = to;

		mutex_lock(&from->lock);
		len = vfmig_model_port_tx_pull(from->pf, vmb_frame, VMB_FRAME_MAX);
		mutex_unlock(&from->lock);
		if (len <= 0)
			break;
		if (len >= 2 * ETH_ALEN && ether_addr_equal(vmb_frame, vmb_reflector_mac)) {
			memcpy(vmb_frame, vmb_frame + ETH_ALEN, ETH_ALEN);
			memcpy(vmb_frame + ETH_ALEN, vmb_reflector_mac, ETH_ALEN);
			from->reflected++;
			dst = from;
		}
		mutex_lock(&dst->lock);
		vfmig_model_port_rx(dst->pf, vmb_frame, len);
		mutex_unlock(&dst->lock);
	}
	mutex_unlock(&vmb_wire_lock);
}

static int vmb_thread(void *arg)
{
	struct vmb_host *h = arg;
	struct vmb_host *peer = &vmb_hosts[(h->idx + 1) % VMB_HOSTS];

	while (!kthread_should_stop()) {
		int work;

		mutex_lock(&h->lock);
		work = vfmig_model_poll(h->pf, ktime_get_ns() - h->t0, 0);
		mutex_unlock(&h->lock);
		vmb_wire(h, peer);
		if (!work)
			usleep_range(200, 400);
		else
			cond_resched();
	}
	return 0;
}

/* ---- Module glue ----------------------------------------------------------------- */

static void vmb_host_destroy(struct vmb_host *h)
{
	if (h->thread)
		kthread_stop(h->thread);
	h->thread = NULL;
	if (h->pf)
		vfmig_model_vf_detach(h->pf, h->vf.vf);
	if (!IS_ERR_OR_NULL(h->agent))
		vfmig_agent_free(h->agent);
	h->agent = NULL;
	if (!IS_ERR_OR_NULL(h->pf))
		vfmig_model_pf_free(h->pf);
	h->pf = NULL;
	mutex_destroy(&h->lock);
}

static int vmb_host_create(struct vmb_host *h, unsigned int idx)
{
	struct vfmig_model_vf_ops ops = {
		.dma_read	= vmb_dma_read,
		.dma_write	= vmb_dma_write,
		.irq		= vmb_irq,
		.ctx		= &h->vf,
	};
	struct vfmig_model_cfg cfg;
	int ret;

	mutex_init(&h->lock);
	h->idx = idx;
	h->vf.host = h;
	h->vf.vf = 0;
	h->t0 = ktime_get_ns();

	vfmig_model_cfg_default(&cfg);
	cfg.port_mac[5] = 0x10 + idx;
	cfg.queues_per_vf = queues[idx];
	cfg.msix_per_vf = queues[idx] + 1;
	h->pf = vfmig_model_pf_new(&cfg);
	if (IS_ERR(h->pf)) {
		ret = PTR_ERR(h->pf);
		h->pf = NULL;
		goto err_destroy;
	}
	h->agent = vfmig_agent_new(&vfmig_model_pf_hw_ops, h->pf, cfg.num_vfs);
	if (IS_ERR(h->agent)) {
		ret = PTR_ERR(h->agent);
		h->agent = NULL;
		goto err_destroy;
	}
	ret = vfmig_model_vf_attach(h->pf, h->vf.vf, &ops);
	if (ret)
		goto err_destroy;
	h->thread = kthread_run(vmb_thread, h, "vfmig-model%u", idx);
	if (IS_ERR(h->thread)) {
		ret = PTR_ERR(h->thread);
		h->thread = NULL;
		goto err_destroy;
	}
	return 0;

err_destroy:
	vmb_host_destroy(h);
	return ret;
}

int vfmig_model_backend_init(void)
{
	int i, ret;

	vmb_frame = kmalloc(VMB_FRAME_MAX, GFP_KERNEL);
	if (!vmb_frame)
		return -ENOMEM;
	for (i = 0; i < VMB_HOSTS; i++) {
		ret = vmb_host_create(&vmb_hosts[i], i);
		if (ret)
			goto err_destroy_hosts;
	}
	ret = i40e_vfio_pci_register_backend(&vmb_backend);
	if (ret)
		goto err_destroy_hosts;
	pr_info("vfmig_portable: model backend: %d model PFs, edu devices bound to i40e_vfio_pci become their VF 0\n",
		VMB_HOSTS);
	return 0;

err_destroy_hosts:
	while (i--)
		vmb_host_destroy(&vmb_hosts[i]);
	kfree(vmb_frame);
	return ret;
}

void vfmig_model_backend_exit(void)
{
	int i;

	i40e_vfio_pci_unregister_backend(&vmb_backend);
	for (i = 0; i < VMB_HOSTS; i++) {
		struct vmb_vf *v = &vmb_hosts[i].vf;

		pr_info("vfmig_portable: model PF %d: %llu interrupts, %llu DMA errors, %llu frames reflected\n",
			i, v->irqs, v->dma_errors, vmb_hosts[i].reflected);
		vmb_host_destroy(&vmb_hosts[i]);
	}
	kfree(vmb_frame);
}
