// Shared helpers for browser tests: build a fixture site with the real binary,
// serve it on loopback, and drive Debian's Chromium through playwright-core.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { extname, join, resolve, normalize } from 'node:path';

export const repo = resolve(import.meta.dirname, '..', '..');
/** The debug binary `cargo build` made (it honours CARGO_TARGET_DIR). */
export const binary = join(resolve(repo, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug', 'casebook');

/** Copies tests/fixtures/<name> to a temporary folder and builds it for `baseUrl`. */
export function buildFixture(name, baseUrl) {
  const root = mkdtempSync(join(tmpdir(), 'casebook-browser-'));
  cpSync(join(repo, 'tests', 'fixtures', name), root, { recursive: true });
  execFileSync(binary, ['build', '--base-url', baseUrl], { cwd: root, stdio: 'pipe' });
  return root;
}

/**
 * Copies the repository's own sample site (casebook.yaml, content/, themes/)
 * to a temporary folder, optionally with another `theme:`, and builds it for
 * `baseUrl`. Returns the folder; the site is in its `public/`.
 */
export function buildSample(baseUrl, { theme } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'casebook-sample-'));
  for (const part of ['casebook.yaml', 'content', 'themes']) {
    if (existsSync(join(repo, part))) cpSync(join(repo, part), join(root, part), { recursive: true });
  }
  if (theme) {
    const config = join(root, 'casebook.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^theme:.*$/m, `theme: ${theme}`));
  }
  execFileSync(binary, ['build', '--base-url', baseUrl], { cwd: root, stdio: 'pipe' });
  return root;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.csv': 'text/csv; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/**
 * Serves `dir` under `prefix` (e.g. '/machizukuri/jirei/') on 127.0.0.1 with a
 * strict Content-Security-Policy, like a city web server would. With `gzip`,
 * text is compressed for clients that accept it, as production servers do.
 */
export async function serve(dir, prefix = '/', headers = {}, { gzip = false, port = 0 } = {}) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    let status = 200;
    if (!existsSync(file)) {
      status = 404;
      file = join(dir, '404.html');
      if (!existsSync(file)) { res.writeHead(404); res.end('not found'); return; }
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    let body = readFileSync(file);
    const compress = gzip && /^(text\/|application\/(json|xml))|svg/.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    if (compress) body = gzipSync(body, { level: 6 });
    res.writeHead(status, {
      'content-type': type,
      'content-security-policy': "default-src 'self'",
      ...(compress ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
      ...headers,
    });
    res.end(body);
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, url: (p = '') => `${origin}${prefix}${p}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches Debian's Chromium headless; never downloads a browser. */
export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page that records console errors and CSP violations, to assert none happened. */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // A 404 page's own status is reported as a failed load of the document;
    // tests assert the status itself, so only other failures count.
    const isDocument = message.location().url === page.url();
    if (isDocument && message.text().startsWith('Failed to load resource')) return;
    problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return { page, problems, context };
}

/**
 * One page of every page type of the sample site, by the name the theme
 * gives its kind (`page.kind`). `status` is the HTTP status the server gives.
 */
export const SAMPLE_PAGES = [
  { type: 'home', path: '' },
  { type: 'cases', path: 'cases/' },
  { type: 'case', path: 'cases/nakamura-hub/' },
  { type: 'districts', path: 'districts/' },
  { type: 'ward', path: 'districts/minami/' },
  { type: 'area', path: 'districts/minami/nakamura/' },
  { type: 'funding_index', path: 'funding/' },
  { type: 'funding', path: 'funding/machi-fushin/' },
  { type: 'themes', path: 'themes/' },
  { type: 'theme', path: 'themes/tasedai-koryu/' },
  { type: 'search', path: 'search/?q=空き家' },
  { type: 'opendata', path: 'opendata/' },
  { type: 'stats', path: 'stats/' },
  { type: 'not_found', path: 'no-such-page/', status: 404 },
  { type: 'page', path: 'about/' },
];

/** English versions of the main page types (the sample translates three cases). */
export const SAMPLE_PAGES_EN = [
  { type: 'home (en)', path: 'en/' },
  { type: 'case (en)', path: 'en/cases/nakamura-hub/' },
  { type: 'ward (en)', path: 'en/districts/minami/' },
  { type: 'funding (en)', path: 'en/funding/machi-fushin/' },
  { type: 'search (en)', path: 'en/search/?q=bench' },
];

const AXE_SOURCE = join(repo, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Runs axe-core on the loaded page and returns its violations. axe is
 * evaluated through the DevTools protocol, which the page's CSP does not
 * govern, so the page itself is tested under its real policy.
 */
export async function axeViolations(page, options = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
  }
  const results = await page.evaluate((runOptions) => window.axe.run(document, runOptions), {
    resultTypes: ['violations'],
    ...options,
  });
  return results.violations;
}

/** Violations as readable lines for an assertion message. */
export function describeViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`).join('\n')}`)
    .join('\n');
}
