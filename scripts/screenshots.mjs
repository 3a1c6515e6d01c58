// Screenshots of built pages at phone and desktop widths, for reviewing the theme.
// Usage: node scripts/screenshots.mjs [site-root] [out-dir] [path ...]
// Builds nothing: run `casebook build` first. Serves <site-root>/public under
// the base path of its casebook.yaml, as the city's web server would.

import { readFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve, launch } from '../tests/browser/helpers.mjs';

const root = resolve(process.argv[2] ?? '.');
const out = resolve(process.argv[3] ?? '/tmp/casebook-shots');
const paths = process.argv.slice(4).length ? process.argv.slice(4) : ['', 'cases/', 'cases/nakamura-hub/', 'districts/', 'funding/machi-fushin/', 'themes/', 'opendata/'];
const baseUrl = readFileSync(join(root, 'casebook.yaml'), 'utf8').match(/^base_url:\s*"?([^"\s#]+)/m)[1];
const prefix = new URL(baseUrl, 'http://x').pathname;

mkdirSync(out, { recursive: true });
const server = await serve(join(root, 'public'), prefix);
const browser = await launch();
for (const width of [375, 1280]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  for (const path of paths) {
    await page.goto(server.url(path));
    // A full-page shot does not scroll, so lazy images would stay blank.
    await page.evaluate(() => Promise.all([...document.images].map((img) => {
      img.loading = 'eager';
      return img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
    })));
    const name = `${(path.replace(/\/$/, '').replaceAll('/', '_') || 'home')}-${width}.png`;
    await page.screenshot({ path: join(out, name), fullPage: true });
    console.log(join(out, name));
  }
  await page.close();
}
await browser.close();
await server.close();
