/**
 * Media behind injected (and echoed) messages: deterministic bytes derived from a
 * seed and the MsgId, with the real magic numbers so clients can sniff formats.
 */

import { createCipheriv, createHash } from 'node:crypto';
import { sha256Hex } from './util';

export type MediaKind = 'image' | 'voice' | 'video' | 'emoticon' | 'file';

export interface MediaItem {
	msgId: string;
	kind: MediaKind;
	size: number;
	/** Served as 200 with an empty body (videos not for web, store stickers, big files). */
	unavailable: boolean;
	fileName?: string;
	/** Files: what webwxgetmedia checks. */
	mediaId?: string;
	encryFileName?: string;
	/** Raw id of the message's FromUserName (webwxgetmedia `sender`). */
	senderId?: string;
	/** Fixed bytes (echoed uploads) instead of seed-derived ones. */
	fixed?: Buffer;
}

const MAGIC: Record<MediaKind, { head: Buffer; tail: Buffer }> = {
	image: { head: Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), tail: Buffer.from('ffd9', 'hex') },
	emoticon: { head: Buffer.from('GIF89a', 'latin1'), tail: Buffer.from(';', 'latin1') },
	voice: { head: Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from('03000000000000fffb9064', 'hex')]), tail: Buffer.alloc(0) },
	video: { head: Buffer.concat([Buffer.from('00000018', 'hex'), Buffer.from('ftypmp42', 'latin1'), Buffer.alloc(4), Buffer.from('mp42isom', 'latin1')]), tail: Buffer.alloc(0) },
	file: { head: Buffer.alloc(0), tail: Buffer.alloc(0) },
};

/** Deterministic pseudo-random bytes: AES-CTR keystream keyed by the seed and a label. */
export function seededBytes(seed: string, label: string, size: number): Buffer {
	const key = createHash('sha256').update(`${seed}\u0000${label}`).digest();
	const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
	return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

function fileMagic(fileName: string | undefined): Buffer {
	const ext = (fileName ?? '').toLowerCase().split('.').pop();
	if (ext === 'pdf') return Buffer.from('%PDF-1.4\n', 'latin1');
	if (ext === 'zip' || ext === 'docx' || ext === 'xlsx') return Buffer.from('504b0304', 'hex');
	return Buffer.alloc(0);
}

/** `size` bytes starting with the kind's magic number (and trailer where it has one). */
export function mediaBytesFor(seed: string, label: string, kind: MediaKind, size: number, fileName?: string): Buffer {
	const buf = seededBytes(seed, label, size);
	const { head, tail } = MAGIC[kind];
	const h = kind === 'file' ? fileMagic(fileName) : head;
	if (kind === 'file' && (fileName ?? '').toLowerCase().endsWith('.txt')) {
		for (let i = 0; i < buf.length; i++) buf[i] = 0x61 + (buf[i] % 26);
	}
	h.copy(buf, 0, 0, Math.min(h.length, size));
	if (size >= h.length + tail.length) tail.copy(buf, size - tail.length);
	return buf;
}

export class MediaStore {
	private readonly items = new Map<string, MediaItem>();
	private readonly cache = new Map<string, Buffer>();

	constructor(private readonly seed: string) {}

	register(item: MediaItem): MediaItem {
		this.items.set(item.msgId, item);
		return item;
	}

	/** Media that webwxgetmedia serves (attachments, by MediaId). */
	files(): MediaItem[] {
		return [...this.items.values()].filter((m) => m.kind === 'file' && m.mediaId);
	}

	get(msgId: string): MediaItem | undefined {
		return this.items.get(msgId);
	}

	/** The full media (what a successful download returns). */
	bytes(msgId: string): Buffer {
		const item = this.items.get(msgId);
		if (!item) throw new Error(`No media for message ${msgId}`);
		if (item.fixed) return item.fixed;
		let b = this.cache.get(msgId);
		if (!b) {
			b = mediaBytesFor(this.seed, msgId, item.kind, item.size, item.fileName);
			this.cache.set(msgId, b);
		}
		return b;
	}

	/** A small JPEG: image thumbnails (`type=slave`) and video covers. */
	thumb(msgId: string): Buffer {
		return mediaBytesFor(this.seed, `${msgId}/thumb`, 'image', 2_048);
	}

	sha256(msgId: string): string {
		return sha256Hex(this.bytes(msgId));
	}
}
