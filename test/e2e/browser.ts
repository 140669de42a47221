/** Debian's headless Chromium through playwright-core, with this machine's closed network in mind. */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
	});
}
