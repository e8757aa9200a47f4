/* The wall's grid map: Leaflet with the street's grids shaded by a KPI, grid labels,
 * pulsing emergency markers, orange rings on ``immediate`` cases past their 30-minute
 * clock, a case-density layer and a heat layer of cases per 100 households per grid
 * (the last 30 days or the next month's forecast) with its hot spots marked and, where
 * they do not crowd each other, labelled. No network access: there is no basemap unless
 * an internal tile URL is configured.
 *
 * The page itself is generated with folium (center/windows/wall/mappage.py): folium
 * creates the map, its panes and empty layer groups, then calls wallMap.attach(map,
 * groups); this script fills and restyles those groups.
 *
 * Python drives the page through the web channel: bridge.apply(method, argsJson, seq)
 * calls window.wallMap.apply (see widgets/mapview.py); after every call the page
 * reports bridge.painted(seq) once the change is on screen (two animation frames later). Updates restyle the existing
 * layers in place; nothing is reloaded.
 */
(function () {
  "use strict";

  var bridge = null;
  var map = null;
  var theme = {
    ok: "#2ECC71", warn: "#F5A623", bad: "#FF4D4F", none: "#5B6F88",
    accent: "#2EC7FF", text: "#E6F1FF", muted: "#7FA3C8", background: "#0A1628",
  };
  var texts = { worker: "Grid worker", community: "Community", noData: "no data" };
  var unit = 1;
  var grids = {};        // code -> {info, layer, label, labelText, shortText}
  var outline = null;
  var streetBounds = null;
  var kpiData = { key: null, names: {}, grids: {} };
  var emergencyLayer = null;
  var overdueLayer = null;  // immediate cases past their clock
  var rateLayer = null;     // one circle per grid: its heat rate
  var hotMarkLayer = null;  // a ring around every hot spot's circle
  var hotLayer = null;      // the hot spots' labels (shown where they do not collide)
  var gridLayer = null;     // the grid polygons and the street's outline
  var labelLayer = null;    // the grids' names
  var rates = {};           // code -> circle marker
  var heatData = { grids: {}, hot: [], density: true };
  var heat = null;
  var tiles = null;
  var lastIncidents = null;
  var lastFocus = { mode: "street" };

  function report(kind, text) {
    if (bridge) { bridge.error(kind + ": " + text); }
  }
  window.addEventListener("error", function (e) {
    report("error", (e.message || "unknown") + " at " + (e.lineno || 0));
  });

  /* ---- case-density layer: our own canvas, stamped and colourised ---------- */
  var HeatLayer = L.Layer.extend({
    initialize: function () {
      this._points = [];
      this._max = 1;
    },
    onAdd: function (m) {
      this._canvas = L.DomUtil.create("canvas", "wall-heat");
      this._canvas.style.pointerEvents = "none";
      m.getPane("heat").appendChild(this._canvas);
      m.on("moveend zoomend resize viewreset", this._reset, this);
      this._reset();
    },
    onRemove: function (m) {
      m.off("moveend zoomend resize viewreset", this._reset, this);
      L.DomUtil.remove(this._canvas);
    },
    setPoints: function (points) {
      this._points = points || [];
      var mx = 1;
      for (var i = 0; i < this._points.length; i++) { mx = Math.max(mx, this._points[i][2]); }
      this._max = mx;
      if (this._map) { this._draw(); }
    },
    _reset: function () {
      var size = this._map.getSize();
      L.DomUtil.setPosition(this._canvas, this._map.containerPointToLayerPoint([0, 0]));
      this._canvas.width = size.x;
      this._canvas.height = size.y;
      this._draw();
    },
    _stamp: function (r) {
      if (this._stampR === r) { return this._stampCanvas; }
      var c = document.createElement("canvas");
      c.width = c.height = 2 * r;
      var g = c.getContext("2d");
      var grad = g.createRadialGradient(r, r, 0, r, r, r);
      grad.addColorStop(0, "rgba(0,0,0,1)");
      grad.addColorStop(1, "rgba(0,0,0,0)");
      g.fillStyle = grad;
      g.fillRect(0, 0, 2 * r, 2 * r);
      this._stampR = r;
      this._stampCanvas = c;
      return c;
    },
    _ramp: function () {
      if (this._rampData) { return this._rampData; }
      var c = document.createElement("canvas");
      c.width = 256; c.height = 1;
      var g = c.getContext("2d");
      var grad = g.createLinearGradient(0, 0, 256, 0);
      grad.addColorStop(0.0, "#2ec7ff");
      grad.addColorStop(0.5, "#f5e663");
      grad.addColorStop(1.0, "#ff4d4f");
      g.fillStyle = grad;
      g.fillRect(0, 0, 256, 1);
      this._rampData = g.getImageData(0, 0, 256, 1).data;
      return this._rampData;
    },
    _draw: function () {
      var ctx = this._canvas.getContext("2d");
      var w = this._canvas.width, h = this._canvas.height;
      ctx.clearRect(0, 0, w, h);
      if (!this._points.length || !w || !h) { return; }
      var r = Math.max(8, Math.round(22 * unit));
      // Sum the case counts per screen cell, then stamp each cell by its share of
      // the densest cell: the colours show relative density at any zoom level.
      var cell = Math.max(2, Math.round(r / 2));
      var cells = {}, max = 0;
      for (var i = 0; i < this._points.length; i++) {
        var p = this._points[i];
        var pt = this._map.latLngToContainerPoint([p[0], p[1]]);
        if (pt.x < -r || pt.y < -r || pt.x > w + r || pt.y > h + r) { continue; }
        var key = Math.floor(pt.x / cell) + ":" + Math.floor(pt.y / cell);
        var c = cells[key] || (cells[key] = [0, 0, 0]);
        c[0] += pt.x * p[2]; c[1] += pt.y * p[2]; c[2] += p[2];
        if (c[2] > max) { max = c[2]; }
      }
      var stamp = this._stamp(r);
      Object.keys(cells).forEach(function (key) {
        var c = cells[key];
        ctx.globalAlpha = Math.min(1, Math.pow(c[2] / max, 0.8) * 0.85);
        ctx.drawImage(stamp, c[0] / c[2] - r, c[1] / c[2] - r);
      });
      ctx.globalAlpha = 1;
      var img = ctx.getImageData(0, 0, w, h);
      var px = img.data, ramp = this._ramp();
      for (var j = 3; j < px.length; j += 4) {
        var a = px[j];
        if (a < 40) { px[j] = 0; continue; }  // sparse areas stay clear
        var k = a * 4;
        px[j - 3] = ramp[k];
        px[j - 2] = ramp[k + 1];
        px[j - 1] = ramp[k + 2];
        px[j] = Math.round((a - 40) * 0.7);
      }
      ctx.putImageData(img, 0, 0);
    },
  });

  /* ---- helpers --------------------------------------------------------------- */
  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function stateOf(code) {
    var g = kpiData.grids[code];
    if (!g || !kpiData.key) { return "none"; }
    return (g.states && g.states[kpiData.key]) || "none";
  }

  // a focus zooms in on its grids only when it gains this much (zoom levels)
  var ZOOM_GAIN = 0.5;

  // the fit of ``bounds`` clear of the legend (bottom left): its height left free
  // under the bounds or its width beside them, whichever shows them larger
  function fitFor(bounds) {
    var pad = 24 * unit;
    var legend = document.getElementById("legend");
    var shown = legend && !legend.hidden;
    var below = shown ? legend.offsetHeight + pad : pad;
    var beside = shown ? legend.offsetWidth + pad : pad;
    var zBelow = map.getBoundsZoom(bounds, false, L.point(2 * pad, pad + below));
    var zBeside = map.getBoundsZoom(bounds, false, L.point(pad + beside, 2 * pad));
    var options = zBeside > zBelow ?
      { paddingTopLeft: [beside, pad], paddingBottomRight: [pad, pad] } :
      { paddingTopLeft: [pad, pad], paddingBottomRight: [pad, below] };
    options.animate = false;
    return { zoom: Math.max(zBelow, zBeside), options: options };
  }

  function focused(code) {
    return lastFocus && lastFocus.mode === "grids" && lastFocus.codes &&
      lastFocus.codes.indexOf(code) >= 0;
  }

  function styleFor(code) {
    var s = stateOf(code);
    var hit = focused(code);  // a grid the page names (lagging grids): outlined
    return {
      color: hit ? theme.text : theme.accent, weight: hit ? Math.max(2, 3 * unit) : Math.max(1, unit),
      opacity: hit ? 1 : 0.75,
      fillColor: theme[s] || theme.none, fillOpacity: s === "none" ? 0.25 : 0.55,
    };
  }

  function tooltipHtml(code) {
    var g = grids[code];
    if (!g) { return ""; }
    var info = g.info;
    var rows = "";
    var d = kpiData.grids[code];
    var keys = kpiData.order || [];
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      var txt = d && d.texts ? d.texts[k] : null;
      var st = d && d.states ? d.states[k] || "none" : "none";
      rows += "<tr><td>" + escapeHtml(kpiData.names[k] || k) + "</td><td class='" + st + "'>" +
        escapeHtml(txt == null ? texts.noData : txt) + "</td></tr>";
    }
    return "<h4>" + escapeHtml(info.name) + "</h4>" +
      "<div>" + escapeHtml(texts.community) + ": " + escapeHtml(info.community) + "</div>" +
      "<div>" + escapeHtml(texts.worker) + ": " + escapeHtml(info.worker || "—") + "</div>" +
      "<table>" + rows + "</table>" +
      (heatData.grids[code] ? "<div class='rate'>" + escapeHtml(heatData.title || "") + " " +
        escapeHtml(heatData.grids[code].text) + "</div>" : "");
  }
  function rateStyle(code) {
    var d = heatData.grids[code];
    var r = d ? (4 + 11 * Math.sqrt(d.share)) * unit : 0;
    return {
      radius: r, color: theme.background, weight: Math.max(1, unit), opacity: d ? 0.9 : 0,
      fillColor: d ? d.colour : theme.none, fillOpacity: d ? 0.8 : 0,
    };
  }
  function drawRates() {
    if (!map) { return; }
    Object.keys(rates).forEach(function (code) {
      if (!grids[code]) { rateLayer.removeLayer(rates[code]); delete rates[code]; }
    });
    Object.keys(grids).forEach(function (code) {
      var st = rateStyle(code);
      var m = rates[code];
      if (!m) {
        m = rates[code] = L.circleMarker(grids[code].info.label, {
          interactive: false, pane: "rates",
        }).addTo(rateLayer);
      }
      m.setStyle(st);
      m.setRadius(st.radius);
    });
    hotLayer.clearLayers();
    hotMarkLayer.clearLayers();
    // every hot spot gets its ring; the labels come in rank order (the payload's),
    // each shown only where it clears the labels before it (placeHotLabels)
    (heatData.hot || []).forEach(function (h) {
      if (!grids[h.grid]) { return; }
      var pos = grids[h.grid].info.label;
      L.circleMarker(pos, {
        interactive: false, pane: "hotmarks", radius: rateStyle(h.grid).radius + 4 * unit,
        color: theme.bad, weight: Math.max(2, 3 * unit), opacity: 1, fill: false,
      }).addTo(hotMarkLayer);
      var label = L.marker(pos, {
        interactive: false, keyboard: false, pane: "hot",
        icon: L.divIcon({
          className: "hot-spot", iconSize: null,
          html: "<span>" + escapeHtml(h.text) + "</span>",
        }),
      });
      label.hotText = h.text;
      label.hotGrid = h.grid;
      label.addTo(hotLayer);
    });
    fitLabels();  // the grids' names, then the hot-spot labels over them
    if (heat && heat._canvas) { heat._canvas.style.display = heatData.density ? "" : "none"; }
  }

  // Hot-spot labels without overlap: in rank order, a label is shown when its box
  // (with a small gap) misses every label already shown and the legend and lies inside
  // the map; the rest keep their ring only. A shown label stands in for its grid's
  // name (it starts with the grid's code) and hides the names it covers: the hot spot
  // is what the view is for. Runs after each change of view or data.
  function overlaps(a, b) {
    return !(a.r <= b.l || a.l >= b.r || a.b <= b.t || a.t >= b.b);
  }
  function placeHotLabels() {
    if (!map || !hotLayer) { return; }
    var gap = 4 * unit;
    var size = map.getSize();
    var taken = [];
    var shown = [];
    var legend = document.getElementById("legend");
    if (legend && !legend.hidden) {
      var lb = legend.getBoundingClientRect();
      taken.push({ l: lb.left, t: lb.top, r: lb.right, b: lb.bottom });
    }
    // read every box first, then write: two layouts however many labels there are
    var items = [];
    hotLayer.getLayers().forEach(function (m) {
      var el = m.getElement();
      if (!el || !el.firstChild) { return; }
      el.style.display = "";
      el.firstChild.style.marginLeft = el.firstChild.style.marginTop = "0px";
      items.push({ marker: m, el: el });
    });
    items.forEach(function (it) { it.rect = it.el.firstChild.getBoundingClientRect(); });
    items.forEach(function (it) {
      var b = it.rect;
      // a label over the map's edge moves in (a hot spot at the edge keeps its name)
      var dx = b.left < 0 ? -b.left : (b.right > size.x ? size.x - b.right : 0);
      var dy = b.top < 0 ? -b.top : (b.bottom > size.y ? size.y - b.bottom : 0);
      var l = b.left + dx, t = b.top + dy, r = b.right + dx, btm = b.bottom + dy;
      var box = { l: l - gap, t: t - gap, r: r + gap, b: btm + gap };
      var inside = l >= -0.5 && t >= -0.5 && r <= size.x + 0.5 && btm <= size.y + 0.5;
      var clear = inside && taken.every(function (o) { return !overlaps(box, o); });
      var g = grids[it.marker.hotGrid];
      it.name = clear && g ? g.label.getElement() : null;
      if (clear) {
        taken.push(box);
        shown.push(box);
        it.el.firstChild.style.marginLeft = dx + "px";
        it.el.firstChild.style.marginTop = dy + "px";
      }
      it.clear = clear;
    });
    var names = [];
    if (shown.length) {
      Object.keys(grids).forEach(function (code) {
        var el = grids[code].label.getElement();
        if (!el || el.style.display === "none" || !el.firstChild) { return; }
        var b = el.firstChild.getBoundingClientRect();
        if (shown.some(function (o) {
          return overlaps({ l: b.left, t: b.top, r: b.right, b: b.bottom }, o);
        })) { names.push(el); }
      });
    }
    items.forEach(function (it) {
      if (!it.clear) { it.el.style.display = "none"; }
      if (it.name) { it.name.style.display = "none"; }
    });
    names.forEach(function (el) { el.style.display = "none"; });
  }

  function fitLabels() {
    if (!map) { return; }
    var px = 18 * unit;
    Object.keys(grids).forEach(function (code) {
      var g = grids[code];
      var b = g.layer.getBounds();
      var nw = map.latLngToContainerPoint(b.getNorthWest());
      var se = map.latLngToContainerPoint(b.getSouthEast());
      var w = Math.abs(se.x - nw.x), h = Math.abs(se.y - nw.y);
      var el = g.label.getElement();
      if (!el) { return; }
      var text = null;
      if (h >= px * 1.2) {
        if (g.labelText.length * px * 0.95 <= w * 0.9) { text = g.labelText; }
        else if (g.shortText.length * px * 0.6 <= w * 0.9) { text = g.shortText; }
      }
      el.style.display = text ? "" : "none";
      if (text && el.firstChild && el.firstChild.textContent !== text) {
        el.firstChild.textContent = text;
      }
    });
    placeHotLabels();
  }

  function schedulePainted(seq) {
    // After the fonts are in, two frames: the first runs after layout, the second
    // after the paint of the change.
    document.fonts.ready.then(function () {
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          if (bridge) { bridge.painted(seq); }
        });
      });
    });
  }

  /* ---- the API Python calls ---------------------------------------------------- */
  var api = {
    noop: function () {},
    setTheme: function (t) {
      Object.keys(t).forEach(function (k) { theme[k] = t[k]; });
      var root = document.documentElement.style;
      root.setProperty("--bg", theme.background);
      root.setProperty("--accent", theme.accent);
      root.setProperty("--text", theme.text);
      root.setProperty("--muted", theme.muted);
      root.setProperty("--bad", theme.bad);
      if (theme.panel) { root.setProperty("--panel", theme.panel); }
      api.restyle();
    },
    setTexts: function (t) {
      Object.keys(t).forEach(function (k) { texts[k] = t[k]; });
    },
    setScale: function (u) {
      unit = u > 0 ? u : 1;
      document.documentElement.style.setProperty("--u", String(unit));
      api.restyle();
      if (heat && map) { heat._reset(); }
      if (map && streetBounds) { api.focus(lastFocus); }
    },
    setTiles: function (url) {
      if (tiles) { map.removeLayer(tiles); tiles = null; }
      if (url) { tiles = L.tileLayer(url, { maxZoom: 19 }).addTo(map); tiles.bringToBack(); }
    },
    setBase: function (base) {
      gridLayer.clearLayers();
      labelLayer.clearLayers();
      grids = {};
      outline = null;
      (base.grids || []).forEach(function (info) {
        var layer = L.geoJSON(info.geometry, { style: function () { return styleFor(info.code); } });
        // opacity 1: Leaflet's default (0.9) lets the polygons and labels show through
        layer.bindTooltip(function () { return tooltipHtml(info.code); },
          { sticky: true, className: "grid-tip", opacity: 1 });
        layer.addTo(gridLayer);
        var label = L.marker([info.label[0], info.label[1]], {
          interactive: false, keyboard: false,
          icon: L.divIcon({
            className: "grid-label", iconSize: null,
            html: "<span>" + escapeHtml(info.name) + "</span>",
          }),
        }).addTo(labelLayer);
        grids[info.code] = {
          info: info, layer: layer, label: label,
          labelText: info.name, shortText: info.short || info.code,
        };
      });
      if (base.outline) {
        outline = L.geoJSON(base.outline, {
          interactive: false,
          style: { color: theme.accent, weight: 3 * unit, fill: false, opacity: 0.95 },
        }).addTo(gridLayer);
      }
      streetBounds = base.bounds ? L.latLngBounds(base.bounds) : null;
      api.focus({ mode: "street" });
      if (lastIncidents) { api.setIncidents(lastIncidents); }
    },
    setKpis: function (data) {
      kpiData = data;
      api.restyle();
    },
    setKpi: function (key) {
      kpiData.key = key;
      api.restyle();
    },
    restyle: function () {
      Object.keys(grids).forEach(function (code) {
        grids[code].layer.setStyle(styleFor(code));
      });
      if (outline) { outline.setStyle({ color: theme.accent, weight: 3 * unit }); }
      drawRates();
    },
    setHeat: function (data) {
      heatData = data || { grids: {}, hot: [], density: true };
      drawRates();
    },
    setLegend: function (legend) {
      var box = document.getElementById("legend");
      if (!legend || !legend.items) { box.hidden = true; return; }
      var html = "<div class='title'>" + escapeHtml(legend.title) + "</div>";
      legend.items.forEach(function (it) {
        if (it.kind === "section") {
          html += "<div class='section'>" + escapeHtml(it.text) + "</div>";
          return;
        }
        var sw = it.kind === "pulse" ? "<span class='pulse-swatch'></span>" :
          it.kind === "overdue" ? "<span class='overdue-swatch'></span>" :
          it.kind === "hot" ? "<span class='hot-swatch'></span>" :
          it.kind === "rate" ? "<span class='rate-swatch' style='background:" +
            escapeHtml(it.state) + "'></span>" :
          it.kind === "heat" ? "<span class='heat-swatch'></span>" :
          "<span class='swatch' style='background:" + escapeHtml(theme[it.state] || it.state) + "'></span>";
        html += "<div>" + sw + escapeHtml(it.text) + "</div>";
      });
      box.innerHTML = html;
      box.hidden = false;
      api.focus(lastFocus);  // keep the street clear of the legend
    },
    setIncidents: function (data) {
      lastIncidents = data;
      // open emergencies (a red dot) and immediate cases past their clock (an orange ring)
      function mark(layer, items, cls, size, html) {
        layer.clearLayers();
        (items || []).forEach(function (e) {
          var pos = e.lat != null && e.lon != null ? [e.lat, e.lon] :
            (grids[e.grid] ? grids[e.grid].info.label : null);
          if (!pos) { return; }
          L.marker(pos, {
            interactive: false, keyboard: false,
            icon: L.divIcon({ className: cls, iconSize: [size * unit, size * unit], html: html }),
          }).addTo(layer);
        });
      }
      mark(emergencyLayer, data.emergencies, "emergency", 16,
        "<div class='pulse'></div><div class='dot'></div>");
      mark(overdueLayer, data.immediate, "overdue", 22,
        "<div class='ring'></div><div class='core'></div>");
      heat.setPoints(data.heat || []);
    },
    focus: function (f) {
      lastFocus = f || { mode: "street" };
      Object.keys(grids).forEach(function (code) {
        grids[code].layer.setStyle(styleFor(code));
        if (focused(code)) { grids[code].layer.bringToFront(); }
      });
      var target = null;
      if (f && f.mode === "grids" && f.codes && f.codes.length) {
        f.codes.forEach(function (code) {
          if (!grids[code]) { return; }
          var b = grids[code].layer.getBounds();
          target = target ? target.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
        });
      }
      if (!target) { target = streetBounds; }
      map.invalidateSize({ animate: false, pan: false });  // the size as it is now
      if (target && target.isValid()) {
        var fit = fitFor(target);
        // zoom in on the grids only when that shows them clearly larger: lagging grids
        // all over the street gain little and cut off the grids at its edges (G001)
        if (target !== streetBounds && streetBounds && streetBounds.isValid() &&
            fit.zoom < fitFor(streetBounds).zoom + ZOOM_GAIN) {
          target = streetBounds;
          fit = fitFor(target);
        }
        map.fitBounds(target, fit.options);
      }
      fitLabels();
    },
  };

  window.wallMap = {
    apply: function (method, args, seq) {
      try {
        if (!api[method]) { throw new Error("unknown method " + method); }
        api[method](args);
      } catch (e) {
        report("call " + method, e && e.message ? e.message : String(e));
      }
      schedulePainted(seq);
      return true;
    },
    colours: function () {
      var out = {};
      Object.keys(grids).forEach(function (code) {
        var c = null;
        grids[code].layer.eachLayer(function (l) { c = l.options.fillColor; });
        out[code] = c;
      });
      return out;
    },
    outlined: function () {
      return Object.keys(grids).filter(focused).sort();
    },
    visibleLabels: function () {
      return Object.keys(grids).filter(function (code) {
        var el = grids[code].label.getElement();
        return el && el.style.display !== "none";
      }).sort();
    },
    emergencyCount: function () { return emergencyLayer ? emergencyLayer.getLayers().length : 0; },
    overdueCount: function () { return overdueLayer ? overdueLayer.getLayers().length : 0; },
    heatRates: function () {
      var out = {};
      Object.keys(heatData.grids || {}).forEach(function (c) { out[c] = heatData.grids[c].rate; });
      return out;
    },
    hotLabels: function () {
      // the labels shown (a crowded one keeps its ring only)
      return hotLayer ? hotLayer.getLayers().filter(function (m) {
        var el = m.getElement();
        return el && el.style.display !== "none";
      }).map(function (m) { return m.hotText; }) : [];
    },
    hotMarks: function () { return hotMarkLayer ? hotMarkLayer.getLayers().length : 0; },
    densityShown: function () { return !!(heat && heat._canvas && heat._canvas.style.display !== "none"); },
    legendText: function () {
      var box = document.getElementById("legend");
      return box && !box.hidden ? box.innerText : "";
    },
    heatCount: function () { return heat ? heat._points.length : 0; },
    tooltip: tooltipHtml,
    tipStyle: function (code, keepOpen) {
      // opens the grid's tooltip at its label point; its computed opacity and background
      var g = grids[code];
      if (!g) { return null; }
      g.layer.openTooltip(L.latLng(g.info.label[0], g.info.label[1]));
      var el = document.querySelector(".leaflet-tooltip.grid-tip");
      if (!el) { return null; }
      var cs = getComputedStyle(el);
      var out = { opacity: cs.opacity, background: cs.backgroundColor };
      if (!keepOpen) { g.layer.closeTooltip(); }
      return out;
    },
  };

  // folium's page made the map, its panes and the layer groups; fill them from here
  window.wallMap.attach = function (m, groups) {
    map = m;
    gridLayer = groups.grids;
    labelLayer = groups.labels;
    rateLayer = groups.rates;
    hotMarkLayer = groups.hotmarks;
    hotLayer = groups.hot;
    overdueLayer = groups.overdue;
    emergencyLayer = groups.emergency;
    heat = new HeatLayer().addTo(map);
    map.on("zoomend", fitLabels);
    map.on("resize", function () {
      if (streetBounds) { api.focus(lastFocus); } else { fitLabels(); }
    });
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.apply.connect(function (method, argsJson, seq) {
        var args = null;
        try {
          args = JSON.parse(argsJson);
        } catch (e) {
          report("arguments of " + method, e.message);
        }
        window.wallMap.apply(method, args, seq);
      });
      bridge.ready();
    });
  };
})();
