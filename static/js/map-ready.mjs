/* The map page's "map drawn" signal: a Streamlit component (st.components.v2) that
 * dashboard/app/first_paint.py puts on the page on a visitor's first visit.
 *
 * On that visit the page sends its map first and holds back the filters and the
 * table, which would otherwise be built in the browser at the same moment as the
 * map, on the same thread. The map's script (atlas-map.js, in the map's frame)
 * tells this page when the schools are drawn (a message, and window.__atlasMapDrawn
 * in case it came first); this component then asks Streamlit for the rest of the
 * page. If no word comes within data.timeoutMs, it asks anyway. */
export const MESSAGE_KEY = "atlasMap";

export default function mapReady(component, win = window) {
  const { setTriggerValue, data } = component;
  let told = false;
  let timer = null;

  function onMessage(event) {
    if (event.origin === win.location.origin && event.data && event.data[MESSAGE_KEY]) {
      tell(String(event.data[MESSAGE_KEY]));
    }
  }
  function tell(what) {
    if (told) { return; }
    told = true;
    win.removeEventListener("message", onMessage);
    win.clearTimeout(timer);
    setTriggerValue("ready", what);
  }

  if (win.__atlasMapDrawn) {
    tell(String(win.__atlasMapDrawn));
    return undefined;
  }
  win.addEventListener("message", onMessage);
  timer = win.setTimeout(function () { tell("timeout"); }, (data && data.timeoutMs) || 8000);
  return function cleanUp() {
    win.removeEventListener("message", onMessage);
    win.clearTimeout(timer);
  };
}
