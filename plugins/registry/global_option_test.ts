import assert from "node:assert/strict";
import { DeviceConfigError } from "./config_error.ts";
import {
  formatGlobalHelp,
  type GlobalProperty,
  isGlobalHelp,
  parseGlobalOption,
} from "./global_option.ts";

const triple = (g: GlobalProperty) => [g.driver, g.property, g.value];

Deno.test("the short form splits at the first '.' and the next '='", () => {
  assert.deepEqual(triple(parseGlobalOption("isa-debug-exit.iobase=0xf4")), [
    "isa-debug-exit",
    "iobase",
    "0xf4",
  ]);
  // The property may hold dots and the value anything, commas included.
  assert.deepEqual(triple(parseGlobalOption("a.b.c=x,y=z")), ["a", "b.c", "x,y=z"]);
  assert.deepEqual(triple(parseGlobalOption("e1000.mac=")), ["e1000", "mac", ""]);
  assert.equal(parseGlobalOption("a.b=1").text, "a.b=1");
});

Deno.test("the long form takes driver=, property= and value=", () => {
  const g = parseGlobalOption("driver=isa-debug-exit,property=iobase,value=0xf4");
  assert.deepEqual(triple(g), ["isa-debug-exit", "iobase", "0xf4"]);
  assert.deepEqual(triple(parseGlobalOption("value=a,,b,property=p,driver=d")), ["d", "p", "a,b"]);
});

Deno.test("the long form refuses other names and needs all three", () => {
  const refused = (text: string, message: string) =>
    assert.throws(
      () => parseGlobalOption(text),
      (e: unknown) => e instanceof DeviceConfigError && e.message === message,
      text,
    );
  refused(
    "driver=d,property=p,value=v,colour=red",
    "-global driver=d,property=p,value=v,colour=red: Invalid parameter 'colour'",
  );
  refused("=", "-global =: Invalid parameter ''");
  refused(
    "driver=isa-fdc",
    "-global driver=isa-fdc: options 'driver', 'property', and 'value' are required",
  );
  // No '=' after the property: not the short form.
  refused(
    "isa-debug-exit.iobase",
    "-global isa-debug-exit.iobase: Invalid parameter 'isa-debug-exit.iobase'",
  );
  // sscanf's %63[ limits: a 64-character driver name falls through to the long form.
  const long = "d".repeat(64);
  refused(`${long}.p=1`, `-global ${long}.p=1: Invalid parameter '${long}.p'`);
});

Deno.test("an empty driver or property is not the short form", () => {
  assert.throws(() => parseGlobalOption(".p=1"), /Invalid parameter '\.p'/);
  assert.throws(() => parseGlobalOption("d.=1"), /Invalid parameter 'd\.'/);
});

Deno.test("-global help asks for the option list", () => {
  assert.equal(isGlobalHelp("help"), true);
  assert.equal(isGlobalHelp("?"), true);
  assert.equal(isGlobalHelp("a.b=help"), false);
  assert.equal(isGlobalHelp("bogus"), false);
  assert.throws(() => parseGlobalOption("help"), /isGlobalHelp/);
  assert.equal(
    formatGlobalHelp(),
    "global options:\n  driver=<str>\n  property=<str>\n  value=<str>\n",
  );
});
