/* gm-canvas.js - one canvas drawing every town (pin) and "near" (circle) event, clustered.
 *
 * Clusters are made in screen space at each whole zoom, over every event that passes the
 * filters (not only those in view, so panning never regroups them): greedily, each event
 * not yet taken opens a cluster holding every free event within CLUSTER_PX of it.  A
 * cluster is drawn as a ring split by weapon/type with its count; a cluster of one is the
 * event's own symbol, sized by killed + injured.  Clicking a cluster zooms to it, or,
 * when its events share one place (or the map is at its last zoom), spreads them around
 * the spot ("spider") so each can be opened.
 *
 * Single symbols are cached sprites copied pixel by pixel into one ImageData: thousands of
 * canvas path calls take long to rasterise in software, a typed-array copy is quick.
 */
(function () {
  'use strict';

  var G = window.geomap;
  var NEAR_RADIUS_M = 10000;
  var EARTH_CIRCUMFERENCE = 40075016.686;
  var MAX_SPRITE_RING = 40;  // px: "near" rings up to this radius are drawn from sprites
  var CLUSTER_PX = 40;  // events closer than this on screen form a cluster
  var CROWDED = 15000;  // unclustered symbols in view above which symbols shrink
  var SPIDER_MAX = 40;  // clusters up to this size spread apart; bigger ones list their events
  var SAME_PLACE_M = 60;  // a cluster whose events all lie within this spread is one place
  var GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

  // ------------------------------------------------------------------ symbols

  /** A map pin with its tip at (x, y) and a round head of radius r, as a subpath. */
  function pinSubpath(ctx, x, y, r) {
    var d = r * 1.9, cy = y - d, b = Math.acos(r / d);
    ctx.moveTo(x, y);
    ctx.arc(x, cy, r, Math.PI / 2 + b, Math.PI / 2 - b);
    ctx.closePath();
  }

  function drawRing(ctx, x, y, R, color, hollow) {
    ctx.beginPath();
    ctx.arc(x, y, R, 0, 2 * Math.PI);
    if (!hollow) {
      ctx.globalAlpha = 0.18;
      ctx.fillStyle = color;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    ctx.setLineDash(hollow ? [2, 4] : [5, 4]);
    ctx.lineWidth = 2;
    ctx.strokeStyle = color;
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function drawDot(ctx, x, y, r, color, hollow) {
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = hollow ? '#ffffff' : color;
    ctx.fill();
    ctx.lineWidth = hollow ? 2 : 1;
    ctx.strokeStyle = hollow ? color : '#222';
    ctx.stroke();
  }

  /** A pin (hollow: white with a coloured rim, for undated events) with its side mark. */
  function drawPin(ctx, x, y, r, color, dot, hollow) {
    ctx.beginPath();
    pinSubpath(ctx, x, y, r);
    ctx.fillStyle = hollow ? '#ffffff' : color;
    ctx.fill();
    ctx.lineWidth = hollow ? 2 : 1;
    ctx.strokeStyle = hollow ? color : '#222';
    if (hollow) { ctx.setLineDash([3, 2]); }
    ctx.stroke();
    ctx.setLineDash([]);
    if (dot || hollow) {
      ctx.beginPath();
      ctx.arc(x, y - 1.9 * r, r * 0.42, 0, 2 * Math.PI);
      ctx.fillStyle = hollow ? color : dot;
      ctx.fill();
    }
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

  /** Radius of a cluster's symbol for ``count`` events. */
  function clusterRadius(count) { return 12 + 4 * Math.log10(count); }

  // ------------------------------------------------------------------ clustering

  /** Clusters of the events that pass the filters, at whole zoom ``z``.
   *  Returns typed arrays: per cluster its centre (world px at z), count, bounds (zoom-0
   *  world px) and the slice start[c]..start[c]+count[c] of ``members``; ``of[i]`` is the
   *  cluster of event i (-1 when not drawn on the canvas). */
  function makeClusters(view, z, on) {
    var ev = view.ev, vis = view.visible, n = ev.n, s = Math.pow(2, z), i, j;
    var cand = [];
    for (i = 0; i < n; i++) { if (vis[i] && ev.shape[i] !== 3) { cand.push(i); } }
    var m = cand.length, R = CLUSTER_PX, R2 = R * R;
    var out = {
      z: z, n: 0, cx: new Float64Array(m), cy: new Float64Array(m), count: new Int32Array(m),
      start: new Int32Array(m), members: new Int32Array(m), of: new Int32Array(n),
      minX: new Float64Array(m), minY: new Float64Array(m), maxX: new Float64Array(m), maxY: new Float64Array(m)
    };
    out.of.fill(-1);
    var cells = null, px = new Float64Array(m), py = new Float64Array(m), pos = new Int32Array(n);
    for (j = 0; j < m; j++) {
      i = cand[j];
      px[j] = ev.x[i] * s;
      py[j] = ev.y[i] * s;
      pos[i] = j;
    }
    if (on) {
      cells = new Map();
      for (j = 0; j < m; j++) {
        var key = Math.floor(px[j] / R) * 4194304 + Math.floor(py[j] / R);
        var list = cells.get(key);
        if (list) { list.push(j); } else { cells.set(key, [j]); }
      }
    }
    var taken = new Uint8Array(m), w = 0, c = 0;
    for (j = 0; j < m; j++) {
      if (taken[j]) { continue; }
      taken[j] = 1;
      out.start[c] = w;
      out.members[w++] = cand[j];
      var sx = px[j], sy = py[j], cnt = 1;
      var x0 = ev.x[cand[j]], x1 = x0, y0 = ev.y[cand[j]], y1 = y0;
      if (on) {
        var gx = Math.floor(px[j] / R), gy = Math.floor(py[j] / R);
        for (var dx = -1; dx <= 1; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            var cell = cells.get((gx + dx) * 4194304 + gy + dy);
            if (!cell) { continue; }
            for (var q = 0; q < cell.length; q++) {
              var k = cell[q];
              if (taken[k]) { continue; }
              var ddx = px[k] - px[j], ddy = py[k] - py[j];
              if (ddx * ddx + ddy * ddy > R2) { continue; }
              taken[k] = 1;
              var e = cand[k];
              out.members[w++] = e;
              sx += px[k];
              sy += py[k];
              cnt++;
              if (ev.x[e] < x0) { x0 = ev.x[e]; }
              if (ev.x[e] > x1) { x1 = ev.x[e]; }
              if (ev.y[e] < y0) { y0 = ev.y[e]; }
              if (ev.y[e] > y1) { y1 = ev.y[e]; }
            }
          }
        }
      }
      out.count[c] = cnt;
      out.cx[c] = sx / cnt;
      out.cy[c] = sy / cnt;
      out.minX[c] = x0; out.maxX[c] = x1; out.minY[c] = y0; out.maxY[c] = y1;
      for (var t = out.start[c]; t < w; t++) { out.of[out.members[t]] = c; }
      c++;
    }
    out.n = c;
    return out;
  }

  // ------------------------------------------------------------------ the layer

  var EventCanvas = L.Layer.extend({
    initialize: function (view) {
      this._v = view;
      var n = view.ev.n;
      // What was drawn, for hit tests: position (container px), size, kind, event/cluster.
      this._hx = new Float32Array(n);
      this._hy = new Float32Array(n);
      this._hr = new Float32Array(n);
      this._hk = new Uint8Array(n);  // 1 pin, 2 circle, 4 cluster
      this._hi = new Int32Array(n);  // event index (pins, circles) or cluster index
      this._hn = 0;
      this._single = new Uint8Array(n);
      this._sx = new Float32Array(n);  // container position of each single symbol
      this._sy = new Float32Array(n);
      this._sprites = {};
      this._clusters = null;
      this._clusterKey = '';
      this.spider = null;
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'gm-events-canvas leaflet-zoom-hide');
      map.getPane('gmEvents').appendChild(this._canvas);
      map.on('moveend resize viewreset', this._reset, this);
      map.on('zoomend', this._zoomed, this);
      this._reset();
    },

    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend resize viewreset', this._reset, this);
      map.off('zoomend', this._zoomed, this);
      this._hn = 0;
    },

    _zoomed: function () {
      if (this.spider && this.spider.zoom !== this._map.getZoom()) { this.unspider(); }
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

    /** The clusters at the current zoom (made again when the zoom or the filters change). */
    clusters: function () {
      var v = this._v, z = Math.round(this._map.getZoom());
      var key = z + ':' + v.version + ':' + (v.opts.cluster ? 1 : 0);
      if (key !== this._clusterKey) {
        var t = performance.now();
        this._clusters = makeClusters(v, z, v.opts.cluster);
        this._clusterKey = key;
        v.stats.clusterMs = Math.round(performance.now() - t);
      }
      return this._clusters;
    },

    /** Container-pixel transform of zoom-0 world pixels: p * k + (ox, oy). */
    _transform: function () {
      var map = this._map, k = map.getZoomScale(map.getZoom(), 0);
      var origin = L.CRS.EPSG3857.latLngToPoint(L.latLng(0, 0), 0);
      var ref = map.latLngToContainerPoint(L.latLng(0, 0));
      return {k: k, ox: ref.x - origin.x * k, oy: ref.y - origin.y * k};
    },

    redraw: function () {
      if (!this._map) { return; }
      var v = this._v, ev = v.ev, map = this._map, stats = v.stats;
      var ctx = this._canvas.getContext('2d'), ratio = this._ratio, size = map.getSize();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      var cl = this.clusters(), T = this._transform(), k = T.k;
      var zs = k / Math.pow(2, cl.z);  // cluster coordinates are world px at zoom cl.z
      var metresPerPx0 = EARTH_CIRCUMFERENCE / (256 * k);
      var margin = 44, w = size.x + margin, h = size.y + 3 * margin;
      var single = this._single, sx = this._sx, sy = this._sy, spiderSet = this.spider ? this.spider.set : null;
      single.fill(0);
      var hn = 0, pins = 0, circles = 0, clusters = 0, clustered = 0, c, i, x, y;
      var clusterItems = [];
      for (c = 0; c < cl.n; c++) {
        x = cl.cx[c] * zs + T.ox;
        y = cl.cy[c] * zs + T.oy;
        if (x < -margin || y < -margin || x > w || y > h) { continue; }
        var first = cl.members[cl.start[c]];
        if (spiderSet && spiderSet[first]) { continue; }
        if (cl.count[c] === 1) {
          single[first] = 1;
          sx[first] = ev.x[first] * k + T.ox;
          sy[first] = ev.y[first] * k + T.oy;
        } else {
          clusterItems.push(c);
          clusters++;
          clustered += cl.count[c];
        }
      }
      // Singles: circles (under), then pins, big symbols first so small ones stay visible.
      if (!this._sizeOrder) { this._sizeOrder = sizeOrder(ev); }
      var so = this._sizeOrder, n = ev.n, pass, j;
      var hx = this._hx, hy = this._hy, hr = this._hr, hk = this._hk, hi = this._hi;
      for (pass = 2; pass >= 1; pass--) {
        for (j = 0; j < n; j++) {
          i = so[j];
          if (!single[i] || ev.shape[i] !== pass) { continue; }
          hx[hn] = sx[i];
          hy[hn] = sy[i];
          hi[hn] = i;
          hk[hn] = pass;
          hr[hn] = pass === 2 ? NEAR_RADIUS_M / (metresPerPx0 * ev.cosLat[i]) : 0;
          if (pass === 2) { circles++; } else { pins++; }
          hn++;
        }
      }
      var nSingles = hn;
      var scale = !v.opts.cluster && nSingles > CROWDED ? Math.max(0.5, Math.sqrt(CROWDED / nSingles)) : 1;
      for (var g = 0; g < nSingles; g++) {
        var rs = ev.r[hi[g]] * scale;
        hr[g] = hk[g] === 2 ? Math.max(hr[g], rs + 4) : rs;
      }
      this._scale = scale;
      this._hn = hn;
      this._drawSingles(ctx, nSingles);
      // Clusters on top of single symbols.
      for (j = 0; j < clusterItems.length; j++) {
        c = clusterItems[j];
        x = cl.cx[c] * zs + T.ox;
        y = cl.cy[c] * zs + T.oy;
        var R = clusterRadius(cl.count[c]);
        this._drawCluster(ctx, cl, c, x, y, R);
        hx[hn] = x; hy[hn] = y; hr[hn] = R; hk[hn] = 4; hi[hn] = c; hn++;
      }
      this._hn = hn;
      this._drawSpider(ctx, T);
      this._drawSelection(ctx, T);
      stats.symbolScale = Math.round(scale * 100) / 100;
      stats.pins = pins;
      stats.circles = circles;
      stats.drawnPoints = nSingles;
      stats.clusters = clusters;
      stats.clusteredEvents = clustered;
      stats.spider = this.spider ? this.spider.members.length : 0;
    },

    _drawSingles: function (ctx, count) {
      var v = this._v, ev = v.ev, ratio = this._ratio, h, i;
      var W = this._canvas.width, H = this._canvas.height, big = false;
      for (h = 0; h < count; h++) {
        if (this._hk[h] === 2 && Math.round(this._hr[h]) > MAX_SPRITE_RING) {
          i = this._hi[h];
          var color = ev.catOf(i).color, hollow = ev.day[i] < 0;
          drawRing(ctx, this._hx[h], this._hy[h], this._hr[h], color, hollow);
          drawDot(ctx, this._hx[h], this._hy[h], ev.r[i] * this._scale * 0.6, color, hollow);
          big = true;
        }
      }
      if (!W || !H || !count) { return; }
      var img = big ? ctx.getImageData(0, 0, W, H) : ctx.createImageData(W, H);
      var data = img.data, u32 = new Uint32Array(data.buffer);
      for (h = 0; h < count; h++) {
        i = this._hi[h];
        var sp, hollowFlag = ev.day[i] < 0 ? 1 : 0;
        if (this._hk[h] === 1) {
          sp = this._sprite('p', ev.cat[i], ev.side[i], Math.round(this._hr[h] * 2) / 2, 0, hollowFlag);
        } else {
          var R = Math.round(this._hr[h]);
          if (R > MAX_SPRITE_RING) { continue; }
          sp = this._sprite('c', ev.cat[i], 0, Math.round(ev.r[i] * this._scale * 1.2) / 2, R, hollowFlag);
        }
        blit(sp, Math.round((this._hx[h] - sp.ax) * ratio), Math.round((this._hy[h] - sp.ay) * ratio),
             data, u32, W, H);
      }
      ctx.putImageData(img, 0, 0);
    },

    _sprite: function (kind, cat, side, r, R, hollow) {
      var key = kind + cat + '_' + side + '_' + r + '_' + R + '_' + hollow, sp = this._sprites[key];
      if (sp) { return sp; }
      var ev = this._v.ev, pad = 3, color = ev.cats[cat].color, ratio = this._ratio, w, h, ax, ay;
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
        drawPin(g, ax, ay, r, color, ev.sides[side] && ev.sides[side].dot, hollow);
      } else {
        drawRing(g, ax, ay, R, color, hollow);
        drawDot(g, ax, ay, r, color, hollow);
      }
      sp = spritePixels(g.getImageData(0, 0, c.width, c.height));
      sp.ax = ax;
      sp.ay = ay;
      this._sprites[key] = sp;
      return sp;
    },

    /** A cluster: a ring split by weapon/type, a white centre and the count. */
    _drawCluster: function (ctx, cl, c, x, y, R) {
      var ev = this._v.ev, counts = [], k, t, total = cl.count[c];
      for (k = 0; k < ev.cats.length; k++) { counts.push(0); }
      for (t = cl.start[c]; t < cl.start[c] + total; t++) { counts[ev.cat[cl.members[t]]]++; }
      ctx.beginPath();
      ctx.arc(x, y, R + 1.5, 0, 2 * Math.PI);
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fill();
      var a = -Math.PI / 2;
      for (k = 0; k < counts.length; k++) {
        if (!counts[k]) { continue; }
        var b = a + 2 * Math.PI * counts[k] / total;
        ctx.beginPath();
        ctx.arc(x, y, R, a, b);
        ctx.arc(x, y, R - 5, b, a, true);
        ctx.closePath();
        ctx.fillStyle = ev.cats[k].color;
        ctx.fill();
        a = b;
      }
      ctx.beginPath();
      ctx.arc(x, y, R + 1.5, 0, 2 * Math.PI);
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#333';
      ctx.stroke();
      ctx.fillStyle = '#1a1a1a';
      ctx.font = '600 ' + (total >= 1000 ? 10 : 11) + 'px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(total >= 10000 ? Math.round(total / 1000) + 'k' : G.fmtInt(total), x, y + 0.5);
    },

    // ------------------------------------------------------------ spider

    /** Spread the events ``members`` around their common spot. */
    spiderfy: function (members) {
      var map = this._map, ev = this._v.ev, sx = 0, sy = 0, n = members.length, k;
      for (k = 0; k < n; k++) { sx += ev.x[members[k]]; sy += ev.y[members[k]]; }
      var set = new Uint8Array(ev.n), offsets = [];
      members.forEach(function (i) { set[i] = 1; });
      if (n <= 8) {
        var rad = Math.max(34, n * 34 / (2 * Math.PI));
        for (k = 0; k < n; k++) {
          var ang = -Math.PI / 2 + 2 * Math.PI * k / n;
          offsets.push([rad * Math.cos(ang), rad * Math.sin(ang) + 12]);
        }
      } else {
        for (k = 0; k < n; k++) {  // a sunflower: even spacing however many
          var r = 19 * Math.sqrt(k + 2.5), th = k * GOLDEN_ANGLE;
          offsets.push([r * Math.cos(th), r * Math.sin(th) + 12]);
        }
      }
      this.spider = {members: members.slice(), set: set, x0: sx / n, y0: sy / n, offsets: offsets,
                     zoom: map.getZoom()};
      this.redraw();
    },

    unspider: function () {
      if (!this.spider) { return; }
      this.spider = null;
      this.redraw();
    },

    /** Container position of spider member number k. */
    _spiderPoint: function (T, k) {
      var s = this.spider;
      return [s.x0 * T.k + T.ox + s.offsets[k][0], s.y0 * T.k + T.oy + s.offsets[k][1]];
    },

    _drawSpider: function (ctx, T) {
      var s = this.spider;
      if (!s) { return; }
      var ev = this._v.ev, cx = s.x0 * T.k + T.ox, cy = s.y0 * T.k + T.oy, k, p;
      ctx.beginPath();
      ctx.arc(cx, cy, 4, 0, 2 * Math.PI);
      ctx.fillStyle = '#333';
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = 'rgba(40,40,40,0.7)';
      for (k = 0; k < s.members.length; k++) {
        p = this._spiderPoint(T, k);
        ctx.beginPath();
        ctx.moveTo(cx, cy);
        ctx.lineTo(p[0], p[1]);
        ctx.stroke();
      }
      for (k = 0; k < s.members.length; k++) {
        var i = s.members[k];
        p = this._spiderPoint(T, k);
        var r = Math.max(ev.r[i], 7), side = ev.sides[ev.side[i]];
        drawPin(ctx, p[0], p[1], r, ev.catOf(i).color, side && side.dot, ev.day[i] < 0);
      }
    },

    // ------------------------------------------------------------ selection

    /** Where event i is drawn now: its spider spot or its own place (container px). */
    pointOf: function (i) {
      var T = this._transform(), s = this.spider;
      if (s && s.set[i]) { return this._spiderPoint(T, s.members.indexOf(i)); }
      var ev = this._v.ev;
      return [ev.x[i] * T.k + T.ox, ev.y[i] * T.k + T.oy];
    },

    _drawSelection: function (ctx, T) {
      var v = this._v, i = v.selected;
      if (i === null || i === undefined || i < 0 || v.ev.shape[i] === 3) { return; }
      var ev = v.ev, p = this.pointOf(i), r = Math.max(ev.r[i], 8), side = ev.sides[ev.side[i]];
      ctx.beginPath();
      ctx.arc(p[0], p[1] - 1.9 * r, r + 7, 0, 2 * Math.PI);
      ctx.lineWidth = 4;
      ctx.strokeStyle = 'rgba(255, 204, 0, 0.95)';
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#222';
      ctx.stroke();
      drawPin(ctx, p[0], p[1], r, ev.catOf(i).color, side && side.dot, ev.day[i] < 0);
      void T;
    },

    // ------------------------------------------------------------ hit tests

    /** What is under container point p: {cluster: index or -1, events: [event indices]}. */
    hit: function (p) {
      var s = this.spider, ev = this._v.ev, T = this._transform(), out = [], k, dx, dy;
      if (s) {
        for (k = s.members.length - 1; k >= 0; k--) {
          var q = this._spiderPoint(T, k), i = s.members[k], r = Math.max(ev.r[i], 7);
          dx = p.x - q[0];
          dy = p.y - q[1] + 1.9 * r;
          if (dx * dx + dy * dy <= (r + 3) * (r + 3) || (Math.abs(p.x - q[0]) <= r * 0.6 && p.y <= q[1] + 1 && p.y >= q[1] - 1.9 * r)) {
            return {cluster: -1, events: [i], spider: true};
          }
        }
      }
      var hx = this._hx, hy = this._hy, hr = this._hr, hk = this._hk;
      for (var h = this._hn - 1; h >= 0; h--) {
        var rr = hr[h], inside;
        dx = p.x - hx[h];
        dy = p.y - hy[h];
        if (hk[h] === 4) {
          if (dx * dx + dy * dy <= (rr + 2) * (rr + 2)) { return {cluster: hi(this, h), events: []}; }
          continue;
        }
        if (hk[h] === 1) {  // pin: round head above the tip, plus the stem
          var hdy = dy + rr * 1.9;
          inside = dx * dx + hdy * hdy <= (rr + 2) * (rr + 2) ||
            (Math.abs(dx) <= rr * 0.6 && dy <= 1 && dy >= -rr * 1.9);
          dy = hdy;
        } else {
          inside = dx * dx + dy * dy <= rr * rr;
        }
        if (inside) { out.push([dx * dx + dy * dy, this._hi[h]]); }
      }
      out.sort(function (a, b) { return a[0] - b[0]; });
      return {cluster: -1, events: out.map(function (o) { return o[1]; })};
    },

    /** The events of cluster c. */
    members: function (c) {
      var cl = this._clusters;
      return Array.prototype.slice.call(cl.members, cl.start[c], cl.start[c] + cl.count[c]);
    },

    /** Whether cluster c's events all lie at one spot (within SAME_PLACE_M). */
    samePlace: function (c) {
      var cl = this._clusters, ev = this._v.ev;
      var i = cl.members[cl.start[c]];
      var metresPerPx0 = EARTH_CIRCUMFERENCE / 256 * ev.cosLat[i];
      var spread = Math.max(cl.maxX[c] - cl.minX[c], cl.maxY[c] - cl.minY[c]) * metresPerPx0;
      return spread <= SAME_PLACE_M;
    },

    /** Bounds of cluster c. */
    bounds: function (c) {
      var cl = this._clusters;
      var nw = L.CRS.EPSG3857.pointToLatLng(L.point(cl.minX[c], cl.minY[c]), 0);
      var se = L.CRS.EPSG3857.pointToLatLng(L.point(cl.maxX[c], cl.maxY[c]), 0);
      return L.latLngBounds(nw, se);
    },

    /** Latitude/longitude of container point p. */
    latLngAt: function (p) { return this._map.containerPointToLatLng(L.point(p[0], p[1])); }
  });

  function hi(layer, h) { return layer._hi[h]; }

  /** Events by symbol size, biggest first (drawn first, so small ones stay on top). */
  function sizeOrder(ev) {
    var n = ev.n, keys = new Float64Array(n), SHIFT = 16777216, out = new Int32Array(n), i;
    for (i = 0; i < n; i++) { keys[i] = Math.round((20 - ev.r[i]) * 1000) * SHIFT + i; }
    keys.sort();
    for (i = 0; i < n; i++) { out[i] = keys[i] % SHIFT; }
    return out;
  }

  G.EventCanvas = EventCanvas;
  G.SPIDER_MAX = SPIDER_MAX;
  G.CLUSTER_PX = CLUSTER_PX;
  G.drawPinSymbol = drawPin;
}());
