/**
 * The client's typed errors as n8n errors: what the user caused or must act on
 * becomes NodeOperationError, what the remote side answered NodeApiError. The
 * hint travels as the description; neither ever contains a token.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { WeChatError } from '../../lib/wechat';

const USER_SIDE = new Set([
	'NOT_LOGGED_IN',
	'LOGIN_REFUSED',
	'LOGIN_TIMEOUT',
	'LOGIN_CANCELLED',
	'LOGGED_OUT',
	'RATE_LIMITED',
	'UNKNOWN_CONTACT',
	'AMBIGUOUS_CONTACT',
	'MEDIA_UNAVAILABLE',
	'INVALID_INPUT',
	'ABORTED',
]);

export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof WeChatError) {
		const description = error.hint || undefined;
		if (USER_SIDE.has(error.code)) return new NodeOperationError(node, error.message, { itemIndex, description });
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
	if (error instanceof WeChatError) return { error: error.message, code: error.code, hint: error.hint || undefined };
	return { error: error instanceof Error ? error.message : String(error) };
}
