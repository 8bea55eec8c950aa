import { define } from "../opcode_table.ts";
import { EAX, EDX } from "../state_layout.ts";

define(0xe4, "in AL,Ib", (cpu) => cpu.setReg(1, EAX, cpu.ioRead(cpu.fetch8(), 1)));
define(0xe5, "in eAX,Ib", (cpu) => {
  const s = cpu.osize;
  cpu.setReg(s, EAX, cpu.ioRead(cpu.fetch8(), s));
});
define(0xe6, "out Ib,AL", (cpu) => cpu.ioWrite(cpu.fetch8(), 1, cpu.getReg(1, EAX)));
define(0xe7, "out Ib,eAX", (cpu) => {
  const s = cpu.osize;
  cpu.ioWrite(cpu.fetch8(), s, cpu.getReg(s, EAX));
});
define(0xec, "in AL,DX", (cpu) => cpu.setReg(1, EAX, cpu.ioRead(cpu.r16[EDX << 1], 1)));
define(0xed, "in eAX,DX", (cpu) => {
  const s = cpu.osize;
  cpu.setReg(s, EAX, cpu.ioRead(cpu.r16[EDX << 1], s));
});
define(0xee, "out DX,AL", (cpu) => cpu.ioWrite(cpu.r16[EDX << 1], 1, cpu.getReg(1, EAX)));
define(0xef, "out DX,eAX", (cpu) => {
  const s = cpu.osize;
  cpu.ioWrite(cpu.r16[EDX << 1], s, cpu.getReg(s, EAX));
});
