/*
 * sha256d_shani_x86_asm: the hot loop of the "shani" scanning kernel on CPUs
 * with SHA-NI and AVX (VEX encoding), hand-scheduled. Called only from
 * sha256d_shani_x86.c, which owns the kernel contract (sha256d.h); x86-64
 * only, System V ABI.
 *
 *   uint64_t sha256d_shani_x86_groups(const struct shani_x86_ctx *ctx,
 *                                     uint32_t first, uint64_t groups);
 *
 * Hashes `groups` groups of 4 nonces (group g: first + 4g .. first + 4g + 3,
 * mod 2^32) and returns (g << 8) | pass for the first group g whose pass
 * mask (bit l: lane l's H7 & ctx->mask == 0) is not zero, else groups << 8.
 * groups == 0 returns 0. The ctx layout is checked against the OFF_ values
 * below by _Static_assert in sha256d_shani_x86.c.
 *
 * The arithmetic is that of sha256d_shani_body.h (same shortcuts: rounds
 * 0-1 of block 2 and W16, W17 are job constants, padding words folded into
 * K+W constants, the second hash stopped after round 60). What differs is
 * the machine code; GCC's version of that loop spills lane state and moves
 * vectors between register files:
 *
 *  - Registers are fixed for the whole loop, no spills: lane l keeps its
 *    state in xmm(1+2l) (ABEF) and xmm(2+2l) (CDGH) and its newest message
 *    vector W[t-4..t-1] in xmm(9+l); xmm0 is the K+W operand of
 *    SHA256RNDS2, xmm13 and xmm14 are scratch, xmm15 holds {W16, W17}.
 *    Older message vectors live in a 4-slot ring per lane on the stack and
 *    are read as memory operands of SHA256MSG1, VPALIGNR and the first
 *    load (free: they were stored steps earlier). SHA256MSG2's second
 *    operand stays in a register: its memory form issues only every third
 *    clock on Zen 4 instead of every second.
 *  - One "step" of a lane is: schedule W[t..t+3], run rounds t-4..t-1 with
 *    the previous vector, shift the newest vector into the lane register.
 *    Steps are emitted step-major (step k of lanes 0..3, then step k+1), so
 *    the four independent SHA256RNDS2 chains (latency 4, one per clock)
 *    interleave and the schedule runs one step ahead of the rounds.
 *  - W16..W19 of block 2 come from integer registers: W18 = w18_base +
 *    s0(W3), W19 = w19_base + W3 (one VMOVQ) instead of a MSG1/MSG2 pair.
 *
 * Measured on AMD Zen 4 (docs/architecture.md, "CPU paths"): per nonce
 * the loop issues 62 SHA256RNDS2, 23 MSG2, 19 MSG1 and about 210 other
 * instructions, and runs at about 92 clocks. It is bound by the SHA units
 * (MSG2 issues every other clock, MSG1 shares its unit, and shuffles and
 * MSG1 take RNDS2 issue slots) together with the number of instructions in
 * flight: every extra instruction costs about a sixth of a clock, so the
 * loop has no instruction it can do without. Not better, tried: 5 or 6
 * lanes (extra lanes' vectors in xmm16+), finer lane interleaving, the
 * rounds one step later, K+W of the high pair reloaded from the ring
 * instead of PSHUFD (store-to-load forwarding into RNDS2 operands is
 * slow), K+W kept in xmm16+.
 */

/* struct shani_x86_ctx (sha256d_shani_x86.c) */
	.set OFF_R2_ABEF, 0
	.set OFF_R2_CDGH, 16
	.set OFF_MID_ABEF, 32
	.set OFF_MID_CDGH, 48
	.set OFF_IV_ABEF, 64
	.set OFF_IV_CDGH, 80
	.set OFF_B2_M3M4, 96
	.set OFF_KW4, 112
	.set OFF_KW8, 128
	.set OFF_KW12, 144
	.set OFF_KW4H, 160
	.set OFF_KW8H, 176
	.set OFF_KW12H, 192
	.set OFF_H2KW8, 208
	.set OFF_H2KW12, 224
	.set OFF_H2KW8H, 240
	.set OFF_H2KW12H, 256
	.set OFF_B2_M1, 272
	.set OFF_B2_M3, 288
	.set OFF_H2_M3, 304
	.set OFF_W1617, 320
	.set OFF_K, 336
	.set OFF_KW2, 592
	.set OFF_K3, 596
	.set OFF_MASK, 600
	.set OFF_IV7, 604
	.set OFF_W18B, 608
	.set OFF_W19B, 612

	.set LANE_BYTES, 64		/* stack ring: W[t..t+3] in slot (t >> 2) & 3 */

/* K[t..t+3] as a memory operand. */
#define KV(t) (OFF_K + 4 * (t))(%rdi)
/* Lane ring slot of W[t..t+3]; \s is the lane's ring base. */
#define SLOT(s, t) ((s) + ((((t) >> 2) & 3) << 4))(%rsp)

/* Four rounds t..t+3 of lane (x, y) with W[t..t+3] in register w. */
.macro ROUNDS_REG x, y, w, t
	vpaddd		KV(\t), \w, %xmm0
	sha256rnds2	\x, \y
	vpshufd		$0x0e, %xmm0, %xmm0
	sha256rnds2	\y, \x
.endm

/* Four rounds with W[t..t+3] in the lane's stack ring. */
.macro ROUNDS_SLOT x, y, s, t
	vmovdqa		SLOT(\s, \t), %xmm0
	vpaddd		KV(\t), %xmm0, %xmm0
	sha256rnds2	\x, \y
	vpshufd		$0x0e, %xmm0, %xmm0
	sha256rnds2	\y, \x
.endm

/* Four rounds with constant K+W (low pair at kw, high pair at kwh). */
.macro ROUNDS_CONST x, y, kw, kwh
	vmovdqa		\kw(%rdi), %xmm0
	sha256rnds2	\x, \y
	vmovdqa		\kwh(%rdi), %xmm0
	sha256rnds2	\y, \x
.endm

/*
 * xmm13 = W[t..t+3] from the ring (W[t-16..], W[t-12..], W[t-8..]) and the
 * lane register p (W[t-4..]); stored to the ring when st is true.
 */
.macro SCHED p, s, t, st
	vmovdqa		SLOT(\s, \t - 16), %xmm13
	sha256msg1	SLOT(\s, \t - 12), %xmm13
	vpalignr	$4, SLOT(\s, \t - 8), \p, %xmm14
	vpaddd		%xmm14, %xmm13, %xmm13
	sha256msg2	\p, %xmm13
	.if \st
	vmovdqa		%xmm13, SLOT(\s, \t)
	.endif
.endm

/*
 * A standard step: W[t..] scheduled, rounds t-4..t-1, p = W[t..]. W56..
 * and W60.. are never read back from the ring, so not stored.
 */
.macro STEP l, x, y, p, s, t
	SCHED		\p, \s, \t, (\t<56)
	ROUNDS_REG	\x, \y, \p, (\t-4)
	vmovdqa		%xmm13, \p
.endm

/* ---- first hash (block 2 of the header) ---- */

/* Rounds 2-3 (W3 = bswap(nonce)), W16..W19 from GPRs, rounds 4-7. */
.macro H1_START l, x, y, p, s
	leal		\l(%rsi), %eax
	bswapl		%eax			/* W3 */
	movl		OFF_K3(%rdi), %r9d
	addl		%eax, %r9d
	shlq		$32, %r9
	orq		%r11, %r9
	vmovq		%r9, %xmm0		/* {K2 + W2, K3 + W3} */
	vmovdqa		OFF_R2_CDGH(%rdi), \x
	sha256rnds2	OFF_R2_ABEF(%rdi), \x
	vmovdqa		OFF_R2_ABEF(%rdi), \y
	movl		%eax, %r8d		/* s0(W3) = ror7(W3 ^ ror11(W3)) ^ W3 >> 3 */
	rorl		$11, %r8d
	xorl		%eax, %r8d
	rorl		$7, %r8d
	movl		%eax, %r9d
	shrl		$3, %r9d
	xorl		%r9d, %r8d
	addl		OFF_W18B(%rdi), %r8d	/* W18 */
	addl		OFF_W19B(%rdi), %eax	/* W19 */
	shlq		$32, %rax
	orq		%r8, %rax
	vmovq		%rax, %xmm13
	vpunpcklqdq	%xmm13, %xmm15, %xmm13	/* W16..W19 */
	vmovdqa		%xmm13, SLOT(\s, 16)
	vmovdqa		%xmm13, \p
	ROUNDS_CONST	\x, \y, OFF_KW4, OFF_KW4H
.endm

/* W20 = MSG2({W4 + s0(W5), ..} + {W13..W16}, W16..): W4..W15 are padding. */
.macro H1_W20 l, x, y, p, s
	vpalignr	$4, OFF_B2_M3(%rdi), \p, %xmm13
	vpaddd		OFF_B2_M1(%rdi), %xmm13, %xmm13
	sha256msg2	\p, %xmm13
	vmovdqa		%xmm13, SLOT(\s, 20)
	vmovdqa		%xmm13, \p
	ROUNDS_CONST	\x, \y, OFF_KW8, OFF_KW8H
.endm

.macro H1_W24 l, x, y, p, s
	vpalignr	$4, SLOT(\s, 16), \p, %xmm13
	sha256msg2	\p, %xmm13
	vmovdqa		%xmm13, SLOT(\s, 24)
	vmovdqa		%xmm13, \p
	ROUNDS_CONST	\x, \y, OFF_KW12, OFF_KW12H
.endm

/* W28: MSG1(W12.., W16..) = {0, 0, s0(640), 640 + s0(W16)}, a job constant. */
.macro H1_W28 l, x, y, p, s
	vpalignr	$4, SLOT(\s, 20), \p, %xmm13
	vpaddd		OFF_B2_M3M4(%rdi), %xmm13, %xmm13
	sha256msg2	\p, %xmm13
	vmovdqa		%xmm13, SLOT(\s, 28)
	ROUNDS_SLOT	\x, \y, \s, 16
	vmovdqa		%xmm13, \p
.endm

.macro H1_R20 l, x, y, p, s
	ROUNDS_SLOT	\x, \y, \s, 20
.endm

.macro H1_R24 l, x, y, p, s
	ROUNDS_SLOT	\x, \y, \s, 24
.endm

.macro R60 l, x, y, p, s
	ROUNDS_REG	\x, \y, \p, 60
.endm

/* ---- second hash: feed-forward, W0..7 = digest, W8..15 padding ---- */

.macro H2_START l, x, y, p, s
	vpaddd		OFF_MID_ABEF(%rdi), \x, \x
	vpaddd		OFF_MID_CDGH(%rdi), \y, \y
	vpunpckhqdq	\x, \y, %xmm14
	vpshufd		$0x1b, %xmm14, %xmm13	/* W0..W3 = A, B, C, D */
	vpunpcklqdq	\x, \y, %xmm14
	vpshufd		$0x1b, %xmm14, %xmm14	/* W4..W7 = E, F, G, H */
	vmovdqa		%xmm14, SLOT(\s, 4)
	vmovdqa		OFF_IV_ABEF(%rdi), \x
	vmovdqa		OFF_IV_CDGH(%rdi), \y
	ROUNDS_REG	\x, \y, %xmm13, 0
	sha256msg1	SLOT(\s, 4), %xmm13
	sha256msg2	OFF_H2_M3(%rdi), %xmm13	/* W16 */
	vmovdqa		%xmm13, SLOT(\s, 16)
	ROUNDS_REG	\x, \y, %xmm14, 4
	vmovdqa		%xmm13, \p
.endm

/* W20 = MSG2(MSG1(W4.., W8..) + {W13..W16}, W16..); slot 4 is slot 20. */
.macro H2_W20 l, x, y, p, s
	vmovdqa		SLOT(\s, 4), %xmm13
	sha256msg1	OFF_B2_M1(%rdi), %xmm13
	vpalignr	$4, OFF_H2_M3(%rdi), \p, %xmm14
	vpaddd		%xmm14, %xmm13, %xmm13
	sha256msg2	\p, %xmm13
	vmovdqa		%xmm13, SLOT(\s, 20)
	vmovdqa		%xmm13, \p
	ROUNDS_CONST	\x, \y, OFF_H2KW8, OFF_H2KW8H
.endm

/* W24: MSG1(W8.., W12..) = {0x80000000, 0, 0, 0}. */
.macro H2_W24 l, x, y, p, s
	vpalignr	$4, SLOT(\s, 16), \p, %xmm13
	vpaddd		OFF_B2_M1(%rdi), %xmm13, %xmm13
	sha256msg2	\p, %xmm13
	vmovdqa		%xmm13, SLOT(\s, 24)
	vmovdqa		%xmm13, \p
	ROUNDS_CONST	\x, \y, OFF_H2KW12, OFF_H2KW12H
.endm

.macro H2_W28 l, x, y, p, s
	vmovdqa		OFF_H2_M3(%rdi), %xmm13
	sha256msg1	SLOT(\s, 16), %xmm13
	vpalignr	$4, SLOT(\s, 20), \p, %xmm14
	vpaddd		%xmm14, %xmm13, %xmm13
	sha256msg2	\p, %xmm13
	vmovdqa		%xmm13, SLOT(\s, 28)
	ROUNDS_SLOT	\x, \y, \s, 16
	vmovdqa		%xmm13, \p
.endm

/* Last step: W60, rounds 56-59, then rounds 60-61 only. */
.macro H2_END l, x, y, p, s
	SCHED		\p, \s, 60, 0
	ROUNDS_REG	\x, \y, \p, 56
	vpaddd		KV(60), %xmm13, %xmm0
	sha256rnds2	\x, \y			/* dword 0 of y: e after round 60 */
.endm

/*
 * Pass bit of lane l: H7 = IV7 + e after round 60, (H7 & mask) == 0.
 * Uses eax, r9; ors into r8d.
 */
.macro FILTER l, x, y, p, s
	vmovd		\y, %eax
	addl		OFF_IV7(%rdi), %eax
	xorl		%r9d, %r9d
	testl		%r10d, %eax
	setz		%r9b
	shll		$\l, %r9d
	orl		%r9d, %r8d
.endm

/* One step of all four lanes (step-major order): m lane, x, y, p, ring. */
.macro EACH m
	\m		0, %xmm1, %xmm2, %xmm9, 0
	\m		1, %xmm3, %xmm4, %xmm10, LANE_BYTES
	\m		2, %xmm5, %xmm6, %xmm11, (2*LANE_BYTES)
	\m		3, %xmm7, %xmm8, %xmm12, (3*LANE_BYTES)
.endm

/* The same with one more argument (the step's t). */
.macro EACHT m, t
	\m		0, %xmm1, %xmm2, %xmm9, 0, \t
	\m		1, %xmm3, %xmm4, %xmm10, LANE_BYTES, \t
	\m		2, %xmm5, %xmm6, %xmm11, (2*LANE_BYTES), \t
	\m		3, %xmm7, %xmm8, %xmm12, (3*LANE_BYTES), \t
.endm

	.text
	.p2align 6
	.globl	sha256d_shani_x86_groups
	.type	sha256d_shani_x86_groups, @function
sha256d_shani_x86_groups:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	vzeroupper				/* legacy-SSE SHA ops: no dirty upper YMM state */
	andq	$-64, %rsp
	subq	$4 * LANE_BYTES, %rsp
	xorl	%ecx, %ecx			/* g */
	movl	OFF_KW2(%rdi), %r11d
	movl	OFF_MASK(%rdi), %r10d
	vmovdqa	OFF_W1617(%rdi), %xmm15
	testq	%rdx, %rdx
	jz	.Lnone
	.p2align 5
.Lgroup:
	EACH	H1_START
	EACH	H1_W20
	EACH	H1_W24
	EACH	H1_W28
	EACH	H1_R20
	EACH	H1_R24
	.irp t, 32, 36, 40, 44, 48, 52, 56, 60
	EACHT	STEP, \t
	.endr
	EACH	R60
	EACH	H2_START
	EACH	H2_W20
	EACH	H2_W24
	EACH	H2_W28
	EACH	H1_R20				/* rounds 20-27 from the ring */
	EACH	H1_R24
	.irp t, 32, 36, 40, 44, 48, 52, 56
	EACHT	STEP, \t
	.endr
	EACH	H2_END
	xorl	%r8d, %r8d
	EACH	FILTER
	testl	%r8d, %r8d
	jnz	.Lfound
	addl	$4, %esi
	addq	$1, %rcx
	cmpq	%rdx, %rcx
	jb	.Lgroup
.Lnone:
	movq	%rdx, %rax
	shlq	$8, %rax
	leave
	.cfi_remember_state
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_restore_state
.Lfound:
	movq	%rcx, %rax
	shlq	$8, %rax
	orq	%r8, %rax
	leave
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	sha256d_shani_x86_groups, .-sha256d_shani_x86_groups

	.section .note.GNU-stack, "", @progbits
