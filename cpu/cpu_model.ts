import { applyCpuOptions, type CpuOptionsResult, type FeatureTable } from "./cpu_options.ts";
import { MAXPHYADDR } from "./mmu_pae.ts";

/** CPUID leaf 1 EDX feature bits (SDM vol. 2 CPUID, table 3-11). */
export const FEAT_FPU = 1 << 0, FEAT_VME = 1 << 1, FEAT_DE = 1 << 2, FEAT_PSE = 1 << 3;
export const FEAT_TSC = 1 << 4, FEAT_MSR = 1 << 5, FEAT_PAE = 1 << 6, FEAT_MCE = 1 << 7;
export const FEAT_CX8 = 1 << 8, FEAT_APIC = 1 << 9, FEAT_SEP = 1 << 11, FEAT_MTRR = 1 << 12;
export const FEAT_PGE = 1 << 13, FEAT_MCA = 1 << 14, FEAT_CMOV = 1 << 15, FEAT_PAT = 1 << 16;
export const FEAT_MMX = 1 << 23, FEAT_FXSR = 1 << 24, FEAT_SSE = 1 << 25, FEAT_SSE2 = 1 << 26;

/** CPUID leaf 0x80000001 EDX feature bits (SDM vol. 2 CPUID, table 3-8). */
export const EXT_SYSCALL = 1 << 11, EXT_NX = 1 << 20, EXT_RDTSCP = 1 << 27, EXT_LM = 1 << 29;

/**
 * CPUID leaf 1 ECX bit 31: running under a hypervisor. QEMU sets it for every model, so guests
 * take the paths they take in a VM (Linux: "PMU not available due to virtualization").
 */
export const FEAT2_HYPERVISOR = 1 << 31;
/** CPUID leaf 1 ECX bit 0: SSE3 (PNI). */
export const FEAT2_PNI = 1 << 0;
/** Leaf 1 ECX bits implemented. */
export const IMPLEMENTED_LEAF1_ECX = FEAT2_HYPERVISOR | FEAT2_PNI;

/** CPUID leaf 7 sub-leaf 0 EBX feature bits (SDM vol. 2 CPUID, table 3-8). */
export const LEAF7_EBX_SMEP = 1 << 7, LEAF7_EBX_SMAP = 1 << 20;
/** CPUID leaf 7 sub-leaf 0 ECX feature bits (SDM vol. 2 CPUID, table 3-8). */
export const LEAF7_ECX_UMIP = 1 << 2;

/** What this CPU implements today; no model may claim more (CPUID must not lie). */
export const IMPLEMENTED_FEATURES = FEAT_FPU | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_PAE |
  FEAT_CX8 | FEAT_APIC | FEAT_SEP | FEAT_PGE | FEAT_CMOV | FEAT_MMX | FEAT_FXSR | FEAT_SSE |
  FEAT_SSE2;
/**
 * Leaf 0x80000001 EDX bits implemented: execute-disable, RDTSCP with IA32_TSC_AUX.
 * No SYSCALL, no long mode.
 */
export const IMPLEMENTED_EXT_FEATURES = EXT_NX | EXT_RDTSCP;
/**
 * Leaf 7 EBX bits implemented: supervisor-mode execution and access prevention (CR4.SMEP,
 * CR4.SMAP with STAC/CLAC).
 */
export const IMPLEMENTED_LEAF7_EBX = LEAF7_EBX_SMEP | LEAF7_EBX_SMAP;
/** Leaf 7 ECX bits implemented: user-mode instruction prevention (CR4.UMIP). */
export const IMPLEMENTED_LEAF7_ECX = LEAF7_ECX_UMIP;

/** A named CPU model as `-cpu NAME` selects it (QEMU's names). */
export interface CpuModel {
  name: string;
  description: string;
  vendor: string;
  family: number;
  model: number;
  stepping: number;
  /** Leaf 1 EDX before masking with IMPLEMENTED_FEATURES. */
  features: number;
  /** Leaf 0x80000001 EDX before masking with IMPLEMENTED_EXT_FEATURES. @default 0 */
  extFeatures?: number;
  /** Leaf 1 ECX before masking with IMPLEMENTED_LEAF1_ECX. @default FEAT2_HYPERVISOR */
  leaf1Ecx?: number;
  /** Leaf 7 sub-leaf 0 EBX before masking with IMPLEMENTED_LEAF7_EBX. @default 0 */
  leaf7Ebx?: number;
  /** Leaf 7 sub-leaf 0 ECX before masking with IMPLEMENTED_LEAF7_ECX. @default 0 */
  leaf7Ecx?: number;
  /** Highest extended leaf. @default 0x80000004 with a brand string, else 0x80000001 */
  xlevel?: number;
  brand: string;
}

/** QEMU's PPRO_FEATURES less what is not implemented here (PAE is in both). */
const P6 = FEAT_FPU | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_PAE | FEAT_CX8 | FEAT_SEP |
  FEAT_PGE | FEAT_CMOV | FEAT_APIC | FEAT_MMX | FEAT_FXSR | FEAT_SSE | FEAT_SSE2;

/** The models we offer; `max` enables everything implemented. */
export const CPU_MODELS: CpuModel[] = [
  {
    name: "qemu32",
    description: "QEMU Virtual CPU version 2.5+",
    vendor: "GenuineIntel",
    family: 6,
    model: 6,
    stepping: 3,
    leaf1Ecx: FEAT2_HYPERVISOR | FEAT2_PNI, // SSE3 (PNI), as QEMU's model
    features: P6,
    brand: "QEMU Virtual CPU version 2.5+",
  },
  {
    name: "max",
    description: "Enables all features supported by the accelerator in the current host",
    vendor: "GenuineIntel",
    family: 6,
    model: 6,
    stepping: 3,
    leaf1Ecx: ~0,
    features: ~0,
    extFeatures: ~0,
    leaf7Ebx: ~0,
    leaf7Ecx: ~0,
    xlevel: 0x80000008,
    brand: "deno-vmm i686 CPU",
  },
  {
    name: "qemu64",
    description: "QEMU Virtual CPU version 2.5+",
    vendor: "AuthenticAMD",
    family: 15,
    model: 107,
    stepping: 1,
    leaf1Ecx: FEAT2_HYPERVISOR | FEAT2_PNI, // SSE3 (PNI), as QEMU's model
    features: P6,
    extFeatures: EXT_LM | EXT_SYSCALL | EXT_NX,
    xlevel: 0x80000008,
    brand: "QEMU Virtual CPU version 2.5+",
  },
  {
    name: "kvm32",
    description: "Common 32-bit KVM processor",
    vendor: "GenuineIntel",
    family: 15,
    model: 6,
    stepping: 1,
    leaf1Ecx: FEAT2_HYPERVISOR | FEAT2_PNI, // SSE3 (PNI), as QEMU's model
    features: P6,
    xlevel: 0x80000008,
    brand: "Common 32-bit KVM processor",
  },
  {
    name: "coreduo",
    description: "Genuine Intel(R) CPU           T2600  @ 2.16GHz",
    vendor: "GenuineIntel",
    family: 6,
    model: 14,
    stepping: 8,
    leaf1Ecx: FEAT2_HYPERVISOR | FEAT2_PNI, // SSE3 (PNI), as QEMU's model
    features: P6,
    extFeatures: EXT_NX,
    xlevel: 0x80000008,
    brand: "Genuine Intel(R) CPU           T2600  @ 2.16GHz",
  },
  {
    name: "n270",
    description: "Intel(R) Atom(TM) CPU N270   @ 1.60GHz",
    vendor: "GenuineIntel",
    family: 6,
    model: 28,
    stepping: 2,
    leaf1Ecx: FEAT2_HYPERVISOR | FEAT2_PNI, // SSE3 (PNI), as QEMU's model
    features: P6,
    extFeatures: EXT_NX,
    xlevel: 0x80000008,
    brand: "Intel(R) Atom(TM) CPU N270   @ 1.60GHz",
  },
  {
    name: "pentium2",
    description: "Intel Pentium II",
    vendor: "GenuineIntel",
    family: 6,
    model: 5,
    stepping: 2,
    features: P6 & ~(FEAT_FXSR | FEAT_SSE | FEAT_SSE2),
    brand: "",
  },
  {
    name: "pentium3",
    description: "Intel Pentium III",
    vendor: "GenuineIntel",
    family: 6,
    model: 7,
    stepping: 3,
    features: P6 & ~FEAT_SSE2,
    brand: "",
  },
  {
    name: "pentium",
    description: "Intel Pentium",
    vendor: "GenuineIntel",
    family: 5,
    model: 4,
    stepping: 3,
    // QEMU's PENTIUM_FEATURES (family 5 model 4 is the Pentium MMX) less VME, MCE and the APIC.
    features: FEAT_FPU | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_CX8 | FEAT_MMX,
    brand: "",
  },
  {
    name: "486",
    description: "Intel 486",
    vendor: "GenuineIntel",
    family: 4,
    model: 8,
    stepping: 0,
    features: FEAT_FPU,
    brand: "",
  },
];

/** Whether `model` reports leaf 1 EDX `feature` (masked by what is implemented). */
export function hasFeature(model: CpuModel, feature: number): boolean {
  return (model.features & IMPLEMENTED_FEATURES & feature) !== 0;
}

/** Whether `model` reports leaf 0x80000001 EDX `feature` (masked by what is implemented). */
export function hasExtFeature(model: CpuModel, feature: number): boolean {
  return ((model.extFeatures ?? 0) & IMPLEMENTED_EXT_FEATURES & feature) !== 0;
}

/** Whether `model` reports leaf 7 EBX `feature` (masked by what is implemented). */
export function hasLeaf7EbxFeature(model: CpuModel, feature: number): boolean {
  return ((model.leaf7Ebx ?? 0) & IMPLEMENTED_LEAF7_EBX & feature) !== 0;
}

/** Whether `model` reports leaf 7 ECX `feature` (masked by what is implemented). */
export function hasLeaf7EcxFeature(model: CpuModel, feature: number): boolean {
  return ((model.leaf7Ecx ?? 0) & IMPLEMENTED_LEAF7_ECX & feature) !== 0;
}

/**
 * QEMU's names for the feature flags `-cpu NAME,+FLAG,-FLAG,FLAG=on|off` may change, with the
 * word each one lives in. Flags QEMU knows and this CPU lacks are not listed: asking for one
 * is a warning, as it is under TCG.
 */
export const CPU_FEATURE_NAMES: FeatureTable = {
  fpu: ["features", FEAT_FPU],
  de: ["features", FEAT_DE],
  pse: ["features", FEAT_PSE],
  tsc: ["features", FEAT_TSC],
  msr: ["features", FEAT_MSR],
  pae: ["features", FEAT_PAE],
  cx8: ["features", FEAT_CX8],
  apic: ["features", FEAT_APIC],
  sep: ["features", FEAT_SEP],
  pge: ["features", FEAT_PGE],
  cmov: ["features", FEAT_CMOV],
  mmx: ["features", FEAT_MMX],
  fxsr: ["features", FEAT_FXSR],
  sse: ["features", FEAT_SSE],
  sse2: ["features", FEAT_SSE2],
  nx: ["extFeatures", EXT_NX],
  xd: ["extFeatures", EXT_NX],
  rdtscp: ["extFeatures", EXT_RDTSCP],
  smep: ["leaf7Ebx", LEAF7_EBX_SMEP],
  smap: ["leaf7Ebx", LEAF7_EBX_SMAP],
  umip: ["leaf7Ecx", LEAF7_ECX_UMIP],
  hypervisor: ["leaf1Ecx", FEAT2_HYPERVISOR],
  pni: ["leaf1Ecx", FEAT2_PNI],
  sse3: ["leaf1Ecx", FEAT2_PNI],
};

/**
 * The model a `-cpu` argument selects: a name alone, or a name followed by QEMU's options
 * (`qemu64,+umip,vendor=GenuineIntel`). Undefined when the name is unknown; throws a
 * RangeError for a malformed option.
 */
export function findCpuModel(spec: string): CpuModel | undefined {
  return resolveCpuModel(spec)?.model;
}

/** {@link findCpuModel} with the warnings QEMU would print for the options (unknown flags). */
export function resolveCpuModel(spec: string): CpuOptionsResult<CpuModel> | undefined {
  const [name, ...options] = spec.split(",");
  const base = CPU_MODELS.find((m) => m.name === name);
  if (!base) return undefined;
  return applyCpuOptions(
    { ...base, leaf1Ecx: base.leaf1Ecx ?? FEAT2_HYPERVISOR },
    options,
    CPU_FEATURE_NAMES,
  );
}

/** The text of `-cpu help`. */
export function cpuModelHelp(): string {
  const lines = ["Available CPUs:"];
  for (const m of CPU_MODELS) lines.push(`x86 ${m.name.padStart(16)}  ${m.description}`);
  return lines.join("\n") + "\n";
}

function str4(s: string, i: number): number {
  let v = 0;
  for (let k = 3; k >= 0; k--) v = (v << 8) | (s.charCodeAt(i + k) || 0);
  return v;
}

/**
 * Leaf 1 EAX: stepping, model and family, with models above 15 in the extended model field
 * and families above 15 in the extended family field (SDM vol. 2 CPUID, figure 3-6).
 */
function signature(model: CpuModel): number {
  const family = Math.min(model.family, 0xf), extFamily = model.family - family;
  return (extFamily << 20) | ((model.model >> 4) << 16) | (family << 8) |
    ((model.model & 0xf) << 4) | model.stepping;
}

/** CPUID for leaf `eax` (sub-leaf `ecx`): [eax, ebx, ecx, edx]. */
export function cpuid(model: CpuModel, leaf: number, apicPresent: boolean, subleaf = 0): number[] {
  let features = model.features & IMPLEMENTED_FEATURES;
  if (!apicPresent) features &= ~FEAT_APIC;
  const brand = model.brand;
  switch (leaf >>> 0) {
    case 0:
      return [
        model.family >= 6 ? 0x15 : 1,
        str4(model.vendor, 0),
        str4(model.vendor, 8),
        str4(model.vendor, 4),
      ];
    case 1:
      return [
        signature(model),
        0x00010000, // one logical processor, APIC ID 0, CLFLUSH size 0
        (model.leaf1Ecx ?? FEAT2_HYPERVISOR) & IMPLEMENTED_LEAF1_ECX,
        features,
      ];
    case 7:
      // Structured extended features: sub-leaf 0 only (EAX = 0 further sub-leaves).
      if (model.family < 6 || subleaf !== 0) return [0, 0, 0, 0];
      return [
        0,
        (model.leaf7Ebx ?? 0) & IMPLEMENTED_LEAF7_EBX,
        (model.leaf7Ecx ?? 0) & IMPLEMENTED_LEAF7_ECX,
        0,
      ];
    case 0x15:
      // TSC/crystal ratio 1:1 and a 1 GHz crystal: the TSC counts guest nanoseconds, so a
      // guest learns its frequency without calibrating against the PIT, which is unreliable
      // in an emulator whose speed in real time varies.
      return model.family >= 6 ? [1, 1, 1_000_000_000, 0] : [0, 0, 0, 0];
    case 0x80000000:
      return [model.xlevel ?? (brand ? 0x80000004 : 0x80000001), 0, 0, 0];
    case 0x80000001:
      return [0, 0, 0, (model.extFeatures ?? 0) & IMPLEMENTED_EXT_FEATURES];
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      if (!brand) return [0, 0, 0, 0];
      const b = brand.padEnd(48, "\0");
      const base = (leaf - 0x80000002) * 16;
      return [str4(b, base), str4(b, base + 4), str4(b, base + 8), str4(b, base + 12)];
    }
    case 0x80000008:
      // Physical and linear address widths: MAXPHYADDR 36 (PAE), 32-bit linear addresses.
      if ((model.xlevel ?? 0) < 0x80000008) return [0, 0, 0, 0];
      return [(32 << 8) | (hasFeature(model, FEAT_PAE) ? MAXPHYADDR : 32), 0, 0, 0];
    default:
      // Leaves above the maximum return the highest basic leaf's data on Intel; we report zeros.
      return [0, 0, 0, 0];
  }
}
