import type { Cpu } from "../cpu.ts";
import { TF } from "../eflags.ts";
import { readFlag, testCondition } from "../lazy_flags.ts";
import { CS, ESP, S_EFLAGS, S_EIP } from "../state_layout.ts";
import {
  CPU_AREA_SIZE,
  JIT_AREA_OFFSET,
  TLB_READ_OFFSET,
  TLB_WRITE_OFFSET,
} from "../../devices/memory/mod.ts";
import { HELPERS } from "../semantics/helpers.ts";
import { TLB_NOEXEC } from "../mmu.ts";
import { compileBlock, newBlockModule } from "./block_compiler.ts";
import { executeOne } from "../run.ts";
import { INTERPRETED } from "./interpreted.ts";
import { type DecodedInstruction, decodeInstruction } from "./decoder.ts";
import { hasFeature } from "../cpu_model.ts";
import {
  type CodeLayout,
  IMPORTS,
  JUMP_CACHE_ENTRIES,
  jumpCacheIndex,
  TABLE,
} from "./wasm_emitter.ts";

/** Tuning of the JIT. */
export interface JitOptions {
  /** Executions of a block before it is compiled. @default 40 */
  threshold?: number;
  /** Blocks compiled together in one WebAssembly module. @default 32 */
  batch?: number;
  /** Longest block in instructions. @default 64 */
  maxBlock?: number;
  /** Early invalidations of a page after which it is no longer compiled. @default 8 */
  maxWastedTranslations?: number;
  /** Most instructions a chain of compiled blocks runs before interrupts are looked at. @default 4096 */
  chainLength?: number;
  /** Called after each module is compiled (inspection, `-d` dumps, compile-cost benchmarks). */
  onModule?: (module: CompiledModule) => void;
}

/** One batch of blocks compiled into a WebAssembly module. */
export interface CompiledModule {
  /** The module's binary. */
  bytes: Uint8Array;
  /** Its blocks, in function order (export `b0`, `b1`…): start EIP and instruction count. */
  blocks: { eip: number; instructions: number }[];
  /** Milliseconds from decoding the batch to an instantiated module. */
  ms: number;
}

/** What the JIT did, for `-d jit` and the benchmarks. */
export interface JitStats {
  blocksCompiled: number;
  modules: number;
  compileMs: number;
  /** Entries into compiled code from the run loop, and the instructions they retired. */
  dispatches: number;
  instructions: number;
  invalidations: number;
  /** Block starts the compiler does not handle (their first instruction is left to the interpreter). */
  notCompilable: number;
  /**
   * Calls from compiled code into the VMM: memory accesses that missed the inline TLB path (or use
   * FS/GS/CS), and flag, helper and interpreter calls. Few compared with `instructions` is what
   * makes it fast.
   */
  slowAccesses: number;
  runtimeCalls: number;
}

interface CompiledBlock {
  run: (retired: number) => number;
  eip: number;
  csBase: number;
  length: number;
  /** Slot in the shared function table (0 for none). */
  slot: number;
}

/** Marks a block start the compiler cannot handle, so it is not counted again. */
const NOT_COMPILABLE: CompiledBlock = { run: () => 0, eip: 0, csBase: 0, length: 0, slot: 0 };

interface Pending {
  user: number;
  host: number;
  eip: number;
  csBase: number;
}

/** ES, SS and DS must be flat, present and writable for compiled code's inline accesses. */
const INLINE_SEGMENTS = (1 << 0) | (1 << 2) | (1 << 3);
/**
 * Translations of one page dropped before they ran much, after which code there is left to the
 * interpreter (code and often-written data sharing a page would otherwise recompile forever).
 */
const MAX_WASTED_TRANSLATIONS = 8;
/** Dispatches (machine-wide) a translation should see before its page is written again. */
const WORTHWHILE_RUNS = 1000;
/** Words of the JIT area before the link cells (the chain limit is word 0). */
const LINK_CELLS_START = 16;

/**
 * The block JIT: counts executions of block starts, compiles hot blocks (in batches, one
 * WebAssembly module per batch) from the semantics the interpreter runs, runs them, chains
 * them to each other, and drops them when their page is written (by the CPU or by device DMA).
 *
 * Blocks are keyed by the memory offset of their first byte and the privilege level, and remember
 * the EIP and CS base they were compiled for; compiled code runs only in 32-bit protected mode
 * with flat ES/SS/DS and a flat CS, and TF clear. Anything else runs in the interpreter.
 *
 * Chaining: a direct exit to an address in the block's own page goes through a link cell, a word
 * in the JIT area holding the table slot of the compiled target (0 while there is none). Same
 * page means same mapping, so no check is needed on the way. The chain stops when the run loop's
 * budget (capped so interrupts are looked at often) would be exceeded, or when a store reached a
 * device or translated code.
 */
export class Jit {
  readonly stats: JitStats = {
    blocksCompiled: 0,
    modules: 0,
    compileMs: 0,
    dispatches: 0,
    instructions: 0,
    invalidations: 0,
    notCompilable: 0,
    slowAccesses: 0,
    runtimeCalls: 0,
  };
  readonly #cpu: Cpu;
  readonly #threshold: number;
  readonly #batch: number;
  readonly #maxBlock: number;
  readonly #maxWasted: number;
  readonly #chainLength: number;
  readonly #onModule: ((module: CompiledModule) => void) | undefined;
  /** Compiled blocks by memory offset, supervisor [0] and user [1]. */
  readonly #blocks = [new Map<number, CompiledBlock>(), new Map<number, CompiledBlock>()];
  readonly #counts = [new Map<number, number>(), new Map<number, number>()];
  readonly #queue: Pending[] = [];
  /** Physical page → the (user, host) blocks compiled from it. */
  readonly #pageBlocks = new Map<number, [number, number][]>();
  readonly #pageWaste = new Map<number, number>();
  readonly #pageCompiledAt = new Map<number, number>();
  /** Link cells (word indices in the JIT area) waiting for a block, by user and memory offset. */
  readonly #waiting = [new Map<number, number[]>(), new Map<number, number[]>()];
  readonly #table = new WebAssembly.Table({ element: "anyfunc", initial: 1024 });
  #nextSlot = 1;
  readonly #jitWords: Int32Array;
  #nextCell = LINK_CELLS_START;
  /** First word of the jump cache in the JIT area. */
  readonly #cacheWord: number;
  readonly #imports: Record<string, unknown>;
  readonly #layouts: CodeLayout[];
  /** Set when a store hit a page holding translated code (the running block must leave). */
  #codeWritten = false;
  /** Instructions the running chain retired before the one now in a helper. */
  retiredInBlock = 0;
  /** True while compiled code runs (for the run loop's fault accounting). */
  inBlock = false;

  constructor(cpu: Cpu, options: JitOptions = {}) {
    this.#cpu = cpu;
    this.#threshold = options.threshold ?? 40;
    this.#batch = options.batch ?? 32;
    this.#maxBlock = options.maxBlock ?? 64;
    this.#maxWasted = options.maxWastedTranslations ?? MAX_WASTED_TRANSLATIONS;
    this.#chainLength = options.chainLength ?? 4096;
    this.#onModule = options.onModule;
    const phys = cpu.phys;
    const state = phys.cpuArea;
    this.#jitWords = new Int32Array(
      phys.memory.buffer,
      state + JIT_AREA_OFFSET,
      (CPU_AREA_SIZE - JIT_AREA_OFFSET) >> 2,
    );
    this.#jitWords.fill(0);
    // The jump cache takes the end of the JIT area; link cells grow from its start.
    this.#cacheWord = this.#jitWords.length - JUMP_CACHE_ENTRIES * 4;
    const base = {
      state,
      tlbRead: state + TLB_READ_OFFSET,
      tlbWrite: state + TLB_WRITE_OFFSET,
      chainLimit: state + JIT_AREA_OFFSET,
    };
    const jumpCache = state + JIT_AREA_OFFSET + this.#cacheWord * 4;
    this.#layouts = [
      { ...base, accessBit: 1, jumpCache: 0 },
      { ...base, accessBit: 2, jumpCache: 0 },
      { ...base, accessBit: 1, jumpCache },
      { ...base, accessBit: 2, jumpCache },
    ];
    phys.onCodeWrite = (page) => this.invalidatePage(page);
    this.#imports = this.#runtime();
  }

  /**
   * Runs the compiled block at the current EIP if there is one and it fits in `budget`
   * instructions (with whatever it chains to); returns the instructions retired, or 0 when the
   * interpreter must go on. Counts the block start towards compilation otherwise.
   */
  enter(budget: number): number {
    const cpu = this.#cpu;
    if (!cpu.code32 || !cpu.stack32 || (cpu.st[S_EFLAGS] & TF) !== 0) return 0;
    if ((cpu.fastRead & cpu.fastWrite & INLINE_SEGMENTS) !== INLINE_SEGMENTS) return 0;
    if (cpu.segLimit(CS) !== 0xffffffff) return 0;
    const eip = cpu.st[S_EIP];
    const lin = (cpu.csBase + eip) | 0;
    let entry = cpu.mmu.tlbRead[lin >>> 12];
    if ((entry & cpu.accessBit) === 0) {
      // The interpreter fetches through its own one-page cache, so code keeps running after
      // the TLB dropped the page (a capacity flush while a loop walks a large buffer): translate
      // it again, or compiled code would not be found until the next far transfer. A fault is
      // left to the interpreter, whose fetch of the same address raises it.
      try {
        cpu.mmu.translate(lin, false, cpu.accessBit === 2, true);
      } catch {
        return 0;
      }
      entry = cpu.mmu.tlbRead[lin >>> 12];
    }
    // No cached permission, or a page that may not be executed (NX): the interpreter decides.
    if ((entry & cpu.accessBit) === 0 || (entry & TLB_NOEXEC) !== 0) return 0;
    const user = cpu.accessBit === 2 ? 1 : 0;
    const host = (entry & ~0xfff) + (lin & 0xfff);
    const block = this.#blocks[user].get(host);
    if (block !== undefined) {
      if (block.eip !== eip || block.csBase !== cpu.csBase || block.length > budget) return 0;
      this.#jitWords[0] = Math.min(budget, this.#chainLength) - this.#maxBlock;
      if (cpu.csBase === 0) this.#cacheJump(lin, host, user, block.slot);
      this.inBlock = true;
      const n = block.run(0);
      this.inBlock = false;
      this.stats.dispatches++;
      this.stats.instructions += n;
      return n;
    }
    const counts = this.#counts[user];
    const count = (counts.get(host) ?? 0) + 1;
    counts.set(host, count);
    if (count === this.#threshold) {
      this.#queue.push({ user, host, eip, csBase: cpu.csBase });
      if (this.#queue.length >= this.#batch) this.flush();
    }
    return 0;
  }

  /** Compiles the blocks waiting in the queue (the run loop also calls this between slices). */
  flush(): void {
    const queue = this.#queue.splice(0);
    if (queue.length === 0) return;
    const started = performance.now();
    const compiled: { pending: Pending; insns: DecodedInstruction[] }[] = [];
    for (const pending of queue) {
      const page = pending.host >>> 12;
      if ((this.#pageWaste.get(page) ?? 0) >= this.#maxWasted) continue;
      const insns = this.#decodeBlock(pending);
      this.#remember(page, pending);
      if (insns.length === 0) {
        this.#blocks[pending.user].set(pending.host, NOT_COMPILABLE);
        this.stats.notCompilable++;
      } else compiled.push({ pending, insns });
    }
    if (compiled.length > 0) {
      const bytes = this.#compile(compiled);
      const ms = performance.now() - started;
      this.#onModule?.({
        bytes,
        blocks: compiled.map(({ pending, insns }) => ({
          eip: pending.eip,
          instructions: insns.length,
        })),
        ms,
      });
    }
    this.stats.compileMs += performance.now() - started;
  }

  #compile(compiled: { pending: Pending; insns: DecodedInstruction[] }[]): Uint8Array {
    const phys = this.#cpu.phys;
    if (this.#nextCell + compiled.length * 2 >= this.#cacheWord) this.#reset();
    const m = newBlockModule(phys.memory.buffer.byteLength / 0x10000);
    try {
      compiled.forEach(({ pending, insns }, i) => {
        const link = (target: number) => this.#linkCell(pending, target);
        const layout = this.#layouts[pending.user + (pending.csBase === 0 ? 2 : 0)];
        compileBlock(m, layout, insns, `b${i}`, link, pending.user);
      });
      const bytes = m.emitBinary() as Uint8Array<ArrayBuffer>;
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        env: { memory: phys.memory, [TABLE]: this.#table, ...this.#imports },
      });
      const newPages = new Set<number>();
      compiled.forEach(({ pending, insns }, i) => {
        const run = instance.exports[`b${i}`] as (retired: number) => number;
        const slot = this.#nextSlot++;
        if (slot >= this.#table.length) this.#table.grow(this.#table.length);
        this.#table.set(slot, run);
        this.#blocks[pending.user].set(pending.host, {
          run,
          eip: pending.eip,
          csBase: pending.csBase,
          length: insns.length,
          slot,
        });
        for (const cell of this.#waiting[pending.user].get(pending.host) ?? []) {
          this.#jitWords[cell] = slot;
        }
        if (pending.csBase === 0) this.#cacheJump(pending.eip, pending.host, pending.user, slot);
        const page = pending.host >>> 12;
        this.#pageCompiledAt.set(page, this.stats.dispatches);
        if (pending.host < phys.ramSize && !phys.codePages[page]) {
          phys.codePages[page] = 1;
          newPages.add(page);
        }
      });
      // Cached write permissions to the newly watched pages must take the slow path now.
      if (newPages.size > 0) this.#cpu.mmu.dropWritesTo(newPages);
      this.stats.blocksCompiled += compiled.length;
      this.stats.modules++;
      return bytes;
    } finally {
      m.dispose();
    }
  }

  /** A link cell for the exit of `from` to `target`, when both are in one page. */
  #linkCell(from: Pending, target: number): number | undefined {
    const start = (from.csBase + from.eip) | 0, to = (from.csBase + target) | 0;
    if ((start ^ to) >>> 12 !== 0) return undefined;
    const host = (from.host & ~0xfff) | (to & 0xfff);
    const cell = this.#nextCell++;
    const waiting = this.#waiting[from.user];
    const list = waiting.get(host);
    if (list === undefined) waiting.set(host, [cell]);
    else list.push(cell);
    const block = this.#blocks[from.user].get(host);
    this.#jitWords[cell] = block !== undefined && block.eip === target ? block.slot : 0;
    return this.#cpu.phys.cpuArea + JIT_AREA_OFFSET + cell * 4;
  }

  /**
   * The run loop caught a fault raised inside compiled code: the chain retired `retiredInBlock`
   * instructions before the faulting one. Returns that count.
   */
  faulted(): number {
    this.inBlock = false;
    this.stats.dispatches++;
    this.stats.instructions += this.retiredInBlock;
    return this.retiredInBlock;
  }

  /** The statistics as lines of text (`-d jit`). */
  describe(): string {
    const s = this.stats;
    const share = s.instructions / Math.max(1, this.#cpu.instructions);
    return [
      `jit: ${s.blocksCompiled} blocks compiled in ${s.modules} modules, ` +
      `${s.compileMs.toFixed(0)} ms (${
        (1000 * s.compileMs / Math.max(1, s.blocksCompiled)).toFixed(0)
      } µs per block)`,
      `jit: ${s.instructions} instructions in compiled code (${(100 * share).toFixed(1)}% of ` +
      `${this.#cpu.instructions}), ${s.dispatches} entries from the run loop`,
      `jit: ${s.invalidations} page invalidations, ${s.notCompilable} block starts left to the interpreter`,
      `jit: ${s.slowAccesses} memory accesses off the inline path, ${s.runtimeCalls} flag/helper/interpreter calls`,
    ].join("\n");
  }

  /** Drops the translations of physical page `page` (its memory was written). */
  invalidatePage(page: number): void {
    this.#codeWritten = true;
    this.#jitWords[0] = 0; // stop the chain: what follows may be stale
    this.#cpu.phys.codePages[page] = 0;
    const list = this.#pageBlocks.get(page);
    if (list === undefined) return;
    this.#pageBlocks.delete(page);
    for (const [user, host] of list) {
      const block = this.#blocks[user].get(host);
      if (block !== undefined && block.slot !== 0) this.#uncacheJump(block);
      this.#blocks[user].delete(host);
      this.#counts[user].delete(host);
      for (const cell of this.#waiting[user].get(host) ?? []) this.#jitWords[cell] = 0;
    }
    this.stats.invalidations++;
    const runs = this.stats.dispatches - (this.#pageCompiledAt.get(page) ?? 0);
    if (runs < WORTHWHILE_RUNS) this.#pageWaste.set(page, (this.#pageWaste.get(page) ?? 0) + 1);
  }

  /** Records that linear address `lin` (CS base 0) runs the block in table slot `slot`. */
  #cacheJump(lin: number, host: number, user: number, slot: number): void {
    const at = this.#cacheWord + jumpCacheIndex(lin) * 4;
    const w = this.#jitWords;
    w[at] = lin;
    w[at + 1] = host;
    w[at + 2] = user;
    w[at + 3] = slot;
  }

  /** Drops the jump-cache entry of a block being invalidated, if it still has one. */
  #uncacheJump(block: CompiledBlock): void {
    // Only blocks of CS base 0 are cached, at the index of their EIP (their linear address).
    const at = this.#cacheWord + jumpCacheIndex(block.eip) * 4 + 3;
    if (this.#jitWords[at] === block.slot) this.#jitWords[at] = 0;
  }

  /** Forgets every translation (the link cells ran out). */
  #reset(): void {
    for (const page of [...this.#pageBlocks.keys()]) this.invalidatePage(page);
    for (const map of this.#blocks) map.clear();
    for (const map of this.#waiting) map.clear();
    this.#jitWords.fill(0); // the jump cache too
    this.#nextCell = LINK_CELLS_START;
  }

  /** Decoded instructions of the block starting at `pending`, up to the first one not handled. */
  #decodeBlock(pending: Pending): DecodedInstruction[] {
    const code = this.#cpu.phys.u8;
    const pageStart = pending.host & ~0xfff;
    const insns: DecodedInstruction[] = [];
    let offset = pending.host & 0xfff, eip = pending.eip;
    while (insns.length < this.#maxBlock && offset < 0x1000) {
      const insn = decodeInstruction(code, pageStart, offset, eip);
      if (insn === undefined) break;
      // An instruction this CPU model lacks (CMOV on a Pentium) is the interpreter's #UD.
      const feature = insn.entry.feature;
      if (feature !== undefined && !hasFeature(this.#cpu.model, feature)) break;
      // A SIMD instruction the model lacks is the interpreter's #UD, called in place.
      if (insn.simd !== undefined && !hasFeature(this.#cpu.model, insn.simd.feature)) {
        insn.simd = undefined;
        insn.entry = INTERPRETED;
      }
      insns.push(insn);
      if (insn.entry.endsBlock) break;
      offset += (insn.next - insn.eip) | 0;
      eip = insn.next;
    }
    return insns;
  }

  #remember(page: number, pending: Pending): void {
    const list = this.#pageBlocks.get(page);
    const entry: [number, number] = [pending.user, pending.host];
    if (list === undefined) this.#pageBlocks.set(page, [entry]);
    else list.push(entry);
  }

  /** The functions compiled code calls: slow memory paths, flag reads, helpers, the interpreter. */
  #runtime(): Record<string, unknown> {
    const cpu = this.#cpu;
    const st = cpu.st;
    const words = this.#jitWords;
    const stats = this.stats;
    const at = (eip: number, retired: number) => {
      stats.slowAccesses++;
      cpu.startEip = eip;
      cpu.startEsp = st[ESP];
      this.retiredInBlock = retired;
    };
    // A store that reached a device or translated code ends the chain: the device may want an
    // interrupt taken, the code may have changed.
    const written = () => {
      words[0] = 0;
      const hit = this.#codeWritten;
      this.#codeWritten = false;
      return hit ? 1 : 0;
    };
    return {
      [IMPORTS.read]: (lin: number, size: number, eip: number, retired: number) => {
        at(eip, retired);
        return size === 4
          ? cpu.readLin32(lin)
          : size === 2
          ? cpu.readLin16(lin)
          : cpu.readLin8(lin);
      },
      [IMPORTS.write]: (lin: number, size: number, v: number, eip: number, retired: number) => {
        at(eip, retired);
        this.#codeWritten = false;
        if (size === 4) cpu.writeLin32(lin, v);
        else if (size === 2) cpu.writeLin16(lin, v);
        else cpu.writeLin8(lin, v);
        return written();
      },
      [IMPORTS.readSeg]: (seg: number, off: number, size: number, eip: number, retired: number) => {
        at(eip, retired);
        return cpu.read(size, seg, off);
      },
      [IMPORTS.writeSeg]: (
        seg: number,
        off: number,
        size: number,
        v: number,
        eip: number,
        retired: number,
      ) => {
        at(eip, retired);
        this.#codeWritten = false;
        cpu.write(size, seg, off, v);
        return written();
      },
      [IMPORTS.helper]: (
        id: number,
        a: number,
        b: number,
        c: number,
        eip: number,
        retired: number,
      ) => {
        at(eip, retired);
        stats.slowAccesses--;
        stats.runtimeCalls++;
        return HELPERS[id](cpu, a, b, c);
      },
      [IMPORTS.interpret]: (eip: number, next: number, retired: number) => {
        stats.runtimeCalls++;
        this.retiredInBlock = retired;
        this.#codeWritten = false;
        st[S_EIP] = eip;
        executeOne(cpu);
        // Leaving the block ends the chain; invalidation has already stopped it.
        const leave = this.#codeWritten || st[S_EIP] !== next;
        this.#codeWritten = false;
        return leave ? 1 : 0;
      },
      [IMPORTS.flags]: (mask: number) => {
        stats.runtimeCalls++;
        return readFlag(st, mask);
      },
      [IMPORTS.cond]: (cc: number) => {
        stats.runtimeCalls++;
        return testCondition(st, cc) ? 1 : 0;
      },
    };
  }
}
