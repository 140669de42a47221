import { AbortedError, InvalidInputError, NetworkError, RateLimitedError } from '../../lib/wechat/errors';
import { DEFAULT_PACING_OPTIONS, SendPacer } from '../../lib/wechat/pacing';
import { FakeClock, flush } from './fake-clock';

/** Runs `n` tasks through the pacer and records when each started. */
async function startsOf(pacer: SendPacer, clock: FakeClock, n: number): Promise<number[]> {
	const starts: number[] = [];
	await Promise.all(Array.from({ length: n }, () => pacer.run(async () => starts.push(clock.now()))));
	return starts;
}

/** Largest number of starts inside any half-open 60 s window (t-60000, t]. */
function maxInWindow(starts: number[]): number {
	return Math.max(...starts.map((t) => starts.filter((s) => s > t - 60000 && s <= t).length));
}

describe('SendPacer', () => {
	it('hasOptions: an unset option means the default; any set value that differs is a different pacer', () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { maxPerMinute: 5 });
		expect(pacer.hasOptions({ maxPerMinute: 5 })).toBe(true);
		expect(pacer.hasOptions({ maxPerMinute: 5, minIntervalMs: undefined })).toBe(true);
		expect(pacer.hasOptions({ maxPerMinute: 5, minIntervalMs: DEFAULT_PACING_OPTIONS.minIntervalMs })).toBe(true);
		expect(pacer.hasOptions({ maxPerMinute: 6 })).toBe(false);
		expect(pacer.hasOptions({})).toBe(false);
		expect(new SendPacer(clock).hasOptions({})).toBe(true);
	});

	it('exports the documented defaults', () => {
		expect(DEFAULT_PACING_OPTIONS).toEqual({
			minIntervalMs: 1500,
			jitterMs: 1000,
			maxPerMinute: 20,
			rateLimitRetries: 2,
			rateLimitBackoffMs: 10000,
			rateLimitBackoffCapMs: 300000,
		});
		expect(new SendPacer(new FakeClock()).options).toEqual(DEFAULT_PACING_OPTIONS);
	});

	it('sends the first at once and spaces the next by interval + jitter', async () => {
		const clock = new FakeClock();
		const t0 = clock.now();
		clock.randomQueue.push(0.9, 0.25, 0.5); // jitter draws: 900 (unused, nothing before), 250, 500
		const starts = await startsOf(new SendPacer(clock), clock, 3);
		expect(starts).toEqual([t0, t0 + 1750, t0 + 1750 + 2000]);
		expect(clock.sleeps).toEqual([1750, 2000]);
	});

	it('does not wait when the interval has already passed', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { jitterMs: 0 });
		await pacer.run(async () => 1);
		clock.time += 5000;
		await pacer.run(async () => 2);
		expect(clock.sleeps).toEqual([]);
	});

	it('runs one task at a time, in call order', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { minIntervalMs: 0, jitterMs: 0 });
		const log: string[] = [];
		let active = 0;
		const task = (name: string) => async () => {
			active++;
			expect(active).toBe(1);
			log.push(`start ${name}`);
			await clock.sleep(100);
			log.push(`end ${name}`);
			active--;
			return name;
		};
		const results = await Promise.all([pacer.run(task('a')), pacer.run(task('b')), pacer.run(task('c'))]);
		expect(results).toEqual(['a', 'b', 'c']);
		expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
	});

	it('keeps the queue going after a task fails', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { jitterMs: 0 });
		const first = pacer.run(async () => {
			throw new NetworkError('boom');
		});
		const second = pacer.run(async () => 'ok');
		await expect(first).rejects.toBeInstanceOf(NetworkError);
		await expect(second).resolves.toBe('ok');
	});

	it('holds the per-minute cap over any sliding window', async () => {
		const clock = new FakeClock();
		const t0 = clock.now();
		const starts = await startsOf(new SendPacer(clock, { minIntervalMs: 0, jitterMs: 0, maxPerMinute: 3 }), clock, 7);
		expect(starts).toEqual([t0, t0, t0, t0 + 60000, t0 + 60000, t0 + 60000, t0 + 120000]);
		expect(maxInWindow(starts)).toBe(3);
	});

	it('never exceeds the default rate (20/min, ≥1.5 s apart) over a long burst', async () => {
		const clock = new FakeClock();
		clock.defaultRandom = 0; // no jitter: the tightest schedule the pacer allows
		const starts = await startsOf(new SendPacer(clock), clock, 45);
		expect(maxInWindow(starts)).toBeLessThanOrEqual(20);
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(1500);
	});

	it('backs off exponentially on Ret 1205 and retries', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { jitterMs: 0 });
		let calls = 0;
		const result = await pacer.run(async () => {
			calls++;
			if (calls < 3) throw new RateLimitedError('webwxsendmsg');
			return 'sent';
		});
		expect(result).toBe('sent');
		expect(calls).toBe(3);
		// attempt 0: exactly the base; attempt 1: base + random(0.5) × base.
		expect(clock.sleeps).toEqual([10000, 15000]);
	});

	it('rethrows RateLimitedError after the configured retries', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { jitterMs: 0, rateLimitRetries: 2 });
		let calls = 0;
		await expect(
			pacer.run(async () => {
				calls++;
				throw new RateLimitedError('webwxsendmsg');
			}),
		).rejects.toBeInstanceOf(RateLimitedError);
		expect(calls).toBe(3);
		expect(clock.sleeps).toEqual([10000, 15000]);
	});

	it('caps the back-off at 5 minutes', async () => {
		const clock = new FakeClock();
		clock.defaultRandom = 0.999;
		const pacer = new SendPacer(clock, { jitterMs: 0, rateLimitRetries: 8 });
		await expect(
			pacer.run(async () => {
				throw new RateLimitedError();
			}),
		).rejects.toBeInstanceOf(RateLimitedError);
		expect(clock.sleeps).toHaveLength(8);
		expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(300000);
		expect(clock.sleeps[clock.sleeps.length - 1]).toBeGreaterThan(290000);
	});

	it('counts retries against the rate too', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { minIntervalMs: 0, jitterMs: 0, maxPerMinute: 2, rateLimitBackoffMs: 1000, rateLimitRetries: 3 });
		const attempts: number[] = [];
		let calls = 0;
		await pacer.run(async () => {
			attempts.push(clock.now());
			if (++calls < 4) throw new RateLimitedError();
		});
		await pacer.run(async () => attempts.push(clock.now()));
		expect(attempts).toHaveLength(5);
		expect(maxInWindow(attempts)).toBeLessThanOrEqual(2);
	});

	it('does not retry other errors (a timed-out send may have been delivered)', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock);
		let calls = 0;
		await expect(
			pacer.run(async () => {
				calls++;
				throw new NetworkError('timed out');
			}),
		).rejects.toBeInstanceOf(NetworkError);
		expect(calls).toBe(1);
	});

	it('aborts during the pacing wait and lets later sends through', async () => {
		const clock = new FakeClock();
		clock.manual = true;
		const pacer = new SendPacer(clock, { jitterMs: 0 });
		await pacer.run(async () => 'first');
		const controller = new AbortController();
		let ran = false;
		const waiting = pacer.run(async () => (ran = true), { signal: controller.signal });
		await flush();
		expect(clock.sleeping).toBe(1);
		controller.abort();
		await expect(waiting).rejects.toBeInstanceOf(AbortedError);
		expect(ran).toBe(false);
		const third = pacer.run(async () => 'third');
		await flush();
		clock.advance(1500);
		await expect(third).resolves.toBe('third');
	});

	it('aborts during the 1205 back-off', async () => {
		const clock = new FakeClock();
		clock.manual = true;
		const pacer = new SendPacer(clock, { jitterMs: 0 });
		const controller = new AbortController();
		let calls = 0;
		const run = pacer.run(
			async () => {
				calls++;
				throw new RateLimitedError();
			},
			{ signal: controller.signal },
		);
		await flush();
		expect(clock.sleeps).toEqual([10000]);
		controller.abort();
		await expect(run).rejects.toBeInstanceOf(AbortedError);
		expect(calls).toBe(1);
	});

	it('aborts while queued behind a running send without breaking the order', async () => {
		const clock = new FakeClock();
		const pacer = new SendPacer(clock, { minIntervalMs: 0, jitterMs: 0 });
		let finishFirst!: () => void;
		const order: string[] = [];
		const first = pacer.run(
			() =>
				new Promise<void>((resolve) => {
					order.push('first');
					finishFirst = resolve;
				}),
		);
		const controller = new AbortController();
		const second = pacer.run(async () => order.push('second'), { signal: controller.signal });
		const third = pacer.run(async () => order.push('third'));
		await flush();
		controller.abort();
		await expect(second).rejects.toBeInstanceOf(AbortedError);
		await flush();
		expect(order).toEqual(['first']); // third still waits for first
		finishFirst();
		await first;
		await third;
		expect(order).toEqual(['first', 'third']);
	});

	it('refuses an already aborted signal', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(new SendPacer(new FakeClock()).run(async () => 1, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
	});

	it('validates its options', () => {
		expect(() => new SendPacer(new FakeClock(), { minIntervalMs: -1 })).toThrow(InvalidInputError);
		expect(() => new SendPacer(new FakeClock(), { maxPerMinute: 1.5 })).toThrow(InvalidInputError);
		expect(new SendPacer(new FakeClock(), { maxPerMinute: undefined }).options.maxPerMinute).toBe(20);
	});
});
