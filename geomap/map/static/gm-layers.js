/* gm-layers.js - the offline base map, place labels and the region outlines of events.
 *
 * Base map: country and oblast outlines (data.base, from geomap's boundaries) and, when
 * the page carries it, data.basemap (tools/build_basemap.py, schema in
 * data/basemap/README.md): rivers, lakes and coast at two levels of detail, towns of
 * 50,000+ people and oblast label points.  Coordinates there are flat integer arrays
 * [lat0, lon0, dlat1, dlon1, ...] in 1/scale degree, the first pair absolute.
 *
 * Region outlines: region-level events are drawn as their oblast's outline with a light
 * fill that fades out towards city zoom; claimed interceptions over a region are their
 * own layer, drawn as a dotted outline only, so they do not swamp the towns.
 */
(function () {
  'use strict';

  var G = window.geomap;
  var WATER = '#d4e4ef', RIVER = '#86b3d6', COAST = '#7ea6c4', LAND = '#f4f1ea';

  // ------------------------------------------------------------------ labels

  /** Place labels: items {lat, lon, text, min, max, cls, dot}, placed greedily in the
   *  given order (most important first), skipping any that would overlap a placed one. */
  var LabelLayer = L.Layer.extend({
    initialize: function (items, pane, show) {
      this._items = items;
      this._pane = pane || 'gmLabels';
      this._show = show || null;  // {part: bool}: items with a switched-off part are skipped
    },
    onAdd: function (map) {
      this._box = L.DomUtil.create('div', 'gm-labels leaflet-zoom-hide');
      map.getPane(this._pane).appendChild(this._box);
      map.on('moveend zoomend', this._update, this);
      this._update();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._box);
      map.off('moveend zoomend', this._update, this);
    },
    _update: function () {
      var map = this._map, z = map.getZoom(), b = map.getBounds().pad(0.1), placed = [];
      L.DomUtil.empty(this._box);
      for (var j = 0; j < this._items.length && placed.length < 350; j++) {
        var it = this._items[j];
        if (z < it.min || z > it.max || (this._show && it.part && !this._show[it.part])) { continue; }
        var ll = L.latLng(it.lat, it.lon);
        if (!b.contains(ll)) { continue; }
        var p = map.latLngToLayerPoint(ll), hw = it.text.length * 3.3 + (it.dot ? 8 : 4), hh = 8;
        var cx = p.x + (it.dot ? hw - 4 : 0);
        var clash = false;
        for (var q = 0; q < placed.length && !clash; q++) {
          clash = Math.abs(placed[q][0] - cx) < placed[q][2] + hw && Math.abs(placed[q][1] - p.y) < hh * 2;
        }
        if (clash) { continue; }
        placed.push([cx, p.y, hw]);
        var div = G.el('div', 'gm-label ' + it.cls + (it.dot ? ' gm-label-dot' : ''), it.text);
        L.DomUtil.setPosition(div, p);
        this._box.appendChild(div);
      }
      this.placed = placed.length;
    }
  });

  // ------------------------------------------------------------------ base map document

  /** Lat/lng arrays of a flat delta-coded coordinate array. */
  function decodeCoords(flat, scale) {
    var out = [], lat = 0, lon = 0;
    for (var k = 0; k + 1 < flat.length; k += 2) {
      lat += flat[k];
      lon += flat[k + 1];
      out.push([lat / scale, lon / scale]);
    }
    return out;
  }

  /** One level of detail of the base map: rivers, coast and lakes as Leaflet paths, made
   *  on first use and shown by each feature's display zoom ``z``. */
  function BasemapLevel(doc, level, renderer) {
    this.level = level;
    this.zoom = level.zoom || [0, 19];
    this._doc = doc;
    this._renderer = renderer;
    this._layers = null;
  }
  BasemapLevel.prototype.build = function () {
    if (this._layers) { return this._layers; }
    var scale = this._doc.scale || 1000, level = this.level, r = this._renderer, out = [];
    (level.lakes || []).forEach(function (f) {
      var polys = f.g.map(function (rings) { return rings.map(function (ring) { return decodeCoords(ring, scale); }); });
      out.push({kind: 'water', z: f.z || 0, layer: L.polygon(polys, {
        renderer: r, interactive: false, color: RIVER, weight: 0.6, fillColor: WATER, fillOpacity: 1
      })});
    });
    (level.rivers || []).forEach(function (f) {
      var parts = f.g.map(function (part) { return decodeCoords(part, scale); });
      out.push({kind: 'water', z: f.z || 0, river: true, layer: L.polyline(parts, {
        renderer: r, interactive: false, color: RIVER, weight: 1.1, lineCap: 'round', lineJoin: 'round'
      })});
    });
    (level.coast || []).forEach(function (f) {
      var parts = f.g.map(function (part) { return decodeCoords(part, scale); });
      out.push({kind: 'water', z: f.z || 0, layer: L.polyline(parts, {
        renderer: r, interactive: false, color: COAST, weight: 0.9
      })});
    });
    this._layers = out;
    return out;
  };

  /** Items for LabelLayer from a {fields, rows} table of the base map document. */
  function tableItems(table, make) {
    if (!table || !table.rows) { return []; }
    var f = {};
    (table.fields || []).forEach(function (name, k) { f[name] = k; });
    return table.rows.map(function (row) { return make(row, f); });
  }

  // ------------------------------------------------------------------ the base map

  /** Everything under the events: countries, oblasts, water, towns, labels.
   *  ``show`` switches parts on and off: borders, oblasts, water, towns. */
  function BaseMap(view) {
    var data = view.data, base = data.base || {}, doc = data.basemap, map = view.map;
    this.map = map;
    this.view = view;
    this.doc = doc || null;
    this.renderer = L.canvas({pane: 'gmBase', padding: 0.5});
    this.group = L.layerGroup().addTo(map);
    this.parts = {borders: L.layerGroup(), oblasts: L.layerGroup(), water: L.layerGroup(), towns: L.layerGroup()};
    this.has = {borders: !!base.countries, oblasts: !!(base.admin1 || (doc && doc.regions)),
                water: !!doc, towns: !!(doc && doc.towns)};
    var r = this.renderer;
    if (base.countries) {
      this.countries = L.geoJSON(base.countries, {
        renderer: r, interactive: false,
        style: {color: '#8a8a8a', weight: 1, fillColor: LAND, fillOpacity: 1}
      });
      this.parts.borders.addLayer(this.countries);
    }
    var countryItems = (base.country_labels || []).map(function (l) {
      return {lat: l[0], lon: l[1], text: l[2], min: 3, max: 7, cls: 'gm-label-country', part: 'borders'};
    });
    if (base.admin1) {
      this.parts.oblasts.addLayer(L.geoJSON(base.admin1, {
        renderer: r, interactive: false,
        style: {color: '#a39a88', weight: 0.8, dashArray: '4 3', fill: false}
      }));
    }
    var regionItems = doc && doc.regions ? tableItems(doc.regions, function (row, f) {
      return {lat: row[f.lat], lon: row[f.lon], text: row[f.name], min: Math.max(5, row[f.z] || 5), max: 10,
              cls: 'gm-label-admin1', part: 'oblasts'};
    }) : (base.admin1_labels || []).map(function (l) {
      return {lat: l[0], lon: l[1], text: l[2], min: 6, max: 10, cls: 'gm-label-admin1', part: 'oblasts'};
    });
    this.townItems = [];
    if (doc) {
      var levels = doc.levels || {};
      this.levels = Object.keys(levels).sort(function (a, b) {
        return (levels[a].zoom || [0])[0] - (levels[b].zoom || [0])[0];
      }).map(function (name) { return new BasemapLevel(doc, levels[name], r); });
      this.townItems = tableItems(doc.towns, function (row, f) {
        var cap = row[f.cap] || 0;
        return {lat: row[f.lat], lon: row[f.lon], text: row[f.name], min: row[f.z] || 7, max: 19, dot: true,
                part: 'towns',
                cls: 'gm-label-town' + (cap === 2 ? ' gm-label-capital' : (row[f.pop] >= 1000000 ? ' gm-label-city' : ''))};
      });
      this._water = L.layerGroup();
      this.parts.water.addLayer(this._water);
      map.on('zoomend', this._lod, this);
    }
    this.show = {borders: true, oblasts: true, water: true, towns: true};
    // One label layer, so that labels of every kind avoid each other: countries first, then
    // towns (biggest first), then oblast names.
    var big = this.townItems.filter(function (t) { return t.min <= 5; });
    var rest = this.townItems.filter(function (t) { return t.min > 5; });
    this.labels = new LabelLayer(countryItems.concat(big, regionItems.filter(function (t) { return t.min <= 5; }),
      rest, regionItems.filter(function (t) { return t.min > 5; })), 'gmTowns', this.show).addTo(map);
    this._apply();
    this._lod();
  }

  /** Show the base map's water features of the level serving the current zoom. */
  BaseMap.prototype._lod = function () {
    if (!this.levels || !this.levels.length) { return; }
    var z = this.map.getZoom(), pick = this.levels[this.levels.length - 1];
    for (var k = 0; k < this.levels.length; k++) {
      if (z >= this.levels[k].zoom[0] && z <= this.levels[k].zoom[1]) { pick = this.levels[k]; break; }
    }
    var key = pick.zoom[0] + ':' + z;
    if (key === this._lodKey) { return; }
    this._lodKey = key;
    var water = this._water;
    water.clearLayers();
    var weight = z >= 9 ? 1.8 : (z >= 7 ? 1.3 : 0.9);
    pick.build().forEach(function (f) {
      if (f.z > z) { return; }
      if (f.river) { f.layer.setStyle({weight: weight}); }
      water.addLayer(f.layer);
    });
    this.waterFeatures = water.getLayers().length;
  };

  BaseMap.prototype.set = function (part, on) {
    this.show[part] = !!on;
    this._apply();
    if (this.labels._map) { this.labels._update(); }
  };

  BaseMap.prototype._apply = function () {
    var self = this;
    Object.keys(this.parts).forEach(function (k) {
      var want = self.show[k] && self.has[k];
      if (want && !self.group.hasLayer(self.parts[k])) { self.group.addLayer(self.parts[k]); }
      if (!want && self.group.hasLayer(self.parts[k])) { self.group.removeLayer(self.parts[k]); }
    });
  };

  /** Over tiles the land fill goes (the tiles show land), the outlines stay. */
  BaseMap.prototype.tiles = function (on) {
    if (this.countries) { this.countries.setStyle({fillOpacity: on ? 0 : 1}); }
  };

  // ------------------------------------------------------------------ region outlines

  /** Fill opacity factor at zoom z: full up to 7, none from 10 (city zoom). */
  function fade(z) { return G.clamp((10 - z) / 3, 0, 1); }

  /** The region-level events: one outline per region and weapon/type, in two layers
   *  (strikes; claimed interceptions). */
  function RegionLayer(view) {
    this.view = view;
    this.map = view.map;
    this.renderer = L.svg({pane: 'gmRegions', padding: 0.3});
    this.strikes = L.layerGroup().addTo(view.map);
    this.intercepts = L.layerGroup().addTo(view.map);
    this._latlngs = [];
    this.map.on('zoomend', this._restyle, this);
  }

  RegionLayer.prototype._style = function (cat, intercept) {
    var f = fade(this.map.getZoom());
    if (intercept) {
      return {color: cat.color, weight: 1.6, dashArray: '1 5', lineCap: 'round', fillColor: cat.color,
              fillOpacity: 0.05 * f, opacity: 0.9};
    }
    return {color: cat.color, weight: f > 0 ? 1.6 : 2.2, dashArray: '7 4', fillColor: cat.color,
            fillOpacity: 0.13 * f, opacity: 0.95};
  };

  RegionLayer.prototype._restyle = function () {
    var self = this;
    [this.strikes, this.intercepts].forEach(function (group) {
      group.eachLayer(function (poly) { poly.setStyle(self._style(poly._gmCat, poly._gmIntercept)); });
    });
  };

  /** Redraw from the view's filter. */
  RegionLayer.prototype.update = function () {
    var v = this.view, ev = v.ev, n = ev.n, groups = {}, keys = [], i, self = this;
    this.strikes.clearLayers();
    this.intercepts.clearLayers();
    var events = 0, intercepts = 0;
    for (i = 0; i < n; i++) {
      if (!v.visible[i] || ev.shape[i] !== 3) { continue; }
      var key = ev.region[i] * 64 + ev.cat[i] * 2 + (ev.icpt[i] ? 1 : 0);
      if (!groups[key]) { groups[key] = []; keys.push(key); }
      groups[key].push(i);
      if (ev.icpt[i]) { intercepts++; } else { events++; }
    }
    keys.sort(function (a, b) { return a - b; });
    var polys = 0, ipolys = 0;
    keys.forEach(function (key) {
      var idx = groups[key], i0 = idx[0], g = ev.region[i0], cat = ev.catOf(i0), intercept = !!ev.icpt[i0];
      var latlngs = self._latlngs[g];
      if (!latlngs) {
        var geom = v.data.regions[g];
        latlngs = L.GeoJSON.coordsToLatLngs(geom.coordinates, geom.type === 'MultiPolygon' ? 2 : 1);
        self._latlngs[g] = latlngs;
      }
      var opts = self._style(cat, intercept);
      opts.renderer = self.renderer;
      opts.pane = 'gmRegions';
      opts.className = 'gm-region gm-region-' + cat.key + (intercept ? ' gm-region-intercept' : '');
      var poly = L.polygon(latlngs, opts);
      poly._gmCat = cat;
      poly._gmIntercept = intercept;
      poly._gmEvents = idx;
      poly.on('click', function (e) {
        L.DomEvent.stopPropagation(e);
        v.clickAt(e, idx);
      });
      poly.on('mouseover', function () { poly.setStyle({weight: 3}); });
      poly.on('mouseout', function () { poly.setStyle({weight: self._style(cat, intercept).weight}); });
      (intercept ? self.intercepts : self.strikes).addLayer(poly);
      if (intercept) { ipolys++; } else { polys++; }
    });
    v.stats.regionPolygons = polys + ipolys;
    v.stats.regionStrikePolygons = polys;
    v.stats.interceptPolygons = ipolys;
    v.stats.regionEvents = events + intercepts;
    v.stats.interceptRegionEvents = intercepts;
  };

  /** Bounds of region ``g``. */
  RegionLayer.prototype.bounds = function (g) {
    var geom = this.view.data.regions[g];
    if (!this._latlngs[g]) {
      this._latlngs[g] = L.GeoJSON.coordsToLatLngs(geom.coordinates, geom.type === 'MultiPolygon' ? 2 : 1);
    }
    return L.polygon(this._latlngs[g]).getBounds();
  };

  G.LabelLayer = LabelLayer;
  G.BaseMap = BaseMap;
  G.RegionLayer = RegionLayer;
  G.decodeCoords = decodeCoords;
}());
