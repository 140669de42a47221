import type { RawContact, RawMember } from '../types';

/** What normalizeMessage needs to know about the session; lookups must be cheap (hot path). */
export interface NormalizeContext {
	/** My per-session UserName (`@…`). */
	selfUserName: string;
	selfNickName: string;
	/** A contact, official account, special account or group by UserName. */
	contact(userName: string): RawContact | undefined;
	/** A member of a group, by the group's and the member's UserName. */
	groupMember(groupUserName: string, memberUserName: string): RawMember | undefined;
}
