import assert from "node:assert/strict";
import { machineInfo, parseCpuModel } from "./machine_info.ts";

Deno.test("parseCpuModel takes the first model name line of /proc/cpuinfo", () => {
  const text = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n" +
    "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
  assert.equal(parseCpuModel(text), "AMD EPYC 7B13");
  assert.equal(parseCpuModel("processor : 0\n"), undefined);
});

Deno.test("machineInfo records the Deno, V8 and TypeScript versions of this process", () => {
  const m = machineInfo();
  assert.equal(m.deno, Deno.version.deno);
  assert.equal(m.v8, Deno.version.v8);
  assert.equal(m.typescript, Deno.version.typescript);
  assert.ok(m.cores >= 1);
  assert.ok(m.os.startsWith(Deno.build.os));
});
