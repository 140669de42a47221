/**
 * A minimal multipart/form-data parser (RFC 7578) for webwxuploadmedia: enough
 * for browsers, form-data, undici's FormData and hand-built bodies.
 */

export interface Part {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
	if (!contentType || !/^multipart\/form-data/i.test(contentType.trim())) return undefined;
	const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return m ? (m[1] ?? m[2]) : undefined;
}

function param(header: string, name: string): string | undefined {
	const m = new RegExp(`(?:^|;)\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header) ?? new RegExp(`(?:^|;)\\s*${name}=([^;]*)`, 'i').exec(header);
	return m ? m[1].trim() : undefined;
}

/** Parses the body; null when it is not well-formed multipart. */
export function parseMultipart(body: Buffer, boundary: string): Part[] | null {
	const delim = Buffer.from(`--${boundary}`);
	const parts: Part[] = [];
	let pos = body.indexOf(delim);
	if (pos < 0) return null;
	for (;;) {
		pos += delim.length;
		if (body.subarray(pos, pos + 2).toString() === '--') return parts;
		if (body.subarray(pos, pos + 2).toString() !== '\r\n') return null;
		pos += 2;
		const headerEnd = body.indexOf('\r\n\r\n', pos);
		if (headerEnd < 0) return null;
		const headers = new Map<string, string>();
		for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
		}
		const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
		if (next < 0) return null;
		const disposition = headers.get('content-disposition') ?? '';
		const name = param(disposition, 'name');
		if (name === undefined) return null;
		parts.push({
			name,
			filename: param(disposition, 'filename'),
			contentType: headers.get('content-type'),
			data: body.subarray(headerEnd + 4, next),
		});
		pos = next + 2;
	}
}
