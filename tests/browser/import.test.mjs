// Importing referrals from a CSV file on the upload page, in headless Chromium against
// `linkwork demo`, with every state of the page checked by axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startDemo, checkAccessibility, signIn } from './support.mjs';

const example = readFileSync(new URL('../../docs/examples/referrals.csv', import.meta.url));
const header = example.toString().split('\n')[0];
const shots = process.env.LINKWORK_SCREENSHOTS; // a folder to save screenshots in, when set

let demo;
before(async () => { demo = await startDemo(40); });
after(async () => demo?.stop());

async function upload(page, name, buffer, options = []) {
  await page.setInputFiles('input[name=file]', { name, mimeType: 'text/csv', buffer });
  for (const option of ['dry_run', 'skip_bad_rows']) {
    if (options.includes(option)) await page.check(`#${option}`); else await page.uncheck(`#${option}`);
  }
  await page.click('button:has-text("Upload file")');
  await page.waitForLoadState();
}

test('a link worker checks a file, sees its problems by line and column, and imports it', async () => {
  const lw = await signIn(demo, 'Link worker');
  await lw.goto(`${demo.base}/caseload`);
  await lw.click('a:has-text("Import referrals from a CSV file")');
  assert.match(await lw.textContent('h1'), /Import referrals from a CSV file/);
  await checkAccessibility(lw, 'import page');

  // A file with problems: nothing imported, an error summary and a table of problems.
  const broken = Buffer.from(`${header}\n9434765918,Bo,Test,31/02/1960,1,H,nowhere,Y01002,2026-11-03,self,Self,Debt worries,money\n`);
  await upload(lw, 'broken.csv', broken);
  await lw.waitForSelector('.nhsuk-error-summary');
  assert.match(await lw.textContent('.nhsuk-error-summary'), /Nothing has been imported/);
  assert.match(await lw.textContent('#problems'), /not a valid NHS number/);
  await checkAccessibility(lw, 'import page with problems');
  if (shots) await lw.screenshot({ path: `${shots}/import-problems.png`, fullPage: true });

  // A problem with the header is one message against the file.
  await upload(lw, 'wrong.csv', Buffer.from('NHS number,Name\n9434765919,Ada\n'));
  assert.match(await lw.textContent('.nhsuk-error-summary'), /missing the columns given_name/);
  await checkAccessibility(lw, 'import page with a file problem');

  // Check only, then import.
  await upload(lw, 'referrals.csv', example, ['dry_run']);
  await lw.waitForSelector('text=The file is ready to import');
  await checkAccessibility(lw, 'import page after a check');
  if (shots) await lw.screenshot({ path: `${shots}/import-checked.png`, fullPage: true });
  await upload(lw, 'referrals.csv', Buffer.concat([example, broken.subarray(header.length + 1)]), ['skip_bad_rows']);
  await lw.waitForSelector('.nhsuk-panel');
  assert.match(await lw.textContent('.nhsuk-panel'), /10 referrals imported/);
  assert.match(await lw.textContent('#problems'), /Rows skipped: 1 row not imported/);
  await checkAccessibility(lw, 'import page after an import');
  if (shots) await lw.screenshot({ path: `${shots}/import-done.png`, fullPage: true });

  // Imported referrals are new and unassigned: they wait in triage.
  await lw.goto(`${demo.base}/triage`);
  assert.match(await lw.textContent('main'), /Margaret Example/);
  await lw.context().close();
});
