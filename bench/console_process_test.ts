import assert from "node:assert/strict";
import { ConsoleProcess } from "./console_process.ts";

/** A stand-in for a guest: prints a banner and a prompt, then runs each line it reads. */
const FAKE_SHELL = [
  "-c",
  'printf "booting\\n$ "; while IFS= read -r line; do echo "$line"; eval "$line"; printf "$ "; done',
];

Deno.test("ConsoleProcess waits for the prompt, then returns each command's output and time", async () => {
  const p = await ConsoleProcess.start({ command: "sh", args: FAKE_SHELL, prompt: "$ " });
  try {
    assert.ok(p.bootSeconds > 0);
    assert.match(p.output, /^booting\n\$ $/);
    const a = await p.run("echo one");
    assert.equal(a.output, "echo one\none\n");
    assert.equal(a.promptIndex, 1);
    assert.ok(a.seconds > 0);
    const b = await p.run("sleep 0.2; echo two");
    assert.equal(b.output, "sleep 0.2; echo two\ntwo\n");
    assert.equal(b.promptIndex, 2);
    assert.ok(b.seconds >= 0.2, `the command took at least its sleep (${b.seconds} s)`);
  } finally {
    await p.kill();
  }
});

Deno.test("ConsoleProcess.start rejects when the child exits before the prompt, with its output", async () => {
  await assert.rejects(
    ConsoleProcess.start({ command: "sh", args: ["-c", "echo no shell here"], prompt: "$ " }),
    /exited before the prompt[\s\S]*no shell here/,
  );
});

Deno.test("ConsoleProcess.run rejects a command whose prompt does not return in time", async () => {
  const p = await ConsoleProcess.start({ command: "sh", args: FAKE_SHELL, prompt: "$ " });
  try {
    await assert.rejects(p.run("sleep 1", 100), /no prompt within 100 ms/);
  } finally {
    await p.kill();
  }
});
