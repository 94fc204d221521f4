// Issue 5's measurement in headless Chromium against `linkwork demo`, with axe-core on every page:
// the "Measures due" list, self-completion on the link worker's device (errors, thank-you page,
// back to the record), the discharge form's needs, and the manager's measurement schedule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn as signInTo, completeDischarge } from './support.mjs';

let demo;
before(async () => {
  demo = await startDemo();
});
after(async () => demo?.stop());
const signIn = (role, org) => signInTo(demo, role, org);

test('a link worker sees measures due, hands the device over for SWEMWBS, and discharges with needs', async () => {
  const lw = await signIn('Link worker');
  await lw.click('a:has-text("Measures due")');
  assert.match(await lw.textContent('h1'), /Measures due/);
  await checkAccessibility(lw, 'measures due');
  const rows = await lw.$$('tbody tr');
  assert.ok(rows.length > 0, 'the demo caseload has measures due');
  // The entry link goes straight to the questionnaire.
  const entry = await lw.getAttribute('tbody tr:first-child a:has-text("Record")', 'href');
  assert.match(entry, /\/measures\/new\?instrument=/);
  await lw.goto(`${demo.base}${entry}`);
  await checkAccessibility(lw, 'entry form from measures due');

  // The person's record, then the self-completion page.
  const recordHref = entry.split('/measures/')[0];
  await lw.goto(`${demo.base}${recordHref}`);
  await lw.click('a:has-text("Hand the device to the person")');
  await checkAccessibility(lw, 'choose a questionnaire to hand over');
  await lw.click('a:has-text("Open SWEMWBS")');
  await lw.waitForSelector('text=please answer these questions');
  assert.equal(await lw.$('.nhsuk-header__navigation'), null, 'no menu on the person’s page');
  assert.equal(await lw.$(`a[href="${recordHref}"]`), null, 'no link to the record');
  assert.deepEqual(await lw.$$eval('a[href]', (links) => links.map((l) => l.getAttribute('href')).filter((h) => !h.startsWith('#'))), [], 'no links out of the questionnaire');
  await checkAccessibility(lw, 'self-completion');

  // Two questions left out: both named, in plain words.
  for (let i = 1; i <= 5; i++) await lw.check(`input[name=item_${i}][value="3"]`);
  await lw.click('button:has-text("Send my answers")');
  await lw.waitForSelector('.nhsuk-error-summary');
  const summary = await lw.textContent('.nhsuk-error-summary');
  assert.match(summary, /Answer question 6/);
  assert.match(summary, /Answer question 7/);
  await checkAccessibility(lw, 'self-completion with errors');
  await lw.check('input[name=item_6][value="4"]');
  await lw.check('input[name=item_7][value="4"]');
  await lw.click('button:has-text("Send my answers")');
  await lw.waitForSelector('text=Please hand the device back');
  await checkAccessibility(lw, 'thank you');
  await lw.click('a:has-text("Continue to the record")');
  await lw.waitForSelector('text=Measure saved');

  // Discharge asks what happened with each need.
  await lw.click('a:has-text("Discharge")');
  await checkAccessibility(lw, 'discharge form with needs');
  const needFields = await lw.$$eval('input[name^=resolution_]', (inputs) => [...new Set(inputs.map((i) => i.name))]);
  assert.ok(needFields.length > 0, 'one question per need');
  await lw.check(`input[name=${needFields[0]}][value=resolved]`);
  await completeDischarge(lw, { reason: 'other', outcome: 'achieved' });
  await lw.waitForSelector('text=Person discharged');
  await lw.context().close();
});

test('a manager changes the measurement schedule', async () => {
  const manager = await signIn('Service manager');
  await manager.goto(`${demo.base}/measures/due`);
  assert.match(await manager.textContent('h1'), /Measures due in the team/);
  await checkAccessibility(manager, 'measures due (team)');
  await manager.click('a:has-text("Change the measurement schedule")');
  await checkAccessibility(manager, 'measurement schedule');
  await manager.fill('#months', '3, 3');
  await manager.click('button:has-text("Save schedule")');
  await manager.waitForSelector('.nhsuk-error-summary');
  assert.match(await manager.textContent('.nhsuk-error-summary'), /Month 3 is listed more than once/);
  await checkAccessibility(manager, 'measurement schedule with errors');
  await manager.fill('#months', '3, 6, 12');
  await manager.click('button:has-text("Save schedule")');
  await manager.waitForSelector('text=Measurement schedule saved');
  await manager.context().close();
});

test('the evaluation report shows needs resolved by discharge, with a chart and a table', async () => {
  const commissioner = await signIn('Commissioner or analyst');
  await commissioner.click('a:has-text("Open the evaluation report")');
  await commissioner.waitForSelector('#lw-report-sdoh');
  assert.match(await commissioner.textContent('#lw-report-sdoh'), /Needs resolved by discharge/);
  assert.ok(await commissioner.$('#lw-chart-sdoh-title'), 'the stacked bar chart');
  assert.match(await commissioner.textContent('#lw-report-custom-outcomes ~ *, section[aria-labelledby=lw-report-custom-outcomes]'), /Confidence to manage my health/);
  assert.match(await commissioner.textContent('section[aria-labelledby=lw-report-sdoh] caption'), /What happened with each need/);
  await checkAccessibility(commissioner, 'evaluation report with needs section');
  await commissioner.context().close();
});

test('a manager defines a questionnaire and a link worker records it', async () => {
  const manager = await signIn('Service manager');
  await manager.goto(`${demo.base}/measures/instruments`);
  assert.match(await manager.textContent('main'), /Confidence to manage my health/);
  await checkAccessibility(manager, 'our own questionnaires');
  await manager.click('a:has-text("Define a questionnaire")');
  await checkAccessibility(manager, 'define a questionnaire');
  await manager.fill('#name', 'Feeling connected');
  await manager.fill('#licence', 'Our own');
  await manager.fill('#answers', '0: Never; 1: Sometimes; 2: Often');
  await manager.fill('#threshold', '0');
  await manager.click('button:has-text("Save questionnaire")');
  await manager.waitForSelector('.nhsuk-error-summary');
  assert.match(await manager.textContent('.nhsuk-error-summary'), /Enter at least one question/);
  await checkAccessibility(manager, 'define a questionnaire with errors');
  await manager.fill('#items', 'I have people to talk to\nI feel part of my community');
  await manager.fill('#threshold', '1');
  await manager.click('button:has-text("Save questionnaire")');
  await manager.waitForSelector('text=Questionnaire saved');
  await manager.context().close();

  const lw = await signIn('Link worker');
  await lw.click('a:has-text("Measures due")');
  const entry = await lw.getAttribute('tbody tr:first-child a:has-text("Record")', 'href');
  await lw.goto(`${demo.base}${entry.split('/measures/')[0]}`);
  await lw.click('a:has-text("Record one of our own questionnaires")');
  await checkAccessibility(lw, 'choose one of our own questionnaires');
  await lw.click('a:has-text("Record Feeling connected")');
  await checkAccessibility(lw, 'own questionnaire form');
  await lw.check('input[name=timepoint][value=baseline]');
  await lw.check('input[name=item_1][value="1"]');
  await lw.click('button:has-text("Save answers")');
  await lw.waitForSelector('.nhsuk-error-summary');
  assert.match(await lw.textContent('.nhsuk-error-summary'), /Answer question 2/);
  await checkAccessibility(lw, 'own questionnaire form with errors');
  await lw.check('input[name=item_2][value="2"]');
  await lw.click('button:has-text("Save answers")');
  await lw.waitForSelector('text=Measure saved');
  await lw.context().close();
});
