// Lighthouse scores (performance, accessibility, best practices, SEO) of the
// sample site's home and a case page, in both themes, on Lighthouse's default
// mobile profile (simulated slow 4G, a mid-range phone's CPU).
//
//   cargo build && (cd bench/pages && npm ci) && node bench/pages/lighthouse.mjs
//
// Chromium is Debian's /usr/bin/chromium (CHROME_PATH overrides it). The site
// is built for, and served at, http://127.0.0.1:<port>/machizukuri/jirei/ with
// gzip and `Content-Security-Policy: default-src 'self'`, so canonical URLs
// and the CSP are those of a real deployment. Each page runs RUNS times
// (default 3) and the median of each score is reported.

import { createServer } from 'node:net';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { buildSample, serve } from '../../tests/browser/helpers.mjs';

const PREFIX = '/machizukuri/jirei/';
const PAGES = [
  { type: 'home', path: '' },
  { type: 'case', path: 'cases/nakamura-hub/' },
];
const THEMES = ['default', 'city-example'];
const RUNS = Number(process.env.RUNS ?? 3);
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/** A free port on loopback, so the site can be built for its final URL. */
async function freePort() {
  const probe = createServer();
  await new Promise((ok) => probe.listen(0, '127.0.0.1', ok));
  const { port } = probe.address();
  await new Promise((ok) => probe.close(ok));
  return port;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
const rows = [];
const failed = new Map();
for (const theme of THEMES) {
  const port = await freePort();
  const root = buildSample(`http://127.0.0.1:${port}${PREFIX}`, { theme });
  const server = await serve(join(root, 'public'), PREFIX, {}, { gzip: true, port });
  for (const target of PAGES) {
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, []]));
    const metrics = { fcp: [], lcp: [], tbt: [], cls: [], bytes: [] };
    for (let run = 0; run < RUNS; run += 1) {
      const result = await lighthouse(server.url(target.path), {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      for (const category of CATEGORIES) {
        scores[category].push(Math.round(result.lhr.categories[category].score * 100));
      }
      const audits = result.lhr.audits;
      metrics.fcp.push(audits['first-contentful-paint'].numericValue);
      metrics.lcp.push(audits['largest-contentful-paint'].numericValue);
      metrics.tbt.push(audits['total-blocking-time'].numericValue);
      metrics.cls.push(audits['cumulative-layout-shift'].numericValue);
      metrics.bytes.push(audits['total-byte-weight'].numericValue);
      // What kept a score below 100, to act on or to explain.
      for (const audit of Object.values(result.lhr.audits)) {
        if (audit.scoreDisplayMode === 'binary' && audit.score === 0) {
          failed.set(`${theme} ${target.type}: ${audit.id}`, audit.title);
        }
      }
    }
    const seconds = (ms) => (median(ms) / 1000).toFixed(1);
    rows.push(`| ${theme} | ${target.type} | ${CATEGORIES.map((c) => median(scores[c])).join(' | ')} | ${seconds(metrics.fcp)} s | ${seconds(metrics.lcp)} s | ${Math.round(median(metrics.tbt))} ms | ${median(metrics.cls).toFixed(2)} | ${(median(metrics.bytes) / 1024).toFixed(0)} KB |`);
  }
  await server.close();
}
await chrome.kill();

const load = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(`Load average during the run: ${load} on ${(await import('node:os')).cpus().length} cores.`);
console.log(`Lighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version}, mobile profile, median of ${RUNS} runs.\n`);
console.log('| theme | page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | transferred |');
console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const row of rows) console.log(row);
if (failed.size) {
  console.log('\nFailed audits:');
  for (const [where, title] of failed) console.log(`- ${where} (${title})`);
}
