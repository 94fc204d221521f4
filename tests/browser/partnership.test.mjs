// What each partner and each funder sees (issue 4) in headless Chromium against `linkwork demo`,
// with axe-core on every page: a VCSE partner opens its feedback report from the navigation and
// downloads the CSV; the commissioner opens the gap report and the partnership network from the
// dashboard. Every report has an accessible chart (svg role=img with a title).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn, fillDate } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(120); });
after(async () => demo?.stop());

async function checkChart(page, where) {
  const charts = await page.$$('svg[role=img]');
  assert.ok(charts.length >= 1, `a chart on ${where}`);
  const title = await page.$eval('svg[role=img] title', (t) => t.textContent);
  assert.ok(title.length > 0, `the chart on ${where} has a title`);
}

test('a VCSE partner sees its own feedback report, with a chart and a CSV download', async () => {
  const { base } = demo;
  const page = await signIn(demo, 'VCSE partner');
  await page.click('a:has-text("Feedback report")');
  await page.waitForSelector('h1:has-text("Partner feedback report")');
  await checkAccessibility(page, 'partner feedback report');
  await checkChart(page, 'partner feedback report');
  assert.ok(await page.isVisible('th:has-text("Referrals received")'));
  const csvHref = await page.getAttribute('a:has-text("CSV")', 'href');
  const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvHref);
  assert.match(csv, /^figure,label,breakdown,value\r\n/);
  // Another period through the form.
  await fillDate(page, 'from', '2020-01-01');
  await page.click('button:has-text("Show period")');
  await page.waitForURL(/from-year=2020/);
  assert.equal(await page.inputValue('#from-year'), '2020', 'the period chosen stays in the form');
  await checkAccessibility(page, 'partner feedback report, longer period');
  // Managers' routes are closed to partners.
  const response = await page.goto(`${base}/reports/gaps`);
  assert.equal(response.status(), 403);
});

test('the commissioner opens the gap report and the partnership network from the dashboard', async () => {
  const page = await signIn(demo, 'Commissioner or analyst');
  await page.goto(`${demo.base}/dashboard`);
  await checkAccessibility(page, 'dashboard');
  await page.click('a:has-text("Gap report")');
  await page.waitForSelector('h1:has-text("Gap report")');
  await checkAccessibility(page, 'gap report');
  await checkChart(page, 'gap report');
  assert.ok(await page.isVisible('caption:has-text("People with each need and services listed for it")'));

  await page.goto(`${demo.base}/dashboard`);
  await page.click('a:has-text("Partnership network")');
  await page.waitForSelector('h1:has-text("Partnership network")');
  await checkAccessibility(page, 'partnership network');
  await checkChart(page, 'partnership network');
  const rows = await page.$$('table tbody tr');
  assert.ok(rows.length > 0, 'edges in the network table');
  assert.ok(await page.isVisible('td:has-text("Link workers")'));

  await page.goto(`${demo.base}/dashboard`);
  await page.click('a:has-text("Partner feedback reports")');
  await page.waitForSelector('h1:has-text("Partner feedback reports")');
  await checkAccessibility(page, 'partner reports index');
  await page.click('main ul li a');
  await page.waitForSelector('h1:has-text("Partner feedback report")');
  await checkAccessibility(page, 'a partner report, as the commissioner');
  await checkChart(page, 'a partner report, as the commissioner');
});
