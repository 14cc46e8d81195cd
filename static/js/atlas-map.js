/* Helpers shared by the atlas's map layers (see dashboard/maps.py), loaded before
 * Leaflet. They also start downloading the map's data files at once: st_folium loads
 * its scripts one after another before running the map code, so the school points
 * (the largest file) arrive sooner. */
(function () {
  var cache = {};

  /* One fetch per URL per page; every layer that needs a file shares the promise. */
  function fetchOnce(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      });
    }
    return cache[url];
  }

  /* Index of the colour class of a value (bins are inner edges); missing = last. */
  function classOf(value, bins) {
    if (value === null || value === undefined) { return bins.length + 1; }
    var i = 0;
    while (i < bins.length && value >= bins[i]) { i++; }
    return i;
  }

  window.atlasMap = {fetchOnce: fetchOnce, classOf: classOf};

  var src = document.currentScript && document.currentScript.src;
  if (!src) { return; }
  var url = new URL(src), base = url.href.replace(/js\/atlas-map\.js.*$/, "data/");
  var version = url.searchParams.get("v") || "";
  (url.searchParams.get("files") || "").split(",").forEach(function (name) {
    if (name) { fetchOnce(base + name + "?v=" + version); }
  });
})();
