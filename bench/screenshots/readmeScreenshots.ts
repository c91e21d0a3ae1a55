/**
 * Takes the README's two screenshots from a real `npm start`: the terminal view of `streamfold dev --demo`
 * (run in a pseudo-terminal of 80×24 through util-linux `script`, its output played into a headless xterm
 * and drawn in Chromium) and the web dashboard it starts (Chromium, driven by playwright-core).
 *
 *   npx tsx bench/screenshots/readmeScreenshots.ts [--seconds 150]
 *
 * Writes docs/images/terminal-view.png and docs/images/web-dashboard.png.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import { chromium } from 'playwright-core';
import { findChromium } from '../../test/helpers/findChromium.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COLUMNS = 80;
const ROWS = 24;
const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 150;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);

const main = async (): Promise<void> => {
  const dev = spawn(
    'script',
    [
      '-qfec',
      `stty cols ${COLUMNS} rows ${ROWS}; exec node bin/streamfold.js dev --demo --rate 40`,
      '/dev/null',
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const terminal = new xterm.Terminal({ cols: COLUMNS, rows: ROWS, allowProposedApi: true });
  let output = '';
  dev.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    terminal.write(chunk);
  });
  process.stderr.write(`running npm start's demo for ${seconds} s…\n`);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const url = /web dashboard[^:]*: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output)?.[1];
  if (url === undefined) throw new Error('dev printed no web dashboard address');

  await new Promise<void>((resolve) => terminal.write('', resolve));
  const buffer = terminal.buffer.active;
  const lines = Array.from({ length: ROWS }, (_, i) => buffer.getLine(i)?.translateToString(false) ?? '');
  const browser = await chromium.launch({ executablePath: findChromium() });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#111">
<pre id="term" style="display:inline-block;margin:0;padding:10px 12px;background:#111;color:#ddd;font:16.61px/20px 'DejaVu Sans Mono',monospace">${lines
      .map((line, i) =>
        i === 0 ? `<span style="background:#ddd;color:#111">${escapeHtml(line)}</span>` : escapeHtml(line),
      )
      .join('\n')}</pre></body></html>`);
    await page.locator('#term').screenshot({ path: `${ROOT}docs/images/terminal-view.png` });

    await page.goto(url);
    await page.waitForFunction(
      () =>
        Number(
          (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
            .dataset.refreshes ?? 0,
        ) >= 2,
    );
    await page.locator('section[data-pipeline="sensor-stats"]').scrollIntoViewIfNeeded();
    await page
      .locator('section[data-pipeline="ohlc"]')
      .screenshot({ path: `${ROOT}docs/images/web-dashboard.png` });
  } finally {
    await browser.close();
    dev.stdin.write('q');
    await new Promise((resolve) => dev.once('exit', resolve));
  }
  process.stderr.write('wrote docs/images/terminal-view.png and docs/images/web-dashboard.png\n');
};

await main();
