// Screenshots of every page type of the sample site, in both themes, at phone,
// tablet and desktop widths, for reviewing the theme by eye.
// Usage: node scripts/screenshots.mjs [out-dir] [path ...]
// Builds the repository's sample site with the debug binary (`cargo build`
// first) once per theme into a temporary folder, serves it under the base
// path of its casebook.yaml, as the city's web server would, and writes
// <out-dir>/<theme>/<page>-<width>.png. The default out-dir, screenshots/,
// is git-ignored.

import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve, launch, buildSample, repo, SAMPLE_PAGES, SAMPLE_PAGES_EN } from '../tests/browser/helpers.mjs';

const out = resolve(process.argv[2] ?? join(repo, 'screenshots'));
const only = process.argv.slice(3);
const pages = only.length
  ? only.map((path) => ({ type: path.replace(/[/?=]+/g, '_').replace(/_$/, '') || 'home', path }))
  : [...SAMPLE_PAGES, ...SAMPLE_PAGES_EN];
const widths = [320, 375, 768, 1280];
const themes = ['default', 'city-example'];
const baseUrl = readFileSync(join(repo, 'casebook.yaml'), 'utf8').match(/^base_url:\s*"?([^"\s#]+)/m)[1];
const prefix = new URL(baseUrl, 'http://x').pathname;

const browser = await launch();
for (const theme of themes) {
  const root = buildSample(baseUrl, { theme });
  const server = await serve(join(root, 'public'), prefix);
  mkdirSync(join(out, theme), { recursive: true });
  for (const width of widths) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const { type, path } of pages) {
      await page.goto(server.url(path));
      // Search results arrive after the page loads.
      if (path.startsWith('search/') || path.includes('/search/')) {
        await page.waitForSelector('[data-search-list] li, [data-search-status]:not(:empty)', { timeout: 5000 }).catch(() => {});
      }
      // A full-page shot does not scroll, so lazy images would stay blank.
      await page.evaluate(() => Promise.all([...document.images].map((img) => {
        img.loading = 'eager';
        return img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
      })));
      const name = join(out, theme, `${type.replace(/[ ()]+/g, '_').replace(/_$/, '')}-${width}.png`);
      await page.screenshot({ path: name, fullPage: true });
      console.log(name);
    }
    await page.close();
  }
  await server.close();
}
await browser.close();
