/* The School Links Atlas's map layers, called by the thin folium elements in
 * dashboard/maps/elements.py as atlasMap.<layer>(map or group, options).
 *
 * One file in UMD form: in the map's page it sets window.atlasMap; under Node
 * (node --test static/js/test) it exports the same object, so the pure helpers
 * (colour classes, mask and point decoding, bounds) are unit-tested without a
 * browser. Only the layer functions touch Leaflet (window.L) and the DOM.
 *
 * Loaded before Leaflet: it also starts downloading the map's data files at once
 * (listed in its own URL), because st_folium loads scripts one after another
 * before running the map code, so the school points arrive sooner. (The app's
 * page also asks for them with preload headers; see dashboard/app/map_assets.py.) */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.atlasMap = api;
    api.prefetchFromScript(typeof document === "undefined" ? null : document.currentScript);
  }
})(typeof self === "undefined" ? this : self, function () {
  "use strict";

  var cache = {};

  /* One fetch per URL per page; every layer that needs a file shares the promise.
   * Keyed by the absolute URL, so a prefetch and a layer naming the same file
   * relative to different places share it. */
  function fetchOnce(url) {
    if (typeof document !== "undefined" && document.baseURI) {
      url = new URL(url, document.baseURI).href;
    }
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (reply) {
        if (!reply.ok) { throw new Error("HTTP " + reply.status); }
        return reply.json();
      });
    }
    return cache[url];
  }

  /* Index of the colour class of a value: bins are the inner edges, a value on an
   * edge belongs to the upper class, and a missing value gets bins.length + 1. */
  function classOf(value, bins) {
    if (value === null || value === undefined) { return bins.length + 1; }
    var i = 0;
    while (i < bins.length && value >= bins[i]) { i++; }
    return i;
  }

  /* The order classes are painted in, bottom first: o.order from the colour scale
   * (no data, then light to dark, so the rarer dark classes end up on top), or by
   * class index when it is missing or does not name every class exactly once. */
  function paintOrder(order, nClasses) {
    var all = [];
    for (var k = 0; k <= nClasses; k++) { all.push(k); }
    if (!order || order.length !== all.length) { return [nClasses].concat(all.slice(0, -1)); }
    var seen = {};
    for (var j = 0; j < order.length; j++) {
      if (order[j] < 0 || order[j] > nClasses || seen[order[j]]) {
        return [nClasses].concat(all.slice(0, -1));
      }
      seen[order[j]] = true;
    }
    return order.slice();
  }

  /* Which drawn dot a pointer at pt means: of the dots under it, the one painted on
   * top (highest rank); else the nearest within r + 3 px (small targets on touch
   * screens); -1 for none. xs, ys are pixels, rank the paint position of each dot. */
  function pickDot(xs, ys, rank, pt, r) {
    var best = -1, bestD = (r + 3) * (r + 3), top = -1, topRank = -1;
    for (var j = 0; j < xs.length; j++) {
      var dx = xs[j] - pt.x, dy = ys[j] - pt.y, dd = dx * dx + dy * dy;
      if (dd <= r * r && rank[j] > topRank) { top = j; topRank = rank[j]; }
      if (dd < bestD) { best = j; bestD = dd; }
    }
    return top >= 0 ? top : best;
  }

  /* Positions of the set bits of a base64 mask (least significant bit first in each
   * byte), as written by dashboard/data/map_files.encode_mask; null means all n. */
  function decodeMask(mask, n) {
    var out = [];
    if (mask === null || mask === undefined) {
      for (var k = 0; k < n; k++) { out.push(k); }
      return out;
    }
    var bytes = atob(mask);
    for (var b = 0; b < bytes.length; b++) {
      var byte = bytes.charCodeAt(b);
      if (byte === 0) { continue; }
      for (var bit = 0; bit < 8; bit++) {
        var position = b * 8 + bit;
        if ((byte & (1 << bit)) && position < n) { out.push(position); }
      }
    }
    return out;
  }

  /* Degrees of every school from the points file's integer steps (once per page). */
  function decodePoints(d) {
    if (!d.latDeg) {
      d.latDeg = new Float64Array(d.n);
      d.lonDeg = new Float64Array(d.n);
      for (var i = 0; i < d.n; i++) {
        d.latDeg[i] = d.origin[0] + d.lat[i] / d.scale;
        d.lonDeg[i] = d.origin[1] + d.lon[i] / d.scale;
      }
    }
    return d;
  }

  /* A school's value of a measure in its own unit, or null when unknown. */
  function valueOf(d, measure, i) {
    var v = d[measure][i];
    return v === null ? null : v / d.divisors[measure];
  }

  /* [[south, west], [north, east]] around the given schools, or null for none. */
  function boundsOf(d, idx) {
    if (!idx.length) { return null; }
    var s = Infinity, w = Infinity, n = -Infinity, e = -Infinity;
    for (var j = 0; j < idx.length; j++) {
      var lat = d.latDeg[idx[j]], lon = d.lonDeg[idx[j]];
      if (lat < s) { s = lat; }
      if (lat > n) { n = lat; }
      if (lon < w) { w = lon; }
      if (lon > e) { e = lon; }
    }
    return [[s, w], [n, e]];
  }

  /* Room fitBounds leaves at the map's edges (pixels): the zoom buttons sit at the top
   * left and the scale and attribution along the bottom, and no school may hide under
   * them or sit where a click would miss it. */
  var FIT_TOP_LEFT = [52, 24], FIT_BOTTOM_RIGHT = [24, 36];

  /* Fit the map to o.bounds now and again when st_folium gives its frame the final
   * height (the component sizes the frame after the map is made). */
  function fitTo(map, o) {
    var extra = o.padding || [0, 0];
    var settings = {maxZoom: o.maxZoom, animate: false,
      paddingTopLeft: [FIT_TOP_LEFT[0] + extra[0], FIT_TOP_LEFT[1] + extra[1]],
      paddingBottomRight: [FIT_BOTTOM_RIGHT[0] + extra[0], FIT_BOTTOM_RIGHT[1] + extra[1]]};
    function fit() {
      map.invalidateSize({animate: false});
      map.fitBounds(o.bounds, settings);
    }
    fit();
    map.once("resize", fit);
    setTimeout(function () { map.off("resize", fit); }, 3000);
  }

  function textLine(text, bold) {
    var el = document.createElement(bold ? "b" : "div");
    el.textContent = text;
    return el;
  }

  /* Leaflet focuses the map on mousedown (for its keyboard controls). Focusing a frame
   * that is partly off screen scrolls the page, so the map moved under the pointer
   * between press and release and the first click near an edge missed: focus it
   * without scrolling instead. */
  function focusWithoutScrolling(map) {
    if (!map.keyboard) { return; }
    map.keyboard.disable();
    map.keyboard._onMouseDown = function () {
      if (!this._focused) { map.getContainer().focus({preventScroll: true}); }
    };
    map.keyboard.enable();
  }

  /* The nine regions: white land under the tiles and dark outlines above the shading. */
  function regionOutlines(map, url) {
    focusWithoutScrolling(map);
    // Land sits under the tiles (z 150 < 200): hidden when tiles load, shown when they fail.
    map.createPane("atlasLand").style.zIndex = 150;
    map.createPane("atlasRegions").style.zIndex = 390;
    map.getPane("atlasRegions").style.pointerEvents = "none";
    fetchOnce(url).then(function (data) {
      L.geoJSON(data, {pane: "atlasLand", interactive: false,
        style: {stroke: false, fillColor: "#ffffff", fillOpacity: 1}}).addTo(map);
      L.geoJSON(data, {pane: "atlasRegions", interactive: false,
        style: {color: "#222", weight: 1.6, fill: false}}).addTo(map);
    });
  }

  /* LA polygons shaded by a pupil-weighted measure; predominantly white LAs outlined. */
  function laShading(group, o) {
    function colour(v) {
      var k = classOf(v, o.bins);
      return k < o.colours.length ? o.colours[k] : o.noData;
    }
    fetchOnce(o.url).then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (feature) {
          var code = feature.properties.la_gss_code;
          var white = o.white.indexOf(code) >= 0;
          return {fillColor: colour(o.values[code]), fillOpacity: o.opacity,
            color: white ? "#000" : "#666", weight: white ? 3 : 0.6,
            dashArray: white ? "6 3" : null};
        }
      });
      layer.bindTooltip(function (l) {
        var p = l.feature.properties, v = o.values[p.la_gss_code];
        var shown = v === undefined || v === null ? "no data" : v.toFixed(o.decimals) + o.unit;
        var white = o.white.indexOf(p.la_gss_code) >= 0 ? " (predominantly white)" : "";
        return textLine(p.la_name + ": " + shown + white, false);
      }, {sticky: true});
      group.addLayer(layer);
      layer.bringToBack();
    });
  }

  /* Schools as dots drawn on one canvas in a single pass, coloured in the browser.
   * Hovering shows a tooltip; a click is reported to st_folium as a click on the
   * group, whose tooltip text starts with the school's URN. */
  function schoolPoints(group, o) {
    var labels = null;
    var load = fetchOnce(o.url).then(decodePoints);

    // The tooltip as DOM nodes with textContent only: names from data never run as HTML.
    function describe(target) {
      var box = document.createElement("div");
      if (!target || !target.options || !target.options.atlasData) { return box; }
      var d = target.options.atlasData, i = target.options.atlasIndex;
      var v = valueOf(d, o.measure, i);
      box.className = "atlas-tooltip";
      box.appendChild(textLine("URN " + d.urn[i] + " — " + (labels ? labels.name[i] : ""), true));
      if (labels) {
        box.appendChild(textLine(labels.las[labels.la[i]] + " · " + labels.phases[labels.phase[i]]));
      }
      box.appendChild(textLine(o.label + ": " + (v === null ? "no data" : v + o.unit)));
      return box;
    }
    // st_folium reads a clicked object's text through its group's tooltip function.
    // It is attached without bindTooltip so Leaflet never opens it itself (hover
    // tooltips come from the dots layer below).
    group._tooltip = L.tooltip({}, group).setContent(describe);

    var Dots = L.Layer.extend({
      initialize: function (d, idx) {
        this._d = d;
        this._idx = idx;
        this._cls = new Uint8Array(idx.length);
        this._order = paintOrder(o.order, o.colours.length);
        var rankOf = [];
        this._order.forEach(function (k, position) { rankOf[k] = position; });
        this._rank = new Uint8Array(idx.length);
        for (var j = 0; j < idx.length; j++) {
          this._cls[j] = Math.min(classOf(valueOf(d, o.measure, idx[j]), o.bins), o.colours.length);
          this._rank[j] = rankOf[this._cls[j]];
        }
        this._x = new Float32Array(idx.length);
        this._y = new Float32Array(idx.length);
        this._r = idx.length > 5000 ? 2.5 : (idx.length > 1000 ? 3.5 : 5);
        this._hover = -1;
      },
      onAdd: function (map) {
        if (!map.getPane("atlasPoints")) {
          map.createPane("atlasPoints").style.zIndex = 450;
          map.getPane("atlasPoints").style.pointerEvents = "none";
        }
        this._canvas = L.DomUtil.create("canvas", "atlas-points", map.getPane("atlasPoints"));
        this._canvas.setAttribute("aria-hidden", "true");
        this._tip = L.tooltip({direction: "top", offset: [0, -this._r - 2]});
        map.on("moveend resize zoomend viewreset", this._redrawSoon, this);
        map.on("zoomstart", this._hide, this);
        map.on("mousemove", this._onMove, this);
        map.on("click", this._onClick, this);
        this._redrawSoon();
      },
      onRemove: function (map) {
        map.off("moveend resize zoomend viewreset", this._redrawSoon, this);
        map.off("zoomstart", this._hide, this);
        map.off("mousemove", this._onMove, this);
        map.off("click", this._onClick, this);
        map.closeTooltip(this._tip);
        L.DomUtil.remove(this._canvas);
      },
      _hide: function () { this._canvas.style.visibility = "hidden"; },
      /* A fit or a zoom fires viewreset, zoomend and moveend one after another, and the
       * frame's first sizing fits again: draw once after them (a microtask, so before
       * anything else runs or is painted) instead of once for each. */
      _redrawSoon: function () {
        if (this._pending) { return; }
        this._pending = true;
        var self = this;
        Promise.resolve().then(function () { self._pending = false; self._redraw(); });
      },
      _redraw: function () {
        var map = this._map;
        if (!map) { return; }
        var size = map.getSize(), ratio = window.devicePixelRatio || 1;
        var c = this._canvas, ctx = c.getContext("2d"), r = this._r;
        c.width = size.x * ratio;
        c.height = size.y * ratio;
        c.style.width = size.x + "px";
        c.style.height = size.y + "px";
        L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        var d = this._d, idx = this._idx, n = idx.length;
        var colours = o.colours.concat([o.noData]);
        for (var j = 0; j < n; j++) {
          var p = map.latLngToContainerPoint([d.latDeg[idx[j]], d.lonDeg[idx[j]]]);
          this._x[j] = p.x;
          this._y[j] = p.y;
        }
        var stroke = n <= 5000;
        ctx.lineWidth = 0.8;
        ctx.strokeStyle = "#222";
        // One path per colour class (a few fills instead of thousands), painted in
        // this._order so the rarer, darker classes are never buried under common ones.
        for (var q = 0; q < this._order.length; q++) {
          var k = this._order[q];
          ctx.beginPath();
          for (var m = 0; m < n; m++) {
            if (this._cls[m] !== k) { continue; }
            var x = this._x[m], y = this._y[m];
            if (x < -r || y < -r || x > size.x + r || y > size.y + r) { continue; }
            ctx.moveTo(x + r, y);
            ctx.arc(x, y, r, 0, 2 * Math.PI);
          }
          ctx.fillStyle = colours[k];
          ctx.fill();
          if (stroke) { ctx.stroke(); }
        }
        c.style.visibility = "visible";
      },
      _hit: function (pt) { return pickDot(this._x, this._y, this._rank, pt, this._r); },
      drawn: function () {  // [x, y, urn] of every dot inside the map (for browser tests)
        var size = this._map.getSize(), out = [];
        for (var j = 0; j < this._idx.length; j++) {
          var x = this._x[j], y = this._y[j];
          if (x >= 0 && y >= 0 && x <= size.x && y <= size.y) {
            out.push([x, y, this._d.urn[this._idx[j]]]);
          }
        }
        return out;
      },
      pointOf: function (urn) {  // container pixel of a drawn school, or null
        for (var j = 0; j < this._idx.length; j++) {
          if (this._d.urn[this._idx[j]] === urn) { return [this._x[j], this._y[j]]; }
        }
        return null;
      },
      _target: function (j) {
        var i = this._idx[j];
        return {options: {atlasIndex: i, atlasData: this._d},
          latlng: L.latLng(this._d.latDeg[i], this._d.lonDeg[i])};
      },
      _onMove: function (e) {
        var j = this._hit(e.containerPoint), map = this._map;
        if (j === this._hover) { return; }
        this._hover = j;
        map.getContainer().style.cursor = j < 0 ? "" : "pointer";
        if (j < 0) { map.closeTooltip(this._tip); return; }
        var t = this._target(j);
        this._tip.setLatLng(t.latlng).setContent(describe(t));
        map.openTooltip(this._tip);
      },
      _onClick: function (e) {
        var j = this._hit(e.containerPoint);
        if (j < 0) { return; }
        var t = this._target(j);
        this.fire("click", {latlng: t.latlng, sourceTarget: t, originalEvent: e.originalEvent}, true);
      }
    });

    load.then(function (d) {
      var idx = decodeMask(o.mask, d.n), dots = new Dots(d, idx);
      group.addLayer(dots);
      var map = group._map, bounds = boundsOf(d, idx);
      if (o.fit && map && bounds) { fitTo(map, {bounds: bounds, maxZoom: 12}); }
      if (o.testHooks) { exposeForTests(dots, idx.length); }
      onScreen(function () { tellPage("drawn"); });
      // Names are only needed for tooltips: fetch them once the dots are up.
      fetchOnce(o.labelsUrl).then(function (l) { labels = l; });
    }).catch(function (err) {
      document.body.setAttribute("data-schools-error", String(err));
      tellPage("failed");
      var note = L.control({position: "topright"});
      note.onAdd = function () {
        var box = document.createElement("div");
        box.className = "atlas-legend";
        box.textContent = "School points could not be loaded (" + err + "). Reload the page.";
        return box;
      };
      if (group._map) { note.addTo(group._map); }
    });
  }

  /* Browser tests and benchmarks find schools' pixels and the moment the canvas is on
   * screen (two frames after drawing); set only when the app runs with test hooks on. */
  function exposeForTests(dots, count) {
    window.__atlasDots = dots;
    onScreen(function () {
      window.__atlasDrawn = {count: count, at: performance.now()};
      document.body.setAttribute("data-schools-drawn", String(count));
    });
  }

  /* Run fn once what was just drawn is on screen (two animation frames later). */
  function onScreen(fn) {
    requestAnimationFrame(function () { requestAnimationFrame(fn); });
  }

  /* Tell the app's page (this frame's parent, same origin) that the schools are
   * drawn or could not be: on a first visit it waits for this before building its
   * filters and table (static/js/map-ready.mjs). A page that is not waiting ignores it. */
  function tellPage(what) {
    var page = window.parent;
    if (!page || page === window) { return; }
    try {
      page.__atlasMapDrawn = what;
      page.postMessage({atlasMap: what}, window.location.origin);
    } catch {  // a parent of another origin: nobody there is waiting
      return;
    }
  }

  /* Start fetching the data files named in this script's own URL
   * (?prefetch=a,b: URLs relative to the script). */
  function prefetchFromScript(script) {
    if (!script || !script.src) { return; }
    var files = new URL(script.src).searchParams.get("prefetch") || "";
    files.split(",").forEach(function (name) {
      if (name) { fetchOnce(new URL(name, script.src).href); }
    });
  }

  return {
    fetchOnce: fetchOnce,
    classOf: classOf,
    paintOrder: paintOrder,
    pickDot: pickDot,
    decodeMask: decodeMask,
    decodePoints: decodePoints,
    valueOf: valueOf,
    boundsOf: boundsOf,
    fitTo: fitTo,
    regionOutlines: regionOutlines,
    laShading: laShading,
    schoolPoints: schoolPoints,
    prefetchFromScript: prefetchFromScript
  };
});
