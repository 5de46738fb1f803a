/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot stub of build/vfmig-l2.elf: from the PVH entry to 64-bit C.
 *
 * QEMU's -kernel takes an ELF with a PVH note (XEN_ELFNOTE_PHYS32_ENTRY) on
 * machine pc: its pvh.bin option ROM loads the segments at their physical
 * addresses and jumps to the entry in 32-bit protected mode, paging off,
 * flat segments, %ebx = struct hvm_start_info (command line, memory map).
 * Multiboot v1 would refuse an x86-64 ELF, and the portable driver is
 * 64-bit C, hence PVH.
 *
 * The stub clears .bss, identity-maps the first 4 GiB with 2 MiB pages (RAM
 * and the 32-bit PCI window, which SeaBIOS puts below 4 GiB; the top GiB is
 * uncached for the BARs), maps the same 4 GiB again at 512 GiB (the alias
 * the guest driver's env.ram points at: the driver rejects a NULL env.ram,
 * and guest physical 0 is a valid address), enters long mode and calls
 * l2_main(start_info). Exceptions go to l2_exception(), which reports and
 * exits instead of letting a triple fault reboot the VM silently.
 */
#define PTE_P		0x001
#define PTE_RW		0x002
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_PS		0x080
#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	/* The note QEMU's load_elfboot() looks for: name "Xen", the entry. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4				/* namesz */
	.long 8				/* descsz: an ELF64 note holds a quad */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.quad pvh_start

	.section .text.boot, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	movl %ebx, %esi			/* start_info, kept for l2_main */

	/* .bss (page tables, stack, the C globals) starts out zero */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* PML4[0] and PML4[1] (512 GiB alias) -> the same PDPT */
	movl $l2_pdpt, %eax
	orl $(PTE_P | PTE_RW), %eax
	movl %eax, l2_pml4
	movl %eax, l2_pml4 + 8

	/* PDPT[0..3] -> four page directories */
	movl $l2_pd, %eax
	orl $(PTE_P | PTE_RW), %eax
	xorl %ecx, %ecx
1:	movl %eax, l2_pdpt(,%ecx,8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 1b

	/* 2048 2 MiB pages for 0..4 GiB; the last 512 (3..4 GiB) uncached */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_RW | PTE_PS), %eax
	cmpl $1536, %ecx
	jb 3f
	orl $(PTE_PCD | PTE_PWT), %eax
3:	movl %eax, l2_pd(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jb 2b

	movl $l2_pml4, %eax
	movl %eax, %cr3
	/* PAE for long mode; SSE state enabled in case the compiler uses it */
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	andl $~CR0_EM, %eax
	orl $(CR0_PE | CR0_MP | CR0_PG), %eax
	movl %eax, %cr0

	lgdt l2_gdt_desc
	ljmp $0x08, $start64

	.code64
start64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $l2_stack_top, %rsp
	xorl %ebp, %ebp
	movl %esi, %edi			/* zero-extends: start_info */
	call l2_main
4:	cli
	hlt
	jmp 4b

/*
 * One stub per exception vector 0..31. The CPU pushes an error code for
 * some vectors only; the others push 0 so the frame is always
 * {vector, error, rip, cs, rflags, rsp, ss}.
 */
.macro exc_stub vec
	.balign 16
exc_stub_\vec:
	.if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || \
	    (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || \
	    (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp exc_common
.endm

	.text
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exc_stub \vec
	.endr

exc_common:
	movq 0(%rsp), %rdi		/* vector */
	movq 8(%rsp), %rsi		/* error code */
	movq 16(%rsp), %rdx		/* rip */
	movq %cr2, %rcx			/* faulting address of a #PF */
	andq $-16, %rsp			/* the ABI's call alignment */
	call l2_exception		/* does not return */
5:	cli
	hlt
	jmp 5b

	.section .rodata
	.balign 8
	.globl l2_exc_stubs
l2_exc_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exc_stub_\vec
	.endr

	/* null, 64-bit code (0x08), data (0x10) */
	.balign 8
l2_gdt:
	.quad 0
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
l2_gdt_end:
l2_gdt_desc:
	.word l2_gdt_end - l2_gdt - 1
	.long l2_gdt

	.section .bss
	.balign 4096
	.globl l2_pml4, l2_pdpt, l2_pd
l2_pml4:	.skip 4096
l2_pdpt:	.skip 4096
l2_pd:		.skip 4 * 4096
	.balign 16
l2_stack:	.skip 65536
l2_stack_top:

	.section .note.GNU-stack, "", @progbits
