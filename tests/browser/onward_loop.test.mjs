// The closed loop of onward referrals in headless Chromium, against `linkwork demo`, with axe-core
// on every page: a link worker sends two referrals to a partner's services; the partner is told,
// accepts one and reports it started and completed, declines the other with a reason; the link
// worker is told, sees each referral's history on the record, and the loop's attention page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(60); });
after(async () => demo?.stop());

test('a partner accepts, starts and completes one referral and declines another; the link worker sees the loop close', async () => {
  const { base, logins } = demo;
  const partners = logins.filter((l) => l.role === 'VCSE partner');

  // The link worker refers one of their people (open, accepted) to two services of one partner.
  const lw = await signIn(demo, 'Link worker');
  await lw.goto(`${base}/caseload`);
  await lw.click('tr:has(.lw-status--accepted) a[href^="/referrals/"]');
  const record = lw.url().split('?')[0];
  const person = (await lw.textContent('h1')).trim();
  const firstName = person.split(' ')[0];
  const sendTo = async (pick) => {
    await lw.goto(record);
    await lw.click('a:has-text("Refer to a community service")');
    // The form lists the services meeting the person's needs; this walk needs every service.
    await lw.selectOption('#need', 'any');
    await lw.click('button:has-text("Search services")');
    const labels = await lw.$$eval('input[name=service_id]', (inputs) => inputs.map((i) => ({ id: i.id, label: document.querySelector(`label[for="${i.id}"]`).textContent })));
    const choice = pick(labels);
    await lw.check(`[id="${choice.id}"]`);
    await lw.fill('#note', 'Prefers mornings');
    await lw.check('#share_consent');
    await lw.click('button:has-text("Send referral")');
    await lw.waitForSelector('text=Referral sent to the service');
    return choice;
  };
  const first = await sendTo((labels) => labels.find((l) => partners.some((p) => l.label.includes(`(${p.org})`))));
  const partnerOrg = partners.find((p) => first.label.includes(`(${p.org})`)).org;
  const serviceName = (label) => label.slice(0, label.lastIndexOf(' (')).trim();
  const own = (labels) => labels.filter((l) => l.label.includes(`(${partnerOrg})`));
  const second = await sendTo((labels) => own(labels).find((l) => l.id !== first.id) ?? own(labels)[0]);
  await lw.click('button:has-text("Sign out")');
  await lw.context().close();

  // The partner is told: a count in the header and the notification, which names no one.
  const partner = await signIn(demo, 'VCSE partner', partnerOrg);
  assert.match(await partner.textContent('.nhsuk-header__account-link'), /Notifications\s*\d+\s*unread/);
  await partner.click('a.nhsuk-header__account-link');
  await checkAccessibility(partner, 'partner notifications');
  const notices = await partner.textContent('main');
  assert.ok(notices.includes(`New referral to ${serviceName(first.label)}`), 'the new referral is notified');
  assert.ok(!notices.includes(person), 'no name in the notification');

  // Accept → started → completed, with the history growing.
  await partner.goto(`${base}/partner/referrals`);
  const rowFor = (service) => partner.locator(`tr:has-text("${person}"):has-text("${service}"):has-text("Waiting for a response") a`).first();
  await rowFor(serviceName(first.label)).click();
  await checkAccessibility(partner, 'partner referral (waiting)');
  await partner.click('button:has-text("Accept referral")');
  await partner.waitForSelector('text=Referral accepted');
  await checkAccessibility(partner, 'partner referral (accepted)');
  await partner.click('button:has-text("Mark as started")');
  await partner.waitForSelector('text=Marked as started');
  await checkAccessibility(partner, 'partner referral (started)');
  await partner.click('button:has-text("Mark as completed")');
  await partner.waitForSelector('text=Marked as completed');
  await checkAccessibility(partner, 'partner referral (completed)');
  const history = await partner.textContent('table:has(caption:has-text("History of this referral"))');
  for (const status of ['Waiting for a response', 'Accepted', 'Started', 'Completed']) assert.ok(history.includes(status), `history shows ${status}`);
  assert.equal(await partner.locator('button:has-text("Mark as")').count(), 0, 'nothing more to report once completed');

  // Decline the other, first without a reason (refused), then with one.
  await partner.goto(`${base}/partner/referrals`);
  await rowFor(serviceName(second.label)).click();
  await partner.click('button:has-text("Decline referral")');
  await partner.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(partner, 'partner decline without a reason');
  await partner.check('input[name=decline_reason][value=no_capacity]');
  await partner.click('button:has-text("Decline referral")');
  await partner.waitForSelector('text=Referral declined');
  assert.match(await partner.textContent('main'), /Declined[\s\S]*No capacity/);
  await checkAccessibility(partner, 'partner referral (declined)');
  await partner.context().close();

  // The link worker sees the loop close: notifications, the record's history, the attention page.
  const back = await signIn(demo, 'Link worker');
  await back.click('a.nhsuk-header__account-link');
  await checkAccessibility(back, 'link worker notifications');
  const mine = await back.textContent('main');
  assert.ok(mine.includes(`${serviceName(first.label)} accepted a referral`));
  assert.ok(mine.includes(`Completed at ${serviceName(first.label)}`));
  assert.ok(mine.includes(`declined the referral for ${firstName} (reason: no capacity)`));
  await back.click('button:has-text("Mark all as read")');
  await back.waitForSelector('text=All notifications marked as read');
  assert.equal(await back.locator('.lw-count').count(), 0, 'no unread count once read');
  await checkAccessibility(back, 'notifications (all read)');

  await back.goto(record);
  // The newest referral to that service (the person may have had one before).
  const details = back.locator(`details:has-text("History of the referral to ${serviceName(first.label)}")`).last();
  await details.locator('summary').click();
  assert.match(await details.textContent(), /Accepted[\s\S]*Started[\s\S]*Completed/);
  await checkAccessibility(back, 'record with onward history');

  // The menu has grown ("Onward referrals" may be under "More" on a laptop): open it by its address.
  await back.goto(`${demo.base}/onward/attention`);
  assert.match(await back.textContent('h1'), /Onward referrals needing attention/);
  await checkAccessibility(back, 'onward referrals needing attention');
  await back.context().close();
});
