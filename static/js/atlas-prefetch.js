/* Start downloading the map's data files while Leaflet is still loading.
 * st_folium loads its scripts one after another before running the map code; this
 * script comes first, so the school points (the largest file) arrive sooner. The map
 * code picks up the same requests through window.__atlasFetch. */
(function () {
  var src = document.currentScript && document.currentScript.src;
  if (!src) { return; }
  var url = new URL(src), base = url.href.replace(/js\/atlas-prefetch\.js.*$/, "data/");
  var version = url.searchParams.get("v") || "";
  var files = (url.searchParams.get("files") || "").split(",");
  window.__atlasFetch = window.__atlasFetch || {};
  files.forEach(function (name) {
    if (!name) { return; }
    var target = base + name + "?v=" + version;
    window.__atlasFetch[target] = fetch(target).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  });
})();
