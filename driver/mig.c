// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vfio_pci: vfio_migration_ops and the migration data files.
 *
 * set_state walks single arcs with vfio_mig_get_next_state() under
 * state_mutex; each arc is done by the portable core
 * (vfmig_vfdev_set_state() with a target one arc away), which is where
 * docs/migration.md's per-arc work lives. This file adds what is the
 * kernel's: the data files.
 *
 *   RUNNING/RUNNING_P2P -> PRE_COPY/PRE_COPY_P2P  opens the save file
 *   STOP -> STOP_COPY                            opens the save file
 *   PRE_COPY_P2P -> STOP_COPY                    the same file goes on
 *   STOP_COPY -> STOP, PRE_COPY* -> RUNNING*     ends the save file
 *   STOP -> RESUMING                             opens the resume file
 *   RESUMING -> STOP                             ends the resume file; the
 *                                                core applies the stream
 *                                                and fails the arc (device
 *                                                in ERROR) if it is bad
 *
 * An ended file is disabled (every later call -ENODEV) and the device
 * drops its reference; the file itself lives until userspace closes it.
 * The device never points at a file it does not hold a reference to.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include "compat.h"
#include "i40e_vfio_pci.h"

static void i40e_vfio_migf_disable(struct i40e_vfio_migf *migf)
{
	mutex_lock(&migf->lock);
	migf->disabled = true;
	mutex_unlock(&migf->lock);
	wake_up_interruptible(&migf->wq);
}

static int i40e_vfio_migf_release(struct inode *inode, struct file *filp)
{
	struct i40e_vfio_migf *migf = filp->private_data;

	mutex_destroy(&migf->lock);
	mutex_destroy(&migf->io_lock);
	kvfree(migf->buf);
	kfree(migf);
	return 0;
}

/* Produced save bytes at the file position into migf->buf. */
static long i40e_vfio_save_fill(struct i40e_vfio_migf *migf, size_t len,
				bool *eof)
{
	long n;

	mutex_lock(&migf->lock);
	if (migf->disabled)
		n = -ENODEV;
	else
		n = vfmig_vfdev_save_read(migf->ivdev->mig, migf->pos, migf->buf,
					  min_t(size_t, len, I40E_VFIO_MIGF_BUF),
					  eof);
	mutex_unlock(&migf->lock);
	return n;
}

/*
 * Save stream bytes from the current position. In PRE_COPY* "nothing more
 * for now" is -ENOMSG (the uAPI's end of an iteration); in STOP_COPY the
 * end of the stream is a 0 return. A file disabled by an arc, a reset or
 * close returns -ENODEV.
 */
static ssize_t i40e_vfio_save_read(struct file *filp, char __user *buf,
				   size_t len, loff_t *pos)
{
	struct i40e_vfio_migf *migf = filp->private_data;
	ssize_t done = 0;

	if (pos)
		return -ESPIPE;

	mutex_lock(&migf->io_lock);
	while (len) {
		bool eof = false;
		long n = i40e_vfio_save_fill(migf, len, &eof);

		if (n < 0 || (n == 0 && !eof && !done)) {
			if (!done)
				done = n < 0 ? n : -ENOMSG;
			break;
		}
		if (n == 0)
			break;
		if (copy_to_user(buf + done, migf->buf, n)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		migf->pos += n;
		done += n;
		len -= n;
	}
	mutex_unlock(&migf->io_lock);
	return done;
}

/*
 * Readable when a read would return data, or the end of the stream
 * (STOP_COPY, permanent); in PRE_COPY* at the temporary end of the
 * pre-copy data (a read gives ENOMSG) nothing is readable until the device
 * moves on, as the uAPI lets a user wait for more with poll(). An ended
 * file is an error.
 */
static __poll_t i40e_vfio_save_poll(struct file *filp,
				    struct poll_table_struct *wait)
{
	struct i40e_vfio_migf *migf = filp->private_data;
	__poll_t mask = 0;
	bool eof = false;
	long n;

	poll_wait(filp, &migf->wq, wait);
	mutex_lock(&migf->lock);
	if (migf->disabled) {
		mask = EPOLLERR | EPOLLHUP;
	} else {
		n = vfmig_vfdev_save_pending(migf->ivdev->mig,
					     READ_ONCE(migf->pos), &eof);
		if (n < 0)
			mask = EPOLLERR;
		else if (n > 0 || eof)
			mask = EPOLLIN | EPOLLRDNORM;
	}
	mutex_unlock(&migf->lock);
	return mask;
}

static long i40e_vfio_save_ioctl(struct file *filp, unsigned int cmd,
				 unsigned long arg)
{
#if I40E_VFIO_HAS_PRE_COPY
	struct i40e_vfio_migf *migf = filp->private_data;
	unsigned long minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct vfio_precopy_info info;
	u64 initial, dirty;
	int ret;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	/*
	 * The uAPI answers EINVAL outside PRE_COPY and PRE_COPY_P2P; a file
	 * whose session ended is outside them (even if a new session is in
	 * PRE_COPY now: its numbers are not this file's).
	 */
	mutex_lock(&migf->lock);
	if (migf->disabled)
		ret = -EINVAL;
	else
		ret = vfmig_vfdev_precopy_info(migf->ivdev->mig, &initial,
					       &dirty);
	mutex_unlock(&migf->lock);
	if (ret)
		return ret;
	pci_dbg(i40e_vfio_pdev(migf->ivdev), "precopy_info initial %llu dirty %llu\n",
		initial, dirty);

	info.flags = 0;
	info.initial_bytes = initial;
	info.dirty_bytes = dirty;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
#else
	return -ENOTTY;
#endif
}

static ssize_t i40e_vfio_resume_write(struct file *filp,
				      const char __user *buf, size_t len,
				      loff_t *pos)
{
	struct i40e_vfio_migf *migf = filp->private_data;
	ssize_t done = 0;

	if (pos)
		return -ESPIPE;

	mutex_lock(&migf->io_lock);
	while (len) {
		size_t chunk = min_t(size_t, len, I40E_VFIO_MIGF_BUF);
		long n;

		if (copy_from_user(migf->buf, buf + done, chunk)) {
			done = -EFAULT;
			break;
		}
		mutex_lock(&migf->lock);
		if (migf->disabled)
			n = -ENODEV;
		else
			n = vfmig_vfdev_resume_write(migf->ivdev->mig, migf->buf,
						     chunk);
		mutex_unlock(&migf->lock);
		/* The core latches a bad stream: report it, not a short write. */
		if (n < 0) {
			done = n;
			break;
		}
		migf->pos += chunk;
		done += chunk;
		len -= chunk;
	}
	mutex_unlock(&migf->io_lock);
	return done;
}

static const struct file_operations i40e_vfio_save_fops = {
	.owner		= THIS_MODULE,
	.read		= i40e_vfio_save_read,
	.poll		= i40e_vfio_save_poll,
	.unlocked_ioctl	= i40e_vfio_save_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= i40e_vfio_migf_release,
};

static const struct file_operations i40e_vfio_resume_fops = {
	.owner		= THIS_MODULE,
	.write		= i40e_vfio_resume_write,
	.release	= i40e_vfio_migf_release,
};

static struct i40e_vfio_migf *
i40e_vfio_migf_create(struct i40e_vfio_pci_device *ivdev, bool save)
{
	struct i40e_vfio_migf *migf;
	struct file *filp;
	int ret;

	migf = kzalloc(sizeof(*migf), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->buf = kvmalloc(I40E_VFIO_MIGF_BUF, GFP_KERNEL_ACCOUNT);
	if (!migf->buf) {
		ret = -ENOMEM;
		goto err_free_migf;
	}
	mutex_init(&migf->io_lock);
	mutex_init(&migf->lock);
	init_waitqueue_head(&migf->wq);
	migf->ivdev = ivdev;

	filp = anon_inode_getfile(save ? "i40e_vfio_save" : "i40e_vfio_resume",
				  save ? &i40e_vfio_save_fops :
					 &i40e_vfio_resume_fops,
				  migf, save ? O_RDONLY : O_WRONLY);
	if (IS_ERR(filp)) {
		ret = PTR_ERR(filp);
		goto err_free_buf;
	}
	migf->filp = filp;
	stream_open(filp->f_inode, filp);
	return migf;

err_free_buf:
	mutex_destroy(&migf->lock);
	mutex_destroy(&migf->io_lock);
	kvfree(migf->buf);
err_free_migf:
	kfree(migf);
	return ERR_PTR(ret);
}

/* Disable @migf and drop the device's reference to it. */
static void i40e_vfio_migf_put(struct i40e_vfio_migf **slot)
{
	struct i40e_vfio_migf *migf = *slot;

	if (!migf)
		return;
	*slot = NULL;
	i40e_vfio_migf_disable(migf);
	fput(migf->filp);
}

void i40e_vfio_mig_files_disable_locked(struct i40e_vfio_pci_device *ivdev)
{
	lockdep_assert_held(&ivdev->state_mutex);
	i40e_vfio_migf_put(&ivdev->save_file);
	i40e_vfio_migf_put(&ivdev->resume_file);
}

static bool i40e_vfio_is_running(u32 s)
{
	return s == VFIO_DEVICE_STATE_RUNNING ||
	       s == VFIO_DEVICE_STATE_RUNNING_P2P;
}

static bool i40e_vfio_is_pre_copy(u32 s)
{
#if I40E_VFIO_HAS_PRE_COPY
	return s == VFIO_DEVICE_STATE_PRE_COPY ||
	       s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
#else
	return false;
#endif
}

/* Do one arc in the core; a failure that leaves ERROR ends every file. */
static int i40e_vfio_arc_locked(struct i40e_vfio_pci_device *ivdev, u32 next)
{
	char reason[VFMIG_VFDEV_REASON_LEN];
	u32 cur = vfmig_vfdev_get_state(ivdev->mig);
	u64 t0 = ktime_get_ns();
	int ret;

	ret = vfmig_vfdev_set_state(ivdev->mig, next);
	/* dynamic debug: what a management layer walked, and what each arc cost */
	pci_dbg(i40e_vfio_pdev(ivdev), "arc %s -> %s: %d, %llu us\n",
		vfmig_fsm_state_name(cur), vfmig_fsm_state_name(next), ret,
		div_u64(ktime_get_ns() - t0, NSEC_PER_USEC));
	if (!ret)
		return 0;
	vfmig_vfdev_reason(ivdev->mig, reason, sizeof(reason));
	pci_warn(i40e_vfio_pdev(ivdev), "migration arc to state %u failed: %d (%s)\n",
		 next, ret, reason);
	if (vfmig_vfdev_get_state(ivdev->mig) == VFMIG_MIG_ERROR)
		i40e_vfio_mig_files_disable_locked(ivdev);
	return ret;
}

/* An arc that opens a data file: the file first, so no arc is left half done. */
static struct file *i40e_vfio_arc_open_locked(struct i40e_vfio_pci_device *ivdev,
					      u32 next, bool save)
{
	struct i40e_vfio_migf **slot = save ? &ivdev->save_file :
					      &ivdev->resume_file;
	struct i40e_vfio_migf *migf;
	int ret;

	if (WARN_ON(*slot))
		return ERR_PTR(-EBUSY);
	migf = i40e_vfio_migf_create(ivdev, save);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	ret = i40e_vfio_arc_locked(ivdev, next);
	if (ret) {
		i40e_vfio_migf_put(&migf);
		return ERR_PTR(ret);
	}
	*slot = migf;
	/* One reference for the device, one for the fd vfio installs. */
	get_file(migf->filp);
	return migf->filp;
}

static struct file *i40e_vfio_step_locked(struct i40e_vfio_pci_device *ivdev,
					  u32 cur, u32 next)
{
	int ret;

	if ((i40e_vfio_is_running(cur) && i40e_vfio_is_pre_copy(next)) ||
	    (cur == VFIO_DEVICE_STATE_STOP &&
	     next == VFIO_DEVICE_STATE_STOP_COPY))
		return i40e_vfio_arc_open_locked(ivdev, next, true);
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RESUMING)
		return i40e_vfio_arc_open_locked(ivdev, next, false);

	ret = i40e_vfio_arc_locked(ivdev, next);
	if (ret)
		return ERR_PTR(ret);

	/* PRE_COPY_P2P -> STOP_COPY: the same file has the rest now */
	if (ivdev->save_file && next == VFIO_DEVICE_STATE_STOP_COPY)
		wake_up_interruptible(&ivdev->save_file->wq);
	if ((cur == VFIO_DEVICE_STATE_STOP_COPY &&
	     next == VFIO_DEVICE_STATE_STOP) ||
	    (i40e_vfio_is_pre_copy(cur) && i40e_vfio_is_running(next)))
		i40e_vfio_migf_put(&ivdev->save_file);
	else if (cur == VFIO_DEVICE_STATE_RESUMING &&
		 next == VFIO_DEVICE_STATE_STOP)
		i40e_vfio_migf_put(&ivdev->resume_file);
	return NULL;
}

static struct file *
i40e_vfio_set_device_state(struct vfio_device *vdev,
			   enum vfio_device_mig_state new_state)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	enum vfio_device_mig_state cur, next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&ivdev->state_mutex);
	cur = (enum vfio_device_mig_state)vfmig_vfdev_get_state(ivdev->mig);
	/*
	 * Only VFIO_DEVICE_RESET leaves ERROR, and ERROR is never a target
	 * (uAPI). Refused here: vfio_mig_get_next_state() WARNs when called
	 * with ERROR as the current state, and a user must not be able to
	 * trigger a kernel warning.
	 */
	if (cur == VFIO_DEVICE_STATE_ERROR) {
		res = ERR_PTR(-EINVAL);
		goto out_unlock;
	}
	while (cur != new_state) {
		ret = vfio_mig_get_next_state(vdev, cur, new_state, &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = i40e_vfio_step_locked(ivdev, cur, next);
		if (IS_ERR(res))
			break;
		cur = next;
		/* Only the last arc of a walk may hand out a file. */
		if (WARN_ON(res && cur != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
out_unlock:
	mutex_unlock(&ivdev->state_mutex);
	return res;
}

static int i40e_vfio_get_device_state(struct vfio_device *vdev,
				      enum vfio_device_mig_state *state)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);

	mutex_lock(&ivdev->state_mutex);
	*state = (enum vfio_device_mig_state)vfmig_vfdev_get_state(ivdev->mig);
	mutex_unlock(&ivdev->state_mutex);
	return 0;
}

#if I40E_VFIO_HAS_DATA_SIZE
static int i40e_vfio_get_data_size(struct vfio_device *vdev,
				   unsigned long *stop_copy_length)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	u64 len;
	int ret;

	mutex_lock(&ivdev->state_mutex);
	ret = vfmig_vfdev_data_size(ivdev->mig, &len);
	mutex_unlock(&ivdev->state_mutex);
	if (!ret)
		*stop_copy_length = len;
	return ret;
}
#endif

const struct vfio_migration_ops i40e_vfio_mig_ops = {
	.migration_set_state	= i40e_vfio_set_device_state,
	.migration_get_state	= i40e_vfio_get_device_state,
#if I40E_VFIO_HAS_DATA_SIZE
	.migration_get_data_size = i40e_vfio_get_data_size,
#endif
};
