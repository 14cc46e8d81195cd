// Unit tests of map-ready.mjs, the map page's "map drawn" signal, with a stand-in
// window and component: node --test static/js/test/   (run by tests/test_javascript.py)
import assert from "node:assert/strict";
import { test } from "node:test";

import mapReady from "../map-ready.mjs";

const ORIGIN = "http://127.0.0.1:8501";

function standIns(timeoutMs = 8000) {
  const listeners = new Set();
  const others = { popstate: new Set(), click: new Set() };
  const timers = new Map();
  let nextTimer = 1;
  const win = {
    location: { origin: ORIGIN },
    addEventListener: (type, fn) => (type === "message" ? listeners : others[type]).add(fn),
    removeEventListener: (type, fn) => (type === "message" ? listeners : others[type]).delete(fn),
    document: {
      addEventListener: (type, fn) => others[type].add(fn),
      removeEventListener: (type, fn) => others[type].delete(fn),
    },
    setTimeout: (fn, ms) => { timers.set(nextTimer, { fn, ms }); return nextTimer++; },
    clearTimeout: (id) => timers.delete(id),
  };
  const told = [];
  const component = {
    data: { timeoutMs },
    setTriggerValue: (name, value) => told.push([name, value]),
  };
  const post = (data, origin = ORIGIN) => [...listeners].forEach((fn) => fn({ data, origin }));
  // In the order they were set, as the browser runs timers of the same delay.
  const runTimers = () => [...timers.entries()].forEach(([id, t]) => { timers.delete(id); t.fn(); });
  const fire = (type, event = {}) => [...others[type]].forEach((fn) => fn(event));
  return { win, component, told, post, runTimers, listeners, timers, others, fire };
}

test("the map's word that the schools are drawn asks for the rest of the page once", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.post({ atlasMap: "drawn" });
  s.post({ atlasMap: "drawn" });  // a redraw later says it again
  assert.deepEqual(s.told, [["ready", "drawn"]]);
  assert.equal(s.listeners.size, 0);
  s.runTimers();  // the ask is sent: nothing is left waiting or listening
  assert.equal(s.timers.size, 0);
  assert.equal(s.others.click.size + s.others.popstate.size, 0);
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
  assert.equal(typeof mapReady(s.component, s.win), "function");
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
  assert.equal(s.others.click.size + s.others.popstate.size, 0);
});

test("following a link before the map is drawn asks for nothing (no bounce back)", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.fire("click", { target: { closest: () => null } });  // a click on plain text
  assert.equal(s.listeners.size, 1);
  const { link, event } = linkClick();
  s.fire("click", event);
  assert.ok(!event.prevented);  // the visitor goes at once
  s.post({ atlasMap: "drawn" });
  s.runTimers();
  assert.deepEqual(s.told, []);
  assert.equal(link.clicks, 0);
});

test("going Back before the map is drawn asks for nothing", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.fire("popstate");
  s.post({ atlasMap: "drawn" });
  assert.deepEqual(s.told, []);
  assert.equal(s.timers.size, 0);
});

function linkClick() {
  const link = { clicks: 0, click() { this.clicks += 1; } };
  const event = {
    target: { closest: (selector) => (selector === "a[href]" ? link : null) },
    prevented: false,
    stopped: false,
    preventDefault() { this.prevented = true; },
    stopPropagation() { this.stopped = true; },
  };
  return { link, event };
}

test("a link followed while the ask is on its way is followed right after it", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.post({ atlasMap: "drawn" });
  const { link, event } = linkClick();
  s.fire("click", event);  // Streamlit has not yet sent the ask, which would overtake the click
  assert.ok(event.prevented && event.stopped);
  assert.equal(link.clicks, 0);
  s.runTimers();
  assert.equal(link.clicks, 1);
  assert.equal(s.others.click.size, 0);  // so the replayed click goes straight to Streamlit
  assert.deepEqual(s.told, [["ready", "drawn"]]);
});
