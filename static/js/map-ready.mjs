/* The map page's "map drawn" signal: a Streamlit component (st.components.v2) that
 * dashboard/app/first_paint.py puts on the page on a visitor's first visit.
 *
 * On that visit the page sends its map first and holds back the filters and the
 * table, which would otherwise be built in the browser at the same moment as the
 * map, on the same thread. The map's script (atlas-map.js, in the map's frame)
 * tells this page when the schools are drawn (a message, and window.__atlasMapDrawn
 * in case it came first); this component then asks Streamlit for the rest of the
 * page. If no word comes within data.timeoutMs, it asks anyway.
 *
 * That ask is a rerun of the map page, so it must not overtake a visitor who is
 * leaving for another page by a link or Back: the map's word is then not passed on.
 * The page sends this component ahead of the map, so it listens before the map can
 * be drawn. (A visitor still here timeoutMs after a click that led nowhere gets the
 * rest then.)
 * Streamlit sends a trigger from a task of its own, queued when it is set: a link
 * followed in between would be sent first and then overtaken, so such a click is
 * held and replayed right after the ask. */
export const MESSAGE_KEY = "atlasMap";

// WAITING for the map's word → ASKING (Streamlit has yet to send the ask) → DONE;
// or LEAVING (a link or Back was followed: only the timeout asks).
const WAITING = "waiting", LEAVING = "leaving", ASKING = "asking", DONE = "done";

export default function mapReady(component, win = window) {
  const { setTriggerValue, data } = component;
  const doc = win.document;
  const timeoutMs = (data && data.timeoutMs) || 8000;
  let stage = WAITING;
  let timer = null;

  function leavesThePage(link) {
    if (link.target && link.target !== "_self") { return false; }  // a new tab or window
    let url;
    try { url = new URL(link.href, win.location.href); } catch { return false; }
    return url.origin === win.location.origin && url.pathname !== win.location.pathname;
  }
  function onMessage(event) {
    if (stage === WAITING && event.origin === win.location.origin && event.data
        && event.data[MESSAGE_KEY]) {
      tell(String(event.data[MESSAGE_KEY]));
    }
  }
  function onClick(event) {
    const target = event.target;
    const link = target && typeof target.closest === "function" && target.closest("a[href]");
    if (!link || !leavesThePage(link)) { return; }
    if (stage === ASKING) {
      event.preventDefault();
      event.stopPropagation();
      win.setTimeout(function () { link.click(); }, 0);  // queued after the ask is sent
    } else if (stage === WAITING) {
      leaving();
    }
  }
  function leaving() {
    if (stage !== WAITING) { return; }
    stage = LEAVING;
    wait();
  }
  function wait() {
    win.clearTimeout(timer);
    timer = win.setTimeout(function () { tell("timeout"); }, timeoutMs);
  }
  function stop() {
    stage = DONE;
    win.removeEventListener("message", onMessage);
    win.removeEventListener("popstate", leaving);
    if (doc) { doc.removeEventListener("click", onClick, true); }
    win.clearTimeout(timer);
  }
  function tell(what) {
    if (stage === ASKING || stage === DONE) { return; }
    stage = ASKING;
    win.clearTimeout(timer);
    setTriggerValue("ready", what);
    // Timers of the same delay run in order: this one runs once Streamlit has sent the ask.
    win.setTimeout(stop, 0);
  }

  // Capture: the click is seen before Streamlit's own handler on the page's root.
  if (doc) { doc.addEventListener("click", onClick, true); }
  win.addEventListener("popstate", leaving);
  win.addEventListener("message", onMessage);
  if (win.__atlasMapDrawn) {
    tell(String(win.__atlasMapDrawn));
  } else {
    wait();
  }
  return stop;
}
