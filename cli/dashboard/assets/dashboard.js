// The streamfold web dashboard's page script: asks the server for each pipeline's view and draws it
// with ECharts (served by the same server from the installed package). Read-only; no inline script.
/* global echarts */
(() => {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const pipelines = JSON.parse(document.body.dataset.pipelines ?? '[]');
  const refreshMs = Number(document.body.dataset.refreshMs ?? '2000');
  /** The range selector's choices before the first view names them (it then lists the pipeline's own). */
  const RANGES = [15, 30, 60, 180, 360].map((n) => ({ value: String(n), label: `last ${n} windows` }));
  /** Rows of the latest window's table, highest metric first. */
  const TABLE_ROWS = 20;
  const state = new Map();
  const charts = new Map();

  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  };

  const formatNumber = (value) =>
    typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 4 }) : '-';

  const formatMetric = (value) => {
    if (value === null || value === undefined) return '-';
    if (typeof value === 'number') return formatNumber(value);
    if (Array.isArray(value))
      return value.map((e) => `${e.value}: ${formatNumber(e.count)}`).join(', ') || '-';
    return Object.entries(value)
      .map(([k, v]) => `${k}=${formatNumber(v)}`)
      .join(' ');
  };

  const ago = (ms) =>
    ms === undefined || ms === null ? 'no results stored yet' : `${Math.round(ms / 1000)} s ago`;
  const hhmm = (iso) => iso.slice(11, 16);

  const chartOf = (pipeline, kind, container) => {
    const key = `${pipeline}/${kind}`;
    let chart = charts.get(key);
    if (chart === undefined) {
      chart = echarts.init(container, null, { renderer: 'canvas' });
      charts.set(key, chart);
    }
    return chart;
  };

  const section = (name) => {
    const s = {
      metric: undefined,
      groups: undefined,
      range: '30',
      root: el('section', { class: 'pipeline', id: `pipeline-${name}`, 'data-pipeline': name }),
    };
    state.set(name, s);
    const metricSelect = el('select', { 'data-control': 'metric', 'aria-label': 'metric' });
    metricSelect.addEventListener('change', () => {
      s.metric = metricSelect.value;
      void refresh(name);
    });
    const rangeSelect = el('select', { 'data-control': 'range', 'aria-label': 'range' });
    for (const r of RANGES) rangeSelect.append(el('option', { value: r.value }, r.label));
    rangeSelect.value = '30';
    rangeSelect.addEventListener('change', () => {
      s.range = rangeSelect.value;
      void refresh(name);
    });
    const groupSelect = el('select', {
      'data-control': 'groups',
      multiple: '',
      size: '4',
      'aria-label': 'groups',
    });
    groupSelect.addEventListener('change', () => {
      s.groups = [...groupSelect.selectedOptions].map((o) => o.value);
      if (s.groups.length === 0) s.groups = undefined;
      void refresh(name);
    });
    const chartBox = (kind, title) =>
      el(
        'figure',
        { class: 'chart-box', 'data-box': kind },
        el('figcaption', {}, title),
        el('div', { class: 'chart', 'data-chart': kind }),
      );
    s.root.append(
      el('h2', {}, name),
      el('p', { class: 'description', 'data-field': 'description' }),
      el(
        'p',
        { class: 'freshness' },
        'Results written ',
        el('span', { 'data-field': 'age' }, '…'),
        ' · ',
        el('span', { 'data-field': 'window' }),
      ),
      el(
        'dl',
        { class: 'counters' },
        ...['in', 'folded', 'rejected', 'late'].flatMap((c) => [
          el('dt', {}, c),
          el('dd', { 'data-counter': c }, '-'),
        ]),
        el('dd', { class: 'span', 'data-field': 'counters-span' }),
      ),
      el(
        'div',
        { class: 'controls' },
        el('label', {}, 'metric ', metricSelect),
        el('label', {}, 'range ', rangeSelect),
        el('label', {}, 'groups ', groupSelect),
      ),
      el('p', { class: 'note', 'data-field': 'series-note' }),
      el(
        'div',
        { class: 'charts' },
        chartBox('top', 'Top groups'),
        chartBox('series', 'Over time'),
        chartBox('quantiles', 'Quantiles'),
        chartBox('candles', 'Candles'),
        chartBox('dead-letters', 'Dead letters today (UTC), by reason'),
      ),
      el('h3', {}, 'Latest window'),
      el('p', { class: 'note', 'data-field': 'table-note' }),
      el('table', { class: 'results', 'data-table': 'results' }),
    );
    s.controls = { metricSelect, rangeSelect, groupSelect };
    return s.root;
  };

  const DAY_MS = 86_400_000;
  /** Axis labels: a window's or an hour's start (with its date for rollups), or a day's date. */
  const axisTime = (view) =>
    view.starts.map((iso) =>
      view.resolution !== 'rollups'
        ? hhmm(iso)
        : view.stepMs >= DAY_MS
          ? iso.slice(0, 10)
          : `${iso.slice(5, 10)} ${hhmm(iso)}`,
    );

  /** Shades the newest point when it is a bucket that has not ended (a partial rollup). */
  const partialMark = (view) => {
    const last = view.starts[view.starts.length - 1];
    if (view.resolution !== 'rollups' || last === undefined) return undefined;
    if (Date.parse(last) + view.stepMs <= view.nowMs) return undefined;
    const label = axisTime(view)[view.starts.length - 1];
    return {
      silent: true,
      itemStyle: { color: 'rgba(120, 120, 120, 0.12)' },
      label: { show: true, position: 'insideTop', formatter: 'partial' },
      data: [[{ xAxis: label }, { xAxis: label }]],
    };
  };

  const render = (name, view) => {
    const s = state.get(name);
    const root = s.root;
    root.querySelector('[data-field="description"]').textContent = view.description;
    root.querySelector('[data-field="age"]').textContent = ago(view.resultsAgeMs);
    root.querySelector('[data-field="window"]').textContent =
      view.window === undefined
        ? 'no window with data yet'
        : `latest window ${hhmm(view.window.start)}–${hhmm(view.window.end)} UTC${view.window.partial ? ' (partial: still receiving records)' : ''}`;
    for (const c of ['in', 'folded', 'rejected', 'late']) {
      const key = { in: 'recordsIn', folded: 'folded', rejected: 'rejected', late: 'late' }[c];
      root.querySelector(`[data-counter="${c}"]`).textContent =
        view.counters === undefined ? 'n/a' : formatNumber(view.counters[key]);
    }
    root.querySelector('[data-field="counters-span"]').textContent =
      view.countersSpan === undefined
        ? '(counters: not reported here; see streamfold dev, or CloudWatch when deployed)'
        : `(${view.countersSpan})`;
    root.dataset.updatedAt = String(view.nowMs);
    // What the charts over time show, for people's tools and the browser test: the range and its points' starts.
    root.dataset.range = view.range;
    root.dataset.starts = JSON.stringify(view.starts);
    root.dataset.records = String(view.results.reduce((sum, r) => sum + (r.records ?? 0), 0));

    const { metricSelect, rangeSelect, groupSelect } = s.controls;
    const rangeValues = view.ranges.map((r) => r.value).join(',');
    if ([...rangeSelect.options].map((o) => o.value).join(',') !== rangeValues) {
      rangeSelect.replaceChildren(...view.ranges.map((r) => el('option', { value: r.value }, r.label)));
    }
    rangeSelect.value = s.range;
    const note = root.querySelector('[data-field="series-note"]');
    note.textContent = view.seriesError ?? view.seriesNote ?? '';
    note.className = view.seriesError === undefined ? 'note' : 'note error';
    if (metricSelect.options.length !== view.numericMetrics.length) {
      metricSelect.replaceChildren(...view.numericMetrics.map((m) => el('option', { value: m }, m)));
    }
    if (view.metric !== undefined) metricSelect.value = view.metric;
    const groupOptions = view.results.map((r) => JSON.stringify(r.group));
    if (document.activeElement !== groupSelect) {
      const chosen = new Set(s.groups ?? view.series.map((g) => JSON.stringify(g.group)));
      groupSelect.replaceChildren(
        ...[...new Set([...chosen, ...groupOptions])].map((g) => {
          const option = el(
            'option',
            { value: g },
            Object.values(JSON.parse(g)).join(' / ') || 'all records',
          );
          option.selected = chosen.has(g);
          return option;
        }),
      );
    }

    const box = (kind, shown) => {
      const b = root.querySelector(`[data-box="${kind}"]`);
      b.hidden = !shown;
      return b.querySelector('.chart');
    };

    const topDiv = box('top', true);
    root.querySelector('[data-box="top"] figcaption').textContent =
      `Top groups by ${view.metric ?? 'records'}`;
    const labels = [
      ...new Set([...view.top.map((g) => g.label), ...(view.current?.top ?? []).map((g) => g.label)]),
    ].reverse();
    const barValue = (list, label) => list.find((g) => g.label === label)?.value ?? null;
    chartOf(name, 'top', topDiv).setOption(
      {
        animation: false,
        legend: { top: 0 },
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: labels },
        series: [
          {
            name:
              view.window === undefined
                ? 'no window'
                : `${hhmm(view.window.start)} UTC${view.window.partial ? ' (partial)' : ''}`,
            type: 'bar',
            data: labels.map((l) => barValue(view.top, l)),
          },
          ...(view.current === undefined
            ? []
            : [
                {
                  name: `${hhmm(view.current.start)} UTC (partial: still receiving records)`,
                  type: 'bar',
                  itemStyle: {
                    opacity: 0.45,
                    decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -0.8 },
                  },
                  data: labels.map((l) => barValue(view.current.top, l)),
                },
              ]),
        ],
      },
      true,
    );

    root.querySelector('[data-box="series"] figcaption').textContent =
      `${view.metric ?? 'records'} over time, ${view.resolution === 'rollups' ? `${view.stepMs >= DAY_MS ? 'daily' : 'hourly'} rollups` : 'per window'} (start, UTC)`;
    const mark = partialMark(view);
    chartOf(name, 'series', box('series', true)).setOption(
      {
        animation: false,
        legend: { top: 0, type: 'scroll' },
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: axisTime(view) },
        yAxis: { type: 'value', scale: true },
        title:
          view.seriesError === undefined
            ? undefined
            : {
                text: 'not read: see the note above',
                left: 'center',
                top: 'middle',
                textStyle: { fontSize: 13, color: '#777' },
              },
        series: view.series.map((g, i) => ({
          name: g.label,
          type: 'line',
          connectNulls: false,
          showSymbol: true,
          data: g.values,
          ...(i === 0 && mark !== undefined ? { markArea: mark } : {}),
        })),
      },
      true,
    );

    const q = view.quantiles;
    const qDiv = box('quantiles', q !== undefined);
    if (q !== undefined) {
      const diff = (hi, lo) => hi.map((v, i) => (v === null || lo[i] === null ? null : v - lo[i]));
      root.querySelector('[data-box="quantiles"] figcaption').textContent =
        `Quantiles of ${q.metric}, ${q.label}: p50, p90 and p99 bands`;
      chartOf(name, 'quantiles', qDiv).setOption(
        {
          animation: false,
          legend: { top: 0, data: ['p50', 'p50–p90', 'p90–p99'] },
          tooltip: { trigger: 'axis', renderMode: 'richText' },
          grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: axisTime(view) },
          yAxis: { type: 'value', scale: true },
          series: [
            {
              name: 'base',
              type: 'line',
              data: q.p50,
              stack: 'q',
              lineStyle: { opacity: 0 },
              symbol: 'none',
              silent: true,
            },
            {
              name: 'p50–p90',
              type: 'line',
              data: diff(q.p90, q.p50),
              stack: 'q',
              areaStyle: { opacity: 0.35 },
              lineStyle: { opacity: 0 },
              symbol: 'none',
            },
            {
              name: 'p90–p99',
              type: 'line',
              data: diff(q.p99, q.p90),
              stack: 'q',
              areaStyle: { opacity: 0.2 },
              lineStyle: { opacity: 0 },
              symbol: 'none',
            },
            {
              name: 'p50',
              type: 'line',
              data: q.p50,
              showSymbol: true,
              ...(mark !== undefined ? { markArea: mark } : {}),
            },
          ],
        },
        true,
      );
    }

    const k = view.candles;
    const kDiv = box('candles', k !== undefined);
    if (k !== undefined) {
      root.querySelector('[data-box="candles"] figcaption').textContent =
        `Candles of ${k.label} (${k.metrics.open}/${k.metrics.high}/${k.metrics.low}/${k.metrics.close})`;
      chartOf(name, 'candles', kDiv).setOption(
        {
          animation: false,
          tooltip: { trigger: 'axis', renderMode: 'richText' },
          grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: axisTime(view) },
          yAxis: { type: 'value', scale: true },
          series: [
            {
              name: k.label,
              type: 'candlestick',
              data: k.values.map((v) => (v === null ? '-' : v)),
              ...(mark !== undefined ? { markArea: mark } : {}),
            },
          ],
        },
        true,
      );
    }

    const dead = Object.entries(view.deadLetters ?? {}).sort((a, b) => b[1] - a[1]);
    chartOf(name, 'dead-letters', box('dead-letters', true)).setOption(
      {
        animation: false,
        title:
          dead.length === 0
            ? {
                text: view.deadLetters === undefined ? 'dead-letter table not readable' : 'none today',
                left: 'center',
                top: 'middle',
                textStyle: { fontSize: 13, color: '#777' },
              }
            : undefined,
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: dead.map(([reason]) => reason).reverse() },
        series: [{ name: 'dead letters', type: 'bar', data: dead.map(([, count]) => count).reverse() }],
      },
      true,
    );

    const table = root.querySelector('[data-table="results"]');
    const head = el(
      'tr',
      {},
      ...view.groupBy.map((f) => el('th', {}, f)),
      ...view.metricNames.map((m) => el('th', {}, m)),
      el('th', {}, 'status'),
    );
    const metricValue = (r) =>
      typeof r.metrics[view.metric] === 'number' ? r.metrics[view.metric] : Number.NEGATIVE_INFINITY;
    const shownResults = [...view.results]
      .sort((a, b) => metricValue(b) - metricValue(a))
      .slice(0, TABLE_ROWS);
    const rows = shownResults.map((r) =>
      el(
        'tr',
        { 'data-group': JSON.stringify(r.group), 'data-window': r.window.start },
        ...view.groupBy.map((f) => el('td', { 'data-field': f }, r.group[f] ?? '')),
        ...view.metricNames.map((m) =>
          el(
            'td',
            { 'data-metric': m, 'data-value': JSON.stringify(r.metrics[m] ?? null) },
            formatMetric(r.metrics[m]),
          ),
        ),
        el('td', {}, view.window?.partial ? 'partial' : r.status),
      ),
    );
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    root.querySelector('[data-field="table-note"]').textContent =
      view.results.length > TABLE_ROWS
        ? `The ${TABLE_ROWS} groups with the highest ${view.metric} of ${view.results.length}; \`streamfold query ${name}\` lists them all.`
        : `${view.results.length} group(s).`;
  };

  const refresh = async (name) => {
    const s = state.get(name);
    const query = new URLSearchParams({ token, pipeline: name, range: s.range });
    if (s.metric !== undefined) query.set('metric', s.metric);
    for (const g of s.groups ?? []) query.append('group', g);
    const response = await fetch(`/api/view?${query}`);
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ?? response.statusText);
    // An answer for a range no longer chosen (the selector changed while it was on its way) is dropped.
    if (body.range !== s.range) return;
    render(name, body);
  };

  const status = document.getElementById('status');
  const loop = async () => {
    try {
      await Promise.all(pipelines.map((name) => refresh(name)));
      status.textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC, every ${refreshMs / 1000} s`;
      status.className = '';
      document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? '0') + 1);
    } catch (error) {
      status.textContent = `cannot refresh: ${error.message}`;
      status.className = 'error';
    }
    setTimeout(loop, refreshMs);
  };

  const tabs = document.getElementById('tabs');
  const main = document.getElementById('pipelines');
  for (const name of pipelines) {
    tabs.append(el('a', { href: `#pipeline-${name}` }, name));
    main.append(section(name));
  }
  window.addEventListener('resize', () => {
    for (const chart of charts.values()) chart.resize();
  });
  void loop();
})();
