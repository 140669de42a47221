/**
 * The client's typed errors as n8n errors: what the user caused or must act on
 * becomes NodeOperationError, what the remote side answered NodeApiError. The
 * hint travels as the description; neither ever contains a token.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IlinkErrorCode } from '../../lib/ilink';
import type { WeChatErrorCode } from '../../lib/wechat';
import { RouteError } from '../../lib/wechat';

/**
 * Every code, by who must act: `user` → NodeOperationError (what the user
 * caused or must do), `remote` → NodeApiError (what the server answered or the
 * network did). The one table for every route; a code missing here is remote.
 */
const ERROR_KIND: Record<WeChatErrorCode | IlinkErrorCode, 'user' | 'remote'> = {
	NOT_LOGGED_IN: 'user',
	LOGIN_REFUSED: 'user',
	LOGIN_TIMEOUT: 'user',
	LOGIN_CANCELLED: 'user',
	LOGGED_OUT: 'user',
	RATE_LIMITED: 'user',
	NOT_ON_ROUTE: 'user',
	UNKNOWN_CONTACT: 'user',
	AMBIGUOUS_CONTACT: 'user',
	MEDIA_UNAVAILABLE: 'user',
	INVALID_INPUT: 'user',
	ABORTED: 'user',
	SESSION_STALE: 'user',
	THROTTLED: 'user',
	WINDOW_CLOSED: 'user',
	QUOTA_EXHAUSTED: 'user',
	LOGIN_FAILED: 'user',
	NETWORK: 'remote',
	PROTOCOL: 'remote',
	API: 'remote',
};

export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof RouteError) {
		const description = error.hint || undefined;
		if (ERROR_KIND[error.code as WeChatErrorCode | IlinkErrorCode] === 'user') return new NodeOperationError(node, error.message, { itemIndex, description });
		const status = (error as { status?: number }).status;
		return new NodeApiError(node, { message: error.message, code: error.code } as JsonObject, {
			message: error.message,
			description,
			itemIndex,
			httpCode: status ? String(status) : undefined,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}

/** Plain data for "Continue On Fail" items. */
export function errorJson(error: unknown): { error: string; code?: string; hint?: string } {
	if (error instanceof RouteError) return { error: error.message, code: error.code, hint: error.hint || undefined };
	return { error: error instanceof Error ? error.message : String(error) };
}
