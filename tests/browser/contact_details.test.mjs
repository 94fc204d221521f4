// Reaching the person (issue 12), in headless Chromium with axe-core on every page: a link worker
// records how to reach someone with a new referral, sees it at the top of the record and changes
// it; a partner sees it only while the person agrees to share with them; and the public
// self-referral page says who the service is for, where to get urgent help, autocompletes, and
// says how to contact the service with the reference.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn, fillDate } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => demo?.stop());

/** The record of the referral the first test made (the next test sends it on). */
let record;

test('a link worker records how to reach someone, sees it on the record and changes it', async () => {
  const lw = await signIn(demo, 'Link worker');
  await lw.click('a.nhsuk-header__navigation-link:has-text("New referral")');
  await lw.fill('#nhs_number', '943 476 5919');
  await lw.fill('#given_name', 'Nia');
  await lw.fill('#family_name', 'Contactable');
  await fillDate(lw, 'date_of_birth', '1952-05-17');
  await lw.check('input[name=sex][value="2"]');
  await lw.selectOption('#ethnicity', 'M');
  await lw.fill('#postcode', 'LS6 1AA');
  const practice = await lw.$eval('#practice_id option:nth-child(2)', (o) => o.value);
  await lw.selectOption('#practice_id', practice);
  await lw.fill('#referrer_name', 'Dr K Osei');
  await lw.fill('#reason', 'Housebound since a fall, wants company');
  await lw.check('input[name=needs][value=loneliness]');
  await lw.check('#consent');
  // No way to reach her: a clear message, nothing saved.
  await lw.click('button:has-text("Save referral")');
  await lw.waitForSelector('.nhsuk-error-summary');
  assert.match(await lw.textContent('.nhsuk-error-summary'), /Enter at least one way to contact the person/);
  await checkAccessibility(lw, 'new referral without contact details');
  await lw.fill('#mobile', '07700 900 982');
  await lw.fill('#email', 'nia@example.org');
  await lw.fill('#address_line_1', '3 Canal Side');
  await lw.fill('#town', 'Riverside');
  await lw.check('input[name=preferred_contact][value=text]');
  await lw.fill('#best_times', 'Weekday mornings');
  await lw.check('input[name=leave_message][value=no]');
  await checkAccessibility(lw, 'new referral with contact details');
  await lw.click('button:has-text("Save referral")');
  await lw.waitForSelector('text=Referral recorded');
  record = lw.url().split('?')[0];
  const top = await lw.textContent('#contact-details + dl');
  for (const shown of ['Text message', '07700 900982', 'nia@example.org', '3 Canal Side, Riverside, LS6 1AA', 'Weekday mornings', 'Do not leave a message']) {
    assert.ok(top.includes(shown), `${shown} on the record: ${top}`);
  }
  await checkAccessibility(lw, 'record with contact details');

  // She has a new mobile.
  await lw.click('a:has-text("Change contact details")');
  await lw.waitForSelector('h1:has-text("How to contact them")');
  assert.equal(await lw.inputValue('#mobile'), '07700 900982');
  await checkAccessibility(lw, 'change contact details');
  await lw.fill('#mobile', 'not a number');
  await lw.click('button:has-text("Save contact details")');
  await lw.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(lw, 'change contact details with errors');
  await lw.fill('#mobile', '07700 900 321');
  await lw.click('button:has-text("Save contact details")');
  await lw.waitForSelector('text=Contact details saved');
  assert.match(await lw.textContent('#contact-details + dl'), /07700 900321/);
  // The timeline shows them too, and keeps the change with who made it.
  await lw.click('a:has-text("whole timeline")');
  assert.match(await lw.textContent('main'), /07700 900321[\s\S]*Mobile phone[\s\S]*07700 900982[\s\S]*07700 900321[\s\S]*Contact details changed by a link worker/);
  await checkAccessibility(lw, 'timeline with contact details');
  await lw.context().close();
});

test('a partner sees how to reach the person only while the person agrees to share with them', async () => {
  assert.ok(record, 'the first test made a referral');
  const lw = await signIn(demo, 'Link worker');
  await lw.goto(record);
  await lw.click('button:has-text("Accept referral")');
  await lw.waitForSelector('text=Referral accepted');
  await lw.click('a:has-text("Refer to a community service")');
  // Any service run by a partner with a login will do, whatever need it meets.
  await lw.selectOption('#need', 'any');
  await lw.click('button:has-text("Search services")');
  const partners = demo.logins.filter((l) => l.role === 'VCSE partner');
  const labels = await lw.$$eval('input[name=service_id]', (inputs) => inputs.map((i) => ({ id: i.id, label: document.querySelector(`label[for="${i.id}"]`).textContent })));
  const choice = labels.find((l) => partners.some((p) => l.label.includes(`(${p.org})`)));
  assert.ok(choice, 'a service run by a partner with a login');
  const partnerOrg = partners.find((p) => choice.label.includes(`(${p.org})`)).org;
  await lw.check(`[id="${choice.id}"]`);
  await lw.check('#share_consent');
  await lw.click('button:has-text("Send referral")');
  await lw.waitForSelector('text=Referral sent to the service');

  // With her consent, the partner can text her.
  const partner = await signIn(demo, 'VCSE partner', partnerOrg);
  await partner.click('a:has-text("Nia Contactable")');
  const partnerPage = partner.url();
  assert.match(await partner.textContent('#contact-details + dl'), /07700 900321[\s\S]*nia@example\.org/);
  assert.equal(await partner.locator('text=3 Canal Side').count(), 0, 'no address: she prefers texts, not letters');
  await checkAccessibility(partner, 'partner referral with contact details');

  // She changes her mind: the link worker stops sharing.
  await lw.goto(record);
  await lw.click('a:has-text("Change contact details")');
  await lw.click(`button:has-text("Stop sharing with ${partnerOrg}")`);
  await lw.waitForSelector('text=Sharing stopped');
  await checkAccessibility(lw, 'contact details after sharing stopped');

  await partner.goto(partnerPage);
  const main = await partner.textContent('main');
  assert.match(main, /Contact details not shared: contact the link worker/);
  for (const detail of ['07700 900321', 'nia@example.org', 'Weekday mornings']) {
    assert.ok(!main.includes(detail), `${detail} shown without consent`);
  }
  await checkAccessibility(partner, 'partner referral without contact details');
  await partner.context().close();
  await lw.context().close();
});

test('the self-referral page says who it is for and where to get urgent help, autocompletes, and says how to contact the service', async () => {
  const context = await demo.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.base}/self-referral`);
  await checkAccessibility(page, 'self-referral form');
  const intro = await page.textContent('main');
  const beforeForm = intro.slice(0, intro.indexOf('First name'));
  for (const text of ['social prescribing service', 'Who it is for', '999', 'NHS 111', 'Samaritans', '116 123', '01632 960000']) {
    assert.ok(beforeForm.includes(text), `${text} before the form`);
  }
  const tokens = await page.$$eval('input[autocomplete]', (inputs) => Object.fromEntries(inputs.map((i) => [i.name, i.getAttribute('autocomplete')])));
  assert.deepEqual(
    { given_name: tokens.given_name, family_name: tokens.family_name, phone: tokens.phone, email: tokens.email, postcode: tokens.postcode, day: tokens['date_of_birth-day'] },
    { given_name: 'given-name', family_name: 'family-name', phone: 'tel', email: 'email', postcode: 'postal-code', day: 'bday-day' },
  );
  await page.fill('#given_name', 'Ola');
  await page.fill('#family_name', 'Nordmann');
  await page.fill('#phone', '07700 900 456');
  await page.check('input[name=preferred_contact][value=text]');
  await page.fill('#best_times', 'Evenings');
  await page.fill('#reason', 'New to the area and do not know anyone');
  await page.check('#consent');
  await page.click('button:has-text("Send referral")');
  await page.waitForSelector('text=Referral sent');
  const reference = await page.textContent('#reference');
  assert.match(await page.textContent('#contact-service'), new RegExp(`call 01632 960000[\\s\\S]*quote your reference ${reference}`));
  assert.match(await page.textContent('#urgent-help'), /116 123/);
  await checkAccessibility(page, 'self-referral sent');
  await context.close();
});
