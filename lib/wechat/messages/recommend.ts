/**
 * Messages about a person (protocol.md §3.10): friend requests (37) and shared
 * cards (42). RecommendInfo is the source; the Content XML fills gaps.
 */
import type { RawRecommendInfo } from '../types';
import { parseXml, xmlAttr, xmlChild } from '../xml';
import { num, put, str, type ParseInput, type Parsed } from './parsed';
import { cleanText, unescapeXmlContent } from './text';

function recommendInfo(input: ParseInput): Partial<RawRecommendInfo> {
	const ri = input.raw.RecommendInfo;
	return ri && typeof ri === 'object' ? ri : {};
}

/** The `<msg …>` element of the Content, parsed only when needed. */
function contentMsg(body: string): unknown {
	if (!body) return undefined;
	return xmlChild(parseXml(unescapeXmlContent(body)), 'msg');
}

function personDetails(ri: Partial<RawRecommendInfo>, details: Record<string, unknown>): void {
	put(details, 'userName', str(ri.UserName));
	put(details, 'nickName', cleanText(str(ri.NickName)));
	put(details, 'alias', str(ri.Alias));
	put(details, 'province', str(ri.Province));
	put(details, 'city', str(ri.City));
	put(details, 'sex', num(ri.Sex) || undefined);
	put(details, 'signature', cleanText(str(ri.Signature)));
	put(details, 'verifyFlag', num(ri.VerifyFlag) || undefined);
}

export function parseFriendRequest(input: ParseInput): Parsed {
	const ri = recommendInfo(input);
	const details: Record<string, unknown> = {};
	personDetails(ri, details);
	let greeting = cleanText(str(ri.Content));
	// Accept with RecommendInfo.Ticket (IT's top-level Ticket is something else).
	let ticket = str(ri.Ticket);
	if (!ticket || !ri.UserName) {
		const msg = contentMsg(input.body);
		ticket = ticket || xmlAttr(msg, 'ticket');
		greeting = greeting || xmlAttr(msg, 'content');
		put(details, 'nickName', details.nickName ?? xmlAttr(msg, 'fromnickname'));
		put(details, 'rawUserName', xmlAttr(msg, 'fromusername'));
	}
	put(details, 'greeting', greeting);
	put(details, 'ticket', ticket);
	put(details, 'scene', num(ri.Scene) || undefined);
	put(details, 'opCode', num(ri.OpCode) || undefined);
	const userName = str(ri.UserName);
	const nickName = typeof details.nickName === 'string' ? details.nickName : '';
	const out: Parsed = { type: 'friendRequest', text: greeting, details };
	// The author is the stranger, not `fmessage`.
	if (userName) out.sender = { id: userName, name: nickName || userName };
	return out;
}

export function parseCard(input: ParseInput): Parsed {
	const ri = recommendInfo(input);
	const details: Record<string, unknown> = {};
	personDetails(ri, details);
	const msg = contentMsg(input.body);
	put(details, 'nickName', details.nickName ?? xmlAttr(msg, 'nickname'));
	put(details, 'alias', details.alias ?? xmlAttr(msg, 'alias'));
	put(details, 'rawUserName', xmlAttr(msg, 'username'));
	put(details, 'headImgUrl', xmlAttr(msg, 'bigheadimgurl') || xmlAttr(msg, 'smallheadimgurl'));
	put(details, 'certFlag', num(xmlAttr(msg, 'certflag')) || undefined);
	const verifyFlag = num(ri.VerifyFlag);
	details.isOfficial = (verifyFlag & 8) !== 0 || num(xmlAttr(msg, 'certflag')) !== 0;
	const text = typeof details.nickName === 'string' ? details.nickName : '';
	return { type: 'card', text, details };
}
