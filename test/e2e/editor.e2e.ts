/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/**
 * Scenario 5: the editor in a real browser (Debian's chromium, playwright-core).
 * Opens a workflow with both nodes, opens each node's panel, saves screenshots
 * under .e2e/screenshots/ and fails on a missing icon or a parameter issue.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './browser';
import type { Simulator } from '../../sandbox/simulator/api';
import { loginWithPhone, makeClient, startSim } from '../helpers/sim-client';
import { OWNER, ROOT, type N8nLine } from '../../sandbox/launcher/n8n-instance';
import { sharedN8n, type SharedN8n } from './shared-n8n';
import { node, rl, T, useCredential, workflow } from './workflows';

const LINES = (process.env.N8N_E2E_LINES ?? '1,2').split(',').map((s) => s.trim()) as N8nLine[];
const SHOTS = path.join(ROOT, '.e2e', 'screenshots');
const WF = 'e2eEditor000001';
// Suites share one n8n per line: this suite's own credential.
const CRED = { weChatWebApi: useCredential('wechatE2eEditor1', 'WeChat E2E editor') };

describe.each(LINES)('n8n line %s: editor', (line) => {
	let sim: Simulator;
	let n8n: SharedN8n;

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		sim = await startSim();
		const client = makeClient(sim);
		await loginWithPhone(client, sim);
		n8n = await sharedN8n(line);
		await n8n.importCredentials([
			{ ...CRED.weChatWebApi, type: 'weChatWebApi', data: { loginMode: 'desktop', originOverride: sim.origin, session: client.toJSON(), sessionImport: '', sessionRevision: '1' } },
		]);
		await n8n.importWorkflows([
			workflow(WF, 'WeChat auto-reply', [
				node({ name: 'WeChat Web Trigger', type: T.trigger, parameters: {} }),
				node({
					name: 'Reply',
					type: T.action,
					parameters: { resource: 'message', operation: 'sendText', recipient: rl('id', '={{ $json.chat.id }}'), text: '=You said: {{ $json.text }}' },
				}),
			]),
		]);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		await sim?.close();
	});

	it('renders both nodes with their icons and without parameter issues, canvas and panels', async () => {
		const browser = await launchChromium();
		try {
			const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
			await page.goto(`${n8n.baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
			await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
			await page.locator('input[type="password"]').first().fill(OWNER.password);
			await page.locator('button:has-text("Sign in")').first().click();
			await page.waitForURL((u) => !u.pathname.includes('signin'), { timeout: 60000 });
			await page.goto(`${n8n.baseUrl}/workflow/${WF}`, { waitUntil: 'domcontentloaded' });
			const nodes = page.locator('[data-test-id="canvas-node"]');
			await nodes.first().waitFor({ timeout: 60000 });
			await page.waitForTimeout(2000);
			await page.keyboard.press('Shift+1').catch(() => undefined);
			await page.waitForTimeout(800);
			expect(await nodes.count()).toBe(2);
			await expectIconsLoaded(page);
			expect(await page.locator('[data-test-id="canvas-node"] [data-test-id="node-issues"]').count()).toBe(0);
			await page.screenshot({ path: path.join(SHOTS, `n8n${line}-canvas.png`) });
			for (const [name, file] of [
				['WeChat Web Trigger', 'trigger-panel'],
				['Reply', 'action-panel'],
			]) {
				await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).first().dblclick();
				await page.locator('[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]').first().waitFor({ timeout: 30000 });
				await page.waitForTimeout(1500);
				const ndvText = await page.locator('[data-test-id="ndv"], .ndv-wrapper').first().innerText();
				expect(ndvText).not.toMatch(/Issues:|Parameter .* is required|Install this node to use it|not currently installed/i);
				await page.screenshot({ path: path.join(SHOTS, `n8n${line}-${file}.png`) });
				await page.keyboard.press('Escape');
				await page.waitForTimeout(600);
			}
		} finally {
			await browser.close();
		}
	});
});

/** Every node icon on the canvas is an image that actually loaded (no fallback glyph). */
async function expectIconsLoaded(page: Page): Promise<void> {
	const icons = await page.locator('[data-test-id="canvas-node"] img').evaluateAll((imgs) =>
		imgs.map((img) => ({ src: (img as HTMLImageElement).src, ok: (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0 })),
	);
	expect(icons.length).toBeGreaterThanOrEqual(2);
	for (const icon of icons) expect(icon).toMatchObject({ ok: true });
	expect(icons.every((i) => /wechat/i.test(i.src))).toBe(true);
}
