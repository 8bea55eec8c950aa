/**
 * Compares the kernel log of a boot of the default guest with the one qemu-system-i386 printed
 * for the same command line (tests/guests/qemu_default_guest_boot.txt, recorded by
 * tests/guests/record_qemu_boot.sh): line for line, except for the lines that depend on timing
 * or on hardware the two machines do not share, each listed below with the reason.
 *
 * @module
 */

/** A terminal control sequence (CSI) or a terminal reset (ESC c). */
const ESCAPE = new RegExp(String.fromCharCode(27) + "(\\[[0-9;?]*[A-Za-z]|c)", "g");
/** The printk timestamp at the start of a line. */
const TIMESTAMP = /^\[ *\d+\.\d+\] /;
const PROMPT = "/root # ";

/** Lines allowed to differ or to appear on one side only, and why. */
export const ACCEPTED_DIFFERENCES: readonly { pattern: RegExp; why: string }[] = [
  {
    pattern: /^BIOS-e820: \[mem 0x0000000000100000|^BIOS-e820: \[mem 0x0000000007fe0000/,
    why: "SeaBIOS keeps the top 128 KiB of RAM for its own tables; this VMM's firmware does not",
  },
  {
    pattern:
      /^last_pfn|LOWMEM available|^ +(mapped )?low ram|^ +(Normal|node +0:) +\[mem|^Initmem setup|Total pages:|^Memory: \d+K\/\d+K|^RAMDISK:/,
    why: "the RAM sizes and the initrd address follow from that reservation",
  },
  {
    pattern:
      /^tsc: |^clocksource: tsc(-early)?: mask|Calibrating delay loop|^sched_clock: Marking stable/,
    why: "TSC frequency and calibration: QEMU measures the host's, this VMM reports 1 GHz in CPUID",
  },
  {
    pattern: /^clocksource: Switched to clocksource /,
    why: "which clocksource wins depends on that calibration (QEMU's fails on a loaded host)",
  },
  {
    pattern: /^found SMP MP-table|^MPTABLE: (OEM ID|Product ID):/,
    why: "the MP table is the firmware's own: its address and names differ",
  },
  {
    pattern:
      /^PCI: PCI BIOS revision|^pci 0000:00:(01\.[13]|02\.0|03\.0)|^pci 0000:00:01\.0: PIIX\/ICH IRQ router|^vgaarb:/,
    why: "QEMU's pc machine also has IDE, ACPI, VGA and an e1000 and SeaBIOS's PCI BIOS",
  },
  {
    pattern: /^Console: colour (VGA\+|dummy device)/,
    why: "no VGA adapter here",
  },
  {
    pattern: /^input: ImExPS\/2 Generic Explorer Mouse/,
    why: "no PS/2 mouse here",
  },
  {
    pattern: /^rtc_cmos rtc_cmos: setting system clock to/,
    why: "the date and time of the run",
  },
  {
    pattern: /^pci [0-9a-f:.]+: \S+ took \d+ usecs$/,
    why: "Linux reports a PCI quirk that spans more than 10 ms of guest time: a stall of the VMM",
  },
];

/**
 * The kernel's lines from "Linux version" to the first shell prompt: without carriage returns,
 * terminal sequences and printk timestamps.
 */
export function kernelLog(serial: string): string[] {
  const text = serial.replaceAll("\r", "").replace(ESCAPE, "");
  const start = text.indexOf("Linux version");
  if (start < 0) return [];
  const lineStart = text.lastIndexOf("\n", start) + 1;
  const end = text.indexOf(PROMPT, start);
  const body = text.slice(lineStart, end < 0 ? undefined : end);
  return body.split("\n").map((l) => l.replace(/^.*?(\[ *\d+\.\d+\] Linux version)/, "$1"))
    .map((l) => l.replace(TIMESTAMP, "").trimEnd());
}

/** `lines` without the accepted differences and without blank lines. */
export function comparable(lines: readonly string[]): string[] {
  return lines.filter((l) => l !== "" && !ACCEPTED_DIFFERENCES.some((d) => d.pattern.test(l)));
}

/**
 * Where two kernel logs part, once the accepted differences are set aside: undefined when they
 * agree line for line, else a description of the first difference with some context.
 */
export function firstDifference(
  ours: readonly string[],
  qemu: readonly string[],
): string | undefined {
  const a = comparable(ours), b = comparable(qemu);
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    const context = a.slice(Math.max(0, i - 3), i).map((l) => `    ${l}`).join("\n");
    return `line ${i + 1} of the compared logs differs, after\n${context}\n` +
      `  here:  ${a[i] ?? "(end of log)"}\n  QEMU:  ${b[i] ?? "(end of log)"}`;
  }
  return undefined;
}
