/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test and benchmark code runs under plain Node: it watches the garbage collector */
/**
 * Text a friend controls, made to hurt: long runs of the characters the
 * normalizer's patterns look at (spaces, dots, unterminated tags, entities …),
 * fed through every text-processing path of normalizeMessage. Shared by the
 * linear-time test (test/reliability/hostile-text.test.ts) and the benchmark
 * (bench/scenarios/hostile-text.ts).
 *
 * Growth is measured as work, not as a time limit: the time of one 10× larger
 * input against ten runs of the smaller one, minus the garbage collector's
 * pauses in between (a step in V8's young-generation cost, not our code's),
 * the best of a few attempts. Linear code gives a per-input ratio near 10, a
 * quadratic one near 100.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { normalizeMessage, type NormalizeContext } from '../../lib/wechat/messages';
import type { RawAddMsg, RawContact, RawMember } from '../../lib/wechat/types';

const hex = (seed: string): string => seed.repeat(64).slice(0, 64);
const SELF = '@' + hex('5e1f');
const ALICE = '@' + hex('a11ce');
const BOB = '@' + hex('b0b');
const GROUP = '@@' + hex('9a0f');

/** A self, two friends and a group in which I am "Me In Group". */
export function hostileContext(): NormalizeContext {
	const members: RawMember[] = [
		{ UserName: ALICE, NickName: 'Alice', DisplayName: '' },
		{ UserName: BOB, NickName: 'Bob', DisplayName: '' },
		{ UserName: SELF, NickName: 'Me', DisplayName: 'Me In Group' },
	] as RawMember[];
	const contacts = new Map<string, RawContact>([
		[ALICE, { UserName: ALICE, NickName: 'Alice' } as RawContact],
		[BOB, { UserName: BOB, NickName: 'Bob' } as RawContact],
		[GROUP, { UserName: GROUP, NickName: 'Group', MemberList: members } as RawContact],
	]);
	return {
		selfUserName: SELF,
		selfNickName: 'Me',
		contact: (u) => contacts.get(u),
		groupMember: (g, m) => (g === GROUP ? members.find((x) => x.UserName === m) : undefined),
	};
}

/** Units repeated to the input size; each is a shape some pattern of the normalizer reacts to. */
export const HOSTILE_PATTERNS: ReadonlyArray<{ name: string; unit: string }> = [
	{ name: 'spaces', unit: ' ' },
	{ name: 'dots', unit: '.' },
	{ name: 'spaces+dots', unit: ' .' },
	{ name: 'ideographic spaces', unit: '\u3000' },
	{ name: 'unterminated <a href="', unit: '<a href="' },
	{ name: 'unterminated </a', unit: '</a ' },
	{ name: 'unterminated <_wc_custom_link_', unit: '<_wc_custom_link_ ' },
	{ name: 'escaped <a href=&quot;', unit: '&lt;a href=&quot;' },
	{ name: 'unterminated emoji span', unit: '<span class="emoji emoji1f ' },
	{ name: 'unterminated <br', unit: '<br ' },
	{ name: 'ampersands', unit: '&' },
	{ name: 'numeric references', unit: '&#x1f' },
	{ name: 'at signs', unit: '@' },
	{ name: 'mentions', unit: '@a ' },
	{ name: 'open tags', unit: '<a>' },
	{ name: 'unterminated attributes', unit: '<x y="' },
	{ name: 'attribute names', unit: 'length=&quot;' },
	{ name: 'spaced attributes', unit: 'md5 = ' },
	{ name: 'CDATA openers', unit: '<![CDATA[' },
	{ name: 'comment openers', unit: '<!--' },
	{ name: 'template variables', unit: '${a' },
	{ name: 'dollar names', unit: '$a' },
	{ name: 'coordinates', unit: '&coord=1.1' },
	{ name: 'path separators', unit: '/\\:' },
	{ name: 'bidi + controls', unit: '\u202e\u0001' },
	{ name: 'lone surrogates', unit: '\ud800' },
];

const msg = (fields: Partial<RawAddMsg>): RawAddMsg => ({ MsgId: '7000000000000000001', FromUserName: ALICE, ToUserName: SELF, CreateTime: 1700000000, ...fields }) as RawAddMsg;

/** Every path through normalizeMessage that reads text; `p` is the hostile payload. */
export const TEXT_PATHS: ReadonlyArray<{ name: string; raw: (p: string) => RawAddMsg }> = [
	{ name: 'text', raw: (p) => msg({ MsgType: 1, Content: p }) },
	{ name: 'group text with mentions', raw: (p) => msg({ MsgType: 1, FromUserName: GROUP, Content: `${BOB}:<br/>@Me In Group\u2005${p}` }) },
	{ name: 'file name', raw: (p) => msg({ MsgType: 49, AppMsgType: 6, FileName: `a${p}b.pdf`, FileSize: '10', MediaId: '@m', Content: '' }) },
	{ name: 'file title in XML', raw: (p) => msg({ MsgType: 49, AppMsgType: 6, FileName: '', Content: `<msg><appmsg><type>6</type><title>a${p}b</title></appmsg></msg>` }) },
	{ name: 'link XML', raw: (p) => msg({ MsgType: 49, AppMsgType: 5, Content: `<msg><appmsg><type>5</type><title>t</title><des>${p}` }) },
	{ name: 'image attributes', raw: (p) => msg({ MsgType: 3, Content: p }) },
	{ name: 'sticker attributes', raw: (p) => msg({ MsgType: 47, Content: p }) },
	{ name: 'system text with link tags', raw: (p) => msg({ MsgType: 10000, FromUserName: GROUP, Content: p }) },
	{ name: 'system text before sysmsg XML', raw: (p) => msg({ MsgType: 10000, FromUserName: GROUP, Content: `${p}<sysmsg type="pat"><pat><template>${p}</template></pat></sysmsg>` }) },
	{
		name: 'sysmsg template',
		raw: (p) => msg({ MsgType: 10000, FromUserName: GROUP, Content: `<sysmsg type="sysmsgtemplate"><sysmsgtemplate><content_template><template>${p}</template></content_template></sysmsgtemplate></sysmsg>` }),
	},
	{ name: 'revoke XML', raw: (p) => msg({ MsgType: 10002, Content: `<sysmsg type="revokemsg"><revokemsg><replacemsg>${p}` }) },
	{ name: 'location', raw: (p) => msg({ MsgType: 1, SubMsgType: 48, Content: `${p}:<br/>${p}`, Url: p, OriContent: `<msg><location label="${p}` }) },
	{ name: 'friend request', raw: (p) => msg({ MsgType: 37, Content: `<msg fromusername="${p}`, RecommendInfo: { Content: p, NickName: p } as RawAddMsg['RecommendInfo'] }) },
	{ name: 'card', raw: (p) => msg({ MsgType: 42, Content: `<msg nickname="${p}` }) },
	{ name: 'status notify', raw: (p) => msg({ MsgType: 51, StatusNotifyCode: 4, StatusNotifyUserName: p, Content: `<msg><op id="4"><username>${p}` }) },
	{ name: 'unknown type', raw: (p) => msg({ MsgType: 12345, Content: p }) },
];

/** `unit` repeated to exactly `size` characters, as one flat string (no rope left to flatten while timed). */
export function payload(unit: string, size: number): string {
	return JSON.parse(JSON.stringify(unit.repeat(Math.ceil(size / unit.length)).slice(0, size))) as string;
}

// ---- Measurement ----

let gcPauses: Array<{ start: number; duration: number }> = [];
let observer: PerformanceObserver | undefined;

function watchGc(): void {
	if (observer) return;
	observer = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, duration: e.duration });
	});
	observer.observe({ entryTypes: ['gc'] });
}

/** Stops watching the garbage collector (call once at the end). */
export function stopWatchingGc(): void {
	observer?.disconnect();
	observer = undefined;
	gcPauses = [];
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Milliseconds `work` ran, minus the garbage collector's pauses in that window. */
export async function workMs(work: () => void): Promise<number> {
	watchGc();
	await tick();
	gcPauses = [];
	const t0 = performance.now();
	work();
	const t1 = performance.now();
	// GC entries arrive asynchronously.
	await tick();
	await tick();
	const gc = gcPauses.filter((g) => g.start >= t0 && g.start < t1).reduce((sum, g) => sum + g.duration, 0);
	return Math.max(0, t1 - t0 - gc);
}

export interface Growth {
	smallMs: number;
	bigMs: number;
	/** bigMs / smallMs: the input grew 10×, linear work grows ~10×, quadratic ~100×. */
	ratio: number;
}

/** Timer resolution, call overhead and scheduling noise on a busy machine: keeps sub-millisecond times from making a ratio out of noise (a quadratic path takes seconds on 1 MB, far above it). */
const NOISE_MS = 1;

/**
 * Time per input of `run` on `small` (averaged over 10 runs) and on `big`
 * (10× larger, one run), the best of up to `attempts` tries: noise (other
 * processes, a first big run paying one-time costs such as fresh large-object
 * pages) only ever inflates a time. Stops once the ratio is below `limit`, or
 * when the big input alone took over `giveUpMs` (plainly super-linear; more
 * tries would only take long).
 */
export async function growth(run: (input: string) => void, small: string, big: string, limit: number, attempts = 4, giveUpMs = 2000): Promise<Growth> {
	run(small); // warm-up: JIT and regexp compilation on this shape
	let smallMs = Infinity;
	let bigMs = Infinity;
	const ratio = () => (bigMs + NOISE_MS) / (smallMs + NOISE_MS);
	for (let a = 0; a < attempts; a++) {
		smallMs = Math.min(smallMs, (await workMs(() => {
			for (let k = 0; k < 10; k++) run(small);
		})) / 10);
		bigMs = Math.min(bigMs, await workMs(() => run(big)));
		if (bigMs > giveUpMs || ratio() < limit) break;
	}
	return { smallMs, bigMs, ratio: ratio() };
}

/** normalizeMessage of `path` on an input, the result kept alive. */
export function normalizer(path: { raw: (p: string) => RawAddMsg }, ctx: NormalizeContext = hostileContext()): (input: string) => void {
	let sink = 0;
	return (input: string) => {
		const m = normalizeMessage(path.raw(input), ctx);
		sink += m.text.length + (m.media?.fileName?.length ?? 0);
		if (sink < 0) throw new Error('unreachable');
	};
}
