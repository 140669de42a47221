/**
 * Wire-level shapes of the WeChat Web protocol (protocol.md §1, §3) and the
 * normalized shapes the client hands to its users. Field names of the Raw* types
 * are exactly the server's (PascalCase); nothing here is n8n-specific.
 */

export interface BaseResponse {
	Ret: number;
	ErrMsg: string;
}

export interface SyncKeyItem {
	Key: number;
	Val: number;
}

export interface SyncKey {
	Count: number;
	List: SyncKeyItem[];
}

/** A member of a group's MemberList (webwxbatchgetcontact / ModContactList). */
export interface RawMember {
	Uin?: number;
	UserName: string;
	NickName: string;
	AttrStatus?: number;
	PYInitial?: string;
	PYQuanPin?: string;
	RemarkPYInitial?: string;
	RemarkPYQuanPin?: string;
	MemberStatus?: number;
	DisplayName: string;
	KeyWord?: string;
}

/** A contact, official account, special account or group as the server describes it. */
export interface RawContact {
	Uin?: number;
	UserName: string;
	NickName: string;
	HeadImgUrl?: string;
	ContactFlag?: number;
	MemberCount?: number;
	MemberList?: RawMember[];
	RemarkName?: string;
	HideInputBarFlag?: number;
	Sex?: number;
	Signature?: string;
	VerifyFlag?: number;
	OwnerUin?: number;
	PYInitial?: string;
	PYQuanPin?: string;
	RemarkPYInitial?: string;
	RemarkPYQuanPin?: string;
	StarFriend?: number;
	AppAccountFlag?: number;
	Statues?: number;
	AttrStatus?: number;
	Province?: string;
	City?: string;
	Alias?: string;
	SnsFlag?: number;
	UniFriend?: number;
	DisplayName?: string;
	ChatRoomId?: number;
	KeyWord?: string;
	EncryChatRoomId?: string;
	IsOwner?: number;
	ChatRoomOwner?: string;
}

export interface RawRecommendInfo {
	UserName: string;
	NickName: string;
	QQNum?: number;
	Province?: string;
	City?: string;
	Content?: string;
	Signature?: string;
	Alias?: string;
	Scene?: number;
	VerifyFlag?: number;
	AttrStatus?: number;
	Sex?: number;
	Ticket?: string;
	OpCode?: number;
}

/** One item of webwxsync's AddMsgList (protocol.md §3.1). */
export interface RawAddMsg {
	MsgId: string;
	FromUserName: string;
	ToUserName: string;
	MsgType: number;
	Content: string;
	Status?: number;
	ImgStatus?: number;
	CreateTime: number;
	VoiceLength?: number;
	PlayLength?: number;
	FileName?: string;
	FileSize?: string;
	MediaId?: string;
	Url?: string;
	AppMsgType?: number;
	StatusNotifyCode?: number;
	StatusNotifyUserName?: string;
	RecommendInfo?: RawRecommendInfo;
	ForwardFlag?: number;
	AppInfo?: { AppID: string; Type: number };
	HasProductId?: number;
	Ticket?: string;
	ImgHeight?: number;
	ImgWidth?: number;
	SubMsgType?: number;
	NewMsgId?: number;
	OriContent?: string;
	EncryFileName?: string;
}

/** The logged-in account (webwxinit's User). */
export interface RawUser {
	Uin: number;
	UserName: string;
	NickName: string;
	HeadImgUrl?: string;
	RemarkName?: string;
	Sex?: number;
	Signature?: string;
	SnsFlag?: number;
	WebWxPluginSwitch?: number;
	HeadImgFlag?: number;
	[k: string]: unknown;
}

export type ChatKind = 'user' | 'group' | 'official' | 'special';

export type MessageType =
	| 'text'
	| 'image'
	| 'voice'
	| 'video'
	| 'microvideo'
	| 'emoticon'
	| 'file'
	| 'link'
	| 'music'
	| 'miniProgram'
	| 'card'
	| 'location'
	| 'friendRequest'
	| 'revoke'
	| 'system'
	| 'statusNotify'
	| 'app'
	| 'voip'
	| 'unknown';

/**
 * Everything needed to download a message's media later, possibly in another
 * process (the action node): plain data, no session tokens.
 */
export interface MediaReference {
	kind: 'image' | 'voice' | 'video' | 'file' | 'emoticon';
	msgId: string;
	/** FromUserName of the raw message (group UserName in groups) — webwxgetmedia's `sender`. */
	sender?: string;
	mediaId?: string;
	encryFileName?: string;
	fileName?: string;
	/** Byte size when the message says so. */
	size?: number;
	mimeType: string;
}

export interface ChatRef {
	/** Per-session UserName (`@…`, `@@…`, or a special name like `filehelper`). */
	id: string;
	kind: ChatKind;
	name: string;
}

export interface PersonRef {
	id: string;
	name: string;
}

/** The normalized message (protocol-level, no n8n). */
export interface WeChatMessage {
	/** The string MsgId — never the rounded NewMsgId. */
	id: string;
	type: MessageType;
	/** Human text: entities decoded, `<br/>` as newline, emoji spans converted. */
	text: string;
	chat: ChatRef;
	/** Who wrote it: the group member in groups, the peer in private chats, me when fromMe. */
	sender: PersonRef;
	isGroup: boolean;
	fromMe: boolean;
	/** Mentioned display names as typed (without the `@`). */
	mentions: string[];
	mentionsMe: boolean;
	/** Unix seconds, from CreateTime. */
	timestamp: number;
	media?: MediaReference;
	/** Type-specific extras (link url, location, friend request ticket, revoked id …). */
	details: Record<string, unknown>;
	raw: RawAddMsg;
}
