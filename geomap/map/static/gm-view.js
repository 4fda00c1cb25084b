/* gm-view.js - the view: one filter over every layer and panel, the layout (desktop or
 * phone), popups, the shareable URL hash, downloads and the entry point.
 *
 * An event shows when its weapon/type AND its side are switched on, region-level events
 * when their layer (strikes in a region / claimed interceptions over a region) is on, AND
 * the time window admits its date (undated events only when asked for).  The canvas, the
 * region outlines, the heat map, the histogram, the event list and the downloads all read
 * the same ``visible`` array.
 *
 * URL hash (all optional; restored on load and on hashchange):
 *   map=Z/LAT/LON                 view
 *   t=all | D | Nd/D | D..D       all dates, one day, the last N days up to D, a range
 *   u=1                           undated events shown
 *   hide=KEY,...                  weapon/type and side keys switched off
 *   off=KEY,...                   regions, intercepts, cluster, borders, oblasts, water, towns
 *   on=KEY,...                    heat, tiles
 *   ev=EVENT_ID                   the open event
 *   sort=date-desc|date-asc|casualties-desc|casualties-asc   the event list's order
 */
(function () {
  'use strict';

  var G = window.geomap, el = G.el;
  var DEFER_ABOVE = 20000;  // events above which time changes redraw once per frame
  var COMPACT_WIDTH = 700;  // px: narrower maps get the phone layout
  var CREDITS = '<a href="https://leafletjs.com" target="_blank" rel="noopener noreferrer">Leaflet</a>' +
    ' | Places: <a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">GeoNames</a> (CC BY 4.0)' +
    ' | Boundaries: <a href="https://whosonfirst.org/" target="_blank" rel="noopener noreferrer">Who\u2019s On First</a>' +
    ' (<a href="https://whosonfirst.org/docs/licenses/" target="_blank" rel="noopener noreferrer">licences</a>)' +
    ' | <a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener noreferrer">Natural Earth</a>' +
    ' | geomap';

  function View(map, data) {
    this.map = map;
    this.data = data;
    this.ev = new G.EventData(data);
    var ev = this.ev;
    this.visible = new Uint8Array(ev.n);
    this.stats = {total: ev.n, visible: 0, pins: 0, circles: 0, clusters: 0, drawnPoints: 0,
                  regionPolygons: 0, regionEvents: 0, skipped: data.skipped || 0, undatedShown: 0};
    this.f = {cats: ev.cats.map(function () { return true; }), sides: ev.sides.map(function () { return true; }),
              regions: true, intercepts: true};
    this.opts = {cluster: true, heat: false, tiles: false};
    this.mode = 'all';
    this.win = 1;
    this.from = 0;
    this.to = Math.max(ev.span - 1, 0);
    this.showUndated = false;
    this.selected = -1;
    this.version = 0;
    this.histVersion = 0;
    this.hist = new Int32Array(Math.max(ev.span, 1) * ev.cats.length);
    this.dayTotals = new Int32Array(Math.max(ev.span, 1));
    this._histKey = null;
    this._muted = true;
    var hash = this._parseHash(window.location.hash);
    this._applyState(hash, true);
    this._build();
    this._applyState(hash, false);
    this._muted = false;
    this.refresh();
    this._initialView(hash);
    if (hash.ev) {
      var i = ev.indexOfId(hash.ev);
      if (i >= 0) { this.openEvent(i, {fly: false}); }
    }
    this._hashReady = true;
    this.scheduleHash();
  }

  // ------------------------------------------------------------------ building

  View.prototype._build = function () {
    var map = this.map, data = this.data, self = this;
    map.createPane('gmBase').style.zIndex = 250;
    map.createPane('gmRegions').style.zIndex = 410;
    map.createPane('gmTowns').style.zIndex = 415;
    map.createPane('gmLabels').style.zIndex = 420;
    map.createPane('gmEvents').style.zIndex = 430;
    ['gmTowns', 'gmLabels', 'gmEvents'].forEach(function (p) { map.getPane(p).style.pointerEvents = 'none'; });
    L.DomUtil.addClass(map.getContainer(), 'gm-map');
    map.getContainer().setAttribute('aria-label', 'Map of strike events');

    if (data.tiles) {
      this.tiles = L.tileLayer(data.tiles.url, {attribution: data.tiles.attribution, maxZoom: 19});
    }
    this.base = new G.BaseMap(this);
    this.regions = new G.RegionLayer(this);
    this.points = new G.EventCanvas(this).addTo(map);
    if (L.heatLayer) {
      this.heat = L.heatLayer([], {radius: 18, blur: 15, maxZoom: 10, minOpacity: 0.3});
      this._heatDirty = true;
    }
    // Controls: the order of adding is the order within each corner.
    this.panels = {};
    this.panels.search = new G.SearchPanel(this).addTo(map);
    this.panels.legend = new G.LegendPanel(this).addTo(map);
    this.panels.layers = new G.LayersPanel(this).addTo(map);
    this.panels.list = new G.ListPanel(this).addTo(map);
    this.timeControl = new G.TimeControl(this).addTo(map);
    if (data.title) {
      this.titleBox = el('div', 'gm-title', data.title);
      map.getContainer().appendChild(this.titleBox);
      G.stopEvents(this.titleBox);
    }
    this.scale = L.control.scale({position: 'bottomright'}).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(CREDITS);

    map.on('click', function (e) { self.clickAt(e, null); });
    map.on('mousemove', function (e) { self._hover(e); });
    map.on('mouseout', function () { self._hideTip(); });
    map.on('moveend', function () { self.scheduleHash(); });
    map.on('resize', function () { self._layout(); });
    map.on('popupopen', function (e) { self._popupOpened(e); });
    map.on('popupclose', function (e) {
      if (e.popup === self.popup) {
        self.popup = null;
        self._popupEvent = -1;
        self.scheduleHash();
      }
    });
    L.DomEvent.on(window, 'hashchange', function () {
      if (window.location.hash !== self._lastHash) { self.applyHash(window.location.hash); }
    });
    this._layout(true);
  };

  /** Counts per category and side (all events), and of region-level events. */
  View.prototype.counts = function () {
    var ev = this.ev, n = ev.n, out = {cat: ev.cats.map(function () { return 0; }),
                                        side: ev.sides.map(function () { return 0; }), regions: 0, intercepts: 0};
    for (var i = 0; i < n; i++) {
      out.cat[ev.cat[i]]++;
      out.side[ev.side[i]]++;
      if (ev.shape[i] === 3) { if (ev.icpt[i]) { out.intercepts++; } else { out.regions++; } }
    }
    return out;
  };

  // ------------------------------------------------------------------ layout

  /** Phone layout below COMPACT_WIDTH: panels become a row of buttons at the top, one
   *  open at a time and none taller than 38 % of the screen; the legend starts closed. */
  View.prototype._layout = function (first) {
    var map = this.map, size = map.getSize(), compact = size.x < COMPACT_WIDTH;
    if (!first && compact === this.compact) { this.layoutChanged(); return; }
    this.compact = compact;
    var c = map.getContainer(), p = this.panels;
    L.DomUtil[compact ? 'addClass' : 'removeClass'](c, 'gm-compact');
    // Move the panels' elements (not remove/add: that would build them again).
    var move = function (k, pos) {
      p[k].options.position = pos;
      map._controlCorners[pos].appendChild(p[k].getContainer());
    };
    if (compact) {
      ['search', 'layers', 'list', 'legend'].forEach(function (k) { move(k, 'topright'); });
    } else {
      ['search', 'legend'].forEach(function (k) { move(k, 'topleft'); });
      ['layers', 'list'].forEach(function (k) { move(k, 'topright'); });
    }
    if (first) {
      p.search.setOpen(!compact, true);
      p.legend.setOpen(!compact && size.y >= 760, true);
      p.layers.setOpen(!compact, true);
      p.list.setOpen(!compact, true);
    } else if (compact) {
      this.closePanels(null);
    }
    this.layoutChanged();
  };

  /** Close the open panels except ``keep`` (phone layout only: there one panel at a time). */
  View.prototype.closePanels = function (keep) {
    if (!this.compact || !this.panels) { return; }
    var p = this.panels;
    Object.keys(p).forEach(function (k) { if (p[k] !== keep && p[k].isOpen()) { p[k].setOpen(false, true); } });
    if (keep && this.timeControl && this.timeControl._box) { this.timeControl.toggleMore(false); }
    this.layoutChanged();
  };

  /** Something's size changed: the list, the histogram and popup padding follow. */
  View.prototype.layoutChanged = function () {
    if (this._inLayout) { return; }
    this._inLayout = true;
    try {
      var p = this.panels, map = this.map;
      // Phone: the timeline sits just above the (wrapped) attribution.
      var bl = map._controlCorners.bottomleft, attr = map.attributionControl.getContainer();
      bl.style.bottom = this.compact ? attr.offsetHeight + 'px' : '';
      if (p && p.list && p.list.isOpen()) { p.list.render(); }
      if (this.timeControl && this.timeControl._box) { this.timeControl.update(); }
    } finally {
      this._inLayout = false;
    }
  };

  /** Free area of the map (container px) not covered by open panels: [left, top, right, bottom]. */
  View.prototype.freeArea = function () {
    var c = this.map.getContainer(), box = c.getBoundingClientRect(), size = this.map.getSize();
    var left = 0, top = 0, right = size.x, bottom = size.y;
    var corner = function (sel) { return c.querySelector(sel); };
    var rect = function (node) {
      if (!node) { return null; }
      var r = node.getBoundingClientRect();
      return r.width && r.height ? {l: r.left - box.left, t: r.top - box.top, r: r.right - box.left, b: r.bottom - box.top} : null;
    };
    var each = function (sel, fn) {
      var node = corner(sel);
      if (!node) { return; }
      Array.prototype.forEach.call(node.children, function (ch) { var r = rect(ch); if (r) { fn(r); } });
    };
    if (this.compact) {
      each('.leaflet-top.leaflet-right', function (r) { top = Math.max(top, r.b); });
      each('.leaflet-top.leaflet-left', function (r) { top = Math.max(top, Math.min(r.b, 90)); });
      each('.leaflet-bottom.leaflet-left', function (r) { bottom = Math.min(bottom, r.t); });
    } else {
      each('.leaflet-top.leaflet-left', function (r) { if (r.b < size.y * 0.75) { left = Math.max(left, r.r); } });
      each('.leaflet-top.leaflet-right', function (r) { right = Math.min(right, r.l); });
      each('.leaflet-bottom.leaflet-left', function (r) { bottom = Math.min(bottom, r.t); });
      if (this.titleBox) { top = Math.max(top, rect(this.titleBox) ? rect(this.titleBox).b : 0); }
    }
    // Never leave less than half the map free: drop the side that costs most.
    if (right - left < size.x * 0.5) { left = 0; right = size.x; }
    if (bottom - top < size.y * 0.4) { top = Math.min(top, size.y * 0.2); bottom = Math.max(bottom, size.y * 0.7); }
    return [left, top, right, bottom];
  };

  View.prototype._initialView = function (hash) {
    var map = this.map, data = this.data;
    if (hash.map) {
      map.setView(hash.map.center, hash.map.zoom, {animate: false});
      return;
    }
    if (!data.bounds) { map.setView([48.5, 31.5], 5, {animate: false}); return; }
    this.fitEvents(false);
  };

  /** Fit the view to the events, clear of the panels. */
  View.prototype.fitEvents = function (animate) {
    var a = this.freeArea(), size = this.map.getSize();
    this.map.fitBounds(this.data.bounds, {
      paddingTopLeft: [a[0] + 12, a[1] + 12], paddingBottomRight: [size.x - a[2] + 12, size.y - a[3] + 12],
      maxZoom: 11, animate: !!animate
    });
  };

  // ------------------------------------------------------------------ filtering

  View.prototype.refresh = function () {
    if (this._muted) { return; }
    var ev = this.ev, n = ev.n, f = this.f, ncat = ev.cats.length, i;
    var catOn = f.cats, sideOn = f.sides, regions = f.regions, intercepts = f.intercepts;
    var histKey = catOn.join() + '|' + sideOn.join() + '|' + regions + '|' + intercepts;
    var doHist = histKey !== this._histKey;
    if (doHist) { this.hist.fill(0); this.dayTotals.fill(0); }
    var from = this.mode === 'all' ? 0 : this.from, to = this.mode === 'all' ? ev.span - 1 : this.to;
    var undated = this.showUndated, count = 0, undatedShown = 0, vis = this.visible, hist = this.hist;
    var day = ev.day, cat = ev.cat, side = ev.side, shape = ev.shape, icpt = ev.icpt;
    for (i = 0; i < n; i++) {
      var ok = catOn[cat[i]] && sideOn[side[i]] && (shape[i] !== 3 || (icpt[i] ? intercepts : regions));
      var d = day[i];
      if (ok && doHist && d >= 0) { hist[d * ncat + cat[i]]++; this.dayTotals[d]++; }
      if (ok) { ok = d < 0 ? undated : d >= from && d <= to; }
      vis[i] = ok ? 1 : 0;
      if (ok) { count++; if (d < 0) { undatedShown++; } }
    }
    if (doHist) { this._histKey = histKey; this.histVersion++; }
    this.version++;
    this.stats.visible = count;
    this.stats.undatedShown = undatedShown;
    if (this.selected >= 0 && !vis[this.selected] && !this.popup) { this.selected = -1; }
    if (this.points.spider) { this.points.spider = null; }
    this.points.redraw();
    this.regions.update();
    this._heatDirty = true;
    if (this.heat && this.map.hasLayer(this.heat)) { this._updateHeat(); }
    if (this.timeControl) { this.timeControl.update(); }
    if (this.panels.list) { this.panels.list.update(); }
    this.map.getContainer().setAttribute('data-gm-visible', String(count));
    this.scheduleHash();
    this.map.fire('gm:refresh', {stats: this.stats});
  };

  /** Refresh now, or, for big data sets, once per animation frame (slider drags, play). */
  View.prototype._refreshSoon = function () {
    if (this.ev.n <= DEFER_ABOVE) { this.refresh(); return; }
    if (this.timeControl) { this.timeControl.update(); }
    if (this._pending) { return; }
    var self = this;
    this._pending = L.Util.requestAnimFrame(function () {
      self._pending = null;
      self.refresh();
    });
  };

  View.prototype._updateHeat = function () {
    if (!this.heat || !this._heatDirty) { return; }
    var ev = this.ev, pts = [];
    for (var i = 0; i < ev.n; i++) {
      if (this.visible[i] && ev.shape[i] !== 3) { pts.push([ev.lat[i], ev.lon[i], 1]); }
    }
    this._heatDirty = false;
    this.heat.setLatLngs(pts);
  };

  View.prototype.setCategory = function (k, on) { this.f.cats[k] = !!on; this.refresh(); };
  View.prototype.setSide = function (k, on) { this.f.sides[k] = !!on; this.refresh(); };
  View.prototype.setRegions = function (which, on) { this.f[which] = !!on; this.refresh(); };

  View.prototype.setOption = function (key, on) {
    on = !!on;
    this.opts[key] = on;
    if (key === 'cluster') { this.points.unspider(); this.points.redraw(); }
    if (key === 'heat' && this.heat) {
      if (on) { this.heat.addTo(this.map); this._updateHeat(); } else { this.map.removeLayer(this.heat); }
    }
    if (key === 'tiles' && this.tiles) {
      if (on) { this.tiles.addTo(this.map); } else { this.map.removeLayer(this.tiles); }
      this.base.tiles(on);
      L.DomUtil[on ? 'addClass' : 'removeClass'](this.map.getContainer(), 'gm-tiles-on');
    }
    this.scheduleHash();
  };

  View.prototype.setBase = function (part, on) { this.base.set(part, on); this.scheduleHash(); };

  // ------------------------------------------------------------------ time

  View.prototype.setDay = function (day) {
    if (!this.ev.span) { return; }
    day = G.clamp(Math.round(day), 0, this.ev.span - 1);
    if (this.mode !== 'window') { this.mode = 'window'; this.win = 1; }
    this.to = day;
    this.from = Math.max(0, day - this.win + 1);
    this._refreshSoon();
  };

  /** Show the last ``n`` days up to ``end`` (default: the current last day). */
  View.prototype.setWindow = function (n, end) {
    if (!this.ev.span) { return; }
    n = Math.max(1, Math.round(n));
    if (end === undefined || end === null) { end = this.mode === 'all' ? this.lastEventDay() : this.to; }
    this.mode = 'window';
    this.win = n;
    this.to = G.clamp(end, 0, this.ev.span - 1);
    this.from = Math.max(0, this.to - n + 1);
    this._refreshSoon();
  };

  View.prototype.setRange = function (from, to) {
    var last = Math.max(this.ev.span - 1, 0);
    from = G.clamp(from, 0, last);
    to = G.clamp(to, 0, last);
    if (to < from) { var t = from; from = to; to = t; }
    this.mode = 'range';
    this.from = from;
    this.to = to;
    this._refreshSoon();
  };

  View.prototype.showAll = function () {
    this.mode = 'all';
    this.from = 0;
    this.to = Math.max(this.ev.span - 1, 0);
    this._refreshSoon();
  };

  View.prototype.setUndated = function (on) { this.showUndated = !!on; this.refresh(); };

  /** The next day after ``day`` (dir 1) or before it (dir -1) with events passing the
   *  other filters; null when none. */
  View.prototype.nextEventDay = function (day, dir) {
    var t = this.dayTotals, span = this.ev.span;
    for (var d = day + dir; d >= 0 && d < span; d += dir) { if (t[d] > 0) { return d; } }
    return null;
  };
  View.prototype.firstEventDay = function () { var d = this.nextEventDay(-1, 1); return d === null ? 0 : d; };
  View.prototype.lastEventDay = function () {
    var d = this.nextEventDay(this.ev.span, -1);
    return d === null ? Math.max(this.ev.span - 1, 0) : d;
  };

  /** Move the window to the next/previous day with events; false when there is none. */
  View.prototype.stepEventDay = function (dir) {
    if (!this.ev.span) { return false; }
    if (this.mode === 'all' || this.mode === 'range') {
      var start = this.mode === 'all' ? (dir > 0 ? this.firstEventDay() : this.lastEventDay()) :
        (dir > 0 ? this.from : this.to);
      this.setWindow(1, this.dayTotals[start] ? start : (this.nextEventDay(start, dir) === null ? start : this.nextEventDay(start, dir)));
      return true;
    }
    var d = this.nextEventDay(this.to, dir);
    if (d === null) { return false; }
    this.setDay(d);
    return true;
  };

  View.prototype.rangeText = function () {
    var ev = this.ev;
    if (!ev.span) { return 'No dated events'; }
    if (this.mode === 'all') {
      return ev.dayIso(0) + ' \u2192 ' + ev.dayIso(ev.span - 1) + ' (all dates)';
    }
    if (this.from === this.to) { return ev.dayIso(this.from); }
    var text = ev.dayIso(this.from) + ' \u2192 ' + ev.dayIso(this.to);
    return this.mode === 'window' ? text + ' (last ' + this.win + ' days)' : text;
  };

  // ------------------------------------------------------------------ interaction

  View.prototype._popupOptions = function () {
    var a = this.freeArea(), size = this.map.getSize(), compact = this.compact;
    return {
      maxWidth: compact ? Math.min(340, size.x - 40) : 380, minWidth: compact ? Math.min(240, size.x - 60) : 260,
      maxHeight: Math.max(160, Math.min(compact ? 0.5 * (a[3] - a[1]) : 420, a[3] - a[1] - 60)),
      className: 'gm-leaflet-popup', autoPan: true,
      autoPanPaddingTopLeft: [a[0] + 8, a[1] + 8], autoPanPaddingBottomRight: [size.x - a[2] + 8, size.y - a[3] + 8]
    };
  };

  View.prototype._popupOpened = function (e) {
    if (e.popup !== this.popup) { return; }
    if (this.compact) { this.closePanels(null); if (this.timeControl._box) { this.timeControl.toggleMore(false); } }
  };

  /** A popup at ``latlng`` for events ``idx``. */
  View.prototype.openEvents = function (idx, latlng, heading) {
    var self = this;
    this._hideTip();
    if (this.compact) { this.closePanels(null); }
    var popup = L.popup(this._popupOptions());
    var content = G.popupContent(this.ev, idx, {
      heading: heading,
      onChange: function () { if (popup.isOpen && popup.isOpen()) { popup.update(); } },
      onShow: function (i) {
        self.selected = i;
        self._popupEvent = i;
        self.points.redraw();
        if (self.panels.list) { self.panels.list.render(); }
        self.scheduleHash();
      }
    });
    if (idx.length > 1) { this._popupEvent = -1; }
    this.popup = popup;  // before openOn: its popupopen handler checks it
    popup.setLatLng(latlng).setContent(content).openOn(this.map);
    return popup;
  };

  /** Where event i's popup points: its symbol's head (or the spider spot). */
  View.prototype._eventLatLng = function (i) {
    var ev = this.ev;
    if (ev.shape[i] === 3) { return L.latLng(ev.lat[i], ev.lon[i]); }
    var p = this.points.pointOf(i), r = Math.max(ev.r[i], 8);
    return this.map.containerPointToLatLng(L.point(p[0], p[1] - 1.9 * r));
  };

  /** Open event i's card; with fly, move the map to it first. */
  View.prototype.openEvent = function (i, options) {
    var ev = this.ev, map = this.map, self = this;
    options = options || {};
    this.selected = i;
    var open = function () {
      self.points.redraw();
      self.openEvents([i], self._eventLatLng(i), null);
      if (self.panels.list) { self.panels.list.reveal(i); }
    };
    if (!options.fly) { open(); return; }
    var target, zoom;
    if (ev.shape[i] === 3 && ev.region[i] >= 0) {
      var b = this.regions.bounds(ev.region[i]);
      zoom = Math.min(map.getBoundsZoom(b, false, L.point(60, 60)), 9);
      target = b.getCenter();
    } else {
      target = L.latLng(ev.lat[i], ev.lon[i]);
      zoom = Math.max(map.getZoom(), ev.shape[i] === 2 ? 10 : 11);
    }
    this._flyThen(target, zoom, open);
  };

  /** Move to latlng/zoom (centred in the free area), then call fn once. */
  View.prototype._flyThen = function (latlng, zoom, fn) {
    var map = this.map, a = this.freeArea(), size = map.getSize(), self = this;
    map.closePopup();
    // Centre the target in the free area, not under a panel.
    var offset = L.point((a[0] + a[2]) / 2 - size.x / 2, (a[1] + a[3]) / 2 - size.y / 2);
    var center = map.unproject(map.project(latlng, zoom).subtract(offset), zoom);
    var done = false, finish = function () {
      if (done) { return; }
      done = true;
      map.off('moveend', finish);
      fn();
    };
    var here = map.getCenter(), same = map.getZoom() === zoom && map.latLngToContainerPoint(center).distanceTo(map.latLngToContainerPoint(here)) < 1;
    if (same) { finish(); return; }
    map.on('moveend', finish);
    var far = map.getZoom() < zoom - 3 || !map.getBounds().pad(1).contains(latlng);
    if (far && this.ev.n <= DEFER_ABOVE) { map.flyTo(center, zoom, {duration: 0.8}); } else { map.setView(center, zoom, {animate: true}); }
    setTimeout(finish, 2500);  // in case no moveend comes
    void self;
  };

  /** Events of a place found by search: fly there and list them. */
  View.prototype.showPlace = function (name, idx) {
    var ev = this.ev, b = L.latLngBounds([]), self = this;
    idx.forEach(function (i) { b.extend([ev.lat[i], ev.lon[i]]); });
    var one = b.getNorthEast().distanceTo(b.getSouthWest()) < 200;
    var zoom = one ? Math.max(this.map.getZoom(), 11) : Math.min(this.map.getBoundsZoom(b.pad(0.2)), 12);
    this._flyThen(b.getCenter(), zoom, function () {
      if (idx.length === 1) { self.openEvent(idx[0], {fly: false}); return; }
      self.selected = -1;
      self.points.redraw();
      self.openEvents(idx, one ? self._eventLatLng(idx[0]) : b.getCenter(), name);
    });
  };

  View.prototype.chooseFromList = function (i) {
    if (this.compact) { this.panels.list.setOpen(false); }
    this.openEvent(i, {fly: true});
  };

  View.prototype.clickAt = function (e, regionIdx) {
    var hit = this.points.hit(e.containerPoint), ev = this.ev;
    if (hit.cluster >= 0) { this._clusterClick(hit.cluster); return; }
    if (hit.events.length) {
      if (hit.events.length === 1) { this.openEvent(hit.events[0], {fly: false}); return; }
      this.openEvents(hit.events, this._eventLatLng(hit.events[0]), hit.events.length + ' events here');
      return;
    }
    if (regionIdx && regionIdx.length) {
      var i0 = regionIdx[0];
      var heading = (ev.icpt[i0] ? 'Claimed interceptions over ' : 'Region: ') +
        (ev.str('admin1_name', i0) || ev.str('place_name', i0) || ev.str('place_text', i0) || 'unknown');
      if (regionIdx.length === 1) {
        this.selected = i0;
        this.openEvents(regionIdx, e.latlng, heading);
      } else {
        this.openEvents(regionIdx, e.latlng, heading);
      }
      return;
    }
    if (this.points.spider) { this.points.unspider(); }
    if (this.selected >= 0) { this.selected = -1; this.points.redraw(); this.scheduleHash(); }
  };

  View.prototype._clusterClick = function (c) {
    var map = this.map, pts = this.points, members = pts.members(c);
    var atMax = map.getZoom() >= map.getMaxZoom();
    if (pts.samePlace(c) || atMax) {
      if (members.length <= G.SPIDER_MAX) {
        pts.spiderfy(members);
      } else {
        var i0 = members[0];
        this.openEvents(members, L.latLng(this.ev.lat[i0], this.ev.lon[i0]), G.fmtInt(members.length) + ' events at ' + this.ev.placeText(i0));
      }
      return;
    }
    var b = pts.bounds(c), a = this.freeArea(), size = map.getSize();
    var zoom = Math.min(map.getBoundsZoom(b, false, L.point(size.x - (a[2] - a[0]) + 80, size.y - (a[3] - a[1]) + 80)), map.getMaxZoom());
    if (zoom <= map.getZoom()) { zoom = Math.min(map.getZoom() + 2, map.getMaxZoom()); }
    this._flyThen(b.getCenter(), zoom, function () {});
  };

  View.prototype._hover = function (e) {
    var hit = this.points.hit(e.containerPoint), c = this.map.getContainer();
    if (hit.cluster < 0 && !hit.events.length) {
      L.DomUtil.removeClass(c, 'gm-hover');
      this._hideTip();
      return;
    }
    L.DomUtil.addClass(c, 'gm-hover');
    var key = hit.cluster >= 0 ? 'c' + hit.cluster + ':' + this.version : 'e' + hit.events[0];
    if (this._tipFor === key && this._tip) { return; }
    this._tipFor = key;
    if (!this._tip) { this._tip = L.tooltip({direction: 'top', offset: [0, -12], className: 'gm-tooltip'}); }
    var content, ll;
    if (hit.cluster >= 0) {
      var members = this.points.members(hit.cluster), same = this.points.samePlace(hit.cluster);
      content = G.clusterTip(this.ev, members, same ? (members.length <= G.SPIDER_MAX ? 'Click to spread them apart' : 'Click to list them') : 'Click to zoom in');
      ll = e.latlng;
    } else {
      content = G.tooltipContent(this.ev, hit.events);
      ll = this._eventLatLng(hit.events[0]);
    }
    this._tip.setLatLng(ll).setContent(content);
    this.map.openTooltip(this._tip);
  };

  View.prototype._hideTip = function () {
    if (this._tip) { this.map.closeTooltip(this._tip); }
    this._tipFor = null;
  };

  // ------------------------------------------------------------------ downloads

  var EXPORT_FIELDS = ['event_id', 'date', 'time_precision', 'date_source', 'place_text', 'place_name', 'lat', 'lon',
    'country_code', 'admin1_name', 'geo_precision', 'event_type', 'weapon', 'weapon_model', 'actor', 'target',
    'killed', 'injured', 'intercepted', 'side', 'quote', 'confidence', 'n_sources', 'source_outlets',
    'source_titles', 'source_urls'];

  /** Export record of event i (the export's field names). */
  View.prototype.record = function (i) {
    var ev = this.ev, srcs = ev.srcs[i] || [], s = ev.sides[ev.side[i]];
    var join = function (field) {
      var out = srcs.map(function (k) { return ev.source(field, k); }).filter(function (x) { return x; });
      return out.length ? out.join(' | ') : null;
    };
    return {
      event_id: ev.str('event_id', i), date: ev.dateIso(i), time_precision: ev.tprec[i],
      date_source: ev.str('date_source', i), place_text: ev.str('place_text', i), place_name: ev.str('place_name', i),
      lat: ev.lat[i], lon: ev.lon[i], country_code: ev.str('country_code', i), admin1_name: ev.str('admin1_name', i),
      geo_precision: ev.prec[i], event_type: ev.str('event_type', i), weapon: ev.str('weapon', i),
      weapon_model: ev.str('weapon_model', i), actor: ev.str('actor', i), target: ev.str('target', i),
      killed: ev.killed[i] < 0 ? null : ev.killed[i], injured: ev.injured[i] < 0 ? null : ev.injured[i],
      intercepted: !!ev.icpt[i], side: s ? s.value : null, quote: ev.str('quote', i),
      confidence: ev.conf[i] < 0 ? null : ev.conf[i], n_sources: srcs.length,
      source_outlets: join('outlet'), source_titles: join('title'), source_urls: join('url'),
      sources: srcs.map(function (k) {
        return {outlet: ev.source('outlet', k), title: ev.source('title', k), url: ev.source('url', k),
                published: ev.source('published', k)};
      })
    };
  };

  /** The events passing the filters as GeoJSON text. */
  View.prototype.geojson = function () {
    var ev = this.ev, feats = [], self = this;
    for (var i = 0; i < ev.n; i++) {
      if (!this.visible[i]) { continue; }
      var rec = this.record(i), geom = ev.shape[i] === 3 && ev.region[i] >= 0 ? self.data.regions[ev.region[i]] :
        {type: 'Point', coordinates: [ev.lon[i], ev.lat[i]]};
      feats.push({type: 'Feature', geometry: geom, properties: rec});
    }
    return JSON.stringify({type: 'FeatureCollection', features: feats});
  };

  /** The events passing the filters as CSV text (formula-like cells defused). */
  View.prototype.csv = function () {
    var lines = [EXPORT_FIELDS.join(',')];
    for (var i = 0; i < this.ev.n; i++) {
      if (!this.visible[i]) { continue; }
      var rec = this.record(i);
      lines.push(EXPORT_FIELDS.map(function (k) { return G.csvCell(rec[k]); }).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  };

  View.prototype.download = function (kind) {
    var ev = this.ev, range = this.mode === 'all' || !ev.span ? 'all-dates' : ev.dayIso(this.from) + '_' + ev.dayIso(this.to);
    var name = G.slug(this.data.title) + '-events-' + range;
    if (kind === 'csv') { G.download(name + '.csv', this.csv(), 'text/csv;charset=utf-8'); } else {
      G.download(name + '.geojson', this.geojson(), 'application/geo+json');
    }
  };

  // ------------------------------------------------------------------ URL hash

  View.prototype._parseHash = function (hash) {
    var out = {}, ev = this.ev;
    var params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
    var m = /^(\d{1,2}(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(params.get('map') || '');
    if (m && Math.abs(+m[2]) <= 90 && Math.abs(+m[3]) <= 180) { out.map = {zoom: +m[1], center: [+m[2], +m[3]]}; }
    var t = params.get('t'), day = function (s) { var d = ev.isoDay(s); return d === null ? null : G.clamp(d, 0, Math.max(ev.span - 1, 0)); };
    if (t && ev.span) {
      var r = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(t), w = /^(\d+)d\/(\d{4}-\d{2}-\d{2})$/.exec(t);
      if (t === 'all') { out.time = {mode: 'all'}; } else if (r && day(r[1]) !== null && day(r[2]) !== null) {
        out.time = {mode: 'range', from: day(r[1]), to: day(r[2])};
      } else if (w && day(w[2]) !== null) {
        out.time = {mode: 'window', win: Math.max(1, +w[1]), to: day(w[2])};
      } else if (/^\d{4}-\d{2}-\d{2}$/.test(t) && day(t) !== null) {
        out.time = {mode: 'window', win: 1, to: day(t)};
      }
    }
    if (params.has('u')) { out.undated = params.get('u') === '1'; }
    if (params.has('hide')) { out.hide = params.get('hide').split(',').filter(Boolean); }
    if (params.has('off')) { out.off = params.get('off').split(',').filter(Boolean); }
    if (params.has('on')) { out.on = params.get('on').split(',').filter(Boolean); }
    if (params.has('ev')) { out.ev = params.get('ev'); }
    var sort = /^(date|casualties)-(asc|desc)$/.exec(params.get('sort') || '');
    if (sort) { out.sort = {key: sort[1], dir: sort[2]}; }
    return out;
  };

  /** Apply a parsed hash: filters first (``early``, before the controls exist), then the
   *  parts that need them. */
  View.prototype._applyState = function (s, early) {
    var ev = this.ev, self = this;
    if (early) {
      var hide = s.hide || [], off = s.off || [], on = s.on || [];
      if (s.hide || s.off || s.on || s.time || 'undated' in s) {
        this.f.cats = ev.cats.map(function (c) { return hide.indexOf(c.key) < 0; });
        this.f.sides = ev.sides.map(function (x) { return hide.indexOf(x.key) < 0; });
        this.f.regions = off.indexOf('regions') < 0;
        this.f.intercepts = off.indexOf('intercepts') < 0;
        this.opts.cluster = off.indexOf('cluster') < 0;
        this.opts.heat = on.indexOf('heat') >= 0;
        this.opts.tiles = on.indexOf('tiles') >= 0 && !!this.data.tiles;
        this._baseOff = off;
      }
      if ('undated' in s) { this.showUndated = s.undated; }
      var t = s.time;
      if (t) {
        this.mode = t.mode;
        if (t.mode === 'all') { this.from = 0; this.to = Math.max(ev.span - 1, 0); }
        if (t.mode === 'range') { this.from = Math.min(t.from, t.to); this.to = Math.max(t.from, t.to); }
        if (t.mode === 'window') { this.win = t.win; this.to = t.to; this.from = Math.max(0, t.to - t.win + 1); }
      }
      return;
    }
    if (this._baseOff) {
      ['borders', 'oblasts', 'water', 'towns'].forEach(function (p) { self.base.set(p, self._baseOff.indexOf(p) < 0); });
    }
    if (this.opts.heat && this.heat) { this.heat.addTo(this.map); }
    if (this.opts.tiles && this.tiles) { this.setOption('tiles', true); }
    if (s.sort && this.panels.list) { this.panels.list.sort = s.sort; this.panels.list._sortHeads(); }
    if (this.panels.layers.sync) { this.panels.layers.sync(); }
  };

  /** Apply a hash typed or pasted after the page opened. */
  View.prototype.applyHash = function (hash) {
    var s = this._parseHash(hash);
    this._muted = true;
    this._applyState(s, true);
    this._applyState(s, false);
    if (!s.time) { this.mode = 'all'; this.from = 0; this.to = Math.max(this.ev.span - 1, 0); }
    this._muted = false;
    this.refresh();
    if (s.map) { this.map.setView(s.map.center, s.map.zoom, {animate: false}); }
    var i = s.ev ? this.ev.indexOfId(s.ev) : -1;
    if (i >= 0) { this.openEvent(i, {fly: false}); } else if (this.popup) { this.map.closePopup(); }
  };

  /** The current view as a URL hash (without '#'). */
  View.prototype.hashText = function () {
    var ev = this.ev, map = this.map, c = map.getCenter(), z = map.getZoom(), parts = [];
    var prec = Math.max(2, Math.min(6, Math.round(z / 3) + 1));
    parts.push('map=' + z + '/' + c.lat.toFixed(prec) + '/' + c.lng.toFixed(prec));
    if (ev.span) {
      var t = 'all';
      if (this.mode === 'range') { t = ev.dayIso(this.from) + '..' + ev.dayIso(this.to); }
      if (this.mode === 'window') { t = this.win === 1 ? ev.dayIso(this.to) : this.win + 'd/' + ev.dayIso(this.to); }
      parts.push('t=' + t);
    }
    if (this.showUndated) { parts.push('u=1'); }
    var hide = [], off = [], on = [], self = this;
    ev.cats.forEach(function (cat, k) { if (!self.f.cats[k]) { hide.push(cat.key); } });
    ev.sides.forEach(function (s, k) { if (!self.f.sides[k]) { hide.push(s.key); } });
    if (!this.f.regions) { off.push('regions'); }
    if (!this.f.intercepts) { off.push('intercepts'); }
    if (!this.opts.cluster) { off.push('cluster'); }
    ['borders', 'oblasts', 'water', 'towns'].forEach(function (p) { if (!self.base.show[p]) { off.push(p); } });
    if (this.opts.heat) { on.push('heat'); }
    if (this.opts.tiles) { on.push('tiles'); }
    if (hide.length) { parts.push('hide=' + hide.join(',')); }
    if (off.length) { parts.push('off=' + off.join(',')); }
    if (on.length) { parts.push('on=' + on.join(',')); }
    var list = this.panels.list;
    if (list && (list.sort.key !== 'date' || list.sort.dir !== 'desc')) { parts.push('sort=' + list.sort.key + '-' + list.sort.dir); }
    if (this.popup && this._popupEvent >= 0) {
      var id = ev.str('event_id', this._popupEvent);
      if (id) { parts.push('ev=' + encodeURIComponent(id)); }
    }
    return parts.join('&');
  };

  View.prototype.scheduleHash = function () {
    if (!this._hashReady) { return; }
    var self = this;
    clearTimeout(this._hashTimer);
    this._hashTimer = setTimeout(function () { self.writeHash(); }, 150);
  };

  View.prototype.writeHash = function () {
    var hash = '#' + this.hashText();
    if (hash === window.location.hash) { return; }
    this._lastHash = hash;
    try { window.history.replaceState(null, '', hash); } catch (err) { /* e.g. sandboxed frames */ }
    this._lastHash = window.location.hash;
  };

  // ------------------------------------------------------------------ entry point

  function init(map, data, t0) {
    var t1 = performance.now();
    var view = new View(map, data);
    view.timings = {decode: t0 === undefined ? null : t1 - t0, build: performance.now() - t1};
    G.views.push(view);
    G.ready = true;
    G.readyAt = performance.now();
    map.getContainer().setAttribute('data-gm-ready', '1');
    return view;
  }

  function fail(map, err) {
    var box = el('div', 'gm-error', 'The map could not be opened: ' + (err && err.message ? err.message : err));
    box.setAttribute('role', 'alert');
    map.getContainer().appendChild(box);
    G.error = String(err && err.message ? err.message : err);
    if (window.console) { window.console.error(err); }
  }

  /** Read the data block ``id`` and build the view on ``map``: a Promise of the view. */
  function initFromElement(map, id) {
    var t0 = performance.now();
    return G.readData(document.getElementById(id)).then(function (data) {
      return init(map, data, t0);
    }).catch(function (err) { fail(map, err); });
  }

  G.View = View;
  G.init = init;
  G.initFromElement = initFromElement;
}());
