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
 * That ask is a rerun of the map page, so it must never overtake a visitor who is
 * leaving: one who follows a link (or goes Back) before the map's word asks for
 * nothing. Streamlit sends a trigger in a task of its own, queued when it is set;
 * a link followed in between would be sent first and then overtaken, bringing the
 * visitor back to the map. Such a click is held and replayed right after the ask. */
export const MESSAGE_KEY = "atlasMap";

// waiting for the map's word → asking (Streamlit has yet to send the ask) → done
const WAITING = "waiting", ASKING = "asking", DONE = "done";

export default function mapReady(component, win = window) {
  const { setTriggerValue, data } = component;
  const doc = win.document;
  let stage = WAITING;
  let timer = null;

  function onMessage(event) {
    if (event.origin === win.location.origin && event.data && event.data[MESSAGE_KEY]) {
      tell(String(event.data[MESSAGE_KEY]));
    }
  }
  function onClick(event) {
    const target = event.target;
    const link = target && typeof target.closest === "function" && target.closest("a[href]");
    if (!link) { return; }
    if (stage === ASKING) {
      event.preventDefault();
      event.stopPropagation();
      win.setTimeout(function () { link.click(); }, 0);  // queued after the ask is sent
      return;
    }
    stop();
  }
  function stopWaiting() {
    win.removeEventListener("message", onMessage);
    win.removeEventListener("popstate", stop);
    win.clearTimeout(timer);
  }
  function stop() {
    stage = DONE;
    stopWaiting();
    if (doc) { doc.removeEventListener("click", onClick, true); }
  }
  function tell(what) {
    if (stage !== WAITING) { return; }
    stage = ASKING;
    stopWaiting();
    setTriggerValue("ready", what);
    // Timers of the same delay run in order: this one runs once Streamlit has sent the ask.
    win.setTimeout(stop, 0);
  }

  // Capture: the click is seen before Streamlit's own handler on the page's root.
  if (doc) { doc.addEventListener("click", onClick, true); }
  win.addEventListener("popstate", stop);
  if (win.__atlasMapDrawn) {
    tell(String(win.__atlasMapDrawn));
    return stop;
  }
  win.addEventListener("message", onMessage);
  timer = win.setTimeout(function () { tell("timeout"); }, (data && data.timeoutMs) || 8000);
  return stop;
}
