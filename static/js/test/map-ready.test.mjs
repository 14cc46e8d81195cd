// Unit tests of map-ready.mjs, the map page's "map drawn" signal, with a stand-in
// window and component: node --test static/js/test/   (run by tests/test_javascript.py)
import assert from "node:assert/strict";
import { test } from "node:test";

import mapReady from "../map-ready.mjs";

const ORIGIN = "http://127.0.0.1:8501";

function standIns(timeoutMs = 8000) {
  const listeners = new Set();
  const timers = new Map();
  let nextTimer = 1;
  const win = {
    location: { origin: ORIGIN },
    addEventListener: (type, fn) => type === "message" && listeners.add(fn),
    removeEventListener: (type, fn) => listeners.delete(fn),
    setTimeout: (fn, ms) => { timers.set(nextTimer, { fn, ms }); return nextTimer++; },
    clearTimeout: (id) => timers.delete(id),
  };
  const told = [];
  const component = {
    data: { timeoutMs },
    setTriggerValue: (name, value) => told.push([name, value]),
  };
  const post = (data, origin = ORIGIN) => [...listeners].forEach((fn) => fn({ data, origin }));
  const runTimers = () => [...timers.values()].forEach((t) => t.fn());
  return { win, component, told, post, runTimers, listeners, timers };
}

test("the map's word that the schools are drawn asks for the rest of the page once", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.post({ atlasMap: "drawn" });
  s.post({ atlasMap: "drawn" });  // a redraw later says it again
  assert.deepEqual(s.told, [["ready", "drawn"]]);
  assert.equal(s.listeners.size, 0);
  assert.equal(s.timers.size, 0);
});

test("a map that could not load its schools also lets the rest come", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.post({ atlasMap: "failed" });
  assert.deepEqual(s.told, [["ready", "failed"]]);
});

test("messages from another origin or of another kind are ignored", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.post({ atlasMap: "drawn" }, "https://example.org");
  s.post({ isStreamlitMessage: true, type: "streamlit:setFrameHeight" });
  s.post(null);
  assert.deepEqual(s.told, []);
});

test("a map drawn before the signal mounted is seen at once", () => {
  const s = standIns();
  s.win.__atlasMapDrawn = "drawn";
  assert.equal(mapReady(s.component, s.win), undefined);
  assert.deepEqual(s.told, [["ready", "drawn"]]);
  assert.equal(s.listeners.size, 0);
});

test("without a word from the map the rest is asked for after the timeout", () => {
  const s = standIns(2500);
  mapReady(s.component, s.win);
  assert.equal([...s.timers.values()][0].ms, 2500);
  s.runTimers();
  assert.deepEqual(s.told, [["ready", "timeout"]]);
});

test("unmounting stops listening and waiting", () => {
  const s = standIns();
  const cleanUp = mapReady(s.component, s.win);
  cleanUp();
  assert.equal(s.listeners.size, 0);
  assert.equal(s.timers.size, 0);
});
