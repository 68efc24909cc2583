// End-to-end tests of the web console in headless Debian chromium: real Keycloak login (authorization code + PKCE),
// a regulator loads its own approval key into the browser, approves a pending query with it and sees the payout and a
// verified inclusion proof, the last checkpoint anchor on the health page and the ANCHORED events in the audit trail,
// and is warned when the ledger does not extend the checkpoint its browser verified last; an insurer does not get
// the approvals queue; a hospital allows a template by its content hash, sets its own disclosure limits and is warned
// when its privacy budget reaches the threshold it sets. Started by scripts/console-test.sh, which seeds the service and sets the environment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { importApprovalKey } from '../service/src/main/resources/META-INF/resources/console/js/approval.js';

const BASE = process.env.CONSOLE_URL || 'http://127.0.0.1:19210';
const QUERY_ID = process.env.PENDING_QUERY_ID;
const MEMBER_VKEY = process.env.MEMBER_VKEY;
const SHARED_RECORD = process.env.SHARED_RECORD;
const APPROVAL_KEY_FILE = process.env.APPROVAL_KEY_FILE;
const SHOTS = process.env.SCREENSHOT_DIR || 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

let browser;

before(async () => {
  assert.ok(QUERY_ID, 'PENDING_QUERY_ID must name the query the seed left waiting');
  assert.ok(MEMBER_VKEY, 'MEMBER_VKEY must hold the ledger member\'s verifier key');
  assert.ok(APPROVAL_KEY_FILE, 'APPROVAL_KEY_FILE must name the regulator\'s approval key (medshare party keygen)');
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
});

after(async () => {
  if (browser) await browser.close();
});

async function signIn(user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${BASE}/console/`);
  await page.getByRole('button', { name: 'Sign in with Keycloak' }).waitFor();
  if (user === 'rita') await shot(page, 'sign-in');
  await page.getByRole('button', { name: 'Sign in with Keycloak' }).click();
  await page.waitForURL(/\/realms\/medshare\/protocol\/openid-connect\/auth/);
  const authorize = new URL(page.url());
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(authorize.searchParams.get('client_id'), 'medshare-console');
  assert.match(authorize.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(`${user}-password`);
  await page.locator('#kc-login').click();
  await page.waitForURL(`${BASE}/console/#/**`);
  await page.locator('#identity').filter({ hasText: user }).waitFor();
  assert.ok(!page.url().includes('code='), 'the authorization code is removed from the address bar');
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes('pkce.verifier'), 'the code verifier is dropped after the exchange');
  return { context, page, consoleErrors };
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

test('a regulator loads its approval key, approves the pending query with it, sees the payout and verifies an event proof and its checkpoint signature in the browser', async () => {
  const { context, page, consoleErrors } = await signIn('rita');
  const nav = page.getByRole('navigation', { name: 'Pages' });
  for (const name of ['Audit trail', 'Approvals', 'Privacy budgets', 'Payouts', 'Health']) {
    await nav.getByRole('link', { name }).waitFor();
  }
  await shot(page, 'audit-trail');

  await nav.getByRole('link', { name: 'Approvals' }).click();
  const row = page.getByRole('row').filter({ hasText: QUERY_ID });
  await row.waitFor();
  await shot(page, 'approvals-pending');
  const refuse = row.getByRole('button', { name: `Refuse query ${QUERY_ID}` });
  assert.equal(await refuse.isDisabled(), true, 'refusing needs a reason');
  const approve = row.getByRole('button', { name: `Approve query ${QUERY_ID}` });
  assert.equal(await approve.isDisabled(), true, 'approving needs the regulator\'s approval key');
  await page.locator('#approve-needs-key').filter({ hasText: 'Load your approval key' }).waitFor();
  const keyFile = page.getByLabel(/PKCS#8 file from medshare party keygen/);
  await keyFile.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a key') });
  await page.getByRole('alert').filter({ hasText: 'notes.txt: this is not an Ed25519 PKCS#8 key' }).waitFor();
  assert.equal(await approve.isDisabled(), true, 'a file that is not a key loads nothing');
  const keyId = (await importApprovalKey(readFileSync(APPROVAL_KEY_FILE))).keyId;
  await keyFile.setInputFiles(APPROVAL_KEY_FILE);
  await page.locator('#approval-key-id').filter({ hasText: keyId.slice(0, 16) }).waitFor();
  assert.equal(await approve.isDisabled(), false, 'the loaded key lets the regulator approve');
  assert.doesNotMatch(await page.getByRole('region', { name: 'Your approval key' }).textContent(), /null|undefined/);
  await shot(page, 'approvals-key-loaded');

  // terms the browser cannot check are not signed, and nothing is posted
  const posted = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/approve')) posted.push(r.url()); });
  const tamperings = {
    'the service\'s content hash is not that of the template and request it sent':
      (t) => ({ ...t, template: `${t.template} ` }),
    'purpose:marketing@2026Q4, beyond the template\'s purpose insurance-stats':
      (t) => ({ ...t, purposeAttributes: [...t.purposeAttributes, 'purpose:marketing@2026Q4'] }),
  };
  for (const [refusal, tamper] of Object.entries(tamperings)) {
    await page.route('**/approval-terms', async (route) => {
      const served = await route.fetch();
      await route.fulfill({ response: served, json: tamper(await served.json()) });
    });
    await approve.click();
    await page.getByRole('alert').filter({ hasText: `Query ${QUERY_ID} was not approved: ` }).filter({ hasText: refusal })
      .filter({ hasText: 'Nothing was signed or sent.' }).waitFor();
    await page.unroute('**/approval-terms');
    await approve.and(page.locator(':enabled')).waitFor();
  }
  assert.deepEqual(posted, [], 'no approval is posted for terms the browser refused');
  await shot(page, 'approvals-terms-refused');

  await approve.click();
  const decided = page.locator('.notice').filter({ hasText: `Query ${QUERY_ID} is now COMPLETED` });
  await decided.waitFor({ timeout: 120_000 });
  assert.match(await decided.textContent(),
    /You signed: template count-by-sex v1, purpose attributes purpose:insurance-stats@\d{4}Q[1-4]/);
  await page.getByText('No query is waiting for approval.').waitFor();
  await shot(page, 'approvals-decided');
  await page.reload();
  await page.locator('#approval-key-id').filter({ hasText: keyId.slice(0, 16) }).waitFor();
  const kept = await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('medshare.console');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const all = open.result.transaction('approval-keys').objectStore('approval-keys').getAll();
      all.onerror = () => reject(all.error);
      all.onsuccess = () => resolve(all.result.map((k) => ({
        type: k.privateKey.type, algorithm: k.privateKey.algorithm.name, extractable: k.privateKey.extractable,
        usages: k.privateKey.usages, spkiBytes: k.spki.length })));
    };
  }));
  assert.deepEqual(kept, [{ type: 'private', algorithm: 'Ed25519', extractable: false, usages: ['sign'], spkiBytes: 44 }],
    'the browser keeps only the non-extractable signing key and the public key');
  await page.getByRole('button', { name: 'Forget key' }).click();
  await page.getByLabel(/PKCS#8 file from medshare party keygen/).waitFor();
  await page.reload();
  await page.getByLabel(/PKCS#8 file from medshare party keygen/).waitFor();
  assert.equal(await page.locator('#approval-key-id').count(), 0, 'a forgotten key is not loaded again');

  await nav.getByRole('link', { name: 'Payouts' }).click();
  const payments = page.getByRole('table', { name: 'Payments' });
  await payments.getByRole('row').filter({ hasText: QUERY_ID }).first().waitFor();
  const paidRows = await payments.getByRole('row').filter({ hasText: QUERY_ID }).allTextContents();
  assert.ok(paidRows.some((r) => r.includes('hospital-a')) && paidRows.some((r) => r.includes('hospital-b')),
    `both hospitals are paid for ${QUERY_ID}: ${paidRows}`);
  await page.getByRole('img', { name: 'Cumulative earnings per hospital over time' }).waitFor();
  await shot(page, 'payouts');

  await nav.getByRole('link', { name: 'Audit trail' }).click();
  await page.getByLabel('Event type').waitFor();
  const served = await page.evaluate(async () => {
    const answer = await fetch('/api/v1/audit/event-types', { headers: { Authorization: `Bearer ${sessionStorage.getItem('medshare.token')}` } });
    return (await answer.json()).map((t) => t.name);
  });
  assert.ok(served.includes('PAYMENT') && served.includes('ANCHORED'), `event types served: ${served}`);
  assert.deepEqual(await page.getByLabel('Event type').locator('option').allTextContents(), ['Any', ...served],
    'the event-type filter offers the types the API serves');
  await page.getByLabel('Event type').selectOption('PAYMENT');
  await page.getByLabel('Query id').fill(QUERY_ID);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const events = page.getByRole('table', { name: 'Audit events' });
  const eventRows = events.locator('tbody tr');
  // The filtered page replaces the unfiltered one asynchronously: wait until the table shows this query's events.
  await page.waitForFunction((query) => {
    const rows = [...document.querySelectorAll('table tbody tr')];
    return rows.length > 0 && rows.every((r) => r.textContent.includes(query) && r.textContent.includes('PAYMENT'));
  }, QUERY_ID, { timeout: 30_000 });
  assert.equal(await eventRows.count(), 2, 'one PAYMENT event per hospital for the query');
  await shot(page, 'audit-filtered');
  await eventRows.first().getByRole('link').click();
  await page.locator('#proof-status').filter({ hasText: 'Proof verified in this browser' }).waitFor({ timeout: 30_000 });
  const failed = await page.locator('.steps .badge.bad').count();
  assert.equal(failed, 0, 'every verification step passed');
  assert.ok(await page.getByRole('table', { name: 'Checkpoint signatures' }).getByRole('row').count() >= 2,
    'the checkpoint signatures are listed');
  const keys = page.getByLabel(/Trusted checkpoint keys/);
  await keys.fill('not-a-key');
  await page.getByRole('button', { name: 'Check signatures' }).click();
  await page.locator('#signature-status').filter({ hasText: 'The trusted keys were not used' }).waitFor();
  await keys.fill(MEMBER_VKEY);
  await page.getByRole('button', { name: 'Check signatures' }).click();
  await page.locator('#signature-status').filter({ hasText: 'Checkpoint signature verified in this browser' }).waitFor();
  assert.equal(await page.getByRole('table', { name: 'Checkpoint signatures' }).locator('.badge.ok').count(), 1);
  await shot(page, 'event-proof');

  await nav.getByRole('link', { name: 'Health' }).click();
  await page.locator('#enclave-mode').filter({ hasText: 'SIMULATED' }).waitFor();
  await page.getByRole('table', { name: 'Storage nodes' }).waitFor();
  await page.getByRole('table', { name: 'Enclaves' }).waitFor();
  await page.getByRole('region', { name: 'Suspended organisations (black list)' })
    .getByText('No organisation is suspended.').waitFor();
  // the seed's uploads were anchored on the local EVM node: the last anchor names its transaction
  await page.locator('#last-anchor-tx').filter({ hasText: /^0x[0-9a-f]{64}$/ }).waitFor({ timeout: 30_000 });
  await page.locator('#anchor-state').filter({ hasText: 'ok' }).waitFor();
  const anchorTx = (await page.locator('#last-anchor-tx').textContent()).trim();
  await shot(page, 'health');
  await page.locator('#last-anchor').getByRole('link').click();
  // the health page shows the same transaction hash: wait for the event page's own type badge first
  await page.locator('dl.kv dd .badge').filter({ hasText: 'ANCHORED' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('dl.kv dd.mono').filter({ hasText: anchorTx.slice(2) }).count(), 1,
    'the health page links the ANCHORED entry of its transaction');

  await nav.getByRole('link', { name: 'Audit trail' }).click();
  await page.getByLabel('Event type').selectOption('ANCHORED');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('table tbody tr')];
    return rows.length > 0 && rows.every((r) => r.textContent.includes('ANCHORED'));
  }, null, { timeout: 30_000 });
  const anchorRow = page.getByRole('table', { name: 'Audit events' }).locator('tbody tr').filter({ hasText: anchorTx });
  assert.equal(await anchorRow.count(), 1, 'the audit trail lists the ANCHORED event with its transaction');
  await anchorRow.getByRole('link', { name: /^entries 0–\d+$/ }).waitFor();
  await shot(page, 'audit-anchored');
  assert.deepEqual(consoleErrors, [], 'no error in the browser console');
  await context.close();
});

test('a regulator\'s browser keeps the checkpoint it verified and warns loudly when the ledger does not extend it', async () => {
  const { context, page, consoleErrors } = await signIn('rita');
  const KEPT = 'medshare.lastVerifiedCheckpoint';
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, KEPT);
  const kept = JSON.parse(await page.evaluate((key) => localStorage.getItem(key), KEPT));
  assert.ok(kept.size > 0, 'the first visit keeps the latest checkpoint');
  await page.reload();
  await page.locator('#identity').filter({ hasText: 'rita' }).waitFor();
  assert.equal(await page.locator('#fork-warning').count(), 0, 'the same or a grown ledger is no fork');
  await page.evaluate((key) => { // what this browser saw last differs from the log the service shows now
    const k = JSON.parse(localStorage.getItem(key));
    k.root = btoa('x'.repeat(32));
    localStorage.setItem(key, JSON.stringify(k));
  }, KEPT);
  await page.reload();
  await page.locator('#fork-warning').filter({ hasText: 'LEDGER FORK' }).waitFor({ timeout: 30_000 });
  await shot(page, 'fork-warning');
  assert.equal(JSON.parse(await page.evaluate((key) => localStorage.getItem(key), KEPT)).root, btoa('x'.repeat(32)),
    'a checkpoint that does not extend the kept one never replaces it');
  assert.deepEqual(consoleErrors, [], 'no error in the browser console');
  await context.close();
});

test('an insurer sees its query status but not the approvals queue', async () => {
  const { context, page } = await signIn('irene');
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await nav.getByRole('link', { name: 'My queries' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Approvals' }).count(), 0, 'no approvals link for an insurer');
  assert.equal(await nav.getByRole('link', { name: 'Audit trail' }).count(), 0, 'no audit link for an insurer');
  await page.getByRole('row').filter({ hasText: QUERY_ID }).filter({ hasText: 'COMPLETED' }).waitFor();
  await shot(page, 'insurer-queries');
  const before = await page.evaluate(() => sessionStorage.getItem('medshare.token'));
  await page.evaluate(() => sessionStorage.setItem('medshare.expires', '0'));
  await page.reload();
  await page.getByRole('row').filter({ hasText: QUERY_ID }).waitFor();
  const after = await page.evaluate(() => sessionStorage.getItem('medshare.token'));
  assert.ok(after && after !== before, 'an expired access token is replaced through the refresh token');
  await page.goto(`${BASE}/console/#/approvals`);
  await page.getByText('Your role may not see this page.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Approve query/ }).count(), 0);
  await context.close();
});

test('a hospital sees its data-use rules, records and its own payouts only', async () => {
  const { context, page } = await signIn('alice');
  await page.goto(`${BASE}/console/#/data-use`);
  await page.getByRole('heading', { name: 'Data-use rules' }).waitFor();
  await page.getByRole('region', { name: 'Data-use rules' }).getByText('insurance-stats/*').waitFor();
  await page.getByRole('table', { name: 'Your records' }).waitFor();
  await shot(page, 'hospital-data-use');
  await page.goto(`${BASE}/console/#/payouts`);
  const payments = page.getByRole('table', { name: 'Payments' });
  await payments.waitFor();
  const rows = await payments.locator('tbody tr').allTextContents();
  assert.ok(rows.length > 0 && rows.every((r) => r.includes('hospital-a') && !r.includes('hospital-b')), `own payouts only: ${rows}`);
  await context.close();
});

test('a hospital allows a template by its content, sets its own disclosure limits and is warned at its own budget threshold', async () => {
  const { context, page } = await signIn('alice');
  await page.goto(`${BASE}/console/#/data-use`);
  const templates = page.getByRole('table', { name: 'Approved templates' });
  await templates.getByRole('button', { name: 'Allow the content of count-by-sex v1' }).click();
  await page.getByRole('button', { name: 'Revoke content approval of count-by-sex v1' }).waitFor();
  await page.locator('.notice').filter({ hasText: 'Rules saved.' }).waitFor();
  const pinned = await page.getByRole('region', { name: 'Data-use rules' }).locator('code').allTextContents();
  assert.ok(pinned.some((r) => /^insurance-stats\/sha256:[0-9a-f]{64}$/.test(r)), `a content rule among ${pinned}`);

  await page.getByText('No limits of our own').waitFor();
  await page.getByLabel('Minimum group size k').fill('12');
  await page.getByLabel(/Allowed aggregates/).fill('count, mean');
  await page.getByRole('button', { name: 'Save limits' }).click();
  await page.locator('.notice').filter({ hasText: 'Limits saved' }).waitFor();
  const inForce = await page.getByLabel('Disclosure limits in force').textContent();
  assert.match(inForce, /k12/);
  assert.match(inForce, /aggregatescount, mean/);
  await shot(page, 'hospital-disclosure-limits');

  await page.goto(`${BASE}/console/#/budgets`);
  const budgets = page.getByRole('table', { name: 'Budgets' });
  await budgets.getByRole('row').filter({ hasText: 'hospital-a' }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'no warning below the default 80%');
  await page.getByLabel(/Warn when this share/).fill('1');
  await page.getByRole('button', { name: 'Save threshold' }).click();
  await page.getByRole('alert').filter({ hasText: 'Nearly exhausted: hospital-a' }).filter({ hasText: '(warning at 1%)' }).waitFor();
  await budgets.getByText('nearly exhausted (≥ 1%)').waitFor();
  await shot(page, 'hospital-budgets');
  await context.close();
});

test('a hospital sees who opened its records and checks the release in the ledger; the regulator reviews the emergency access', async () => {
  assert.ok(SHARED_RECORD, 'SHARED_RECORD must name the record the seed released in an emergency');
  const hospital = await signIn('alice');
  await hospital.page.goto(`${BASE}/console/#/access`);
  const releases = hospital.page.getByRole('table', { name: 'Releases of your records' });
  await releases.waitFor();
  const row = releases.locator('tbody tr').filter({ hasText: SHARED_RECORD });
  await row.getByText('hospital-b:').waitFor();
  await row.getByText('break-glass').waitFor();
  await row.getByRole('button', { name: /Check ledger entry/ }).click();
  await row.getByText(/verified \(checkpoint \d+\)/).waitFor();
  await shot(hospital.page, 'hospital-access');
  assert.deepEqual(hospital.consoleErrors, []);
  await hospital.context.close();

  const regulator = await signIn('rita');
  await regulator.page.goto(`${BASE}/console/#/break-glass`);
  const cases = regulator.page.getByRole('table', { name: 'Emergency releases' });
  await cases.waitFor();
  const pending = cases.locator('tbody tr').filter({ hasText: SHARED_RECORD });
  await pending.getByText('cardiac arrest in the emergency department').waitFor();
  regulator.page.once('dialog', (d) => d.accept('reviewed with the hospital\'s DPO'));
  await pending.getByRole('button', { name: /Mark emergency release \d+ reviewed/ }).click();
  await regulator.page.getByText(/marked reviewed/).waitFor();
  await regulator.page.reload();
  await cases.locator('tbody tr').filter({ hasText: SHARED_RECORD }).getByText('reviewed with the hospital\'s DPO').waitFor();
  await shot(regulator.page, 'regulator-break-glass');
  assert.deepEqual(regulator.consoleErrors, []);
  await regulator.context.close();
});
