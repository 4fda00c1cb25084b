/* gm-data.js - the map's data block and the events table (see geomap/map/render.py).
 *
 * The data block is JSON, zlib-compressed and base64-encoded, in
 * a script element of type application/octet-stream (data-encoding zlib+base64).  It is a set of
 * named tables, one array per named field (never positions):
 *
 *   events.lat, .lon          symbol position (degrees)
 *   events.day                days since t0, -1 undated
 *   events.time_precision     1 day, 2 week, 3 month
 *   events.category           index into categories [{key, label, color}]
 *   events.side               index into sides [{key, label, value, dot}]
 *   events.geo_precision      1 town, 2 near a town, 3 region
 *   events.shape              1 pin, 2 ~10 km circle, 3 region polygon (events.region)
 *   events.region             index into regions (GeoJSON geometries), -1 none
 *   events.killed, .injured   -1 unknown
 *   events.intercepted        0/1
 *   events.confidence         0..1, -1 unknown
 *   events.sources            row numbers in the sources table
 *   events.<text field>       {values, codes}: codes[i] indexes values (-1 none); codes
 *                             null means values[i] is event i's (all distinct)
 *   sources.outlet, .title, .url, .published   text fields as above, one row per article
 */
(function () {
  'use strict';

  var G = window.geomap;
  var TIME_PRECISION = {1: 'day', 2: 'week', 3: 'month'};
  var PRECISION = {1: 'town', 2: 'near a town (~10 km)', 3: 'somewhere in a region'};

  /** The data block of element ``node``, decoded: a Promise of the data object. */
  G.readData = function (node) {
    var text = node.textContent || '';
    if (node.getAttribute('data-encoding') !== 'zlib+base64') {
      return Promise.resolve(JSON.parse(text));
    }
    if (!window.DecompressionStream) {
      return Promise.reject(new Error('This browser cannot open the map (it lacks ' +
        'DecompressionStream: use Chrome/Edge 80+, Firefox 113+ or Safari 16.4+).'));
    }
    var bin = atob(text.trim()), n = bin.length, bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).text().then(JSON.parse);
  };

  /** A dictionary-coded text column: get(i) -> string or null. */
  function TextColumn(col, n) {
    this.values = (col && col.values) || [];
    this.codes = col ? col.codes : null;
    this.n = n;
  }
  TextColumn.prototype.get = function (i) {
    if (this.codes === null || this.codes === undefined) {
      var v = this.values[i];
      return v === undefined ? null : v;
    }
    var k = this.codes[i];
    return k < 0 || k === undefined ? null : this.values[k];
  };
  /** The code of row i (its value's index), -1 when none. */
  TextColumn.prototype.code = function (i) {
    if (this.codes === null || this.codes === undefined) { return i < this.values.length ? i : -1; }
    return this.codes[i];
  };

  /** The events table with derived per-event arrays (positions, sizes, sort orders). */
  function EventData(d) {
    var e = d.events || {}, n = d.n || 0, i;
    this.d = d;
    this.e = e;
    this.n = n;
    this.cats = d.categories;
    this.sides = d.sides;
    this.t0 = d.t0 ? Date.parse(d.t0 + 'T00:00:00Z') : null;
    this.span = d.span || 0;
    this.lat = e.lat || [];
    this.lon = e.lon || [];
    this.day = e.day || [];
    this.cat = e.category || [];
    this.side = e.side || [];
    this.shape = e.shape || [];
    this.region = e.region || [];
    this.killed = e.killed || [];
    this.injured = e.injured || [];
    this.icpt = e.intercepted || [];
    this.conf = e.confidence || [];
    this.prec = e.geo_precision || [];
    this.tprec = e.time_precision || [];
    this.srcs = e.sources || [];
    this.text = {};
    var self = this;
    Object.keys(e).forEach(function (k) {
      var col = e[k];
      if (col && !Array.isArray(col) && typeof col === 'object' && 'values' in col) {
        self.text[k] = new TextColumn(col, n);
      }
    });
    this.src = {};
    var st = d.sources || {}, sn = 0;
    Object.keys(st).forEach(function (k) {
      self.src[k] = new TextColumn(st[k], 0);
      sn = Math.max(sn, self.src[k].codes ? self.src[k].codes.length : self.src[k].values.length);
    });
    this.nSources = sn;

    // Zoom-0 world pixels, as L.CRS.EPSG3857.latLngToPoint(latlng, 0) computes them.
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.r = new Float32Array(n);
    this.cas = new Int32Array(n);
    this.cosLat = new Float32Array(n);
    var MAX_LAT = L.Projection.SphericalMercator.MAX_LATITUDE, RAD = Math.PI / 180;
    this.undatedCount = 0;
    for (i = 0; i < n; i++) {
      var lat = Math.max(Math.min(this.lat[i], MAX_LAT), -MAX_LAT), sin = Math.sin(lat * RAD);
      this.x[i] = 256 * (0.5 + this.lon[i] / 360);
      this.y[i] = 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
      this.cosLat[i] = Math.cos(this.lat[i] * RAD);
      var c = Math.max(this.killed[i], 0) + Math.max(this.injured[i], 0);
      this.cas[i] = c;
      // Symbol radius grows with killed + injured: 5 px for none, 20 px from ~100.
      this.r[i] = Math.min(5 + 2.2 * Math.log2(1 + c), 20);
      if (this.day[i] < 0) { this.undatedCount++; }
    }
    this._orders = {};
  }

  /** Text field ``name`` of event i (null when absent). */
  EventData.prototype.str = function (name, i) {
    var col = this.text[name];
    return col ? col.get(i) : null;
  };

  /** Field ``name`` of source row k (null when absent). */
  EventData.prototype.source = function (name, k) {
    var col = this.src[name];
    return col ? col.get(k) : null;
  };

  EventData.prototype.dayIso = function (day) {
    return this.t0 === null ? '' : G.isoDate(this.t0 + day * G.DAY_MS);
  };

  EventData.prototype.isoDay = function (iso) {
    var t = Date.parse(iso + 'T00:00:00Z');
    return isNaN(t) || this.t0 === null ? null : Math.round((t - this.t0) / G.DAY_MS);
  };

  EventData.prototype.dateIso = function (i) {
    return this.day[i] < 0 ? null : this.dayIso(this.day[i]);
  };

  EventData.prototype.dateText = function (i) {
    var day = this.day[i];
    if (day < 0) { return 'undated'; }
    var tp = this.tprec[i], s = this.dayIso(day);
    return tp > 1 && TIME_PRECISION[tp] ? s + ' (\u00b1 ' + TIME_PRECISION[tp] + ')' : s;
  };

  EventData.prototype.timePrecisionText = function (i) { return TIME_PRECISION[this.tprec[i]] || 'day'; };

  EventData.prototype.precisionText = function (i) { return PRECISION[this.prec[i]] || 'unknown'; };

  EventData.prototype.weaponText = function (i) {
    var w = this.str('weapon', i) || 'unknown';
    var m = this.str('weapon_model', i);
    return m ? w + ' (' + m + ')' : w;
  };

  EventData.prototype.placeText = function (i) {
    return this.str('place_name', i) || this.str('place_text', i) || this.str('admin1_name', i) || 'unknown place';
  };

  EventData.prototype.casualtyText = function (i) {
    var k = this.killed[i], j = this.injured[i];
    return (k < 0 ? '?' : k) + ' / ' + (j < 0 ? '?' : j);
  };

  EventData.prototype.catOf = function (i) { return this.cats[this.cat[i]]; };

  /** Events in a fixed order, computed once: 'date' (oldest first, undated last) or
   *  'casualties' (most killed + injured first, then by date). */
  EventData.prototype.order = function (key) {
    if (this._orders[key]) { return this._orders[key]; }
    // Packed numeric keys sort natively, far faster than a comparator at 100k:
    // key (< 2^29: 12 bits of casualties, 17 of days) * 2^24 + event index (< 2^24).
    var n = this.n, keys = new Float64Array(n), SHIFT = 16777216, i;
    var undated = Math.min(this.span, 131070) + 1;
    for (i = 0; i < n; i++) {
      var day = this.day[i] < 0 ? undated : Math.min(this.day[i], 131070);
      var k = key === 'date' ? day : (4095 - Math.min(this.cas[i], 4095)) * 131072 + day;
      keys[i] = k * SHIFT + i;
    }
    keys.sort();
    var out = new Int32Array(n);
    for (i = 0; i < n; i++) { out[i] = keys[i] % SHIFT; }
    this._orders[key] = out;
    return out;
  };

  /** The event whose event_id is ``id`` (-1 when none). */
  EventData.prototype.indexOfId = function (id) {
    var col = this.text.event_id;
    if (!col || id === null || id === undefined) { return -1; }
    if (!this._idIndex) {
      this._idIndex = new Map();
      for (var i = this.n - 1; i >= 0; i--) { this._idIndex.set(col.get(i), i); }
    }
    var found = this._idIndex.get(id);
    return found === undefined ? -1 : found;
  };

  G.EventData = EventData;
  G.PRECISION = PRECISION;
}());
