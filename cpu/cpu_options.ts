import type { CpuModel } from "./cpu_model.ts";

/** The CPUID words a `-cpu` feature flag can change. */
export type FeatureWord = "features" | "extFeatures" | "leaf1Ecx" | "leaf7Ebx" | "leaf7Ecx";

/** Feature flag name → the word and bit it sets, as QEMU spells the names. */
export type FeatureTable = Readonly<Record<string, readonly [FeatureWord, number]>>;

/** A model with its `-cpu` options applied, and what QEMU would warn about. */
export interface CpuOptionsResult<M> {
  model: M;
  warnings: string[];
}

/** Properties that take a value, besides feature flags. */
const VALUE_PROPERTIES = new Set(["vendor", "family", "model", "stepping", "model-id"]);

/**
 * Applies QEMU's `-cpu` options to `base` (target/i386/cpu.c, x86_cpu_parse_featurestr):
 * `+flag` and `flag=on` add a feature, `-flag` and `flag=off` remove it, a bare `flag` is
 * `flag=on`, and `vendor=`, `family=`, `model=`, `stepping=`, `model-id=` replace the
 * identification. A flag missing from `names` is not implemented here: it is ignored with a
 * warning, as TCG does for features it cannot offer; other unknown properties too. Throws a
 * RangeError for a malformed value.
 */
export function applyCpuOptions(
  base: CpuModel,
  options: readonly string[],
  names: FeatureTable,
): CpuOptionsResult<CpuModel> {
  const model: CpuModel = { ...base };
  const warnings: string[] = [];
  for (const option of options) {
    if (option === "") continue;
    let key = option, value = "on";
    if (option[0] === "+" || option[0] === "-") {
      key = option.slice(1);
      value = option[0] === "+" ? "on" : "off";
    } else if (option.includes("=")) {
      [key, value] = [option.slice(0, option.indexOf("=")), option.slice(option.indexOf("=") + 1)];
    }
    if (VALUE_PROPERTIES.has(key)) {
      setIdentification(model, key, value);
      continue;
    }
    const feature = names[key];
    if (!feature) {
      warnings.push(`CPU property '${key}' is not supported; ignored`);
      continue;
    }
    if (value !== "on" && value !== "off") {
      throw new RangeError(`CPU property '${key}' takes on or off, not '${value}'`);
    }
    const [word, bit] = feature;
    const current = model[word] ?? 0;
    model[word] = value === "on" ? current | bit : current & ~bit;
  }
  return { model, warnings };
}

function setIdentification(model: CpuModel, key: string, value: string): void {
  if (key === "vendor") {
    if (value.length !== 12) {
      throw new RangeError(`CPU vendor '${value}' must be 12 characters (GenuineIntel)`);
    }
    model.vendor = value;
  } else if (key === "model-id") {
    model.brand = value.slice(0, 48);
  } else {
    const n = Number(value);
    const max = key === "family" ? 0xff + 0xf : key === "model" ? 0xff : 0xf;
    if (!Number.isInteger(n) || n < 0 || n > max) {
      throw new RangeError(`CPU ${key} '${value}' is not a number from 0 to ${max}`);
    }
    if (key === "family") model.family = n;
    else if (key === "model") model.model = n;
    else model.stepping = n;
  }
}
