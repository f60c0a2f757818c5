// Swagger UI in a real browser: the new-user path from the README.
//
//   node --test tests/browser/        (from the repo root; or: bash scripts/browser-test.sh)
//
// Starts `carechat serve` itself on a free port with every store in one SQLite file in a
// temporary directory, registers a patient over HTTP, then drives /docs/ in Chromium
// (playwright-core, system browser at /usr/bin/chromium): Authorize with the access token,
// `GET /api/v1/auth/me` → Try it out → Execute, and checks the rendered 200 response.
//
// Environment: CARECHAT_BIN (server binary; default ../../target/debug/carechat from this
// file), CHROMIUM_PATH (default /usr/bin/chromium). Screenshot: target/browser/swagger-authorized.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BIN = resolve(process.env.CARECHAT_BIN || join(ROOT, 'target', 'debug', 'carechat'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCREENSHOT = join(ROOT, 'target', 'browser', 'swagger-authorized.png');

const STEP_TIMEOUT = 15_000; // every browser wait / action
const READY_TIMEOUT = 30_000; // server start-up (migrations on a fresh SQLite file)

// Not the README's example number, so a match can only come from the live response.
const PATIENT = {
    fullName: 'Browser Test Patient',
    phoneNumber: '+250788000917',
    password: 'swagger-tulip-917',
};

let server; // child process
let serverExited = null; // { code, signal } once it exits
let workDir;
let logPath;
let base;
let browser;

function freePort() {
    return new Promise((resolvePort, reject) => {
        const srv = createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolvePort(port));
        });
    });
}

function serverLog(lines = 40) {
    try {
        return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
        return '(no server log)';
    }
}

async function waitReady() {
    const deadline = Date.now() + READY_TIMEOUT;
    let last = 'no answer';
    while (Date.now() < deadline) {
        if (serverExited) {
            throw new Error(`server exited (${JSON.stringify(serverExited)}) before ready; log:\n${serverLog()}`);
        }
        try {
            const res = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2_000) });
            if (res.ok) return;
            last = `${res.status} ${await res.text()}`;
        } catch (err) {
            last = String(err.cause?.code || err.message);
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`server not ready after ${READY_TIMEOUT} ms (last: ${last}); log:\n${serverLog()}`);
}

async function stopServer() {
    if (!server || serverExited) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
}

before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'carechat-browser-'));
    logPath = join(workDir, 'server.log');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const db = `sqlite://${workDir}/b.db`;
    const env = {
        ...process.env,
        CARECHAT_SERVER__HOST: '127.0.0.1',
        CARECHAT_SERVER__PORT: String(port),
        CARECHAT_STORAGE__IDENTITY: db,
        CARECHAT_STORAGE__TRACK1: db,
        CARECHAT_STORAGE__TRACK2: db,
        CARECHAT_STORAGE__TRACK3: db,
        CARECHAT_STORAGE__ANALYTICS: db,
    };
    const log = createWriteStream(logPath);
    server = spawn(BIN, ['serve'], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.pipe(log);
    server.stderr.pipe(log);
    server.on('exit', (code, signal) => {
        serverExited = { code, signal };
    });
    server.on('error', (err) => {
        serverExited = { error: err.message };
    });
    await waitReady();

    browser = await chromium.launch({
        executablePath: CHROMIUM,
        timeout: STEP_TIMEOUT,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
});

after(async () => {
    try {
        if (browser) await browser.close();
    } finally {
        await stopServer();
        if (workDir) rmSync(workDir, { recursive: true, force: true });
    }
});

test('/docs redirects to the Swagger UI at /docs/', { timeout: 30_000 }, async () => {
    const res = await fetch(`${base}/docs`, { redirect: 'manual', signal: AbortSignal.timeout(STEP_TIMEOUT) });
    assert.ok(res.status >= 300 && res.status < 400, `GET /docs: expected a redirect, got ${res.status}`);
    assert.equal(new URL(res.headers.get('location'), `${base}/docs`).href, `${base}/docs/`);

    const page = await browser.newPage();
    try {
        page.setDefaultTimeout(STEP_TIMEOUT);
        await page.goto(`${base}/docs`, { timeout: STEP_TIMEOUT });
        assert.equal(new URL(page.url()).pathname, '/docs/');
        await page.locator('.swagger-ui .info .title').filter({ hasText: 'CareChat API' }).waitFor();
    } finally {
        await page.close();
    }
});

test('a new patient authorizes in Swagger UI and calls GET /api/v1/auth/me', { timeout: 90_000 }, async (t) => {
    const t0 = Date.now();
    const mark = (what) => t.diagnostic(`${what} at ${Date.now() - t0} ms`);

    // 1. Register the patient (what the README tells a new user to do first).
    const reg = await fetch(`${base}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(PATIENT),
        signal: AbortSignal.timeout(STEP_TIMEOUT),
    });
    const regBody = await reg.text();
    assert.equal(reg.status, 201, `register: ${reg.status} ${regBody}`);
    const { accessToken } = JSON.parse(regBody);
    assert.ok(typeof accessToken === 'string' && accessToken.length > 20, `no accessToken in ${regBody}`);
    mark('registered');

    const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT);
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // What the browser really sends to /auth/me (the proof that Authorize applied the token).
    const meRequests = [];
    page.on('request', (req) => {
        if (new URL(req.url()).pathname === '/api/v1/auth/me') {
            meRequests.push({ method: req.method(), authorization: req.headers()['authorization'] });
        }
    });

    try {
        // 2. The UI renders the CareChat document.
        await page.goto(`${base}/docs/`);
        await page.locator('.swagger-ui .info .title').filter({ hasText: 'CareChat API' }).waitFor();
        const meBlock = page
            .locator('.opblock.opblock-get')
            .filter({ has: page.locator('.opblock-summary-path[data-path="/api/v1/auth/me"]') });
        await meBlock.waitFor();
        assert.equal(await meBlock.count(), 1, 'exactly one GET /api/v1/auth/me operation');
        mark('UI rendered');

        // 3. Authorize: the dialog, the "bearer" scheme, paste the token, confirm, close.
        const authorizeBtn = page.locator('.scheme-container .auth-wrapper .btn.authorize');
        await authorizeBtn.click();
        const dialog = page.locator('.dialog-ux .modal-ux');
        await dialog.waitFor();
        const bearer = dialog
            .locator('.auth-container')
            .filter({ has: page.locator('h4 code', { hasText: /^bearer$/ }) });
        assert.equal(await bearer.count(), 1, 'one security scheme named "bearer" in the Authorize dialog');
        await bearer.locator('input[type=text]').fill(accessToken);
        await bearer.locator('button.authorize[type=submit]').click();
        // Swagger UI's confirmation: "Authorized", the value masked, a Logout button.
        await bearer.locator('h6', { hasText: 'Authorized' }).waitFor();
        await bearer.locator('button', { hasText: 'Logout' }).waitFor();
        await dialog.locator('button.btn-done').click();
        await dialog.waitFor({ state: 'detached' });
        assert.match((await authorizeBtn.getAttribute('class')) ?? '', /\blocked\b/, 'Authorize button shows locked');
        mark('authorized');

        // 4. Expand GET /api/v1/auth/me, Try it out, Execute.
        await meBlock.locator('.opblock-summary-path[data-path="/api/v1/auth/me"]').click();
        await meBlock.locator('.try-out__btn').click();
        await meBlock.locator('.execute').click();
        // tbody: the header row has its own "Code" cell with the same class.
        const status = meBlock.locator('.responses-wrapper .live-responses-table tbody .response-col_status');
        await status.waitFor();
        mark('response rendered');

        // 5. The rendered response: 200 and the registered phone number.
        assert.equal((await status.innerText()).trim(), '200');
        const body = meBlock.locator('.responses-wrapper .live-responses-table tbody .response-col_description');
        await body.filter({ hasText: PATIENT.phoneNumber }).waitFor();
        const bodyText = await body.innerText();
        assert.ok(bodyText.includes(PATIENT.fullName), `response body lacks the name: ${bodyText}`);
        // The curl line Swagger UI shows carries the token it sent.
        const curl = await meBlock.locator('.curl-command').innerText();
        assert.ok(curl.includes(`Authorization: Bearer ${accessToken}`), `curl line lacks the bearer token: ${curl}`);

        // The whole operation: its header (locked padlock), the curl line, the live response.
        mkdirSync(dirname(SCREENSHOT), { recursive: true });
        await meBlock.screenshot({ path: SCREENSHOT });
        t.diagnostic(`screenshot: ${SCREENSHOT}`);

        assert.deepEqual(meRequests, [{ method: 'GET', authorization: `Bearer ${accessToken}` }]);
        assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
        mark('done');
    } catch (err) {
        // Leave evidence of where it stopped.
        mkdirSync(dirname(SCREENSHOT), { recursive: true });
        await page
            .screenshot({ path: join(dirname(SCREENSHOT), 'swagger-failure.png'), fullPage: true, timeout: 5_000 })
            .catch(() => {});
        err.message += `\n(failure screenshot: target/browser/swagger-failure.png; requests to /auth/me: ${JSON.stringify(meRequests)}; server log tail:\n${serverLog(15)})`;
        throw err;
    } finally {
        await context.close();
    }
});

test('the chat stream operation shows its Server-Sent Events format', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    const path = '/api/v1/chat/conversations/{id}/messages';
    try {
        await page.goto(`${base}/docs/`);
        const block = page
            .locator('.opblock.opblock-post')
            .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
        await block.waitFor();
        await block.locator(`.opblock-summary-path[data-path="${path}"]`).click();
        // The events, in order, as the operation's description lists them.
        const description = block.locator('.opblock-description-wrapper').filter({ hasText: 'event: delta' });
        await description.waitFor();
        const text = await description.innerText();
        for (const event of ['event: message', 'event: delta', 'event: done', 'event: error']) {
            assert.ok(text.includes(event), `the description lacks "${event}": ${text}`);
        }
        // The 200 answer is the event stream, with the events' data schema beside it.
        const streamed = block.locator('tr.response[data-code="200"]');
        await streamed.waitFor();
        const mediaTypes = await streamed.locator('select option').allInnerTexts();
        assert.ok(mediaTypes.includes('text/event-stream'), `200 media types: ${mediaTypes}`);
        assert.ok((await block.locator('tr.response[data-code="201"]').count()) === 1, 'the JSON answer is 201');
    } finally {
        await page.close();
    }
});
