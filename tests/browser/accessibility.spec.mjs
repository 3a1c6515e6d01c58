// Accessibility of every page type of the sample site (JIS X 8341-3:2016 AA,
// WCAG 2.1 AA): axe-core with zero violations at phone and desktop widths, the
// checks axe cannot make (skip link, focus, reflow, target size, language of
// parts), the Content-Security-Policy, and the pages with JavaScript off.
// docs/accessibility.md says what each test covers and what is checked by hand.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSample, serve, launch, openPage, axeViolations, describeViolations, SAMPLE_PAGES, SAMPLE_PAGES_EN,
} from './helpers.mjs';

const PREFIX = '/machizukuri/jirei/';
const THEMES = ['default', 'city-example'];
let browser;
const sites = {};

before(async () => {
  browser = await launch();
  for (const theme of THEMES) {
    const root = buildSample(`http://127.0.0.1${PREFIX}`, { theme });
    sites[theme] = { public: join(root, 'public'), server: await serve(join(root, 'public'), PREFIX) };
  }
});
after(async () => {
  await browser?.close();
  for (const site of Object.values(sites)) await site.server.close();
});

/**
 * Opens `path`; on a page with a script-driven module (search), waits until
 * its requests have settled, so that results are drawn before the checks.
 */
async function visit(page, server, { path, status = 200 }) {
  const response = await page.goto(server.url(path));
  assert.equal(response.status(), status, `/${path} status`);
  if (await page.locator('[data-module]').count()) await page.waitForLoadState('networkidle');
  return response;
}

for (const theme of THEMES) {
  describe(`axe, ${theme} theme`, () => {
    for (const width of [375, 1280]) {
      for (const target of [...SAMPLE_PAGES, ...SAMPLE_PAGES_EN]) {
        test(`${target.type} (/${target.path}) at ${width}px has no axe violations`, async () => {
          const { page, problems, context } = await openPage(browser, { viewport: { width, height: 900 } });
          await visit(page, sites[theme].server, target);
          const violations = await axeViolations(page);
          assert.deepEqual(problems, [], 'console errors');
          assert.equal(violations.length, 0, `axe:\n${describeViolations(violations)}`);
          await context.close();
        });
      }
    }
  });
}

describe('Content-Security-Policy: default-src \'self\'', () => {
  for (const theme of THEMES) {
    test(`${theme} theme: no page violates the policy or requests another origin`, async () => {
      const server = sites[theme].server;
      const { page, problems, context } = await openPage(browser);
      await context.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event) => {
          window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
        });
      });
      const foreign = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(server.origin)) foreign.push(request.url());
      });
      for (const target of SAMPLE_PAGES) {
        await visit(page, server, target);
        const violations = await page.evaluate(() => window.__cspViolations);
        assert.deepEqual(violations, [], `/${target.path}: CSP violations`);
      }
      assert.deepEqual(foreign, [], 'requests to other origins');
      assert.deepEqual(problems, [], 'console errors (CSP reports show here too)');
      await context.close();
    });
  }

  test('no built page has an inline script, inline style, event handler or external resource', () => {
    const pages = THEMES.flatMap((theme) => htmlFiles(sites[theme].public));
    assert.ok(pages.length > 40, `found ${pages.length} pages`);
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        const [, attributes, body] = script;
        const isData = /type="application\/ld\+json"/.test(attributes);
        assert.ok(isData || (/\bsrc="/.test(attributes) && body.trim() === ''), `${file}: inline script ${attributes}`);
      }
      assert.doesNotMatch(html, /<style\b/i, `${file}: <style> element`);
      assert.doesNotMatch(html, /\sstyle\s*=/i, `${file}: style attribute`);
      assert.doesNotMatch(html, /\son[a-z]+\s*=\s*["']/i, `${file}: event handler attribute`);
      // Canonical and alternate links name URLs without loading them.
      for (const [element] of html.matchAll(/<(?:script|img|iframe|source|video|audio|link)\b[^>]*>/gi)) {
        if (/^<link\b/i.test(element) && !/rel="(?:stylesheet|icon|preload|modulepreload|manifest)"/.test(element)) continue;
        assert.doesNotMatch(element, /\s(?:src|href|srcset)="(?:https?:)?\/\//i, `${file}: loads from another origin: ${element}`);
      }
    }
  });
});

describe('what axe cannot see', () => {
  test('the skip link is the first tab stop, shows when focused and moves focus to main', async () => {
    const { page, context } = await openPage(browser);
    await visit(page, sites.default.server, { path: 'cases/nakamura-hub/' });
    await page.bringToFront();
    await tab(page);
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      return { className: el.className, href: el.getAttribute('href'), top: box.top, height: box.height };
    });
    assert.equal(skip.className, 'skip-link');
    assert.ok(skip.top >= 0 && skip.height > 0, `skip link visible when focused: ${JSON.stringify(skip)}`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await context.close();
  });

  test('every tab stop is on screen and shows a visible focus indicator', async () => {
    for (const theme of THEMES) {
      for (const path of ['', 'cases/nakamura-hub/', 'funding/machi-fushin/', 'opendata/']) {
        // Reduced motion, so the scroll to each focused element is instant.
        const { page, context } = await openPage(browser, { viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
        await visit(page, sites[theme].server, { path });
        await page.bringToFront();
        // Each stop's look is compared with its look before anything had
        // focus. Chromium can restyle for :focus a few frames after the key
        // press, so a stop that still looks unfocused is checked again.
        const plain = await page.evaluate(FOCUS_LOOK, null);
        const seen = new Set();
        for (let i = 0; i < 150; i += 1) {
          await page.keyboard.press('Tab');
          let stop;
          for (let frame = 0; frame < 20; frame += 1) {
            stop = await page.evaluate(FOCUS_LOOK, plain);
            if (!stop || (stop.changed && stop.onScreen)) break;
          }
          if (!stop || seen.has(stop.key)) break;
          seen.add(stop.key);
          assert.ok(stop.changed, `${theme} /${path}: no visible focus on ${stop.label}`);
          assert.ok(stop.onScreen, `${theme} /${path}: focus on ${stop.label} is off screen`);
        }
        assert.ok(seen.size > 15, `${theme} /${path}: only ${seen.size} tab stops reached`);
        await context.close();
      }
    }
  });

  // Issue 17: tables used to scroll inside their region on a phone, with only
  // an edge shadow to say so; now a wide one stacks its rows instead.
  test('on a phone no table region needs a sideways scroll: wide tables stack their rows', async () => {
    const { page, context } = await openPage(browser, { viewport: { width: 320, height: 640 } });
    for (const path of ['opendata/', 'stats/', 'funding/machi-fushin/', 'cases/nakamura-hub/']) {
      await visit(page, sites.default.server, { path });
      const regions = await page.locator('.table-wrap[role="region"]').evaluateAll((els) => els.map((el) => ({
        label: el.getAttribute('aria-label'), room: el.scrollWidth - el.clientWidth,
      })));
      assert.ok(regions.length > 0, `/${path} has tables`);
      // 1px: scrollWidth rounds a box of fractional width up.
      for (const { label, room } of regions) assert.ok(room <= 1, `/${path}: 「${label}」 scrolls by ${room}px`);
    }
    await context.close();
  });

  test('one banner, main and contentinfo; every navigation is named; headings never skip a level', async () => {
    for (const theme of THEMES) {
      const { page, context } = await openPage(browser);
      for (const target of SAMPLE_PAGES) {
        await visit(page, sites[theme].server, target);
        const outline = await page.evaluate(() => ({
          banner: document.querySelectorAll('body > header').length,
          main: document.querySelectorAll('main').length,
          contentinfo: document.querySelectorAll('body > footer').length,
          unnamedNav: [...document.querySelectorAll('nav')].filter((n) => !n.getAttribute('aria-label') && !n.getAttribute('aria-labelledby')).length,
          levels: [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')].map((h) => Number(h.tagName[1])),
        }));
        const where = `${theme} /${target.path}`;
        assert.deepEqual([outline.banner, outline.main, outline.contentinfo], [1, 1, 1], `${where}: landmarks`);
        assert.equal(outline.unnamedNav, 0, `${where}: unnamed nav`);
        assert.equal(outline.levels[0], 1, `${where}: main starts with h1`);
        assert.equal(outline.levels.filter((l) => l === 1).length, 1, `${where}: one h1`);
        outline.levels.reduce((previous, level) => {
          assert.ok(level <= previous + 1, `${where}: h${previous} followed by h${level}`);
          return level;
        });
      }
      await context.close();
    }
  });

  test('reflow: no page scrolls sideways at 320px, nor at 640px (1280px at 200% zoom)', async () => {
    for (const theme of THEMES) {
      for (const width of [320, 640]) {
        const { page, context } = await openPage(browser, { viewport: { width, height: 640 } });
        for (const target of SAMPLE_PAGES) {
          await visit(page, sites[theme].server, target);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(overflow <= 0, `${theme} /${target.path} scrolls sideways by ${overflow}px at ${width}px`);
        }
        await context.close();
      }
    }
  });

  test('text spacing (WCAG 1.4.12) loses no content', async () => {
    const { page, context } = await openPage(browser, { viewport: { width: 375, height: 800 } });
    for (const target of SAMPLE_PAGES.filter((p) => ['home', 'case', 'funding'].includes(p.type))) {
      await visit(page, sites.default.server, target);
      const clipped = await page.evaluate(() => {
        for (const el of document.querySelectorAll('body *')) {
          el.style.setProperty('line-height', '1.5', 'important');
          el.style.setProperty('letter-spacing', '0.12em', 'important');
          el.style.setProperty('word-spacing', '0.16em', 'important');
        }
        for (const p of document.querySelectorAll('p')) p.style.setProperty('margin-bottom', '2em', 'important');
        return [...document.querySelectorAll('main *, header *, footer *')]
          .filter((el) => {
            const style = getComputedStyle(el);
            return (style.overflow === 'hidden' || style.overflowY === 'hidden')
              && el.scrollHeight > el.clientHeight + 1 && !el.closest('.visually-hidden') && !el.classList.contains('visually-hidden')
              // Hidden on purpose, as .visually-hidden is (a stacked table's column headings).
              && getComputedStyle(el).clipPath !== 'inset(50%)';
          })
          .map((el) => el.className || el.tagName);
      });
      assert.deepEqual(clipped, [], `/${target.path}: text cut off`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `/${target.path} scrolls sideways by ${overflow}px with wider spacing`);
    }
    await context.close();
  });

  test('on a phone, links and buttons outside running text are at least 44 by 24 px', async () => {
    for (const theme of THEMES) {
      const { page, context } = await openPage(browser, { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
      for (const target of SAMPLE_PAGES) {
        await visit(page, sites[theme].server, target);
        const small = await page.evaluate(() => {
          // Links inside a sentence or a table cell are exempt (WCAG 2.5.8 "inline");
          // every other link and every control is measured.
          const inline = (el) => el.closest('p, td, .prose li, figcaption, .visually-hidden, .skip-link');
          return [...document.querySelectorAll('a[href], button, input, select, summary')]
            .filter((el) => !inline(el) && el.getClientRects().length > 0)
            .map((el) => ({ el, box: el.getBoundingClientRect() }))
            .filter(({ box }) => box.height < 24 || box.width < 24)
            .map(({ el, box }) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
        });
        assert.deepEqual(small, [], `${theme} /${target.path}: small targets`);
        const controls = await page.evaluate(() => [...document.querySelectorAll('button, input[type=search], .global-nav a, .pagination a')]
          .filter((el) => el.getClientRects().length > 0)
          .filter((el) => el.getBoundingClientRect().height < 44)
          .map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${Math.round(el.getBoundingClientRect().height)}px high`));
        assert.deepEqual(controls, [], `${theme} /${target.path}: controls lower than 44px`);
      }
      await context.close();
    }
  });

  test('each page says its language, and parts in another language say theirs', async () => {
    const { page, context } = await openPage(browser);
    // A case body marks an English title with <span lang="en">, which the
    // sanitizer keeps.
    await visit(page, sites.default.server, { path: 'cases/kyodo-teian-model/' });
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    assert.equal(await page.locator('main .prose [lang="en"]').first().textContent(), 'AMPERSAND');
    for (const [path, lang, other] of [['cases/nakamura-hub/', 'ja', 'en'], ['en/cases/nakamura-hub/', 'en', 'ja']]) {
      await visit(page, sites.default.server, { path });
      assert.equal(await page.getAttribute('html', 'lang'), lang, `/${path}`);
      // The switcher's link names the other language in itself (「English」),
      // so it is marked as such.
      const switcher = page.locator('.lang-switch a');
      assert.equal(await switcher.getAttribute('lang'), other, `/${path}`);
      assert.equal(await switcher.getAttribute('hreflang'), other, `/${path}`);
      const versions = await page.locator('link[rel="alternate"][hreflang]').evaluateAll((links) => links.map((l) => l.hreflang));
      assert.deepEqual(versions, ['ja', 'en'], `/${path} links both versions`);
    }
    await context.close();
  });

  test('every image has a text alternative that is not its file name', async () => {
    const { page, context } = await openPage(browser);
    for (const target of SAMPLE_PAGES) {
      await visit(page, sites.default.server, target);
      const bad = await page.evaluate(() => [...document.querySelectorAll('img')]
        .filter((img) => img.alt.trim() === '' ? img.getAttribute('role') !== 'presentation' && img.alt !== '' : /\.(jpe?g|png|webp|gif|svg)$/i.test(img.alt))
        .map((img) => img.src));
      assert.deepEqual(bad, [], `/${target.path}: images without a real alt`);
    }
    await context.close();
  });
});

describe('English pages', () => {
  test('read as English throughout: no Japanese UI string on any English page', async () => {
    for (const theme of THEMES) {
      const root = sites[theme].public;
      const paths = htmlFiles(join(root, 'en'))
        .filter((file) => !file.endsWith('404.html'))
        .map((file) => file.slice(root.length + 1).replace(/index\.html$/, ''));
      assert.ok(paths.length >= 20, `${theme}: ${paths.length} English pages`);
      const { page, problems, context } = await openPage(browser);
      for (const path of [...paths, 'en/search/?q=bench']) {
        await visit(page, sites[theme].server, { path });
        const japanese = await page.evaluate(() => {
          const isJapanese = (text) => /[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]/.test(text);
          const exempt = (el) => el.closest('[lang]:not(html)')?.lang === 'ja';
          const found = [];
          const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            if (el.closest('script, style') || exempt(el)) continue;
            if (isJapanese(node.textContent)) found.push(node.textContent.trim());
          }
          for (const el of document.querySelectorAll('*')) {
            if (exempt(el)) continue;
            for (const attr of el.attributes) {
              if (/^(alt|title|placeholder|aria-label|content|data-t-.*)$/.test(attr.name) && isJapanese(attr.value)) {
                found.push(`${attr.name}="${attr.value}"`);
              }
            }
          }
          return found;
        });
        assert.deepEqual(japanese, [], `${theme} /${path}`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
  });

  test('the English search finds English cases and reports in English', async () => {
    const { page, context } = await openPage(browser);
    await visit(page, sites.default.server, { path: 'en/search/?q=bench' });
    const status = await page.locator('[role="status"]').innerText();
    assert.doesNotMatch(status, /[\u3040-\u30ff\u4e00-\u9fff]/, status);
    assert.ok(await page.locator('main a[href$="/en/cases/slope-benches/"]').count(), 'the benches case is a result');
    await context.close();
  });
});

describe('print', () => {
  test('a case prints without navigation, with the address of each link in its text', async () => {
    const { page, context } = await openPage(browser);
    await visit(page, sites.default.server, { path: 'cases/nakamura-hub/' });
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const shown = (selector) => [...document.querySelectorAll(selector)].some((el) => getComputedStyle(el).display !== 'none');
      const link = document.querySelector('main .prose a[href^="/"]');
      return {
        navigation: ['.global-nav', '.site-search', '.breadcrumbs', '.skip-link', '.toc', '.related', '.footer-links'].filter(shown),
        linkAddress: getComputedStyle(link, '::after').content,
        href: link.getAttribute('href'),
        pageAddress: shown('.print-url') && document.querySelector('.print-url').textContent,
      };
    });
    assert.deepEqual(printed.navigation, [], 'navigation hidden on paper');
    assert.equal(printed.linkAddress, `" (${printed.href})"`);
    assert.match(printed.pageAddress, /cases\/nakamura-hub\/$/);
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 10_000, 'a PDF was made');
    await context.close();
  });
});

describe('JavaScript off', () => {
  for (const theme of THEMES) {
    test(`${theme} theme: every page type shows its content and navigation`, async () => {
      const { page, problems, context } = await openPage(browser, { javaScriptEnabled: false });
      for (const target of SAMPLE_PAGES) {
        await visit(page, sites[theme].server, target);
        const state = await page.evaluate(() => ({
          h1: document.querySelector('main h1')?.textContent.trim(),
          mainText: document.querySelector('main')?.innerText.length ?? 0,
          navLinks: document.querySelectorAll('nav a[href]').length,
          skipTarget: !!document.querySelector(document.querySelector('.skip-link')?.getAttribute('href') ?? '#none'),
        }));
        assert.ok(state.h1, `${theme} /${target.path}: h1`);
        assert.ok(state.mainText > 20, `${theme} /${target.path}: main has content`);
        assert.ok(state.navLinks >= 5, `${theme} /${target.path}: navigation links`);
        assert.ok(state.skipTarget, `${theme} /${target.path}: skip link target`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('without JavaScript the search page still lets a visitor browse every case', async () => {
    const { page, context } = await openPage(browser, { javaScriptEnabled: false });
    await visit(page, sites.default.server, { path: 'search/?q=空き家' });
    const browse = await page.locator('main a[href*="/districts/"], main a[href*="/funding/"], main a[href*="/themes/"]').count();
    assert.ok(browse >= 10, `browse links: ${browse}`);
    // The form is a plain GET form to the search page itself.
    assert.equal(await page.getAttribute('main form', 'method'), 'get');
    await context.close();
  });
});

/**
 * In the page: with `plain` null, the look of every element that can take
 * focus, by its index in the document; else the focused element's look, and
 * whether it differs from its plain look (after waiting a moment). A look is
 * what can show focus: a visible outline, shadow, background, bottom border
 * and transform (the skip link moves into view).
 */
async function FOCUS_LOOK(plain) {
  const all = [...document.querySelectorAll('*')];
  const look = (el) => {
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && style.outlineColor !== 'rgba(0, 0, 0, 0)';
    return [outline ? style.outlineColor : 'none', style.boxShadow, style.backgroundColor, style.borderBottomColor, style.transform].join(' | ');
  };
  if (plain === null) {
    return Object.fromEntries(all.map((el, i) => [i, el]).filter(([, el]) => el.tabIndex >= 0).map(([i, el]) => [i, look(el)]));
  }
  await new Promise((done) => setTimeout(() => requestAnimationFrame(done), 20));
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const key = all.indexOf(el);
  const box = el.getBoundingClientRect();
  return {
    key,
    label: `${el.tagName.toLowerCase()} ${el.textContent.trim().slice(0, 30) || el.getAttribute('aria-label') || ''}`,
    changed: look(el) !== plain[key],
    onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}

/**
 * Presses Tab and waits two frames: right after the first key press of a
 * page, Chromium has moved focus but not yet restyled for :focus.
 */
async function tab(page) {
  await page.keyboard.press('Tab');
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** Every index.html and 404.html under `dir`. */
function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((file) => file.endsWith('.html') && statSync(file).isFile());
}
