/**
 * Locations (protocol.md §3.10): MsgType 1 with SubMsgType 48 (address text,
 * a map-image link and `Url`), or a standalone 48 with `<location>` XML.
 * Coordinates come from OriContent's `<location x= y=>` or from Url's `coord=`.
 */
import { decodeXmlEntities, parseXml, xmlAttr, xmlChild } from '../xml';
import { put, str, type ParseInput, type Parsed } from './parsed';
import { cleanText, unescapeXmlContent } from './text';

const COORD_RE = /[?&]coord=(-?\d{1,3}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)/;
const SPLIT = ':<br/>';

function coordinate(v: string, limit: number): number | undefined {
	if (!v) return undefined;
	const n = Number(v);
	return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

function locationXml(text: string): unknown {
	if (text.indexOf('location') === -1) return undefined;
	return xmlChild(parseXml(unescapeXmlContent(text)), 'msg', 'location');
}

export function parseLocation(input: ParseInput): Parsed {
	const { raw, body } = input;
	const details: Record<string, unknown> = {};
	let address = '';
	let loc: unknown;
	if (body.indexOf('&lt;msg') !== -1 || body.indexOf('<msg') !== -1) {
		// Standalone 48: the XML is the whole Content.
		loc = locationXml(body);
	} else {
		// OFF: three parts → [1] address, [2] link; two → [0] / [1].
		const parts = body.split(SPLIT, 3);
		const [addr, link] = parts.length >= 3 ? [parts[1], parts[2]] : [parts[0], parts[1] ?? ''];
		address = cleanText(addr);
		if (link.indexOf('webwxgetpubliclinkimg') !== -1) put(details, 'mapImagePath', decodeXmlEntities(link.trim()));
	}
	const url = decodeXmlEntities(str(raw.Url));
	if (!loc && raw.OriContent) loc = locationXml(str(raw.OriContent));
	const label = xmlAttr(loc, 'label');
	const poiName = xmlAttr(loc, 'poiname');
	let latitude = coordinate(xmlAttr(loc, 'x'), 90);
	let longitude = coordinate(xmlAttr(loc, 'y'), 180);
	if (latitude === undefined || longitude === undefined) {
		const m = COORD_RE.exec(url);
		if (m) {
			latitude = coordinate(m[1], 90);
			longitude = coordinate(m[2], 180);
		}
	}
	const text = address || label || poiName;
	put(details, 'address', text);
	put(details, 'url', url);
	put(details, 'latitude', latitude);
	put(details, 'longitude', longitude);
	put(details, 'label', label);
	put(details, 'poiName', poiName);
	put(details, 'scale', Number(xmlAttr(loc, 'scale')) || undefined);
	return { type: 'location', text, details };
}
