import assert from "node:assert/strict";
import { type ShellGuest, shellLoopCommand, timeShellLoop } from "./guest_cpu.ts";

/** The host's own sh as the guest: the loop is POSIX shell, so it must run there too. */
const hostShell: ShellGuest = {
  async run(cmd) {
    const t0 = performance.now();
    const out = await new Deno.Command("sh", { args: ["-c", cmd] }).output();
    return {
      output: new TextDecoder().decode(out.stdout),
      seconds: (performance.now() - t0) / 1000,
    };
  },
};

Deno.test("the shell loop runs N iterations in a POSIX shell and says so", async () => {
  const sample = await timeShellLoop(hostShell, 250);
  assert.equal(sample.iterations, 250);
  assert.ok(sample.seconds > 0);
  assert.equal(sample.instructions, undefined, "the host shell counts no guest instructions");
});

Deno.test("timeShellLoop refuses output that does not show the loop finishing", async () => {
  const cut: ShellGuest = {
    run: (cmd) => Promise.resolve({ output: `${cmd}\nloop-done 7\n`, seconds: 1 }),
  };
  await assert.rejects(timeShellLoop(cut, 8), /the shell loop of 8 did not finish/);
  assert.match(shellLoopCommand(8), /-lt 8\b/);
});
