// The evaluation report's outputs in headless Chromium, against `linkwork demo`, with axe-core on
// every page: the commissioner and the service manager open the dashboard (tiles with trends, the
// word cloud) and the full report, choose a practice as the scope, and download the CSV, JSON and
// PDF the report page links to.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(600); });
after(async () => demo?.stop());

async function downloads(page, where) {
  const links = {
    csv: await page.getAttribute('a:has-text("CSV")', 'href'),
    json: await page.getAttribute('a:has-text("JSON")', 'href'),
    pdf: await page.getAttribute('a:has-text("Download PDF")', 'href'),
  };
  const expected = { csv: 'text/csv', json: 'application/json', pdf: 'application/pdf' };
  for (const [kind, href] of Object.entries(links)) {
    assert.ok(href, `${where}: a ${kind} link`);
    const res = await page.request.get(new URL(href, page.url()).toString(), { timeout: 120_000 });
    assert.equal(res.status(), 200, `${where}: ${kind} download`);
    assert.ok(res.headers()['content-type'].startsWith(expected[kind]), `${where}: ${kind} is ${res.headers()['content-type']}`);
    const body = await res.body();
    if (kind === 'pdf') assert.equal(body.subarray(0, 5).toString(), '%PDF-');
    if (kind === 'json') assert.ok(JSON.parse(body.toString()).figures.length > 30);
  }
}

for (const role of ['Commissioner or analyst', 'Service manager']) {
  test(`${role}: dashboard, report for each scope, downloads`, async () => {
    const page = await signIn(demo, role);
    await page.goto(`${demo.base}/dashboard`);
    await page.waitForSelector('h1:has-text("Dashboard")');
    await checkAccessibility(page, `${role} dashboard`);
    assert.ok((await page.$$('.lw-sparkline')).length >= 4, 'tiles have trend lines');
    assert.ok(await page.$('svg[role="img"] title:has-text("What matters to people")'), 'the word cloud is a labelled image');
    await page.click('summary:has-text("The words and how many people used them")');
    const words = await page.$$eval('.lw-word-cloud + details tbody th', (ths) => ths.map((t) => t.textContent));
    assert.ok(words.length > 3, `words listed: ${words}`);
    assert.ok(words.every((w) => /^[a-z']+$/.test(w)), `only lowercase words: ${words}`);
    await checkAccessibility(page, `${role} dashboard, word list open`);

    await page.click('a:has-text("Open the evaluation report")');
    await page.waitForSelector('h1:has-text("Evaluation report")');
    await checkAccessibility(page, `${role} report`);
    const sections = await page.$$eval('.nhsuk-contents-list a', (as) => as.map((a) => a.textContent));
    assert.ok(sections.includes('Summary') && sections.includes('Notes'), `contents: ${sections}`);
    await downloads(page, `${role} report`);

    // One practice as the scope, through the select. An ICB's select lists its PCNs, and a
    // PCN's practices once that PCN is shown.
    if (!(await page.$('#scope option[value^="practice:"]'))) {
      await page.selectOption('#scope', await page.$eval('#scope option[value^="pcn:"]', (o) => o.value));
      await page.click('button:has-text("Show report")');
      await page.waitForSelector('h1:has-text("Evaluation report")');
    }
    const practice = await page.$eval('#scope option[value^="practice:"]', (o) => o.value);
    await page.selectOption('#scope', practice);
    await page.click('button:has-text("Show report")');
    await page.waitForSelector('h1:has-text("Evaluation report")');
    assert.match(page.url(), /scope=practice/);
    await checkAccessibility(page, `${role} report for one practice`);
    assert.ok(await page.$('code:has-text("--scope practice:")'), 'the reproduce command names the scope');
    await downloads(page, `${role} practice report`);
  });
}
