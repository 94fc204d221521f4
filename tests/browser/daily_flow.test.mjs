// Issue 12: a link worker's and a manager's day in headless Chromium, with axe on every page —
// Today, the caseload (own people, search, filters, paging), a contact logged from the caseload,
// triage's Assign, the team's names linking to caseloads, the partner's filtered list — and how
// long the everyday tasks take a person, by the keystroke-level model (KLM).
//
// KLM (Card, Moran and Newell) estimates an expert's time from the actions a task needs: point and
// click 1.3 s (P 1.1 s + B 0.2 s), typing 0.28 s a character (an average non-secretary typist),
// 1.35 s of mental preparation before each decision, and the page loads measured here. Counting
// actions is deterministic, so the tests assert on the counts and the model's seconds, never on
// the machine's wall clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn as signInTo } from './support.mjs';

let demo;
before(async () => {
  demo = await startDemo();
});
after(async () => demo?.stop());
const signIn = (role, org) => signInTo(demo, role, org);

/** Counts a task's interactions and estimates its time with the keystroke-level model. */
class Task {
  constructor(page) {
    this.page = page;
    this.interactions = 0;
    this.seconds = 0;
    this.loadSeconds = 0;
  }
  async click(selector) {
    this.interactions += 1;
    this.seconds += 1.35 + 1.3;
    const started = Date.now();
    await this.page.click(selector);
    await this.page.waitForLoadState('load');
    this.loadSeconds += (Date.now() - started) / 1000;
  }
  async type(selector, text) {
    this.interactions += 1;
    this.seconds += 1.35 + 1.3 + 0.28 * text.length;
    await this.page.fill(selector, text);
  }
  async tick(selector) {
    this.interactions += 1;
    this.seconds += 1.3;
    await this.page.check(selector);
  }
  get total() {
    return this.seconds + this.loadSeconds;
  }
}

/** The page's width against the window's: no sideways scrolling. */
async function assertFits(page, where) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const viewport = page.viewportSize().width;
  assert.ok(width <= viewport, `${where} is ${width} px wide in a ${viewport} px window`);
}

test('a link worker starts the day on Today and logs a contact from the caseload in two clicks', async () => {
  const lw = await signIn('Link worker');
  await lw.waitForSelector('h1:has-text("Today")');
  await checkAccessibility(lw, 'today');
  for (const part of ['People to contact', 'Measures due', 'Onward referrals with no answer', 'Waiting in triage']) {
    assert.ok(await lw.isVisible(`text=${part}`), `Today shows ${part}`);
  }
  await lw.click('a.nhsuk-header__navigation-link:has-text("Caseload")');
  await checkAccessibility(lw, 'my caseload');
  const name = (await lw.textContent('tbody tr:first-child td:first-child a')).trim();

  const task = new Task(lw);
  await task.click('tbody tr:first-child a:has-text("Log contact")');
  await lw.waitForSelector('h1:has-text("Log a contact")');
  await checkAccessibility(lw, 'contact form from the caseload');
  await task.click('button:has-text("Save contact")');
  await lw.waitForSelector('h1:has-text("My caseload")');
  assert.match(await lw.textContent('main'), /Contact (logged|saved|recorded)/i, 'the caseload confirms the contact');
  console.log(`contact log from the caseload: ${task.interactions} interactions, ${task.total.toFixed(1)} s by KLM (${task.loadSeconds.toFixed(1)} s of page loads here)`);
  assert.ok(task.interactions <= 3, `${task.interactions} interactions`);
  assert.ok(task.total <= 30, `${task.total} s`);

  // The contact is on the person's record, dated today.
  await lw.click(`a:has-text("${name}")`);
  await checkAccessibility(lw, 'record after a contact');
  await lw.context().close();
});

test('a link worker searches and filters the caseload, and pages through it', async () => {
  const lw = await signIn('Link worker');
  await lw.goto(`${demo.base}/caseload?status=all`);
  const first = (await lw.textContent('tbody tr:first-child td:first-child a')).trim();
  await lw.fill('#q', first.split(' ')[1]);
  await lw.click('button:has-text("Show")');
  await lw.waitForURL(/q=/);
  await checkAccessibility(lw, 'caseload search');
  assert.match(await lw.textContent('tbody'), new RegExp(first));
  await lw.click('a:has-text("Clear search and filters")');
  await lw.selectOption('#attention', 'red');
  await lw.click('button:has-text("Show")');
  await lw.waitForURL(/attention=red/);
  await checkAccessibility(lw, 'caseload, overdue only');
  const rags = await lw.$$eval('tbody .lw-rag', (els) => els.map((e) => e.textContent.trim()));
  assert.ok(rags.every((r) => r === rags[0]), 'one level of attention');
  await lw.goto(`${demo.base}/caseload?status=all`);
  if (await lw.$('a.nhsuk-pagination__link--next')) {
    await lw.click('a.nhsuk-pagination__link--next');
    await lw.waitForURL(/page=2/);
    await checkAccessibility(lw, 'caseload page 2');
  }
  await lw.context().close();
});

test('a manager opens a link worker’s caseload from the team page and assigns a referral in triage', async () => {
  const manager = await signIn('Service manager');
  await manager.goto(`${demo.base}/team`);
  await manager.click('table a[href^="/caseload?worker="]');
  await manager.waitForURL(/worker=/);
  await checkAccessibility(manager, 'one link worker’s caseload');
  assert.ok((await manager.$$('tbody tr')).length > 0, 'their people are listed');
  await manager.goto(`${demo.base}/triage`);
  await checkAccessibility(manager, 'triage with assign');
  const assign = await manager.$('form.lw-assign');
  if (assign) {
    const person = (await manager.textContent('form.lw-assign >> xpath=ancestor::tr//a')).trim();
    await manager.click('form.lw-assign button:has-text("Assign")');
    await manager.waitForSelector('text=Referral assigned');
    await checkAccessibility(manager, 'triage after assigning');
    assert.doesNotMatch(await manager.textContent('main'), new RegExp(`${person}[\\s\\S]*Assign ${person}`), 'no longer waiting to be assigned');
  }
  await manager.context().close();
});

test('at 390 px wide, Today, the caseload, triage and the partner list fit without sideways scrolling', async () => {
  const context = await demo.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const login = async (role) => {
    const who = demo.logins.find((l) => l.role === role);
    await page.goto(`${demo.base}/login`);
    await page.fill('#email', who.email);
    await page.fill('#password', 'demo-password-1');
    await page.click('button:has-text("Sign in")');
    await page.waitForLoadState('load');
  };
  await login('Link worker');
  for (const path of ['/today', '/caseload', '/caseload?status=all', '/triage']) {
    await page.goto(`${demo.base}${path}`);
    await assertFits(page, path);
    await checkAccessibility(page, `${path} at 390 px`);
  }
  await context.clearCookies();
  await login('VCSE partner');
  await page.goto(`${demo.base}/partner/referrals?status=all`);
  await assertFits(page, 'partner referrals');
  await checkAccessibility(page, 'partner referrals at 390 px');
  await context.close();
});

test('a VCSE partner filters its referrals by status and age, and refers someone in under two minutes', async () => {
  const partner = await signIn('VCSE partner');
  await partner.waitForSelector('h1:has-text("Referrals to your organisation")');
  await partner.selectOption('#status', 'all');
  await partner.selectOption('#older_than', '14');
  await partner.click('button:has-text("Show")');
  await partner.waitForURL(/older_than=14/);
  await checkAccessibility(partner, 'partner referrals filtered');

  const task = new Task(partner);
  await task.click('a.nhsuk-header__navigation-link:has-text("Refer someone")');
  await checkAccessibility(partner, 'partner referral form');
  await task.type('#given_name', 'Marta');
  await task.type('#family_name', 'Kowalska');
  await task.type('#phone', '07700 900461');
  await task.type('#reason', 'Lonely since her husband died; would like company and help with bills');
  await task.tick('input[name=needs][value=loneliness]');
  await task.tick('input[name=needs][value=money]');
  await task.tick('#consent');
  await task.click('button:has-text("Send referral")');
  await partner.waitForSelector('text=Referral sent');
  await checkAccessibility(partner, 'partner referral sent');
  console.log(`VCSE referral: ${task.interactions} interactions, ${task.total.toFixed(1)} s by KLM (${task.loadSeconds.toFixed(1)} s of page loads here)`);
  assert.ok(task.total <= 120, `${task.total} s`);
  await partner.context().close();
});
