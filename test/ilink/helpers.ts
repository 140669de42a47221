import { IlinkClient } from '../../lib/ilink';
import type { IlinkClientOptions } from '../../lib/ilink';
import { IlinkHttp } from '../../lib/ilink/http';
import { IlinkSession } from '../../lib/ilink/session';
import { FakeClock } from '../unit/fake-clock';
import { FakeTransport } from '../unit/fake-transport';

export { FakeClock, FakeTransport };

/** Secret values the tests use, to check none of them leaks into an error message. */
export const TOKEN = 'botTOKENsecret0123456789abcdef@im.bot:0600';
export const CTX = 'AARzJWcontextTOKENsecretXyz==';
export const BOT = 'b0f5860fdecb@im.bot';
export const OWNER = 'o9cq80yyAbCdEfGhIjKlMnOpQrSt@im.wechat';
export const BASE = 'https://ilinkai.weixin.qq.com';

export function session(): IlinkSession {
	return new IlinkSession({ botToken: TOKEN, baseUrl: BASE, botId: BOT, ownerId: OWNER, loggedInAt: 1_700_000_000_000 });
}

export function setup(opts: Partial<IlinkClientOptions> = {}): { transport: FakeTransport; clock: FakeClock; http: IlinkHttp; client: IlinkClient } {
	const transport = new FakeTransport();
	const clock = new FakeClock();
	const http = new IlinkHttp({ transport, clock });
	const client = new IlinkClient({ transport, clock, notify: false, ...opts });
	return { transport, clock, http, client };
}

export function bodyOf(body: string | Uint8Array | undefined): Record<string, unknown> {
	return JSON.parse(typeof body === 'string' ? body : Buffer.from(body ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
}

/** An inbound text message from the owner. */
export function textMessage(id: string, text: string, at = 1_700_000_000_000, ctx = CTX): string {
	return `{"seq":1,"message_id":${id},"from_user_id":"${OWNER}","to_user_id":"${BOT}","create_time_ms":${at},"message_type":1,"message_state":2,"context_token":"${ctx}","item_list":[{"type":1,"text_item":{"text":"${text}"}}]}`;
}
