/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Simulated time for the reliability suite. Every wait of the client and the
 * nodes (back-off, pacing, login pauses) returns at once but counts as slept, so
 * "requests per minute" is measured against the time the code *meant* to let
 * pass. now() stays real: the simulator stamps messages with real time.
 * Randomness is seeded, so jittered back-off is the same on every run.
 */
import type { Clock } from '../../lib/wechat/clock';

export interface SleepRecord {
	ms: number;
	/** Simulated time (ms since reset) when the sleep began. */
	at: number;
	/** Whatever the test's probe reported then (e.g. the simulator's request count). */
	probe: number;
}

export class SimulatedTime implements Clock {
	private slept = 0;
	private started = Date.now();
	private seed = 20261122;
	readonly sleeps: SleepRecord[] = [];
	/** Lets a test tie sleeps to its own counters (e.g. sim.requests.length). */
	probe: () => number = () => 0;

	/**
	 * Off (default): now() is real time, as the simulator's message stamps need.
	 * On: now() moves with the sleeps too, for code that waits until a time (the
	 * send pacer's per-minute window).
	 */
	nowFollowsSleeps = false;

	now(): number {
		return this.nowFollowsSleeps ? Date.now() + this.slept : Date.now();
	}

	random(): number {
		// mulberry32
		let t = (this.seed += 0x6d2b79f5);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Real time since reset plus everything slept. */
	elapsedMs(): number {
		return Date.now() - this.started + this.slept;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw abortError();
		this.sleeps.push({ ms, at: this.elapsedMs(), probe: this.probe() });
		this.slept += Math.max(0, ms);
		await new Promise((resolve) => setImmediate(resolve));
		if (signal?.aborted) throw abortError();
	}

	reset(): void {
		this.slept = 0;
		this.started = Date.now();
		this.sleeps.length = 0;
		this.probe = () => 0;
		this.nowFollowsSleeps = false;
	}

	/**
	 * Simulated time of the event that made `probe()` exceed `count` (e.g. the
	 * count-th request): the end of the last sleep taken before it.
	 */
	timeAtProbe(count: number): number {
		let end = 0;
		for (const s of this.sleeps) {
			if (s.probe > count) break;
			end = s.at + s.ms;
		}
		return end;
	}
}

function abortError(): Error {
	return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

export const simTime = new SimulatedTime();
