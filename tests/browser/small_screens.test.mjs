// Phones and small screens: every page of every role at 390 × 844 CSS pixels (an iPhone 12 to 15),
// with no sideways scrolling and axe-core on each. The pages come from the server's own route table
// (`linkwork routes`, the list the access-matrix test walks): each role visits every page route
// without ids that it may use, then one page of every route with ids that those pages link to (a
// referral, a person, a service, a report, partner pages…), so a new page is checked without
// editing this file. Also the polish of issue 12: signed-in error pages keep the menu, and no page
// asks for a resource the Content-Security-Policy blocks (the NHS font).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

const WIDTH = 390;
const PER_ROUTE = 3;
const HEIGHT = 844;
const binary = new URL('../../target/debug/linkwork', import.meta.url).pathname;

// Page routes: GET routes that answer HTML to a browser (not the JSON API, FHIR, Open Referral UK,
// assets or downloads).
const NOT_PAGES = /^\/(api|fhir|oruk|assets)(\/|$)|^\/(favicon\.ico|healthz|login\/oidc.*)$|\.(csv|json|pdf|html)$/;
const pageRoutes = execFileSync(binary, ['routes'], { encoding: 'utf8' })
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .filter(([method, path]) => method === 'GET' && path && !NOT_PAGES.test(path))
  .map(([, path]) => ({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));

// Pages no role reaches by following links in the demo, and why; every other page route must be
// visited by some role below.
const UNREACHABLE = new Map([
  ['/account/password/{token}', 'opened from a one-time link in an e-mail; checked in its own test below'],
]);

/** The route a link leads to: a fixed path (`/evidence/new`) before a pattern (`/evidence/{id}`). */
function routeOf(href) {
  const literal = (r) => r.path.replace(/\{[^}]+\}/g, '').length;
  return pageRoutes.filter((r) => r.pattern.test(href)).sort((a, b) => literal(b) - literal(a))[0];
}

// Public pages are checked once, signed out, not by every role.
const PUBLIC = ['/login', '/self-referral', '/self-referral/sent'];

let demo;
before(async () => {
  demo = await startDemo();
  // An API token, so the administrator's token list and its "Revoke" page have something to show.
  const lw = demo.logins.find((l) => l.role === 'Link worker');
  execFileSync(binary, ['token', 'create', '--database', `sqlite://${demo.database}`, '--org', lw.org, '--role', 'link_worker', '--label', 'Small screens test'], { stdio: 'ignore' });
});
after(async () => demo?.stop());

/** Width of the whole document: more than the viewport means the page scrolls sideways. */
const pageWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

// The width of each page route as measured (route path -> px), for the report of the widest.
const widths = new Map();

/** Checks one page: its width and axe. Returns the problems found (empty when none). */
async function checkPage(page, where, route) {
  const problems = [];
  const width = await pageWidth(page);
  if (route) widths.set(route, Math.max(width, widths.get(route) ?? 0));
  if (width > WIDTH) {
    const widest = await page.evaluate((limit) => {
      // The elements that stick out, to say what to fix.
      return [...document.querySelectorAll('main *, header *')]
        .filter((e) => e.getBoundingClientRect().right > limit + 1)
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''} (${Math.round(e.getBoundingClientRect().right)} px)`);
    }, WIDTH);
    problems.push(`${where}: ${width} px wide, wider than ${WIDTH} px; sticking out: ${widest.join(', ')}`);
  }
  try {
    await checkAccessibility(page, where);
  } catch (e) {
    problems.push(e.message.split('\n')[0] + ' ' + JSON.stringify(e.actual));
  }
  return problems;
}

/** Visits every page route a role may use; returns the routes visited and the problems found. */
async function walk(page, who) {
  const visited = new Map(); // route path -> URLs visited
  const problems = [];
  const queue = pageRoutes.filter((r) => !r.path.includes('{') && !PUBLIC.includes(r.path)).map((r) => ({ route: r.path, url: r.path }));
  // Up to PER_ROUTE records of each kind (one referral may be new, another active, a third closed).
  const queued = new Map(queue.map((q) => [q.route, new Set([q.url])]));
  const enqueue = (route, url) => {
    const urls = queued.get(route) ?? new Set();
    if (urls.size < PER_ROUTE && !urls.has(url)) {
      urls.add(url);
      queued.set(route, urls);
      queue.push({ route, url });
    }
  };
  const drain = async () => {
    while (queue.length) {
      const { route, url } = queue.shift();
      const response = await page.goto(`${demo.base}${url}`);
      const status = response?.status() ?? 0;
      // A page of another role answers 403 (or sends a partner's pages elsewhere): not this role's.
      if (status === 403 || status === 404 || new URL(page.url()).pathname === '/login') continue;
      if (status >= 500) problems.push(`${who} ${url}: status ${status}`);
      visited.set(route, [...(visited.get(route) ?? []), url]);
      problems.push(...await checkPage(page, `${who} ${url}`, route));
      const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href').split('#')[0]));
      for (const href of links) {
        const match = routeOf(href.split('?')[0]);
        if (match?.path.includes('{')) enqueue(match.path, href);
      }
    }
  };
  await drain();
  // Pages reached only after a form (a questionnaire's "done" page): the ids of a record already
  // visited, under the same path (`/referrals/{id}` visited → `/referrals/{id}/self-complete/done`).
  for (const r of pageRoutes.filter((r) => r.path.includes('{') && !visited.has(r.path))) {
    const parent = [...visited.keys()].filter((p) => p.includes('{') && r.path.startsWith(`${p}/`)).sort((a, b) => b.length - a.length)[0];
    const url = parent && visited.get(parent)[0].split('?')[0] + r.path.slice(parent.length);
    if (url && !url.includes('{')) enqueue(r.path, url);
  }
  await drain();
  return { visited, problems };
}

const ROLES = ['Link worker', 'Service manager', 'Commissioner or analyst', 'Administrator', 'GP practice staff', 'VCSE partner'];
const covered = new Map(); // route path -> who visited it

for (const role of ROLES) {
  test(`every page a ${role.toLowerCase()} can open fits a 390 px wide phone and passes axe`, async (t) => {
    const page = await signIn(demo, role);
    await page.setViewportSize({ width: WIDTH, height: HEIGHT });
    const { visited, problems } = await walk(page, role);
    for (const [route, urls] of visited) if (!covered.has(route)) covered.set(route, `${role} ${urls[0]}`);
    t.diagnostic(`${role}: ${visited.size} page routes: ${[...visited.values()].flat().join(' ')}`);
    assert.ok(visited.size >= 3, `${role} reached their pages`);
    assert.deepEqual(problems, [], `pages of a ${role.toLowerCase()} at ${WIDTH} px`);
    await page.context().close();
  });
}

test('the public pages and error pages fit a 390 px wide phone and pass axe', async () => {
  const context = await demo.browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } });
  const page = await context.newPage();
  const problems = [];
  for (const path of [...PUBLIC, '/no-such-page']) {
    await page.goto(`${demo.base}${path}`);
    const route = routeOf(path);
    if (route && !covered.has(route.path)) covered.set(route.path, `public ${path}`);
    problems.push(...await checkPage(page, `public ${path}`));
  }
  // Errors when signed in: a record that does not exist, a page of another role.
  const lw = await signIn(demo, 'Link worker');
  await lw.setViewportSize({ width: WIDTH, height: HEIGHT });
  for (const path of ['/referrals/00000000-0000-0000-0000-000000000000', '/admin/users']) {
    await lw.goto(`${demo.base}${path}`);
    problems.push(...await checkPage(lw, `link worker error page ${path}`));
  }
  assert.deepEqual(problems, []);
  await lw.context().close();
  await context.close();
});

test('a signed-in error page keeps the header and menu of the user', async () => {
  const lw = await signIn(demo, 'Link worker');
  for (const [path, status] of [['/referrals/00000000-0000-0000-0000-000000000000', 404], ['/admin/users', 403], ['/no-such-page', 404]]) {
    const response = await lw.goto(`${demo.base}${path}`);
    assert.equal(response.status(), status, path);
    assert.ok(await lw.isVisible('nav[aria-label="Menu"] a:has-text("Caseload")'), `the menu on ${path}`);
    assert.match(await lw.textContent('.nhsuk-header__account'), /Sign out/, `the account links on ${path}`);
  }
  await lw.context().close();
});

test('no page asks for a resource the Content-Security-Policy blocks (the NHS font)', async () => {
  const blocked = [];
  const watch = (context) => {
    context.on('console', (m) => { if (m.type() === 'error') blocked.push(`console: ${m.text()}`); });
    // A request cut short by the next navigation (net::ERR_ABORTED) is not a refusal; a blocked one fails with "csp".
    context.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') blocked.push(`${r.url()}: ${r.failure()?.errorText}`); });
    context.on('request', (r) => { if (!r.url().startsWith(demo.base)) blocked.push(`request to another site: ${r.url()}`); });
  };
  const context = await demo.browser.newContext();
  watch(context);
  const page = await context.newPage();
  for (const path of ['/login', '/self-referral']) {
    await page.goto(`${demo.base}${path}`);
    await page.evaluate(() => document.fonts.ready);
  }
  const lw = await signIn(demo, 'Link worker');
  await lw.waitForURL(/\/today$/);
  watch(lw.context());
  for (const path of ['/caseload', '/dashboard', '/report', '/directory']) {
    await lw.goto(`${demo.base}${path}`);
    await lw.evaluate(() => document.fonts.ready);
  }
  assert.deepEqual(blocked, []);
  await lw.context().close();
  await context.close();
});

// Last: resetting a password may sign its owner out of the tests above.
test('a password link page fits a 390 px wide phone and passes axe', async () => {
  // An administrator resets a password; with no e-mail configured the link is shown to them.
  const admin = await signIn(demo, 'Administrator');
  await admin.click('a.nhsuk-header__navigation-link:has-text("Users")');
  await admin.click('main table a >> nth=0');
  await admin.click('a:has-text("Send a link to set a new password")');
  await admin.click('main button[type=submit]');
  const link = await admin.inputValue('#link');
  assert.match(link, /\/account\/password\//, 'the reset link is shown');
  const context = await demo.browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } });
  const page = await context.newPage();
  await page.goto(new URL(link, demo.base).href);
  covered.set('/account/password/{token}', 'public password link');
  assert.deepEqual(await checkPage(page, 'password link'), []);
  await context.close();
  await admin.context().close();
});

test('every page route was checked at 390 px by some role', (t) => {
  for (const route of ['/caseload', '/referrals/{id}', '/people/{id}', '/report', '/dashboard']) t.diagnostic(`width of ${route}: ${widths.get(route)} px`);
  const missing = pageRoutes.map((r) => r.path).filter((p) => !covered.has(p) && !UNREACHABLE.has(p));
  assert.deepEqual(missing, [], 'page routes no role reached by following links in the demo');
});
