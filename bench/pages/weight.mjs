// Page weight of every page type of the sample site, in both themes: the bytes
// a first visit transfers for the HTML, the CSS and the JS (gzip, as city web
// servers send text), their size on disk, and separately the images (the
// favicon included) and the data scripts fetch (the search index).
//
//   cargo build && node bench/pages/weight.mjs            # Markdown table on stdout
//
// Exits with status 3 when a case page needs 60 KB or more before images
// (uncompressed, so the budget holds on a server that does not compress),
// and 1 when the measurement itself fails.

import { join } from 'node:path';
import { buildSample, serve, launch, SAMPLE_PAGES } from '../../tests/browser/helpers.mjs';

const PREFIX = '/machizukuri/jirei/';
const BUDGET = 60 * 1024;
const THEMES = ['default', 'city-example'];

/** Bytes by kind for one page: { html, css, js, img, data } each as { sent, size }. */
async function weigh(browser, url) {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  // Load the lazy images too, to report every image the page has.
  await page.evaluate(async () => {
    for (const img of document.images) img.loading = 'eager';
    window.scrollTo(0, document.body.scrollHeight);
    await Promise.all([...document.images].map((img) => (img.complete ? null : new Promise((ok) => { img.onload = img.onerror = ok; }))));
  });
  await page.waitForLoadState('networkidle');
  const entries = await page.evaluate(() => [
    ...performance.getEntriesByType('navigation').map((e) => ({ kind: 'html', sent: e.transferSize, size: e.decodedBodySize })),
    ...performance.getEntriesByType('resource').map((e) => ({
      kind: /\.css(\?|$)/.test(e.name) ? 'css' : /\.m?js(\?|$)/.test(e.name) ? 'js' : e.initiatorType === 'img' || /\.(jpe?g|png|webp|avif|gif|svg)(\?|$)/.test(e.name) ? 'img' : 'data',
      sent: e.transferSize,
      size: e.decodedBodySize,
    })),
  ]);
  await context.close();
  const total = { html: { sent: 0, size: 0 }, css: { sent: 0, size: 0 }, js: { sent: 0, size: 0 }, img: { sent: 0, size: 0 }, data: { sent: 0, size: 0 } };
  for (const { kind, sent, size } of entries) {
    total[kind].sent += sent;
    total[kind].size += size;
  }
  return total;
}

const kb = (bytes) => (bytes / 1024).toFixed(1);

const browser = await launch();
let overBudget = false;
for (const theme of THEMES) {
  const root = buildSample(`https://www.city.example.jp${PREFIX}`, { theme });
  const server = await serve(join(root, 'public'), PREFIX, {}, { gzip: true });
  console.log(`\n### ${theme} theme\n`);
  console.log('KB, transferred with gzip (on disk in brackets); "before images" is HTML + CSS + JS.\n');
  console.log('| page type | HTML | CSS | JS | before images | images | data |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const target of SAMPLE_PAGES) {
    const w = await weigh(browser, server.url(target.path));
    const before = { sent: w.html.sent + w.css.sent + w.js.sent, size: w.html.size + w.css.size + w.js.size };
    const cell = (x) => `${kb(x.sent)} (${kb(x.size)})`;
    console.log(`| ${target.type} | ${cell(w.html)} | ${cell(w.css)} | ${cell(w.js)} | **${cell(before)}** | ${w.img.size ? cell(w.img) : '–'} | ${w.data.size ? cell(w.data) : '–'} |`);
    if (target.type === 'case' && before.size >= BUDGET) {
      overBudget = true;
      console.error(`${theme}: the case page needs ${kb(before.size)} KB before images; the budget is ${kb(BUDGET)} KB`);
    }
  }
  await server.close();
}
await browser.close();
process.exit(overBudget ? 3 : 0);
