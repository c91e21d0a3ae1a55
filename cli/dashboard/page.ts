/** What the page needs to know when it is served. */
export interface DashboardPageOptions {
  readonly pipelines: readonly string[];
  readonly token: string;
  readonly refreshMs: number;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The dashboard's HTML: a shell that loads ECharts and the page script from this server (token in each
 * address) and hands them the pipelines and refresh interval as data attributes (the page's Content
 * Security Policy allows no inline script).
 *
 * @example
 * dashboardPage({ pipelines: ['ohlc'], token, refreshMs: 2000 });
 */
export const dashboardPage = (options: DashboardPageOptions): string => {
  const token = encodeURIComponent(options.token);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>streamfold dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css?token=${token}">
</head>
<body data-pipelines="${escapeHtml(JSON.stringify(options.pipelines))}" data-refresh-ms="${options.refreshMs}">
<header><h1>streamfold</h1><span id="status">loading…</span></header>
<nav id="tabs"></nav>
<main id="pipelines"></main>
<script src="/assets/echarts.min.js?token=${token}"></script>
<script src="/assets/dashboard.js?token=${token}"></script>
</body>
</html>
`;
};
