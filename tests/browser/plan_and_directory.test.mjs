// Issue 12, "Flow", in headless Chromium against `linkwork demo`, with axe-core on every page: from a
// person's record to the directory and back with a referral to the chosen service; the
// onward-referral form's search and filters; goals added and changed without a new conversation;
// and the people of an MDT meeting chosen by search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn, fillDate } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(60); });
after(async () => demo?.stop());

/** Opens the record of one of the link worker's accepted people; returns its address and the name. */
async function openAcceptedRecord(lw, nth = 0) {
  await lw.goto(`${demo.base}/caseload`);
  const hrefs = await lw.$$eval('tr:has(.lw-status--accepted) td:first-child a[href^="/referrals/"]', (links) => links.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > nth, `accepted people on the caseload: ${hrefs.length}`);
  await lw.goto(`${demo.base}${hrefs[nth].split('?')[0]}`);
  await checkAccessibility(lw, 'record');
  return { record: lw.url().split('?')[0].split('#')[0], name: (await lw.textContent('h1')).trim() };
}

const radios = (page) => page.$$eval('.lw-service-choice input[name=service_id]', (inputs) => inputs.map((i) => i.value));

test('from the record to a service in the directory and back with the referral to it', async () => {
  const lw = await signIn(demo, 'Link worker');
  const { record, name } = await openAcceptedRecord(lw);
  const given = name.split(' ')[0];
  const started = Date.now();
  let interactions = 0;
  const act = async (step) => { interactions += 1; await step(); };

  await act(() => lw.click(`a:has-text("Find a service for ${given}")`));
  await lw.waitForSelector('h1:has-text("Find a community service")');
  await checkAccessibility(lw, 'directory search for a person');
  assert.match(await lw.textContent('main'), new RegExp(`Searching for ${name}`));
  await act(() => lw.selectOption('#need', ''));
  await act(() => lw.click('button:has-text("Search")'));
  await checkAccessibility(lw, 'directory search for a person, any need');
  assert.match(lw.url(), /for=/, 'the search keeps the person');
  await act(() => lw.click('.lw-directory-result h3 a'));
  await lw.waitForSelector('#refer');
  await checkAccessibility(lw, 'service page opened for a person');
  const service = lw.url().split('?')[0].split('/').pop();
  const serviceName = (await lw.textContent('h1')).trim();
  assert.equal((await lw.textContent('#refer')).trim(), `Refer ${name} to this service`);
  assert.match(await lw.getAttribute('.nhsuk-back-link', 'href'), /^\/directory\?for=/, 'the way back keeps the person');

  await act(() => lw.click('#refer'));
  await lw.waitForSelector('h1:has-text("Refer to a community service")');
  await checkAccessibility(lw, 'onward referral form, service chosen in the directory');
  assert.equal(await lw.$eval('input[name=service_id]:checked', (i) => i.value), service, 'the service comes chosen');
  assert.match(await lw.textContent('.nhsuk-caption-l'), new RegExp(`${name}, NHS number`));
  await act(() => lw.fill('#note', 'Prefers mornings'));
  await act(() => lw.check('#share_consent'));
  await act(() => lw.click('button:has-text("Send referral")'));
  await lw.waitForSelector('text=Referral sent to the service');
  const seconds = (Date.now() - started) / 1000;
  await checkAccessibility(lw, 'record after the onward referral');
  assert.ok((await lw.textContent('main')).includes(serviceName), 'the record lists the referral to the chosen service');
  assert.equal(lw.url().split('?')[0], record);
  console.log(`VCSE referral from the record through the directory: ${interactions} interactions, ${seconds.toFixed(1)} s`);
  assert.ok(seconds < 120, `a referral through the directory takes under 2 minutes: ${seconds} s`);
});

test('the onward-referral form searches and filters services instead of listing them all', async () => {
  const lw = await signIn(demo, 'Link worker');
  const { record } = await openAcceptedRecord(lw, 1);
  await lw.goto(`${record}/onward/new`);
  await checkAccessibility(lw, 'onward referral form');
  const forNeeds = await radios(lw);
  await lw.selectOption('#need', 'any');
  await lw.click('button:has-text("Search services")');
  await lw.waitForSelector('h1:has-text("Refer to a community service")');
  await checkAccessibility(lw, 'onward referral form, any need');
  const all = await radios(lw);
  assert.ok(forNeeds.length > 0 && forNeeds.length < all.length, `the person's needs first narrow the list: ${forNeeds.length} of ${all.length}`);

  const word = (await lw.textContent('.lw-service-choice label')).trim().split(/\s+/)[0];
  await lw.fill('#q', word);
  await lw.click('button:has-text("Search services")');
  await checkAccessibility(lw, 'onward referral form, searched by words');
  const byWord = await lw.$$eval('.lw-service-choice label', (labels) => labels.map((l) => l.textContent));
  assert.ok(byWord.length > 0 && byWord.length < all.length, `searching by "${word}": ${byWord.length}`);

  await lw.fill('#q', '');
  await lw.check('#open');
  await lw.click('button:has-text("Search services")');
  await checkAccessibility(lw, 'onward referral form, taking people now');
  const open = await radios(lw);
  assert.ok(open.length <= all.length);
  const hints = await lw.$$eval('.lw-service-choice .nhsuk-hint', (els) => els.map((e) => e.textContent));
  assert.ok(hints.every((h) => h.includes('Taking people now')), 'only services taking people now');

  // Errors keep the search, the choice and the note.
  if (open.length === 0) {
    await lw.uncheck('#open');
    await lw.click('button:has-text("Search services")');
  }
  const listed = await radios(lw);
  await lw.check('.lw-service-choice input[name=service_id]');
  await lw.fill('#note', 'Best reached after 10am');
  await lw.click('button:has-text("Send referral")');
  await lw.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(lw, 'onward referral form with errors');
  assert.equal(await lw.inputValue('#note'), 'Best reached after 10am');
  assert.deepEqual(await radios(lw), listed, 'the search is kept');
  assert.ok(await lw.isChecked('.lw-service-choice input[name=service_id]'), 'the choice is kept');
  await lw.check('#share_consent');
  await lw.click('button:has-text("Send referral")');
  await lw.waitForSelector('text=Referral sent to the service');
});

test('goals are added and changed, and needs agreed, without a new conversation', async () => {
  const lw = await signIn(demo, 'Link worker');
  const { record } = await openAcceptedRecord(lw, 2);
  const conversationsBefore = await lw.$$eval('main .nhsuk-inset-text', (els) => els.length);

  await lw.click('a:has-text("Add a goal")');
  await lw.waitForSelector('h1:has-text("Add a goal")');
  await checkAccessibility(lw, 'add a goal');
  await lw.click('button:has-text("Add goal")');
  await lw.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(lw, 'add a goal with errors');
  await lw.fill('#description', 'Try the Thursday choir');
  const review = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  await fillDate(lw, 'review_on', review);
  await lw.click('button:has-text("Add goal")');
  await lw.waitForSelector('text=Goal added to the plan');
  await checkAccessibility(lw, 'record with the new goal');
  assert.equal(await lw.$$eval('main .nhsuk-inset-text', (els) => els.length), conversationsBefore, 'no conversation was recorded');

  await lw.click('.lw-goals tr:has-text("Try the Thursday choir") a:has-text("Change")');
  await lw.waitForSelector('h1:has-text("Change a goal")');
  await checkAccessibility(lw, 'change a goal');
  await lw.fill('#description', 'Sing with the Thursday choir');
  await lw.check('input[name=goal_status][value=in_progress]');
  await lw.click('button:has-text("Save changes")');
  await lw.waitForSelector('text=Goal changed');
  await checkAccessibility(lw, 'record with the changed goal');
  assert.ok(await lw.$('.lw-goal-changed'), 'the goal shows when it changed');
  await lw.click('#plan-history summary');
  const history = await lw.textContent('#plan-history');
  assert.match(history, /Wording changed/);
  assert.match(history, /Try the Thursday choir/, 'the old wording is kept');
  await checkAccessibility(lw, 'record with the plan history open');

  await lw.click('#needs a:has-text("Change")');
  await lw.waitForSelector('h1:has-text("Needs agreed with")');
  await checkAccessibility(lw, 'needs agreed with the person');
  await lw.check('input[name=needs][value=digital]');
  await lw.click('button:has-text("Save needs")');
  await lw.waitForSelector('text=Needs saved');
  const needs = await lw.$$eval('.lw-needs li', (items) => items.map((i) => i.textContent.replace(/\s+/g, ' ').trim()));
  assert.equal(new Set(needs.map((n) => n.split(' (')[0])).size, needs.length, `each need is listed once: ${needs}`);
  assert.ok(needs.some((n) => n.startsWith('Digital inclusion (agreed with')), `${needs}`);
  assert.equal(lw.url().split('?')[0], record);
});

test('the people of an MDT meeting are found by search and kept with what was typed', async () => {
  const lw = await signIn(demo, 'Link worker');
  const first = await openAcceptedRecord(lw, 0);
  const second = await openAcceptedRecord(lw, 1);
  await lw.goto(`${demo.base}/mdt/new`);
  await checkAccessibility(lw, 'record an MDT meeting');
  assert.equal(await lw.$$eval('input[type=checkbox][name=referral_ids]', (els) => els.length), 0, 'no long list of checkboxes');
  await lw.fill('#notes', 'Agreed to review housing');
  await lw.check('input[name=attendees][value=gp]');

  for (const person of [first, second]) {
    await lw.fill('#find', person.name);
    await lw.click('button:has-text("Search")');
    await lw.waitForSelector('.lw-mdt-found');
    await checkAccessibility(lw, 'MDT meeting, people found');
    await lw.click(`.lw-mdt-found button:has-text("Add ${person.name}")`);
    await lw.waitForSelector(`.lw-mdt-selected li:has-text("${person.name}")`);
  }
  await checkAccessibility(lw, 'MDT meeting, people added');
  assert.equal(await lw.inputValue('#notes'), 'Agreed to review housing', 'what was typed is kept');
  assert.ok(await lw.isChecked('input[name=attendees][value=gp]'));
  await lw.click(`.lw-mdt-selected button:has-text("Remove ${first.name}")`);
  await lw.waitForSelector(`.lw-mdt-selected li:has-text("${second.name}")`);
  assert.equal(await lw.$$eval('.lw-mdt-selected li', (items) => items.length), 1);
  await lw.click('button:has-text("Save meeting")');
  await lw.waitForSelector('text=MDT meeting saved');
  await checkAccessibility(lw, 'MDT meetings');
  assert.ok((await lw.textContent('main')).includes(second.name), 'the meeting lists the person discussed');
});
