// Equity, workforce and "what works" in headless Chromium, against `linkwork demo`, with axe-core
// on every page: the service manager opens the workforce settings from the team page, is shown
// the errors of a bad WTE, saves a good one, and reads the report's equity, workforce and
// "what works" sections (charts with text alternatives, tables).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(300); });
after(async () => demo?.stop());

test('a service manager sets working time and reads the equity sections', async () => {
  const { base } = demo;
  const page = await signIn(demo, 'Service manager');
  await page.goto(`${base}/team`);
  await page.click('a[href="/team/workforce"]');
  await page.waitForSelector('h1:has-text("Workforce settings")');
  await checkAccessibility(page, 'workforce settings');
  const first = page.locator('input[name^="wte_"]').first();
  // The demo gives its link workers 1, 0.8 and 0.6.
  assert.match(await first.inputValue(), /^(1|0\.8|0\.6)$/);
  await first.fill('3');
  await page.click('button:has-text("Save workforce settings")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(page, 'workforce settings with errors');
  await first.fill('0.5');
  await page.click('button:has-text("Save workforce settings")');
  await page.waitForSelector('text=Workforce settings saved');
  await checkAccessibility(page, 'workforce settings saved');

  await page.goto(`${base}/report`);
  await page.waitForSelector('#lw-report-equity');
  await checkAccessibility(page, 'report with equity sections');
  for (const id of ['lw-chart-equity', 'lw-chart-workforce', 'lw-chart-what-works']) {
    const desc = await page.textContent(`#${id}-desc`);
    assert.ok(desc && desc.length > 50, `${id} has a text alternative`);
  }
  assert.ok(await page.$('caption:has-text("Referrals by deprivation (IMD quintile) against the registered list")'));
  assert.ok(await page.$('caption:has-text("By activity type")'));
});
