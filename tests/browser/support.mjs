// Shared by the browser tests: start `linkwork demo` on a free port, sign in, and check pages
// with axe-core for WCAG 2.2 AA problems.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const axeSource = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const binary = new URL('../../target/debug/linkwork', import.meta.url).pathname;
export const PASSWORD = 'demo-password-1';

/** Starts a demo server with its own database; resolves to { base, logins, browser, stop, database }. */
export async function startDemo(referrals = 120) {
  const dir = mkdtempSync(join(tmpdir(), 'linkwork-browser-'));
  const server = spawn(binary, ['demo', '--database', join(dir, 'demo.db'), '--bind', '127.0.0.1:0', '--referrals', String(referrals)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/running at (http:\/\/[^/\s]+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  const logins = [...out.matchAll(/^\s+(.+?)\s{2,}(\S+@\S+)\s+(.+)$/gm)].map((m) => ({ role: m[1].trim(), email: m[2], org: m[3].trim() }));
  assert.ok(logins.length >= 6, `demo logins printed: ${out}`);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  const stop = async () => {
    await browser.close();
    server.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, logins, browser, stop, database: join(dir, 'demo.db') };
}

/** Runs axe-core on the page and fails on any WCAG 2.x A/AA violation. */
export async function checkAccessibility(page, where) {
  await page.evaluate(axeSource); // evaluated through DevTools, so the app's CSP stays on
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  assert.deepEqual(problems, [], `accessibility problems on ${where}`);
}

/** Signs in as the first demo login with this role (and organisation, if given). */
export async function signIn(demo, role, orgName) {
  const login = demo.logins.find((l) => l.role === role && (!orgName || l.org === orgName));
  assert.ok(login, `a demo login for ${role} ${orgName ?? ''}`);
  const context = await demo.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.base}/login`);
  await checkAccessibility(page, 'sign in');
  await page.fill('#email', login.email);
  await page.fill('#password', PASSWORD);
  await page.click('button:has-text("Sign in")');
  return page;
}

/** Types an ISO date (`1946-07-19`) into the NHS.UK date input for `name` (day, month, year boxes). */
export async function fillDate(page, name, iso) {
  const [year, month, day] = iso.split('-');
  await page.fill(`#${name}-day`, String(Number(day)));
  await page.fill(`#${name}-month`, String(Number(month)));
  await page.fill(`#${name}-year`, year);
}

/**
 * Walks the discharge form (issue 12): every goal reviewed as `outcome`, every closing measure
 * still due given as not taken (`notTaken`), the `reason`; then "Continue", checks the
 * confirmation page with axe and confirms.
 */
export async function completeDischarge(page, { reason = 'other', outcome = 'achieved', notTaken = 'declined' } = {}) {
  const groups = await page.$$eval('input[type=radio]', (inputs) => [...new Set(inputs.map((i) => i.name))]);
  for (const name of groups.filter((n) => n.startsWith('goal_'))) await page.check(`input[name="${name}"][value=${outcome}]`);
  for (const name of groups.filter((n) => n.startsWith('not_taken_'))) await page.check(`input[name="${name}"][value=${notTaken}]`);
  await page.check(`input[name=discharge_reason][value=${reason}]`);
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('text=Check and confirm the discharge');
  await checkAccessibility(page, 'discharge check page');
  await page.click('button.nhsuk-button--warning');
}
