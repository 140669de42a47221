/**
 * The front door of the iLink (WeChat ClawBot) protocol client: the only path
 * others import lib/ilink by. Nothing here knows n8n.
 */
export { IlinkClient } from './client';
export type { DownloadedMedia, FileInput, IlinkClientOptions, IlinkReceiveEvent, SendOptions, SentMedia } from './client';
export type { Logger } from './http';
export type { IlinkLoginEvent, IlinkLoginOptions, IlinkLoginOutcome } from './login';
export { IlinkSession, CURSOR_FORMAT, SESSION_FORMAT } from './session';
export type { IlinkSessionData } from './session';
export type { IlinkMediaKind, IlinkMediaReference, IlinkMessage, IlinkMessageType, IlinkQuote, WeixinMessage } from './messages';
export { normalizeMessage, publicMessage } from './messages';
export type { SentMessage } from './send';
export type { SendKind } from './media';
export { sendKindFor } from './media';
export type { UpdatesOptions } from './updates';
export type { BudgetConfig, BudgetState, ChatBudget, ChatStatus, SendMark, SendVerdict } from './budget';
export { budgetConfig, chatStatus, checkSend, DEFAULT_BUDGET, emptyBudget, finishSend, IN_FLIGHT_MS, mergeBudget, readBudget, recordInbound, recordSend, recordThrottle, reserveSends, STRADDLE_MS } from './budget';
export { DEFAULT_BASE_URL, DEFAULT_CDN_BASE_URL, parseOriginOverride } from './hosts';
export { CHANNEL_VERSION, ILINK_APP_ID } from './headers';
export {
	AbortedError,
	IlinkApiError,
	IlinkError,
	InvalidInputError,
	isAbort,
	LoginFailedError,
	LoginTimeoutError,
	MediaUnavailableError,
	NetworkError,
	NotLoggedInError,
	ProtocolError,
	QuotaExhaustedError,
	SessionStaleError,
	ThrottledError,
	WindowClosedError,
} from './errors';
export type { IlinkErrorCode } from './errors';
