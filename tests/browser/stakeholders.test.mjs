// The stakeholder slice of the evaluation (issue 5) in headless Chromium against `linkwork demo`,
// with axe-core on every page: a link worker completes their own wellbeing check-in and sees it in
// their history; the manager adds a stakeholder and a success statement to the evaluation plan and
// finds the scorecards (and the suppressed staff wellbeing section) in the report; a link worker
// records a quote and the manager reviews its anonymised text and approves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(120); });
after(async () => demo?.stop());

test('a link worker checks in about their own wellbeing', async () => {
  const page = await signIn(demo, 'Link worker');
  await page.goto(`${demo.base}/wellbeing`);
  await page.waitForSelector('h1:has-text("My wellbeing check-in")');
  await checkAccessibility(page, 'wellbeing check-in');
  const before = await page.$$('table tbody tr');
  // Submitting with nothing answered shows every problem, accessibly.
  await page.click('button:has-text("Save my check-in")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(page, 'wellbeing check-in with errors');
  for (let i = 1; i <= 7; i++) await page.check(`#item_${i}-4`);
  await page.check('#job_satisfaction-4');
  await page.check('#caseload_pressure-3');
  await page.check('#supervision');
  await page.click('button:has-text("Save my check-in")');
  await page.waitForSelector('text=Check-in saved');
  await checkAccessibility(page, 'wellbeing check-in saved');
  const after = await page.$$('table tbody tr');
  assert.equal(after.length, before.length + 1, 'the new check-in is in the history');
  assert.ok(await page.isVisible('td:has-text("25.03")'), 'all answers 4: raw 28, metric 25.03');
});

test('the manager adds to the stakeholder evaluation plan and reads the scorecards', async () => {
  const page = await signIn(demo, 'Service manager');
  await page.goto(`${demo.base}/stakeholders`);
  await page.waitForSelector('h1:has-text("Stakeholder evaluation plan")');
  await checkAccessibility(page, 'stakeholder evaluation plan');
  assert.ok(await page.isVisible('text=We feel well at work'), 'the demo plan is listed');
  await page.check('input[name=kind][value=other]');
  await page.fill('#name', 'Riverside Library');
  await page.click('button:has-text("Add stakeholder")');
  await page.waitForSelector('h1:has-text("Riverside Library")');
  await checkAccessibility(page, 'a stakeholder');
  await page.fill('#statement', 'People are seen quickly');
  await page.selectOption('#indicator', 'waiting.median_days');
  await page.check('input[name=comparison][value=at_most]');
  await page.fill('#target', '21');
  await page.click('button:has-text("Add success statement")');
  await page.waitForSelector('text=Success statement added');
  await checkAccessibility(page, 'a stakeholder with a statement');
  assert.ok(await page.isVisible('td:has-text("at most 21")'));

  await page.goto(`${demo.base}/report`);
  await page.waitForSelector('h2:has-text("Stakeholder scorecards")');
  await checkAccessibility(page, 'report with scorecards');
  assert.ok(await page.isVisible('h3:has-text("Riverside Library")'));
  assert.ok(await page.isVisible('text=too few link workers to report without identifying them'));
});

test('a quote is recorded, anonymised, approved and published', async () => {
  const lw = await signIn(demo, 'Link worker');
  await lw.goto(`${demo.base}/evidence/new`);
  await checkAccessibility(lw, 'record evidence');
  await lw.check('input[name=kind][value=quote]');
  await lw.fill('#title', 'On the allotment');
  await lw.fill('#text', 'Call me on 07700 900999: the allotment gave me a reason to get up.');
  await lw.check('input[name=outcome_domains][value=person]');
  await lw.check('input[name=consent_by][value=person]');
  await lw.check('input[name=consent_use][value=in_reports]');
  await lw.click('button:has-text("Save evidence")');
  await lw.waitForSelector('text=Evidence recorded');
  await checkAccessibility(lw, 'evidence list');

  const manager = await signIn(demo, 'Service manager');
  await manager.goto(`${demo.base}/evidence`);
  await manager.click('a:has-text("On the allotment")');
  await manager.waitForSelector('h2:has-text("Review the anonymised text")');
  await checkAccessibility(manager, 'evidence review');
  assert.equal(await manager.inputValue('#approved_text'), 'Call me on [phone number]: the allotment gave me a reason to get up.');
  await manager.click('button:has-text("Approve for publication")');
  await manager.waitForSelector('text=Approved for publication');
  await manager.goto(`${demo.base}/report`);
  await manager.waitForSelector('h2:has-text("What people told us")');
  assert.ok(await manager.isVisible('text=the allotment gave me a reason to get up'));
  assert.ok(await manager.isVisible('text=Case study: from isolation to volunteering (fictional)'));
});
