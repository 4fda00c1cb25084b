/* geomap.js - the dated, layered strike map of geomap (offline; Leaflet 1.9).
 *
 * Events arrive once, as compact columns (see geomap/render.py).  One filter decides
 * which events show: an event is shown when its weapon/type layer AND its side layer
 * AND (when present) its day layer are switched on in the layer control AND the time
 * control admits its date.  The type/side/day entries of the layer control are empty
 * "toggle" layers; every drawn layer (points canvas, region polygons, heat map) is
 * redrawn from the same filter, which is how time and layers combine.
 *
 * Security: article text reaches the page only through textContent/createTextNode;
 * links are made only for http(s) URLs.  Nothing here uses innerHTML with data.
 */
(function () {
  'use strict';

  var CATS = [
    {key: 'missile', label: 'Missile', color: '#d55e00', angle: 45},
    {key: 'drone', label: 'Drone', color: '#0072b2', angle: -45},
    {key: 'artillery', label: 'Artillery / shelling', color: '#e69f00', angle: 0},
    {key: 'bomb', label: 'Air / glide bomb', color: '#cc79a7', angle: 90},
    {key: 'intercepted', label: 'Intercepted', color: '#009e73', angle: 30},
    {key: 'unknown', label: 'Unknown weapon', color: '#6f6f6f', angle: -30}
  ];
  var SIDES = [
    {key: 'ukraine', label: 'Strikes on Ukraine', dot: '#ffffff'},
    {key: 'russia', label: 'Strikes on Russia', dot: '#1a1a1a'},
    {key: 'other', label: 'Other / unclear side', dot: null}
  ];
  var PRECISION = {1: 'town', 2: 'near a town', 3: 'region'};
  var TIME_PRECISION = {1: 'day', 2: 'week', 3: 'month'};
  var DAY_MS = 86400000;
  var NEAR_RADIUS_M = 10000;
  var MAX_POPUP_EVENTS = 25;
  var EARTH_CIRCUMFERENCE = 40075016.686;
  var MAX_SPRITE_RING = 40;  // px: "near" rings up to this radius are drawn from sprites
  var CROWDED = 15000;  // symbols in view above which symbols shrink (down to half size)
  var DEFER_ABOVE = 20000;  // events above which time-control changes redraw once per frame

  // ------------------------------------------------------------------ helpers

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function isHttpUrl(u) {
    return typeof u === 'string' && /^https?:\/\/[^\s<>"]+$/i.test(u);
  }

  function fmtInt(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  function stopEvents(node) {
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
  }

  // ------------------------------------------------------------------ event data

  function EventData(d) {
    this.d = d;
    this.n = d.n;
    this.t0 = d.t0 ? Date.parse(d.t0 + 'T00:00:00Z') : null;
    this.span = d.span || 0;
    var n = d.n, i;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.r = new Float32Array(n);
    this.cosLat = new Float32Array(n);
    // Zoom-0 pixel coordinates, as L.CRS.EPSG3857.latLngToPoint(latlng, 0) computes them.
    var MAX_LAT = L.Projection.SphericalMercator.MAX_LATITUDE, RAD = Math.PI / 180;
    for (i = 0; i < n; i++) {
      var lat = Math.max(Math.min(d.lat[i], MAX_LAT), -MAX_LAT), sin = Math.sin(lat * RAD);
      this.x[i] = 256 * (0.5 + d.lon[i] / 360);
      this.y[i] = 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
      this.cosLat[i] = Math.cos(d.lat[i] * Math.PI / 180);
      var c = Math.max(d.killed[i], 0) + Math.max(d.injured[i], 0);
      this.r[i] = Math.min(5 + 2.2 * Math.log2(1 + c), 20);
    }
    // Draw big symbols first so small ones stay visible on top.
    // (Sorting packed numeric keys natively is far faster than a comparator at 100k.)
    var keys = new Float64Array(n), SHIFT = 4294967296;  // 2^32 > any event count
    for (i = 0; i < n; i++) { keys[i] = Math.round((20 - this.r[i]) * 1000) * SHIFT + i; }
    keys.sort();
    this.order = new Int32Array(n);
    for (i = 0; i < n; i++) { this.order[i] = keys[i] % SHIFT; }
    this.undatedCount = 0;
    for (i = 0; i < n; i++) { if (d.day[i] < 0) { this.undatedCount++; } }
  }

  EventData.prototype.str = function (col, i) {
    var values = this.d.s[col], codes = this.d.sc[col];
    if (!values) { return null; }
    if (codes === null) { return values[i]; }  // all distinct: stored in event order
    var k = codes[i];
    return k < 0 ? null : values[k];
  };

  EventData.prototype.dayIso = function (day) {
    return new Date(this.t0 + day * DAY_MS).toISOString().slice(0, 10);
  };

  EventData.prototype.isoDay = function (iso) {
    var t = Date.parse(iso + 'T00:00:00Z');
    return isNaN(t) || this.t0 === null ? null : Math.round((t - this.t0) / DAY_MS);
  };

  EventData.prototype.dateText = function (i) {
    var day = this.d.day[i];
    if (day < 0) { return 'undated'; }
    var tp = this.d.tprec[i];
    var s = this.dayIso(day);
    return tp > 1 && TIME_PRECISION[tp] ? s + ' (\u00b1 ' + TIME_PRECISION[tp] + ')' : s;
  };

  EventData.prototype.weaponText = function (i) {
    var w = this.str('weapon', i) || 'unknown';
    var m = this.str('weapon_model', i);
    return m ? w + ' (' + m + ')' : w;
  };

  EventData.prototype.placeText = function (i) {
    return this.str('place_name', i) || this.str('place_text', i) || 'unknown place';
  };

  // ------------------------------------------------------------------ popups

  function addRow(dl, label, value) {
    if (value === null || value === undefined || value === '') { return; }
    dl.appendChild(el('dt', null, label));
    dl.appendChild(el('dd', null, value));
  }

  function casualtyText(v) { return v < 0 ? '?' : String(v); }

  function eventCard(ev, i) {
    var d = ev.d;
    var card = el('div', 'gm-card');
    var head = el('div', 'gm-card-head');
    var sw = el('span', 'gm-swatch');
    sw.style.background = CATS[d.cat[i]].color;
    head.appendChild(sw);
    head.appendChild(el('strong', null, ev.dateText(i) + ' \u2014 ' + CATS[d.cat[i]].label));
    card.appendChild(head);
    var dl = el('dl', 'gm-dl');
    addRow(dl, 'Place (as written)', ev.str('place_text', i));
    var resolved = [ev.str('place_name', i), ev.str('admin1_name', i), ev.str('country_code', i)]
      .filter(function (s) { return s; }).join(', ');
    addRow(dl, 'Resolved', resolved || 'not resolved');
    addRow(dl, 'Side', SIDES[d.side[i]].label);
    addRow(dl, 'Type', ev.str('event_type', i));
    addRow(dl, 'Weapon', ev.weaponText(i));
    addRow(dl, 'Actor', ev.str('actor', i));
    addRow(dl, 'Target', ev.str('target', i));
    addRow(dl, 'Killed / injured', casualtyText(d.killed[i]) + ' / ' + casualtyText(d.injured[i]));
    addRow(dl, 'Intercepted', d.icpt[i] ? 'yes' : 'no');
    var prec = PRECISION[d.prec[i]] || 'unknown';
    if (d.prec[i] === 3 && d.shape[i] !== 3) { prec += ' (outline unavailable: drawn as a circle)'; }
    addRow(dl, 'Location precision', prec);
    addRow(dl, 'Date source', ev.str('date_source', i));
    addRow(dl, 'Confidence', d.conf[i] < 0 ? null : d.conf[i].toFixed(2));
    addRow(dl, 'Event ID', ev.str('event_id', i));
    card.appendChild(dl);
    var quote = ev.str('quote', i);
    if (quote) { card.appendChild(el('blockquote', 'gm-quote', quote)); }
    var srcs = d.srcs[i] || [];
    if (srcs.length) {
      card.appendChild(el('div', 'gm-src-head', srcs.length > 1 ? srcs.length + ' sources' : 'Source'));
      var ul = el('ul', 'gm-sources');
      srcs.forEach(function (k) {
        var s = d.src[k];  // [title, url, published]
        var li = el('li');
        var label = s[0] || s[1] || 'untitled';
        if (isHttpUrl(s[1])) {
          var a = el('a', null, label);
          a.href = s[1];
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          li.appendChild(a);
        } else {
          li.appendChild(el('span', null, label));
        }
        if (s[2]) { li.appendChild(el('span', 'gm-muted', ' (' + s[2] + ')')); }
        ul.appendChild(li);
      });
      card.appendChild(ul);
    }
    return card;
  }

  function popupContent(ev, idx, heading) {
    var box = el('div', 'gm-popup');
    if (heading) { box.appendChild(el('div', 'gm-popup-title', heading)); }
    if (idx.length > 1) {
      box.appendChild(el('div', 'gm-popup-count', idx.length + ' events here'));
    }
    idx.slice(0, MAX_POPUP_EVENTS).forEach(function (i) { box.appendChild(eventCard(ev, i)); });
    if (idx.length > MAX_POPUP_EVENTS) {
      box.appendChild(el('div', 'gm-muted',
        '\u2026 and ' + (idx.length - MAX_POPUP_EVENTS) + ' more: zoom in or narrow the dates.'));
    }
    return box;
  }

  function tooltipContent(ev, idx) {
    var i = idx[0];
    var box = el('div', 'gm-tip');
    box.appendChild(el('strong', null, ev.dateText(i)));
    box.appendChild(document.createTextNode(' \u00b7 ' + CATS[ev.d.cat[i]].label + ' \u00b7 ' + ev.placeText(i)));
    if (idx.length > 1) { box.appendChild(el('div', 'gm-muted', '+ ' + (idx.length - 1) + ' more here')); }
    return box;
  }

  // ------------------------------------------------------------------ drawing

  /** A map pin with its tip at (x, y) and a round head of radius r, as a subpath. */
  function pinSubpath(ctx, x, y, r) {
    var d = r * 1.9, cy = y - d, b = Math.acos(r / d);
    ctx.moveTo(x, y);
    ctx.arc(x, cy, r, Math.PI / 2 + b, Math.PI / 2 - b);
    ctx.closePath();
  }

  function drawRing(ctx, x, y, R, color) {
    ctx.beginPath();
    ctx.arc(x, y, R, 0, 2 * Math.PI);
    ctx.globalAlpha = 0.18;
    ctx.fillStyle = color;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = 2;
    ctx.strokeStyle = color;
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function drawDot(ctx, x, y, r, color) {
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#222';
    ctx.stroke();
  }

  /** The non-transparent pixels of a sprite: offsets, packed values, RGBA. */
  function spritePixels(img) {
    var w = img.width, src = img.data, src32 = new Uint32Array(src.buffer), k = 0, p;
    var count = 0;
    for (p = 3; p < src.length; p += 4) { if (src[p]) { count++; } }
    var sp = {off: new Int16Array(2 * count), val: new Uint32Array(count), rgba: new Uint8Array(4 * count)};
    for (p = 0; p < src32.length; p++) {
      if (!src[4 * p + 3]) { continue; }
      sp.off[2 * k] = p % w;
      sp.off[2 * k + 1] = (p / w) | 0;
      sp.val[k] = src32[p];
      sp.rgba.set(src.subarray(4 * p, 4 * p + 4), 4 * k);
      k++;
    }
    return sp;
  }

  /** Composite sprite ``sp`` at device pixel (ox, oy) over ImageData pixels (source-over). */
  function blit(sp, ox, oy, data, u32, W, H) {
    var off = sp.off, val = sp.val, rgba = sp.rgba, n = val.length;
    for (var k = 0; k < n; k++) {
      var x = ox + off[2 * k], y = oy + off[2 * k + 1];
      if (x < 0 || y < 0 || x >= W || y >= H) { continue; }
      var p = y * W + x, a = rgba[4 * k + 3], o = p << 2, da = data[o + 3];
      if (a === 255 || da === 0) { u32[p] = val[k]; continue; }
      var as = a / 255, ad = (da / 255) * (1 - as), oa = as + ad;
      data[o] = (rgba[4 * k] * as + data[o] * ad) / oa;
      data[o + 1] = (rgba[4 * k + 1] * as + data[o + 1] * ad) / oa;
      data[o + 2] = (rgba[4 * k + 2] * as + data[o + 2] * ad) / oa;
      data[o + 3] = oa * 255;
    }
  }

  /** One canvas drawing every visible town (pin) and "near" (circle) event. */
  var EventCanvas = L.Layer.extend({
    initialize: function (view) {
      this._v = view;
      var n = view.ev.n;
      this._hx = new Float32Array(n);
      this._hy = new Float32Array(n);
      this._hr = new Float32Array(n);
      this._hTop = new Uint8Array(n);  // drawn kind: 1 pin, 2 circle
      this._hi = new Int32Array(n);
      this._hn = 0;
      this._sprites = {};
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'gm-events-canvas leaflet-zoom-hide');
      map.getPane('gmEvents').appendChild(this._canvas);
      map.on('moveend zoomend resize viewreset', this._reset, this);
      this._reset();
    },

    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend zoomend resize viewreset', this._reset, this);
      this._hn = 0;
    },

    _reset: function () {
      var map = this._map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
      this._canvas.width = Math.round(size.x * ratio);
      this._canvas.height = Math.round(size.y * ratio);
      this._canvas.style.width = size.x + 'px';
      this._canvas.style.height = size.y + 'px';
      if (this._ratio !== ratio) { this._sprites = {}; }
      this._ratio = ratio;
      this.redraw();
    },

    redraw: function () {
      if (!this._map) { return; }
      var v = this._v, ev = v.ev, d = ev.d, map = this._map;
      var ctx = this._canvas.getContext('2d');
      var ratio = this._ratio, size = map.getSize();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      // Container pixel = zoom-0 pixel * 2^zoom + offset (EPSG:3857 is linear in scale).
      var k = map.getZoomScale(map.getZoom(), 0);
      var origin = L.CRS.EPSG3857.latLngToPoint(L.latLng(0, 0), 0);
      var ref = map.latLngToContainerPoint(L.latLng(0, 0));
      var ox = ref.x - origin.x * k, oy = ref.y - origin.y * k;
      var metresPerPx0 = EARTH_CIRCUMFERENCE / (256 * k);
      var margin = 40, w = size.x + margin, h = size.y + 3 * margin;
      var vis = v.visible, order = ev.order, n = ev.n;
      var hx = this._hx, hy = this._hy, hr = this._hr, hi = this._hi, hk = this._hTop;
      var hn = 0, pins = 0, circles = 0;
      // Collect what is visible and in view: circles first (under), then pins, big to small.
      for (var pass = 2; pass >= 1; pass--) {
        for (var j = 0; j < n; j++) {
          var i = order[j];
          if (!vis[i] || d.shape[i] !== pass) { continue; }
          var x = ev.x[i] * k + ox, y = ev.y[i] * k + oy;
          if (x < -margin || y < -margin || x > w || y > h) { continue; }
          hx[hn] = x;
          hy[hn] = y;
          hi[hn] = i;
          hk[hn] = pass;
          hr[hn] = pass === 2 ? NEAR_RADIUS_M / (metresPerPx0 * ev.cosLat[i]) : 0;
          if (pass === 2) { circles++; } else { pins++; }
          hn++;
        }
      }
      // Crowded views get smaller symbols (a carpet of full-size pins reads no better and
      // costs 4x the pixels); the scale is shown in the legend's note via stats.
      var scale = hn > CROWDED ? Math.max(0.5, Math.sqrt(CROWDED / hn)) : 1;
      for (var g = 0; g < hn; g++) {
        var rs = ev.r[hi[g]] * scale;
        hr[g] = hk[g] === 2 ? Math.max(hr[g], rs + 4) : rs;
      }
      this._scale = scale;
      v.stats.symbolScale = Math.round(scale * 100) / 100;
      this._hn = hn;
      this._draw(ctx);
      v.stats.pins = pins;
      v.stats.circles = circles;
      v.stats.drawnPoints = hn;
    },

    /** Draw the collected symbols.  Each is a cached sprite copied pixel by pixel into
     *  one ImageData: 100k canvas calls (paths or drawImage) take seconds to record
     *  and rasterise in software, a typed-array copy takes tens of milliseconds.
     *  "Near" rings too large for a sprite are drawn as paths first, underneath. */
    _draw: function (ctx) {
      var ev = this._v.ev, d = ev.d, ratio = this._ratio, h, i;
      var W = this._canvas.width, H = this._canvas.height, big = false;
      for (h = 0; h < this._hn; h++) {
        if (this._hTop[h] === 2 && Math.round(this._hr[h]) > MAX_SPRITE_RING) {
          i = this._hi[h];
          drawRing(ctx, this._hx[h], this._hy[h], this._hr[h], CATS[d.cat[i]].color);
          drawDot(ctx, this._hx[h], this._hy[h], ev.r[i] * this._scale * 0.6, CATS[d.cat[i]].color);
          big = true;
        }
      }
      if (!W || !H) { return; }
      var img = big ? ctx.getImageData(0, 0, W, H) : ctx.createImageData(W, H);
      var data = img.data, u32 = new Uint32Array(data.buffer);
      for (h = 0; h < this._hn; h++) {
        i = this._hi[h];
        var sp;
        if (this._hTop[h] === 1) {
          sp = this._sprite('p', d.cat[i], d.side[i], Math.round(this._hr[h] * 2) / 2, 0);
        } else {
          var R = Math.round(this._hr[h]);
          if (R > MAX_SPRITE_RING) { continue; }
          sp = this._sprite('c', d.cat[i], 0, Math.round(ev.r[i] * this._scale * 1.2) / 2, R);
        }
        blit(sp, Math.round((this._hx[h] - sp.ax) * ratio), Math.round((this._hy[h] - sp.ay) * ratio),
             data, u32, W, H);
      }
      ctx.putImageData(img, 0, 0);
    },

    _sprite: function (kind, cat, side, r, R) {
      var key = kind + cat + '_' + side + '_' + r + '_' + R, sp = this._sprites[key];
      if (sp) { return sp; }
      var pad = 2, color = CATS[cat].color, ratio = this._ratio, w, h, ax, ay;
      if (kind === 'p') {
        w = 2 * r + 2 * pad; h = 2.9 * r + 2 * pad; ax = r + pad; ay = r + pad + 1.9 * r;
      } else {
        w = h = 2 * R + 2 * pad; ax = ay = R + pad;
      }
      var c = document.createElement('canvas');
      c.width = Math.ceil(w * ratio);
      c.height = Math.ceil(h * ratio);
      var g = c.getContext('2d');
      g.scale(ratio, ratio);
      if (kind === 'p') {
        g.beginPath();
        pinSubpath(g, ax, ay, r);
        g.fillStyle = color;
        g.fill();
        g.lineWidth = 1;
        g.strokeStyle = '#222';
        g.stroke();
        var dot = SIDES[side].dot;
        if (dot) {
          g.beginPath();
          g.arc(ax, ay - 1.9 * r, r * 0.42, 0, 2 * Math.PI);
          g.fillStyle = dot;
          g.fill();
        }
      } else {
        drawRing(g, ax, ay, R, color);
        drawDot(g, ax, ay, r, color);
      }
      sp = spritePixels(g.getImageData(0, 0, c.width, c.height));
      sp.ax = ax;
      sp.ay = ay;
      this._sprites[key] = sp;
      return sp;
    },

    /** Indices of drawn events under container point p, nearest first. */
    hit: function (p) {
      var out = [], hx = this._hx, hy = this._hy, hr = this._hr, hk = this._hTop;
      for (var h = this._hn - 1; h >= 0; h--) {
        var r = hr[h], dx = p.x - hx[h], dy = p.y - hy[h], inside;
        if (hk[h] === 1) {  // pin: round head above the tip, plus the stem
          var hdy = dy + r * 1.9;
          inside = dx * dx + hdy * hdy <= (r + 2) * (r + 2) ||
            (Math.abs(dx) <= r * 0.6 && dy <= 1 && dy >= -r * 1.9);
          dy = hdy;
        } else {
          inside = dx * dx + dy * dy <= r * r;
        }
        if (inside) { out.push([dx * dx + dy * dy, this._hi[h]]); }
      }
      out.sort(function (a, b) { return a[0] - b[0]; });
      return out.map(function (o) { return o[1]; });
    }
  });

  /** Place-name labels (countries or admin-1 units) shown within a zoom range. */
  var LabelLayer = L.Layer.extend({
    initialize: function (labels, minZoom, maxZoom, cls) {
      this._labels = labels;  // [[lat, lon, text], ...]
      this._minZoom = minZoom;
      this._maxZoom = maxZoom;
      this._cls = cls;
    },
    onAdd: function (map) {
      this._box = L.DomUtil.create('div', 'gm-labels leaflet-zoom-hide');
      map.getPane('gmLabels').appendChild(this._box);
      map.on('moveend zoomend', this._update, this);
      this._update();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._box);
      map.off('moveend zoomend', this._update, this);
    },
    _update: function () {
      var map = this._map, z = map.getZoom();
      L.DomUtil.empty(this._box);
      if (z < this._minZoom || z > this._maxZoom) { return; }
      var b = map.getBounds().pad(0.1), placed = [];
      for (var j = 0; j < this._labels.length && placed.length < 400; j++) {
        var lab = this._labels[j], ll = L.latLng(lab[0], lab[1]);
        if (!b.contains(ll)) { continue; }
        // Greedy decluttering: skip a label whose (estimated) box hits a placed one.
        var p = map.latLngToLayerPoint(ll), hw = lab[2].length * 3.4 + 4, hh = 8;
        var clash = placed.some(function (q) {
          return Math.abs(q[0] - p.x) < q[2] + hw && Math.abs(q[1] - p.y) < hh * 2;
        });
        if (clash) { continue; }
        placed.push([p.x, p.y, hw]);
        var div = el('div', 'gm-label ' + this._cls, lab[2]);
        L.DomUtil.setPosition(div, p);
        this._box.appendChild(div);
      }
    }
  });

  /** The layer control, with group headings between overlay groups. */
  var GroupedLayers = L.Control.Layers.extend({
    _update: function () {
      this._gmLastGroup = null;
      return L.Control.Layers.prototype._update.call(this);
    },
    _addItem: function (obj) {
      var group = obj.overlay ? obj.layer._gmGroup : null;
      if (group && group !== this._gmLastGroup) {
        this._overlaysList.appendChild(el('div', 'gm-layer-group', group));
      }
      if (obj.overlay) { this._gmLastGroup = group; }
      return L.Control.Layers.prototype._addItem.call(this, obj);
    }
  });

  function swatchLabel(color, text, shape) {
    return '<span class="gm-swatch gm-' + shape + '" style="background:' + color + '"></span>' +
      escapeHtml(text);
  }

  function hatchDefs() {
    var id = 'gm-hatch-defs';
    if (document.getElementById(id)) { return; }
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('id', id);
    svg.setAttribute('width', '0');
    svg.setAttribute('height', '0');
    svg.setAttribute('aria-hidden', 'true');
    svg.style.position = 'absolute';
    var defs = document.createElementNS(NS, 'defs');
    CATS.forEach(function (c) {
      var pat = document.createElementNS(NS, 'pattern');
      pat.setAttribute('id', 'gm-hatch-' + c.key);
      pat.setAttribute('patternUnits', 'userSpaceOnUse');
      pat.setAttribute('width', '8');
      pat.setAttribute('height', '8');
      pat.setAttribute('patternTransform', 'rotate(' + c.angle + ')');
      var bg = document.createElementNS(NS, 'rect');
      bg.setAttribute('width', '8');
      bg.setAttribute('height', '8');
      bg.setAttribute('fill', c.color);
      bg.setAttribute('fill-opacity', '0.12');
      var line = document.createElementNS(NS, 'line');
      line.setAttribute('x1', '0'); line.setAttribute('y1', '0');
      line.setAttribute('x2', '0'); line.setAttribute('y2', '8');
      line.setAttribute('stroke', c.color);
      line.setAttribute('stroke-width', '2.5');
      line.setAttribute('stroke-opacity', '0.7');
      pat.appendChild(bg);
      pat.appendChild(line);
      defs.appendChild(pat);
    });
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  // ------------------------------------------------------------------ the view

  function View(map, data) {
    this.map = map;
    this.data = data;
    this.ev = new EventData(data);
    this.visible = new Uint8Array(this.ev.n);
    this.stats = {total: this.ev.n, visible: 0, pins: 0, circles: 0, drawnPoints: 0,
                  regionPolygons: 0, regionEvents: 0, skipped: data.skipped || 0};
    this.from = 0;
    this.to = Math.max(this.ev.span - 1, 0);
    this.dayMode = false;
    this.showUndated = true;
    this._muted = true;
    this._build();
    this._muted = false;
    this.refresh();
  }

  View.prototype._build = function () {
    var map = this.map, data = this.data, self = this;
    map.createPane('gmBase').style.zIndex = 250;
    map.createPane('gmRegions').style.zIndex = 410;
    map.createPane('gmLabels').style.zIndex = 420;
    map.createPane('gmEvents').style.zIndex = 430;
    map.getPane('gmLabels').style.pointerEvents = 'none';
    map.getPane('gmEvents').style.pointerEvents = 'none';
    L.DomUtil.addClass(map.getContainer(), 'gm-map');
    hatchDefs();

    if (data.bounds) {
      // Keep the events clear of the controls (layers on the right, time control below).
      var size = map.getSize();
      map.fitBounds(data.bounds, {
        paddingTopLeft: [Math.min(220, size.x * 0.2), 50],
        paddingBottomRight: [Math.min(330, size.x * 0.3), Math.min(170, size.y * 0.25)],
        maxZoom: 10, animate: false
      });
    }

    var baseLayers = {}, overlays = [];
    var offline = L.layerGroup();
    baseLayers['Offline: outlines only (no network)'] = offline;
    offline.addTo(map);
    if (data.tiles) {
      this.tiles = L.tileLayer(data.tiles.url, {
        attribution: data.tiles.attribution, maxZoom: 19, crossOrigin: false
      });
      baseLayers['OpenStreetMap tiles (needs network)'] = this.tiles;
    }
    this._buildBase(overlays);

    this.regionRenderer = L.svg({pane: 'gmRegions', padding: 0.3});
    this.regions = L.layerGroup().addTo(map);
    this.points = new EventCanvas(this).addTo(map);
    if (L.heatLayer) {
      this.heat = L.heatLayer([], {radius: 18, blur: 15, maxZoom: 10, minOpacity: 0.3});
      this.heat._gmGroup = 'Density';
      this._heatDirty = true;
    }

    this.toggles = [];
    var counts = this._counts();
    this.catLayers = CATS.map(function (c, k) {
      return self._toggle('Weapon / type', swatchLabel(c.color, c.label + ' (' + fmtInt(counts.cat[k]) + ')', 'dot'));
    });
    this.sideLayers = SIDES.map(function (s, k) {
      if (k === 2 && counts.side[2] === 0) { return null; }
      return self._toggle('Side', swatchLabel(s.dot || 'transparent', s.label + ' (' + fmtInt(counts.side[k]) + ')', 'side'));
    });
    this.dayLayers = null;
    if (data.day_layers && this.ev.span > 0) {
      this.dayLayers = [];
      for (var day = 0; day < this.ev.span; day++) {
        this.dayLayers.push(counts.day[day] ? this._toggle('Days', escapeHtml(this.ev.dayIso(day)) +
          ' (' + fmtInt(counts.day[day]) + ')') : null);
      }
    }
    this.toggles.forEach(function (t) { overlays.push(t); });
    if (this.heat) { overlays.push([this.heat, 'Heat map (town &amp; near events)']); }

    var ov = {};
    overlays.forEach(function (o) { ov[o[1]] = o[0]; });
    this.layerControl = new GroupedLayers(baseLayers, ov, {collapsed: false, position: 'topright'}).addTo(map);
    L.DomUtil.addClass(this.layerControl.getContainer(), 'gm-layers');

    map.on('layeradd layerremove', function (e) {
      if (e.layer._gmToggle && !self._muted) { self.refresh(); }
      if (e.layer === self.heat && e.type === 'layeradd') { self._updateHeat(); }
    });
    map.on('baselayerchange', function (e) { self._styleBase(e.layer === self.tiles); });
    map.on('click', function (e) { self._click(e, null); });
    map.on('mousemove', function (e) { self._hover(e); });
    map.on('mouseout', function () { self._hideTip(); });

    this.timeControl = new TimeControl(this).addTo(map);
    new Legend(this).addTo(map);
    if (data.title) {
      var t = el('div', 'gm-title', data.title);
      map.getContainer().appendChild(t);
      stopEvents(t);
    }
    L.control.scale({position: 'bottomright'}).addTo(map);
    map.attributionControl.addAttribution('geomap');
  };

  View.prototype._toggle = function (group, label) {
    var layer = L.layerGroup();
    layer._gmToggle = true;
    layer._gmGroup = group;
    layer.addTo(this.map);
    this.toggles.push([layer, label]);
    return layer;
  };

  View.prototype._counts = function () {
    var d = this.data, n = this.ev.n, out = {cat: [0, 0, 0, 0, 0, 0], side: [0, 0, 0], day: []};
    for (var k = 0; k < this.ev.span; k++) { out.day.push(0); }
    for (var i = 0; i < n; i++) {
      out.cat[d.cat[i]]++;
      out.side[d.side[i]]++;
      if (d.day[i] >= 0) { out.day[d.day[i]]++; }
    }
    return out;
  };

  View.prototype._buildBase = function (overlays) {
    var base = this.data.base || {}, map = this.map;
    var renderer = L.canvas({pane: 'gmBase', padding: 0.5});
    if (base.countries) {
      this.countries = L.geoJSON(base.countries, {
        renderer: renderer, interactive: false,
        style: {color: '#7d7d7d', weight: 1, fillColor: '#f5f2ea', fillOpacity: 1}
      });
      var countryLayer = L.layerGroup([this.countries,
        new LabelLayer(base.country_labels || [], 2, 6, 'gm-label-country')]).addTo(map);
      countryLayer._gmGroup = 'Base map (offline)';
      overlays.push([countryLayer, 'Countries']);
    }
    if (base.admin1) {
      var admin1 = L.geoJSON(base.admin1, {
        renderer: renderer, interactive: false,
        style: {color: '#a39a88', weight: 0.8, dashArray: '4 3', fill: false}
      });
      var adminLayer = L.layerGroup([admin1,
        new LabelLayer(base.admin1_labels || [], 6, 19, 'gm-label-admin1')]).addTo(map);
      adminLayer._gmGroup = 'Base map (offline)';
      overlays.push([adminLayer, 'Regions (oblasts) and names']);
    }
    this._styleBase(false);
  };

  View.prototype._styleBase = function (tilesOn) {
    var c = this.map.getContainer();
    if (tilesOn) { L.DomUtil.addClass(c, 'gm-tiles-on'); } else { L.DomUtil.removeClass(c, 'gm-tiles-on'); }
    if (this.countries) { this.countries.setStyle({fillOpacity: tilesOn ? 0 : 1}); }
  };

  // --- filtering

  View.prototype.refresh = function () {
    if (this._muted) { return; }
    var map = this.map, d = this.data, n = this.ev.n, i;
    var catOn = this.catLayers.map(function (l) { return map.hasLayer(l); });
    var sideOn = this.sideLayers.map(function (l) { return !l || map.hasLayer(l); });
    var dayOn = null;
    if (this.dayLayers) {
      dayOn = this.dayLayers.map(function (l) { return !l || map.hasLayer(l); });
    }
    var from = this.from, to = this.to, undated = this.showUndated, count = 0;
    var vis = this.visible;
    for (i = 0; i < n; i++) {
      var day = d.day[i], ok = catOn[d.cat[i]] && sideOn[d.side[i]];
      if (ok) {
        if (day < 0) { ok = undated; } else { ok = day >= from && day <= to && (!dayOn || dayOn[day]); }
      }
      vis[i] = ok ? 1 : 0;
      count += vis[i];
    }
    this.stats.visible = count;
    this.points.redraw();
    this._drawRegions();
    this._heatDirty = true;
    if (this.heat && map.hasLayer(this.heat)) { this._updateHeat(); }
    if (this.timeControl) { this.timeControl.update(); }
    var c = map.getContainer();
    c.setAttribute('data-gm-visible', String(count));
    map.fire('gm:refresh', {stats: this.stats});
  };

  View.prototype._drawRegions = function () {
    var d = this.data, ev = this.ev, n = ev.n, self = this, groups = {}, keys = [], i;
    this.regions.clearLayers();
    var regionEvents = 0;
    for (i = 0; i < n; i++) {
      if (!this.visible[i] || d.shape[i] !== 3) { continue; }
      var key = d.geom[i] * 8 + d.cat[i];
      if (!groups[key]) { groups[key] = []; keys.push(key); }
      groups[key].push(i);
      regionEvents++;
    }
    if (!this._regionLatLngs) { this._regionLatLngs = []; }
    keys.forEach(function (key) {
      var idx = groups[key], g = d.geom[idx[0]], cat = CATS[d.cat[idx[0]]];
      var latlngs = self._regionLatLngs[g];
      if (!latlngs) {
        var geom = d.regions[g];
        latlngs = L.GeoJSON.coordsToLatLngs(geom.coordinates, geom.type === 'MultiPolygon' ? 2 : 1);
        self._regionLatLngs[g] = latlngs;
      }
      var poly = L.polygon(latlngs, {
        renderer: self.regionRenderer, pane: 'gmRegions', color: cat.color, weight: 2,
        dashArray: '6 4', fillColor: 'url(#gm-hatch-' + cat.key + ')', fillOpacity: 1,
        className: 'gm-region gm-region-' + cat.key
      });
      poly.on('click', function (e) {
        L.DomEvent.stopPropagation(e);
        self._click(e, idx);
      });
      poly.on('mouseover', function () { poly.setStyle({weight: 3}); });
      poly.on('mouseout', function () { poly.setStyle({weight: 2}); });
      self.regions.addLayer(poly);
    });
    this.stats.regionPolygons = keys.length;
    this.stats.regionEvents = regionEvents;
  };

  View.prototype._updateHeat = function () {
    if (!this.heat || !this._heatDirty) { return; }
    var d = this.data, pts = [];
    for (var i = 0; i < this.ev.n; i++) {
      if (this.visible[i] && d.shape[i] !== 3) { pts.push([d.lat[i], d.lon[i], 1]); }
    }
    this._heatDirty = false;
    if (this.map.hasLayer(this.heat)) { this.heat.setLatLngs(pts); } else { this.heat._latlngs = pts; }
  };

  // --- interaction

  View.prototype._click = function (e, regionIdx) {
    var hits = this.points.hit(e.containerPoint);
    var idx = hits.length ? hits : regionIdx;
    if (!idx || !idx.length) { return; }
    var heading = null;
    if (!hits.length) {
      var i0 = idx[0];
      heading = 'Region: ' + (this.ev.str('admin1_name', i0) || this.ev.str('place_name', i0) ||
        this.ev.str('place_text', i0) || 'unknown');
    }
    var ll = hits.length ? L.latLng(this.data.lat[idx[0]], this.data.lon[idx[0]]) : e.latlng;
    this._hideTip();
    this.popup = L.popup({maxWidth: 380, minWidth: 240, maxHeight: 360, className: 'gm-leaflet-popup',
                          autoPanPaddingTopLeft: [20, 56], autoPanPaddingBottomRight: [20, 20]})
      .setLatLng(ll).setContent(popupContent(this.ev, idx, heading)).openOn(this.map);
  };

  View.prototype._hover = function (e) {
    var hits = this.points.hit(e.containerPoint), c = this.map.getContainer();
    if (!hits.length) {
      L.DomUtil.removeClass(c, 'gm-hover');
      this._hideTip();
      return;
    }
    L.DomUtil.addClass(c, 'gm-hover');
    if (this._tipFor === hits[0] && this._tip) { return; }
    this._tipFor = hits[0];
    if (!this._tip) { this._tip = L.tooltip({direction: 'top', offset: [0, -12], className: 'gm-tooltip'}); }
    this._tip.setLatLng(L.latLng(this.data.lat[hits[0]], this.data.lon[hits[0]]))
      .setContent(tooltipContent(this.ev, hits));
    this.map.openTooltip(this._tip);
  };

  View.prototype._hideTip = function () {
    if (this._tip) { this.map.closeTooltip(this._tip); }
    this._tipFor = null;
  };

  // --- time filter API (used by the time control; handy from the console)

  /** Refresh now, or, for big data sets, once per animation frame (slider drags). */
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

  View.prototype.setDay = function (day) {
    day = Math.max(0, Math.min(day, this.ev.span - 1));
    this.dayMode = true;
    this.from = this.to = day;
    this._refreshSoon();
  };

  View.prototype.setRange = function (from, to) {
    var last = Math.max(this.ev.span - 1, 0);
    from = Math.max(0, Math.min(from, last));
    to = Math.max(0, Math.min(to, last));
    if (to < from) { var t = from; from = to; to = t; }
    this.dayMode = false;
    this.from = from;
    this.to = to;
    this._refreshSoon();
  };

  View.prototype.showAll = function () { this.setRange(0, this.ev.span - 1); };

  View.prototype.setUndated = function (on) {
    this.showUndated = !!on;
    this.refresh();
  };

  View.prototype.rangeText = function () {
    var ev = this.ev;
    if (!ev.span) { return 'No dated events'; }
    if (this.from === this.to) { return ev.dayIso(this.from); }
    var all = this.from === 0 && this.to === ev.span - 1;
    return ev.dayIso(this.from) + ' \u2192 ' + ev.dayIso(this.to) + (all ? ' (all dates)' : '');
  };

  // ------------------------------------------------------------------ time control

  var TimeControl = L.Control.extend({
    options: {position: 'bottomleft'},

    initialize: function (view) { this._v = view; },

    onAdd: function () {
      var v = this._v, ev = v.ev, self = this;
      var box = el('div', 'gm-time leaflet-bar');
      stopEvents(box);
      this._label = el('div', 'gm-time-label');
      box.appendChild(this._label);
      this._count = el('div', 'gm-time-count');
      box.appendChild(this._count);
      if (ev.span > 0) {
        var row = el('div', 'gm-time-row');
        this._prev = this._button(row, '\u25c0', 'Previous day', function () { self._step(-1); });
        this._play = this._button(row, '\u25b6', 'Play day by day', function () { self._togglePlay(); });
        this._next = this._button(row, '\u25b6\u2502', 'Next day', function () { self._step(1); });
        this._slider = el('input', 'gm-time-slider');
        this._slider.type = 'range';
        this._slider.min = '0';
        this._slider.max = String(ev.span - 1);
        this._slider.step = '1';
        this._slider.value = '0';
        this._slider.setAttribute('aria-label', 'Day');
        L.DomEvent.on(this._slider, 'input change', function () { v.setDay(+self._slider.value); });
        row.appendChild(this._slider);
        box.appendChild(row);

        var range = el('div', 'gm-time-row');
        this._from = this._dateInput(range, 'From');
        this._to = this._dateInput(range, 'to');
        var onRange = function () {
          var f = ev.isoDay(self._from.value), t = ev.isoDay(self._to.value);
          v.setRange(f === null ? 0 : f, t === null ? ev.span - 1 : t);
        };
        L.DomEvent.on(this._from, 'change', onRange);
        L.DomEvent.on(this._to, 'change', onRange);
        this._button(range, 'All dates', 'Show every date', function () { self._stop(); v.showAll(); });
        box.appendChild(range);
      }
      var und = el('label', 'gm-time-undated');
      this._undated = el('input');
      this._undated.type = 'checkbox';
      this._undated.checked = v.showUndated;
      this._undated.disabled = ev.undatedCount === 0;
      L.DomEvent.on(this._undated, 'change', function () { v.setUndated(self._undated.checked); });
      und.appendChild(this._undated);
      und.appendChild(document.createTextNode(' Undated events (' + fmtInt(ev.undatedCount) + ')'));
      box.appendChild(und);
      this._box = box;
      this.update();
      return box;
    },

    onRemove: function () { this._stop(); },

    _button: function (parent, text, title, fn) {
      var b = el('button', 'gm-btn', text);
      b.type = 'button';
      b.title = title;
      b.setAttribute('aria-label', title);
      L.DomEvent.on(b, 'click', fn);
      parent.appendChild(b);
      return b;
    },

    _dateInput: function (parent, label) {
      var ev = this._v.ev;
      var lab = el('label', 'gm-date', label + ' ');
      var inp = el('input');
      inp.type = 'date';
      inp.min = ev.dayIso(0);
      inp.max = ev.dayIso(ev.span - 1);
      lab.appendChild(inp);
      parent.appendChild(lab);
      return inp;
    },

    _step: function (delta) {
      var v = this._v, day = v.dayMode ? v.from + delta : (delta > 0 ? v.from : v.to);
      if (day > v.ev.span - 1) { day = 0; }
      if (day < 0) { day = v.ev.span - 1; }
      v.setDay(day);
    },

    _togglePlay: function () {
      if (this._timer) { this._stop(); return; }
      var self = this;
      this._play.textContent = '\u275a\u275a';
      if (!this._v.dayMode) { this._v.setDay(this._v.from); }
      this._timer = setInterval(function () { self._step(1); }, 900);
    },

    _stop: function () {
      if (this._timer) { clearInterval(this._timer); this._timer = null; }
      if (this._play) { this._play.textContent = '\u25b6'; }
    },

    update: function () {
      if (!this._box) { return; }
      var v = this._v, ev = v.ev;
      this._label.textContent = v.rangeText();
      var s = v.stats;
      this._count.textContent = fmtInt(s.visible) + ' of ' + fmtInt(s.total) + ' events shown' +
        (s.skipped ? ' (' + fmtInt(s.skipped) + ' without coordinates not mapped)' : '');
      if (this._slider) {
        this._slider.value = String(v.from);
        L.DomUtil[v.dayMode ? 'removeClass' : 'addClass'](this._slider, 'gm-dim');
        this._from.value = ev.dayIso(v.from);
        this._to.value = ev.dayIso(v.to);
      }
    }
  });

  // ------------------------------------------------------------------ legend

  var Legend = L.Control.extend({
    options: {position: 'topleft'},
    initialize: function (view) { this._v = view; },
    onAdd: function () {
      var box = el('details', 'gm-legend leaflet-bar');
      box.open = window.innerHeight >= 700;
      stopEvents(box);
      box.appendChild(el('summary', null, 'Legend'));
      var item = function (cls, color, text) {
        var row = el('div', 'gm-legend-row');
        var sym = el('span', 'gm-sym ' + cls);
        if (color) { sym.style.setProperty('--c', color); }
        row.appendChild(sym);
        row.appendChild(document.createTextNode(text));
        box.appendChild(row);
      };
      box.appendChild(el('div', 'gm-legend-head', 'Weapon / type (colour)'));
      CATS.forEach(function (c) { item('gm-sym-dot', c.color, c.label); });
      box.appendChild(el('div', 'gm-legend-head', 'Where (shape)'));
      item('gm-sym-pin', '#888', 'Town');
      item('gm-sym-near', '#888', 'Near a town (~10 km)');
      item('gm-sym-region', '#888', 'Somewhere in a region');
      box.appendChild(el('div', 'gm-legend-head', 'Side (pin centre)'));
      item('gm-sym-pin gm-sym-pin-ua', '#888', 'Strikes on Ukraine');
      item('gm-sym-pin gm-sym-pin-ru', '#888', 'Strikes on Russia');
      item('gm-sym-pin', '#888', 'Other / unclear side');
      box.appendChild(el('div', 'gm-legend-head', 'Size: killed + injured'));
      item('gm-sym-size1', '#888', '0');
      item('gm-sym-size2', '#888', '10');
      item('gm-sym-size3', '#888', '100+');
      return box;
    }
  });

  // ------------------------------------------------------------------ entry point

  function init(map, data, t0) {
    var t1 = performance.now();
    var view = new View(map, data);
    view.timings = {parse: t0 === undefined ? null : t1 - t0, build: performance.now() - t1};
    window.geomap.views.push(view);
    window.geomap.ready = true;
    window.geomap.readyAt = performance.now();
    map.getContainer().setAttribute('data-gm-ready', '1');
    return view;
  }

  function initFromElement(map, id) {
    var t0 = performance.now();
    var node = document.getElementById(id);
    return init(map, JSON.parse(node.textContent), t0);
  }

  window.geomap = {init: init, initFromElement: initFromElement, views: [], ready: false,
                   CATS: CATS, SIDES: SIDES};
}());
