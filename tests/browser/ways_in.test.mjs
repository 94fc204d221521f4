// Every way a referral comes in, through the real UI in headless Chromium, with axe-core on every
// page: the public self-referral form, a VCSE partner's form, GP practice staff's form, and a link
// worker triaging what arrived. Then the team's day: team caseloads, MDT, search and timeline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn, fillDate } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => demo?.stop());

test('a member of the public refers themselves and a link worker takes them on at triage', async () => {
  const context = await demo.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.base}/self-referral`);
  await checkAccessibility(page, 'self-referral form');
  await page.click('button:has-text("Send referral")');
  await page.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(page, 'self-referral form with errors');
  await page.fill('#given_name', 'Rosa');
  await page.fill('#family_name', 'Mendes');
  await page.fill('#phone', '07700 900123');
  await page.fill('#reason', 'Since my husband died I hardly leave the house');
  await page.check('input[name=needs][value=bereavement]');
  await page.check('#consent');
  await page.click('button:has-text("Send referral")');
  await page.waitForSelector('text=Referral sent');
  const reference = await page.textContent('#reference');
  assert.match(reference, /^LW-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await checkAccessibility(page, 'self-referral sent');
  await context.close();

  const lw = await signIn(demo, 'Link worker');
  await lw.click('a.nhsuk-header__navigation-link:has-text("Triage")');
  await checkAccessibility(lw, 'triage');
  await lw.click('a:has-text("Rosa Mendes")');
  await checkAccessibility(lw, 'incoming referral');
  await lw.fill('#nhs_number', '943 476 5919');
  await fillDate(lw, 'date_of_birth', '1949-03-02');
  await lw.check('input[name=sex][value="2"]');
  await lw.selectOption('#ethnicity', 'C');
  await lw.fill('#postcode', 'LS6 1AA');
  const practice = await lw.$eval('#practice_id option:nth-child(2)', (o) => o.value);
  await lw.selectOption('#practice_id', practice);
  await lw.click('button:has-text("Take on as a referral")');
  await lw.waitForSelector('text=Referral recorded');
  assert.match(await lw.textContent('main'), /Self-referral/);
  // Log an attempt to reach her, as triage does.
  await lw.click('a:has-text("Log a contact attempt")');
  await checkAccessibility(lw, 'contact attempt form');
  await lw.check('input[name=mode][value=phone]');
  await lw.check('input[name=outcome][value=left_message]');
  await lw.click('button:has-text("Save attempt")');
  await lw.waitForSelector('text=Contact attempt saved');
  await checkAccessibility(lw, 'record with attempts');
  await lw.context().close();
});

test('a VCSE partner refers someone in two minutes and follows its status', async () => {
  const partner = await signIn(demo, 'VCSE partner');
  await partner.click('a.nhsuk-header__navigation-link:has-text("Refer someone")');
  await checkAccessibility(partner, 'partner referral form');
  await partner.fill('#given_name', 'Tomasz');
  await partner.fill('#family_name', 'Nowak');
  await partner.fill('#email', 'tomasz@example.org');
  await partner.fill('#reason', 'Struggling with debts after losing his job');
  await partner.check('input[name=needs][value=money]');
  await partner.check('#consent');
  await partner.click('button:has-text("Send referral")');
  await partner.waitForSelector('text=Referral sent');
  await partner.click('a.nhsuk-header__navigation-link:has-text("Referrals to us")');
  assert.match(await partner.textContent('main'), /Tomasz Nowak[\s\S]*Waiting for triage/);
  await checkAccessibility(partner, 'partner referrals with own referrals');
  await partner.context().close();
});

test('GP practice staff refer a patient and see only its status', async () => {
  const practice = await signIn(demo, 'GP practice staff');
  assert.match(new URL(practice.url()).pathname, /\/practice\/referrals$/);
  await checkAccessibility(practice, 'practice referrals');
  await practice.click('a.nhsuk-button:has-text("Refer someone")');
  await checkAccessibility(practice, 'practice referral form');
  await practice.fill('#nhs_number', '943 476 5870');
  await practice.fill('#given_name', 'Olu');
  await practice.fill('#family_name', 'Adebayo');
  await fillDate(practice, 'date_of_birth', '1961-11-30');
  await practice.check('input[name=sex][value="1"]');
  await practice.selectOption('#ethnicity', 'N');
  await practice.fill('#postcode', 'LS7 3QB');
  await practice.fill('#mobile', '07700 900123');
  await practice.fill('#referrer_name', 'Dr K Osei');
  await practice.fill('#reason', 'Type 2 diabetes, inactive, wants to get moving');
  await practice.check('input[name=needs][value=physical_activity]');
  await practice.check('#consent');
  await practice.click('button:has-text("Save referral")');
  await practice.waitForSelector('text=Referral recorded');
  assert.match(await practice.textContent('main'), /Olu Adebayo[\s\S]*New/);
  assert.equal(await practice.locator('text=943 476 5870').count(), 0, 'no record details, only status');
  await practice.context().close();
});

test("the team's day: caseload flags, team caseloads, an MDT meeting, search and timeline", async () => {
  const manager = await signIn(demo, 'Service manager');
  assert.match(await manager.textContent('main'), /Overdue|Due|On track/);
  await checkAccessibility(manager, 'caseloads with flags');
  await manager.click('a.nhsuk-header__navigation-link:has-text("Team")');
  await manager.waitForSelector('svg[role=img]');
  await checkAccessibility(manager, 'team caseloads');
  await manager.goto(`${demo.base}/caseload?status=accepted`);
  const someone = (await manager.textContent('tbody tr:first-child td:first-child a')).trim();
  await manager.goto(`${demo.base}/mdt`);
  await manager.click('a:has-text("Record an MDT meeting")');
  await checkAccessibility(manager, 'MDT form');
  await manager.check('input[name=attendees][value=gp]');
  await manager.fill('#notes', 'Agreed joint visit with the social worker');
  // People are found by search (a name from the team's caseload), then added.
  await manager.fill('#find', someone);
  await manager.click('button:has-text("Search")');
  await manager.waitForSelector('.lw-mdt-found');
  await manager.click('.lw-mdt-found button:has-text("Add") >> nth=0');
  await manager.waitForSelector('.lw-mdt-selected li');
  await manager.click('button:has-text("Save meeting")');
  await manager.waitForSelector('text=MDT meeting saved');
  await checkAccessibility(manager, 'MDT list');
  await manager.goto(`${demo.base}/people`);
  await manager.fill('#name', 'a');
  await manager.click('button:has-text("Search")');
  await manager.waitForSelector('text=found');
  await checkAccessibility(manager, 'search results');
  await manager.click('table a >> nth=0');
  await manager.waitForSelector('text=timeline');
  assert.match(await manager.textContent('main'), /Referred/);
  await checkAccessibility(manager, 'timeline');
  await manager.context().close();
});
