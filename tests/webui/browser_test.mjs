// Browser test: Debian's chromium, driven headless by playwright-core, against
// a real sidekick fed real alerts. Screenshots land in
// $SAKER_BUILD_DIR/tests/artifacts/webui/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startSidekick, feedFixture, post, alert, buildDir, FIXTURE } from './harness.mjs';

const artifacts = path.join(buildDir, 'tests/artifacts/webui');
let sk, browser, page;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  sk = await startSidekick();
  await feedFixture(sk);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    timeout: 60000,
    headless: true, // playwright gives the browser a fresh temporary profile
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  await page.goto(sk.ui + '/');
});

after(async () => {
  await browser?.close();
  await sk?.stop();
});

const cardCount = (p) => page.locator(`.card[data-priority="${p}"] .n`);

test('dashboard shows the right counts', async () => {
  await assertText(cardCount('total'), String(FIXTURE.length));
  await assertText(cardCount('Notice'), '5');
  await assertText(cardCount('Warning'), '4');
  await assertText(cardCount('Critical'), '2');
  await assertText(cardCount('Emergency'), '0');
  const top = page.locator('#by-rule tr').first();
  await assertText(top.locator('td').nth(0), 'Shell in container');
  await assertText(top.locator('td').nth(1), '5');
  assert.equal(await page.locator('#timeline rect').count() > 0, true);
  await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
});

test('filters narrow the events table', async () => {
  await page.click('#tab-events');
  await assertRows(FIXTURE.length);
  await page.selectOption('#filters select[name=priority]', 'Warning');
  await page.click('#filters button[type=submit]');
  await assertRows(7);
  await page.fill('#filters input[name=tag]', 'container');
  await page.selectOption('#filters select[name=priority]', '');
  await page.click('#filters button[type=submit]');
  await assertRows(5);
  await page.fill('#filters input[name=q]', 'id #2');
  await page.click('#filters button[type=submit]');
  await assertRows(1);
  await page.screenshot({ path: path.join(artifacts, 'events-filtered.png'), fullPage: true });
});

test('the detail view shows output_fields', async () => {
  await page.locator('#events-table tbody tr').first().click();
  const detail = page.locator('#detail');
  await detail.waitFor({ state: 'visible' });
  await assertText(page.locator('#detail-rule'), 'Shell in container');
  const row = page.locator('#detail-fields tr', { hasText: 'proc.cmdline' });
  await assertText(row.locator('td').nth(1), 'sh -c id #2');
  await page.screenshot({ path: path.join(artifacts, 'detail.png'), fullPage: true });
  await page.click('#detail-close');
});

test('a new alert appears without reload', async () => {
  for (const name of ['tag', 'q']) await page.fill(`#filters input[name=${name}]`, '');
  await page.click('#filters button[type=submit]');
  await assertRows(FIXTURE.length);
  await page.evaluate(() => { window.__sakerNoReload = true; });
  await page.locator('#live.on').waitFor();
  await post(sk, alert({ rule: 'Live alert arrived', priority: 'Alert', hostname: 'node-z', tags: ['T0000'] }));
  await page.locator('#events-table tbody tr', { hasText: 'Live alert arrived' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sakerNoReload), true);
  await page.screenshot({ path: path.join(artifacts, 'live.png'), fullPage: true });
  await page.click('#tab-dashboard');
  await assertText(cardCount('Alert'), '1');
});

async function assertText(locator, want) {
  await locator.waitFor();
  for (let i = 0; i < 100; i++) {
    if ((await locator.textContent()).trim() === want) return;
    await page.waitForTimeout(100);
  }
  assert.equal((await locator.textContent()).trim(), want);
}

async function assertRows(n) {
  for (let i = 0; i < 100; i++) {
    if ((await page.locator('#events-table tbody tr').count()) === n) return;
    await page.waitForTimeout(100);
  }
  assert.equal(await page.locator('#events-table tbody tr').count(), n);
}
