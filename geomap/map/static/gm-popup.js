/* gm-popup.js - popup contents: the event card (with its source cards) and the list of
 * several events (a cluster's, a region's, or events stacked at one spot), grouped by date.
 * Article text is set as textContent only; links only for http(s) URLs.
 */
(function () {
  'use strict';

  var G = window.geomap, el = G.el;
  var PAGE = 40;  // rows shown at once in a multi-event popup

  function addRow(dl, label, value) {
    if (value === null || value === undefined || value === '') { return; }
    dl.appendChild(el('dt', null, label));
    var dd = el('dd');
    if (typeof value === 'string' || typeof value === 'number') { dd.textContent = String(value); } else { dd.appendChild(value); }
    dl.appendChild(dd);
  }

  /** One source article: outlet, title (a link when it has an http(s) URL), date. */
  function sourceCard(ev, k) {
    var card = el('li', 'gm-source');
    var outlet = ev.source('outlet', k), title = ev.source('title', k), url = ev.source('url', k);
    var published = ev.source('published', k);
    var top = el('div', 'gm-source-top');
    top.appendChild(el('span', 'gm-source-outlet', outlet || 'unknown outlet'));
    if (published) { top.appendChild(el('span', 'gm-source-date', published)); }
    card.appendChild(top);
    var label = title || url || 'untitled';
    if (G.isHttpUrl(url)) {
      card.appendChild(G.link(url, label));
    } else {
      card.appendChild(el('span', 'gm-source-title', label));
      card.appendChild(el('span', 'gm-muted', ' (no link)'));
    }
    return card;
  }

  /** The full card of event i. */
  function eventCard(ev, i) {
    var card = el('div', 'gm-card');
    card.setAttribute('data-event', ev.str('event_id', i) || String(i));
    var cat = ev.catOf(i), head = el('div', 'gm-card-head');
    var sw = el('span', 'gm-swatch');
    sw.style.background = cat.color;
    head.appendChild(sw);
    head.appendChild(el('strong', null, ev.dateText(i) + ' \u2014 ' + cat.label));
    card.appendChild(head);
    card.appendChild(el('div', 'gm-card-place', ev.placeText(i)));
    var dl = el('dl', 'gm-dl');
    addRow(dl, 'Side', ev.sides[ev.side[i]] ? ev.sides[ev.side[i]].label : null);
    addRow(dl, 'Type', ev.str('event_type', i));
    addRow(dl, 'Weapon', ev.weaponText(i));
    addRow(dl, 'Actor', ev.str('actor', i));
    addRow(dl, 'Target', ev.str('target', i));
    addRow(dl, 'Killed / injured', ev.casualtyText(i));
    addRow(dl, 'Intercepted', ev.icpt[i] ? 'yes (claimed)' : 'no');
    card.appendChild(dl);

    var quote = ev.str('quote', i);
    if (quote) { card.appendChild(el('blockquote', 'gm-quote', quote)); }

    // How the place and the date were found, and how sure the extraction is.
    var how = el('dl', 'gm-dl gm-how');
    var written = ev.str('place_text', i);
    var resolved = [ev.str('place_name', i), ev.str('admin1_name', i), ev.str('country_code', i)]
      .filter(function (s) { return s; }).join(', ');
    var place = (written ? '\u201c' + written + '\u201d in the text \u2192 ' : '') + (resolved || 'not resolved') +
      ' (' + ev.precisionText(i) + ')';
    if (ev.prec[i] === 3 && ev.shape[i] !== 3) { place += '; no outline: drawn as a circle'; }
    addRow(how, 'Place', place);
    var ds = ev.str('date_source', i);
    var date = ev.day[i] < 0 ? 'no date found' : ev.dayIso(ev.day[i]) + ' (to the ' + ev.timePrecisionText(i) + ')';
    addRow(how, 'Date', date + (ds ? ' \u2190 ' + ds : ''));
    var c = ev.conf[i];
    if (c >= 0) {
      var conf = el('span', 'gm-conf');
      var bar = el('span', 'gm-conf-bar');
      var fill = el('span', 'gm-conf-fill');
      fill.style.width = Math.round(c * 100) + '%';
      bar.appendChild(fill);
      conf.appendChild(bar);
      conf.appendChild(document.createTextNode(' ' + c.toFixed(2)));
      addRow(how, 'Confidence', conf);
    }
    card.appendChild(how);

    var srcs = ev.srcs[i] || [];
    card.appendChild(el('div', 'gm-src-head', srcs.length === 1 ? 'Source' : srcs.length + ' sources'));
    var ul = el('ul', 'gm-sources');
    srcs.forEach(function (k) { ul.appendChild(sourceCard(ev, k)); });
    if (!srcs.length) { ul.appendChild(el('li', 'gm-muted', 'no source recorded')); }
    card.appendChild(ul);
    card.appendChild(el('div', 'gm-card-id gm-muted', 'Event ' + (ev.str('event_id', i) || '#' + i)));
    return card;
  }

  /** One compact row of the multi-event list. */
  function eventRowText(ev, i) {
    var k = ev.killed[i], j = ev.injured[i], cas = '';
    if (k > 0 || j > 0) { cas = ' \u00b7 ' + Math.max(k, 0) + ' killed, ' + Math.max(j, 0) + ' injured'; }
    return ev.catOf(i).label + ' \u00b7 ' + ev.placeText(i) + cas;
  }

  /** Contents of a popup for events ``idx`` (one: its card; several: a list grouped by
   *  date, each row opening its card, with previous/next between cards).
   *  ``opts``: heading, onChange (content changed: re-layout), onShow(i) (a card shown). */
  function popupContent(ev, idx, opts) {
    opts = opts || {};
    var box = el('div', 'gm-popup');
    G.stopEvents(box);
    var order = idx.slice().sort(function (a, b) {
      var da = ev.day[a] < 0 ? 1e9 : ev.day[a], db = ev.day[b] < 0 ? 1e9 : ev.day[b];
      return db === da ? a - b : (da === 1e9 ? 1 : (db === 1e9 ? -1 : db - da));  // newest first, undated last
    });
    var shown = PAGE;

    function changed() { if (opts.onChange) { opts.onChange(); } }

    function showCard(pos) {
      L.DomUtil.empty(box);
      var i = order[pos];
      if (order.length > 1) {
        var nav = el('div', 'gm-popup-nav');
        G.button(nav, '\u2190 All ' + order.length, 'Back to the list of ' + order.length + ' events', function () { showList(); });
        var prev = G.button(nav, '\u2039', 'Previous event', function () { showCard(pos - 1); });
        prev.disabled = pos === 0;
        nav.appendChild(el('span', 'gm-popup-pos', (pos + 1) + ' of ' + order.length));
        var next = G.button(nav, '\u203a', 'Next event', function () { showCard(pos + 1); });
        next.disabled = pos === order.length - 1;
        box.appendChild(nav);
      }
      box.appendChild(eventCard(ev, i));
      if (opts.onShow) { opts.onShow(i); }
      changed();
    }

    function showList() {
      L.DomUtil.empty(box);
      if (opts.heading) { box.appendChild(el('div', 'gm-popup-title', opts.heading)); }
      var dates = {}, nd = 0;
      order.forEach(function (i) { var k = ev.day[i]; if (!dates[k]) { dates[k] = 1; nd++; } });
      box.appendChild(el('div', 'gm-popup-count', G.fmtInt(order.length) + ' events on ' + nd +
        (nd === 1 ? ' date' : ' dates') + ' \u2014 newest first; choose one to open it'));
      var list = el('div', 'gm-popup-list');
      var lastDay = null;
      for (var p = 0; p < Math.min(shown, order.length); p++) {
        var i = order[p];
        if (ev.day[i] !== lastDay) {
          lastDay = ev.day[i];
          list.appendChild(el('div', 'gm-popup-date', ev.day[i] < 0 ? 'Undated' : ev.dayIso(ev.day[i])));
        }
        var row = G.button(list, null, null, (function (pos) { return function () { showCard(pos); }; }(p)), 'gm-popup-row');
        var sw = el('span', 'gm-swatch');
        sw.style.background = ev.catOf(i).color;
        row.appendChild(sw);
        row.appendChild(document.createTextNode(eventRowText(ev, i)));
      }
      box.appendChild(list);
      if (order.length > shown) {
        G.button(box, 'Show ' + Math.min(PAGE, order.length - shown) + ' more', null, function () {
          shown += PAGE;
          showList();
        }, 'gm-popup-more');
      }
      changed();
    }

    if (order.length === 1) { showCard(0); } else { showList(); }
    box.showCard = function (i) {
      var pos = order.indexOf(i);
      if (pos >= 0) { showCard(pos); }
    };
    return box;
  }

  function tooltipContent(ev, idx) {
    var i = idx[0], box = el('div', 'gm-tip');
    box.appendChild(el('strong', null, ev.dateText(i)));
    box.appendChild(document.createTextNode(' \u00b7 ' + ev.catOf(i).label + ' \u00b7 ' + ev.placeText(i)));
    if (idx.length > 1) { box.appendChild(el('div', 'gm-muted', '+ ' + (idx.length - 1) + ' more here')); }
    return box;
  }

  /** Tooltip of a cluster: count, dates, casualties, what a click does. */
  function clusterTip(ev, members, action) {
    var box = el('div', 'gm-tip'), lo = Infinity, hi = -Infinity, k = 0, j = 0, undated = 0;
    members.forEach(function (i) {
      if (ev.day[i] < 0) { undated++; } else { lo = Math.min(lo, ev.day[i]); hi = Math.max(hi, ev.day[i]); }
      k += Math.max(ev.killed[i], 0);
      j += Math.max(ev.injured[i], 0);
    });
    box.appendChild(el('strong', null, G.fmtInt(members.length) + ' events'));
    var dates = lo === Infinity ? 'undated' : (lo === hi ? ev.dayIso(lo) : ev.dayIso(lo) + ' \u2192 ' + ev.dayIso(hi));
    if (undated && lo !== Infinity) { dates += ' (+' + undated + ' undated)'; }
    box.appendChild(document.createTextNode(' \u00b7 ' + dates));
    box.appendChild(el('div', null, k + ' killed, ' + j + ' injured (reported)'));
    box.appendChild(el('div', 'gm-muted', action));
    return box;
  }

  G.eventCard = eventCard;
  G.popupContent = popupContent;
  G.tooltipContent = tooltipContent;
  G.clusterTip = clusterTip;
}());
