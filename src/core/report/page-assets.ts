/**
 * The report page's style and script, inlined into the page (nothing is fetched at view time). The script
 * is plain ES2020 without dependencies: it reads the JSON embedded in the page and draws the monthly
 * metrics and promotion lead times as SVG bar charts, and the timelines as lists.
 */

/** The page's CSS: readable at phone width (the matrix scrolls sideways, charts wrap), light and dark. */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --card: #f6f8fa;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --bar: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --card: #151b23; --bar: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header h1 { margin: 16px 0 4px; font-size: 22px; }
header p, .note { color: var(--muted); margin: 0 0 8px; }
h2 { font-size: 18px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code { font: 12px ui-monospace, monospace; overflow-wrap: anywhere; }
a { color: var(--bar); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; min-width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--card); }
th small { display: block; font-weight: normal; color: var(--muted); font-size: 11px; }
th small.differs { color: var(--warn); }
.cell .version { font-weight: 600; font-size: 15px; }
.cell .digest, .cell .links, .cell .age { font: 11px ui-monospace, monospace; color: var(--muted); }
.cell.held { background: color-mix(in srgb, var(--warn) 12%, transparent); }
.hold { color: var(--warn); font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 11px; color: #fff; background: var(--muted); }
.badge.healthy { background: var(--ok); } .badge.failed, .badge.timeout { background: var(--bad); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
figure.chart { margin: 0; padding: 8px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
figure.chart figcaption { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
svg.bars { width: 100%; height: auto; display: block; }
svg.bars text { font: 9px system-ui, sans-serif; fill: var(--muted); }
svg.bars line { stroke: var(--line); }
svg.bars rect.bar { fill: var(--bar); } svg.bars rect.bar.bad { fill: var(--bad); }
ol.events { list-style: none; padding: 0; margin: 0; }
ol.events li { padding: 3px 0; border-bottom: 1px solid var(--line); display: flex; gap: 8px; flex-wrap: wrap; }
ol.events time { color: var(--muted); font: 11px ui-monospace, monospace; min-width: 130px; }
ol.events .kind { font-size: 11px; min-width: 64px; color: var(--muted); }
ol.events li.failed .kind, ol.events li.timeout .kind, ol.events li.rollback .kind { color: var(--bad); }
ol.events li.healthy .kind { color: var(--ok); }
details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
button { font: inherit; margin: 6px 0; }
`;

/** The page's script (no template literals inside: it lives in one). */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('baton-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  function svgEl(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (parent) parent.appendChild(e);
    return e;
  }
  function h(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== null && text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function duration(ms) {
    if (ms === null || ms === undefined) return 'n/a';
    var hours = ms / 3600000;
    if (hours >= 48) return (hours / 24).toFixed(1) + ' d';
    if (hours >= 1) return hours.toFixed(1) + ' h';
    return Math.round(ms / 60000) + ' min';
  }
  function percent(v) { return v === null || v === undefined ? 'n/a' : Math.round(v * 100) + '%'; }
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function monthLabel(m) { return MONTHS[Number(m.slice(5, 7)) - 1] + (m.slice(5, 7) === '01' ? ' ' + m.slice(2, 4) : ''); }

  // A bar chart: one bar per point, the value in each bar's tooltip, the top of the scale on the axis.
  function barChart(parent, title, points, format, bad, label) {
    var name = label || monthLabel;
    var fig = h('figure', 'chart', null, parent);
    h('figcaption', null, title, fig);
    var W = 320, H = 150, L = 44, B = 18, T = 8;
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title, 'class': 'bars' }, fig);
    var max = 0;
    points.forEach(function (p) { if (p.value !== null && p.value > max) max = p.value; });
    if (max === 0) max = 1;
    svgEl('line', { x1: L, y1: T, x2: L, y2: H - B }, svg);
    svgEl('line', { x1: L, y1: H - B, x2: W, y2: H - B }, svg);
    svgEl('text', { x: L - 4, y: T + 8, 'text-anchor': 'end' }, svg).textContent = format(max);
    svgEl('text', { x: L - 4, y: H - B, 'text-anchor': 'end' }, svg).textContent = format(0);
    var step = (W - L - 4) / Math.max(points.length, 1);
    points.forEach(function (p, i) {
      var x = L + 2 + i * step;
      if (p.value !== null) {
        var height = Math.max(1, (p.value / max) * (H - B - T));
        var bar = svgEl('rect', { x: x, y: H - B - height, width: Math.max(2, step - 3), height: height, 'class': bad ? 'bar bad' : 'bar', 'data-month': p.label }, svg);
        svgEl('title', {}, bar).textContent = p.label + ': ' + format(p.value);
      }
      if (points.length <= 7 || i % 2 === 0) svgEl('text', { x: x + step / 2, y: H - 5, 'text-anchor': 'middle' }, svg).textContent = name(p.label);
    });
    return fig;
  }

  var charts = document.getElementById('charts');
  data.environments.forEach(function (env) {
    var months = data.metrics[env] || [];
    h('h3', null, env, charts);
    if (months.length === 0) { h('p', 'note', 'No deploys yet.', charts); return; }
    var grid = h('div', 'grid', null, charts);
    grid.setAttribute('data-env', env);
    function series(key) { return months.map(function (m) { return { label: m.month, value: m[key] }; }); }
    var total = months.reduce(function (n, m) { return n + m.deployments; }, 0);
    barChart(grid, 'Deployments per month (' + total + ' in all)', series('deployments'), function (v) { return String(Math.round(v)); });
    barChart(grid, 'Lead time for changes (median)', series('leadTimeMs'), duration);
    barChart(grid, 'Change failure rate', series('changeFailureRate'), percent, true);
    barChart(grid, 'Time to restore (median)', series('timeToRestoreMs'), duration, true);
  });

  var promo = document.getElementById('promotion-chart');
  if (data.promotion.length === 0) h('p', 'note', 'No environment is promoted from another (promote-from in baton.yaml).', promo);
  else {
    var grid = h('div', 'grid', null, promo);
    barChart(grid, 'Median time from one environment to the next', data.promotion.map(function (p) { return { label: p.from + ' → ' + p.to, value: p.medianMs }; }), duration, false, function (l) { return l; });
    var list = h('ul', null, null, promo);
    data.promotion.forEach(function (p) { h('li', null, p.from + ' → ' + p.to + ': ' + duration(p.medianMs) + ' median over ' + p.count + ' version(s)', list); });
  }

  var timelines = document.getElementById('timelines');
  var PAGE = 50;
  data.environments.forEach(function (env, index) {
    var events = data.timelines[env] || [];
    var box = h('details', null, null, timelines);
    if (index === 0) box.open = true;
    h('summary', null, env + ' (' + events.length + ' events)', box);
    var list = h('ol', 'events', null, box);
    list.setAttribute('data-env', env);
    var shown = 0;
    function more() {
      events.slice(shown, shown + PAGE).forEach(function (e) {
        var li = h('li', e.kind + (e.status ? ' ' + e.status : ''), null, list);
        var t = h('time', null, new Date(e.time).toISOString().slice(0, 16).replace('T', ' ') + 'Z', li);
        t.setAttribute('datetime', e.time);
        h('span', 'kind', e.kind, li);
        var text = h(e.link ? 'a' : 'span', 'text', e.text, li);
        if (e.link) text.setAttribute('href', e.link);
        if (e.commit) {
          var c = h(e.commitUrl ? 'a' : 'code', 'commit', e.commit.slice(0, 8), li);
          if (e.commitUrl) c.setAttribute('href', e.commitUrl);
        }
      });
      shown = Math.min(events.length, shown + PAGE);
      button.hidden = shown >= events.length;
      button.textContent = 'Show ' + Math.min(PAGE, events.length - shown) + ' more of ' + (events.length - shown);
    }
    var button = h('button', null, '', box);
    button.type = 'button';
    button.addEventListener('click', more);
    more();
  });
  document.documentElement.setAttribute('data-rendered', 'true');
})();
`;
