// Search (SPEC §8), on tests/fixtures/search/site served under a sub-path with
// the strict CSP: the shared normalization vectors in Node and in Chromium,
// the JS engine against a brute-force scan, then the page itself: results,
// variants, full width, facets with disjunctive counts, the year range, URL
// state with back/forward, injection, keyboard use, paging, and JS off.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { binary, buildFixture, launch, openPage, repo, serve } from './helpers.mjs';
import { SearchIndex, Variants, normalize, queryWords } from '../../themes/default/static/js/search-core.js';

const PREFIX = '/machizukuri/jirei/';
const vectors = JSON.parse(readFileSync(join(repo, 'tests/fixtures/search/vectors.json'), 'utf8'));
let site, server, browser;

before(async () => {
  site = join(buildFixture('search/site', `http://127.0.0.1${PREFIX}`), 'public');
  server = await serve(site, PREFIX);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The index of the built site in `dir`, read from disk as the page reads it over HTTP. */
function loadFromDisk(dir) {
  return SearchIndex.load('search/', async (url) => new Response(readFileSync(join(dir, url.replace(/\?.*$/, '')))));
}

/** Opens the search page with `query` (a query string) and waits for it to settle. */
async function open(page, query = '') {
  await page.goto(server.url(`search/${query}`));
  await settle(page);
}

/** Waits until the page shows the search of its current URL. */
async function settle(page) {
  await page.waitForFunction(() => {
    const root = document.querySelector('[data-module="casebook-search"]');
    return root.dataset.searchState === 'done' && root.dataset.searchUrl === location.search;
  });
}

/** The slugs of the results shown, in order. */
async function results(page) {
  const hrefs = await page.locator('.search-result__title a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  return hrefs.map((href) => {
    assert.ok(href.startsWith(`${PREFIX}cases/`), href);
    return href.slice(`${PREFIX}cases/`.length, -1);
  });
}

const status = (page) => page.locator('[data-search-status]').innerText();

/** The count shown beside a facet value. */
async function count(page, param, value) {
  const label = page.locator(`input[name="${param}"][value="${value}"]`).locator('xpath=..');
  return Number((await label.locator('.facet__count').innerText()).replace(/[(),]/g, ''));
}

const checkbox = (page, param, value) => page.locator(`input[name="${param}"][value="${value}"]`);

/** Opens the filter panel and waits for its counts. */
async function openFacets(page) {
  await page.click('[data-search-facets] > summary');
  await page.waitForSelector('.facet__count');
  await settle(page);
}

describe('normalization: one definition in Rust and JS', () => {
  test('the shared vectors hold in Node', () => {
    for (const v of vectors.normalize) assert.equal(normalize(v.input), v.normalized, v.name);
    for (const v of vectors.words) assert.deepEqual(queryWords(v.query), v.words, v.name);
    const manifest = JSON.parse(gunzipSync(readFileSync(join(site, 'search/manifest.bin'))));
    const variants = new Variants(manifest.variants);
    for (const v of vectors.expand) assert.deepEqual(variants.expand(v.word), v.forms, v.word);
  });

  test('the shared vectors hold in Chromium', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page);
    const failures = await page.evaluate(async ({ url, vectors }) => {
      const core = await import(url);
      const out = [];
      for (const v of vectors.normalize) {
        if (core.normalize(v.input) !== v.normalized) out.push(v.name);
      }
      for (const v of vectors.words) {
        if (JSON.stringify(core.queryWords(v.query)) !== JSON.stringify(v.words)) out.push(v.name);
      }
      return out;
    }, { url: `${PREFIX}static/js/search-core.js`, vectors });
    assert.deepEqual(failures, []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('the JS engine on the written index', () => {
  test('every substring of every case finds exactly the cases holding it', async () => {
    const index = await loadFromDisk(site);
    const n = index.manifest.cases;
    const fields = [];
    for (let i = 0; i < n; i++) {
      const { title, summary } = await index.display(i);
      fields.push([title, summary, await index.rest(i)].map(normalize));
    }
    const queries = new Set();
    for (const caseFields of fields) {
      for (const field of caseFields) {
        for (const segment of field.split(/\s+/u).filter(Boolean)) {
          const chars = Array.from(segment);
          for (let len = 1; len <= Math.min(6, chars.length); len++) {
            for (let start = 0; start + len <= chars.length; start++) queries.add(chars.slice(start, start + len).join(''));
          }
          queries.add(segment);
          queries.add(`${segment}ゑ`);
        }
      }
    }
    assert.ok(queries.size > 2000, `${queries.size} queries`);
    for (const query of queries) {
      const found = (await index.search(query)).cases.sort((a, b) => a - b);
      const truth = [];
      for (let i = 0; i < n; i++) {
        const holds = queryWords(query).every((word) => index.variants.expand(word)
          .some((form) => fields[i].some((f) => f.includes(form))));
        if (holds) truth.push(i);
      }
      assert.deepEqual(found, truth, query);
    }
  });
});

describe('the search page', () => {
  test('a Japanese query shows exactly its cases, title matches first, newest next', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page, '?q=多世代');
    assert.deepEqual(await results(page), ['akiya-hub', 'workshop-bench', 'mimamori']);
    assert.equal(await status(page), '3件の事例が見つかりました');
    assert.equal(await page.inputValue('#search-q'), '多世代');
    const marks = await page.locator('.search-result mark').allInnerTexts();
    assert.ok(marks.length >= 3 && marks.every((m) => m === '多世代'), marks.join());
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a substring inside a compound word finds it', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page, '?q=世代交');
    assert.deepEqual(await results(page), ['akiya-hub', 'workshop-bench', 'mimamori']);
    await open(page, '?q=ども食');
    assert.deepEqual(await results(page), ['kodomo-shokudo', 'akiya-hub']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('either spelling of a variant finds both, and both are marked', async () => {
    const { page, problems, context } = await openPage(browser);
    for (const query of ['空家', '空き家']) {
      await open(page, `?q=${query}`);
      assert.deepEqual(await results(page), ['akiya-bank', 'akiya-hub'], query);
      const marks = new Set(await page.locator('.search-result__title mark').allInnerTexts());
      assert.deepEqual([...marks].sort(), ['空家', '空き家'].sort(), query);
    }
    await open(page, '?q=子供');
    assert.deepEqual(await results(page), ['kodomo-shokudo', 'bousai-map', 'akiya-hub']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('full-width ＮＰＯ and ＷＯＲＫＳＨＯＰ typed into the box find every width', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page);
    await page.fill('#search-q', 'ＮＰＯ');
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(() => location.search.includes('q='));
    await settle(page);
    assert.deepEqual(await results(page), ['kodomo-shokudo', 'akiya-hub']);
    // Only in the partners: the excerpt shows where.
    const excerpts = await page.locator('.search-result__excerpt mark').allInnerTexts();
    assert.deepEqual(excerpts, ['NPO', 'ＮＰＯ']);
    await page.fill('#search-q', 'ＷＯＲＫＳＨＯＰ');
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'ＷＯＲＫＳＨＯＰ');
    await settle(page);
    assert.deepEqual(await results(page), ['workshop-bench', 'machi-hiroba']);
    assert.deepEqual(await page.locator('.search-result__title mark').allInnerTexts(), ['ＷＯＲＫＳＨＯＰ']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('several words are ANDed', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page, '?q=子育て　防災');
    assert.deepEqual(await results(page), ['bousai-map']);
    await open(page, '?q=空き家 食堂');
    assert.deepEqual(await results(page), ['akiya-hub']);
    await open(page, '?q=温泉');
    assert.deepEqual(await results(page), []);
    assert.match(await status(page), /見つかりませんでした/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('filters are ORed within a facet, ANDed across, and counts stay disjunctive', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page, '?q=多世代');
    await openFacets(page);
    assert.deepEqual([await count(page, 'district', '南区'), await count(page, 'district', '北区')], [2, 1]);
    await checkbox(page, 'district', '南区').check();
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'workshop-bench']);
    // The ward facet still shows what switching wards would give.
    assert.deepEqual([await count(page, 'district', '南区'), await count(page, 'district', '北区')], [2, 1]);
    // Its areas appear, with their own counts; other facets count within 南区.
    assert.equal(await count(page, 'district', '南区/中村地区'), 1);
    assert.equal(await count(page, 'district', '南区/六ツ川地区'), 1);
    assert.equal(await count(page, 'scheme', '市民まち普請事業'), 2);
    assert.equal(await count(page, 'status', 'completed'), 1);
    await checkbox(page, 'district', '北区').check();
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'workshop-bench', 'mimamori']);
    await checkbox(page, 'status', 'completed').check();
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'mimamori']);
    assert.deepEqual([await count(page, 'status', 'completed'), await count(page, 'status', 'in-progress')], [2, 1]);
    assert.deepEqual([await count(page, 'district', '南区'), await count(page, 'district', '北区')], [1, 1]);
    // An area narrows its ward.
    await checkbox(page, 'district', '南区/六ツ川地区').check();
    await settle(page);
    assert.deepEqual(await results(page), ['mimamori']);
    assert.equal(await status(page), '1件の事例が見つかりました');
    const url = new URL(page.url());
    assert.deepEqual(url.searchParams.getAll('district'), ['南区', '北区', '南区/六ツ川地区']);
    assert.deepEqual(url.searchParams.getAll('status'), ['completed']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the fiscal year range, and an empty query with filters browses', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page, '?from=2017&to=2019');
    assert.deepEqual(await results(page), ['workshop-bench', 'mimamori', 'bousai-map']);
    assert.equal(await page.inputValue('#search-year-from'), '2017');
    await page.selectOption('#search-year-from', '2019');
    await settle(page);
    assert.deepEqual(await results(page), ['workshop-bench']);
    assert.equal(new URL(page.url()).searchParams.get('from'), '2019');
    // Year values are ORed with each other and bounded by the range.
    await page.selectOption('#search-year-from', '');
    await settle(page);
    await checkbox(page, 'year', '2016').check();
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'injection']);
    // The year facet counts ignore its own values and range.
    assert.equal(await count(page, 'year', '2017'), 2);
    assert.equal(await count(page, 'year', '2023'), 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('query and filters live in the URL; back and forward restore them', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page);
    assert.equal(await page.locator('[data-search-layout]').isHidden(), true);
    await page.fill('#search-q', '子育て');
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(() => location.search.includes('q='));
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'kodomo-shokudo', 'bousai-map']);
    await openFacets(page);
    await checkbox(page, 'district', '南区').check();
    await page.waitForFunction(() => location.search.includes('district='));
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'bousai-map']);

    await page.goBack();
    await page.waitForFunction(() => !location.search.includes('district='));
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'kodomo-shokudo', 'bousai-map']);
    assert.equal(await checkbox(page, 'district', '南区').isChecked(), false);
    assert.equal(await page.inputValue('#search-q'), '子育て');

    await page.goBack();
    await page.waitForFunction(() => location.search === '');
    await settle(page);
    assert.equal(await page.inputValue('#search-q'), '');
    assert.equal(await page.locator('[data-search-layout]').isHidden(), true);

    await page.goForward();
    await page.goForward();
    await page.waitForFunction(() => location.search.includes('district='));
    await settle(page);
    assert.deepEqual(await results(page), ['akiya-hub', 'bousai-map']);
    assert.equal(await checkbox(page, 'district', '南区').isChecked(), true);
    // The URL alone reproduces the page.
    const shared = page.url();
    const other = await openPage(browser);
    await other.page.goto(shared);
    await settle(other.page);
    assert.deepEqual(await results(other.page), ['akiya-hub', 'bousai-map']);
    await other.context.close();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('markup in a case shows as text and runs nothing', async () => {
    const { page, problems, context } = await openPage(browser);
    const dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss();
    });
    await open(page, '?q=onerror');
    assert.deepEqual(await results(page), ['injection']);
    const title = await page.locator('.search-result__title a').innerText();
    assert.equal(title, '<img src=x onerror=alert(1)>を含む事例');
    assert.match(await page.locator('.search-result__summary').innerText(), /<script>alert\(2\)<\/script>/);
    assert.equal(await page.locator('.search-results img, .search-results script').count(), 0);
    // Only in the body: the excerpt shows the markup around the match as text.
    await open(page, '?q=書き込まれた');
    assert.match(await page.locator('.search-result__excerpt').innerText(), /<img src=x onerror=alert\(1\)> と書き込まれた/);
    assert.equal(await page.locator('.search-results img, .search-results script').count(), 0);
    await page.waitForTimeout(100);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('keyboard: type, Enter, then Tab to a filter and Space it; focus stays put', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page);
    await page.focus('#search-q');
    await page.keyboard.type('子育て');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('q='));
    await settle(page);
    assert.equal(await status(page), '3件の事例が見つかりました');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-q');
    // Tab to the filter panel (past the search button) and open it with Enter.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.facet__count');
    await settle(page);
    // Then the clear-filters button, and the first ward.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => [document.activeElement.name, document.activeElement.value]);
    assert.deepEqual(focused, ['district', '北区']);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => location.search.includes('district='));
    await settle(page);
    assert.equal(await status(page), '該当する事例は見つかりませんでした。キーワードを減らすか、絞り込みを解除してください。');
    assert.deepEqual(await page.evaluate(() => [document.activeElement.name, document.activeElement.value]), ['district', '北区']);
    // The live region is the one status element, announced politely.
    assert.equal(await page.locator('[role="status"]').count(), 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a plain query downloads no facets; opening the filter panel does, once', async () => {
    const { page, problems, context } = await openPage(browser);
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname.slice(PREFIX.length)));
    await open(page, '?q=多世代');
    assert.deepEqual(fetched.filter((p) => /facets/.test(p)), []);
    assert.equal(await page.locator('[data-search-facets]').getAttribute('open'), null);
    await openFacets(page);
    const facetFiles = fetched.filter((p) => /facets/.test(p)).sort();
    assert.equal(facetFiles.length, 2, facetFiles.join());
    assert.equal(facetFiles[0], 'search/facets.bin');
    assert.match(facetFiles[1], /^static\/js\/search-facets\.[0-9a-f]+\.js$/);
    await page.fill('#search-q', '防災');
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(() => location.search.includes('%E9%98%B2'));
    await settle(page);
    assert.equal(await count(page, 'district', '南区'), 1);
    assert.equal(fetched.filter((p) => /facets/.test(p)).length, 2);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript the search page links the browse pages', async () => {
    const { page, problems, context } = await openPage(browser, { javaScriptEnabled: false });
    await page.goto(server.url('search/?q=空き家'));
    assert.equal(await page.locator('[data-search-nojs]').isVisible(), true);
    assert.equal(await page.locator('[data-search-layout]').isVisible(), false);
    const hrefs = await page.locator('[data-search-browse] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    for (const section of ['districts/', 'funding/', 'themes/', 'cases/']) {
      assert.ok(hrefs.some((h) => h.startsWith(`${PREFIX}${section}`)), `${section} linked`);
    }
    assert.equal(await page.getAttribute('main form', 'method'), 'get');
    assert.equal(await page.getAttribute('main form', 'action'), `${PREFIX}search/`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a browser without DecompressionStream keeps the plain form, its note and the browse lists', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.addInitScript(() => { delete window.DecompressionStream; });
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    await page.goto(server.url('search/'));
    assert.equal(await page.evaluate(() => typeof window.DecompressionStream), 'undefined');
    await page.fill('#search-q', '空き家');
    await Promise.all([page.waitForURL(/[?&]q=/), page.press('#search-q', 'Enter')]);
    assert.equal(new URL(page.url()).pathname, `${PREFIX}search/`);
    assert.equal(new URL(page.url()).searchParams.get('q'), '空き家');
    await page.waitForLoadState('load');
    assert.equal(await page.locator('[data-search-nojs]').isVisible(), true);
    assert.equal(await page.locator('[data-search-layout]').isVisible(), false);
    assert.ok(await page.locator('[data-search-browse] a').count() > 0);
    assert.deepEqual(fetched.filter((p) => p.startsWith(`${PREFIX}search/`) && p !== `${PREFIX}search/`), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a response that arrives after a newer query started is dropped', async () => {
    const { page, problems, context } = await openPage(browser);
    await open(page);
    let delayed = false;
    await page.route('**/search/g/**', async (route) => {
      if (!delayed) {
        delayed = true;
        await new Promise((done) => setTimeout(done, 400));
      }
      await route.continue();
    });
    await page.fill('#search-q', '防災');
    await page.press('#search-q', 'Enter');
    await page.fill('#search-q', '空家');
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '空家');
    await settle(page);
    await page.waitForTimeout(500);
    assert.deepEqual(await results(page), ['akiya-bank', 'akiya-hub']);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('paging', () => {
  let many;
  before(async () => {
    // The fixture plus 20 more cases, so one query has three pages.
    const root = mkdtempSync(join(tmpdir(), 'casebook-search-paging-'));
    cpSync(join(repo, 'tests/fixtures/search/site'), root, { recursive: true });
    for (let i = 1; i <= 20; i++) {
      const day = String(i).padStart(2, '0');
      writeFileSync(join(root, `content/cases/extra-${day}.md`), `---\ntitle: 追加の事例${i}\nsummary: 商店街の取組その${i}。\ndistrict: 西区\npublished: 2015-01-${day}\nstatus: completed\n---\n本文${i}。\n`);
    }
    execFileSync(binary, ['build', '--base-url', `http://127.0.0.1${PREFIX}`], { cwd: root, stdio: 'pipe' });
    many = await serve(join(root, 'public'), PREFIX);
  });
  after(() => many?.close());

  test('pages of ten, reached by keyboard, with focus on the results heading', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(many.url('search/?q=の'));
    await settle(page);
    assert.match(await status(page), /^2\d件/);
    assert.equal(await page.locator('.search-result').count(), 10);
    await page.locator('.search-pages a[rel="next"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('page=2'));
    await settle(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-results-heading');
    assert.equal(await page.locator('.search-result').count(), 10);
    assert.match(await page.locator('.search-pages__current').innerText(), /2 \/ 3/);
    await page.goBack();
    await page.waitForFunction(() => !location.search.includes('page='));
    await settle(page);
    assert.match(await page.locator('.search-pages__current').innerText(), /1 \/ 3/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
