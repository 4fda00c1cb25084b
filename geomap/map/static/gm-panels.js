/* gm-panels.js - the map's panels: search, legend, layers/filters and the event list (with
 * downloads).  Each panel is a Leaflet control with a toggle button and a body; on a phone
 * the panels collapse to a row of buttons and only one is open at a time.
 */
(function () {
  'use strict';

  var G = window.geomap, el = G.el;
  var ROW = 30;  // px, event list row height (rows are absolutely placed: only visible ones exist)

  // ------------------------------------------------------------------ panel base

  var Panel = L.Control.extend({
    options: {position: 'topright', key: 'panel', title: 'Panel', open: true},

    initialize: function (view, options) {
      L.setOptions(this, options);
      this._v = view;
    },

    onAdd: function () {
      var key = this.options.key, self = this;
      var box = el('div', 'gm-panel gm-panel-' + key);
      G.stopEvents(box);
      this._toggle = G.button(box, this.options.title, null, function () { self.setOpen(!self.isOpen()); },
                              'gm-panel-toggle');
      this._toggle.setAttribute('aria-controls', 'gm-panel-body-' + key);
      this._body = el('div', 'gm-panel-body');
      this._body.id = 'gm-panel-body-' + key;
      this._body.setAttribute('role', 'region');
      this._body.setAttribute('aria-label', this.options.title);
      box.appendChild(this._body);
      this._box = box;
      this.build(this._body);
      this.setOpen(this.options.open, true);
      return box;
    },

    build: function () {},

    isOpen: function () { return !!this._open; },

    setOpen: function (open, quiet) {
      this._open = !!open;
      L.DomUtil[open ? 'addClass' : 'removeClass'](this._box, 'gm-open');
      this._toggle.setAttribute('aria-expanded', String(!!open));
      this._body.hidden = !open;
      if (quiet) { return; }
      if (open) {
        this._v.closePanels(this);
        if (this.opened) { this.opened(); }
      }
      this._v.layoutChanged();
    }
  });

  // ------------------------------------------------------------------ search

  var SearchPanel = Panel.extend({
    options: {position: 'topleft', key: 'search', title: 'Search'},

    build: function (body) {
      var self = this, v = this._v;
      var input = el('input', 'gm-search-input');
      input.type = 'search';
      input.placeholder = 'Search places and quotes\u2026';
      input.setAttribute('aria-label', 'Search places and quotes');
      input.setAttribute('role', 'combobox');
      input.setAttribute('aria-autocomplete', 'list');
      input.setAttribute('aria-expanded', 'false');
      input.setAttribute('aria-controls', 'gm-search-results');
      input.autocomplete = 'off';
      body.appendChild(input);
      var results = el('ul', 'gm-search-results');
      results.id = 'gm-search-results';
      results.setAttribute('role', 'listbox');
      results.setAttribute('aria-label', 'Search results');
      body.appendChild(results);
      this.input = input;
      this.results = results;
      this._active = -1;
      var timer = null;
      L.DomEvent.on(input, 'input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { self.search(input.value); }, v.ev.n > 20000 ? 200 : 60);
      });
      L.DomEvent.on(input, 'keydown', function (e) {
        var items = self._items || [];
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          if (!items.length) { return; }
          self._activate(G.clamp(self._active + (e.key === 'ArrowDown' ? 1 : -1), 0, items.length - 1));
          L.DomEvent.preventDefault(e);
        } else if (e.key === 'Enter') {
          if (items.length) { self.choose(Math.max(self._active, 0)); }
          L.DomEvent.preventDefault(e);
        } else if (e.key === 'Escape') {
          input.value = '';
          self.search('');
        }
      });
    },

    opened: function () { var i = this.input; setTimeout(function () { i.focus(); }, 0); },

    _index: function () {
      if (this._places) { return; }
      var ev = this._v.ev, places = new Map(), n = ev.n, i;
      var add = function (name, i) {
        if (!name) { return; }
        var key = name.toLowerCase(), p = places.get(key);
        if (!p) { p = {name: name, key: key, events: []}; places.set(key, p); }
        if (p.events[p.events.length - 1] !== i) { p.events.push(i); }
      };
      for (i = 0; i < n; i++) {
        add(ev.str('place_name', i), i);
        add(ev.str('place_text', i), i);
        if (ev.shape[i] === 3) { add(ev.str('admin1_name', i), i); }
      }
      this._places = Array.from(places.values());
      var q = ev.text.quote;
      this._quotes = q ? q.values.map(function (s) { return s ? s.toLowerCase() : ''; }) : [];
    },

    /** Search place names and quotes for ``text``; fills the result list. */
    search: function (text) {
      var ev = this._v.ev, q = String(text || '').trim().toLowerCase(), items = [];
      L.DomUtil.empty(this.results);
      this._active = -1;
      if (q.length >= 2) {
        this._index();
        var places = this._places.filter(function (p) { return p.key.indexOf(q) >= 0; });
        places.sort(function (a, b) {
          var sa = a.key.indexOf(q) === 0 ? 0 : 1, sb = b.key.indexOf(q) === 0 ? 0 : 1;
          return sa - sb || b.events.length - a.events.length || (a.name < b.name ? -1 : 1);
        });
        places.slice(0, 8).forEach(function (p) { items.push({kind: 'place', place: p}); });
        var col = ev.text.quote, qs = this._quotes, order = ev.order('date'), found = 0;
        if (col) {
          for (var k = ev.n - 1; k >= 0 && found < 25; k--) {  // newest first
            var i = order[k], code = col.code(i);
            if (code >= 0 && qs[code].indexOf(q) >= 0) { items.push({kind: 'quote', i: i}); found++; }
          }
        }
      }
      this._items = items;
      var self = this;
      items.forEach(function (it, k) {
        var li = el('li', 'gm-search-item gm-search-' + it.kind);
        li.id = 'gm-search-item-' + k;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        if (it.kind === 'place') {
          li.appendChild(el('strong', null, it.place.name));
          li.appendChild(el('span', 'gm-muted', ' \u2014 ' + G.fmtInt(it.place.events.length) +
            (it.place.events.length === 1 ? ' event' : ' events')));
        } else {
          li.appendChild(el('span', 'gm-search-meta', ev.dateText(it.i) + ' \u00b7 ' + ev.placeText(it.i)));
          li.appendChild(snippet(ev.str('quote', it.i), q));
        }
        L.DomEvent.on(li, 'click', function () { self.choose(k); });
        L.DomEvent.on(li, 'mousemove', function () { self._activate(k); });
        self.results.appendChild(li);
      });
      if (q.length >= 2 && !items.length) { this.results.appendChild(el('li', 'gm-muted gm-search-none', 'No place or quote matches.')); }
      this.input.setAttribute('aria-expanded', String(items.length > 0));
      this._v.layoutChanged();
      return items.length;
    },

    _activate: function (k) {
      var prev = this.results.querySelector('[aria-selected="true"]');
      if (prev) { prev.setAttribute('aria-selected', 'false'); }
      this._active = k;
      var li = document.getElementById('gm-search-item-' + k);
      if (li) {
        li.setAttribute('aria-selected', 'true');
        this.input.setAttribute('aria-activedescendant', li.id);
        if (li.scrollIntoView) { li.scrollIntoView({block: 'nearest'}); }
      }
    },

    /** Go to result k: a place's events, or one quoted event (opened). */
    choose: function (k) {
      var it = (this._items || [])[k], v = this._v;
      if (!it) { return; }
      if (v.compact) { this.setOpen(false); }
      if (it.kind === 'place') { v.showPlace(it.place.name, it.place.events); } else { v.openEvent(it.i, {fly: true}); }
    }
  });

  /** The quote around the first match of q, the match marked (as text nodes). */
  function snippet(text, q) {
    var box = el('span', 'gm-search-snippet'), s = String(text || ''), at = s.toLowerCase().indexOf(q);
    if (at < 0) { box.textContent = s.slice(0, 120); return box; }
    var start = Math.max(0, at - 50), end = Math.min(s.length, at + q.length + 70);
    box.appendChild(document.createTextNode((start ? '\u2026' : '') + s.slice(start, at)));
    box.appendChild(el('mark', null, s.slice(at, at + q.length)));
    box.appendChild(document.createTextNode(s.slice(at + q.length, end) + (end < s.length ? '\u2026' : '')));
    return box;
  }

  // ------------------------------------------------------------------ legend

  var LegendPanel = Panel.extend({
    options: {position: 'topleft', key: 'legend', title: 'Legend'},
    build: function (box) {
      var ev = this._v.ev;
      var item = function (cls, color, text) {
        var row = el('div', 'gm-legend-row');
        var sym = el('span', 'gm-sym ' + cls);
        if (color) { sym.style.setProperty('--c', color); }
        row.appendChild(sym);
        row.appendChild(document.createTextNode(text));
        box.appendChild(row);
      };
      box.appendChild(el('div', 'gm-legend-head', 'Weapon / type (colour)'));
      ev.cats.forEach(function (c) { item('gm-sym-dot', c.color, c.label); });
      box.appendChild(el('div', 'gm-legend-head', 'Where (shape)'));
      item('gm-sym-pin', '#888', 'Town');
      item('gm-sym-near', '#888', 'Near a town (~10 km)');
      item('gm-sym-region', '#888', 'Somewhere in a region');
      item('gm-sym-intercept', '#009e73', 'Claimed interceptions over a region');
      item('gm-sym-cluster', null, 'Several events: click to zoom or spread');
      box.appendChild(el('div', 'gm-legend-head', 'Side (pin centre) and date'));
      item('gm-sym-pin gm-sym-pin-ua', '#888', 'Strikes on Ukraine');
      item('gm-sym-pin gm-sym-pin-ru', '#888', 'Strikes on Russia');
      item('gm-sym-pin gm-sym-hollow', '#888', 'Undated (hollow, when shown)');
      box.appendChild(el('div', 'gm-legend-head', 'Size: killed + injured'));
      item('gm-sym-size1', '#888', '0');
      item('gm-sym-size2', '#888', '10');
      item('gm-sym-size3', '#888', '100+');
    }
  });

  // ------------------------------------------------------------------ layers and filters

  var LayersPanel = Panel.extend({
    options: {position: 'topright', key: 'layers', title: 'Layers'},

    build: function (box) {
      var v = this._v, ev = v.ev, counts = v.counts(), self = this;
      this.inputs = {};
      var group = function (title) {
        var g = el('fieldset', 'gm-layer-group');
        g.appendChild(el('legend', null, title));
        box.appendChild(g);
        return g;
      };
      var swatchText = function (color, text, cls) {
        var span = el('span', 'gm-layer-label');
        var sw = el('span', 'gm-swatch ' + (cls || ''));
        sw.style.background = color;
        span.appendChild(sw);
        span.appendChild(document.createTextNode(text));
        return span;
      };
      var g = group('Weapon / type');
      ev.cats.forEach(function (c, k) {
        self.inputs['cat:' + c.key] = G.checkbox(g, swatchText(c.color, c.label + ' (' + G.fmtInt(counts.cat[k]) + ')'),
          v.f.cats[k], function (on) { v.setCategory(k, on); });
      });
      g = group('Side');
      ev.sides.forEach(function (s, k) {
        if (k === ev.sides.length - 1 && counts.side[k] === 0) { return; }
        self.inputs['side:' + s.key] = G.checkbox(g, swatchText(s.dot || 'transparent', s.label + ' (' + G.fmtInt(counts.side[k]) + ')', 'gm-side'),
          v.f.sides[k], function (on) { v.setSide(k, on); });
      });
      g = group('Show');
      this.inputs.cluster = G.checkbox(g, 'Cluster nearby events', v.opts.cluster, function (on) { v.setOption('cluster', on); });
      this.inputs.regions = G.checkbox(g, 'Strikes somewhere in a region (' + G.fmtInt(counts.regions) + ')',
        v.f.regions, function (on) { v.setRegions('regions', on); });
      this.inputs.intercepts = G.checkbox(g, 'Claimed interceptions over regions (' + G.fmtInt(counts.intercepts) + ')',
        v.f.intercepts, function (on) { v.setRegions('intercepts', on); });
      if (v.heat) {
        this.inputs.heat = G.checkbox(g, 'Heat map (town and near events)', v.opts.heat, function (on) { v.setOption('heat', on); });
      }
      g = group('Base map');
      var radio = function (value, text) {
        var lab = el('label', 'gm-check'), inp = el('input');
        inp.type = 'radio';
        inp.name = 'gm-base';
        inp.value = value;
        inp.checked = (value === 'tiles') === !!v.opts.tiles;
        L.DomEvent.on(inp, 'change', function () { if (inp.checked) { v.setOption('tiles', value === 'tiles'); } });
        lab.appendChild(inp);
        lab.appendChild(document.createTextNode(' ' + text));
        g.appendChild(lab);
        self.inputs['base:' + value] = inp;
      };
      radio('offline', 'Offline map (no network)');
      if (v.data.tiles) { radio('tiles', 'OpenStreetMap tiles (needs network)'); }
      var parts = [['borders', 'Countries and borders'], ['oblasts', 'Oblasts and their names'],
                   ['water', 'Rivers, lakes and coast'], ['towns', 'Towns over 50,000']];
      parts.forEach(function (p) {
        if (!v.base.has[p[0]]) { return; }
        self.inputs[p[0]] = G.checkbox(g, p[1], v.base.show[p[0]], function (on) { v.setBase(p[0], on); });
      });
    },

    /** Reflect the view's state (after a URL hash was applied). */
    sync: function () {
      var v = this._v, inp = this.inputs;
      v.ev.cats.forEach(function (c, k) { if (inp['cat:' + c.key]) { inp['cat:' + c.key].checked = v.f.cats[k]; } });
      v.ev.sides.forEach(function (s, k) { if (inp['side:' + s.key]) { inp['side:' + s.key].checked = v.f.sides[k]; } });
      inp.cluster.checked = v.opts.cluster;
      inp.regions.checked = v.f.regions;
      inp.intercepts.checked = v.f.intercepts;
      if (inp.heat) { inp.heat.checked = v.opts.heat; }
      if (inp['base:tiles']) { inp['base:tiles'].checked = !!v.opts.tiles; inp['base:offline'].checked = !v.opts.tiles; }
      ['borders', 'oblasts', 'water', 'towns'].forEach(function (p) { if (inp[p]) { inp[p].checked = v.base.show[p]; } });
    }
  });

  // ------------------------------------------------------------------ event list

  var ListPanel = Panel.extend({
    options: {position: 'topright', key: 'list', title: 'Event list'},

    build: function (body) {
      var v = this._v, self = this;
      this.sort = {key: 'date', dir: 'desc'};
      var bar = el('div', 'gm-list-bar');
      this._summary = el('span', 'gm-list-summary');
      bar.appendChild(this._summary);
      var dl = el('span', 'gm-list-downloads');
      dl.appendChild(el('span', 'gm-muted', 'Download: '));
      G.button(dl, 'GeoJSON', 'Download the events shown as GeoJSON', function () { v.download('geojson'); }, 'gm-dl-geojson');
      G.button(dl, 'CSV', 'Download the events shown as CSV', function () { v.download('csv'); }, 'gm-dl-csv');
      bar.appendChild(dl);
      body.appendChild(bar);

      var table = el('div', 'gm-list');
      table.setAttribute('role', 'table');
      table.setAttribute('aria-label', 'Events passing the filters');
      var head = el('div', 'gm-list-row gm-list-head');
      head.setAttribute('role', 'row');
      head.setAttribute('aria-rowindex', '1');
      this._heads = {};
      var col = function (key, text, sortable) {
        var c = el('div', 'gm-list-cell gm-col-' + key);
        c.setAttribute('role', 'columnheader');
        if (sortable) {
          var b = G.button(c, text, null, function () { self.sortBy(key); }, 'gm-sort');
          self._heads[key] = {cell: c, button: b, text: text};
        } else {
          c.textContent = text;
        }
        head.appendChild(c);
      };
      col('date', 'Date', true);
      col('place', 'Place', false);
      col('type', 'Type', false);
      col('casualties', 'Killed / inj.', true);
      table.appendChild(head);
      var scroller = el('div', 'gm-list-body');
      scroller.setAttribute('role', 'rowgroup');
      scroller.tabIndex = 0;
      scroller.setAttribute('aria-label', 'Event rows (scroll)');
      var spacer = el('div', 'gm-list-spacer');
      scroller.appendChild(spacer);
      table.appendChild(scroller);
      body.appendChild(table);
      this._table = table;
      this._scroller = scroller;
      this._spacer = spacer;
      this._rows = [];
      this.items = new Int32Array(0);
      this.count = 0;
      this._dirty = true;
      L.DomEvent.on(scroller, 'scroll', function () { self.render(); });
      L.DomEvent.on(scroller, 'keydown', function (e) {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          scroller.scrollTop += (e.key === 'ArrowDown' ? ROW : -ROW);
          L.DomEvent.preventDefault(e);
        }
      });
      this._sortHeads();
    },

    opened: function () { this.update(true); },

    sortBy: function (key) {
      if (this.sort.key === key) { this.sort.dir = this.sort.dir === 'desc' ? 'asc' : 'desc'; } else { this.sort = {key: key, dir: 'desc'}; }
      this._sortHeads();
      this._dirty = true;
      this.update(true);
      this._scroller.scrollTop = 0;
      this._v.scheduleHash();
    },

    _sortHeads: function () {
      var s = this.sort;
      Object.keys(this._heads).forEach(function (k) {
        var h = this._heads[k], on = s.key === k;
        h.cell.setAttribute('aria-sort', on ? (s.dir === 'desc' ? 'descending' : 'ascending') : 'none');
        h.button.textContent = h.text + (on ? (s.dir === 'desc' ? ' \u25bc' : ' \u25b2') : '');
        h.button.setAttribute('aria-label', 'Sort by ' + h.text.toLowerCase() + (on ? (s.dir === 'desc' ? ', now descending' : ', now ascending') : ''));
      }, this);
    },

    /** The events passing the filters, in the chosen order (rebuilt after a refresh). */
    update: function (force) {
      this._dirty = true;
      if (!this.isOpen() && !force) { return; }
      var v = this._v, ev = v.ev, vis = v.visible, n = ev.n, items = this.items.length === n ? this.items : new Int32Array(n);
      var s = this.sort, order = ev.order(s.key === 'casualties' ? 'casualties' : 'date'), c = 0, k, i;
      if (s.key === 'date' && s.dir === 'desc') {  // newest first, undated still last
        for (k = n - 1; k >= 0; k--) { i = order[k]; if (vis[i] && ev.day[i] >= 0) { items[c++] = i; } }
        for (k = 0; k < n; k++) { i = order[k]; if (vis[i] && ev.day[i] < 0) { items[c++] = i; } }
      } else if (s.key === 'date' || s.dir === 'desc') {
        for (k = 0; k < n; k++) { i = order[k]; if (vis[i]) { items[c++] = i; } }
      } else {
        for (k = n - 1; k >= 0; k--) { i = order[k]; if (vis[i]) { items[c++] = i; } }
      }
      this.items = items;
      this.count = c;
      this._dirty = false;
      this._table.setAttribute('aria-rowcount', String(c + 1));
      this._spacer.style.height = (c * ROW) + 'px';
      this._summary.textContent = G.fmtInt(c) + (c === 1 ? ' event' : ' events') + ' shown';
      this.render();
    },

    /** Draw the rows in view (and a few around them). */
    render: function () {
      if (this._dirty && this.isOpen()) { this.update(true); return; }
      var v = this._v, ev = v.ev, sc = this._scroller, top = sc.scrollTop, h = sc.clientHeight || 240;
      var first = Math.max(0, Math.floor(top / ROW) - 4), last = Math.min(this.count, Math.ceil((top + h) / ROW) + 4);
      var need = Math.max(last - first, 0), self = this;
      while (this._rows.length < need) { this._rows.push(this._makeRow()); }
      for (var r = 0; r < this._rows.length; r++) {
        var row = this._rows[r];
        if (r >= need) {
          if (row.parentNode) { row.parentNode.removeChild(row); }
          continue;
        }
        var pos = first + r, i = this.items[pos];
        if (!row.parentNode) { sc.appendChild(row); }
        row.style.top = (pos * ROW) + 'px';
        row.setAttribute('aria-rowindex', String(pos + 2));
        row.setAttribute('data-event', String(i));
        row._gmEvent = i;
        L.DomUtil[i === v.selected ? 'addClass' : 'removeClass'](row, 'gm-selected');
        row.setAttribute('aria-selected', String(i === v.selected));
        var cells = row.childNodes;
        cells[0].textContent = ev.day[i] < 0 ? 'undated' : ev.dayIso(ev.day[i]);
        cells[1].textContent = ev.placeText(i);
        cells[1].title = ev.placeText(i);
        cells[2].lastChild.textContent = ev.catOf(i).label;
        cells[2].firstChild.style.background = ev.catOf(i).color;
        cells[3].textContent = ev.casualtyText(i);
      }
      this.rendered = need;
      void self;
    },

    _makeRow: function () {
      var v = this._v, row = el('div', 'gm-list-row');
      row.setAttribute('role', 'row');
      row.tabIndex = 0;
      ['date', 'place', 'type', 'casualties'].forEach(function (k) {
        var c = el('div', 'gm-list-cell gm-col-' + k);
        c.setAttribute('role', 'cell');
        if (k === 'type') {
          c.appendChild(el('span', 'gm-swatch'));
          c.appendChild(el('span'));
        }
        row.appendChild(c);
      });
      var choose = function () { v.chooseFromList(row._gmEvent); };
      L.DomEvent.on(row, 'click', choose);
      L.DomEvent.on(row, 'keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { choose(); L.DomEvent.preventDefault(e); }
      });
      return row;
    },

    /** Scroll so that event i's row is in view (when it is listed). */
    reveal: function (i) {
      if (!this.isOpen()) { return; }
      if (this._dirty) { this.update(true); }
      for (var k = 0; k < this.count; k++) {
        if (this.items[k] === i) {
          var sc = this._scroller, y = k * ROW;
          if (y < sc.scrollTop || y + ROW > sc.scrollTop + sc.clientHeight) { sc.scrollTop = Math.max(0, y - sc.clientHeight / 2); }
          break;
        }
      }
      this.render();
    }
  });

  G.Panel = Panel;
  G.SearchPanel = SearchPanel;
  G.LegendPanel = LegendPanel;
  G.LayersPanel = LayersPanel;
  G.ListPanel = ListPanel;
  G.LIST_ROW = ROW;
}());
