import assert from "node:assert/strict";
import * as R from "./registers.ts";
import { com1 } from "./_test_rig.ts";

Deno.test("16550 reset state: IIR none, LSR THRE|TEMT, modem inputs CTS|DSR|DCD, IRQ low", () => {
  const { inb, irq } = com1();
  assert.equal(inb(R.IIR_FCR), 0x01);
  assert.equal(inb(R.LSR), 0x60);
  assert.equal(inb(R.MSR), 0xb0);
  assert.equal(inb(R.IER_DLM), 0);
  assert.equal(inb(R.LCR), 0);
  assert.equal(inb(R.MCR), 0);
  assert.equal(irq(), false);
});

Deno.test("16550 divisor latch round-trips under DLAB and hides RBR/IER meanwhile", () => {
  const { inb, outb } = com1();
  outb(R.IER_DLM, 0x05);
  outb(R.LCR, 0x83); // DLAB, 8N1
  assert.equal(inb(R.RBR_THR_DLL), 12, "reset divisor is 12 (9600 baud)");
  assert.equal(inb(R.IER_DLM), 0);
  outb(R.RBR_THR_DLL, 0x01);
  outb(R.IER_DLM, 0x80);
  assert.equal(inb(R.RBR_THR_DLL), 0x01);
  assert.equal(inb(R.IER_DLM), 0x80);
  outb(R.LCR, 0x03);
  assert.equal(inb(R.IER_DLM), 0x05, "IER was untouched by DLM writes");
  outb(R.LCR, 0x83);
  assert.equal(inb(R.RBR_THR_DLL) | inb(R.IER_DLM) << 8, 0x8001);
});

Deno.test("16550 sends whole THR bytes to the chardev even before LCR is programmed", () => {
  const { outb, inb, chardev } = com1();
  outb(R.RBR_THR_DLL, 0x68); // LCR still 0: 5-bit words, yet the host gets the byte as QEMU's does
  outb(R.LCR, 0x03);
  outb(R.RBR_THR_DLL, 0xe9);
  assert.deepEqual(chardev.output(), new Uint8Array([0x68, 0xe9]));
  assert.equal(inb(R.LSR) & 0x60, 0x60, "THR and shift register empty again");
});

Deno.test("16550 loopback receives only the programmed word length", () => {
  const { outb, inb } = com1();
  outb(R.MCR, R.MCR_LOOP);
  outb(R.LCR, 0x02); // 7-bit words
  outb(R.RBR_THR_DLL, 0xc1);
  assert.equal(inb(R.RBR_THR_DLL), 0x41);
});

Deno.test("16550 loopback (MCR bit 4) echoes TX into RX with DR set and nothing sent to the host", () => {
  const { outb, inb, chardev } = com1();
  outb(R.LCR, 0x03); // 8-bit words
  outb(R.MCR, R.MCR_LOOP);
  outb(R.RBR_THR_DLL, 0x5a);
  assert.equal(inb(R.LSR), R.LSR_DR | R.LSR_THRE | R.LSR_TEMT);
  assert.equal(inb(R.RBR_THR_DLL), 0x5a);
  assert.equal(inb(R.LSR), R.LSR_THRE | R.LSR_TEMT, "DR clears once the byte is read");
  assert.equal(chardev.output().length, 0);
});

Deno.test("16550 loopback wires RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD with delta bits", () => {
  const { outb, inb } = com1();
  outb(R.MCR, R.MCR_LOOP);
  // Host lines CTS|DSR|DCD drop: every delta but TERI is latched.
  assert.equal(inb(R.MSR), R.MSR_DCTS | R.MSR_DDSR | R.MSR_DDCD);
  assert.equal(inb(R.MSR), 0, "reading MSR clears the deltas");
  outb(R.MCR, R.MCR_LOOP | R.MCR_RTS | R.MCR_OUT1);
  assert.equal(inb(R.MSR), R.MSR_CTS | R.MSR_RI | R.MSR_DCTS, "RI rising is no TERI");
  outb(R.MCR, R.MCR_LOOP | R.MCR_DTR | R.MCR_OUT2);
  assert.equal(
    inb(R.MSR),
    R.MSR_DSR | R.MSR_DCD | R.MSR_DCTS | R.MSR_DDSR | R.MSR_TERI | R.MSR_DDCD,
  );
});

Deno.test("16450 mode overrun: the second unread byte sets OE and replaces the first", () => {
  const { outb, inb } = com1();
  outb(R.LCR, 0x03);
  outb(R.MCR, R.MCR_LOOP);
  outb(R.RBR_THR_DLL, 0x31);
  outb(R.RBR_THR_DLL, 0x32);
  assert.equal(inb(R.LSR), R.LSR_DR | R.LSR_OE | R.LSR_THRE | R.LSR_TEMT);
  assert.equal(inb(R.LSR) & R.LSR_OE, 0, "OE clears on read");
  assert.equal(inb(R.RBR_THR_DLL), 0x32);
});

Deno.test("16550 FIFO overrun: the 17th byte is dropped and sets OE; the FIFO keeps the first 16", () => {
  const { outb, inb } = com1();
  outb(R.LCR, 0x03);
  outb(R.IIR_FCR, R.FCR_ENABLE);
  outb(R.MCR, R.MCR_LOOP);
  for (let i = 0; i < 17; i++) outb(R.RBR_THR_DLL, 0x40 + i);
  assert.equal(inb(R.LSR) & (R.LSR_OE | R.LSR_DR), R.LSR_OE | R.LSR_DR);
  const got: number[] = [];
  while (inb(R.LSR) & R.LSR_DR) got.push(inb(R.RBR_THR_DLL));
  assert.deepEqual(got, Array.from({ length: 16 }, (_, i) => 0x40 + i));
});

Deno.test("16550 IIR shows 0xC0 while FIFOs are enabled and FCR clears the receiver FIFO", () => {
  const { outb, inb } = com1();
  outb(R.IIR_FCR, R.FCR_ENABLE);
  assert.equal(inb(R.IIR_FCR), 0xc1);
  outb(R.MCR, R.MCR_LOOP);
  outb(R.RBR_THR_DLL, 1);
  outb(R.IIR_FCR, R.FCR_ENABLE | R.FCR_CLEAR_RX);
  assert.equal(inb(R.LSR) & R.LSR_DR, 0);
  outb(R.RBR_THR_DLL, 2);
  outb(R.IIR_FCR, 0); // leaving FIFO mode empties the FIFO too
  assert.equal(inb(R.IIR_FCR), 0x01);
  assert.equal(inb(R.LSR) & R.LSR_DR, 0);
});

Deno.test("16550 interrupt priority: line status > received data > THRE > modem status", () => {
  const { outb, inb } = com1();
  outb(R.MCR, R.MCR_LOOP);
  inb(R.MSR); // drop the deltas of entering loopback
  outb(R.IER_DLM, 0x0f);
  assert.equal(inb(R.IIR_FCR), R.IIR_THRE, "enabling ETBEI with THR empty raises THRE");
  outb(R.RBR_THR_DLL, 0x11);
  outb(R.RBR_THR_DLL, 0x22); // overrun
  outb(R.MCR, R.MCR_LOOP | R.MCR_RTS); // CTS delta
  assert.equal(inb(R.IIR_FCR), R.IIR_RLS);
  inb(R.LSR);
  assert.equal(inb(R.IIR_FCR), R.IIR_RDA);
  inb(R.RBR_THR_DLL);
  assert.equal(inb(R.IIR_FCR), R.IIR_THRE, "the THR writes re-armed THRE");
  assert.equal(inb(R.IIR_FCR), R.IIR_MODEM, "reading IIR cleared THRE");
  inb(R.MSR);
  assert.equal(inb(R.IIR_FCR), R.IIR_NONE);
});

Deno.test("16550 THRE re-arm: IIR read clears it, a THR write or an IER ETBEI rising edge re-arms", () => {
  const { outb, inb, irq } = com1();
  outb(R.MCR, R.MCR_OUT2);
  outb(R.IER_DLM, R.IER_ETBEI);
  assert.equal(irq(), true);
  assert.equal(inb(R.IIR_FCR), R.IIR_THRE);
  assert.equal(irq(), false, "the IIR read naming THRE cleared it");
  assert.equal(inb(R.IIR_FCR), R.IIR_NONE);
  outb(R.IER_DLM, R.IER_ETBEI); // no rising edge: stays quiet
  assert.equal(inb(R.IIR_FCR), R.IIR_NONE);
  outb(R.IER_DLM, 0);
  outb(R.IER_DLM, R.IER_ETBEI); // the toggle Linux's THRE test and Windows use
  assert.equal(inb(R.IIR_FCR), R.IIR_THRE);
  outb(R.RBR_THR_DLL, 0x41); // transmitted at once, THR empty again
  assert.equal(irq(), true);
  assert.equal(inb(R.IIR_FCR), R.IIR_THRE);
});

Deno.test("16550 IIR read does not clear THRE while a higher-priority interrupt is reported", () => {
  const { outb, inb } = com1();
  outb(R.MCR, R.MCR_LOOP);
  outb(R.RBR_THR_DLL, 0x55);
  outb(R.IER_DLM, R.IER_ERBFI | R.IER_ETBEI);
  assert.equal(inb(R.IIR_FCR), R.IIR_RDA);
  inb(R.RBR_THR_DLL);
  assert.equal(inb(R.IIR_FCR), R.IIR_THRE);
});

Deno.test("16550 IRQ output is gated by OUT2 and stays internal in loopback, as on a PC", () => {
  const { outb, inb, irq } = com1();
  outb(R.IER_DLM, R.IER_ETBEI);
  assert.equal(irq(), false, "OUT2 clear: no IRQ");
  outb(R.MCR, R.MCR_OUT2);
  assert.equal(irq(), true);
  outb(R.MCR, R.MCR_OUT2 | R.MCR_LOOP);
  assert.equal(irq(), false, "loopback forces the OUT2 pin inactive");
  assert.equal(inb(R.IIR_FCR), R.IIR_THRE, "the interrupt is still pending inside");
});

Deno.test("16550 FIFO trigger level: RDA only at 4 bytes, character timeout below it", () => {
  const { outb, inb, chardev, irq, advance } = com1({ timed: true });
  outb(R.LCR, 0x03); // 8N1, divisor 12: one character = 10 bits at 9600 baud
  outb(R.IIR_FCR, R.FCR_ENABLE | 0x40); // trigger level 4
  outb(R.MCR, R.MCR_OUT2);
  outb(R.IER_DLM, R.IER_ERBFI);
  chardev.inject("abc");
  assert.equal(irq(), false, "3 bytes are below the trigger level");
  assert.equal(inb(R.IIR_FCR), 0xc1);
  chardev.inject("d");
  assert.equal(irq(), true);
  assert.equal(inb(R.IIR_FCR), 0xc0 | R.IIR_RDA);
  assert.equal(inb(R.RBR_THR_DLL), 0x61);
  assert.equal(irq(), false, "3 left: below the trigger again");
  const charNs = (10 * 16 * 12 * 1e9) / 1_843_200;
  advance(4 * charNs - 1000);
  assert.equal(irq(), false, "the timeout is four character times");
  advance(1000);
  assert.equal(irq(), true);
  assert.equal(inb(R.IIR_FCR), 0xc0 | R.IIR_TIMEOUT);
  assert.equal(inb(R.RBR_THR_DLL), 0x62, "reading RBR clears the timeout interrupt");
  assert.equal(irq(), false);
});

Deno.test("16550 without timers reports the character timeout as soon as input stops", () => {
  const { outb, inb, chardev, irq } = com1();
  outb(R.IIR_FCR, R.FCR_ENABLE | 0xc0); // trigger level 14
  outb(R.MCR, R.MCR_OUT2);
  outb(R.IER_DLM, R.IER_ERBFI);
  chardev.inject("x");
  assert.equal(irq(), true);
  assert.equal(inb(R.IIR_FCR), 0xc0 | R.IIR_TIMEOUT);
});

Deno.test("16550 holds host input beyond the FIFO and refills as the guest reads: no overrun", () => {
  const { outb, inb, chardev } = com1();
  outb(R.IIR_FCR, R.FCR_ENABLE);
  const text = "a line much longer than sixteen bytes, pasted at once\n";
  chardev.inject(text);
  let got = "";
  while (inb(R.LSR) & R.LSR_DR) got += String.fromCharCode(inb(R.RBR_THR_DLL));
  assert.equal(got, text);
  assert.equal(inb(R.LSR) & R.LSR_OE, 0);
});

Deno.test("16550 keeps host input away from the receiver while in loopback", () => {
  const { outb, inb, chardev } = com1();
  outb(R.MCR, R.MCR_LOOP);
  chardev.inject("k");
  assert.equal(inb(R.LSR) & R.LSR_DR, 0);
  outb(R.MCR, 0);
  assert.equal(inb(R.RBR_THR_DLL), 0x6b);
});

Deno.test("16550 scratch register, IER upper bits and MCR upper bits", () => {
  const { outb, inb } = com1();
  outb(R.SCR, 0xa5);
  assert.equal(inb(R.SCR), 0xa5);
  outb(R.IER_DLM, 0xff);
  assert.equal(inb(R.IER_DLM), 0x0f);
  outb(R.MCR, 0xff);
  assert.equal(inb(R.MCR), 0x1f);
});

Deno.test("16550 reset() restores reset values and lowers the IRQ", () => {
  const { outb, inb, uart, irq } = com1();
  outb(R.MCR, R.MCR_OUT2);
  outb(R.IER_DLM, R.IER_ETBEI);
  outb(R.SCR, 0x12);
  outb(R.IIR_FCR, R.FCR_ENABLE);
  assert.equal(irq(), true);
  uart.reset();
  assert.equal(irq(), false);
  assert.equal(inb(R.IIR_FCR), 0x01);
  assert.equal(inb(R.SCR), 0);
  assert.equal(inb(R.MCR), 0);
});

Deno.test("16550 word accesses split into byte registers, as on the ISA bus", () => {
  const { io, inb } = com1();
  io.write(0x3fb, 2, 0x0b03); // LCR = 0x03, MCR = 0x0b
  assert.equal(inb(R.LCR), 0x03);
  assert.equal(inb(R.MCR), 0x0b);
});
