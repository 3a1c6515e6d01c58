// Measures casebook's search and Pagefind side by side in headless Chromium.
//
//   node bench/search/measure.mjs CASEBOOK_PUBLIC PAGEFIND_PUBLIC TRUTH_JSON > results.json
//
// ENGINES=casebook (or pagefind) measures one of them only.
//
// Both sites are served on loopback under the city sub-path, as plain files
// without HTTP compression (what a static server does for .json/.bin/.pf_*
// files unless configured). For each engine and each query:
//   cold   a fresh browser context (empty cache) opens the search page with the
//          query in its URL; every response is counted except the page's own
//          HTML and CSS (search JS, index and data files are counted); two
//          times: from navigation start, and from the search's start (its
//          script running, nothing of the index loaded yet), to the first 10
//          results rendered;
//   later  in one context that has already run the first query, the query is
//          set by history.pushState + popstate (both pages handle it as
//          back/forward); bytes and time from the query's start to rendered;
//   exact  in another context, every result of the query (not only the first
//          10), compared with the substring ground truth (truth.py): misses and
//          false hits among case pages; Pagefind's results that are not case
//          pages (lists, term pages) are counted apart.

import { readFileSync } from 'node:fs';
import { launch, serve } from '../../tests/browser/helpers.mjs';

const PREFIX = '/machizukuri/jirei/';
const [casebookDir, pagefindDir, truthFile] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(truthFile, 'utf8'));

const engines = {
  casebook: {
    dir: casebookDir,
    headers: {},
    url: (q) => `search/?${new URLSearchParams({ q: q.q, ...(q.ward ? { district: q.ward } : {}) })}`,
    start: 'casebook-search:start',
    rendered: 'casebook-search:rendered',
    settled: () => {
      const root = document.querySelector('[data-module="casebook-search"]');
      return root.dataset.searchState === 'done' && root.dataset.searchUrl === location.search;
    },
    shown: () => document.querySelectorAll('.search-result').length,
    all: async ({ base, q, ward }) => {
      const core = await import(`${base}static/js/search-core.js`);
      const facets = await import(`${base}static/js/search-facets.js`);
      const index = await core.SearchIndex.load(`${base}search/`);
      let { cases } = await index.search(q);
      if (ward) {
        const filters = facets.filtersOf(index.manifest, { district: [ward], scheme: [], theme: [], year: [], status: [], from: null, to: null });
        cases = facets.applyFacets(index.manifest, await facets.loadFacets(index), cases, filters).results;
      }
      return Promise.all(cases.map(async (i) => `${base}${(await index.display(i)).path}`));
    },
  },
  pagefind: {
    dir: pagefindDir,
    // Pagefind runs WebAssembly, which `default-src 'self'` alone forbids.
    headers: { 'content-security-policy': "default-src 'self' 'wasm-unsafe-eval'" },
    url: (q) => `pagefind-bench/?${new URLSearchParams({ q: q.q, ...(q.ward ? { ward: q.ward } : {}) })}`,
    start: 'bench:start',
    rendered: 'bench:rendered',
    settled: () => {
      const root = document.querySelector('[data-bench]');
      return root.dataset.state === 'done' && root.dataset.url === location.search;
    },
    shown: () => document.querySelectorAll('[data-list] li').length,
    all: async ({ base, q, ward }) => {
      const pagefind = await import(`${base}pagefind/pagefind.js`);
      const search = await pagefind.search(q, { filters: ward ? { ward } : {} });
      return Promise.all(search.results.map(async (r) => (await r.data()).url));
    },
  },
};

/** Counts the bytes of every response but the page's own HTML, CSS and icon. */
function meter(page) {
  let pending = [];
  const counted = [];
  page.on('response', (response) => {
    const type = response.request().resourceType();
    const url = response.url();
    if (type === 'document' || type === 'stylesheet' || url.endsWith('.svg') || url.includes('pagefind-bench/bench.js')) return;
    pending.push(response.body().then((body) => counted.push({ url, bytes: body.length })).catch(() => {}));
  });
  return {
    async take() {
      await Promise.all(pending);
      pending = [];
      const out = { bytes: counted.reduce((sum, r) => sum + r.bytes, 0), files: counted.length };
      counted.length = 0;
      return out;
    },
  };
}

async function settle(page, engine) {
  await page.waitForFunction(engine.settled, null, { timeout: 120_000, polling: 10 });
}

async function marks(page, engine) {
  return page.evaluate(([start, rendered]) => ({
    start: performance.getEntriesByName(start).at(-1)?.startTime,
    rendered: performance.getEntriesByName(rendered).at(-1)?.startTime,
  }), [engine.start, engine.rendered]);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const browser = await launch();
const out = { queries: queries.map(({ truth, ...q }) => ({ ...q, truth: truth.length })), engines: {} };
const only = process.env.ENGINES?.split(',');
for (const [name, engine] of Object.entries(engines).filter(([n]) => !only || only.includes(n))) {
  const server = await serve(engine.dir, PREFIX, engine.headers);
  const result = { cold: [], later: [], exact: [] };

  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const m = meter(page);
    await page.goto(server.url(engine.url(q)));
    await settle(page, engine);
    const { start, rendered } = await marks(page, engine);
    result.cold.push({ q: q.q, ...(await m.take()), ms: rendered, queryMs: rendered - start, shown: await page.evaluate(engine.shown) });
    await context.close();
  }

  {
    const context = await browser.newContext();
    const page = await context.newPage();
    const m = meter(page);
    await page.goto(server.url(engine.url(queries[0])));
    await settle(page, engine);
    await m.take();
    for (const q of queries.slice(1)) {
      const search = engine.url(q).replace(/^[^?]*/, '');
      await page.evaluate((s) => {
        history.pushState(null, '', s);
        window.dispatchEvent(new PopStateEvent('popstate'));
      }, search);
      await settle(page, engine);
      const { start, rendered } = await marks(page, engine);
      result.later.push({ q: q.q, ...(await m.take()), ms: rendered - start, shown: await page.evaluate(engine.shown) });
    }
    await context.close();
  }

  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url(engine.url({ q: '' })));
    for (const q of queries) {
      const urls = await page.evaluate(engine.all, { base: PREFIX, q: q.q, ward: q.ward ?? null });
      const slugs = new Set();
      let other = 0;
      for (const url of urls) {
        const match = /\/cases\/([^/]+)\/$/.exec(new URL(url, 'http://x').pathname);
        if (match) slugs.add(decodeURIComponent(match[1]));
        else other += 1;
      }
      const truth = new Set(q.truth);
      const misses = [...truth].filter((s) => !slugs.has(s)).length;
      const falseHits = [...slugs].filter((s) => !truth.has(s)).length;
      result.exact.push({ q: q.q, ward: q.ward, truth: truth.size, found: slugs.size, misses, falseHits, otherPages: other });
    }
    await context.close();
  }

  result.summary = {
    coldBytesMedian: median(result.cold.map((r) => r.bytes)),
    coldBytesMin: Math.min(...result.cold.map((r) => r.bytes)),
    coldBytesMax: Math.max(...result.cold.map((r) => r.bytes)),
    coldMsMedian: median(result.cold.map((r) => r.ms)),
    coldQueryMsMedian: median(result.cold.map((r) => r.queryMs)),
    laterBytesMedian: median(result.later.map((r) => r.bytes)),
    laterBytesMax: Math.max(...result.later.map((r) => r.bytes)),
    laterMsMedian: median(result.later.map((r) => r.ms)),
    misses: result.exact.reduce((s, r) => s + r.misses, 0),
    falseHits: result.exact.reduce((s, r) => s + r.falseHits, 0),
    truth: result.exact.reduce((s, r) => s + r.truth, 0),
  };
  out.engines[name] = result;
  await server.close();
}
await browser.close();
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
