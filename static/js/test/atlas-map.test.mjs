// Unit tests of the pure helpers in atlas-map.js, with Node's own test runner:
// node --test static/js/test/   (run by tests/test_javascript.py)
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const atlasMap = createRequire(import.meta.url)("../atlas-map.js");

test("classOf puts a value on an edge in the upper class", () => {
  const bins = [20, 40, 60, 80];
  assert.equal(atlasMap.classOf(5, bins), 0);
  assert.equal(atlasMap.classOf(20, bins), 1);
  assert.equal(atlasMap.classOf(79.9, bins), 3);
  assert.equal(atlasMap.classOf(80, bins), 4);
});

test("classOf gives missing values their own class after the last", () => {
  assert.equal(atlasMap.classOf(null, [1, 2]), 3);
  assert.equal(atlasMap.classOf(undefined, [1, 2]), 3);
});

test("decodeMask reads the bit mask written by dashboard/data/map_files.encode_mask", () => {
  // The same example as encode_mask's doctest: schools 0, 2 and 9 of 10.
  assert.deepEqual(atlasMap.decodeMask("BQI=", 10), [0, 2, 9]);
});

test("decodeMask ignores padding bits past the number of schools", () => {
  assert.deepEqual(atlasMap.decodeMask("/w==", 3), [0, 1, 2]);
});

test("decodeMask with no mask means every school", () => {
  assert.deepEqual(atlasMap.decodeMask(null, 4), [0, 1, 2, 3]);
});

test("decodePoints turns integer steps from the origin into degrees, once", () => {
  const d = { n: 2, origin: [49, -7], scale: 10000, lat: [31254, 0], lon: [49251, 10000] };
  atlasMap.decodePoints(d);
  assert.ok(Math.abs(d.latDeg[0] - 52.1254) < 1e-9);
  assert.ok(Math.abs(d.lonDeg[1] - -6) < 1e-9);
  const first = d.latDeg;
  atlasMap.decodePoints(d);
  assert.equal(d.latDeg, first);
});

test("valueOf divides by the measure's divisor and keeps unknowns unknown", () => {
  const d = { white_british_pct: [912, null], divisors: { white_british_pct: 10 } };
  assert.equal(atlasMap.valueOf(d, "white_british_pct", 0), 91.2);
  assert.equal(atlasMap.valueOf(d, "white_british_pct", 1), null);
});

test("boundsOf spans the chosen schools only", () => {
  const d = { latDeg: [52, 53, 51], lonDeg: [-2, -1, -3] };
  assert.deepEqual(atlasMap.boundsOf(d, [0, 1]), [[52, -2], [53, -1]]);
  assert.equal(atlasMap.boundsOf(d, []), null);
});

test("paintOrder keeps the scale's order: no data first, the dark classes last", () => {
  // White British share: class 0 (under 50 %) is darkest, so it is painted last.
  assert.deepEqual(atlasMap.paintOrder([5, 4, 3, 2, 1, 0], 5), [5, 4, 3, 2, 1, 0]);
});

test("paintOrder falls back to class order when the given order is incomplete", () => {
  assert.deepEqual(atlasMap.paintOrder(undefined, 3), [3, 0, 1, 2]);
  assert.deepEqual(atlasMap.paintOrder([3, 0, 0, 2], 3), [3, 0, 1, 2]);
  assert.deepEqual(atlasMap.paintOrder([3, 0, 9, 2], 3), [3, 0, 1, 2]);
});

test("pickDot takes the dot painted on top among overlapping ones", () => {
  // Two dots under the pointer: the one ranked higher (painted later) wins, even if
  // the other is nearer, because it is the one the user sees.
  const xs = [10, 11, 40];
  const ys = [10, 10, 40];
  assert.equal(atlasMap.pickDot(xs, ys, [5, 1, 0], { x: 11, y: 10 }, 3), 0);
  assert.equal(atlasMap.pickDot(xs, ys, [1, 5, 0], { x: 10, y: 10 }, 3), 1);
});

test("pickDot takes the nearest dot just outside the radius, or none", () => {
  const xs = [10, 40];
  const ys = [10, 40];
  assert.equal(atlasMap.pickDot(xs, ys, [0, 0], { x: 15, y: 10 }, 3), 0);
  assert.equal(atlasMap.pickDot(xs, ys, [0, 0], { x: 25, y: 25 }, 3), -1);
});
