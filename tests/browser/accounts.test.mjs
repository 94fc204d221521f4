// Accounts in headless Chromium against `linkwork demo`, every page checked by axe-core: an
// administrator invites a user, who chooses a password through the link and signs in, then
// signs out everywhere; the administrator deactivates the account after a confirmation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

let demo, base;
before(async () => {
  demo = await startDemo();
  ({ base } = demo);
});
after(async () => demo?.stop());

test('an administrator invites a user, who sets a password, signs in and out everywhere; the account is deactivated', async () => {
  const admin = await signIn(demo, 'Administrator');
  await admin.waitForURL(`${base}/admin/users`);
  await checkAccessibility(admin, 'users');
  await admin.selectOption('#role', 'link_worker');
  await admin.click('button:has-text("Filter users")');
  await checkAccessibility(admin, 'users filtered');

  await admin.goto(`${base}/admin/users/invite`);
  await admin.click('button:has-text("Create account and invitation")');
  await admin.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(admin, 'invite with errors');
  await admin.fill('#name', 'Nadia Newcomer');
  await admin.fill('#email', 'nadia.newcomer@example.org');
  await admin.selectOption('#role', 'link_worker');
  const pcn = await admin.$$eval('#org option', (options) => options.find((o) => o.textContent.includes('(Primary care network)')).value);
  await admin.selectOption('#org', pcn);
  await admin.click('button:has-text("Create account and invitation")');
  await admin.waitForSelector('#link');
  await checkAccessibility(admin, 'invitation link');
  const link = await admin.inputValue('#link');
  assert.match(link, /\/account\/password\//);

  // The new user, in a browser of their own.
  const context = await demo.browser.newContext();
  const nadia = await context.newPage();
  await nadia.goto(link);
  await checkAccessibility(nadia, 'choose your password');
  const password = 'a long password of my own';
  await nadia.fill('#password', password);
  await nadia.fill('#confirm', password);
  await nadia.click('button:has-text("Set password")');
  await nadia.waitForSelector('text=Your password is set');
  await checkAccessibility(nadia, 'sign in after setting a password');
  await nadia.fill('#email', 'nadia.newcomer@example.org');
  await nadia.fill('#password', password);
  await nadia.click('button:has-text("Sign in")');
  await nadia.waitForURL(`${base}/today`);
  await nadia.click('a:has-text("Your account")');
  await checkAccessibility(nadia, 'your account');
  await nadia.click('button:has-text("Sign out everywhere")');
  await nadia.waitForSelector('text=You are signed out on every device');
  await context.close();

  await admin.goto(`${base}/admin/users?q=nadia`);
  await admin.click('a:has-text("Nadia Newcomer")');
  await checkAccessibility(admin, 'a user');
  await admin.click('a:has-text("Deactivate this account")');
  await checkAccessibility(admin, 'deactivation confirmation');
  await admin.click('button:has-text("Deactivate account")');
  await admin.waitForSelector('text=Account deactivated');
  await admin.goto(`${base}/admin/tokens`);
  await checkAccessibility(admin, 'API tokens');
  await admin.context().close();
});
