/**
 * The front door of the WeChat Web protocol client: everything the n8n side
 * (nodes/, credentials/) may use of lib/wechat, and the only path it imports
 * it by (test/unit/front-door.test.ts). The client offers intents (sessionInfo,
 * cachedContact, originUrl …); its parts (HTTP layer, session tokens, send
 * queue internals, contact store) stay behind it.
 */

// The client and what its methods take and return.
export { WeChatClient } from './client';
export type { ClientEvent, FileInput, ReceiveOptions, SessionInfo, WeChatClientOptions } from './client';
export type { Logger } from './http';
export type { Clock } from './clock';
export { backoffDelay } from './clock';
export type { HttpRequest, HttpResponse, HttpTransport } from './transport';
export type { PacingOptions } from './pacing';
export { SendPacer } from './pacing';

// Sessions: an opaque handle (persisted as JSON) and the receive position.
export type { LoginMode } from './session';
export { Session } from './session';
export { cursorOf } from './cursor';
export type { LoginEvent } from './login';
export { LoginCancelledError, LoginTimeoutError } from './errors';
export { qrPng, qrTerminal } from './qr';
export { assertSessionMainHost, parseOriginOverride } from './hosts';

// Typed errors.
export {
	AbortedError,
	AmbiguousContactError,
	ApiError,
	InvalidInputError,
	isAbort,
	kickedRightAfterLogin,
	LoggedOutError,
	LoginRefusedError,
	LOGOUT_TEXT,
	MediaUnavailableError,
	NetworkError,
	NotLoggedInError,
	ProtocolError,
	RateLimitedError,
	REFUSAL_KICK_HINT,
	REFUSAL_KICK_WINDOW_MS,
	UnknownContactError,
	WeChatError,
} from './errors';
export type { LogoutReason, WeChatErrorCode } from './errors';
export { NotOnRouteError, RouteError } from '../route-errors';
export type { SharedErrorCode } from '../route-errors';

// Chats, contacts and messages.
export {
	CHAT_KINDS,
	chatKind,
	contactKind,
	contactName,
	displayName,
	isGroupUserName,
	isNamedMember,
	isOfficialContact,
	isSpecialUserName,
	memberName,
	memberTag,
	nameContains,
	ownName,
	SPECIAL_USER_NAMES,
} from './chats';
export type { NameCleaner } from './chats';
export type {
	ChatKind,
	ChatRef,
	MediaReference,
	MessageType,
	PersonRef,
	RawContact,
	RawMember,
	RawUser,
	WeChatMessage,
} from './types';

// Sending and media.
export type { EmoticonSource, Mentions, RevokeResult, SentMessage } from './send';
export type { SentMedia } from './upload';
export { mediaKindFor } from './upload';
export type { ImageVariant, MediaBuffer, MediaStream } from './media';
export { capped, MediaTooLargeError } from './media';
export type { MediaKind, SendableKind } from './media-vocabulary';
export { defaultMimeType, isMediaKind, mimeTypeForExtension, safeFileName, safeMimeType } from './media-vocabulary';
