/**
 * The iLink credential's write-back rules (nodes/shared/ilink-credential.ts):
 * what a node's update does to the stored credential.
 */
import { emptyBudget, readBudget, recordInbound, recordThrottle, reserveSends } from '../../lib/ilink';
import { ilinkCredentialRules } from '../../nodes/shared/ilink-credential';

const session = (bot: string, at: number, token = `tok-${bot}-${at}`) =>
	JSON.stringify({ format: 'ilink-session', version: 1, botToken: token, baseUrl: 'https://ilinkai.weixin.qq.com', botId: `${bot}@im.bot`, ownerId: 'o@im.wechat', loggedInAt: at });
const warn = () => undefined;
const budgetOf = (data: Record<string, unknown> | undefined) => readBudget(JSON.parse(String(data?.budget)));

describe('iLink credential write-back rules', () => {
	const T0 = 1_700_000_000_000;
	const counted = reserveSends(recordInbound(emptyBudget(), 'o@im.wechat', T0, 'ctx'), 'o@im.wechat', ['s1'], T0 + 1);

	it('a budget counted for another bot than the stored one is dropped; for the stored bot it is merged', () => {
		const stored = { session: session('b2', 2), budget: JSON.stringify(emptyBudget()) };
		const other = ilinkCredentialRules.apply(stored, { budget: counted, budgetBot: 'b1@im.bot' }, warn);
		expect(budgetOf(other).chats).toEqual({});
		const same = ilinkCredentialRules.apply(stored, { budget: counted, budgetBot: 'b2@im.bot' }, warn);
		expect(budgetOf(same).chats['o@im.wechat'].sendsSince).toBe(1);
	});

	it('a -2 block outlives a log-out and a new login on another bot; the counts do not', () => {
		const blocked = recordThrottle(counted, T0 + 30 * 60_000);
		const stored = { session: session('b1', 1), budget: JSON.stringify(blocked) };
		const out = ilinkCredentialRules.apply(stored, { session: '' }, warn);
		expect(out?.session).toBe('');
		expect(budgetOf(out)).toEqual({ version: 1, chats: {}, blockedUntil: T0 + 30 * 60_000 });
		const relogin = ilinkCredentialRules.apply(stored, { session: session('b3', 3) }, warn);
		expect(budgetOf(relogin)).toEqual({ version: 1, chats: {}, blockedUntil: T0 + 30 * 60_000 });
	});

	it('an older login never replaces a newer one', () => {
		const stored = { session: session('b2', 20) };
		expect(ilinkCredentialRules.apply(stored, { session: session('b1', 10) }, warn)).toBeUndefined();
		expect(ilinkCredentialRules.apply(stored, { session: session('b3', 30) }, warn)?.session).toBe(session('b3', 30));
	});
});
