/**
 * Which x87 instruction forms cpu/fpu/x87_semantics.ts runs, and the form word that says what to
 * do. The interpreter (cpu/fpu/fpu.ts, through the kernels of cpu/fpu/x87_kernels.ts) and
 * compiled code (cpu/jit/wasm_emitter.ts `x87`, inline) both look the form up here; a form
 * without one, or a run that declines, goes to the interpreter's exact handler.
 *
 * Form word: bits 4–0 the kind, 7–5 the arithmetic operation (the D8 ModRM.reg meaning: 0 add,
 * 1 mul, 4 sub, 5 subr, 6 div, 7 divr; for FLD_CONST 0 is FLD1 and 6 FLDZ; for the compares how
 * many times they pop), 10–8 the register operand i, bit 11 pop once done, bits 26–16 the FOP
 * value the instruction records.
 *
 * @module
 */

/** ST(0) ← ST(0) op ST(i) (D8 C0–CF, E0–EF). */
export const K_ARITH_ST0 = 0;
/** ST(i) ← ST(i) op ST(0), popping for DE (DC/DE C0–CF, E0–EF). */
export const K_ARITH_STI = 1;
/** ST(0) ← ST(0) op m32real (D8 /0 /1 /4 /5). */
export const K_ARITH_M32 = 2;
/** ST(0) ← ST(0) op m64real (DC /0 /1 /4 /5). */
export const K_ARITH_M64 = 3;
/** FLD m32real (D9 /0). */
export const K_FLD_M32 = 4;
/** FLD m64real (DD /0). */
export const K_FLD_M64 = 5;
/** FLD ST(i) (D9 C0+i). */
export const K_FLD_STI = 6;
/** FXCH ST(i) (D9 C8+i). */
export const K_FXCH = 7;
/** FST/FSTP ST(i) (DD D0+i, D8+i). */
export const K_FST_STI = 8;
/** FST/FSTP m32real (D9 /2 /3). */
export const K_FST_M32 = 9;
/** FST/FSTP m64real (DD /2 /3). */
export const K_FST_M64 = 10;
/** FCHS (D9 E0). */
export const K_FCHS = 11;
/** FABS (D9 E1). */
export const K_FABS = 12;
/** FLD1 and FLDZ (D9 E8, EE). */
export const K_FLD_CONST = 13;
/** ST(0) ← ST(0) op m32int (DA /0 /1 /4 /5). */
export const K_ARITH_I32 = 14;
/** ST(0) ← ST(0) op m16int (DE /0 /1 /4 /5). */
export const K_ARITH_I16 = 15;
/** FILD m32int (DB /0). */
export const K_FILD_M32 = 16;
/** FILD m16int (DF /0). */
export const K_FILD_M16 = 17;
/** FIST/FISTP m32int (DB /2 /3). */
export const K_FIST_M32 = 18;
/** FIST/FISTP m16int (DF /2 /3). */
export const K_FIST_M16 = 19;
/** FLD m80real (DB /5): a copy of the ten bytes, whatever they encode. */
export const K_FLD_M80 = 20;
/** FSTP m80real (DB /7). */
export const K_FSTP_M80 = 21;
/** FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/FUCOMPP ST(i) (the operation field: how many pops). */
export const K_FCOM_STI = 22;
/** FCOM/FCOMP m32real (D8 /2 /3). */
export const K_FCOM_M32 = 23;
/** FCOM/FCOMP m64real (DC /2 /3). */
export const K_FCOM_M64 = 24;
/** FTST (D9 E4). */
export const K_FTST = 25;
/** FSQRT (D9 FA). */
export const K_FSQRT = 26;
/** The last kind. */
const LAST_KIND = K_FSQRT;

/** The kind of form word `form`. */
export function formKind(form: number): number {
  return form & 0x1f;
}
/** The operation field of form word `form`. */
export function formOp(form: number): number {
  return (form >> 5) & 7;
}
/** The register operand i of form word `form`. */
export function formRegister(form: number): number {
  return (form >> 8) & 7;
}
/** 1 when form word `form` pops once done. */
export function formPop(form: number): number {
  return (form >> 11) & 1;
}
/** The FOP value of form word `form`. */
export function formFop(form: number): number {
  return form >>> 16;
}

/** Memory operand bytes of a form word's kind: 2, 4, 8 or 10, 0 for register forms. */
export function operandBytes(form: number): 0 | 2 | 4 | 8 | 10 {
  switch (formKind(form)) {
    case K_FLD_M80:
    case K_FSTP_M80:
      return 10;
    case K_ARITH_I16:
    case K_FILD_M16:
    case K_FIST_M16:
      return 2;
    case K_ARITH_M32:
    case K_FLD_M32:
    case K_FST_M32:
    case K_ARITH_I32:
    case K_FILD_M32:
    case K_FIST_M32:
    case K_FCOM_M32:
      return 4;
    case K_ARITH_M64:
    case K_FLD_M64:
    case K_FST_M64:
    case K_FCOM_M64:
      return 8;
    default:
      return 0;
  }
}

/** True when the form's memory operand is written (FST/FIST and their P forms), not read. */
export function storesOperand(form: number): boolean {
  const kind = formKind(form);
  return kind === K_FST_M32 || kind === K_FST_M64 || kind === K_FIST_M32 ||
    kind === K_FIST_M16 || kind === K_FSTP_M80;
}

function word(kind: number, op: number, i: number, pop: boolean, fop: number): number {
  return kind | (op << 5) | (i << 8) | (pop ? 1 << 11 : 0) | (fop << 16);
}

/** The arithmetic operations the kernels compute (the others compare). */
const KERNEL_ARITH = new Set([0, 1, 4, 5, 6, 7]);

function classify(opcode: number, modrm: number): number {
  const fop = ((opcode & 7) << 8) | modrm;
  const reg = (modrm >> 3) & 7, i = modrm & 7;
  if (modrm < 0xc0) {
    switch (opcode) {
      case 0xd8:
        if (reg === 2 || reg === 3) return word(K_FCOM_M32, reg - 2, 0, false, fop);
        return KERNEL_ARITH.has(reg) ? word(K_ARITH_M32, reg, 0, false, fop) : -1;
      case 0xdc:
        if (reg === 2 || reg === 3) return word(K_FCOM_M64, reg - 2, 0, false, fop);
        return KERNEL_ARITH.has(reg) ? word(K_ARITH_M64, reg, 0, false, fop) : -1;
      case 0xd9:
        if (reg === 0) return word(K_FLD_M32, 0, 0, false, fop);
        return reg === 2 || reg === 3 ? word(K_FST_M32, 0, 0, reg === 3, fop) : -1;
      case 0xdd:
        if (reg === 0) return word(K_FLD_M64, 0, 0, false, fop);
        return reg === 2 || reg === 3 ? word(K_FST_M64, 0, 0, reg === 3, fop) : -1;
      case 0xda:
        return KERNEL_ARITH.has(reg) ? word(K_ARITH_I32, reg, 0, false, fop) : -1;
      case 0xde:
        return KERNEL_ARITH.has(reg) ? word(K_ARITH_I16, reg, 0, false, fop) : -1;
      case 0xdb:
        // DB /1 is SSE3's FISTTP: left to the interpreter, which checks the feature.
        if (reg === 0) return word(K_FILD_M32, 0, 0, false, fop);
        if (reg === 5) return word(K_FLD_M80, 0, 0, false, fop);
        if (reg === 7) return word(K_FSTP_M80, 0, 0, true, fop);
        return reg === 2 || reg === 3 ? word(K_FIST_M32, 0, 0, reg === 3, fop) : -1;
      case 0xdf:
        if (reg === 0) return word(K_FILD_M16, 0, 0, false, fop);
        return reg === 2 || reg === 3 ? word(K_FIST_M16, 0, 0, reg === 3, fop) : -1;
      default:
        return -1;
    }
  }
  switch (opcode) {
    case 0xd8:
      if (reg === 2 || reg === 3) return word(K_FCOM_STI, reg - 2, i, false, fop);
      return KERNEL_ARITH.has(reg) ? word(K_ARITH_ST0, reg, i, false, fop) : -1;
    case 0xdc:
    case 0xde:
      // DC D0+i/D8+i alias FCOM/FCOMP, DE D0+i FCOMP; DE D9 is FCOMPP (other DE D8+i: #UD).
      if (opcode === 0xdc && (reg === 2 || reg === 3)) {
        return word(K_FCOM_STI, reg - 2, i, false, fop);
      }
      if (opcode === 0xde && reg === 2) return word(K_FCOM_STI, 1, i, false, fop);
      if (modrm === 0xd9 && opcode === 0xde) return word(K_FCOM_STI, 2, 1, false, fop);
      // In these encodings sub/subr are swapped relative to D8 (DC E0+i is FSUBR ST(i), ST(0)).
      if (!KERNEL_ARITH.has(reg)) return -1;
      return word(K_ARITH_STI, reg >= 4 ? reg ^ 1 : reg, i, opcode === 0xde, fop);
    case 0xd9:
      if (reg === 0) return word(K_FLD_STI, 0, i, false, fop);
      if (reg === 1) return word(K_FXCH, 0, i, false, fop);
      if (modrm === 0xe0) return word(K_FCHS, 0, 0, false, fop);
      if (modrm === 0xe1) return word(K_FABS, 0, 0, false, fop);
      if (modrm === 0xe4) return word(K_FTST, 0, 0, false, fop);
      if (modrm === 0xfa) return word(K_FSQRT, 0, 0, false, fop);
      if (modrm === 0xe8) return word(K_FLD_CONST, 0, 0, false, fop);
      if (modrm === 0xee) return word(K_FLD_CONST, 6, 0, false, fop);
      return -1;
    case 0xdd:
      if (reg === 4 || reg === 5) return word(K_FCOM_STI, reg - 4, i, false, fop); // FUCOM(P)
      return reg === 2 || reg === 3 ? word(K_FST_STI, 0, i, reg === 3, fop) : -1;
    case 0xda:
      return modrm === 0xe9 ? word(K_FCOM_STI, 2, 1, false, fop) : -1; // FUCOMPP
    default:
      return -1;
  }
}

const FORMS = new Int32Array(8 * 256);
for (let op = 0; op < 8; op++) {
  for (let modrm = 0; modrm < 256; modrm++) FORMS[op * 256 + modrm] = classify(0xd8 + op, modrm);
}

/** The form word of escape opcode `opcode` with ModRM `modrm`, or −1 when no kernel runs it. */
export function kernelForm(opcode: number, modrm: number): number {
  return FORMS[((opcode & 7) << 8) | (modrm & 0xff)];
}

/** The operations of a kind that has a kernel per operation (the arithmetic, FLD1/FLDZ). */
function operations(kind: number): readonly number[] | undefined {
  if (kind <= K_ARITH_M64 || kind === K_ARITH_I32 || kind === K_ARITH_I16) {
    return [...KERNEL_ARITH];
  }
  if (kind === K_FCOM_STI) return [0, 1, 2];
  if (kind === K_FCOM_M32 || kind === K_FCOM_M64) return [0, 1];
  return kind === K_FLD_CONST ? [0, 6] : undefined;
}

/** The name of the kernel export that runs form word `form`. */
export function kernelExport(form: number): string {
  const kind = formKind(form);
  return operations(kind) ? `k${kind}_${formOp(form)}` : `k${kind}`;
}

/** Every kernel export: its name, the kind it runs and, where it has one, the operation. */
export const KERNEL_EXPORTS: readonly { name: string; kind: number; op: number }[] = (() => {
  const out: { name: string; kind: number; op: number }[] = [];
  for (let kind = K_ARITH_ST0; kind <= LAST_KIND; kind++) {
    const ops = operations(kind);
    if (ops === undefined) out.push({ name: `k${kind}`, kind, op: 0 });
    else for (const op of ops) out.push({ name: `k${kind}_${op}`, kind, op });
  }
  return out;
})();

const EXPORT_INDEX = new Map(KERNEL_EXPORTS.map((k, i) => [k.name, i]));
const INDEX = FORMS.map((form) => form < 0 ? -1 : EXPORT_INDEX.get(kernelExport(form))!);

/**
 * The index in {@link KERNEL_EXPORTS} of the kernel that runs escape opcode `opcode` with ModRM
 * `modrm`, or −1 when none does.
 */
export function kernelIndex(opcode: number, modrm: number): number {
  return INDEX[((opcode & 7) << 8) | (modrm & 0xff)];
}
