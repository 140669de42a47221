/**
 * The chats as the phone shows them: both directions in one timeline per chat —
 * what was written to the account (injected) and what the client sent (a
 * workflow's answers), with media as a kind, a file name and, for images the
 * client uploaded, a thumbnail address. For the phone page; no tokens.
 */

import type { SimContext } from './context';

export interface ChatLine {
	msgId: string;
	/** The chat's nickname (the page's key for a chat). */
	chat: string;
	direction: 'in' | 'out';
	/** Who wrote it, as the phone names them. */
	sender: string;
	kind: 'text' | 'image' | 'voice' | 'video' | 'sticker' | 'file' | 'link' | 'card' | 'location' | 'system' | 'other';
	text?: string;
	fileName?: string;
	/** `/__sim/api/upload/<MediaId>` for an image the client uploaded. */
	thumbnail?: string;
	at: number;
	revoked?: boolean;
}

const INJECTED_KIND: Record<string, ChatLine['kind']> = {
	text: 'text',
	image: 'image',
	voice: 'voice',
	video: 'video',
	microvideo: 'video',
	emoticon: 'sticker',
	file: 'file',
	link: 'link',
	music: 'link',
	miniProgram: 'link',
	card: 'card',
	location: 'location',
	system: 'system',
};

const SENT_KIND: Record<number, ChatLine['kind']> = { 1: 'text', 3: 'image', 6: 'file', 43: 'video', 47: 'sticker', 49: 'file' };

/** The `<title>` of an app message's XML (a sent file's name), entities left as the page shows them. */
function appTitle(xml: string | undefined): string | undefined {
	const m = /<title>([^<]{0,300})<\/title>/.exec(xml ?? '');
	return m ? m[1] : undefined;
}

export function conversations(ctx: SimContext, limit = 300): ChatLine[] {
	const account = ctx.account;
	const nick = (id: string | undefined) => (id === account.selfId ? account.nickName : (account.byId(id ?? '')?.nickName ?? id ?? ''));
	const lines: ChatLine[] = [];
	for (const m of ctx.injector.injected.values()) {
		const kind = INJECTED_KIND[m.type];
		if (!kind || m.type === 'revoke') continue;
		lines.push({ msgId: m.msgId, chat: nick(m.chatId), direction: m.fromMe ? 'out' : 'in', sender: nick(m.senderId), kind, text: m.text, fileName: m.fileName, at: m.createTime * 1000 });
	}
	for (const s of ctx.sent) {
		// UserNames are per login: the session the message was sent in knows this one.
		const chatId = ctx.sessions.map((x) => x.idOf(s.to)).find(Boolean);
		const upload = s.mediaId ? ctx.uploadsByMediaId.get(s.mediaId) : undefined;
		const kind = SENT_KIND[s.type] ?? 'other';
		lines.push({
			msgId: s.msgId,
			chat: nick(chatId),
			direction: 'out',
			sender: account.nickName,
			kind,
			text: s.type === 1 ? s.content : undefined,
			fileName: upload?.record.fileName ?? (s.type === 6 ? appTitle(s.content) : undefined),
			thumbnail: kind === 'image' && upload && upload.record.mimeType.startsWith('image/') ? `/__sim/api/upload/${encodeURIComponent(s.mediaId as string)}` : undefined,
			at: s.at,
			revoked: s.revoked,
		});
	}
	lines.sort((a, b) => a.at - b.at);
	return lines.slice(-limit);
}
