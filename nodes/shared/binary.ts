/**
 * Streams from the client handed to n8n's binary storage without buffering the
 * whole file: n8n's filesystem/S3 managers write any async iterable, its
 * in-memory mode listens for data/end events — this wrapper offers both, so the
 * nodes need no Node stream import (n8n's Cloud rules forbid it).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

/** What prepareBinaryData accepts (a Buffer or a Node stream). */
type BinarySource = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

type Listener = (arg?: unknown) => void;

/** A byte count as users read it in size limits: `25 MB`, `0.3 MB`, `0.029 MB` (never `0 MB`). */
export function megabytes(bytes: number): string {
	const mb = bytes / 1024 / 1024;
	return `${mb > 0 && mb < 0.1 ? Number(mb.toPrecision(2)) : Math.round(mb * 10) / 10} MB`;
}

export function binaryStream(source: AsyncIterable<Uint8Array>, onAbandon?: () => void): BinarySource {
	const listeners: Record<string, Listener[]> = {};
	let started = false;
	const emit = (event: string, arg?: unknown) => {
		for (const fn of listeners[event] ?? []) fn(arg);
	};
	const pump = async () => {
		try {
			for await (const chunk of source) emit('data', Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
			emit('end');
			emit('close');
		} catch (err) {
			onAbandon?.();
			emit('error', err);
		}
	};
	const add = (event: string, fn: Listener) => {
		(listeners[event] ??= []).push(fn);
		if (event === 'data' && !started) {
			started = true;
			void Promise.resolve().then(pump);
		}
	};
	const wrapper = {
		on(event: string, fn: Listener) {
			add(event, fn);
			return wrapper;
		},
		once(event: string, fn: Listener) {
			const once: Listener = (arg) => {
				listeners[event] = (listeners[event] ?? []).filter((f) => f !== once);
				fn(arg);
			};
			add(event, once);
			return wrapper;
		},
		removeListener(event: string, fn: Listener) {
			listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn);
			return wrapper;
		},
		// n8n 2.x reads streams for its database/in-memory modes with on/once and detaches with `off`.
		off(event: string, fn: Listener) {
			return wrapper.removeListener(event, fn);
		},
		destroy() {
			onAbandon?.();
		},
		async *[Symbol.asyncIterator]() {
			if (started) throw new Error('This media stream was already read.');
			started = true;
			for await (const chunk of source) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		},
	};
	return wrapper as unknown as BinarySource;
}

/**
 * An input item's binary property as a file to send: its bytes, the file name
 * (the node's File Name option, else the binary's, else `<property>.<ext>`) and
 * MIME type. Both routes' send operations read it the same way.
 */
export async function inputFile(fn: IExecuteFunctions, i: number): Promise<{ bytes: Uint8Array; fileName: string; mimeType: string }> {
	const prop = fn.getNodeParameter('binaryPropertyName', i) as string;
	const meta = fn.helpers.assertBinaryData(i, prop);
	const buffer = await fn.helpers.getBinaryDataBuffer(i, prop);
	const options = fn.getNodeParameter('options', i, {}) as { fileName?: string };
	const mimeType = meta.mimeType || 'application/octet-stream';
	const ext = meta.fileExtension ? `.${meta.fileExtension}` : '';
	const fileName = (options.fileName || meta.fileName || `${prop}${ext}`).trim();
	return { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), fileName, mimeType };
}
