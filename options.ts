/**
 * The command line of deno-vmm: the spellings and meanings of `qemu-system-i386`
 * (QEMU 7.2, softmmu/vl.c, qemu-options.hx, util/qemu-option.c, util/keyval.c,
 * util/cutils.c), restricted to what deno-vmm implements. Everything else is
 * refused with one line in QEMU's format: `-bogus: invalid option`.
 *
 * The parser is pure: it reads no file and prints nothing. main prefixes an
 * OptionError's message with `deno-vmm: ` and exits with status 1, as QEMU does.
 */
import denoConfig from "./deno.json" with { type: "json" };
import { MAX_RAM } from "./devices/memory/layout.ts";
import { parseSocketChardev } from "./devices/chardev/chardev_spec.ts";

/** The version deno-vmm reports (deno.json). */
export const VERSION: string = denoConfig.version;

/** A command line deno-vmm refuses; the message has no program prefix. */
export class OptionError extends Error {
  override name = "OptionError";
}

/** A `-chardev` backend: `-chardev file,id=x,path=out.txt`. */
export interface ChardevSpec {
  /** "file", "null", "socket" or "stdio". */
  backend: string;
  id: string;
  /** The other properties (path, append, signal); booleans as "on"/"off". */
  props: Record<string, string>;
}

/** A `-drive`: a raw image for a virtio disk (if=virtio) or a -device (if=none). */
export interface DriveSpec {
  file?: string;
  /** "virtio" or "none". */
  if: string;
  id?: string;
  /** "raw" when given; absent means raw too (deno-vmm reads no other format). */
  format?: string;
  readonly: boolean;
  /** writeback, writethrough, none, off, directsync or unsafe. */
  cache?: string;
  index?: number;
  /** "disk" or "cdrom". */
  media?: string;
}

/** A `-netdev` backend: `-netdev socket,id=n0,listen=:1234`. */
export interface NetdevSpec {
  /** "socket", "stream", "hubport" or "user". */
  type: string;
  id: string;
  /**
   * The other properties, last one wins; for user's hostfwd, guestfwd and
   * dnssearch, which QEMU collects, repeated values are joined with "\n".
   */
  props: Record<string, string>;
}

/**
 * A `-nic`: a netdev and a NIC on it in one option (`-nic socket,connect=:1234,model=virtio`),
 * as QEMU's net_param_nic() splits it.
 */
export interface NicSpec {
  /** The netdev: -nic's type and properties, its `id=` or QEMU's `__org.qemu.nicN`. */
  netdev: NetdevSpec;
  /** `model=` as written ("virtio" included); absent: the default model, virtio-net-pci. */
  model?: string;
  /** `mac=` as six lower-case hex bytes with colons. */
  mac?: string;
}

/** What the command line asks for. */
export interface ParsedCommandLine {
  action: "run" | "help" | "version" | "device-help" | "cpu-help" | "machine-help";
  /** Text to print for action "help" (usage, or the list asked for by -netdev help,
   * -chardev help, -accel help, -display help, -d help) and "machine-help". */
  helpText?: string;
  /** For -device help / -device ?: "all"; for -device NAME,help: NAME as written. */
  deviceHelp?: string;
  /** -m, aligned up to 8 KiB as QEMU does; default 128 MiB. */
  memoryBytes: number;
  /** Always 1: -smp with more CPUs is refused. */
  smp: number;
  /** -cpu as written (model and any ,feature list); validated later. Default "qemu32". */
  cpuModel: string;
  /** -kernel (or -machine kernel=): a Linux bzImage or multiboot kernel. */
  kernel?: string;
  /** -initrd split on "," (",," is a comma): multiboot modules, or one Linux initrd. */
  initrd?: string[];
  /** -append: the kernel command line, commas and all. */
  append?: string;
  /** -bios (or -machine firmware=): a ROM image for the reset vector. */
  bios?: string;
  /** -serial values in order, defaults applied: "stdio", "file:PATH", "null", "none",
   * "mon:stdio" or "chardev:ID". */
  serial: string[];
  /** -debugcon: "stdio", "null" or "file:PATH". */
  debugcon?: string;
  /** "none", "null" or "stdio"; "stdio" also when -nographic puts the monitor there. */
  monitor?: string;
  chardevs: ChardevSpec[];
  drives: DriveSpec[];
  /** -device values as written, for the device registry. */
  devices: string[];
  netdevs: NetdevSpec[];
  /** -nic in order; `-nic none` adds none. */
  nics: NicSpec[];
  /** -global values as written. */
  globals: string[];
  /** -plugin / --plugin module paths, in order. */
  plugins: string[];
  /** "jit" for -accel tcg|jit (the default), "interp" for -accel interp. */
  accel: "jit" | "interp";
  /** -machine type as written: "pc" or "pc-i440fx-X.Y". */
  machine: string;
  nographic: boolean;
  /** Always "none": deno-vmm has no graphical display. */
  display: string;
  noReboot: boolean;
  noShutdown: boolean;
  noDefaults: boolean;
  noUserConfig: boolean;
  /** -name guest name. */
  name?: string;
  /** -d items. */
  debugFlags: string[];
  /** -D log file. */
  debugLog?: string;
  /** -icount: guest time advances 2^shift ns per instruction ("auto": adaptive). */
  icount?: { shift: number | "auto" };
  /** -rtc base: "utc", "localtime" or a date "2006-06-17[T16:01:21]". */
  rtcBase?: string;
  /** -boot as written; direct boot ignores it. */
  boot?: string;
}

const MiB = 1 << 20;
const DEFAULT_RAM = 128 * MiB;
/** QEMU rounds the RAM size up to 8 KiB (hw/core/machine.c, machine_set_mem). */
const RAM_ALIGN = 8192;
/** The pc machine has four ISA serial ports, COM1..COM4. */
const MAX_SERIAL_PORTS = 4;

/** The usage text printed by -h / -help / --help. */
export function usageText(): string {
  return `${versionLine()}
usage: deno-vmm [options]

The options are those of qemu-system-i386. Any option may be written with two
leading dashes (--m 256). An option's argument is the next word (-m 256; -m=256
is not an option). In key=value lists ",," is a comma inside a value:
file=a,,b.img names the file "a,b.img".

Standard options:
-h or -help     display this help and exit
-version        display version information and exit
-machine [type=]name[,accel=a[:b...]][,kernel=f][,initrd=f][,append=s][,firmware=f]
                select the machine: pc, the i440FX PC (pc-i440fx-X.Y is accepted
                as pc); '-machine help' lists it. -M is the same option
-cpu model      select the CPU model ('-cpu help' for the list; default qemu32)
-accel [accel=]name[,thread=single|multi][,tb-size=n]
                select how guest code runs: jit or tcg (translate to WebAssembly,
                the default) or interp (interpreter only); 'help' lists them
-smp [cpus=]1   number of CPUs: only 1 is supported
-m [size=]megs  guest RAM, default 128 MiB: a plain number is MiB, or give a
                suffix B, K, M, G or T (512K, 1.5G); from 1 MiB to ${MAX_RAM / MiB} MiB
-name string    set the name of the guest
-device driver[,prop[=value][,...]]
                add a device ('-device help' lists the drivers,
                '-device driver,help' the properties of one)
-global driver.prop=value
-global driver=driver,property=prop,value=value
                set the default of a device property

Block devices:
-drive [file=file][,if=virtio|none][,id=name][,format=raw][,readonly=on|off]
       [,cache=writeback|writethrough|none|directsync|unsafe][,index=i][,media=disk|cdrom]
                add a raw disk image: if=virtio makes a virtio-blk disk, if=none
                a backend for -device. There is no IDE controller, so if= must be
                given (QEMU's default is if=ide); only raw images are read

Display:
-nographic      no graphical output; serial port and monitor go to stdio
-display none   no display (the only kind, and the default)
-vga none       no VGA card (the only kind)

Network:
-netdev user,id=str[,net=addr/mask][,host=addr][,hostfwd=rule][,...]
-netdev socket,id=str,listen=[host]:port|connect=host:port|mcast=maddr:port[,localaddr=addr]
-netdev socket,id=str,udp=host:port,localaddr=host:port
-netdev stream,id=str[,server=on|off],addr.type=inet,addr.host=host,addr.port=port
-netdev stream,id=str[,server=on|off],addr.type=unix,addr.path=path
-netdev hubport,id=str,hubid=n[,netdev=nd]
                configure a network backend ('-netdev help' lists the types)
-nic [socket|stream|hubport][,prop=value][,...][,mac=macaddr][,model=mn]
                a netdev and a NIC on it in one go: the netdev's properties as for
                -netdev, id= optional; model=virtio-net-pci (alias virtio) is the
                default, as deno-vmm has no e1000 ('-nic model=help' lists the
                models); -nic none adds no NIC (there is none by default)

Character devices:
-chardev null,id=id
-chardev stdio,id=id[,signal=on|off]
-chardev file,id=id,path=path[,append=on|off]
-chardev socket,id=id,host=host,port=port[,server=on|off][,wait=on|off][,nodelay=on|off]
-chardev socket,id=id,path=path[,server=on|off][,wait=on|off]
                create a character backend ('-chardev help' lists the types)
-serial dev     connect the next serial port (COM1..COM4) to dev: stdio, null,
                none, file:path, mon:stdio or chardev:id. Default: stdio (QEMU
                uses a graphical console there, which deno-vmm does not have;
                null when -monitor, -debugcon or -chardev already use stdio);
                mon:stdio with -nographic; no serial port with -nodefaults
-monitor dev    put the monitor on dev: none, null or stdio (default: none;
                with -nographic it shares stdio with the serial port)
-debugcon dev   connect the debug console (port 0xe9) to dev: stdio, null or file:path

Boot:
-kernel file    boot this Linux bzImage or multiboot kernel directly
-append cmdline kernel command line
-initrd file    initial RAM disk; for a multiboot kernel the modules, separated
                by commas (",," is a comma in a name)
-bios file      ROM image mapped below 4 GiB at the reset vector
-boot [order=drives][,once=drives][,menu=on|off][,...]
                accepted and ignored: direct boot does not use it

Machine behaviour:
-no-reboot      exit instead of rebooting
-no-shutdown    stop, instead of exiting, when the guest powers off
-nodefaults     create no default devices (no default serial port or monitor)
-no-user-config read no user configuration file (deno-vmm reads none anyway)
-rtc [base=utc|localtime|date][,clock=host|rt|vm][,driftfix=none|slew]
                set the RTC start time; date is 2006-06-17T16:01:21 or 2006-06-17
-icount [shift=N|auto][,align=on|off][,sleep=on|off]
                deterministic clock: guest time advances 2^N ns per instruction

Debugging:
-d item1,...    log the given items ('-d help' for the list)
-D logfile      write the log to logfile (default: stderr)

Plugins:
-plugin file.ts load a device plugin module (repeatable; --plugin works too)
`;
}

/** The text printed by -version / --version. */
export function versionText(): string {
  return `${versionLine()}\nCopyright (c) 2026 the deno-vmm authors\n`;
}

function versionLine(): string {
  return `deno-vmm version ${VERSION}, QEMU-compatible command line`;
}

/** The text printed by -machine help. */
export function machineHelpText(): string {
  return "Supported machines are:\n" +
    "pc                   Standard PC (i440FX + PIIX, 1996) (default)\n";
}

function machinePropsText(): string {
  return "pc machine options:\n" +
    "  accel=<string>         - accelerators, tried in order: tcg|jit|interp[:...]\n" +
    "  append=<string>        - Linux kernel command line\n" +
    "  firmware=<string>      - firmware image\n" +
    "  initrd=<string>        - Linux initial ramdisk file\n" +
    "  kernel=<string>        - Linux kernel image file\n" +
    "  type=<string>          - machine type (pc)\n";
}

/** -d items: QEMU 7.2's system-emulation list (util/log.c), less "tid" (one log file per
 * thread, which needs a -D name with %d and has no meaning here), then deno-vmm's own. */
const LOG_ITEMS: [string, string][] = [
  ["out_asm", "show generated host code for each compiled block"],
  ["in_asm", "show target assembly code for each compiled block"],
  ["op", "show micro ops for each compiled block"],
  ["op_opt", "show micro ops after optimization"],
  ["op_ind", "show micro ops before indirect lowering"],
  ["int", "show interrupts/exceptions in short format"],
  ["exec", "show trace before each executed block (lots of logs)"],
  ["cpu", "show CPU registers before entering a block (lots of logs)"],
  ["fpu", "include FPU registers in the 'cpu' logging"],
  ["mmu", "log MMU-related activities"],
  ["pcall", "x86 only: show protected mode far calls/returns/exceptions"],
  ["cpu_reset", "show CPU state before CPU resets"],
  ["unimp", "log unimplemented functionality"],
  ["guest_errors", "log when the guest OS does something invalid"],
  ["page", "dump pages at beginning of user mode emulation"],
  ["nochain", "do not chain compiled blocks so that 'exec' and 'cpu' show complete traces"],
  ["plugin", "output from plugins"],
  ["jit", "show JIT statistics on exit"],
  ["jit_dump", "show each compiled WebAssembly module as text (wasm2wat)"],
];

function logHelpText(): string {
  const rows = LOG_ITEMS.map(([name, text]) => `${name.padEnd(16)}${text}\n`).join("");
  return `Log items (comma separated):\n${rows}${"all".padEnd(16)}every item above\n` +
    `${"trace:PATTERN".padEnd(16)}enable trace events\n`;
}

/** Splits a whitespace-separated list of names. */
function words(list: string): string[] {
  return list.trim().split(/\s+/);
}

const ACCELERATORS: Record<string, "jit" | "interp"> = { tcg: "jit", jit: "jit", interp: "interp" };
/** Accelerators QEMU knows that deno-vmm cannot offer: skipped when another follows. */
const FOREIGN_ACCELERATORS = new Set(words("kvm xen hax hvf nvmm whpx qtest"));
const ACCEL_PROPS = new Set(words("thread tb-size split-wx one-insn-per-tb"));

const CHARDEV_PROPS: Record<string, string[]> = {
  null: [],
  stdio: ["signal"],
  file: ["path", "append"],
  socket: ["host", "port", "path", "server", "wait", "delay", "nodelay"],
};
const BOOL_CHARDEV_PROPS = new Set(["signal", "append", "server", "wait", "delay", "nodelay"]);
/** Backends QEMU's -chardev knows (chardev/*.c) that deno-vmm does not offer. */
const FOREIGN_CHARDEVS = new Set(words(`
  udp pipe pty serial tty parallel parport vc ringbuf memory mux msmouse wctablet
  braille testdev spicevmc spiceport qemu-vdagent dbus console`));
/** Legacy -serial/-monitor/-debugcon spellings QEMU accepts that deno-vmm does not. */
const FOREIGN_COMPAT_PREFIXES = words(`
  vc: pipe: udp: tcp: telnet: tn3270: websocket: unix: /dev/ COM mon: file: chardev:`);

const NETDEV_PROPS: Record<string, string[]> = {
  socket: words("listen connect mcast udp localaddr"),
  stream: words(`
    server addr.type addr.host addr.port addr.path addr.to addr.numeric addr.keep-alive
    addr.ipv4 addr.ipv6 addr.abstract addr.tight reconnect`),
  hubport: words("hubid netdev"),
  user: words(`
    ipv4 net host restrict hostname dhcpstart dns dnssearch domainname ipv6 ipv6-net
    ipv6-prefix ipv6-prefixlen ipv6-host ipv6-dns tftp bootfile hostfwd guestfwd smb smbserver
    tftp-server-name`),
};
const REPEATED_NETDEV_PROPS = new Set(words("hostfwd guestfwd dnssearch"));
/** What `-netdev help` prints (show_netdevs() of net/net.c). */
const NETDEV_TYPES_TEXT = "Available netdev backend types:\nsocket\nstream\nhubport\nuser\n";
/**
 * What `-nic model=help` prints (qemu_show_nic_models()): the built-in NIC models. A NIC a
 * --plugin adds is taken by model= all the same.
 */
const NIC_MODELS_TEXT = "Supported NIC models:\nvirtio-net-pci\n";
/** QEMU's MAX_NICS: the -nic slots of a machine. */
const MAX_NICS = 8;
/** Netdev types QEMU knows (net/*.c) that deno-vmm does not offer. */
const FOREIGN_NETDEVS = new Set(words(`
  tap bridge l2tpv3 vde vhost-user vhost-vdpa dgram netmap af-xdp vmnet-host vmnet-shared
  vmnet-bridged`));

const DRIVE_KEYS = new Set(words("file if id format readonly read-only cache index media"));
const DRIVE_INTERFACES = new Set(words("ide scsi floppy pflash mtd sd xen"));
const CACHE_MODES = new Set(words("none off writeback writethrough directsync unsafe"));
/** Block drivers QEMU knows (block/*.c) that deno-vmm cannot read. */
const FOREIGN_FORMATS = new Set(words(`
  qcow2 qcow qed vmdk vdi vhdx vpc luks dmg parallels bochs cloop vvfat file host_device
  host_cdrom nbd iscsi rbd ssh http https ftp ftps null-co null-aio blkdebug blkverify throttle
  copy-on-read quorum compress preallocate replication nvme io_uring`));

const SMP_KEYS = words("cpus sockets dies clusters cores threads maxcpus");
const BOOT_KEYS = new Set(words("order once menu splash splash-time reboot-timeout strict"));
/** x86 boot devices: floppies a-b, disk c, CD-ROM d, network n-p (hw/i386/pc.c). */
const BOOT_DEVICES = "abcdnop";
const ICOUNT_KEYS = new Set(words("shift align sleep rr rrfile rrsnapshot"));
const FOREIGN_DISPLAYS = new Set(words("default gtk sdl egl-headless curses cocoa spice-app dbus"));

/**
 * Options of qemu-system-i386 7.x/8.x that deno-vmm does not implement, by
 * whether they take an argument (HAS_ARG in qemu-options.hx): the first pass
 * must skip their arguments as QEMU does.
 */
const FOREIGN_OPTIONS = new Map<string, boolean>([
  ...words(`
    acpitable action add-fd audio audiodev blockdev cdrom chroot compat dfilter dtb
    dump-vmstate echr fda fdb fsdev fw_cfg gdb hda hdb hdc hdd incoming iscsi k L loadvm
    mem-path mon msg mtdblock net numa object option-rom overcommit parallel pflash pidfile qmp
    qmp-pretty readconfig rotate run-with runas sandbox sd seed set smbios spice tpmdev trace
    usbdevice uuid virtfs watchdog-action xen-domid`).map((n) => [n, true] as const),
  ...words(`
    S async-teardown audio-help daemonize enable-kvm enable-sync-profile full-screen jitdump
    mem-prealloc no-acpi no-fd-bootchk no-hpet one-insn-per-tb only-migratable perfmap portrait
    preconfig s singlestep snapshot usb win2k-hack xen-attach xen-domid-restrict`)
    .map((n) => [n, false] as const),
]);
const DISK_HINT = "use -drive file=FILE,if=virtio,format=raw";
const FOREIGN_HINTS = new Map<string, string>([
  ["hda", DISK_HINT],
  ["hdb", DISK_HINT],
  ["hdc", DISK_HINT],
  ["hdd", DISK_HINT],
  ["cdrom", `${DISK_HINT},media=cdrom`],
  ["enable-kvm", "KVM is not available; guest code runs on -accel jit or interp"],
  ["net", "use -netdev and -nic"],
  ["S", "deno-vmm has no monitor command to start a paused guest"],
  ["s", "deno-vmm has no gdb stub"],
  ["gdb", "deno-vmm has no gdb stub"],
]);

/** One `key=value` element of a QEMU option argument. */
interface SubOption {
  key: string;
  value: string;
  /** Written as a bare word (`readonly`, `noreadonly`, `help`). */
  bare: boolean;
}

/** rec[key] for own keys only: "-toString" must not find Object.prototype.toString. */
function own<T>(rec: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

function isHelp(s: string): boolean {
  return s === "help" || s === "?";
}

/** Reads a value up to the next lone comma; ",," is a literal comma (qemu-option.c). */
function readValue(text: string, start: number): [string, number] {
  let value = "";
  let p = start;
  while (p < text.length) {
    if (text[p] === ",") {
      if (text[p + 1] !== ",") break;
      value += ",";
      p += 2;
    } else {
      value += text[p++];
    }
  }
  return [value, p];
}

/**
 * Splits `a,k=v,flag` as QEMU does. With `implied`, a first element without
 * "=" is the value of that key (`-netdev user,...`: type=user). Otherwise a bare
 * word is a boolean (QemuOpts: `readonly` = on, `noreadonly` = off); in keyval
 * syntax (-machine, -smp, -boot, -display) only `help` or `?` may be bare.
 */
function splitOptions(
  text: string,
  loc: string,
  implied?: string,
  keyval = false,
): SubOption[] {
  const out: SubOption[] = [];
  let p = 0;
  while (p < text.length) {
    let end = p;
    while (end < text.length && text[end] !== "=" && text[end] !== ",") end++;
    const name = text.slice(p, end);
    if (text[end] === "=") {
      const [value, next] = readValue(text, end + 1);
      out.push({ key: name, value, bare: false });
      p = next;
    } else if (keyval && isHelp(name)) {
      out.push({ key: "help", value: "on", bare: true });
      p = end;
    } else if (out.length === 0 && implied !== undefined) {
      const [value, next] = readValue(text, p);
      out.push({ key: implied, value, bare: false });
      p = next;
    } else if (keyval) {
      throw new OptionError(`${loc}: Expected '=' after parameter '${name}'`);
    } else if (name.startsWith("no") && !isHelp(name)) {
      out.push({ key: name.slice(2), value: "off", bare: true });
      p = end;
    } else {
      out.push({ key: name, value: "on", bare: true });
      p = end;
    }
    if (text[p] === ",") p++;
  }
  return out;
}

/** The last value of each key, as qemu_opt_get() returns it. */
function lastValues(opts: SubOption[]): Map<string, string> {
  return new Map(opts.map((o) => [o.key, o.value]));
}

function hasHelp(opts: SubOption[]): boolean {
  return opts.some((o) => o.bare && isHelp(o.key));
}

/** QEMU's boolean spellings (qapi/qapi-util.c, qapi_bool_parse). */
function parseBool(value: string, param: string, loc: string): boolean {
  if (["on", "yes", "true", "y"].includes(value)) return true;
  if (["off", "no", "false", "n"].includes(value)) return false;
  throw new OptionError(`${loc}: Parameter '${param}' expects 'on' or 'off'`);
}

/** id_wellformed() of util/id.c. */
function checkId(id: string, loc: string): void {
  if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(id)) {
    throw new OptionError(
      `${loc}: Parameter 'id' expects an identifier. ` +
        "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.",
    );
  }
}

const SIZE_SUFFIXES: Record<string, bigint> = {
  B: 1n,
  K: 1n << 10n,
  M: 1n << 20n,
  G: 1n << 30n,
  T: 1n << 40n,
  P: 1n << 50n,
  E: 1n << 60n,
};

/**
 * Parses a size as QEMU 7.2's qemu_strtosz() (util/cutils.c, do_strtosz): a
 * decimal number, optionally with a fraction, or 0x-hex without one, then an
 * optional suffix B/K/M/G/T/P/E (any case, powers of 1024); `defaultUnit`
 * applies without a suffix, and a fraction needs a unit above bytes. Returns
 * undefined for malformed input or a result of 2^64 or more.
 */
export function parseSize(text: string, defaultUnit = "B"): bigint | undefined {
  const size = strtosz(text, defaultUnit);
  return typeof size === "bigint" ? size : undefined;
}

/** qemu_strtosz(), telling malformed input from a value of 2^64 or more (-ERANGE). */
function strtosz(text: string, defaultUnit: string): bigint | "invalid" | "range" {
  const lead = /^[\t\n\v\f\r ]*\+?/.exec(text)![0].length;
  const dec = /^\d+/.exec(text.slice(lead));
  if (!dec) return "invalid";
  let pos = lead + dec[0].length;
  let value = BigInt(dec[0]);
  let fraction = 0n; // 64-bit fixed point
  if (value === 0n && /[xX]/.test(text[pos] ?? "")) {
    const hex = /^0[xX]([0-9a-fA-F]+)/.exec(text.slice(lead));
    if (!hex || text[lead + hex[0].length] === ".") return "invalid";
    value = BigInt("0x" + hex[1]);
    pos = lead + hex[0].length;
  } else if (text[pos] === ".") {
    const frac = /^\.(\d+)([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (!frac) {
      pos++; // "1.M": strtod fails on ".M" and QEMU steps over the dot
    } else if (frac[2] !== undefined) {
      return "invalid"; // an exponent makes the whole input invalid
    } else {
      fraction = (BigInt(frac[1]) << 64n) / 10n ** BigInt(frac[1].length);
      pos += frac[0].length;
    }
  }
  let mul = SIZE_SUFFIXES[(text[pos] ?? "").toUpperCase()];
  if (mul !== undefined) pos++;
  else mul = SIZE_SUFFIXES[defaultUnit];
  if (pos !== text.length) return "invalid";
  let result: bigint;
  if (mul === 1n) {
    if (fraction !== 0n) return "invalid";
    result = value;
  } else {
    const part = fraction * mul;
    // The fraction rounds half up, as in do_strtosz.
    result = value * mul + (part >> 64n) + ((part >> 63n) & 1n);
  }
  return result < 1n << 64n ? result : "range";
}

/**
 * strtol(s, &end, 0) for a whole string, as QEMU's int parsers read option values: leading C
 * white space, a sign, then decimal, 0x hex or 0 octal; undefined when anything else is left.
 */
export function parseCInteger(text: string): number | undefined {
  const m = /^[\t\n\v\f\r ]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2];
  const n = /^0[xX]/.test(digits)
    ? parseInt(digits.slice(2), 16)
    : digits.length > 1 && digits[0] === "0"
    ? parseInt(digits, 8)
    : parseInt(digits, 10);
  return m[1] === "-" ? -n : n;
}

/** Where stdio is taken, in QEMU's creation order (chardevs, monitor, serials, debugcon). */
interface StdioUser {
  rank: number;
  seq: number;
  loc?: string;
}

/** A parsed command-line word: an option with its argument, or a disk image. */
interface Word {
  name?: string;
  arg?: string;
  loc: string;
}

/** What an option handler asks of the loop. */
type Flow = void | "stop";

interface OptionSpec {
  arg: boolean;
  run(p: Parser, arg: string, loc: string): Flow;
}

/** The recognised options; each is reachable as -name and --name. */
const OPTIONS: Record<string, OptionSpec> = {
  "h": { arg: false, run: (p) => p.help(usageText()) },
  "help": { arg: false, run: (p) => p.help(usageText()) },
  "version": { arg: false, run: (p) => p.stopWith("version") },
  "machine": { arg: true, run: (p, a, l) => p.machine(a, l) },
  "M": { arg: true, run: (p, a, l) => p.machine(a, l) },
  "cpu": { arg: true, run: (p, a) => p.cpu(a) },
  "accel": { arg: true, run: (p, a, l) => p.accelOption(a, l) },
  "smp": { arg: true, run: (p, a, l) => p.smp(a, l) },
  "m": { arg: true, run: (p, a, l) => p.memory(a, l) },
  "name": { arg: true, run: (p, a, l) => p.guestName(a, l) },
  "device": { arg: true, run: (p, a, l) => p.device(a, l) },
  "global": { arg: true, run: (p, a, l) => p.global(a, l) },
  "drive": { arg: true, run: (p, a, l) => p.drive(a, l) },
  "netdev": { arg: true, run: (p, a, l) => p.netdev(a, l) },
  "nic": { arg: true, run: (p, a, l) => p.nic(a, l) },
  "chardev": { arg: true, run: (p, a, l) => p.chardev(a, l) },
  "serial": { arg: true, run: (p, a, l) => p.serial(a, l) },
  "monitor": { arg: true, run: (p, a, l) => p.monitor(a, l) },
  "debugcon": { arg: true, run: (p, a, l) => p.debugcon(a, l) },
  "kernel": { arg: true, run: (p, a) => void (p.out.kernel = a) },
  "initrd": { arg: true, run: (p, a) => p.initrd(a) },
  "append": { arg: true, run: (p, a) => void (p.out.append = a) },
  "bios": { arg: true, run: (p, a) => void (p.out.bios = a) },
  "boot": { arg: true, run: (p, a, l) => p.boot(a, l) },
  "nographic": { arg: false, run: (p) => p.nographic() },
  "display": { arg: true, run: (p, a, l) => p.display(a, l) },
  "vga": { arg: true, run: (_p, a, l) => vga(a, l) },
  "vnc": { arg: true, run: (_p, a, l) => vnc(a, l) },
  "no-reboot": { arg: false, run: (p) => void (p.out.noReboot = true) },
  "no-shutdown": { arg: false, run: (p) => void (p.out.noShutdown = true) },
  "nodefaults": { arg: false, run: (p) => void (p.out.noDefaults = true) },
  "no-user-config": { arg: false, run: (p) => void (p.out.noUserConfig = true) },
  "d": { arg: true, run: (p, a, l) => p.logItems(a, l) },
  "D": { arg: true, run: (p, a) => void (p.out.debugLog = a) },
  "icount": { arg: true, run: (p, a, l) => p.icountOption(a, l) },
  "rtc": { arg: true, run: (p, a, l) => p.rtc(a, l) },
  "plugin": { arg: true, run: (p, a) => void p.out.plugins.push(a) },
};

/** `-vnc none` is accepted as a no-op display, as test runners pass it; a real VNC server is not. */
function vnc(arg: string, loc: string): void {
  if (arg === "none") return;
  throw new OptionError(`${loc}: option not supported; deno-vmm has no display (use -vnc none)`);
}

function vga(arg: string, loc: string): void {
  if (arg === "none") return;
  throw new OptionError(`${loc}: VGA is not supported (deno-vmm has no display); use -vga none`);
}

/**
 * Parses a qemu-system-i386 command line (without the program name).
 * Throws OptionError for anything deno-vmm refuses.
 */
export function parseArgs(argv: readonly string[]): ParsedCommandLine {
  const words = scan(argv);
  const parser = new Parser();
  for (const word of words) {
    if (word.name === undefined) {
      throw new OptionError(
        `${word.loc}: IDE disk images are not supported (there is no IDE controller); ` +
          `use -drive file=${word.loc},if=virtio,format=raw`,
      );
    }
    const spec = own(OPTIONS, word.name);
    if (spec === undefined) {
      const hint = FOREIGN_HINTS.get(word.name);
      throw new OptionError(`${word.loc}: option not supported${hint ? `; ${hint}` : ""}`);
    }
    if (spec.run(parser, word.arg ?? "", word.loc) === "stop") return parser.out;
  }
  return parser.finish();
}

/**
 * The first pass of vl.c (lookup_opt over every word): each option must be
 * known, and one that takes an argument must have it, before any option acts,
 * so `-h -bogus` is an error and not help. `--x` is `-x`; `-x=v` is not `-x`.
 */
function scan(argv: readonly string[]): Word[] {
  const words: Word[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith("-")) {
      words.push({ loc: word });
      continue;
    }
    const name = word.startsWith("--") ? word.slice(2) : word.slice(1);
    const takesArg = own(OPTIONS, name)?.arg ?? FOREIGN_OPTIONS.get(name);
    if (takesArg === undefined || name === "") {
      throw new OptionError(`${word}: invalid option`);
    }
    if (!takesArg) {
      words.push({ name, loc: word });
    } else if (i + 1 >= argv.length) {
      throw new OptionError(`${word}: requires an argument`);
    } else {
      const arg = argv[++i];
      words.push({ name, arg, loc: `${word} ${arg}` });
    }
  }
  return words;
}

/** Applies options in order, then the checks QEMU makes after reading them all. */
class Parser {
  readonly out: ParsedCommandLine = {
    action: "run",
    memoryBytes: DEFAULT_RAM,
    smp: 1,
    cpuModel: "qemu32",
    serial: [],
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
  };
  #machineLoc?: string;
  #machineAccel?: { value: string; loc: string };
  #accels: { name: string; loc: string }[] = [];
  #cpuHelp = false;
  #chardevHelp = false;
  #netdevHelp = false;
  #nicHelp: string | undefined;
  #log?: { value: string; loc: string };
  #icount = new Map<string, string>();
  #icountLoc = "";
  #ids = new Map<string, Set<string>>();
  #driveIndexes = new Set<string>();
  #serialLocs: string[] = [];
  #chardevLocs: string[] = [];
  #monitorLoc?: string;
  #defaultMonitor = true;
  #debugconLoc?: string;

  /** Ends parsing with the usage text or a list (QEMU prints it and exits). */
  help(text: string): Flow {
    this.out.helpText = text;
    return this.stopWith("help");
  }

  stopWith(action: ParsedCommandLine["action"]): Flow {
    this.out.action = action;
    return "stop";
  }

  #claimId(group: string, id: string, loc: string): void {
    checkId(id, loc);
    const ids = this.#ids.get(group) ?? new Set();
    if (ids.has(id)) throw new OptionError(`${loc}: Duplicate ID '${id}' for ${group}`);
    ids.add(id);
    this.#ids.set(group, ids);
  }

  machine(arg: string, loc: string): Flow {
    const opts = splitOptions(arg, loc, "type", true);
    if (hasHelp(opts)) {
      const type = lastValues(opts).get("type");
      this.out.helpText = type !== undefined && isPcMachine(type)
        ? machinePropsText()
        : machineHelpText();
      return this.stopWith("machine-help");
    }
    for (const { key, value } of opts) {
      if (key === "type") {
        this.out.machine = value;
        this.#machineLoc = loc;
        continue;
      }
      if (key === "accel") this.#machineAccel = { value, loc };
      else if (key === "kernel") this.out.kernel = value;
      else if (key === "initrd") this.initrd(value);
      else if (key === "append") this.out.append = value;
      else if (key === "firmware") this.out.bios = value;
      else throw new OptionError(`${loc}: machine property '${key}' is not supported`);
    }
  }

  cpu(arg: string): void {
    this.out.cpuModel = arg;
    this.#cpuHelp = isHelp(arg);
  }

  accelOption(arg: string, loc: string): Flow {
    const opts = splitOptions(arg, loc, "accel");
    const values = lastValues(opts);
    const name = values.get("accel");
    if (name === undefined || isHelp(name)) {
      return this.help("Accelerators supported in deno-vmm:\ntcg\njit\ninterp\n");
    }
    if (own(ACCELERATORS, name) === undefined && !FOREIGN_ACCELERATORS.has(name)) {
      throw new OptionError(`${loc}: invalid accelerator ${name}`);
    }
    if (own(ACCELERATORS, name) !== undefined) {
      for (const { key, value } of opts) {
        if (key === "accel") continue;
        if (!ACCEL_PROPS.has(key)) {
          throw new OptionError(`${loc}: Property '${name}-accel.${key}' not found`);
        }
        if (key === "thread" && value !== "single" && value !== "multi") {
          throw new OptionError(`${loc}: Invalid 'thread' setting ${value}`);
        }
      }
    }
    this.#accels.push({ name, loc });
  }

  smp(arg: string, loc: string): void {
    let product = 1;
    let cpus = 0;
    let maxcpus = 0;
    for (const { key, value } of splitOptions(arg, loc, "cpus", true)) {
      if (!SMP_KEYS.includes(key)) {
        throw new OptionError(`${loc}: Parameter 'smp.${key}' is unexpected`);
      }
      const n = parseCInteger(value);
      if (n === undefined) throw new OptionError(`${loc}: Parameter 'smp.${key}' expects integer`);
      if (n <= 0) {
        throw new OptionError(
          `${loc}: Invalid CPU topology: CPU topology parameters must be greater than zero`,
        );
      }
      if (key === "cpus") cpus = n;
      else if (key === "maxcpus") maxcpus = n;
      else product *= n;
    }
    const requested = Math.max(cpus, maxcpus, product);
    if (requested > 1) {
      // QEMU's wording when -smp exceeds the machine's max_cpus (hw/core/machine-smp.c).
      throw new OptionError(
        `${loc}: Invalid SMP CPUs ${requested}. ` +
          `The max CPUs supported by machine '${this.out.machine}' is 1`,
      );
    }
  }

  memory(arg: string, loc: string): void {
    for (const { key, value } of splitOptions(arg, loc, "size")) {
      if (key === "slots" || key === "maxmem") {
        throw new OptionError(`${loc}: memory hotplug (slots=, maxmem=) is not supported`);
      }
      if (key !== "size") throw new OptionError(`${loc}: Invalid parameter '${key}'`);
      this.out.memoryBytes = ramSize(value, loc);
    }
  }

  guestName(arg: string, loc: string): void {
    for (const { key, value } of splitOptions(arg, loc, "guest")) {
      if (key === "guest") this.out.name = value;
      else if (key === "debug-threads") parseBool(value, key, loc);
      else if (key !== "process") throw new OptionError(`${loc}: Invalid parameter '${key}'`);
    }
  }

  device(arg: string, loc: string): void {
    if (arg.startsWith("{")) {
      throw new OptionError(`${loc}: JSON syntax is not supported; use -device driver,prop=value`);
    }
    const opts = splitOptions(arg, loc, "driver");
    const values = lastValues(opts);
    const driver = values.get("driver");
    const id = values.get("id");
    if (id !== undefined) this.#claimId("device", id, loc);
    if (driver !== undefined && isHelp(driver)) {
      this.out.deviceHelp ??= "all";
    } else if (driver !== undefined && opts.some((o) => isHelp(o.key))) {
      this.out.deviceHelp ??= driver;
    } else if (driver === undefined) {
      throw new OptionError(`${loc}: Parameter 'driver' is missing`);
    }
    this.out.devices.push(arg);
  }

  /** qemu_global_option() of softmmu/qdev-monitor.c. */
  global(arg: string, loc: string): void {
    if (!/^[^.=]+\.[^=]+=/.test(arg)) {
      const values = new Map<string, string>();
      for (const { key, value } of splitOptions(arg, loc)) {
        if (key !== "driver" && key !== "property" && key !== "value") {
          throw new OptionError(`${loc}: Invalid parameter '${key}'`);
        }
        values.set(key, value);
      }
      if (values.size !== 3) {
        throw new OptionError(`${loc}: options 'driver', 'property', and 'value' are required`);
      }
    }
    this.out.globals.push(arg);
  }

  drive(arg: string, loc: string): void {
    const opts = splitOptions(arg, loc);
    for (const { key } of opts) {
      if (!DRIVE_KEYS.has(key)) {
        throw new OptionError(
          `${loc}: drive option '${key}' is not supported ` +
            "(supported: file, if, id, format, readonly, cache, index, media)",
        );
      }
    }
    const v = lastValues(opts);
    const id = v.get("id");
    if (id !== undefined) this.#claimId("drive", id, loc);
    const iface = v.get("if");
    if (iface === undefined || DRIVE_INTERFACES.has(iface)) {
      const which = iface === undefined ? "if=ide (the default)" : `if=${iface}`;
      throw new OptionError(
        `${loc}: ${which} is not supported: there is no such controller; ` +
          "use if=virtio, or if=none with -device",
      );
    }
    if (iface !== "virtio" && iface !== "none") {
      throw new OptionError(`${loc}: unsupported bus type '${iface}'`);
    }
    const format = v.get("format");
    if (format !== undefined && format !== "raw") {
      if (!FOREIGN_FORMATS.has(format)) throw new OptionError(`${loc}: Unknown driver '${format}'`);
      throw new OptionError(
        `${loc}: format '${format}' is not supported: deno-vmm reads raw images only`,
      );
    }
    const drive: DriveSpec = { if: iface, readonly: false };
    const file = v.get("file");
    if (file !== undefined) drive.file = file;
    if (id !== undefined) drive.id = id;
    if (format !== undefined) drive.format = format;
    // -drive spells it readonly and hands it on as read-only (blockdev.c).
    const ro = v.get("read-only") ?? v.get("readonly");
    if (ro !== undefined) drive.readonly = parseBool(ro, "read-only", loc);
    const cache = v.get("cache");
    if (cache !== undefined) {
      if (!CACHE_MODES.has(cache)) throw new OptionError(`${loc}: invalid cache option`);
      drive.cache = cache;
    }
    const media = v.get("media");
    if (media !== undefined) {
      if (media !== "disk" && media !== "cdrom") {
        throw new OptionError(`${loc}: '${media}' invalid media`);
      }
      drive.media = media;
    }
    const index = v.get("index");
    if (index !== undefined) {
      const n = /^(\d+|0[xX][0-9a-fA-F]+)$/.test(index) ? Number(index) : NaN;
      if (!Number.isSafeInteger(n)) {
        throw new OptionError(`${loc}: Parameter 'index' expects a number`);
      }
      const key = `${iface}:${n}`;
      if (this.#driveIndexes.has(key)) {
        throw new OptionError(`${loc}: drive with bus=0, unit=${n} (index=${n}) exists`);
      }
      this.#driveIndexes.add(key);
      drive.index = n;
    }
    if (iface === "virtio" && file === undefined) {
      throw new OptionError(`${loc}: Device needs media, but drive is empty`);
    }
    this.out.drives.push(drive);
  }

  netdev(arg: string, loc: string): void {
    if (arg.startsWith("{")) {
      throw new OptionError(`${loc}: JSON syntax is not supported; use -netdev type,id=...`);
    }
    const opts = splitOptions(arg, loc, "type");
    const values = lastValues(opts);
    const type = values.get("type");
    if (type !== undefined && isHelp(type)) {
      this.#netdevHelp = true;
      return;
    }
    const id = values.get("id");
    if (id === undefined) throw new OptionError(`${loc}: Parameter 'id' is missing`);
    if (type === undefined) throw new OptionError(`${loc}: Parameter 'type' is missing`);
    const props = netdevProps(type, opts, loc);
    this.#claimId("netdev", id, loc);
    this.out.netdevs.push({ type, id, props });
  }

  /** net_param_nic() of net/net.c: a netdev plus a NIC; `none` adds nothing. */
  nic(arg: string, loc: string): void {
    const opts = splitOptions(arg, loc, "type");
    const values = lastValues(opts);
    const type = values.get("type");
    if (type === "none") return;
    if (type !== undefined && isHelp(type)) {
      this.#nicHelp ??= `${NETDEV_TYPES_TEXT}\n${NIC_MODELS_TEXT}`;
      return;
    }
    const model = values.get("model");
    // QEMU lists the models when it creates the NIC (pci_nic_init_nofail), then exits.
    if (model !== undefined && isHelp(model)) {
      this.#nicHelp ??= NIC_MODELS_TEXT;
      return;
    }
    if (this.out.nics.length >= MAX_NICS) {
      throw new OptionError(`${loc}: no more on-board/default NIC slots available`);
    }
    if (type === undefined || type === "user") {
      throw new OptionError(
        `${loc}: user-mode networking (slirp${
          type === undefined ? ", the default -nic type" : ""
        }` +
          ") is not supported; use -nic socket, -nic stream or -nic hubport",
      );
    }
    let id = values.get("id");
    if (id !== undefined) {
      this.#claimId("nic", id, loc);
      this.#claimId("netdev", id, loc);
    } else {
      id = `__org.qemu.nic${this.out.nics.length}`;
    }
    const macText = values.get("mac");
    const mac = macText === undefined ? undefined : nicMacAddress(macText, loc);
    const rest = opts.filter((o) => o.key !== "model" && o.key !== "mac");
    const netdev = { type, id, props: netdevProps(type, rest, loc) };
    this.out.nics.push({
      netdev,
      ...(model !== undefined ? { model } : {}),
      ...(mac !== undefined ? { mac } : {}),
    });
  }

  chardev(arg: string, loc: string): void {
    const opts = splitOptions(arg, loc, "backend");
    const values = lastValues(opts);
    const backend = values.get("backend");
    const id = values.get("id");
    if (id !== undefined) this.#claimId("chardev", id, loc);
    if (backend !== undefined && isHelp(backend)) {
      this.#chardevHelp = true;
      return;
    }
    if (id === undefined) throw new OptionError(`${loc}: chardev: no id specified`);
    if (backend === undefined) throw new OptionError(`${loc}: chardev: "${id}" missing backend`);
    const allowed = own(CHARDEV_PROPS, backend);
    if (allowed === undefined) {
      if (FOREIGN_CHARDEVS.has(backend)) {
        throw new OptionError(
          `${loc}: chardev backend '${backend}' is not supported ` +
            "(supported: file, null, socket, stdio)",
        );
      }
      throw new OptionError(`${loc}: '${backend}' is not a valid char driver name`);
    }
    const props: Record<string, string> = {};
    for (const { key, value } of opts) {
      if (key === "backend" || key === "id") continue;
      if (!allowed.includes(key)) {
        throw new OptionError(
          `${loc}: parameter '${key}' is not supported for chardev '${backend}'` +
            (allowed.length ? ` (supported: ${allowed.join(", ")})` : ""),
        );
      }
      props[key] = BOOL_CHARDEV_PROPS.has(key)
        ? (parseBool(value, key, loc) ? "on" : "off")
        : value;
    }
    if (backend === "file" && !props.path) {
      throw new OptionError(`${loc}: chardev: file: no filename given`);
    }
    if (backend === "socket") {
      try {
        parseSocketChardev(props);
      } catch (e) {
        throw new OptionError(`${loc}: ${(e as Error).message}`);
      }
    }
    this.out.chardevs.push({ backend, id, props });
    this.#chardevLocs.push(loc);
  }

  serial(arg: string, loc: string): void {
    if (arg !== "none") {
      checkCompatBackend(arg, loc, true);
      if (this.out.serial.filter((s) => s !== "none").length === MAX_SERIAL_PORTS) {
        throw new OptionError(`${loc}: too many serial ports (the pc machine has 4)`);
      }
    }
    // A serial port multiplexed with the monitor replaces the default monitor (vl.c).
    if (arg.startsWith("mon:")) this.#defaultMonitor = false;
    this.out.serial.push(arg);
    this.#serialLocs.push(loc);
  }

  monitor(arg: string, loc: string): void {
    this.#defaultMonitor = false;
    if (arg !== "none" && arg !== "null" && arg !== "stdio") {
      if (!isForeignCompat(arg)) {
        throw new OptionError(`${loc}: '${arg}' is not a valid char driver`);
      }
      throw new OptionError(
        `${loc}: monitor on '${arg}' is not supported (use none, null or stdio)`,
      );
    }
    if (arg === "none") {
      this.out.monitor ??= "none";
      return;
    }
    if (this.#monitorLoc !== undefined) {
      throw new OptionError(`${loc}: only one monitor is supported`);
    }
    this.out.monitor = arg;
    this.#monitorLoc = loc;
  }

  debugcon(arg: string, loc: string): void {
    if (this.#debugconLoc !== undefined) {
      throw new OptionError(`${loc}: already have a debugcon device`);
    }
    checkCompatBackend(arg, loc, false);
    this.out.debugcon = arg;
    this.#debugconLoc = loc;
  }

  /** -initrd: multiboot modules are separated by ",", and ",," is a comma (hw/i386/multiboot.c). */
  initrd(arg: string): void {
    const modules: string[] = [];
    let p = 0;
    do {
      const [name, next] = readValue(arg, p);
      modules.push(name);
      p = next + 1;
    } while (p <= arg.length);
    this.out.initrd = modules;
  }

  boot(arg: string, loc: string): void {
    for (const { key, value } of splitOptions(arg, loc, "order", true)) {
      if (!BOOT_KEYS.has(key)) {
        throw new OptionError(`${loc}: Parameter 'boot.${key}' is unexpected`);
      }
      if (key === "menu" || key === "strict") {
        if (value !== "on" && value !== "off") {
          throw new OptionError(`${loc}: Parameter 'boot.${key}' expects 'on' or 'off'`);
        }
      }
      if (key === "order" || key === "once") {
        // validate_bootdevices() of softmmu/bootdevice.c.
        const seen = new Set<string>();
        for (const c of value) {
          if (!BOOT_DEVICES.includes(c)) {
            throw new OptionError(`${loc}: Invalid boot device '${c}'`);
          }
          if (seen.has(c)) throw new OptionError(`${loc}: Boot device '${c}' was given twice`);
          seen.add(c);
        }
      }
    }
    this.out.boot = arg;
  }

  nographic(): void {
    this.out.nographic = true;
    this.out.display = "none";
  }

  display(arg: string, loc: string): Flow {
    if (isHelp(arg)) return this.help("Available display backend types:\nnone\n");
    const unsupported = (type: string) =>
      new OptionError(
        `${loc}: display '${type}' is not supported ` +
          "(deno-vmm has no graphical display; use -display none or -nographic)",
      );
    // vl.c handles vnc=DISPLAY before the keyval parse.
    if (arg.startsWith("vnc")) throw unsupported("vnc");
    const opts = splitOptions(arg, loc, "type", true);
    const type = lastValues(opts).get("type");
    if (type === undefined) throw new OptionError(`${loc}: Parameter 'type' is missing`);
    if (FOREIGN_DISPLAYS.has(type)) throw unsupported(type);
    if (type !== "none") {
      throw new OptionError(`${loc}: Parameter 'type' does not accept value '${type}'`);
    }
    const extra = opts.find((o) => o.key !== "type");
    if (extra) throw new OptionError(`${loc}: Parameter '${extra.key}' is unexpected`);
    this.out.display = "none";
  }

  logItems(arg: string, loc: string): void {
    this.#log = { value: arg, loc };
  }

  icountOption(arg: string, loc: string): void {
    for (const { key, value } of splitOptions(arg, loc, "shift")) {
      if (!ICOUNT_KEYS.has(key)) throw new OptionError(`${loc}: Invalid parameter '${key}'`);
      this.#icount.set(key, value);
    }
    this.#icountLoc = loc;
  }

  rtc(arg: string, loc: string): void {
    for (const { key, value } of splitOptions(arg, loc)) {
      if (key === "base") {
        if (value !== "utc" && value !== "localtime" && !isRtcDate(value)) {
          throw new OptionError(
            `${loc}: invalid datetime format. ` +
              "valid formats: '2006-06-17T16:01:21' or '2006-06-17'",
          );
        }
        this.out.rtcBase = value;
      } else if (key === "clock" || key === "driftfix") {
        const valid = key === "clock" ? ["host", "rt", "vm"] : ["none", "slew"];
        if (!valid.includes(value)) {
          throw new OptionError(`${loc}: invalid option value '${value}'`);
        }
      } else {
        throw new OptionError(`${loc}: Invalid parameter '${key}'`);
      }
    }
  }

  /** The checks and defaults vl.c applies once every option is read, in its order. */
  finish(): ParsedCommandLine {
    const out = this.out;
    // qemu_validate_options()
    if (out.kernel === undefined) {
      if (out.append !== undefined) {
        throw new OptionError("-append only allowed with -kernel option");
      }
      if (out.initrd !== undefined) {
        throw new OptionError("-initrd only allowed with -kernel option");
      }
    }
    // qemu_process_early_options(): the log mask
    if (this.#log !== undefined) {
      const items = this.#log.value.split(",");
      if (items.some(isHelp)) return this.#helpResult(logHelpText());
      for (const item of items) {
        if (item !== "all" && !item.startsWith("trace:") && !LOG_ITEMS.some(([n]) => n === item)) {
          throw new OptionError(
            `${this.#log.loc}: unknown log item '${item}' (use -d help for a list)`,
          );
        }
      }
      out.debugFlags = items;
    }
    // qemu_process_help_options(): -cpu help, then -device help
    if (this.#cpuHelp) return this.#result("cpu-help");
    if (out.deviceHelp !== undefined) return this.#result("device-help");
    this.#checkMachine();
    this.#configureIcount();
    this.#configureAccel();
    if (this.#chardevHelp) {
      return this.#helpResult(
        "Available chardev backend types:\n  file\n  null\n  socket\n  stdio\n",
      );
    }
    if (this.#netdevHelp) return this.#helpResult(NETDEV_TYPES_TEXT);
    if (this.#nicHelp !== undefined) return this.#helpResult(this.#nicHelp);
    this.#defaultConsoles();
    this.#checkChardevUsers();
    return out;
  }

  #result(action: ParsedCommandLine["action"]): ParsedCommandLine {
    this.out.action = action;
    return this.out;
  }

  #helpResult(text: string): ParsedCommandLine {
    this.out.helpText = text;
    return this.#result("help");
  }

  #checkMachine(): void {
    const type = this.out.machine;
    if (isPcMachine(type)) return;
    const loc = this.#machineLoc ? `${this.#machineLoc}: ` : "";
    if (type === "q35" || type.startsWith("pc-q35-")) {
      throw new OptionError(
        `${loc}machine type '${type}' is not supported: deno-vmm emulates only the ` +
          "i440FX PC (-machine pc)",
      );
    }
    throw new OptionError(
      `${loc}unsupported machine type '${type}' (use -machine help to list supported machines)`,
    );
  }

  /** icount_configure() of softmmu/icount.c. */
  #configureIcount(): void {
    const opts = this.#icount;
    const loc = this.#icountLoc;
    if (opts.size === 0) return;
    const bool = (key: string, fallback: boolean) => {
      const v = opts.get(key);
      return v === undefined ? fallback : parseBool(v, key, loc);
    };
    const sleep = bool("sleep", true);
    const align = bool("align", false);
    const rr = opts.get("rr");
    if (rr !== undefined) {
      if (rr !== "record" && rr !== "replay") {
        throw new OptionError(`${loc}: Invalid icount rr option: ${rr}`);
      }
      throw new OptionError(`${loc}: record/replay (rr=) is not supported`);
    }
    const shift = opts.get("shift");
    if (shift === undefined) {
      if (opts.has("align")) {
        throw new OptionError(`${loc}: Please specify shift option when using align`);
      }
      return;
    }
    if (align && !sleep) throw new OptionError(`${loc}: align=on and sleep=off are incompatible`);
    if (shift === "auto") {
      this.out.icount = { shift: "auto" };
      return;
    }
    const n = parseCInteger(shift);
    // MAX_ICOUNT_SHIFT is 10: one instruction per 1024 ns at most.
    if (n === undefined || n < 0 || n > 10) {
      throw new OptionError(`${loc}: icount: Invalid shift value`);
    }
    this.out.icount = { shift: n };
  }

  /** configure_accelerators() of softmmu/vl.c: the first usable one in order wins. */
  #configureAccel(): void {
    const machineAccel = this.#machineAccel;
    let candidates = this.#accels;
    if (machineAccel !== undefined) {
      if (candidates.length > 0) {
        throw new OptionError('The -accel and "-machine accel=" options are incompatible');
      }
      candidates = machineAccel.value.split(":").map((name) => ({ name, loc: machineAccel.loc }));
      for (const { name, loc } of candidates) {
        if (own(ACCELERATORS, name) === undefined && !FOREIGN_ACCELERATORS.has(name)) {
          throw new OptionError(`${loc}: invalid accelerator ${name}`);
        }
      }
    }
    if (candidates.length === 0) return;
    const usable = candidates.find((c) => own(ACCELERATORS, c.name) !== undefined);
    if (usable === undefined) {
      const { name, loc } = candidates[0];
      throw new OptionError(
        `${loc}: accelerator '${name}' is not available in deno-vmm (use tcg, jit or interp)`,
      );
    }
    this.out.accel = ACCELERATORS[usable.name];
  }

  /** qemu_create_default_devices(): the serial port and monitor nobody asked for. */
  #defaultConsoles(): void {
    const out = this.out;
    if (out.noDefaults) return;
    const defaultSerial = out.serial.length === 0;
    const defaultMonitor = this.#defaultMonitor;
    if (out.nographic) {
      if (defaultSerial && defaultMonitor) {
        out.serial.push("mon:stdio");
      } else {
        if (defaultSerial) out.serial.push("stdio");
        if (defaultMonitor) out.monitor = "stdio";
      }
      if (defaultSerial) this.#serialLocs.push("");
    } else if (defaultSerial) {
      // QEMU's default is a graphical console; deno-vmm's is stdio, unless
      // something else already took stdio.
      const stdioTaken = out.monitor === "stdio" || isStdio(out.debugcon) ||
        out.chardevs.some((c) => c.backend === "stdio");
      out.serial.push(stdioTaken ? "null" : "stdio");
      this.#serialLocs.push("");
    }
  }

  /** Chardev references resolve, and stdio has one user (chardev/char-stdio.c). */
  #checkChardevUsers(): void {
    const out = this.out;
    const ids = this.#ids.get("chardev") ?? new Set();
    const users: StdioUser[] = [];
    out.chardevs.forEach((c, i) => {
      if (c.backend === "stdio") users.push({ rank: 0, seq: i, loc: this.#chardevLocs[i] });
    });
    if (out.monitor === "stdio") users.push({ rank: 1, seq: 0, loc: this.#monitorLoc });
    out.serial.forEach((s, i) => {
      const loc = this.#serialLocs[i] || undefined;
      if (isStdio(s)) users.push({ rank: 2, seq: i, loc });
      if (s.startsWith("chardev:") && !ids.has(s.slice(8))) {
        throw new OptionError(
          `${loc}: could not connect serial device to character backend '${s}'`,
        );
      }
    });
    if (out.debugcon === "stdio") users.push({ rank: 3, seq: 0, loc: this.#debugconLoc });
    if (users.length > 1) {
      users.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
      const loc = users[1].loc;
      throw new OptionError(
        `${loc ? `${loc}: ` : ""}cannot use stdio by multiple character devices`,
      );
    }
  }
}

function isPcMachine(type: string): boolean {
  return type === "pc" || /^pc-i440fx-\d+\.\d+$/.test(type);
}

function isStdio(spec: string | undefined): boolean {
  return spec === "stdio" || spec === "mon:stdio";
}

function isForeignCompat(spec: string): boolean {
  return FOREIGN_CHARDEVS.has(spec) || FOREIGN_COMPAT_PREFIXES.some((p) => spec.startsWith(p));
}

/**
 * A legacy character-device spelling (-serial, -debugcon): qemu_chr_parse_compat().
 * QEMU 7.2's -debugcon cannot use chardev:ID (debugcon_parse names the backend
 * "debugcon", which then does not exist), so neither can ours.
 */
function checkCompatBackend(spec: string, loc: string, serial: boolean): void {
  if (spec === "stdio" || spec === "null") return;
  if (serial && (spec === "mon:stdio" || spec.startsWith("chardev:"))) return;
  if (spec.startsWith("file:")) {
    if (spec.length > 5) return;
    throw new OptionError(`${loc}: file: needs a path (file:PATH)`);
  }
  if (isForeignCompat(spec)) {
    throw new OptionError(
      `${loc}: character backend '${spec}' is not supported ` +
        (serial
          ? "(use stdio, null, none, file:PATH, mon:stdio or chardev:ID)"
          : "(use stdio, null or file:PATH)"),
    );
  }
  throw new OptionError(`${loc}: '${spec}' is not a valid char driver`);
}

/** A netdev's properties other than type and id, checked for its type (-netdev and -nic). */
function netdevProps(type: string, opts: SubOption[], loc: string): Record<string, string> {
  const allowed = own(NETDEV_PROPS, type);
  if (allowed === undefined) {
    if (FOREIGN_NETDEVS.has(type)) {
      throw new OptionError(
        `${loc}: netdev type '${type}' is not supported (supported: socket, stream, hubport, user)`,
      );
    }
    throw new OptionError(`${loc}: Parameter 'type' does not accept value '${type}'`);
  }
  const props: Record<string, string> = {};
  for (const { key, value } of opts) {
    if (key === "type" || key === "id") continue;
    if (!allowed.includes(key)) {
      if (key === "fd" || key === "addr.str") {
        throw new OptionError(`${loc}: ${type} ${key}= is not supported`);
      }
      throw new OptionError(
        type === "stream"
          ? `${loc}: Parameter '${key}' is unexpected`
          : `${loc}: Invalid parameter '${key}'`,
      );
    }
    props[key] = REPEATED_NETDEV_PROPS.has(key) && props[key] !== undefined
      ? `${props[key]}\n${value}`
      : value;
  }
  checkNetdev(type, props, loc);
  return props;
}

/**
 * A -nic mac= as net_parse_macaddr() reads it: six groups of one or two hex digits separated
 * by ':' or '-', or one number up to 0xffffff for the last three bytes (the first three are
 * then zero). Returned as QEMU prints it; a multicast address is refused.
 */
function nicMacAddress(text: string, loc: string): string {
  const bytes = new Array<number>(6).fill(0);
  const whole = parseCInteger(text);
  if (whole !== undefined && whole >= 0 && whole <= 0xffffff) {
    bytes[3] = whole >>> 16;
    bytes[4] = (whole >>> 8) & 0xff;
    bytes[5] = whole & 0xff;
  } else if (/^(?:[0-9a-fA-F]{1,2}[:-]){5}[0-9a-fA-F]{1,2}$/.test(text)) {
    text.split(/[:-]/).forEach((group, i) => bytes[i] = parseInt(group, 16));
  } else {
    throw new OptionError(`${loc}: invalid syntax for ethernet address`);
  }
  if (bytes[0] & 1) throw new OptionError(`${loc}: NIC cannot have multicast MAC address`);
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The required properties of each netdev type (net/socket.c, net/stream.c, net/hub.c). */
function checkNetdev(type: string, props: Record<string, string>, loc: string): void {
  if (type === "socket") {
    const modes = ["listen", "connect", "mcast", "udp"].filter((k) => props[k] !== undefined);
    if (modes.length !== 1) {
      throw new OptionError(
        `${loc}: exactly one of listen=, connect=, mcast= or udp= is required`,
      );
    }
  } else if (type === "stream") {
    const addrType = props["addr.type"];
    if (addrType === undefined) throw new OptionError(`${loc}: Parameter 'addr' is missing`);
    const needs = addrType === "inet" ? ["addr.host", "addr.port"] : ["addr.path"];
    if (addrType === "fd") throw new OptionError(`${loc}: stream addr.type=fd is not supported`);
    if (addrType !== "inet" && addrType !== "unix") {
      throw new OptionError(`${loc}: Parameter 'type' does not accept value '${addrType}'`);
    }
    for (const key of needs) {
      if (props[key] === undefined) throw new OptionError(`${loc}: Parameter '${key}' is missing`);
    }
    if (props.server !== undefined) {
      props.server = parseBool(props.server, "server", loc) ? "on" : "off";
    }
  } else if (type === "hubport") {
    if (props.hubid === undefined) throw new OptionError(`${loc}: Parameter 'hubid' is missing`);
    if (parseCInteger(props.hubid) === undefined) {
      throw new OptionError(`${loc}: Parameter 'hubid' expects an int64 value`);
    }
  }
}

/**
 * The -m size: QEMU reads it as bytes, appends "M" when it ends in a digit
 * (parse_memory_options), so a plain number is MiB; 0 means the default.
 */
function ramSize(text: string, loc: string): number {
  const invalid = () =>
    new OptionError(
      `${loc}: Parameter 'size' expects a non-negative number below 2^64. ` +
        "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta- " +
        "and exabytes, respectively.",
    );
  const asBytes = strtosz(text, "B");
  if (asBytes === "invalid") throw invalid();
  if (asBytes === "range") {
    throw new OptionError(`${loc}: Value '${text}' is out of range for parameter 'size'`);
  }
  if (asBytes === 0n) return DEFAULT_RAM;
  const size = /\d$/.test(text) ? strtosz(text + "M", "B") : asBytes;
  if (typeof size !== "bigint") {
    throw new OptionError(`${loc}: Parameter 'memory.size' expects size`);
  }
  const aligned = (size + BigInt(RAM_ALIGN - 1)) / BigInt(RAM_ALIGN) * BigInt(RAM_ALIGN);
  if (aligned < BigInt(MiB)) throw new OptionError(`${loc}: at least 1 MiB of RAM is required`);
  if (aligned > BigInt(MAX_RAM)) {
    throw new OptionError(
      `${loc}: at most ${MAX_RAM / MiB} MiB of RAM is supported ` +
        "(the 32-bit PC has no RAM above the PCI hole)",
    );
  }
  return Number(aligned);
}

/** -rtc base=DATE: "%d-%d-%dT%d:%d:%d" or "%d-%d-%d" (configure_rtc_base_datetime). */
function isRtcDate(text: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{1,2}):(\d{1,2}))?$/.exec(text);
  if (!m) return false;
  const [month, day, hour, min, sec] = m.slice(2).map((s) => Number(s ?? 0));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && min <= 59 &&
    sec <= 59;
}
