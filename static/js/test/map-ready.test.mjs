// Unit tests of map-ready.mjs, the map page's "map drawn" signal, with a stand-in
// window and component: node --test static/js/test/   (run by tests/test_javascript.py)
import assert from "node:assert/strict";
import { test } from "node:test";

import mapReady from "../map-ready.mjs";

const ORIGIN = "http://127.0.0.1:8501";

function standIns(timeoutMs = 8000) {
  const listeners = { message: new Set(), popstate: new Set(), click: new Set() };
  const timers = new Map();
  let nextTimer = 1;
  const on = (type, fn) => listeners[type].add(fn);
  const off = (type, fn) => listeners[type].delete(fn);
  const win = {
    location: { origin: ORIGIN, href: `${ORIGIN}/?measure=white_british_pct`, pathname: "/" },
    addEventListener: on,
    removeEventListener: off,
    document: { addEventListener: on, removeEventListener: off },
    setTimeout: (fn, ms) => { timers.set(nextTimer, { fn, ms }); return nextTimer++; },
    clearTimeout: (id) => timers.delete(id),
  };
  const told = [];
  const component = {
    setTriggerValue: (name, value) => told.push([name, value]),
    data: { timeoutMs },
  };
  const fire = (type, event = {}) => [...listeners[type]].forEach((fn) => fn(event));
  const post = (data, origin = ORIGIN) => fire("message", { data, origin });
  // In the order they were set, as the browser runs timers of the same delay.
  const runTimers = () => [...timers.entries()].forEach(([id, t]) => { timers.delete(id); t.fn(); });
  const listening = () => Object.values(listeners).reduce((n, set) => n + set.size, 0);
  return { win, component, told, post, fire, runTimers, timers, listening };
}

// A click on a link to href (on plain text when href is null), with what the page did with it.
function click(href, target = "") {
  const link = href === null ? null : { href, target, clicks: 0, click() { this.clicks += 1; } };
  return {
    link,
    target: { closest: (selector) => (selector === "a[href]" ? link : null) },
    prevented: false,
    stopped: false,
    preventDefault() { this.prevented = true; },
    stopPropagation() { this.stopped = true; },
  };
}

test("the map's word that the schools are drawn asks for the rest of the page once", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.post({ atlasMap: "drawn" });
  s.post({ atlasMap: "drawn" });  // a redraw later says it again
  assert.deepEqual(s.told, [["ready", "drawn"]]);
  s.runTimers();  // the ask is sent: nothing is left waiting or listening
  assert.equal(s.timers.size, 0);
  assert.equal(s.listening(), 0);
  assert.deepEqual(s.told, [["ready", "drawn"]]);
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
  mapReady(s.component, s.win);
  assert.deepEqual(s.told, [["ready", "drawn"]]);
  s.runTimers();
  assert.equal(s.listening(), 0);
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
  assert.equal(s.listening(), 0);
  assert.equal(s.timers.size, 0);
});

test("following a link to another page before the map is drawn asks for nothing", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  const event = click(`${ORIGIN}/partners`);
  s.fire("click", event);
  assert.ok(!event.prevented);  // the visitor goes at once
  s.post({ atlasMap: "drawn" });  // would rerun the map page and bring them back
  assert.deepEqual(s.told, []);
});

test("going Back before the map is drawn asks for nothing", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.fire("popstate");
  s.post({ atlasMap: "drawn" });
  assert.deepEqual(s.told, []);
});

test("a visitor still on the map after a link that led nowhere gets the rest after the timeout", () => {
  const s = standIns(2500);
  mapReady(s.component, s.win);
  s.fire("click", click(`${ORIGIN}/partners`));
  s.post({ atlasMap: "drawn" });
  assert.equal([...s.timers.values()][0].ms, 2500);  // counted from the click
  s.runTimers();
  assert.deepEqual(s.told, [["ready", "timeout"]]);
});

test("clicks that stay on the map page do not hold back the rest", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.fire("click", click(null));  // plain text
  s.fire("click", click(`${ORIGIN}/`));  // the map's own link in the sidebar
  s.fire("click", click(`${ORIGIN}/about`, "_blank"));  // a new tab
  s.fire("click", click("https://www.gov.uk/"));  // another site (the page unloads)
  s.post({ atlasMap: "drawn" });
  assert.deepEqual(s.told, [["ready", "drawn"]]);
});

test("a link followed while the ask is on its way is followed right after it", () => {
  const s = standIns();
  mapReady(s.component, s.win);
  s.post({ atlasMap: "drawn" });
  const event = click(`${ORIGIN}/partners`);
  s.fire("click", event);  // Streamlit has not yet sent the ask, which would overtake the click
  assert.ok(event.prevented && event.stopped);
  assert.equal(event.link.clicks, 0);
  s.runTimers();
  assert.equal(event.link.clicks, 1);
  assert.equal(s.listening(), 0);  // so the replayed click goes straight to Streamlit
  assert.deepEqual(s.told, [["ready", "drawn"]]);
});
