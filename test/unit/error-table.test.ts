/**
 * Errors are mapped by class and code, never by message text: one table in
 * nodes/shared/errors.ts for every route's RouteError.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';
import { ApiError, kickedRightAfterLogin, LoggedOutError, LoginTimeoutError, NetworkError, NotOnRouteError, REFUSAL_KICK_WINDOW_MS, RouteError, UnknownContactError, WeChatError } from '../../lib/wechat';
import { errorJson, toNodeError } from '../../nodes/shared/errors';

const node = { id: '1', name: 'WeChat Web', type: 'n8n-nodes-wechat-web.weChatWeb', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

it('what the user must act on is a NodeOperationError, what the server or network did a NodeApiError; the hint is the description', () => {
	const user = toNodeError(node, new UnknownContactError('Nobody'));
	expect(user).toBeInstanceOf(NodeOperationError);
	expect(user.description).toMatch(/UserName/);
	expect(toNodeError(node, new LoginTimeoutError(5))).toBeInstanceOf(NodeOperationError);
	expect(toNodeError(node, new NetworkError('No answer within 1000 ms.'))).toBeInstanceOf(NodeApiError);
	expect(toNodeError(node, new ApiError('webwxsendmsg', 1, 'bad'))).toBeInstanceOf(NodeApiError);
});

it('a route-neutral error (an operation a route cannot do) maps by its code, with its own words', () => {
	const err = new NotOnRouteError('iLink', 'Sending to a group', 'Use the WeChat Web route for groups.');
	expect(err).toBeInstanceOf(RouteError);
	expect(err).not.toBeInstanceOf(WeChatError);
	const mapped = toNodeError(node, err);
	expect(mapped).toBeInstanceOf(NodeOperationError);
	expect(mapped.message).toBe('Sending to a group is not available on the iLink route.');
	expect(errorJson(err)).toEqual({ error: mapped.message, code: 'NOT_ON_ROUTE', hint: 'Use the WeChat Web route for groups.' });
});

it('the same message text under another code maps by the code', () => {
	const text = 'WeChat logged this session out: the session became invalid.';
	expect(toNodeError(node, new WeChatError('LOGGED_OUT', text))).toBeInstanceOf(NodeOperationError);
	expect(toNodeError(node, new WeChatError('PROTOCOL', text))).toBeInstanceOf(NodeApiError);
});

describe('the 2025 pattern: a 1102 right after a fresh login is a refusal', () => {
	const kicked = new LoggedOutError('kicked', 1102);
	it.each([
		['a restored session (no fresh login)', kicked, undefined, 1_000, false],
		['1102 five seconds after the login', kicked, 0, 5_000, true],
		['1102 just inside the window', kicked, 0, REFUSAL_KICK_WINDOW_MS - 1, true],
		['1102 once the window is over', kicked, 0, REFUSAL_KICK_WINDOW_MS, false],
		['1101 (logged in elsewhere) right after the login', new LoggedOutError('sessionInvalid', 1101), 0, 5_000, false],
		['a clock that went backwards', kicked, 10_000, 5_000, false],
	] as const)('%s', (_what, error, loggedInAt, now, refused) => {
		expect(kickedRightAfterLogin(error, loggedInAt, now)).toBe(refused);
	});
});
