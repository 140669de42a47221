/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * A quiet trigger sleeps about 17,000 times a day (synccheck holds, back-offs,
 * pauses) on one long-lived abort signal. Each sleep must take its abort
 * listener with it when it ends: n8n-workflow 1.x's `sleepWithAbort` alone
 * never removes it (issue 16 item 14). Real clock, not simulated time.
 */
import { getEventListeners } from 'node:events';
import * as n8nWorkflow from 'n8n-workflow';
import { n8nClock } from '../../nodes/shared/n8n-runtime';

jest.setTimeout(120_000);

const DAY_OF_SLEEPS = 17_000;

it('uses the n8n-workflow 1.x helper this test is about', () => {
	expect(typeof (n8nWorkflow as { sleepWithAbort?: unknown }).sleepWithAbort).toBe('function');
});

it('a day of short real-clock sleeps on one signal leaves no abort listener behind and no MaxListeners warning', async () => {
	const warnings: string[] = [];
	const onWarning = (w: Error) => warnings.push(w.name);
	process.on('warning', onWarning);
	const trigger = new AbortController();
	try {
		for (let i = 0; i < DAY_OF_SLEEPS; i++) {
			await n8nClock.sleep(i % 10 === 0 ? 1 : 0, trigger.signal);
			if (i === 100) expect(getEventListeners(trigger.signal, 'abort')).toHaveLength(0);
		}
		expect(getEventListeners(trigger.signal, 'abort')).toHaveLength(0);
		// A sleep in progress holds exactly one listener, and an abort still ends it at once.
		const pending = n8nClock.sleep(60_000, trigger.signal);
		expect(getEventListeners(trigger.signal, 'abort')).toHaveLength(1);
		trigger.abort();
		await expect(pending).rejects.toThrow();
	} finally {
		process.off('warning', onWarning);
	}
	expect(warnings.filter((n) => n === 'MaxListenersExceededWarning')).toEqual([]);
});
