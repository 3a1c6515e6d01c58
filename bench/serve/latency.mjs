// Save-to-reload latency of `casebook serve`: the time from writing a case's
// file to the open tab showing the reloaded page, in headless Chromium.
//
//   node bench/serve/latency.mjs [N ...]        default: 1000 10000
//   EDITS=9 node bench/serve/latency.mjs 1000   edits per size (default 7)
//
// For each N: generate the seeded corpus (bench/gen_corpus.py), start
// `target/release/casebook serve --port 0` on it, open one case page, then
// change that case's title EDITS times, one second apart. Each sample runs from
// just before the write to the reloaded page's first contentful paint (both on
// the wall clock of this machine), and is checked to show the new title. Prints
// the median, min and max per N as a Markdown table.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const repo = resolve(import.meta.dirname, '..', '..');
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');
const binary = join(target, 'release', 'casebook');
const generator = process.env.GEN_CORPUS ? resolve(process.env.GEN_CORPUS) : join(repo, 'bench', 'gen_corpus.py');
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const edits = Number(process.env.EDITS ?? 7);
const CASE = 'content/cases/case-00005.md';

if (!existsSync(binary)) {
  console.error(`no ${binary}: run cargo build --release first`);
  process.exit(2);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function startServer(root) {
  const child = spawn(binary, ['serve', '--root', root, '--port', '0', '--lang', 'en'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const url = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/(?:serving|プレビュー:) (http:\/\/\S+)/);
      if (found) ok(found[1]);
    });
    child.on('exit', (code) => fail(new Error(`casebook serve exited with ${code}:\n${log}`)));
  });
  return { child, url, log: () => log };
}

async function measure(n, browser) {
  const root = join(mkdtempSync(join(tmpdir(), 'casebook-serve-bench-')), `site-${n}`);
  execFileSync('python3', [generator, '--flavor', 'plain', '--n', String(n), '--out', root], { stdio: 'ignore' });
  const server = await startServer(root);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}cases/case-00005/`);
    await new Promise((ok) => setTimeout(ok, 1000)); // the event stream connects
    const file = join(root, CASE);
    const original = readFileSync(file, 'utf8');
    const samples = [];
    for (let i = 1; i <= edits; i++) {
      const marker = `計測${i}`;
      const text = original.replace(/^title: "(.*)"$/m, `title: "$1 ${marker}"`);
      const loaded = page.waitForEvent('load', { timeout: 60_000 });
      const saved = Date.now();
      writeFileSync(file, text);
      await loaded;
      const shown = await page.evaluate(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const navigation = performance.getEntriesByType('navigation')[0];
        const at = paint ? paint.startTime : navigation.domContentLoadedEventEnd;
        return { at: performance.timeOrigin + at, title: document.querySelector('h1')?.textContent ?? '' };
      });
      if (!shown.title.includes(marker)) throw new Error(`edit ${i}: the page shows ${shown.title}`);
      samples.push(shown.at - saved);
      await new Promise((ok) => setTimeout(ok, 1000));
    }
    await page.close();
    const rebuilds = server.log().match(/rebuilt in \d+ ms/g) ?? [];
    return { n, samples, rebuilds };
  } finally {
    server.child.kill('SIGTERM');
    rmSync(resolve(root, '..'), { recursive: true, force: true });
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  console.log('| cases | median | min | max | edits | server rebuild times |');
  console.log('|---:|---:|---:|---:|---:|---|');
  for (const n of sizes.length ? sizes : [1000, 10000]) {
    const { samples, rebuilds } = await measure(n, browser);
    const ms = (v) => `${Math.round(v)} ms`;
    console.log(`| ${n.toLocaleString('en')} | ${ms(median(samples))} | ${ms(Math.min(...samples))} | ${ms(Math.max(...samples))} | ${samples.length} | ${rebuilds.map((r) => r.replace('rebuilt in ', '')).join(', ')} |`);
  }
} finally {
  await browser.close();
}
