/**
 * The `webwx_data_ticket` cookie that file uploads and file downloads both
 * carry (protocol.md §6.11). Its own module so neither direction depends on
 * the other.
 */
import { NotLoggedInError } from './errors';
import type { Session } from './session';

/** The session's data ticket, or NotLoggedInError when the cookie is missing. */
export function requireDataTicket(session: Session): string {
	const ticket = session.cookie('webwx_data_ticket');
	if (!ticket) {
		throw new NotLoggedInError('The session has no webwx_data_ticket cookie (the data ticket is missing), so media cannot be uploaded or downloaded; log in again.');
	}
	return ticket;
}
