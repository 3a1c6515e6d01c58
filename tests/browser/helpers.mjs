// Shared helpers for browser tests: build a fixture site with the real binary,
// serve it on loopback, and drive Debian's Chromium through playwright-core.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, normalize } from 'node:path';

export const repo = resolve(import.meta.dirname, '..', '..');
export const binary = join(repo, 'target', 'debug', 'casebook');

/** Copies tests/fixtures/<name> to a temporary folder and builds it for `baseUrl`. */
export function buildFixture(name, baseUrl) {
  const root = mkdtempSync(join(tmpdir(), 'casebook-browser-'));
  cpSync(join(repo, 'tests', 'fixtures', name), root, { recursive: true });
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
 * strict Content-Security-Policy, like a city web server would.
 */
export async function serve(dir, prefix = '/', headers = {}) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(existsSync(join(dir, '404.html')) ? readFileSync(join(dir, '404.html')) : 'not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': "default-src 'self'",
      ...headers,
    });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
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
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(String(error)));
  return { page, problems, context };
}
