// Small DOM and chart helpers shared by the console pages. Charts are Chart.js (served locally).

const palette = ['#2f6fed', '#e8793a', '#2f855a', '#c7362c', '#7c4dcc', '#b7791f', '#0f8a9d', '#d53f8c', '#5b6475', '#38a169'];

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
}

function make(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'className') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) el.append(c);
  return el;
}

/** A titled card on the page; `wide` spans the whole row. */
export function card(main, title, note, wide = false) {
  const section = make('section', { className: wide ? 'card wide' : 'card', 'data-card': title }, [make('h2', { text: title })]);
  if (note) section.append(make('p', { className: 'note', text: note }));
  main.append(section);
  return section;
}

/** Exact decimal USD strings shown rounded for reading (the API keeps them exact). */
export function usd(value) {
  const n = Number(value);
  return n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toPrecision(3)}`;
}

export function count(value) {
  return Number(value).toLocaleString('en-US');
}

export function percent(value) {
  return value === null || value === undefined ? '–' : `${(Number(value) * 100).toFixed(1)} %`;
}

export function ms(value) {
  return value === null || value === undefined ? '–' : `${Number(value).toFixed(0)} ms`;
}

export function stats(section, items) {
  section.append(
    make(
      'div',
      { className: 'stats' },
      items.map((i) =>
        make('div', { className: 'stat' }, [make('div', { className: 'label', text: i.label }), make('div', { className: 'value', text: i.value })]),
      ),
    ),
  );
}

export function empty(section, text) {
  section.append(make('p', { className: 'empty', text }));
}

export function badge(text) {
  return make('span', { className: `badge ${text}`, text });
}

/** A table; each column is { label, value: row => string | Node, num? }. */
export function table(section, columns, rows) {
  const head = make(
    'tr',
    {},
    columns.map((c) => make('th', { className: c.num ? 'num' : '', text: c.label })),
  );
  const body = rows.map((r) =>
    make(
      'tr',
      {},
      columns.map((c) => {
        const v = c.value(r);
        return make('td', { className: c.num ? 'num' : '' }, [typeof v === 'string' ? document.createTextNode(v) : v]);
      }),
    ),
  );
  section.append(make('div', { className: 'scroll' }, [make('table', {}, [make('thead', {}, [head]), make('tbody', {}, body)])]));
}

/**
 * A chart of series over shared labels: `series` is [{ label, data: number[] }].
 * @param {'line' | 'bar'} type
 */
export function chart(section, type, labels, series, { stacked = false, unit = '', horizontal = false } = {}) {
  const canvas = make('canvas', { role: 'img', 'aria-label': section.dataset.card });
  section.append(make('div', { className: 'chart' }, [canvas]));
  const format = (v) => (unit === '$' ? usd(v) : unit === '%' ? percent(v) : unit === 'ms' ? ms(v) : count(v));
  return new window.Chart(canvas, {
    type,
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length] + (type === 'line' ? '33' : 'cc'),
        fill: stacked && type === 'line',
        tension: 0.2,
        pointRadius: labels.length > 48 ? 0 : 2,
        spanGaps: true,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: horizontal ? 'y' : 'x',
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${format(c.parsed[horizontal ? 'x' : 'y'])}` } } },
      scales: {
        [horizontal ? 'y' : 'x']: { stacked, ticks: { maxRotation: 0, autoSkip: true } },
        [horizontal ? 'x' : 'y']: { stacked, beginAtZero: true, ticks: { callback: (v) => format(v) } },
      },
    },
  });
}

/** Short UTC label for a bucket start: "11-30 14:00" or "11-30" for whole days. */
export function bucketLabel(iso, hours) {
  return hours > 48 ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Pivots rows [{ bucket, key, value }] into chart labels and one series per key (missing = 0). */
export function pivot(rows, hours) {
  const buckets = [...new Set(rows.map((r) => r.bucket))].sort();
  const keys = [...new Set(rows.map((r) => r.key))].sort();
  const index = new Map(rows.map((r) => [`${r.bucket}|${r.key}`, r.value]));
  return {
    labels: buckets.map((b) => bucketLabel(b, hours)),
    series: keys.map((k) => ({ label: k || 'unattributed', data: buckets.map((b) => Number(index.get(`${b}|${k}`) ?? 0)) })),
  };
}
