/** The shape shared by every x87 instruction handler, and operand fetches they share. */
import { classify, type F80, isSignalingNaN, quiet } from "./f80.ts";
import type { FpuHost, FpuInstruction } from "./fpu_host.ts";
import type { FpuState } from "./fpu_state.ts";
import { fromDouble, fromInteger, fromSingle, type Loaded } from "./convert.ts";
import { readF80, readInt } from "./memory_operands.ts";
import { IE } from "./status.ts";

/** Executes one decoded instruction against the register file. */
export type Exec = (s: FpuState, host: FpuHost, insn: FpuInstruction) => void;

/** Memory operand types of the x87 instructions. */
export type MemoryKind = "m32real" | "m64real" | "m80real" | "m16int" | "m32int" | "m64int";

/**
 * Reads and widens a memory operand. Real operands may be SNaNs (left signaling) and report DE
 * when denormal; integers convert exactly.
 */
export function loadOperand(host: FpuHost, addr: number, kind: MemoryKind): Loaded {
  switch (kind) {
    case "m32real":
      return fromSingle(host.read32(addr));
    case "m64real":
      return fromDouble(host.read32(addr), host.read32((addr + 4) >>> 0));
    case "m80real":
      return { value: readF80(host, addr), flags: 0 };
    case "m16int":
      return { value: fromInteger(readInt(host, addr, 16)), flags: 0 };
    case "m32int":
      return { value: fromInteger(readInt(host, addr, 32)), flags: 0 };
    case "m64int":
      return { value: fromInteger(readInt(host, addr, 64)), flags: 0 };
  }
}

/**
 * Pushes a loaded value (the FLD family). A full stack takes the overflow response; an SNaN
 * from m32/m64 raises IE and is quieted, and unmasked IE leaves the stack alone. An unmasked DE
 * is reported but the value is still loaded, as measured on hardware.
 */
export function pushLoaded(s: FpuState, loaded: Loaded, signalNaN: boolean): void {
  if (s.wouldOverflow()) {
    if (s.stackOverflow()) s.pushIndefinite();
    return;
  }
  let value: F80 = loaded.value;
  let flags = loaded.flags;
  if (signalNaN && isSignalingNaN(value)) {
    flags |= IE;
    value = quiet(value);
  }
  const unmasked = s.record(flags);
  if (unmasked & IE) return;
  s.push(value);
  s.setC1(false);
}

/**
 * DE of a denormal m32/m64 operand (detected while widening it), which hardware reports only
 * when the register operand is not a NaN or unsupported encoding: NaN handling comes first.
 */
export function memoryDenormal(
  reg: F80,
  src: { reg: number } | { value: F80; flags: number },
): number {
  if ("reg" in src) return 0;
  const cls = classify(reg);
  return cls === "nan" || cls === "unsupported" ? 0 : src.flags;
}
