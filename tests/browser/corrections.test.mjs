// Issue 12's "one click, no way back" and "discharge loses outcomes", in headless Chromium against
// `linkwork demo`, with axe-core on every page: declining asks first (cancel, then confirm) and
// is reopened; a partner gives the real date of a change and undoes it; discharge walks through
// a closing measure and a goal review, refuses "Goals met" with no goal met, and a measure is
// entered late after discharge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn as signInTo, fillDate } from './support.mjs';

let demo;
before(async () => {
  demo = await startDemo();
});
after(async () => demo?.stop());
const signIn = (role, org) => signInTo(demo, role, org);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "3 November 2026" as "2026-11-03". */
const isoOf = (long) => {
  const [day, month, year] = long.trim().split(/\s+/);
  return `${year}-${String(MONTHS.indexOf(month) + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
};

test('a link worker declines a referral only after confirming, cancels once, and reopens it', async () => {
  const lw = await signIn('Link worker');
  await lw.goto(`${demo.base}/triage`);
  await checkAccessibility(lw, 'triage');
  const href = await lw.getAttribute('table:has(caption:has-text("most urgent first")) tbody tr:first-child a', 'href');
  assert.ok(href, 'the demo has a new referral to triage');
  await lw.goto(`${demo.base}${href}`);
  await checkAccessibility(lw, 'record in triage');
  assert.equal(await lw.inputValue('#decline_reason'), '', 'no reason is chosen');

  // No reason: the confirmation page says so.
  await lw.click('button:has-text("Decline referral")');
  await lw.waitForSelector('.nhsuk-error-summary');
  assert.match(await lw.textContent('.nhsuk-error-summary'), /Select why the referral is declined/);
  await checkAccessibility(lw, 'decline confirmation with an error');

  // A reason, then Cancel: nothing changes.
  await lw.goto(`${demo.base}${href}`);
  await lw.selectOption('#decline_reason', 'not_eligible');
  await lw.click('button:has-text("Decline referral")');
  await lw.waitForSelector('text=What will happen');
  assert.match(await lw.textContent('#what-will-happen'), /leaves triage/);
  await checkAccessibility(lw, 'decline confirmation');
  await lw.click('a:has-text("Cancel")');
  await lw.waitForSelector('button:has-text("Accept referral")');
  await checkAccessibility(lw, 'record after cancelling');

  // Confirmed: declined, and it can be reopened with a reason.
  await lw.selectOption('#decline_reason', 'not_eligible');
  await lw.click('button:has-text("Decline referral")');
  await lw.waitForSelector('text=What will happen');
  await lw.click('button.nhsuk-button--warning');
  await lw.waitForSelector('text=Referral declined');
  await checkAccessibility(lw, 'record (declined)');
  await lw.click('a:has-text("Reopen referral")');
  await checkAccessibility(lw, 'reopen form');
  await lw.click('button:has-text("Reopen referral")');
  await lw.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(lw, 'reopen form with an error');
  await lw.fill('#reopen_reason', 'Declined on the wrong record');
  await lw.click('button:has-text("Reopen referral")');
  await lw.waitForSelector('text=Referral reopened');
  assert.match(await lw.textContent('#reopenings'), /Declined on the wrong record/);
  assert.ok(await lw.locator('button:has-text("Accept referral")').count(), 'back in triage');
  await checkAccessibility(lw, 'record (reopened)');
  await lw.context().close();
});

test('a partner records a change with its real date and undoes it', async () => {
  const partner = await signIn('VCSE partner');
  await checkAccessibility(partner, 'partner referrals');
  const waiting = partner.locator('tr:has-text("Waiting for a response") a').first();
  assert.ok(await waiting.count(), 'the demo has a referral waiting for this partner');
  await waiting.click();
  await checkAccessibility(partner, 'partner referral');
  // The day it was sent: in the past, and the earliest day the answer can have.
  const sentText = await partner.textContent('dl div:has(dt:has-text("Sent")) dd');
  const sent = isoOf(sentText);
  await fillDate(partner, 'happened_on', sent);
  await partner.click('button:has-text("Accept referral")');
  await partner.waitForSelector('text=Referral accepted');
  assert.match(await partner.textContent('dl div:has(dt:has-text("Answered")) dd'), new RegExp(sentText.trim()));
  await checkAccessibility(partner, 'partner referral (accepted)');
  await partner.click('button:has-text("Undo")');
  await partner.waitForSelector('text=Change undone');
  assert.match(await partner.textContent('main'), /Undone: recorded by mistake/);
  assert.ok(await partner.locator('button:has-text("Accept referral")').count(), 'waiting for an answer again');
  await checkAccessibility(partner, 'partner referral (undone)');
  await partner.context().close();
});

test('discharge walks through a closing measure and the goal review, refuses Goals met without a goal met, and takes a late measure', async () => {
  const lw = await signIn('Link worker');
  await lw.goto(`${demo.base}/referrals/new`);
  await lw.fill('#nhs_number', '400 000 0004');
  await lw.fill('#given_name', 'Winifred');
  await lw.fill('#family_name', 'Walkthrough');
  await fillDate(lw, 'date_of_birth', '1950-03-04');
  await lw.check('input[name=sex][value="2"]');
  await lw.selectOption('#ethnicity', 'A');
  await lw.fill('#postcode', 'LS6 2AB');
  await lw.fill('#mobile', '07700 900412');
  await lw.selectOption('#practice_id', await lw.$eval('#practice_id option:nth-child(2)', (o) => o.value));
  await lw.fill('#referrer_name', 'Dr Shah');
  await lw.fill('#reason', 'Lonely since moving');
  await lw.check('input[name=needs][value=loneliness]');
  await lw.check('#consent');
  await lw.click('button:has-text("Save referral")');
  await lw.waitForSelector('text=Referral recorded');
  const record = lw.url().split('?')[0];
  await lw.click('button:has-text("Accept referral")');
  await lw.waitForSelector('text=Referral accepted onto the caseload');
  await lw.click('a:has-text("what matters to you")');
  await lw.fill('#what_matters', 'Meeting people');
  await lw.check('input[name=needs][value=loneliness]');
  await lw.fill('#goal_0', 'Join the Tuesday walk');
  await lw.click('button:has-text("Save conversation and plan")');
  await lw.waitForSelector('text=Conversation and plan saved');
  await lw.click('a:has-text("Log a contact")');
  await lw.check('input[name=mode][value=face_to_face]');
  await lw.fill('#minutes', '30');
  await lw.check('input[name=accompanied][value=no]');
  await lw.click('button:has-text("Save contact")');
  await lw.waitForSelector('text=Contact saved');

  // The walk-through lists the closing measures; SWEMWBS is recorded from it and comes back.
  await lw.click('a:has-text("Discharge")');
  await lw.waitForSelector('text=1. Closing measures');
  await checkAccessibility(lw, 'discharge walk-through');
  await lw.click('a:has-text("Record SWEMWBS at discharge")');
  assert.ok(await lw.isChecked('input[name=timepoint][value=discharge]'), 'the timepoint is chosen');
  for (let i = 1; i <= 7; i++) await lw.check(`input[name=item_${i}][value="4"]`);
  await checkAccessibility(lw, 'closing SWEMWBS');
  await lw.click('button:has-text("Save answers")');
  await lw.waitForSelector('text=Recorded at discharge: SWEMWBS');
  assert.equal(await lw.locator('input[name=not_taken_swemwbs]').count(), 0, 'SWEMWBS is done');

  // ONS4 not taken; the goal not achieved; "Goals met" is refused.
  await lw.check('input[name=not_taken_ons4][value=declined]');
  const goal = await lw.$eval('input[name^=goal_]', (i) => i.name);
  await lw.check(`input[name="${goal}"][value=not_achieved]`);
  await lw.check('input[name=discharge_reason][value=goals_met]');
  await lw.click('button:has-text("Continue")');
  await lw.waitForSelector('.nhsuk-error-summary');
  assert.match(await lw.textContent('.nhsuk-error-summary'), /Goals met.*needs at least one goal achieved or partly achieved/);
  await checkAccessibility(lw, 'discharge refused');

  // Partly achieved agrees with "Goals met": checked, then confirmed.
  await lw.check(`input[name="${goal}"][value=partly_achieved]`);
  await lw.click('button:has-text("Continue")');
  await lw.waitForSelector('text=Check and confirm the discharge');
  assert.match(await lw.textContent('main'), /Partly achieved/);
  await checkAccessibility(lw, 'discharge check page');
  await lw.click('button.nhsuk-button--warning');
  await lw.waitForSelector('text=Person discharged');
  assert.match(await lw.textContent('#not-taken'), /ONS4 at discharge: not taken \(the person declined\)/);
  await checkAccessibility(lw, 'record (discharged)');

  // A late ONS4 after discharge, marked as such.
  await lw.click('a:has-text("Enter a late ONS4 (at discharge)")');
  for (let i = 1; i <= 4; i++) await lw.check(`input[name=item_${i}][value="6"]`);
  await checkAccessibility(lw, 'late ONS4');
  await lw.click('button:has-text("Save answers")');
  await lw.waitForSelector('text=Measure saved');
  assert.match(await lw.textContent('main'), /At discharge \(entered late\)/);
  await checkAccessibility(lw, 'record with a late measure');
  assert.equal(new URL(lw.url()).pathname, new URL(record).pathname);
  await lw.context().close();
});
