// The live preview in a real browser: `casebook serve` on a copy of a fixture
// site, under its sub-path, with pages held to `default-src 'self'`. Saving a
// case updates the open page by itself; a broken field shows an overlay that
// names the file, line and fix, and fixing it clears the overlay.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, repo, launch, openPage } from './helpers.mjs';

const CASE = 'content/cases/slope-benches.md';
let root, server, url, browser;

/** Starts `casebook serve --port 0` and resolves with the URL it prints. */
function startServer(siteRoot) {
  const child = spawn(binary, ['serve', '--root', siteRoot, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const address = new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const found = stdout.match(/(?:serving|プレビュー:) (http:\/\/\S+)/);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`casebook serve exited with ${code}:\n${stderr}`)));
    setTimeout(() => reject(new Error(`casebook serve printed no URL:\n${stderr}`)), 20_000);
  });
  return { child, address, stderr: () => stderr };
}

// The server must never outlive the tests, whatever happens to them.
process.on('exit', () => server?.child.kill('SIGKILL'));

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'casebook-serve-'));
  cpSync(join(repo, 'tests', 'fixtures', 'serve', 'basic'), root, { recursive: true });
  server = startServer(root);
  url = await server.address;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A page whose documents carry a strict CSP, as on the city's web server. */
async function strictPage() {
  const opened = await openPage(browser);
  await opened.page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': "default-src 'self'" } });
  });
  return opened;
}

function edit(path, change) {
  const file = join(root, path);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

test('the root redirects to the site under its sub-path', async () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/machizukuri\/jirei\/$/);
  // Not `strictPage`: its route would follow the redirect on the page's behalf.
  const { page, problems, context } = await openPage(browser);
  await page.goto(new URL('/', url).href);
  assert.equal(page.url(), url);
  assert.equal(await page.locator('h1').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('saving a case updates the open page without a manual reload', async () => {
  const { page, problems, context } = await strictPage();
  await page.goto(`${url}cases/slope-benches/`);
  assert.equal((await page.locator('h1').innerText()).trim(), '急坂にベンチを置く');
  // The injected client is an external script, never inline (a JSON-LD data
  // block is not code).
  assert.equal(await page.locator('script:not([src]):not([type="application/ld+json"])').count(), 0);
  await page.waitForFunction(() => document.querySelector('script[src*="/__casebook/live.js"]'));
  await new Promise((ok) => setTimeout(ok, 300)); // let the event stream connect

  edit(CASE, (text) => text.replace('title: 急坂にベンチを置く', 'title: 急な坂に休めるベンチ'));
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('急な坂に休めるベンチ'), null, { timeout: 10_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a broken field shows an overlay with the file, line and hint; fixing it clears it', async () => {
  const { page, problems, context } = await strictPage();
  await page.goto(`${url}cases/slope-benches/`);
  await new Promise((ok) => setTimeout(ok, 300));

  edit(CASE, (text) => text.replace('district: 旭区', 'distirct: 旭区'));
  const overlay = page.locator('#casebook-errors');
  await overlay.waitFor({ state: 'visible', timeout: 10_000 });
  const shown = await overlay.innerText();
  assert.match(shown, /content\/cases\/slope-benches\.md:4:1/);
  // The fixture is a Japanese site: the overlay speaks Japanese.
  assert.match(shown, /不明なフィールド `distirct` です/);
  assert.match(shown, /ヒント: `district` の誤りではありませんか？/);
  assert.equal(await pointedAt(page), 'distirct: 旭区');
  assert.equal(await overlay.getAttribute('role'), 'alert');
  // The page under it is the last good one.
  assert.equal(await page.locator('main h1').count(), 1);

  edit(CASE, (text) => text.replace('distirct: 旭区', 'district: 旭区'));
  await overlay.waitFor({ state: 'detached', timeout: 10_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a tab opened while the site is broken shows the overlay at once', async () => {
  edit(CASE, (text) => text.replace('status: completed', 'status: finished'));
  await new Promise((ok) => setTimeout(ok, 500));
  const { page, context } = await strictPage();
  await page.goto(`${url}cases/`);
  await page.locator('#casebook-errors').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await page.locator('#casebook-errors').innerText(), /content\/cases\/slope-benches\.md:\d+:\d+/);
  edit(CASE, (text) => text.replace('status: finished', 'status: completed'));
  await page.locator('#casebook-errors').waitFor({ state: 'detached', timeout: 10_000 });
  await context.close();
});

/** The overlay's first quoted line, from the character its caret stands under. */
function pointedAt(page) {
  return page.evaluate(() => {
    const excerpt = document.querySelector('#casebook-errors .casebook-errors__excerpt');
    const quote = excerpt.firstChild;
    const boxOf = (node, start) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + 1);
      return range.getBoundingClientRect();
    };
    const caret = boxOf(excerpt.lastChild, 0);
    const [, line] = quote.textContent.split('\n');
    const first = quote.textContent.indexOf(line);
    for (let i = 0; i < line.length; i++) {
      if (Math.abs(boxOf(quote, first + i).left - caret.left) < 1) return line.slice(i);
    }
    return null;
  });
}

test('the overlay quotes the line with a caret under the column, past wide characters', async () => {
  const { page, problems, context } = await strictPage();
  await page.goto(`${url}cases/slope-benches/`);
  await new Promise((ok) => setTimeout(ok, 300));

  edit(CASE, (text) => text.replace('amount: 12345678', 'amount: たくさん'));
  const overlay = page.locator('#casebook-errors');
  await overlay.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await overlay.innerText(), /9 \| {3}- \{ scheme: ヨコハマ市民まち普請事業, amount: たくさん, fiscal_year: 2019 \}\n\s+\| \^/);
  assert.equal(await pointedAt(page), 'amount: たくさん, fiscal_year: 2019 }');

  edit(CASE, (text) => text.replace('amount: たくさん', 'amount: 12345678'));
  await overlay.waitFor({ state: 'detached', timeout: 10_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a missing page is the site\'s 404 page, with status 404', async () => {
  const { page, context } = await strictPage();
  const response = await page.goto(`${url}cases/no-such-case/`);
  assert.equal(response.status(), 404);
  assert.equal(await page.locator('h1').count(), 1);
  await context.close();
});
