/**
 * Turns an InjectSpec into a realistic raw AddMsg (protocol.md §3) and appends it
 * to the event log. Payloads are rendered per session because UserNames are
 * per login; ids, times and media stay fixed at injection.
 */

import type { InjectedMessage, InjectSpec, SentRecord } from './api';
import type { Contact } from './accounts';
import type { SimContext } from './context';
import type { WireMsg } from './event-log';
import type { MediaItem } from './media';
import * as X from './message-content';
import type { Session } from './sessions';
import { asParsed, htmlEscape, isRecord, md5Hex, newMsgId, randomHex, sha256Hex, unixNow } from './util';

/** What the simulator remembers about an injected message (revoke notices, the page). */
export interface InjectInfo {
	msgId: string;
	chatId: string;
	senderId: string;
	fromMe: boolean;
	isGroup: boolean;
	type: InjectSpec['type'];
	text?: string;
	/** A file's name, or a link's or card's title (the phone page shows it). */
	fileName?: string;
	createTime: number;
}

interface Parties {
	chatId: string;
	senderId: string;
	fromMe: boolean;
	isGroup: boolean;
}

/** A type-specific payload: MsgType, the unprefixed Content and extra fields. */
interface Payload {
	msgType: number;
	content: (s: Session) => string;
	extra?: (s: Session) => Record<string, unknown>;
	/** Group messages from others get the `@member:<br/>` prefix (not system notices). */
	prefixed: boolean;
	media?: MediaItem;
}

const BIG_FILE = 25 * 1024 * 1024;

/** Text as the server escapes it (§3.3), with emoji turned into spans. */
export function escapeText(text: string): string {
	return htmlEscape(text)
		.replace(/\r?\n/g, '<br/>')
		.replace(/[\u{1F300}-\u{1FAFF}]/gu, (ch) => `<span class="emoji emoji${(ch.codePointAt(0) ?? 0).toString(16)}"></span>`);
}

/** XML payloads: `<`, `>`, `&` escaped, newlines as `<br/>`, quotes kept (as captured from the server). */
export function escapeXml(xml: string): string {
	return xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br/>');
}

const EMPTY_RECOMMEND = {
	UserName: '',
	NickName: '',
	QQNum: 0,
	Province: '',
	City: '',
	Content: '',
	Signature: '',
	Alias: '',
	Scene: 0,
	VerifyFlag: 0,
	AttrStatus: 0,
	Sex: 0,
	Ticket: '',
	OpCode: 0,
};

function baseMsg(msgId: string, from: string, to: string, msgType: number, content: string, createTime: number): WireMsg {
	return {
		MsgId: msgId,
		FromUserName: from,
		ToUserName: to,
		MsgType: msgType,
		Content: content,
		Status: 3,
		ImgStatus: 1,
		CreateTime: createTime,
		VoiceLength: 0,
		PlayLength: 0,
		FileName: '',
		FileSize: '',
		MediaId: '',
		Url: '',
		AppMsgType: 0,
		StatusNotifyCode: 0,
		StatusNotifyUserName: '',
		RecommendInfo: { ...EMPTY_RECOMMEND },
		ForwardFlag: 0,
		AppInfo: { AppID: '', Type: 0 },
		HasProductId: 0,
		Ticket: '',
		ImgHeight: 0,
		ImgWidth: 0,
		SubMsgType: 0,
		NewMsgId: BigInt(/^\d+$/.test(msgId) ? msgId : '0'),
		OriContent: '',
		EncryFileName: '',
	};
}

export class Injector {
	readonly injected = new Map<string, InjectInfo>();
	/** Sticker md5s the server knows (webwxsendemoticon accepts them unless store stickers). */
	readonly emoticons = new Map<string, { store: boolean }>();

	constructor(private readonly ctx: SimContext) {}

	inject(spec: InjectSpec): InjectedMessage {
		if (!isRecord(spec) || typeof spec.type !== 'string') throw new Error('inject: spec.type is required');
		const session = this.ctx.current();
		if (!session) throw new Error('inject: no session yet — log in first (messages are rendered with the session UserNames)');
		const rawMsg = spec.type === 'raw' ? spec.msg : undefined;
		const msgId = rawMsg && typeof rawMsg.MsgId === 'string' ? rawMsg.MsgId : newMsgId();
		const createTime = spec.createTime ?? unixNow();
		const parties = this.parties(session, spec);
		const payload = this.payload(spec, msgId, parties);
		const account = this.ctx.account;
		const render = (s: Session): WireMsg => {
			const self = s.un(account.selfId);
			const chat = s.un(parties.chatId);
			const from = spec.type === 'statusNotify' || parties.fromMe ? self : chat;
			const to = spec.type === 'statusNotify' ? self : parties.fromMe ? chat : self;
			const prefix = parties.isGroup && !parties.fromMe && payload.prefixed ? `${s.un(parties.senderId)}:<br/>` : '';
			const msg = baseMsg(msgId, from, to, payload.msgType, prefix + payload.content(s), createTime);
			Object.assign(msg, payload.extra?.(s) ?? {});
			// Own data properties, so keys such as "__proto__" reach the wire as the test wrote them.
			if (rawMsg) for (const [k, v] of Object.entries(rawMsg)) Object.defineProperty(msg, k, { value: v, enumerable: true, writable: true, configurable: true });
			return msg;
		};
		this.injected.set(msgId, {
			msgId,
			chatId: parties.chatId,
			senderId: parties.senderId,
			fromMe: parties.fromMe,
			isGroup: parties.isGroup,
			type: spec.type,
			text: spec.type === 'text' || spec.type === 'system' ? spec.text : undefined,
			fileName: spec.type === 'file' ? spec.fileName : spec.type === 'link' || spec.type === 'music' || spec.type === 'miniProgram' ? spec.title : spec.type === 'card' ? spec.nickName : spec.type === 'location' ? spec.label : undefined,
			createTime,
		});
		this.ctx.log.append({ kind: 'msg', msgId, render });
		this.ctx.changed();
		const media = payload.media && !payload.media.unavailable ? this.ctx.media.bytes(msgId) : undefined;
		return {
			msgId,
			raw: asParsed(render(session)),
			mediaSha256: media ? sha256Hex(media) : undefined,
			mediaSize: media ? media.length : undefined,
		};
	}

	/** `historyOnLogin`: old text messages from friends, dated before the login. */
	history(count: number): void {
		const friends = this.ctx.account.contacts.filter((c) => c.friend && c.kind === 'user');
		if (friends.length === 0) return;
		const now = unixNow();
		for (let i = 0; i < count; i++) {
			const from = friends[i % friends.length];
			this.inject({ type: 'text', from: from.id, text: `History message ${i + 1}`, createTime: now - (count - i) * 60 });
		}
	}

	/** `echoSends`: what this session sent comes back through sync (FromUserName = self). */
	echo(sent: SentRecord, media?: MediaItem): void {
		const account = this.ctx.account;
		const session = this.ctx.current();
		const chatId = session?.idOf(sent.to);
		if (!session || !chatId) return;
		const msgType = sent.type === 6 ? 49 : sent.type;
		const content = sent.type === 1 ? escapeText(sent.content ?? '') : escapeXml(sent.content ?? '');
		const createTime = Math.floor(sent.at / 1000);
		if (media) this.ctx.media.register({ ...media, msgId: sent.msgId, senderId: account.selfId });
		this.ctx.log.append({
			kind: 'msg',
			msgId: sent.msgId,
			render: (s) => {
				const msg = baseMsg(sent.msgId, s.un(account.selfId), s.un(chatId), msgType, content, createTime);
				if (sent.type === 6 && media) Object.assign(msg, { AppMsgType: 6, FileName: media.fileName ?? '', FileSize: String(media.size), MediaId: media.mediaId ?? '', EncryFileName: media.encryFileName ?? '' });
				return msg;
			},
		});
		this.ctx.changed();
	}

	// ---- who is talking ----

	private resolve(s: Session, name: string | undefined, what: string): Contact | { id: string; self: true } {
		if (name === undefined || name === '') throw new Error(`inject: "${what}" is required for this message`);
		const account = this.ctx.account;
		const byUserName = s.idOf(name);
		if (byUserName === account.selfId || name === 'me' || account.isSelf(name)) return { id: account.selfId, self: true };
		const c = byUserName ? account.byId(byUserName) : account.find(name);
		if (!c) throw new Error(`inject: unknown contact "${name}"`);
		return c;
	}

	private parties(s: Session, spec: InjectSpec): Parties {
		const self = this.ctx.account.selfId;
		if (spec.type === 'raw' && spec.from === undefined && spec.group === undefined && !spec.fromMe) {
			return { chatId: 'filehelper', senderId: 'filehelper', fromMe: false, isGroup: false };
		}
		if (spec.type === 'friendRequest') return { chatId: 'fmessage', senderId: 'fmessage', fromMe: false, isGroup: false };
		if (spec.type === 'statusNotify') return { chatId: self, senderId: self, fromMe: true, isGroup: false };
		if (spec.type === 'revoke') {
			const orig = this.injected.get(spec.msgId);
			const sent = this.ctx.sent.find((r) => r.msgId === spec.msgId);
			if (orig) return { chatId: orig.chatId, senderId: orig.senderId, fromMe: orig.fromMe, isGroup: orig.isGroup };
			const chatId = sent ? s.idOf(sent.to) : undefined;
			if (chatId) return { chatId, senderId: self, fromMe: true, isGroup: chatId.endsWith('@chatroom') };
			throw new Error(`inject: revoke of unknown message ${spec.msgId}`);
		}
		if (spec.group !== undefined) {
			const g = this.resolve(s, spec.group, 'group');
			if ('self' in g || g.kind !== 'group') throw new Error(`inject: "${spec.group}" is not a group`);
			if (spec.fromMe) return { chatId: g.id, senderId: self, fromMe: true, isGroup: true };
			const member = spec.from !== undefined ? this.resolve(s, spec.from, 'from') : undefined;
			const senderId = member ? member.id : g.members.find((id) => id !== self);
			if (!senderId || !g.members.includes(senderId)) throw new Error(`inject: "${spec.from}" is not a member of "${g.nickName}"`);
			return { chatId: g.id, senderId, fromMe: senderId === self, isGroup: true };
		}
		if (spec.fromMe) {
			const to = this.resolve(s, spec.to ?? spec.from, 'to');
			return { chatId: to.id, senderId: self, fromMe: true, isGroup: to.id.endsWith('@chatroom') };
		}
		const from = this.resolve(s, spec.from, 'from');
		if ('self' in from) throw new Error('inject: use fromMe for messages sent by me');
		return { chatId: from.id, senderId: from.id, fromMe: false, isGroup: from.kind === 'group' };
	}

	/** How `name` is written after `@` in a group: group card, else nickname. */
	private mentionName(chatId: string, name: string): string {
		const account = this.ctx.account;
		const group = account.byId(chatId);
		if (name === 'me' || account.isSelf(name)) return account.groupDisplayName || account.nickName;
		const c = account.find(name);
		if (!c) return name;
		return group?.displayNames.get(c.id) || c.nickName;
	}

	/** Registers the message's media; its bytes are derived from the seed and the MsgId. */
	private mediaItem(msgId: string, kind: MediaItem['kind'], size: number, senderId: string, unavailable = false, fileName?: string): MediaItem {
		return this.ctx.media.register({ msgId, kind, size: Math.max(1, Math.floor(size)), unavailable, fileName, senderId });
	}

	private md5Of(msgId: string): string {
		return md5Hex(this.ctx.media.bytes(msgId));
	}

	private payload(spec: InjectSpec, msgId: string, p: Parties): Payload {
		const account = this.ctx.account;
		switch (spec.type) {
			case 'text': {
				let text = spec.text;
				for (const m of [...(spec.mentions ?? [])].reverse()) {
					const at = '@' + this.mentionName(p.chatId, m);
					if (text.includes(at + ' ')) text = text.split(at + ' ').join(at + '\u2005');
					else if (!text.includes(at)) text = at + '\u2005' + text;
				}
				const content = escapeText(text);
				return { msgType: 1, content: () => content, prefixed: true };
			}
			case 'image': {
				const media = this.mediaItem(msgId, 'image', spec.size ?? 24_576, p.chatId);
				const xml = escapeXml(X.imageXml(media.size, this.md5Of(msgId)));
				return { msgType: 3, content: () => xml, extra: () => ({ ImgStatus: 2, ImgHeight: 120, ImgWidth: 90 }), prefixed: true, media };
			}
			case 'voice': {
				const media = this.mediaItem(msgId, 'voice', spec.size ?? 6_144, p.chatId);
				const ms = spec.voiceLengthMs ?? 3_000;
				const xml = escapeXml(X.voiceXml(media.size, ms, p.senderId));
				return { msgType: 34, content: () => xml, extra: () => ({ VoiceLength: ms }), prefixed: true, media };
			}
			case 'video':
			case 'microvideo': {
				const unavailable = spec.type === 'video' && spec.unavailable === true;
				const media = this.mediaItem(msgId, 'video', spec.size ?? (spec.type === 'video' ? 262_144 : 131_072), p.chatId, unavailable);
				const play = spec.type === 'video' ? (spec.playLength ?? 5) : 3;
				const xml = escapeXml(X.videoXml(media.size, play, p.senderId, this.md5Of(msgId)));
				const msgType = spec.type === 'video' ? 43 : 62;
				return { msgType, content: () => xml, extra: () => ({ PlayLength: play, ImgHeight: 240, ImgWidth: 135, ImgStatus: 2 }), prefixed: true, media };
			}
			case 'emoticon': {
				const store = spec.store === true;
				const media = this.mediaItem(msgId, 'emoticon', spec.size ?? 8_192, p.chatId, store);
				const md5 = spec.md5 ?? this.md5Of(msgId);
				this.emoticons.set(md5, { store });
				const xml = escapeXml(X.emoticonXml(md5, media.size, store));
				return { msgType: 47, content: () => xml, extra: () => ({ HasProductId: store ? 1 : 0, ImgStatus: 2 }), prefixed: true, media };
			}
			case 'file': {
				const size = spec.size ?? 2_048;
				const media = this.mediaItem(msgId, 'file', size, p.chatId, spec.unavailable === true || size > BIG_FILE, spec.fileName);
				media.mediaId = '@crypt_' + randomHex(4) + '_' + randomHex(120);
				media.encryFileName = encodeURIComponent(spec.fileName);
				const attachId = '@cdn_' + randomHex(60) + '_1';
				const xml = escapeXml(X.fileXml(spec.fileName, size, attachId, this.md5Of(msgId), p.senderId));
				const extra = { AppMsgType: 6, FileName: spec.fileName, FileSize: String(size), MediaId: media.mediaId, EncryFileName: media.encryFileName };
				return { msgType: 49, content: () => xml, extra: () => extra, prefixed: true, media };
			}
			case 'link': {
				const xml = escapeXml(X.linkXml(spec.title, spec.url, spec.description ?? '', p.senderId));
				return { msgType: 49, content: () => xml, extra: () => ({ AppMsgType: 5, FileName: spec.title, Url: spec.url }), prefixed: true };
			}
			case 'music': {
				const xml = escapeXml(X.musicXml(spec.title, spec.url, p.senderId));
				return { msgType: 49, content: () => xml, extra: () => ({ AppMsgType: 3, FileName: spec.title, Url: spec.url, AppInfo: { AppID: X.MUSIC_APP_ID, Type: 0 } }), prefixed: true };
			}
			case 'miniProgram': {
				const appId = spec.appId ?? 'wx' + randomHex(8);
				const xml = escapeXml(X.miniProgramXml(spec.title, appId, spec.pagePath ?? 'pages/index/index.html', p.senderId));
				return { msgType: 49, content: () => xml, extra: () => ({ AppMsgType: 33, FileName: spec.title }), prefixed: true };
			}
			case 'card': {
				const person = account.find(spec.nickName) ?? account.addStranger(spec.nickName);
				const xml = escapeXml(X.cardXml(person.id, person.nickName, person.sex));
				const extra = (s: Session) => ({ RecommendInfo: { ...EMPTY_RECOMMEND, UserName: s.un(person.id), NickName: person.nickName, Scene: 17, Sex: person.sex, AttrStatus: 33656933 } });
				return { msgType: 42, content: () => xml, extra, prefixed: true };
			}
			case 'location': {
				const content = `${escapeText(spec.label)}:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=${msgId}&pictype=location`;
				const extra = { SubMsgType: 48, Url: `https://apis.map.qq.com/uri/v1/geocoder?coord=${spec.lat},${spec.lng}`, OriContent: X.locationXml(spec.label, spec.lat, spec.lng) };
				return { msgType: 1, content: () => content, extra: () => extra, prefixed: true };
			}
			case 'friendRequest': {
				const person = account.addStranger(spec.nickName);
				const greeting = spec.greeting ?? `I am ${spec.nickName}`;
				const ticket = 'v4_' + randomHex(48) + '@stranger';
				const xml = escapeXml(X.friendRequestXml(person.id, person.nickName, greeting, ticket));
				const extra = (s: Session) => ({
					RecommendInfo: { ...EMPTY_RECOMMEND, UserName: s.un(person.id), NickName: person.nickName, Content: greeting, Scene: 30, Sex: person.sex, Ticket: ticket, OpCode: 2 },
				});
				return { msgType: 37, content: () => xml, extra, prefixed: false };
			}
			case 'revoke': {
				const who = p.fromMe ? undefined : (account.byId(p.senderId)?.nickName ?? '');
				const replace = who === undefined ? '你撤回了一条消息' : `"${who}" 撤回了一条消息`;
				const xml = escapeXml(X.revokeXml(p.chatId, spec.msgId, replace));
				return { msgType: 10002, content: () => xml, extra: () => ({ Status: 4 }), prefixed: true };
			}
			case 'system': {
				const content = escapeText(spec.text);
				return { msgType: 10000, content: () => content, extra: () => ({ Status: 4 }), prefixed: false };
			}
			case 'statusNotify': {
				const recent = this.recentChats();
				const xml = escapeXml(X.statusNotifyXml(recent.map((c) => c.id)));
				const extra = (s: Session) => ({ StatusNotifyCode: 4, StatusNotifyUserName: recent.map((c) => s.un(c.id)).join(',') });
				return { msgType: 51, content: () => xml, extra, prefixed: false };
			}
			case 'raw':
				return { msgType: 1, content: () => '', prefixed: false };
		}
	}

	/** The chats a phone would list first: file helper, groups, a few friends. */
	recentChats(): Contact[] {
		const c = this.ctx.account.contacts.filter((x) => x.friend);
		const groups = c.filter((x) => x.kind === 'group');
		const people = c.filter((x) => x.kind === 'user' || x.kind === 'official').slice(0, 3);
		const special = c.filter((x) => x.id === 'filehelper');
		return [...special, ...groups, ...people];
	}
}
