import assert from "node:assert/strict";
import { checkWellFormedXml } from "./_xml_check.ts";
import type { PlotSpec } from "./result_types.ts";
import { escapeXml, formatBytes, renderSvgPlot } from "./svg_plot.ts";

const SPEC: PlotSpec = {
  name: "t",
  title: "throughput <vs> memcpy & friends",
  x: { label: "request size (bytes)", log2: true, bytes: true },
  y: { label: "GB/s" },
  series: [
    { name: 'queue "A"', points: [[512, 1], [4096, 5], [1 << 20, 20]] },
    { name: "memcpy", points: [[512, 8], [4096, 16], [1 << 20, 30]] },
  ],
};

Deno.test("renderSvgPlot writes well-formed SVG with one polyline and legend entry per series", () => {
  const svg = renderSvgPlot(SPEC);
  const elements = checkWellFormedXml(svg);
  assert.equal(elements[0], "svg");
  assert.equal(elements.filter((e) => e === "polyline").length, 2);
  assert.ok(svg.includes(`data-name="${escapeXml('queue "A"')}"`));
  assert.ok(svg.includes(`>${escapeXml("memcpy")}</text>`), "legend names the series");
  assert.ok(svg.includes(escapeXml("throughput <vs> memcpy & friends")));
});

Deno.test("a log-2 byte axis has a tick at every power of two, labelled 512 … 1M", () => {
  const svg = renderSvgPlot(SPEC);
  const labels = [
    ...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]*)<\/text>/g),
  ]
    .map((m) => m[1]);
  assert.deepEqual(labels, [
    "512",
    "1K",
    "2K",
    "4K",
    "8K",
    "16K",
    "32K",
    "64K",
    "128K",
    "256K",
    "512K",
    "1M",
  ]);
  assert.ok(svg.includes("request size (bytes) (log₂ scale)"));
});

Deno.test("the linear y axis starts at zero and climbs in 1-2-5 steps past the largest value", () => {
  const svg = renderSvgPlot(SPEC);
  const labels = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]*)<\/text>/g)]
    .map((m) => Number(m[1]));
  assert.deepEqual(labels, [0, 10, 20, 30]);
});

Deno.test("points a log axis cannot show are left out instead of breaking the drawing", () => {
  const svg = renderSvgPlot({
    ...SPEC,
    y: { label: "µs", log2: true },
    series: [{ name: "s", points: [[512, 0], [1024, 2], [2048, Number.NaN], [4096, 8]] }],
  });
  checkWellFormedXml(svg);
  assert.equal([...svg.matchAll(/<circle /g)].length, 2);
  assert.ok(!svg.includes("NaN") && !svg.includes("Infinity"));
});

Deno.test("an empty plot still renders axes", () => {
  const svg = renderSvgPlot({ ...SPEC, series: [] });
  assert.deepEqual(checkWellFormedXml(svg).filter((e) => e === "polyline"), []);
});

Deno.test("formatBytes shortens only exact multiples of 1024", () => {
  assert.deepEqual([512, 1024, 1536, 65536, 1 << 20].map(formatBytes), [
    "512",
    "1K",
    "1536",
    "64K",
    "1M",
  ]);
});

Deno.test("checkWellFormedXml rejects unbalanced tags, raw ampersands and stray text", () => {
  assert.throws(() => checkWellFormedXml("<svg><g></svg>"), /closes/);
  assert.throws(() => checkWellFormedXml("<svg><text>a & b</text></svg>"), /unescaped &/);
  assert.throws(() => checkWellFormedXml("<svg/>junk"), /outside the root/);
  assert.throws(() => checkWellFormedXml(`<svg a="1" a="2"/>`), /repeated attribute/);
  assert.deepEqual(checkWellFormedXml(`<?xml version="1.0"?>\n<svg><g x='1'/></svg>\n`), [
    "svg",
    "g",
  ]);
});
