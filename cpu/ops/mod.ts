// Importing a family module installs its opcodes in the table (cpu/opcode_table.ts).
import "../semantics/core.ts";
import "../semantics/shift.ts";
import "../semantics/groups.ts";
import "../semantics/moves.ts";
import "./move.ts";
import "./shift.ts";
import "./bits.ts";
import "./bcd.ts";
import "./stack.ts";
import "./control.ts";
import "./string.ts";
import "./io.ts";
import "./flag_ops.ts";
import "./system.ts";
import "./msr.ts";
import "./fpu_ops.ts";
import "./mmx.ts";
