/**
 * What every route (WeChat Web today, iLink next) shares about failure: a
 * stable `code`, a message that says what happened, a `hint` that says what to
 * do, and whether trying again later can help. Each route keeps its own
 * classes in one file (`lib/wechat/errors.ts`); the nodes map codes, never
 * message text, to n8n errors (`nodes/shared/errors.ts`).
 */

/** Codes every route uses with the same meaning. */
export type SharedErrorCode =
	| 'NOT_LOGGED_IN'
	| 'LOGGED_OUT'
	| 'RATE_LIMITED'
	| 'NOT_ON_ROUTE'
	| 'INVALID_INPUT'
	| 'NETWORK'
	| 'ABORTED';

export class RouteError<C extends string = string> extends Error {
	readonly code: C;
	/** Whether trying the same call again later can succeed without user action. */
	readonly retryable: boolean;
	/** What the user should do about it. */
	readonly hint: string;

	constructor(code: C, message: string, hint = '', retryable = false) {
		super(message);
		this.name = 'RouteError';
		this.code = code;
		this.hint = hint;
		this.retryable = retryable;
	}
}

/** An operation the account's route cannot do: never a silent no-op. */
export class NotOnRouteError extends RouteError<'NOT_ON_ROUTE'> {
	constructor(route: string, what: string, instead: string) {
		super('NOT_ON_ROUTE', `${what} is not available on the ${route} route.`, instead);
		this.name = 'NotOnRouteError';
	}
}
