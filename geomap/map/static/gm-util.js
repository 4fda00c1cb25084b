/* gm-util.js - the window.geomap namespace and small DOM/text helpers (geomap's offline map).
 *
 * The map's scripts are inlined in this order (geomap/map/assets.py OWN_JS):
 *   gm-util.js    namespace, DOM and text helpers
 *   gm-data.js    the data block: decoding, columns, event text
 *   gm-canvas.js  the event canvas: symbols, clusters, spiders, hit tests
 *   gm-layers.js  base map, labels, region outlines
 *   gm-popup.js   event and source cards, multi-event popups
 *   gm-time.js    the timeline: histogram, slider, play, windows
 *   gm-panels.js  panels: search, legend, layers, event list, downloads
 *   gm-view.js    the view: filters, URL hash, layout, entry point
 *
 * Security: article text reaches the page only through textContent/createTextNode;
 * links are made only for http(s) URLs.  No script uses innerHTML with data.
 */
(function () {
  'use strict';

  var G = window.geomap = window.geomap || {};
  G.views = G.views || [];
  G.ready = false;
  G.DAY_MS = 86400000;

  /** A new element with an optional class and text (set as textContent, never parsed). */
  G.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  };

  /** A <button type=button> with a text, an accessible name and a click handler. */
  G.button = function (parent, text, label, fn, cls) {
    var b = G.el('button', 'gm-btn' + (cls ? ' ' + cls : ''), text);
    b.type = 'button';
    if (label) {
      b.title = label;
      b.setAttribute('aria-label', label);
    }
    if (fn) { L.DomEvent.on(b, 'click', fn); }
    if (parent) { parent.appendChild(b); }
    return b;
  };

  /** A labelled checkbox; returns the <input>. */
  G.checkbox = function (parent, text, checked, fn, cls) {
    var lab = G.el('label', 'gm-check' + (cls ? ' ' + cls : ''));
    var inp = G.el('input');
    inp.type = 'checkbox';
    inp.checked = !!checked;
    lab.appendChild(inp);
    if (typeof text === 'string') { lab.appendChild(document.createTextNode(' ' + text)); } else { lab.appendChild(text); }
    if (fn) { L.DomEvent.on(inp, 'change', function () { fn(inp.checked); }); }
    parent.appendChild(lab);
    return inp;
  };

  /** A <select> of [value, text] options. */
  G.select = function (parent, label, options, value, fn) {
    var sel = G.el('select', 'gm-select');
    sel.setAttribute('aria-label', label);
    sel.title = label;
    options.forEach(function (o) {
      var opt = G.el('option', null, o[1]);
      opt.value = String(o[0]);
      sel.appendChild(opt);
    });
    sel.value = String(value);
    if (fn) { L.DomEvent.on(sel, 'change', function () { fn(sel.value); }); }
    parent.appendChild(sel);
    return sel;
  };

  G.isHttpUrl = function (u) {
    return typeof u === 'string' && /^https?:\/\/[^\s<>"]+$/i.test(u);
  };

  G.fmtInt = function (n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  };

  G.clamp = function (v, lo, hi) { return v < lo ? lo : (v > hi ? hi : v); };

  /** Keep clicks, drags and wheel turns on ``node`` from reaching the map (also when the
   *  clicked element was replaced by the click: Leaflet would then take it for a map click). */
  G.stopEvents = function (node) {
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
    L.DomEvent.on(node, 'click', L.DomEvent.stopPropagation);
  };

  /** A link opening in a new tab without giving the target access to this page. */
  G.link = function (url, text) {
    var a = G.el('a', null, text);
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  };

  /** ISO date (YYYY-MM-DD) of a UTC time in ms. */
  G.isoDate = function (ms) { return new Date(ms).toISOString().slice(0, 10); };

  /** A CSV cell: quoted when needed; text starting with = + - @ (or tab/CR) gets a leading
   *  apostrophe so that spreadsheets do not run it as a formula. */
  G.csvCell = function (v) {
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'number') { return isFinite(v) ? String(v) : ''; }
    var s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }
    if (/[",\r\n]/.test(s)) { s = '"' + s.replace(/"/g, '""') + '"'; }
    return s;
  };

  /** Offer ``text`` as a file download (a blob: URL; no network). */
  G.download = function (name, text, type) {
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    var a = G.el('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  };

  /** A file-name-safe version of ``s``. */
  G.slug = function (s) {
    return String(s || 'geomap').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'geomap';
  };
}());
