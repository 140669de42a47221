/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and sandbox code runs under plain Node, outside n8n */
import type { Clock } from '../../lib/wechat/clock';

/** A clock whose time only moves when someone sleeps; records every sleep. */
export class FakeClock implements Clock {
	time: number;
	readonly sleeps: number[] = [];
	private seed: number;

	constructor(start = 1_700_000_000_000, seed = 42) {
		this.time = start;
		this.seed = seed;
	}

	now(): number {
		return this.time;
	}

	random(): number {
		// mulberry32: deterministic, good enough for jitter in tests.
		let t = (this.seed += 0x6d2b79f5);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
		this.sleeps.push(ms);
		this.time += ms;
		// A macrotask turn, so a loop that only sleeps still lets timers and I/O run.
		await new Promise((resolve) => setImmediate(resolve));
		if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
	}
}
