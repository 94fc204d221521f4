// Health-system use, the tariff and SROI in headless Chromium, against `linkwork demo`, with
// axe-core on every page: the service manager reads the report's health-system and SROI sections
// (charts with text alternatives, the tariff, the illustrative warning), is shown the errors of a
// bad tariff, saves a bed-day cost and a price index, saves the service's own SROI model, and checks an activity file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(300); });
after(async () => demo?.stop());

test('a service manager reads health-system use and SROI, and edits the tariff and SROI model', async () => {
  const { base } = demo;
  const page = await signIn(demo, 'Service manager');
  await page.goto(`${base}/report`);
  await page.waitForSelector('#lw-report-health');
  await checkAccessibility(page, 'report with health-system and SROI sections');
  for (const id of ['health-chart', 'sroi-chart']) {
    const desc = await page.textContent(`#${id}-desc`);
    assert.ok(desc && desc.length > 50, `${id} has a text alternative`);
  }
  assert.ok(await page.$('caption:has-text("Unit cost of each type of contact")'), 'the tariff is printed');
  assert.ok(await page.$('#lw-report-sroi ~ .nhsuk-warning-callout, .nhsuk-warning-callout:has-text("Illustrative figures")'), 'illustrative warning');

  // The menu link ("Health and SROI") may sit in the header's "More" list at this width.
  assert.ok(await page.$('a.nhsuk-header__navigation-link[href="/health"]'), 'a menu link');
  await page.goto(`${base}/health`);
  await page.waitForSelector('h1:has-text("Health-system use and social value")');
  await checkAccessibility(page, 'health hub');
  await page.click('a:has-text("Health-system tariff")');
  await page.waitForSelector('h1:has-text("Health-system tariff")');
  await checkAccessibility(page, 'tariff');
  await page.fill('#cost_bed_day', '345');
  await page.click('button:has-text("Save tariff")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(page, 'tariff with errors');
  await page.fill('#source_bed_day', 'Local finance team');
  await page.fill('#year_bed_day', '2025/26');
  await page.click('button:has-text("Save tariff")');
  await page.waitForSelector('text=Tariff saved');
  await checkAccessibility(page, 'tariff saved');

  // A price index brings every cost to the report's year: refused while PSSRU's costs say "2013"
  // (which financial year's prices?), saved once they give the financial year.
  await page.fill('#index_source', 'Test index (illustrative values)');
  await page.fill('#index_values', '2012/13 = 100\n2013/14 = 101.4\n2025/26 = 140\n2026/27 = 143');
  await page.click('button:has-text("Save tariff")');
  await page.waitForSelector('.nhsuk-error-summary:has-text("give the year of the cost")');
  await checkAccessibility(page, 'tariff with a price index and costs without a financial year');
  for (const code of ['gp_surgery', 'gp_phone', 'gp_home_visit', 'practice_nurse']) await page.fill(`#year_${code}`, '2012/13');
  await page.click('button:has-text("Save tariff")');
  await page.waitForSelector('text=Tariff saved');

  await page.goto(`${base}/health/sroi`);
  await page.waitForSelector('h1:has-text("Social return on investment")');
  await checkAccessibility(page, 'SROI model');
  await page.fill('#outcome_duration_0', '0');
  await page.click('button:has-text("Save SROI model")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(page, 'SROI model with errors');
  await page.fill('#outcome_duration_0', '2');
  await page.fill('#outcome_proxy_source_0', 'Service valuation 2026');
  await page.click('button:has-text("Save SROI model")');
  await page.waitForSelector('text=SROI model saved');
  assert.equal(await page.$('.nhsuk-warning-callout'), null, 'no longer illustrative');

  await page.goto(`${base}/health/activity/import`);
  await page.waitForSelector('h1:has-text("Import health-system activity")');
  await checkAccessibility(page, 'activity upload');
  await page.setInputFiles('#file', new URL('../../docs/examples/activity.csv', import.meta.url).pathname);
  await page.check('#dry_run');
  await page.click('button:has-text("Upload")');
  await page.waitForSelector('.nhsuk-panel');
  await checkAccessibility(page, 'activity upload checked');
  assert.ok(await page.$('text=for people the service does not know left out'), 'the example\'s people are not the demo\'s');

  await page.goto(`${base}/report`);
  await page.waitForSelector('#lw-report-sroi');
  await checkAccessibility(page, 'report with the service SROI model');
  assert.ok(await page.$('#lw-report-health ~ section td:has-text("Local finance team"), td:has-text("Local finance team")'), 'the saved bed-day cost is printed');
  assert.ok(await page.$('caption:has-text("Price index")'), 'the index is printed');
  assert.ok(await page.$('th:has-text(" prices")'), 'the costs at the report\'s prices');
});
