// The community directory in headless Chromium, against `linkwork demo`, with axe-core on every
// page: a link worker searches (need, online, distance from a postcode), sees the stale and
// funding flags and opens a service; a VCSE partner lists its own services, is shown its errors
// and then saves a change, which the service page shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

let demo;
before(async () => { demo = await startDemo(30); });
after(async () => demo?.stop());

test('a link worker searches the directory and a partner edits its own service', async () => {
  const { base } = demo;
  const lw = await signIn(demo, 'Link worker');
  await lw.goto(`${base}/directory`);
  await checkAccessibility(lw, 'directory search');
  const all = await lw.$$eval('.lw-directory-result', (cards) => cards.length);
  assert.ok(all > 3, `demo services listed: ${all}`);
  assert.ok(await lw.$('.lw-stale'), 'some demo services are flagged as not checked for 12 months');
  assert.ok(await lw.$('.lw-funding'), 'some demo services have funding ending soon');

  // Online only, through the form (a GET, so the search is in the address).
  await lw.check('#delivery-online');
  await lw.click('button:has-text("Search")');
  assert.match(lw.url(), /delivery=online/);
  await checkAccessibility(lw, 'directory search, online');
  const online = await lw.$$eval('.lw-directory-result', (cards) => cards.length);
  assert.ok(online > 0 && online < all, `online services: ${online} of ${all}`);

  // Distance from a postcode near the demo's places: nearest first, distances shown.
  const postcode = 'RV1 3DE'; // a demo organisation's postcode
  await lw.goto(`${base}/directory?postcode=${encodeURIComponent(postcode)}`);
  await checkAccessibility(lw, 'directory search by distance');
  const distances = await lw.$$eval('.lw-distance', (els) => els.map((e) => parseFloat(e.textContent)));
  assert.ok(distances.length > 0, 'distances shown');
  assert.deepEqual(distances, [...distances].sort((a, b) => a - b), 'nearest first');

  await lw.click('.lw-directory-result h3 a');
  await lw.waitForSelector('h2:has-text("For staff only")');
  await checkAccessibility(lw, 'service page');

  // A partner edits one of its own services.
  const partner = await signIn(demo, 'VCSE partner');
  await partner.click('a:has-text("Our services")');
  await partner.waitForSelector('h1:has-text("Our services")');
  await checkAccessibility(partner, 'our services');
  await partner.click('table a:has-text("Edit")');
  await partner.waitForSelector('h1:has-text("Edit")');
  await checkAccessibility(partner, 'edit a service');
  await partner.fill('#waiting_list', 'lots');
  await partner.click('button:has-text("Save")');
  await partner.waitForSelector('.nhsuk-error-summary');
  await checkAccessibility(partner, 'edit a service with errors');
  await partner.fill('#waiting_list', '4');
  await partner.fill('#capacity_note', 'Two new groups start in spring');
  await partner.check('#verified');
  await partner.click('button:has-text("Save")');
  await partner.waitForSelector('text=Service details saved');
  await checkAccessibility(partner, 'service page after saving');
  assert.equal((await partner.textContent('.lw-waiting')).trim(), '4');
  assert.ok(await partner.$('text=Two new groups start in spring'));
});
