// Who a person is and their rights, in headless Chromium against `linkwork demo`, every page
// checked by axe-core: an identity conflict settled from the referral page, details corrected,
// subject access, restriction, erasure (with its confirmation), the audit trail and retention.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn as signInTo, fillDate } from './support.mjs';

let demo, base;
before(async () => {
  demo = await startDemo();
  ({ base } = demo);
});
after(async () => demo?.stop());
const signIn = (role) => signInTo(demo, role);

/** The first person on the manager's caseload: their referral page, name and NHS number. */
async function firstPerson(page) {
  await page.goto(`${base}/caseload?all=1`);
  await page.click('table a[href^="/referrals/"]');
  const record = page.url().split('?')[0];
  const name = (await page.textContent('h1')).trim();
  const nhs = (await page.textContent('.nhsuk-caption-l')).replace('NHS number', '').trim();
  return { record, name, nhs };
}

test('a referral that does not match the person held is settled from its page', async () => {
  const manager = await signIn('Service manager');
  const { record, nhs } = await firstPerson(manager);
  // The same NHS number, another name: nothing changes, a conflict is raised.
  await manager.goto(`${base}/referrals/new`);
  await manager.fill('#nhs_number', nhs);
  await manager.fill('#given_name', 'Someone');
  await manager.fill('#family_name', 'Different');
  await fillDate(manager, 'date_of_birth', '1960-01-01');
  await manager.check('input[name=sex][value="1"]');
  await manager.selectOption('#ethnicity', 'Z');
  await manager.fill('#postcode', 'LS1 4AP');
  await manager.fill('#mobile', '07700 900123');
  const practice = await manager.$eval('#practice_id option:nth-child(2)', (o) => o.value);
  await manager.selectOption('#practice_id', practice);
  await manager.fill('#referrer_name', 'Dr Mistake');
  await manager.fill('#reason', 'Lonely');
  await manager.check('input[name=needs][value=loneliness]');
  await manager.check('#consent');
  await manager.click('button:has-text("Save referral")');
  // The person has an open referral already: the form asks before recording another.
  await manager.waitForSelector('#confirm_duplicate');
  await checkAccessibility(manager, 'referral form asking about a likely duplicate');
  await manager.check('#confirm_duplicate');
  await manager.click('button:has-text("Save referral")');
  await manager.waitForSelector('text=Check who this referral is for');
  assert.doesNotMatch(await manager.textContent('h1'), /Someone Different/, 'the person keeps their name');
  await checkAccessibility(manager, 'referral with an identity conflict');
  await manager.check('input[name=resolution][value=keep_recorded]');
  await manager.click('#identity-conflict button:has-text("Save")');
  await manager.waitForSelector('text=Identity settled');
  assert.equal(await manager.locator('text=Check who this referral is for').count(), 0);
  await manager.goto(record);
  assert.doesNotMatch(await manager.textContent('h1'), /Someone Different/);
  await manager.context().close();
});

test("a manager corrects details, answers a subject access request, restricts and erases a record, and reads the audit trail", async () => {
  const manager = await signIn('Service manager');
  const { name } = await firstPerson(manager);
  await manager.click('a:has-text("whole timeline")');
  const person = manager.url().split('?')[0];
  await checkAccessibility(manager, 'person timeline');

  // Correct a detail: kept in the history.
  await manager.click('a:has-text("Correct the person\'s details")');
  await checkAccessibility(manager, 'correct details');
  await manager.fill('#postcode', 'LS2 9JT');
  await manager.click('button:has-text("Save corrections")');
  await manager.waitForSelector('text=Details corrected');
  assert.match(await manager.textContent('main'), /Corrected on request[\s\S]*LS2 9JT|LS2 9JT[\s\S]*Corrected on request/);

  // Subject access: everything held, and who has seen it.
  await manager.click('a:has-text("Subject access")');
  await manager.waitForSelector('text=Who has seen or changed the record');
  assert.match(await manager.textContent('h1'), new RegExp(name.split(' ')[0]));
  await checkAccessibility(manager, 'subject access');

  // Restrict, then lift.
  await manager.goto(person);
  await manager.click('a:has-text("Restrict the record")');
  await checkAccessibility(manager, 'restrict');
  await manager.click('button:has-text("Restrict the record")');
  await manager.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(manager, 'restrict with errors');
  await manager.fill('#reason', 'Request of 5 December, reference SAR-42');
  await manager.click('button:has-text("Restrict the record")');
  await manager.waitForSelector('text=Restricted record');
  await manager.click('button:has-text("Lift the restriction")');
  await manager.waitForSelector('text=Restriction lifted');

  // Erase: the confirmation is required, then the record is gone.
  await manager.click('a:has-text("Erase the record")');
  await manager.waitForSelector('text=This cannot be undone');
  await checkAccessibility(manager, 'erase');
  await manager.fill('#reason', 'Request of 5 December, reference SAR-43');
  await manager.click('button:has-text("Erase the record")');
  await manager.waitForSelector('.nhsuk-error-summary');
  assert.match(await manager.textContent('.nhsuk-error-summary'), /Confirm that you understand/);
  await manager.check('#confirm');
  await manager.click('button:has-text("Erase the record")');
  await manager.waitForURL(/\/people/);
  const gone = await manager.goto(person);
  assert.equal(gone.status(), 404);

  // The audit trail shows the erasure, by this manager.
  await manager.goto(`${base}/audit?action=person.erase`);
  await checkAccessibility(manager, 'audit trail');
  assert.match(await manager.textContent('table'), /person\.erase/);
  await manager.click('a:has-text("How long records are kept")');
  await checkAccessibility(manager, 'retention');
  await manager.fill('#years', '10');
  await manager.click('button:has-text("Save")');
  await manager.waitForSelector('text=Retention period saved');
  await manager.context().close();
});

test('the audit trail and rights pages are for managers only', async () => {
  const lw = await signIn('Link worker');
  const r = await lw.goto(`${base}/audit`);
  assert.equal(r.status(), 403);
  await checkAccessibility(lw, 'audit trail refused');
  await lw.context().close();
});
