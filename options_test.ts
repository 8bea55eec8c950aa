import assert from "node:assert/strict";
import {
  machineHelpText,
  OptionError,
  parseArgs,
  type ParsedCommandLine,
  parseSize,
  usageText,
  VERSION,
  versionText,
} from "./options.ts";

const MiB = 1 << 20;

function fails(argv: string[], message: string): void {
  assert.throws(() => parseArgs(argv), (e: unknown) => {
    assert.ok(e instanceof OptionError, `not an OptionError: ${e}`);
    assert.equal(e.message, message);
    return true;
  });
}

function parse(...argv: string[]): ParsedCommandLine {
  return parseArgs(argv);
}

const SIZE_ERROR = "Parameter 'size' expects a non-negative number below 2^64. " +
  "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta- " +
  "and exabytes, respectively.";
const ID_ERROR = "Parameter 'id' expects an identifier. " +
  "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.";

Deno.test("an empty command line runs a 128 MiB pc with one CPU, qemu32 and serial on stdio", () => {
  assert.deepEqual(parse(), {
    action: "run",
    memoryBytes: 128 * MiB,
    smp: 1,
    cpuModel: "qemu32",
    serial: ["stdio"],
    chardevs: [],
    drives: [],
    devices: [],
    netdevs: [],
    nics: [],
    globals: [],
    plugins: [],
    accel: "jit",
    machine: "pc",
    nographic: false,
    display: "none",
    noReboot: false,
    noShutdown: false,
    noDefaults: false,
    noUserConfig: false,
    debugFlags: [],
  });
});

// --- option syntax (vl.c lookup_opt) ---

Deno.test("every option also works with two leading dashes", () => {
  const r = parse(
    "--m",
    "256",
    "--nographic",
    "--kernel",
    "k",
    "--append",
    "a",
    "--plugin",
    "p.ts",
  );
  assert.equal(r.memoryBytes, 256 * MiB);
  assert.equal(r.nographic, true);
  assert.equal(r.kernel, "k");
  assert.equal(r.append, "a");
  assert.deepEqual(r.plugins, ["p.ts"]);
  assert.equal(parse("--help").action, "help");
  assert.equal(parse("--version").action, "version");
});

Deno.test("-opt=value is not an option, exactly as in QEMU", () => {
  fails(["-m=128"], "-m=128: invalid option");
  fails(["--m=128"], "--m=128: invalid option");
  fails(["-serial=stdio"], "-serial=stdio: invalid option");
});

Deno.test("an unknown option is refused as invalid", () => {
  fails(["-bogus"], "-bogus: invalid option");
  fails(["--bogus"], "--bogus: invalid option");
  fails(["-"], "-: invalid option");
  fails(["--"], "--: invalid option");
  fails(["---m", "1"], "---m: invalid option");
  fails(["-M", "pc", "-Memory", "1"], "-Memory: invalid option");
});

Deno.test("option names are never looked up on Object.prototype", () => {
  fails(["-toString"], "-toString: invalid option");
  fails(["-constructor", "x"], "-constructor: invalid option");
  fails(["-__proto__"], "-__proto__: invalid option");
});

Deno.test("a missing argument is reported as 'requires an argument'", () => {
  fails(["-m"], "-m: requires an argument");
  fails(["-nographic", "--kernel"], "--kernel: requires an argument");
  fails(["-serial"], "-serial: requires an argument");
});

Deno.test("names and arguments are checked on the whole line before any option acts", () => {
  fails(["-h", "-bogus"], "-bogus: invalid option");
  fails(["-version", "-m"], "-m: requires an argument");
  fails(["-M", "help", "-bogus"], "-bogus: invalid option");
});

Deno.test("an argument that looks like an option still belongs to its option", () => {
  assert.equal(parse("-append", "-bogus", "-kernel", "k").append, "-bogus");
});

Deno.test("a bare disk image (QEMU's IDE disk 0) is refused with the -drive spelling", () => {
  fails(
    ["disk.img"],
    "disk.img: IDE disk images are not supported (there is no IDE controller); " +
      "use -drive file=disk.img,if=virtio,format=raw",
  );
});

Deno.test("QEMU options deno-vmm lacks are refused as not supported, with a hint", () => {
  fails(
    ["-hda", "x.img"],
    "-hda x.img: option not supported; use -drive file=FILE,if=virtio,format=raw",
  );
  fails(
    ["-enable-kvm"],
    "-enable-kvm: option not supported; KVM is not available; guest code runs on -accel jit or interp",
  );
  fails(["-snapshot"], "-snapshot: option not supported");
  fails(["-s"], "-s: option not supported; deno-vmm has no gdb stub");
  fails(["-usb"], "-usb: option not supported");
});

Deno.test("QEMU options deno-vmm lacks still consume their argument in the first pass", () => {
  // QEMU reads "-m" as the argument of -hda, so nothing reports -m's argument missing.
  fails(["-hda", "-m"], "-hda -m: option not supported; use -drive file=FILE,if=virtio,format=raw");
  fails(["-no-acpi", "-m"], "-m: requires an argument");
  fails(["-pidfile"], "-pidfile: requires an argument");
});

// --- help and version ---

Deno.test("-h, -help and --help ask for the usage text", () => {
  for (const spelling of ["-h", "-help", "--help", "--h"]) {
    const r = parse(spelling);
    assert.equal(r.action, "help");
    assert.equal(r.helpText, usageText());
  }
});

Deno.test("-h stops at once: a later bad value is not looked at", () => {
  assert.equal(parse("-h", "-m", "12X").action, "help");
  fails(["-m", "12X", "-h"], `-m 12X: ${SIZE_ERROR}`);
});

Deno.test("the usage text lists every supported option and the serial default", () => {
  const text = usageText();
  assert.ok(text.startsWith(`deno-vmm version ${VERSION}, QEMU-compatible command line\n`));
  const supported = [
    "-h",
    "-help",
    "-version",
    "-machine",
    "-M",
    "-cpu",
    "-accel",
    "-smp",
    "-m",
    "-name",
    "-device",
    "-global",
    "-drive",
    "-nographic",
    "-display",
    "-vga",
    "-netdev",
    "-nic",
    "-chardev",
    "-serial",
    "-monitor",
    "-debugcon",
    "-kernel",
    "-append",
    "-initrd",
    "-bios",
    "-boot",
    "-no-reboot",
    "-no-shutdown",
    "-nodefaults",
    "-no-user-config",
    "-rtc",
    "-icount",
    "-d",
    "-D",
    "-plugin",
  ];
  for (const option of supported) {
    assert.match(text, new RegExp(`(^|[\\s/])${option}(\\s|$)`, "m"), option);
  }
  // Conversely, every option the text shows at the start of a line is accepted.
  const shown = [...text.matchAll(/^(-[\w-]+)/gm)].map((m) => m[1]);
  assert.deepEqual(
    [...new Set(shown)].sort(),
    [...supported].filter((o) => o !== "-help" && o !== "-M").sort(),
  );
  for (const option of supported) {
    try {
      parseArgs([option, "help"]);
    } catch (e) {
      assert.doesNotMatch((e as Error).message, /invalid option|requires an argument/, option);
    }
  }
  assert.match(text, /Default: stdio \(QEMU/);
  assert.ok(text.split("\n").every((line) => line.length <= 100));
});

Deno.test("-version asks for the version text: name, version and a copyright line", () => {
  assert.equal(parse("-version").action, "version");
  const lines = versionText().trimEnd().split("\n");
  assert.equal(lines.length, 2);
  assert.equal(lines[0], `deno-vmm version ${VERSION}, QEMU-compatible command line`);
  assert.match(lines[1], /^Copyright \(c\) \d{4} /);
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
});

// --- -m ---

Deno.test("-m takes MiB by default and K, M, G suffixes in either case", () => {
  assert.equal(parse("-m", "128").memoryBytes, 128 * MiB);
  assert.equal(parse("-m", "128M").memoryBytes, 128 * MiB);
  assert.equal(parse("-m", "128m").memoryBytes, 128 * MiB);
  assert.equal(parse("-m", "1G").memoryBytes, 1024 * MiB);
  assert.equal(parse("-m", "1g").memoryBytes, 1024 * MiB);
  assert.equal(parse("-m", "2048k").memoryBytes, 2 * MiB);
  assert.equal(parse("-m", "2048K").memoryBytes, 2 * MiB);
  assert.equal(parse("-m", "1.5G").memoryBytes, 1536 * MiB);
  assert.equal(parse("-m", "1.M").memoryBytes, 1 * MiB);
  assert.equal(parse("-m", "3584M").memoryBytes, 3584 * MiB);
  assert.equal(parse("-m", "00128").memoryBytes, 128 * MiB);
  assert.equal(parse("-m", " 64").memoryBytes, 64 * MiB);
});

Deno.test("-m with a B suffix counts bytes, and plain hex is MiB as QEMU appends M", () => {
  assert.equal(parse("-m", `${2 * MiB}B`).memoryBytes, 2 * MiB);
  assert.equal(parse("-m", `${2 * MiB}b`).memoryBytes, 2 * MiB);
  assert.equal(parse("-m", "0x100").memoryBytes, 256 * MiB);
  assert.equal(parse("-m", "0x10M").memoryBytes, 16 * MiB);
});

Deno.test("-m size= and repeated -m: the last size wins; 0 and empty mean the default", () => {
  assert.equal(parse("-m", "size=256M").memoryBytes, 256 * MiB);
  assert.equal(parse("-m", "128,size=256").memoryBytes, 256 * MiB);
  assert.equal(parse("-m", "64", "-m", "32").memoryBytes, 32 * MiB);
  assert.equal(parse("-m", "0").memoryBytes, 128 * MiB);
  assert.equal(parse("-m", "").memoryBytes, 128 * MiB);
  assert.equal(parse("-m", "128,").memoryBytes, 128 * MiB);
});

Deno.test("-m rounds the size up to 8 KiB as QEMU's machine_set_mem does", () => {
  assert.equal(parse("-m", "1025k").memoryBytes, 1056768);
  assert.equal(parse("-m", `${2 * MiB + 1}B`).memoryBytes, 2 * MiB + 8192);
});

Deno.test("-m refuses malformed sizes with QEMU's size message", () => {
  for (
    const bad of [
      "12X",
      "1.5",
      "-1",
      "100MB",
      "100MiB",
      "128KB",
      ".5G",
      "1e3",
      "0x",
      "0b11",
      ",",
      "size=",
      "100 ",
    ]
  ) {
    fails(["-m", bad], `-m ${bad}: ${SIZE_ERROR}`);
  }
  fails(["-m", "16E"], "-m 16E: Value '16E' is out of range for parameter 'size'");
  fails(
    ["-m", "99999999999999999999"],
    "-m 99999999999999999999: Value '99999999999999999999' is out of range for parameter 'size'",
  );
  // Bytes fit in 64 bits, but not once QEMU appends the M.
  fails(["-m", "17592186044416"], "-m 17592186044416: Parameter 'memory.size' expects size");
});

Deno.test("-m refuses sizes the 32-bit PC memory map cannot hold", () => {
  fails(["-m", "512k"], "-m 512k: at least 1 MiB of RAM is required");
  fails(["-m", "1B"], "-m 1B: at least 1 MiB of RAM is required");
  fails(
    ["-m", "3585"],
    "-m 3585: at most 3584 MiB of RAM is supported (the 32-bit PC has no RAM above the PCI hole)",
  );
  fails(
    ["-m", "4G"],
    "-m 4G: at most 3584 MiB of RAM is supported (the 32-bit PC has no RAM above the PCI hole)",
  );
});

Deno.test("-m refuses unknown keys and memory hotplug", () => {
  fails(["-m", "foo=1"], "-m foo=1: Invalid parameter 'foo'");
  fails(
    ["-m", "128M,maxmem=1G"],
    "-m 128M,maxmem=1G: memory hotplug (slots=, maxmem=) is not supported",
  );
  fails(["-m", "128,slots=2"], "-m 128,slots=2: memory hotplug (slots=, maxmem=) is not supported");
});

Deno.test("parseSize follows qemu_strtosz: fractions, hex, suffixes, 2^64 limit", () => {
  assert.equal(parseSize("1536"), 1536n);
  assert.equal(parseSize("1.5k"), 1536n);
  assert.equal(parseSize("1.5K", "M"), 1536n);
  assert.equal(parseSize("2", "M"), 2n << 20n);
  assert.equal(parseSize("0x10"), 16n);
  assert.equal(parseSize("0x1B"), 27n); // B is a hex digit here, not bytes
  assert.equal(parseSize("+5"), 5n);
  assert.equal(parseSize("1T"), 1n << 40n);
  assert.equal(parseSize("1p"), 1n << 50n);
  assert.equal(parseSize("15E"), 15n << 60n);
  assert.equal(parseSize("18446744073709551615"), (1n << 64n) - 1n);
  assert.equal(parseSize("0.5B"), undefined);
  assert.equal(parseSize("18446744073709551616"), undefined);
  assert.equal(parseSize("1.5e3K"), undefined);
  assert.equal(parseSize("0x1.8M"), undefined);
  assert.equal(parseSize(""), undefined);
  assert.equal(parseSize("k"), undefined);
});

// --- -smp ---

Deno.test("-smp accepts exactly one CPU in any spelling", () => {
  for (
    const arg of [
      "1",
      "cpus=1",
      "1,sockets=1,cores=1,threads=1,maxcpus=1",
      "",
      "0x1",
      "dies=1,clusters=1",
    ]
  ) {
    assert.equal(parse("-smp", arg).smp, 1, arg);
  }
});

Deno.test("-smp with more than one CPU is refused in QEMU's max-CPUs wording", () => {
  fails(["-smp", "2"], "-smp 2: Invalid SMP CPUs 2. The max CPUs supported by machine 'pc' is 1");
  fails(
    ["-smp", "cpus=4"],
    "-smp cpus=4: Invalid SMP CPUs 4. The max CPUs supported by machine 'pc' is 1",
  );
  fails(
    ["-smp", "sockets=2,cores=2"],
    "-smp sockets=2,cores=2: Invalid SMP CPUs 4. The max CPUs supported by machine 'pc' is 1",
  );
  fails(
    ["-smp", "1,maxcpus=2"],
    "-smp 1,maxcpus=2: Invalid SMP CPUs 2. The max CPUs supported by machine 'pc' is 1",
  );
  fails(
    ["-M", "pc-i440fx-7.2", "-smp", "2"],
    "-smp 2: Invalid SMP CPUs 2. The max CPUs supported by machine 'pc-i440fx-7.2' is 1",
  );
});

Deno.test("-smp refuses non-numbers, zero, unknown keys and bare words", () => {
  fails(["-smp", "x"], "-smp x: Parameter 'smp.cpus' expects integer");
  fails(["-smp", "cores=two"], "-smp cores=two: Parameter 'smp.cores' expects integer");
  fails(
    ["-smp", "0"],
    "-smp 0: Invalid CPU topology: CPU topology parameters must be greater than zero",
  );
  fails(["-smp", "1,foo=2"], "-smp 1,foo=2: Parameter 'smp.foo' is unexpected");
  fails(["-smp", "1,foo"], "-smp 1,foo: Expected '=' after parameter 'foo'");
});

// --- -cpu ---

Deno.test("-cpu keeps the model as written; the last -cpu wins", () => {
  assert.equal(parse("-cpu", "pentium3").cpuModel, "pentium3");
  assert.equal(parse("-cpu", "qemu32,+sse2").cpuModel, "qemu32,+sse2");
  assert.equal(parse("-cpu", "486", "-cpu", "max").cpuModel, "max");
});

Deno.test("-cpu help and -cpu ? ask for the CPU list after the whole line is checked", () => {
  assert.equal(parse("-cpu", "help").action, "cpu-help");
  assert.equal(parse("-cpu", "?").action, "cpu-help");
  assert.equal(parse("-cpu", "help", "-cpu", "486").action, "run");
  fails(["-cpu", "help", "-m", "12X"], `-m 12X: ${SIZE_ERROR}`);
  assert.equal(parse("-device", "help", "-cpu", "help").action, "cpu-help");
});

// --- -machine / -M ---

Deno.test("-machine and -M select pc, also as type= and as pc-i440fx-X.Y", () => {
  assert.equal(parse("-M", "pc").machine, "pc");
  assert.equal(parse("-machine", "pc").machine, "pc");
  assert.equal(parse("-machine", "type=pc").machine, "pc");
  assert.equal(parse("-M", "pc-i440fx-7.2").machine, "pc-i440fx-7.2");
  assert.equal(parse("--machine", "pc-i440fx-2.0").machine, "pc-i440fx-2.0");
  assert.equal(parse("-M", "").machine, "pc");
});

Deno.test("-machine options merge: a later type replaces an earlier one", () => {
  assert.equal(parse("-M", "bogus", "-M", "pc").machine, "pc");
  fails(
    ["-M", "pc", "-M", "isapc"],
    "-M isapc: unsupported machine type 'isapc' (use -machine help to list supported machines)",
  );
});

Deno.test("-machine refuses q35 with the reason, and unknown machines", () => {
  fails(
    ["-M", "q35"],
    "-M q35: machine type 'q35' is not supported: deno-vmm emulates only the i440FX PC (-machine pc)",
  );
  fails(
    ["-machine", "pc-q35-7.2"],
    "-machine pc-q35-7.2: machine type 'pc-q35-7.2' is not supported: deno-vmm emulates only the " +
      "i440FX PC (-machine pc)",
  );
  fails(
    ["-M", "microvm"],
    "-M microvm: unsupported machine type 'microvm' (use -machine help to list supported machines)",
  );
});

Deno.test("-machine help, ? and NAME,help ask for the machine list or properties at once", () => {
  const list = parse("-M", "help");
  assert.equal(list.action, "machine-help");
  assert.equal(list.helpText, machineHelpText());
  assert.match(machineHelpText(), /^pc +Standard PC \(i440FX \+ PIIX, 1996\) \(default\)$/m);
  assert.equal(parse("-machine", "?").action, "machine-help");
  assert.equal(parse("-M", "help", "-m", "12X").action, "machine-help");
  const props = parse("-M", "pc,help");
  assert.equal(props.action, "machine-help");
  assert.match(props.helpText!, /accel=/);
  assert.equal(parse("-M", "q35,help").helpText, machineHelpText());
});

Deno.test("-machine kernel=, initrd=, append= and firmware= set what the options set", () => {
  const r = parse("-machine", "pc,kernel=k,initrd=a,,b,append=x=1,firmware=bios.bin");
  assert.equal(r.kernel, "k");
  assert.deepEqual(r.initrd, ["a", "b"]); // keyval unescapes ",," to ",", then modules split
  assert.equal(r.append, "x=1");
  assert.equal(r.bios, "bios.bin");
});

Deno.test("-machine refuses unknown properties and bare words", () => {
  fails(["-M", "pc,foo=1"], "-M pc,foo=1: machine property 'foo' is not supported");
  fails(["-M", "pc,foo"], "-M pc,foo: Expected '=' after parameter 'foo'");
});

// --- -accel ---

Deno.test("-accel tcg and jit select the JIT, interp the interpreter; jit is the default", () => {
  assert.equal(parse().accel, "jit");
  assert.equal(parse("-accel", "tcg").accel, "jit");
  assert.equal(parse("-accel", "jit").accel, "jit");
  assert.equal(parse("-accel", "interp").accel, "interp");
  assert.equal(parse("-accel", "accel=interp").accel, "interp");
  assert.equal(parse("-accel", "tcg,thread=single,tb-size=64").accel, "jit");
  assert.equal(parse("-machine", "accel=interp").accel, "interp");
  assert.equal(parse("-machine", "pc,accel=tcg").accel, "jit");
});

Deno.test("-accel falls back past accelerators deno-vmm lacks, as QEMU falls back past kvm", () => {
  assert.equal(parse("-accel", "kvm", "-accel", "interp").accel, "interp");
  assert.equal(parse("-machine", "accel=kvm:tcg").accel, "jit");
  assert.equal(parse("-machine", "accel=hvf:interp:tcg").accel, "interp");
  fails(
    ["-accel", "kvm"],
    "-accel kvm: accelerator 'kvm' is not available in deno-vmm (use tcg, jit or interp)",
  );
  fails(
    ["-M", "accel=kvm:xen"],
    "-M accel=kvm:xen: accelerator 'kvm' is not available in deno-vmm (use tcg, jit or interp)",
  );
});

Deno.test("-accel refuses unknown accelerators and properties in QEMU's words", () => {
  fails(["-accel", "bogus"], "-accel bogus: invalid accelerator bogus");
  fails(["-machine", "accel=tcg:bogus"], "-machine accel=tcg:bogus: invalid accelerator bogus");
  fails(["-accel", "tcg,foo=1"], "-accel tcg,foo=1: Property 'tcg-accel.foo' not found");
  fails(["-accel", "tcg,thread=bogus"], "-accel tcg,thread=bogus: Invalid 'thread' setting bogus");
  fails(
    ["-machine", "accel=tcg", "-accel", "tcg"],
    'The -accel and "-machine accel=" options are incompatible',
  );
});

Deno.test("-accel help lists the accelerators at once", () => {
  const r = parse("-accel", "help", "-m", "12X");
  assert.equal(r.action, "help");
  assert.equal(r.helpText, "Accelerators supported in deno-vmm:\ntcg\njit\ninterp\n");
  assert.equal(parse("-accel", "?").action, "help");
});

// --- boot: -kernel, -initrd, -append, -bios, -boot ---

Deno.test("-kernel, -append, -bios are kept as written; the last one wins", () => {
  const r = parse(
    "-kernel",
    "a",
    "-kernel",
    "bzImage",
    "-append",
    "console=ttyS0,115200 quiet",
    "-bios",
    "b.rom",
  );
  assert.equal(r.kernel, "bzImage");
  assert.equal(r.append, "console=ttyS0,115200 quiet");
  assert.equal(r.bios, "b.rom");
});

Deno.test("-initrd splits multiboot modules on commas, and ,, is a comma in a name", () => {
  assert.deepEqual(parse("-kernel", "k", "-initrd", "initrd.img").initrd, ["initrd.img"]);
  assert.deepEqual(parse("-kernel", "k", "-initrd", "a.bin arg1,b.bin").initrd, [
    "a.bin arg1",
    "b.bin",
  ]);
  assert.deepEqual(parse("-kernel", "k", "-initrd", "a,,b,c").initrd, ["a,b", "c"]);
  assert.deepEqual(parse("-kernel", "k", "-initrd", "a,,,b").initrd, ["a,", "b"]);
});

Deno.test("-append and -initrd without -kernel are refused as in QEMU", () => {
  fails(["-append", "x"], "-append only allowed with -kernel option");
  fails(["-initrd", "x"], "-initrd only allowed with -kernel option");
  fails(["-device", "help", "-append", "x"], "-append only allowed with -kernel option");
});

Deno.test("-boot is accepted and kept; its drive letters are checked", () => {
  assert.equal(parse("-boot", "c").boot, "c");
  assert.equal(
    parse("-boot", "order=dc,menu=on,splash-time=100").boot,
    "order=dc,menu=on,splash-time=100",
  );
  fails(["-boot", "zz"], "-boot zz: Invalid boot device 'z'");
  fails(["-boot", "order=cc"], "-boot order=cc: Boot device 'c' was given twice");
  fails(["-boot", "once=z"], "-boot once=z: Invalid boot device 'z'");
  fails(["-boot", "menu=maybe"], "-boot menu=maybe: Parameter 'boot.menu' expects 'on' or 'off'");
  fails(["-boot", "foo=1"], "-boot foo=1: Parameter 'boot.foo' is unexpected");
});

// --- serial ports and consoles ---

Deno.test("-serial keeps every value in order, none included", () => {
  const r = parse(
    "-chardev",
    "file,id=c0,path=out.txt",
    "-serial",
    "file:com1.txt",
    "-serial",
    "none",
    "-serial",
    "null",
    "-serial",
    "chardev:c0",
  );
  assert.deepEqual(r.serial, ["file:com1.txt", "none", "null", "chardev:c0"]);
  assert.deepEqual(parse("-serial", "mon:stdio").serial, ["mon:stdio"]);
  assert.deepEqual(parse("-serial", "file:a,b").serial, ["file:a,b"]);
});

Deno.test("-serial refuses a fifth port; none takes no port", () => {
  const four = ["-serial", "null", "-serial", "null", "-serial", "null", "-serial", "null"];
  assert.equal(parse(...four, "-serial", "none").serial.length, 5);
  fails(
    [...four, "-serial", "stdio"],
    "-serial stdio: too many serial ports (the pc machine has 4)",
  );
});

Deno.test("-serial refuses unknown and unsupported backends, and missing chardevs", () => {
  fails(["-serial", "bogus"], "-serial bogus: 'bogus' is not a valid char driver");
  const supported = "(use stdio, null, none, file:PATH, mon:stdio or chardev:ID)";
  fails(["-serial", "pty"], `-serial pty: character backend 'pty' is not supported ${supported}`);
  fails(
    ["-serial", "tcp::4444,server"],
    `-serial tcp::4444,server: character backend 'tcp::4444,server' is not supported ${supported}`,
  );
  fails(
    ["-serial", "mon:null"],
    `-serial mon:null: character backend 'mon:null' is not supported ${supported}`,
  );
  fails(["-serial", "vc"], `-serial vc: character backend 'vc' is not supported ${supported}`);
  fails(["-serial", "file:"], "-serial file:: file: needs a path (file:PATH)");
  fails(
    ["-serial", "chardev:nope"],
    "-serial chardev:nope: could not connect serial device to character backend 'chardev:nope'",
  );
});

Deno.test("a -chardev defined after the -serial that uses it still connects", () => {
  assert.deepEqual(parse("-serial", "chardev:s", "-chardev", "null,id=s").serial, ["chardev:s"]);
});

Deno.test("without -serial the serial port goes to stdio; -nodefaults leaves no port", () => {
  assert.deepEqual(parse().serial, ["stdio"]);
  assert.equal(parse().monitor, undefined);
  assert.deepEqual(parse("-nodefaults").serial, []);
  assert.equal(parse("-nodefaults").noDefaults, true);
  assert.deepEqual(parse("-serial", "none").serial, ["none"]);
});

Deno.test("the default serial port yields stdio to a monitor, debugcon or chardev on stdio", () => {
  const monitor = parse("-monitor", "stdio");
  assert.deepEqual(monitor.serial, ["null"]);
  assert.equal(monitor.monitor, "stdio");
  assert.deepEqual(parse("-debugcon", "stdio").serial, ["null"]);
  assert.deepEqual(parse("-chardev", "stdio,id=s").serial, ["null"]);
});

Deno.test("-nographic puts serial and monitor together on stdio (mon:stdio)", () => {
  const r = parse("-nographic");
  assert.equal(r.nographic, true);
  assert.equal(r.display, "none");
  assert.deepEqual(r.serial, ["mon:stdio"]);
  assert.equal(r.monitor, undefined);
});

Deno.test("-nographic with an explicit -serial moves only the monitor to stdio", () => {
  const r = parse("-nographic", "-serial", "file:out.txt");
  assert.deepEqual(r.serial, ["file:out.txt"]);
  assert.equal(r.monitor, "stdio");
  const muxed = parse("-nographic", "-serial", "mon:stdio");
  assert.deepEqual(muxed.serial, ["mon:stdio"]);
  assert.equal(muxed.monitor, undefined);
});

Deno.test("-nographic with -monitor none gives the serial port stdio alone", () => {
  const r = parse("-nographic", "-monitor", "none");
  assert.deepEqual(r.serial, ["stdio"]);
  assert.equal(r.monitor, "none");
  assert.deepEqual(parse("-nographic", "-nodefaults").serial, []);
  assert.equal(parse("-nographic", "-nodefaults").monitor, undefined);
});

Deno.test("stdio taken twice is refused as QEMU refuses it", () => {
  const msg = "cannot use stdio by multiple character devices";
  fails(["-serial", "stdio", "-monitor", "stdio"], `-serial stdio: ${msg}`);
  fails(["-nographic", "-serial", "stdio"], `-serial stdio: ${msg}`);
  fails(["-nographic", "-monitor", "stdio"], msg);
  fails(["-chardev", "stdio,id=a", "-chardev", "stdio,id=b"], `-chardev stdio,id=b: ${msg}`);
  fails(["-serial", "mon:stdio", "-serial", "mon:stdio"], `-serial mon:stdio: ${msg}`);
  fails(["-debugcon", "stdio", "-serial", "stdio"], `-debugcon stdio: ${msg}`);
});

Deno.test("-monitor accepts none, null and stdio, and one monitor only", () => {
  assert.equal(parse("-monitor", "none").monitor, "none");
  assert.equal(parse("-monitor", "null").monitor, "null");
  assert.equal(parse("-monitor", "stdio", "-monitor", "none").monitor, "stdio");
  fails(["-monitor", "stdio", "-monitor", "null"], "-monitor null: only one monitor is supported");
  fails(["-monitor", "bogus"], "-monitor bogus: 'bogus' is not a valid char driver");
  fails(
    ["-monitor", "unix:qemu.sock,server,nowait"],
    "-monitor unix:qemu.sock,server,nowait: monitor on 'unix:qemu.sock,server,nowait' is not " +
      "supported (use none, null or stdio)",
  );
});

Deno.test("-debugcon takes stdio, null or file:, once", () => {
  assert.equal(parse("-debugcon", "file:debug.log").debugcon, "file:debug.log");
  assert.equal(parse("-debugcon", "null").debugcon, "null");
  assert.equal(parse("-debugcon", "stdio").debugcon, "stdio");
  fails(
    ["-debugcon", "null", "-debugcon", "null"],
    "-debugcon null: already have a debugcon device",
  );
  fails(["-debugcon", "none"], "-debugcon none: 'none' is not a valid char driver");
  for (const spec of ["mon:stdio", "chardev:d", "pty"]) {
    fails(
      ["-chardev", "null,id=d", "-debugcon", spec],
      `-debugcon ${spec}: character backend '${spec}' is not supported (use stdio, null or file:PATH)`,
    );
  }
});

// --- -chardev ---

Deno.test("-chardev file, null and stdio keep their id and properties", () => {
  const r = parse(
    "-chardev",
    "file,id=log,path=a,,b.txt,append",
    "-chardev",
    "backend=null,id=n",
    "-chardev",
    "stdio,id=con,signal=no",
    "-serial",
    "null",
  );
  assert.deepEqual(r.chardevs, [
    { backend: "file", id: "log", props: { path: "a,b.txt", append: "on" } },
    { backend: "null", id: "n", props: {} },
    { backend: "stdio", id: "con", props: { signal: "off" } },
  ]);
});

Deno.test("-chardev refuses what QEMU refuses, in QEMU's words", () => {
  fails(["-chardev", "file,path=x"], "-chardev file,path=x: chardev: no id specified");
  fails(["-chardev", ""], "-chardev : chardev: no id specified");
  fails(["-chardev", "id=a"], '-chardev id=a: chardev: "a" missing backend');
  fails(["-chardev", "file,id=a"], "-chardev file,id=a: chardev: file: no filename given");
  fails(["-chardev", "bogus,id=a"], "-chardev bogus,id=a: 'bogus' is not a valid char driver name");
  fails(["-chardev", "null,id=1a"], `-chardev null,id=1a: ${ID_ERROR}`);
  fails(
    ["-chardev", "null,id=a", "-chardev", "null,id=a"],
    "-chardev null,id=a: Duplicate ID 'a' for chardev",
  );
  fails(
    ["-chardev", "file,id=a,path=x,append=maybe"],
    "-chardev file,id=a,path=x,append=maybe: Parameter 'append' expects 'on' or 'off'",
  );
});

Deno.test("-chardev socket takes QEMU's spellings, the old server,nowait and nodelay included", () => {
  const r = parse(
    "-chardev",
    "socket,id=s0,host=127.0.0.1,port=4555,server=on,wait=off",
    "-chardev",
    "socket,id=s1,host=localhost,port=4556,server,nowait,nodelay",
    "-chardev",
    "socket,id=s2,path=/tmp/vmm.sock,server=on",
    "-chardev",
    "socket,id=s3,host=127.0.0.1,port=4557",
  );
  assert.deepEqual(r.chardevs, [
    {
      backend: "socket",
      id: "s0",
      props: { host: "127.0.0.1", port: "4555", server: "on", wait: "off" },
    },
    {
      backend: "socket",
      id: "s1",
      props: { host: "localhost", port: "4556", server: "on", wait: "off", delay: "off" },
    },
    { backend: "socket", id: "s2", props: { path: "/tmp/vmm.sock", server: "on" } },
    { backend: "socket", id: "s3", props: { host: "127.0.0.1", port: "4557" } },
  ]);
});

Deno.test("-chardev socket refuses what qemu-system-i386 7.2 refuses, in its words", () => {
  fails(
    ["-chardev", "socket,id=s0,host=127.0.0.1,server=on,wait=off"],
    "-chardev socket,id=s0,host=127.0.0.1,server=on,wait=off: chardev: socket: no port given",
  );
  fails(
    ["-chardev", "socket,id=s0,host=127.0.0.1,port=1,wait=off"],
    "-chardev socket,id=s0,host=127.0.0.1,port=1,wait=off: " +
      "'wait' option is incompatible with socket in client connect mode",
  );
  fails(
    ["-chardev", "socket,id=s0,host=h,port=1,path=/p,server=on"],
    "-chardev socket,id=s0,host=h,port=1,path=/p,server=on: " +
      "None or one of 'path', 'fd' or 'host' option required.",
  );
  fails(
    ["-chardev", "socket,id=s0,host=127.0.0.1,port=4555,server=maybe"],
    "-chardev socket,id=s0,host=127.0.0.1,port=4555,server=maybe: " +
      "Parameter 'server' expects 'on' or 'off'",
  );
});

Deno.test("-chardev refuses backends and properties deno-vmm lacks", () => {
  fails(
    ["-chardev", "udp,id=a,port=1"],
    "-chardev udp,id=a,port=1: chardev backend 'udp' is not supported " +
      "(supported: file, null, socket, stdio)",
  );
  fails(
    ["-chardev", "socket,id=a,path=s,reconnect=1"],
    "-chardev socket,id=a,path=s,reconnect=1: parameter 'reconnect' is not supported for " +
      "chardev 'socket' (supported: host, port, path, server, wait, delay, nodelay)",
  );
  fails(
    ["-chardev", "stdio,id=a,mux=on"],
    "-chardev stdio,id=a,mux=on: parameter 'mux' is not supported for chardev 'stdio' " +
      "(supported: signal)",
  );
  fails(
    ["-chardev", "null,id=a,logfile=x"],
    "-chardev null,id=a,logfile=x: parameter 'logfile' is not supported for chardev 'null'",
  );
});

Deno.test("-chardev help lists the backends once the line is checked", () => {
  const r = parse("-chardev", "help");
  assert.equal(r.action, "help");
  assert.equal(
    r.helpText,
    "Available chardev backend types:\n  file\n  null\n  socket\n  stdio\n",
  );
  fails(["-chardev", "help", "-m", "12X"], `-m 12X: ${SIZE_ERROR}`);
});

// --- -drive ---

Deno.test("-drive keeps every supported property", () => {
  const r = parse(
    "-drive",
    "file=disk.img,if=virtio,id=d0,format=raw,readonly=on,cache=unsafe,index=1,media=disk",
  );
  assert.deepEqual(r.drives, [{
    file: "disk.img",
    if: "virtio",
    id: "d0",
    format: "raw",
    readonly: true,
    cache: "unsafe",
    index: 1,
    media: "disk",
  }]);
});

Deno.test("-drive unescapes ,, in values and takes the last of a repeated key", () => {
  assert.equal(parse("-drive", "file=a,,b.img,if=virtio").drives[0].file, "a,b.img");
  assert.equal(parse("-drive", "file=a,,,,b,if=none").drives[0].file, "a,,b");
  assert.equal(parse("-drive", "file=x,file=y,if=virtio").drives[0].file, "y");
});

Deno.test("-drive readonly takes QEMU's boolean spellings, bare words included", () => {
  const ro = (arg: string) => parse("-drive", `file=d,if=virtio,${arg}`).drives[0].readonly;
  assert.equal(ro("readonly"), true);
  assert.equal(ro("noreadonly"), false);
  assert.equal(ro("readonly=off"), false);
  assert.equal(ro("readonly=yes"), true);
  assert.equal(ro("read-only=on"), true);
  assert.equal(parse("-drive", "file=d,if=virtio").drives[0].readonly, false);
  fails(
    ["-drive", "file=d,if=virtio,readonly=maybe"],
    "-drive file=d,if=virtio,readonly=maybe: Parameter 'read-only' expects 'on' or 'off'",
  );
});

Deno.test("-drive if=none needs no file; if=virtio does", () => {
  assert.deepEqual(parse("-drive", "if=none,id=empty").drives, [{
    if: "none",
    id: "empty",
    readonly: false,
  }]);
  fails(["-drive", "if=virtio"], "-drive if=virtio: Device needs media, but drive is empty");
});

Deno.test("-drive refuses IDE (QEMU's default interface) and other controllers", () => {
  fails(
    ["-drive", "file=d.img,format=raw"],
    "-drive file=d.img,format=raw: if=ide (the default) is not supported: there is no such " +
      "controller; use if=virtio, or if=none with -device",
  );
  fails(
    ["-drive", "file=d.img,if=scsi"],
    "-drive file=d.img,if=scsi: if=scsi is not supported: there is no such controller; " +
      "use if=virtio, or if=none with -device",
  );
  fails(
    ["-drive", "file=d.img,if=bogus"],
    "-drive file=d.img,if=bogus: unsupported bus type 'bogus'",
  );
});

Deno.test("-drive refuses formats other than raw", () => {
  fails(
    ["-drive", "file=d,if=virtio,format=qcow2"],
    "-drive file=d,if=virtio,format=qcow2: format 'qcow2' is not supported: deno-vmm reads raw " +
      "images only",
  );
  fails(
    ["-drive", "file=d,if=virtio,format=bogus"],
    "-drive file=d,if=virtio,format=bogus: Unknown driver 'bogus'",
  );
});

Deno.test("-drive checks cache, media and index values", () => {
  for (const mode of ["none", "off", "writeback", "writethrough", "directsync", "unsafe"]) {
    assert.equal(parse("-drive", `file=d,if=virtio,cache=${mode}`).drives[0].cache, mode);
  }
  fails(
    ["-drive", "file=d,if=virtio,cache=bogus"],
    "-drive file=d,if=virtio,cache=bogus: invalid cache option",
  );
  assert.equal(parse("-drive", "file=d,if=virtio,media=cdrom").drives[0].media, "cdrom");
  fails(
    ["-drive", "file=d,if=virtio,media=tape"],
    "-drive file=d,if=virtio,media=tape: 'tape' invalid media",
  );
  assert.equal(parse("-drive", "file=d,if=virtio,index=0x2").drives[0].index, 2);
  fails(
    ["-drive", "file=d,if=virtio,index=x"],
    "-drive file=d,if=virtio,index=x: Parameter 'index' expects a number",
  );
  fails(
    ["-drive", "file=a,if=virtio,index=0", "-drive", "file=b,if=virtio,index=0"],
    "-drive file=b,if=virtio,index=0: drive with bus=0, unit=0 (index=0) exists",
  );
  assert.equal(
    parse("-drive", "file=a,if=virtio,index=0", "-drive", "if=none,index=0").drives.length,
    2,
  );
});

Deno.test("-drive refuses unsupported keys, bad and duplicate ids", () => {
  fails(
    ["-drive", "file=d,if=virtio,snapshot=on"],
    "-drive file=d,if=virtio,snapshot=on: drive option 'snapshot' is not supported " +
      "(supported: file, if, id, format, readonly, cache, index, media)",
  );
  fails(
    ["-drive", "d.img"],
    "-drive d.img: drive option 'd.img' is not supported " +
      "(supported: file, if, id, format, readonly, cache, index, media)",
  );
  fails(["-drive", "if=none,id=1x"], `-drive if=none,id=1x: ${ID_ERROR}`);
  fails(
    ["-drive", "if=none,id=a", "-drive", "if=none,id=a"],
    "-drive if=none,id=a: Duplicate ID 'a' for drive",
  );
});

// --- -device, -global, -nic, -plugin ---

Deno.test("-device keeps values as written for the device registry", () => {
  const r = parse(
    "-device",
    "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-device",
    "virtio-blk-pci,drive=d0,id=blk0",
  );
  assert.deepEqual(r.devices, [
    "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "virtio-blk-pci,drive=d0,id=blk0",
  ]);
  assert.equal(r.deviceHelp, undefined);
});

Deno.test("-device help, ? and NAME,help ask for device help; the first request wins", () => {
  assert.equal(parse("-device", "help").deviceHelp, "all");
  assert.equal(parse("-device", "?").action, "device-help");
  assert.equal(parse("-device", "?").deviceHelp, "all");
  const one = parse("-device", "virtio-rng-pci,help");
  assert.equal(one.action, "device-help");
  assert.equal(one.deviceHelp, "virtio-rng-pci");
  assert.equal(parse("-device", "e1000,?").deviceHelp, "e1000");
  assert.equal(parse("-device", "driver=e1000,help").deviceHelp, "e1000");
  assert.equal(parse("-device", "e1000,help", "-device", "help").deviceHelp, "e1000");
  fails(["-device", "help", "-m", "12X"], `-m 12X: ${SIZE_ERROR}`);
});

Deno.test("-device refuses a missing driver, bad or duplicate ids and JSON", () => {
  fails(["-device", "id=x"], "-device id=x: Parameter 'driver' is missing");
  fails(["-device", "e1000,id=1x"], `-device e1000,id=1x: ${ID_ERROR}`);
  fails(
    ["-device", "e1000,id=a", "-device", "e1000,id=a"],
    "-device e1000,id=a: Duplicate ID 'a' for device",
  );
  fails(
    ["-device", '{"driver":"e1000"}'],
    '-device {"driver":"e1000"}: JSON syntax is not supported; use -device driver,prop=value',
  );
});

Deno.test("-global takes both QEMU spellings and keeps them as written", () => {
  const r = parse(
    "-global",
    "isa-serial.baudbase=115200",
    "-global",
    "driver=a,property=b,value=c",
  );
  assert.deepEqual(r.globals, ["isa-serial.baudbase=115200", "driver=a,property=b,value=c"]);
  fails(["-global", "foo"], "-global foo: Invalid parameter 'foo'");
  fails(["-global", ".b=c"], "-global .b=c: Invalid parameter '.b'");
  fails(
    ["-global", "driver=a,property=b"],
    "-global driver=a,property=b: options 'driver', 'property', and 'value' are required",
  );
  fails(
    ["-global", "driver=a,property=b,value=c,foo=d"],
    "-global driver=a,property=b,value=c,foo=d: Invalid parameter 'foo'",
  );
});

Deno.test("-nic and -plugin are repeatable and kept in order", () => {
  const r = parse(
    "-nic",
    "none",
    "-nic",
    "hubport,hubid=0,model=virtio-net-pci",
    "-nic",
    "socket,id=up,connect=127.0.0.1:5555,mac=52:54:00:AB:cd:01,model=virtio",
    "-plugin",
    "a.ts",
    "--plugin",
    "b.ts",
  );
  assert.deepEqual(r.nics, [
    {
      netdev: { type: "hubport", id: "__org.qemu.nic0", props: { hubid: "0" } },
      model: "virtio-net-pci",
    },
    {
      netdev: { type: "socket", id: "up", props: { connect: "127.0.0.1:5555" } },
      model: "virtio",
      mac: "52:54:00:ab:cd:01",
    },
  ]);
  assert.deepEqual(r.netdevs, [], "a -nic's netdev is its own, not a -netdev");
  assert.deepEqual(r.plugins, ["a.ts", "b.ts"]);
});

Deno.test("-nic numbers its netdevs by NIC slot and leaves model= out when not given", () => {
  const r = parse("-nic", "hubport,hubid=1", "-nic", "none", "-nic", "hubport,hubid=1");
  assert.deepEqual(r.nics.map((n) => n.netdev.id), ["__org.qemu.nic0", "__org.qemu.nic1"]);
  assert.equal("model" in r.nics[0], false);
  assert.equal("mac" in r.nics[0], false);
});

Deno.test("-nic checks its netdev as -netdev does, at the -nic", () => {
  fails(["-nic", "hubport"], "-nic hubport: Parameter 'hubid' is missing");
  fails(
    ["-nic", "socket,listen=:1,bogus=2"],
    "-nic socket,listen=:1,bogus=2: Invalid parameter 'bogus'",
  );
  fails(
    ["-nic", "socket"],
    "-nic socket: exactly one of listen=, connect=, mcast= or udp= is required",
  );
  fails(
    ["-nic", "tap,model=virtio"],
    "-nic tap,model=virtio: netdev type 'tap' is not supported (supported: socket, stream, hubport, user)",
  );
  fails(["-nic", "bogus"], "-nic bogus: Parameter 'type' does not accept value 'bogus'");
  fails(["-nic", "hubport,hubid=0,id=1x"], `-nic hubport,hubid=0,id=1x: ${ID_ERROR}`);
  fails(
    ["-netdev", "hubport,id=h,hubid=0", "-nic", "hubport,hubid=1,id=h"],
    "-nic hubport,hubid=1,id=h: Duplicate ID 'h' for netdev",
  );
  fails(
    ["-nic", "hubport,hubid=0,id=h", "-nic", "hubport,hubid=1,id=h"],
    "-nic hubport,hubid=1,id=h: Duplicate ID 'h' for nic",
  );
});

Deno.test("-nic user, the default type, is refused: there is no slirp", () => {
  const reason = "user-mode networking (slirp) is not supported; " +
    "use -nic socket, -nic stream or -nic hubport";
  fails(["-nic", "user"], `-nic user: ${reason}`);
  fails(["-nic", "user,model=virtio"], `-nic user,model=virtio: ${reason}`);
  fails(
    ["-nic", "model=virtio"],
    "-nic model=virtio: user-mode networking (slirp, the default -nic type) is not supported; " +
      "use -nic socket, -nic stream or -nic hubport",
  );
});

Deno.test("-nic mac= takes net_parse_macaddr's spellings and refuses multicast", () => {
  const mac = (text: string) => parse("-nic", `hubport,hubid=0,mac=${text}`).nics[0].mac;
  assert.equal(mac("52-54-0-1-2-3"), "52:54:00:01:02:03");
  assert.equal(mac("0x123456"), "00:00:00:12:34:56", "a number sets the last three bytes");
  assert.equal(mac("10"), "00:00:00:00:00:0a");
  for (const bad of ["52:54:00:12:34", "52:54:00:12:34:5g", "52:54:00:12:34:567", "0x1000000"]) {
    fails(
      ["-nic", `hubport,hubid=0,mac=${bad}`],
      `-nic hubport,hubid=0,mac=${bad}: invalid syntax for ethernet address`,
    );
  }
  fails(
    ["-nic", "hubport,hubid=0,mac=01:00:5e:00:00:01"],
    "-nic hubport,hubid=0,mac=01:00:5e:00:00:01: NIC cannot have multicast MAC address",
  );
});

Deno.test("-nic has QEMU's eight slots", () => {
  const eight = Array.from({ length: 8 }, () => ["-nic", "hubport,hubid=0"]).flat();
  assert.equal(parse(...eight).nics.length, 8);
  fails(
    [...eight, "-nic", "hubport,hubid=0"],
    "-nic hubport,hubid=0: no more on-board/default NIC slots available",
  );
  assert.equal(parse(...eight, "-nic", "none").nics.length, 8, "none takes no slot");
});

Deno.test("-nic help lists the netdev types and NIC models; model=help the models", () => {
  const all = parse("-nic", "help");
  assert.equal(all.action, "help");
  assert.equal(
    all.helpText,
    "Available netdev backend types:\nsocket\nstream\nhubport\nuser\n\n" +
      "Supported NIC models:\nvirtio-net-pci\n",
  );
  for (const arg of ["model=help", "socket,model=?", "user,model=help"]) {
    const models = parse("-nic", arg);
    assert.equal(models.action, "help", arg);
    assert.equal(models.helpText, "Supported NIC models:\nvirtio-net-pci\n");
  }
  assert.match(usageText(), /^-nic .*model=mn\]$/m);
  assert.match(usageText(), /model=virtio-net-pci \(alias virtio\) is the/);
});

// --- -netdev ---

Deno.test("-netdev socket, stream, hubport and user keep their properties", () => {
  const r = parse(
    "-netdev",
    "socket,id=s0,listen=:1234",
    "-netdev",
    "socket,id=s1,mcast=230.0.0.1:1234,localaddr=127.0.0.1",
    "-netdev",
    "stream,id=st,server=yes,addr.type=inet,addr.host=localhost,addr.port=5555",
    "-netdev",
    "stream,id=su,addr.type=unix,addr.path=/tmp/s",
    "-netdev",
    "hubport,id=h0,hubid=0",
    "-netdev",
    "type=user,id=u0,net=10.0.2.0/24",
  );
  assert.deepEqual(r.netdevs, [
    { type: "socket", id: "s0", props: { listen: ":1234" } },
    { type: "socket", id: "s1", props: { mcast: "230.0.0.1:1234", localaddr: "127.0.0.1" } },
    {
      type: "stream",
      id: "st",
      props: { server: "on", "addr.type": "inet", "addr.host": "localhost", "addr.port": "5555" },
    },
    { type: "stream", id: "su", props: { "addr.type": "unix", "addr.path": "/tmp/s" } },
    { type: "hubport", id: "h0", props: { hubid: "0" } },
    { type: "user", id: "u0", props: { net: "10.0.2.0/24" } },
  ]);
});

Deno.test("-netdev user keeps every repeated hostfwd, joined by newlines", () => {
  const r = parse("-netdev", "user,id=n,hostfwd=tcp::2222-:22,hostfwd=udp::5353-:53");
  assert.equal(r.netdevs[0].props.hostfwd, "tcp::2222-:22\nudp::5353-:53");
});

Deno.test("-netdev refuses missing ids and types, and unknown types", () => {
  fails(["-netdev", "user"], "-netdev user: Parameter 'id' is missing");
  fails(["-netdev", "bogus"], "-netdev bogus: Parameter 'id' is missing");
  fails(["-netdev", "id=n"], "-netdev id=n: Parameter 'type' is missing");
  fails(
    ["-netdev", "bogus,id=n"],
    "-netdev bogus,id=n: Parameter 'type' does not accept value 'bogus'",
  );
  fails(
    ["-netdev", "tap,id=t"],
    "-netdev tap,id=t: netdev type 'tap' is not supported (supported: socket, stream, hubport, user)",
  );
  fails(["-netdev", "user,id=1n"], `-netdev user,id=1n: ${ID_ERROR}`);
  fails(
    ["-netdev", "user,id=n", "-netdev", "user,id=n"],
    "-netdev user,id=n: Duplicate ID 'n' for netdev",
  );
  fails(
    ["-netdev", '{"type":"user","id":"n"}'],
    '-netdev {"type":"user","id":"n"}: JSON syntax is not supported; use -netdev type,id=...',
  );
});

Deno.test("-netdev socket needs exactly one of listen, connect and mcast", () => {
  const msg = "exactly one of listen=, connect=, mcast= or udp= is required";
  fails(["-netdev", "socket,id=n"], `-netdev socket,id=n: ${msg}`);
  fails(
    ["-netdev", "socket,id=n,listen=:1,connect=a:1"],
    `-netdev socket,id=n,listen=:1,connect=a:1: ${msg}`,
  );
  const udp = parse("-netdev", "socket,id=n,udp=127.0.0.1:1,localaddr=127.0.0.1:2");
  assert.deepEqual(udp.netdevs[0].props, { udp: "127.0.0.1:1", localaddr: "127.0.0.1:2" });
  fails(["-netdev", "socket,id=n,fd=3"], "-netdev socket,id=n,fd=3: socket fd= is not supported");
  fails(
    ["-netdev", "socket,id=n,listen=:1,foo=1"],
    "-netdev socket,id=n,listen=:1,foo=1: Invalid parameter 'foo'",
  );
});

Deno.test("-netdev stream needs a complete inet or unix address", () => {
  fails(["-netdev", "stream,id=s"], "-netdev stream,id=s: Parameter 'addr' is missing");
  fails(
    ["-netdev", "stream,id=s,addr.type=inet"],
    "-netdev stream,id=s,addr.type=inet: Parameter 'addr.host' is missing",
  );
  fails(
    ["-netdev", "stream,id=s,addr.type=inet,addr.host=h"],
    "-netdev stream,id=s,addr.type=inet,addr.host=h: Parameter 'addr.port' is missing",
  );
  fails(
    ["-netdev", "stream,id=s,addr.type=unix"],
    "-netdev stream,id=s,addr.type=unix: Parameter 'addr.path' is missing",
  );
  fails(
    ["-netdev", "stream,id=s,addr.type=bogus"],
    "-netdev stream,id=s,addr.type=bogus: Parameter 'type' does not accept value 'bogus'",
  );
  fails(
    ["-netdev", "stream,id=s,addr.type=fd,addr.str=3"],
    "-netdev stream,id=s,addr.type=fd,addr.str=3: stream addr.str= is not supported",
  );
  fails(
    ["-netdev", "stream,id=s,addr.type=unix,addr.path=p,foo=1"],
    "-netdev stream,id=s,addr.type=unix,addr.path=p,foo=1: Parameter 'foo' is unexpected",
  );
});

Deno.test("-netdev hubport needs an integer hubid", () => {
  fails(["-netdev", "hubport,id=h"], "-netdev hubport,id=h: Parameter 'hubid' is missing");
  fails(
    ["-netdev", "hubport,id=h,hubid=x"],
    "-netdev hubport,id=h,hubid=x: Parameter 'hubid' expects an int64 value",
  );
});

Deno.test("-netdev help lists the types once the line is checked", () => {
  const r = parse("-netdev", "help");
  assert.equal(r.action, "help");
  assert.equal(r.helpText, "Available netdev backend types:\nsocket\nstream\nhubport\nuser\n");
  fails(["-netdev", "help", "-m", "12X"], `-m 12X: ${SIZE_ERROR}`);
});

// --- display ---

Deno.test("-display none and -vga none are accepted; graphical displays are refused", () => {
  assert.equal(parse("-display", "none").display, "none");
  assert.equal(parse("-display", "type=none").display, "none");
  assert.equal(parse("-vga", "none").action, "run");
  const why = "(deno-vmm has no graphical display; use -display none or -nographic)";
  fails(["-display", "gtk"], `-display gtk: display 'gtk' is not supported ${why}`);
  fails(["-display", "sdl,gl=on"], `-display sdl,gl=on: display 'sdl' is not supported ${why}`);
  fails(["-display", "vnc=:0"], `-display vnc=:0: display 'vnc' is not supported ${why}`);
  fails(["-display", "bogus"], "-display bogus: Parameter 'type' does not accept value 'bogus'");
  fails(["-display", "none,foo=1"], "-display none,foo=1: Parameter 'foo' is unexpected");
  fails(["-display", "gl=on"], "-display gl=on: Parameter 'type' is missing");
  fails(["-vga", "std"], "-vga std: VGA is not supported (deno-vmm has no display); use -vga none");
});

Deno.test("-display help lists the display types at once", () => {
  const r = parse("-display", "help", "-m", "12X");
  assert.equal(r.action, "help");
  assert.equal(r.helpText, "Available display backend types:\nnone\n");
});

// --- flags, -name ---

Deno.test("-no-reboot, -no-shutdown, -nodefaults and -no-user-config set their flags", () => {
  const r = parse("-no-reboot", "-no-shutdown", "-nodefaults", "-no-user-config");
  assert.equal(r.noReboot, true);
  assert.equal(r.noShutdown, true);
  assert.equal(r.noDefaults, true);
  assert.equal(r.noUserConfig, true);
});

Deno.test("-name sets the guest name, also as guest=, with process= and debug-threads=", () => {
  assert.equal(parse("-name", "vm1").name, "vm1");
  assert.equal(parse("-name", "guest=vm2,process=p,debug-threads=on").name, "vm2");
  assert.equal(parse("-name", "a,,b").name, "a,b");
  assert.equal(parse("-name", "a", "-name", "b").name, "b");
  fails(["-name", "a,b"], "-name a,b: Invalid parameter 'b'");
  fails(["-name", "a,bar=1"], "-name a,bar=1: Invalid parameter 'bar'");
  fails(
    ["-name", "a,debug-threads=maybe"],
    "-name a,debug-threads=maybe: Parameter 'debug-threads' expects 'on' or 'off'",
  );
});

// --- -d, -D ---

Deno.test("-d keeps its log items; the last -d wins; -D sets the log file", () => {
  assert.deepEqual(parse("-d", "in_asm,int,cpu_reset").debugFlags, ["in_asm", "int", "cpu_reset"]);
  assert.deepEqual(parse("-d", "all").debugFlags, ["all"]);
  assert.deepEqual(parse("-d", "trace:virtio_*").debugFlags, ["trace:virtio_*"]);
  assert.deepEqual(parse("-d", "int", "-d", "mmu").debugFlags, ["mmu"]);
  assert.equal(parse("-D", "vmm.log").debugLog, "vmm.log");
});

Deno.test("-d refuses unknown items; -d help lists them", () => {
  fails(["-d", "bogus"], "-d bogus: unknown log item 'bogus' (use -d help for a list)");
  fails(["-d", "int,"], "-d int,: unknown log item '' (use -d help for a list)");
  const r = parse("-d", "help");
  assert.equal(r.action, "help");
  assert.match(r.helpText!, /^Log items \(comma separated\):\nout_asm/);
  assert.match(r.helpText!, /^guest_errors +/m);
  fails(["-d", "help", "-append", "x"], "-append only allowed with -kernel option");
});

Deno.test("-d jit and -d jit_dump are log items of deno-vmm's own, listed by -d help", () => {
  assert.deepEqual(parse("-d", "jit").debugFlags, ["jit"]);
  assert.deepEqual(parse("-d", "int,jit_dump,jit").debugFlags, ["int", "jit_dump", "jit"]);
  const help = parse("-d", "help").helpText!;
  assert.match(help, /^jit +show JIT statistics on exit$/m);
  assert.match(help, /^jit_dump +show each compiled WebAssembly module as text/m);
  fails(["-d", "jit_stats"], "-d jit_stats: unknown log item 'jit_stats' (use -d help for a list)");
});

// --- -icount ---

Deno.test("-icount takes a shift of 0..10 (C integer syntax) or auto", () => {
  assert.deepEqual(parse("-icount", "3").icount, { shift: 3 });
  assert.deepEqual(parse("-icount", "shift=0").icount, { shift: 0 });
  assert.deepEqual(parse("-icount", "shift=10,align=off,sleep=off").icount, { shift: 10 });
  assert.deepEqual(parse("-icount", "0x3").icount, { shift: 3 });
  assert.deepEqual(parse("-icount", "010").icount, { shift: 8 });
  assert.deepEqual(parse("-icount", "auto").icount, { shift: "auto" });
  assert.deepEqual(parse("-icount", "shift=auto,sleep=off").icount, { shift: "auto" });
  assert.deepEqual(parse("-icount", "sleep=off", "-icount", "4").icount, { shift: 4 });
  assert.equal(parse("-icount", "sleep=off").icount, undefined);
  assert.equal(parse("-icount", "").icount, undefined);
});

Deno.test("-icount refuses bad shifts and options in QEMU's words", () => {
  for (const bad of ["x", "11", "-1", "shift=x", "shift="]) {
    fails(["-icount", bad], `-icount ${bad}: icount: Invalid shift value`);
  }
  fails(["-icount", "align=on"], "-icount align=on: Please specify shift option when using align");
  fails(
    ["-icount", "3,align=on,sleep=off"],
    "-icount 3,align=on,sleep=off: align=on and sleep=off are incompatible",
  );
  fails(
    ["-icount", "3,sleep=maybe"],
    "-icount 3,sleep=maybe: Parameter 'sleep' expects 'on' or 'off'",
  );
  fails(["-icount", "3,foo=1"], "-icount 3,foo=1: Invalid parameter 'foo'");
  fails(["-icount", "3,rr=bogus"], "-icount 3,rr=bogus: Invalid icount rr option: bogus");
  fails(
    ["-icount", "3,rr=record,rrfile=r"],
    "-icount 3,rr=record,rrfile=r: record/replay (rr=) is not supported",
  );
});

// --- -rtc ---

Deno.test("-rtc base= takes utc, localtime or a date; clock and driftfix are checked", () => {
  assert.equal(parse("-rtc", "base=utc").rtcBase, "utc");
  assert.equal(parse("-rtc", "base=localtime,clock=vm,driftfix=slew").rtcBase, "localtime");
  assert.equal(parse("-rtc", "base=2006-06-17T16:01:21").rtcBase, "2006-06-17T16:01:21");
  assert.equal(parse("-rtc", "base=2006-06-17").rtcBase, "2006-06-17");
  assert.equal(parse("-rtc", "base=utc", "-rtc", "clock=host").rtcBase, "utc");
  assert.equal(parse("-rtc", "clock=rt").rtcBase, undefined);
});

Deno.test("-rtc refuses bad dates and values in QEMU's words", () => {
  const dateMsg = "invalid datetime format. valid formats: '2006-06-17T16:01:21' or '2006-06-17'";
  fails(["-rtc", "base=bogus"], `-rtc base=bogus: ${dateMsg}`);
  fails(["-rtc", "base=2006-13-01"], `-rtc base=2006-13-01: ${dateMsg}`);
  fails(["-rtc", "clock=bogus"], "-rtc clock=bogus: invalid option value 'bogus'");
  fails(["-rtc", "driftfix=fast"], "-rtc driftfix=fast: invalid option value 'fast'");
  fails(["-rtc", "base=utc,foo=1"], "-rtc base=utc,foo=1: Invalid parameter 'foo'");
  fails(["-rtc", "utc"], "-rtc utc: Invalid parameter 'utc'");
});

// --- a whole line ---

Deno.test("a typical test-runner line parses into one consistent result", () => {
  const r = parse(
    "-machine",
    "pc,accel=tcg",
    "-cpu",
    "qemu32",
    "-m",
    "256M",
    "-smp",
    "1",
    "-nographic",
    "-no-reboot",
    "-kernel",
    "guests/bzImage",
    "-initrd",
    "guests/initramfs.cpio.gz",
    "-append",
    "console=ttyS0 panic=-1",
    "-drive",
    "file=disk.img,if=none,id=d0,format=raw",
    "-device",
    "virtio-blk-pci,drive=d0",
    "-device",
    "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-icount",
    "shift=5",
    "-rtc",
    "base=utc",
    "-d",
    "guest_errors",
    "-D",
    "log.txt",
  );
  assert.equal(r.action, "run");
  assert.equal(r.memoryBytes, 256 * MiB);
  assert.deepEqual(r.serial, ["mon:stdio"]);
  assert.equal(r.kernel, "guests/bzImage");
  assert.deepEqual(r.initrd, ["guests/initramfs.cpio.gz"]);
  assert.equal(r.append, "console=ttyS0 panic=-1");
  assert.equal(r.drives.length, 1);
  assert.equal(r.devices.length, 2);
  assert.deepEqual(r.icount, { shift: 5 });
  assert.equal(r.rtcBase, "utc");
  assert.deepEqual(r.debugFlags, ["guest_errors"]);
  assert.equal(r.noReboot, true);
});

Deno.test("OptionError is an Error named OptionError, its message without a program prefix", () => {
  try {
    parseArgs(["-bogus"]);
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof Error);
    assert.equal((e as Error).name, "OptionError");
    assert.ok(!(e as Error).message.startsWith("deno-vmm"));
  }
});

Deno.test("-vnc none is accepted as a no-op display; a real VNC display is refused", () => {
  assert.equal(parseArgs(["-vnc", "none"]).action, "run");
  assert.throws(() => parseArgs(["-vnc", ":0"]), /-vnc :0: option not supported/);
});
