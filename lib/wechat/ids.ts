/** Client-generated identifiers, formed as the official web client forms them. */
import type { Clock } from './clock';

/** `e` + 15 random digits (protocol.md §1.0); fresh per call like the official client. */
export function deviceId(clock: Clock): string {
	let digits = '';
	while (digits.length < 15) digits += Math.floor(clock.random() * 1e9).toString().padStart(9, '0');
	return `e${digits.slice(0, 15)}`;
}

/** Official client's ClientMsgId/LocalID: 13-digit ms timestamp + `0` + 3 random digits (17 chars). */
export function clientMsgId(clock: Clock): string {
	const ms = Math.floor(clock.now()).toString().padStart(13, '0');
	const rand = Math.floor(clock.random() * 1000).toString().padStart(3, '0');
	return `${ms}0${rand}`;
}

/** `~t`: bitwise NOT of the ms timestamp truncated to 32 bits (cache buster the server ignores). */
export function notTime(clock: Clock): number {
	return ~Math.floor(clock.now());
}
