/**
 * Parsers for the JavaScript-assignment bodies of jslogin, the login poll and
 * synccheck (protocol.md §1.1, §1.3, §1.10). Plain regular expressions, never
 * eval; "no match" is reported as null so callers can treat it as an error.
 */

const QRLOGIN = /window\.QRLogin\.code\s*=\s*(\d+);\s*window\.QRLogin\.uuid\s*=\s*"(\S*?)";/;
const CODE = /window\.code\s*=\s*(\d+);/;
const REDIRECT = /window\.redirect_uri\s*=\s*"(\S+?)";/;
const AVATAR = /window\.userAvatar\s*=\s*'([^']*)';/;
const SYNCCHECK = /window\.synccheck\s*=\s*\{\s*retcode\s*:\s*"(-?\d+)"\s*,\s*selector\s*:\s*"(\d+)"\s*\}/;

export function parseJsLogin(body: string): { code: number; uuid: string } | null {
	const m = QRLOGIN.exec(body);
	return m ? { code: Number(m[1]), uuid: m[2] } : null;
}

export interface LoginPoll {
	code: number;
	redirectUri?: string;
	avatar?: string;
}

export function parseLoginPoll(body: string): LoginPoll | null {
	const m = CODE.exec(body);
	if (!m) return null;
	const out: LoginPoll = { code: Number(m[1]) };
	const r = REDIRECT.exec(body);
	if (r) out.redirectUri = r[1];
	const a = AVATAR.exec(body);
	if (a) out.avatar = a[1];
	return out;
}

export function parseSyncCheck(body: string): { retcode: number; selector: number } | null {
	const m = SYNCCHECK.exec(body);
	return m ? { retcode: Number(m[1]), selector: Number(m[2]) } : null;
}
