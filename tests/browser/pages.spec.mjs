// The built pages in a real browser: they load under the city's sub-path with a
// strict Content-Security-Policy, without console errors, and work without JS.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildFixture, serve, launch, openPage } from './helpers.mjs';

const PREFIX = '/machizukuri/jirei/';
let server, browser;

before(async () => {
  const root = buildFixture('render/basic', `http://127.0.0.1/${PREFIX.slice(1)}`);
  server = await serve(`${root}/public`, PREFIX);
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

for (const path of ['', 'cases/', 'cases/nakamura-hub/', 'districts/', 'districts/minami/', 'funding/machi-fushin/', 'themes/', 'opendata/', 'about/']) {
  test(`/${path} loads with no console error or CSP violation`, async () => {
    const { page, problems, context } = await openPage(browser);
    const response = await page.goto(server.url(path));
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('h1').count(), 1, 'one h1');
    assert.ok(await page.locator('main#main').count(), 'a main landmark');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the case page shows its facts without JavaScript', async () => {
  const { page, context } = await openPage(browser, { javaScriptEnabled: false });
  await page.goto(server.url('cases/nakamura-hub/'));
  const main = await page.locator('main').innerText();
  for (const text of ['令和元年5月1日', '500万円', '平成30年度（2018年度）', '中村地域ケアプラザ']) {
    assert.ok(main.includes(text), `main lacks ${text}`);
  }
  await context.close();
});

test('no page is wider than a 320 px phone', async () => {
  const { page, context } = await openPage(browser, { viewport: { width: 320, height: 640 } });
  for (const path of ['', 'cases/nakamura-hub/', 'funding/machi-fushin/']) {
    await page.goto(server.url(path));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `/${path} scrolls sideways by ${overflow}px`);
  }
  await context.close();
});
