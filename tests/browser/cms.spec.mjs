// The web form at /admin/ (SPEC §10, issue 19) in a real browser: Decap CMS
// with its local backend (decap-server from npm, on a free port) writing a
// copy of tests/fixtures/cms/site, while `casebook serve` previews it. A
// case made through the form is written to content/cases/<slug>/index.md
// with its photo beside it, passes `casebook check` and appears in the
// preview; the form refuses to save without the required fields.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, repo, launch, openPage } from './helpers.mjs';

const PHOTO = join(repo, 'tests', 'fixtures', 'cms', 'photo.jpg');
let root, decap, serve, url, browser;

/** A port nobody listens on now. */
async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Starts a process and resolves once its stdout matches `ready`. */
function start(command, args, options, ready) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  const matched = new Promise((resolve, reject) => {
    const look = (chunk) => {
      output += chunk;
      const found = output.match(ready);
      if (found) resolve(found);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`${command} did not start:\n${output}`)), 20_000);
  });
  return { child, matched };
}

// The servers must never outlive the tests, whatever happens to them.
process.on('exit', () => {
  decap?.child.kill('SIGKILL');
  serve?.child.kill('SIGKILL');
});

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'casebook-cms-'));
  cpSync(join(repo, 'tests', 'fixtures', 'cms', 'site'), root, { recursive: true });
  const port = await freePort();
  const config = join(root, 'casebook.yaml');
  writeFileSync(config, readFileSync(config, 'utf8').replace(/local_port: \d+/, `local_port: ${port}`));
  decap = start(
    process.execPath,
    [join(repo, 'node_modules', 'decap-server', 'dist', 'index.js')],
    { env: { ...process.env, PORT: String(port), BIND_HOST: '127.0.0.1', GIT_REPO_DIRECTORY: root, MODE: 'fs' } },
    /listening on/,
  );
  serve = start(binary, ['serve', '--root', root, '--port', '0'], {}, /(?:serving|プレビュー:) (http:\/\/\S+)/);
  await decap.matched;
  url = (await serve.matched)[1];
  browser = await launch();
});

after(async () => {
  await browser?.close();
  decap?.child.kill('SIGTERM');
  serve?.child.kill('SIGTERM');
  if (root) rmSync(root, { recursive: true, force: true });
});

const cases = () => readdirSync(join(root, 'content', 'cases')).sort();

/** The form's control for the field labelled `label`; the last one when
 * several share the label (the item just added to a list). */
async function control(page, label) {
  const ids = await page.evaluate(
    (text) => [...document.querySelectorAll('label')]
      .filter((l) => l.textContent.replace(/ \(任意\)$/, '') === text)
      .map((l) => l.htmlFor),
    label,
  );
  assert.ok(ids.length > 0, `no field labelled ${label}`);
  return page.locator(`[id="${ids.at(-1)}"]`);
}

/** Picks `option` in the select labelled `label`. */
async function choose(page, label, option) {
  await (await control(page, label)).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The admin page, logged in to the local backend, on a new case's form. */
async function newCase() {
  const opened = await openPage(browser);
  const { page } = opened;
  await page.goto(`${url}admin/`);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.goto(`${url}admin/#/collections/cases/new`);
  await page.locator('label', { hasText: '事例名' }).waitFor();
  return opened;
}

async function publish(page) {
  await page.getByRole('button', { name: '公開', exact: true }).click();
  await page.getByRole('menuitem', { name: '公開する', exact: true }).click();
}

/** Errors other than a missing favicon (Decap asks for /favicon.ico). */
function realProblems(problems) {
  return problems.filter((p) => !p.startsWith('Failed to load resource: the server responded with a status of 404'));
}

test('the form refuses to save a case without its required fields', async () => {
  const before = cases();
  const { page, problems, context } = await newCase();
  await (await control(page, '事例名')).fill('概要のない事例');
  await (await control(page, 'スラッグ')).fill('no-summary');
  await publish(page);
  await page.getByText('すべての必須項目を入力してください。').waitFor();
  await page.getByText('概要は必須です。').waitFor();
  await page.getByText('地区は必須です。').waitFor();
  await page.getByText('公開日は必須です。').waitFor();
  assert.deepEqual(cases(), before, 'nothing was written');
  // Decap rejects the refused save with `undefined`, uncaught.
  assert.deepEqual(realProblems(problems).filter((p) => p !== 'undefined'), []);
  await context.close();
});

test('a case made through the form is saved beside its photo, passes check and is previewed', async () => {
  const { page, problems, context } = await newCase();
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));

  await (await control(page, '事例名')).fill('坂道のベンチ');
  await (await control(page, 'スラッグ')).fill('saka-bench');
  await (await control(page, '概要')).fill('坂道にベンチを置いた、試験用の架空の事例です。');
  await choose(page, '地区', '南区/中村地区');
  await (await control(page, '公開日')).fill('2026-04-01');
  await choose(page, '状況', '完了（completed）');

  await page.getByRole('button', { name: 'Add 活用した制度' }).click();
  await choose(page, '制度名', '地域協働推進事業');
  await (await control(page, '交付額')).fill('300000');

  await page.getByRole('button', { name: 'Add 成果' }).click();
  await (await control(page, '項目')).fill('利用者');
  await (await control(page, '数値')).fill('120');

  await page.getByRole('button', { name: 'Add 出典' }).click();
  await (await control(page, '資料名')).fill('試験用の資料');

  await page.getByRole('button', { name: 'Add 画像' }).click();
  await page.getByRole('button', { name: '画像を選択' }).click();
  await page.locator('input[type=file]').setInputFiles(PHOTO);
  await page.getByRole('button', { name: '選択する' }).click();
  await page.getByRole('button', { name: '他の画像を選択' }).waitFor();
  await (await control(page, '代替テキスト')).fill('坂道に置いたベンチ');
  await (await control(page, '架空の事例')).click();

  // The preview pane is styled by the theme's own stylesheet.
  const preview = page.frameLocator('iframe').first();
  await preview.locator('link[rel=stylesheet][href*="/static/css/casebook."]').waitFor({ state: 'attached' });

  await publish(page);
  await page.waitForURL(/#\/collections\/cases\/entries\/saka-bench/);
  const folder = join(root, 'content', 'cases', 'saka-bench');
  const written = readFileSync(join(folder, 'index.md'), 'utf8');
  for (const line of [
    'title: 坂道のベンチ',
    'district: 南区/中村地区',
    'published: 2026-04-01',
    'status: completed',
    '  - scheme: 地域協働推進事業',
    '    amount: 300000',
    '  - label: 利用者',
    '    value: 120',
    '  - title: 試験用の資料',
    '  - src: photo.jpg',
    '    alt: 坂道に置いたベンチ',
    'illustrative: true',
  ]) {
    assert.ok(written.split('\n').includes(line), `${line}\n---\n${written}`);
  }
  // Optional fields left alone are left out, not written empty.
  assert.doesNotMatch(written, /: ""$/m, written);
  // The photo is the uploaded file, beside the case.
  assert.deepEqual(readFileSync(join(folder, 'photo.jpg')), readFileSync(PHOTO));

  const check = spawnSync(binary, ['check', '--root', root], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);

  // The live preview rebuilds on its own and shows the new case.
  let html = '';
  for (let tries = 0; tries < 100; tries++) {
    const response = await fetch(`${url}cases/saka-bench/`);
    html = await response.text();
    if (response.ok && html.includes('坂道のベンチ')) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.match(html, /<h1[^>]*>[^<]*坂道のベンチ/);
  assert.match(html, /alt="坂道に置いたベンチ"/);

  // Nothing came from anywhere but this computer.
  const elsewhere = requests.filter((r) => !/^(http:\/\/(127\.0\.0\.1|localhost)[:/]|blob:|data:)/.test(r));
  assert.deepEqual(elsewhere, []);
  assert.deepEqual(realProblems(problems), []);
  await context.close();
});

test('the admin page carries its own CSP and the site pages do not link to it', async () => {
  const admin = await (await fetch(`${url}admin/`)).text();
  const csp = admin.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /connect-src 'self' blob: http:\/\/localhost:\d+/);
  assert.doesNotMatch(admin, /https?:\/\/(?!localhost|127\.0\.0\.1)/, 'no CDN');
  const home = await (await fetch(url)).text();
  assert.doesNotMatch(home, /admin\//);
});
