/* gm-time.js - the timeline: a histogram of events per day (stacked by weapon/type) that is
 * also the time slider (role="slider", the shown dates in aria-valuetext), play that
 * skips days without events at a chosen speed, a window (one day, the last N days, a date
 * range or all dates), previous/next event day, and whether undated events show.
 */
(function () {
  'use strict';

  var G = window.geomap, el = G.el;
  var PAD = 6;  // px left and right of the histogram
  var SPEEDS = [[0.5, '\u00bd\u00d7'], [1, '1\u00d7'], [2, '2\u00d7'], [4, '4\u00d7'], [8, '8\u00d7']];
  var WINDOWS = [['all', 'All dates'], [1, 'One day'], [3, 'Last 3 days'], [7, 'Last 7 days'],
                 [14, 'Last 14 days'], [30, 'Last 30 days'], [90, 'Last 90 days'], ['range', 'Date range']];

  var TimeControl = L.Control.extend({
    options: {position: 'bottomleft'},

    initialize: function (view) {
      this._v = view;
      this.speed = 2;  // event days per second
    },

    onAdd: function () {
      var v = this._v, ev = v.ev, self = this;
      var box = el('div', 'gm-panel gm-time');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', 'Timeline');
      G.stopEvents(box);
      var head = el('div', 'gm-time-head');
      this._label = el('div', 'gm-time-label');
      this._label.setAttribute('aria-live', 'polite');
      head.appendChild(this._label);
      this._count = el('div', 'gm-time-count');
      head.appendChild(this._count);
      box.appendChild(head);
      if (ev.span > 0) {
        this._buildHistogram(box);
        var row = el('div', 'gm-time-row gm-time-buttons');
        G.button(row, '\u25c0|', 'Previous event day', function () { self.stop(); v.stepEventDay(-1); });
        this._play = G.button(row, '\u25b6', 'Play', function () { self.toggle(); }, 'gm-play');
        G.button(row, '|\u25b6', 'Next event day', function () { self.stop(); v.stepEventDay(1); });
        this._speed = G.select(row, 'Play speed (event days per second)', SPEEDS, this.speed, function (s) {
          self.speed = +s;
          if (self._timer) { self.stop(); self.start(); }
        });
        this._window = G.select(row, 'Time window', WINDOWS, 'all', function (w) {
          self.stop();
          if (w === 'all') { v.showAll(); } else if (w === 'range') { v.setRange(v.from, v.to); } else { v.setWindow(+w); }
        });
        this._more = G.button(row, 'More \u25be', 'More time options', function () { self.toggleMore(); }, 'gm-time-more-btn');
        this._more.setAttribute('aria-expanded', 'false');
        box.appendChild(row);
        var more = el('div', 'gm-time-row gm-time-more');
        this._from = this._dateInput(more, 'From');
        this._to = this._dateInput(more, 'to');
        var onRange = function () {
          self.stop();
          var f = ev.isoDay(self._from.value), t = ev.isoDay(self._to.value);
          v.setRange(f === null ? 0 : f, t === null ? ev.span - 1 : t);
        };
        L.DomEvent.on(this._from, 'change', onRange);
        L.DomEvent.on(this._to, 'change', onRange);
        this._moreBox = more;
        box.appendChild(more);
      }
      var und = el('div', 'gm-time-row gm-time-undated-row' + (ev.span > 0 ? ' gm-time-more' : ''));
      this._undated = G.checkbox(und, 'Undated events (' + G.fmtInt(ev.undatedCount) + '), drawn hollow',
        v.showUndated, function (on) { v.setUndated(on); }, 'gm-time-undated');
      this._undated.disabled = ev.undatedCount === 0;
      box.appendChild(und);
      this._undatedRow = und;
      this._box = box;
      this.update();
      return box;
    },

    onRemove: function () { this.stop(); },

    _dateInput: function (parent, label) {
      var ev = this._v.ev, lab = el('label', 'gm-date', label + ' '), inp = el('input');
      inp.type = 'date';
      inp.min = ev.dayIso(0);
      inp.max = ev.dayIso(ev.span - 1);
      lab.appendChild(inp);
      parent.appendChild(lab);
      return inp;
    },

    /** Phone layout: show or hide the window, speed, dates and undated options. */
    toggleMore: function (open) {
      var box = this._box;
      open = open === undefined ? !L.DomUtil.hasClass(box, 'gm-time-open') : open;
      L.DomUtil[open ? 'addClass' : 'removeClass'](box, 'gm-time-open');
      if (this._more) { this._more.setAttribute('aria-expanded', String(open)); }
      if (open) { this._v.closePanels(null); }
      this._v.layoutChanged();
    },

    // ------------------------------------------------------------ histogram + slider

    _buildHistogram: function (box) {
      var v = this._v, ev = v.ev, self = this;
      var wrap = el('div', 'gm-hist');
      this._canvas = el('canvas', 'gm-hist-canvas');
      this._canvas.setAttribute('aria-hidden', 'true');
      wrap.appendChild(this._canvas);
      this._band = el('div', 'gm-hist-band');
      wrap.appendChild(this._band);
      this._thumb = el('div', 'gm-hist-thumb');
      wrap.appendChild(this._thumb);
      // The histogram is the slider: its value is the last day shown.
      wrap.setAttribute('role', 'slider');
      wrap.setAttribute('tabindex', '0');
      wrap.setAttribute('aria-label', 'Date (last day shown)');
      wrap.setAttribute('aria-valuemin', '0');
      wrap.setAttribute('aria-valuemax', String(ev.span - 1));
      wrap.className += ' gm-time-slider';
      this._slider = wrap;
      var dragging = false;
      var dayAt = function (e) {
        var r = wrap.getBoundingClientRect(), w = r.width - 2 * PAD;
        return G.clamp(Math.floor((e.clientX - r.left - PAD) / w * ev.span), 0, ev.span - 1);
      };
      L.DomEvent.on(wrap, 'pointerdown', function (e) {
        if (e.button !== 0) { return; }
        dragging = true;
        self.stop();
        if (wrap.setPointerCapture) { wrap.setPointerCapture(e.pointerId); }
        v.setDay(dayAt(e));
        wrap.focus();
        L.DomEvent.preventDefault(e);
      });
      L.DomEvent.on(wrap, 'pointermove', function (e) {
        if (dragging) { v.setDay(dayAt(e)); }
        self._hover(e, dayAt(e));
      });
      L.DomEvent.on(wrap, 'pointerup pointercancel', function () { dragging = false; });
      L.DomEvent.on(wrap, 'pointerleave', function () { wrap.removeAttribute('title'); });
      L.DomEvent.on(wrap, 'keydown', function (e) {
        var day = v.to, handled = true;
        switch (e.key) {
          case 'ArrowLeft': case 'ArrowDown': v.setDay(day - 1); break;
          case 'ArrowRight': case 'ArrowUp': v.setDay(day + 1); break;
          case 'PageDown': v.stepEventDay(-1); break;
          case 'PageUp': v.stepEventDay(1); break;
          case 'Home': v.setDay(0); break;
          case 'End': v.setDay(ev.span - 1); break;
          default: handled = false;
        }
        if (handled) { self.stop(); L.DomEvent.preventDefault(e); }
      });
      box.appendChild(wrap);
      var axis = el('div', 'gm-hist-axis');
      axis.appendChild(el('span', null, ev.dayIso(0)));
      this._axisMid = el('span', 'gm-hist-axis-mid');
      axis.appendChild(this._axisMid);
      axis.appendChild(el('span', null, ev.dayIso(ev.span - 1)));
      box.appendChild(axis);
    },

    _hover: function (e, day) {
      var v = this._v, counts = v.dayTotals;
      this._slider.title = v.ev.dayIso(day) + ': ' + (counts ? G.fmtInt(counts[day]) : 0) + ' events';
    },

    /** Draw the histogram of v.hist (events per day and category passing the other filters). */
    drawHistogram: function () {
      var c = this._canvas;
      if (!c) { return; }
      var v = this._v, ev = v.ev, hist = v.hist, ncat = ev.cats.length, span = ev.span;
      var cssW = this._slider.clientWidth, cssH = this._slider.clientHeight, ratio = window.devicePixelRatio || 1;
      if (!cssW || !cssH) { return; }
      c.width = Math.round(cssW * ratio);
      c.height = Math.round(cssH * ratio);
      c.style.width = cssW + 'px';
      c.style.height = cssH + 'px';
      var ctx = c.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, cssW, cssH);
      var w = cssW - 2 * PAD, perDay = w / span, per = Math.max(1, Math.ceil(1.5 / perDay));
      var nb = Math.ceil(span / per), sums = new Float64Array(nb * ncat), tot = new Float64Array(nb), b, k, d;
      for (d = 0; d < span; d++) {
        b = (d / per) | 0;
        for (k = 0; k < ncat; k++) {
          var x = hist[d * ncat + k];
          sums[b * ncat + k] += x;
          tot[b] += x;
        }
      }
      var max = 0;
      for (b = 0; b < nb; b++) { if (tot[b] > max) { max = tot[b]; } }
      this._max = max;
      var H = cssH - 3, from = v.mode === 'all' ? 0 : v.from, to = v.mode === 'all' ? span - 1 : v.to;
      for (b = 0; b < nb; b++) {
        if (!tot[b]) { continue; }
        var x0 = PAD + b * per * perDay, bw = Math.max(per * perDay - (per * perDay > 3 ? 1 : 0), 1);
        var inSel = (b + 1) * per - 1 >= from && b * per <= to;
        ctx.globalAlpha = inSel ? 1 : 0.35;
        var y = H;
        for (k = 0; k < ncat; k++) {
          var hgt = sums[b * ncat + k] / max * (H - 2);
          if (hgt <= 0) { continue; }
          ctx.fillStyle = ev.cats[k].color;
          ctx.fillRect(x0, y - hgt, bw, hgt);
          y -= hgt;
        }
      }
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#999';
      ctx.fillRect(PAD, H, w, 1);
      var mid = Math.floor(span / 2);
      if (this._axisMid) { this._axisMid.textContent = span > 20 ? ev.dayIso(mid) : ''; }
      this.stats = {bins: nb, daysPerBin: per, max: max};
    },

    _place: function () {
      if (!this._slider) { return; }
      var v = this._v, span = v.ev.span, w = this._slider.clientWidth - 2 * PAD;
      var from = v.mode === 'all' ? 0 : v.from, to = v.mode === 'all' ? span - 1 : v.to;
      this._band.style.left = (PAD + from / span * w) + 'px';
      this._band.style.width = Math.max((to - from + 1) / span * w, 2) + 'px';
      this._thumb.style.left = (PAD + (to + 0.5) / span * w) + 'px';
      this._thumb.style.display = v.mode === 'all' ? 'none' : '';
    },

    // ------------------------------------------------------------ play

    toggle: function () { if (this._timer) { this.stop(); } else { this.start(); } },

    start: function () {
      var v = this._v, self = this;
      if (!v.ev.span) { return; }
      if (v.mode === 'all' || v.mode === 'range') { v.setWindow(1, v.firstEventDay()); } else if (v.nextEventDay(v.to, 1) === null) {
        v.setDay(v.firstEventDay());  // at the end: start again
      }
      this._play.textContent = '\u275a\u275a';
      this._play.title = 'Pause';
      this._play.setAttribute('aria-label', 'Pause');
      L.DomUtil.addClass(this._play, 'gm-playing');
      this._timer = setInterval(function () {
        if (!v.stepEventDay(1)) { self.stop(); }
      }, 1000 / this.speed);
    },

    stop: function () {
      if (this._timer) { clearInterval(this._timer); this._timer = null; }
      if (this._play) {
        this._play.textContent = '\u25b6';
        this._play.title = 'Play';
        this._play.setAttribute('aria-label', 'Play');
        L.DomUtil.removeClass(this._play, 'gm-playing');
      }
    },

    playing: function () { return !!this._timer; },

    // ------------------------------------------------------------ state

    update: function () {
      if (!this._box) { return; }
      var v = this._v, ev = v.ev, s = v.stats;
      this._label.textContent = v.rangeText();
      this._count.textContent = G.fmtInt(s.visible) + ' of ' + G.fmtInt(s.total) + ' events shown' +
        (s.skipped ? ' (' + G.fmtInt(s.skipped) + ' without coordinates not mapped)' : '');
      if (this._slider) {
        this._slider.setAttribute('aria-valuenow', String(v.mode === 'all' ? ev.span - 1 : v.to));
        this._slider.setAttribute('aria-valuetext', v.rangeText());
        this._from.value = ev.dayIso(v.mode === 'all' ? 0 : v.from);
        this._to.value = ev.dayIso(v.mode === 'all' ? ev.span - 1 : v.to);
        this._window.value = v.mode === 'all' ? 'all' : (v.mode === 'range' ? 'range' : String(v.win));
        if (this._window.value === '' && v.mode === 'window') { this._addWindowOption(v.win); }
        this._place();
        if (this._histVersion !== v.histVersion || this._histWidth !== this._slider.clientWidth) {
          this._histVersion = v.histVersion;
          this._histWidth = this._slider.clientWidth;
          this.drawHistogram();
        } else if (this._drawnSel !== v.from + ':' + v.to + ':' + v.mode) {
          this.drawHistogram();
        }
        this._drawnSel = v.from + ':' + v.to + ':' + v.mode;
      }
      this._undated.checked = v.showUndated;
    },

    _addWindowOption: function (n) {
      var opt = el('option', null, 'Last ' + n + ' days');
      opt.value = String(n);
      this._window.insertBefore(opt, this._window.lastChild);
      this._window.value = String(n);
    }
  });

  G.TimeControl = TimeControl;
}());
