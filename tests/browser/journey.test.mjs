// The real user journeys in headless Chromium (Debian's package), against `linkwork demo`, with
// every page checked by axe-core for WCAG 2.2 AA problems.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn as signInTo, fillDate, completeDischarge } from './support.mjs';

let demo, base, logins;
before(async () => {
  demo = await startDemo();
  ({ base, logins } = demo);
});
after(async () => demo?.stop());
const signIn = (role, org) => signInTo(demo, role, org);

test('a link worker takes a person from referral to discharge, a partner answers, a commissioner reads the report', async () => {
  const lw = await signIn('Link worker');
  assert.match(new URL(lw.url()).pathname, /\/today$/, 'a link worker starts the day on Today');
  await lw.click('a.nhsuk-header__navigation-link:has-text("Caseload")');
  await checkAccessibility(lw, 'caseload');

  // A new referral: first with mistakes, which are listed and kept out of the record.
  await lw.click('a:has-text("Record a new referral")');
  await lw.fill('#nhs_number', '943 476 5918');
  await lw.click('button:has-text("Save referral")');
  await lw.waitForSelector('.nhsuk-error-summary');
  assert.match(await lw.textContent('.nhsuk-error-summary'), /not a valid NHS number/);
  await checkAccessibility(lw, 'new referral with errors');
  await lw.fill('#nhs_number', '943 476 5919');
  await lw.fill('#given_name', 'Margaret');
  await lw.fill('#family_name', 'Okafor');
  await fillDate(lw, 'date_of_birth', '1946-07-19');
  await lw.check('input[name=sex][value="2"]');
  await lw.selectOption('#ethnicity', 'N');
  await lw.fill('#postcode', 'ls6 2ab');
  await lw.fill('#mobile', '07700 900123');
  const practice = await lw.$eval('#practice_id option:nth-child(2)', (o) => o.value);
  await lw.selectOption('#practice_id', practice);
  await lw.fill('#referrer_name', 'Dr R Shah');
  await lw.fill('#reason', 'Lonely since her husband died; not going out');
  await lw.check('input[name=needs][value=loneliness]');
  await lw.check('input[name=needs][value=bereavement]');
  await lw.check('#consent');
  await lw.click('button:has-text("Save referral")');
  await lw.waitForSelector('text=Referral recorded');
  assert.match(await lw.textContent('h1'), /Margaret Okafor/);
  await checkAccessibility(lw, 'record (new)');
  const record = lw.url().split('?')[0];

  await lw.click('button:has-text("Accept referral")');
  await lw.waitForSelector('text=Referral accepted onto the caseload');

  await lw.click('a:has-text("what matters to you")');
  await checkAccessibility(lw, 'conversation form');
  await lw.fill('#what_matters', 'Getting out of the house and meeting people who understand');
  await lw.check('input[name=needs][value=loneliness]');
  await lw.fill('#goal_0', 'Go to a bereavement café once a week');
  await lw.click('button:has-text("Save conversation and plan")');
  await lw.waitForSelector('text=Conversation and plan saved');

  await lw.click('a:has-text("Log a contact")');
  await checkAccessibility(lw, 'contact form');
  await lw.check('input[name=mode][value=face_to_face]');
  await lw.fill('#minutes', '50');
  await lw.check('input[name=accompanied][value=yes]');
  await lw.click('button:has-text("Save contact")');
  await lw.waitForSelector('text=Contact saved');

  const measure = async (linkText, timepoint, value, count) => {
    await lw.goto(record);
    await lw.click(`a:has-text("${linkText}")`);
    await lw.check(`input[name=timepoint][value=${timepoint}]`);
    for (let i = 1; i <= count; i++) await lw.check(`input[name=item_${i}][value="${value}"]`);
    await checkAccessibility(lw, `${linkText} form`);
    await lw.click('button:has-text("Save answers")');
    await lw.waitForSelector('text=Measure saved');
  };
  await measure('Record SWEMWBS', 'baseline', 2, 7);
  await measure('Record ONS4', 'baseline', 4, 4);

  // Refer onward to a service whose organisation has a partner login.
  const partners = logins.filter((l) => l.role === 'VCSE partner');
  await lw.click('a:has-text("Refer to a community service")');
  await checkAccessibility(lw, 'onward referral form');
  const labels = await lw.$$eval('input[name=service_id]', (inputs) => inputs.map((i) => ({ id: i.id, label: document.querySelector(`label[for="${i.id}"]`).textContent })));
  const choice = labels.find((l) => partners.some((p) => l.label.includes(`(${p.org})`)));
  assert.ok(choice, 'a service run by a partner with a login');
  const partnerOrg = partners.find((p) => choice.label.includes(`(${p.org})`)).org;
  await lw.check(`[id="${choice.id}"]`);
  await lw.fill('#note', 'Prefers mornings');
  await lw.check('#share_consent');
  await lw.click('button:has-text("Send referral")');
  await lw.waitForSelector('text=Referral sent to the service');

  await measure('Record SWEMWBS', 'follow_up', 4, 7);
  await lw.click('a:has-text("Discharge")');
  await checkAccessibility(lw, 'discharge form');
  await lw.fill('#summary', 'Goes to the café weekly and has made friends');
  await completeDischarge(lw, { reason: 'goals_met', outcome: 'achieved' });
  await lw.waitForSelector('text=Person discharged');
  await checkAccessibility(lw, 'record (discharged)');
  await lw.click('button:has-text("Sign out")');
  await lw.context().close();

  // The partner sees only their organisation's referrals, accepts and marks attended.
  const partner = await signIn('VCSE partner', partnerOrg);
  assert.match(new URL(partner.url()).pathname, /\/partner\/referrals$/);
  await checkAccessibility(partner, 'partner referrals');
  assert.equal(await partner.locator('text=943 476 5919').count(), 0, 'no NHS number for partners');
  await partner.click('a:has-text("Margaret Okafor")');
  await checkAccessibility(partner, 'partner referral');
  await partner.click('button:has-text("Accept referral")');
  await partner.waitForSelector('text=Referral accepted');
  await partner.click('button:has-text("Mark as attended")');
  await partner.waitForSelector('text=Marked as attended');
  // Decline another waiting referral with a reason, if there is one.
  await partner.goto(`${base}/partner/referrals`);
  const waiting = partner.locator('tr:has-text("Waiting for a response") a').first();
  if (await waiting.count()) {
    await waiting.click();
    await partner.check('input[name=decline_reason][value=no_capacity]');
    await partner.click('button:has-text("Decline referral")');
    await partner.waitForSelector('text=Referral declined');
  }
  // A person's record is not theirs to see.
  const denied = await partner.goto(record);
  assert.equal(denied.status(), 403);
  await partner.context().close();

  // The commissioner sees aggregates only.
  const commissioner = await signIn('Commissioner or analyst');
  assert.match(new URL(commissioner.url()).pathname, /\/dashboard$/);
  await checkAccessibility(commissioner, 'dashboard');
  await commissioner.click('a:has-text("Open the evaluation report")');
  await commissioner.waitForSelector('svg[role=img]');
  assert.match(await commissioner.textContent('main'), /SWEMWBS/);
  await checkAccessibility(commissioner, 'evaluation report');
  assert.equal((await commissioner.goto(record)).status(), 403);
  await commissioner.context().close();
});
