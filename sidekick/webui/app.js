// Saker web UI: a dashboard, an event browser and an info page over the
// sidekick's /api/v1. Plain JS, no build step, no external requests.
'use strict';

const PRIORITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'];
const PAGE_SIZE = 50;
const state = { tab: 'dashboard', offset: 0, total: 0, events: [], token: sessionStorage.getItem('saker-token') || '' };

const $ = (sel) => document.querySelector(sel);

function prioColor(p) {
  return getComputedStyle(document.documentElement).getPropertyValue('--' + String(p).toLowerCase()).trim() || '#8d99ae';
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'style') e.style.cssText = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

async function api(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== '' && v != null) qs.set(k, v);
  const headers = state.token ? { Authorization: 'Bearer ' + state.token } : {};
  const res = await fetch('/api/v1/' + path + (qs.toString() ? '?' + qs : ''), { headers });
  if (res.status === 401) { $('#auth').hidden = false; throw new Error('unauthorized'); }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function filters() {
  const f = Object.fromEntries(new FormData($('#filters')).entries());
  f.since = $('#range').value;
  return f;
}

// ---- dashboard ----------------------------------------------------------

function renderCards(counts) {
  const by = Object.fromEntries(counts.counts.map((c) => [c.key, c.count]));
  const box = $('#priority-cards');
  box.replaceChildren(el('div', { class: 'card', 'data-priority': 'total' },
    el('div', { class: 'n' }, counts.total), el('div', { class: 'l' }, 'Total')));
  for (const p of PRIORITIES) {
    box.append(el('div', { class: 'card', 'data-priority': p, style: 'border-left-color:' + prioColor(p) },
      el('div', { class: 'n' }, by[p] || 0), el('div', { class: 'l' }, p)));
  }
}

function renderCountTable(id, counts, limit) {
  const t = $(id);
  t.replaceChildren();
  for (const c of counts.counts.slice(0, limit)) {
    t.append(el('tr', {}, el('td', {}, c.key), el('td', { class: 'num' }, c.count)));
  }
  if (!counts.counts.length) t.append(el('tr', {}, el('td', {}, 'none')));
}

function renderTimeline(tl) {
  const svg = $('#timeline');
  const w = svg.clientWidth || 800, h = 160, n = tl.buckets || 1;
  const totals = new Array(n).fill(0);
  for (const p of PRIORITIES) (tl.series[p] || []).forEach((v, i) => { totals[i] += v; });
  const max = Math.max(1, ...totals);
  const bw = w / n;
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  const base = new Array(n).fill(0);
  for (const p of PRIORITIES.slice().reverse()) {
    (tl.series[p] || []).forEach((v, i) => {
      if (!v) return;
      const bh = (v / max) * (h - 10);
      const r = document.createElementNS(ns, 'rect');
      r.setAttribute('x', i * bw + 1); r.setAttribute('width', Math.max(1, bw - 2));
      r.setAttribute('y', h - base[i] - bh); r.setAttribute('height', bh);
      r.setAttribute('fill', prioColor(p));
      const title = document.createElementNS(ns, 'title');
      title.textContent = `${p}: ${v}`;
      r.append(title);
      svg.append(r);
      base[i] += bh;
    });
  }
  $('#timeline-legend').replaceChildren(...PRIORITIES.map((p) =>
    el('span', {}, el('i', { style: 'background:' + prioColor(p) }), p)));
}

async function loadDashboard() {
  const since = $('#range').value;
  const [prio, tl, ...groups] = await Promise.all([
    api('counts', { by: 'priority', since }),
    api('timeline', { since, buckets: 60 }),
    ...['rule', 'source', 'tags', 'hostname', 'container'].map((by) => api('counts', { by, since })),
  ]);
  renderCards(prio);
  renderTimeline(tl);
  ['#by-rule', '#by-source', '#by-tags', '#by-hostname', '#by-container'].forEach((id, i) =>
    renderCountTable(id, groups[i], id === '#by-rule' ? 10 : 8));
}

// ---- events -------------------------------------------------------------

function eventRow(a) {
  const tr = el('tr', { 'data-uuid': a.uuid || '' },
    el('td', {}, a.time), el('td', { class: 'prio', style: 'color:' + prioColor(a.priority) }, a.priority),
    el('td', {}, a.rule), el('td', {}, a.source), el('td', {}, a.hostname || ''),
    el('td', { class: 'output' }, a.output));
  tr.addEventListener('click', () => showDetail(a));
  return tr;
}

async function loadEvents() {
  const res = await api('events', { ...filters(), limit: PAGE_SIZE, offset: state.offset });
  state.total = res.total;
  state.events = res.events;
  $('#events-table tbody').replaceChildren(...res.events.map(eventRow));
  $('#events-total').textContent = `${res.total} alerts`;
  const last = Math.min(state.offset + PAGE_SIZE, res.total);
  $('#page').textContent = res.total ? `${state.offset + 1}–${last} of ${res.total}` : '';
  $('#prev').disabled = state.offset === 0;
  $('#next').disabled = last >= res.total;
}

function showDetail(a) {
  $('#detail-rule').textContent = a.rule;
  $('#detail-meta').textContent = `${a.time} · ${a.priority} · ${a.source} · ${a.hostname || ''} · tags: ${(a.tags || []).join(', ')}`;
  $('#detail-output').textContent = a.output;
  const t = $('#detail-fields');
  t.replaceChildren(...Object.keys(a.output_fields || {}).sort().map((k) => {
    const v = a.output_fields[k];
    return el('tr', {}, el('td', {}, k), el('td', {}, v === null ? '<NA>' : String(v)));
  }));
  $('#detail').hidden = false;
}

async function exportJson() {
  const res = await api('events', { ...filters(), limit: 10000, offset: 0 });
  const blob = new Blob([JSON.stringify(res.events, null, 2)], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: 'saker-alerts.json' });
  document.body.append(a);
  a.click();
  a.remove();
}

// ---- info ---------------------------------------------------------------

async function loadInfo() {
  const [outs, info] = await Promise.all([api('outputs'), api('info')]);
  $('#outputs tbody').replaceChildren(...outs.outputs.map((o) => el('tr', {},
    el('td', {}, o.name), el('td', { class: 'num' }, o.queue_depth), el('td', { class: 'num' }, o.sent),
    el('td', { class: 'num' }, o.retries), el('td', { class: 'num' }, o.failed),
    el('td', { class: 'num' }, o.spool_bytes), el('td', { class: 'error' }, o.last_error || ''))));
  $('#version').textContent = info.version;
  $('#config').textContent = JSON.stringify(info.config, null, 2);
}

// ---- wiring -------------------------------------------------------------

function refresh() {
  const load = { dashboard: loadDashboard, events: loadEvents, info: loadInfo }[state.tab];
  return load().catch((e) => console.error(e));
}

let pending = null;
function refreshSoon() {
  if (pending) return;
  pending = setTimeout(() => { pending = null; refresh(); }, 300);
}

function connectLive() {
  // EventSource cannot send headers: the token goes in the query string.
  const src = new EventSource('/api/v1/stream' + (state.token ? '?token=' + encodeURIComponent(state.token) : ''));
  src.onopen = () => { $('#live').className = 'live on'; };
  src.onerror = () => { $('#live').className = 'live off'; };
  src.addEventListener('alert', () => { if (state.offset === 0) refreshSoon(); });
}

for (const b of document.querySelectorAll('nav button')) {
  b.addEventListener('click', () => {
    state.tab = b.dataset.tab;
    for (const o of document.querySelectorAll('nav button')) o.classList.toggle('active', o === b);
    for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== state.tab;
    refresh();
  });
}
$('#range').addEventListener('change', () => { state.offset = 0; refresh(); });
$('#filters').addEventListener('submit', (e) => { e.preventDefault(); state.offset = 0; refresh(); });
$('#export').addEventListener('click', () => exportJson().catch((e) => console.error(e)));
$('#prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); refresh(); });
$('#next').addEventListener('click', () => { state.offset += PAGE_SIZE; refresh(); });
$('#detail-close').addEventListener('click', () => { $('#detail').hidden = true; });
$('#auth-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('#auth-token').value;
  sessionStorage.setItem('saker-token', state.token);
  $('#auth').hidden = true;
  refresh();
  connectLive();
});

refresh();
connectLive();
