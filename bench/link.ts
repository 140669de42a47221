/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * A slow, encrypted link in front of the simulator for the benchmark: clients
 * connect over TLS to `https://127.0.0.1:<port>`; every TCP chunk waits
 * `oneWayMs` in each direction, and a new connection pays one more round trip
 * before its first byte goes on (the TCP handshake a real link would cost, which
 * loopback does not). Behind it a TLS server (a self-signed certificate made at
 * start with node:crypto) opens one plain connection to the simulator per TLS
 * connection, so the simulator's connection count is the link's.
 *
 *   client ──TLS──▶ [delay 25 ms each way] ──▶ TLS server ──TCP──▶ simulator
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

// --- a tiny DER writer: just what one X.509 certificate needs ---------------------------------

function der(tag: number, ...parts: Buffer[]): Buffer {
	const body = Buffer.concat(parts);
	const n = body.length;
	let len: Buffer;
	if (n < 0x80) len = Buffer.from([n]);
	else {
		const bytes: number[] = [];
		for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
		len = Buffer.from([0x80 | bytes.length, ...bytes]);
	}
	return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...parts: Buffer[]) => der(0x30, ...parts);

function oid(dotted: string): Buffer {
	const [a, b, ...rest] = dotted.split('.').map(Number);
	const out = [40 * a + b];
	for (const v of rest) {
		const groups: number[] = [];
		for (let x = v; ; x = Math.floor(x / 128)) {
			groups.unshift(x % 128);
			if (x < 128) break;
		}
		out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
	}
	return der(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
	const p = (n: number) => String(n).padStart(2, '0');
	const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
	return der(0x17, Buffer.from(s, 'ascii'));
}

/** A self-signed P-256 certificate for CN=wechat-bench, SAN IP 127.0.0.1 and localhost, valid for a day. */
export function selfSignedCert(): { key: string; cert: string } {
	const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
	const name = seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from('wechat-bench')))));
	const serial = randomBytes(16);
	serial[0] &= 0x7f;
	const now = Date.now();
	const san = seq(der(0x87, Buffer.from([127, 0, 0, 1])), der(0x82, Buffer.from('localhost')));
	const tbs = seq(
		der(0xa0, der(0x02, Buffer.from([2]))),
		der(0x02, serial),
		ecdsaWithSha256,
		name,
		seq(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 86_400_000))),
		name,
		publicKey.export({ type: 'spki', format: 'der' }),
		der(0xa3, seq(seq(oid('2.5.29.17'), der(0x04, san)))),
	);
	const signature = sign('sha256', tbs, privateKey);
	const cert = seq(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
	const pem = `-----BEGIN CERTIFICATE-----\n${cert
		.toString('base64')
		.match(/.{1,64}/g)!
		.join('\n')}\n-----END CERTIFICATE-----\n`;
	return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: pem };
}

// --- the delay ---------------------------------------------------------------------------------

/**
 * Copies `from` to `to`, each chunk `delayMs` after it arrived and never before
 * `notBefore` (a new connection's handshake); order kept, the end (or a
 * close) forwarded after the data ahead of it.
 */
function delayed(from: net.Socket, to: net.Socket, delayMs: number, notBefore: number): void {
	const queue: Array<{ at: number; chunk: Buffer | null }> = [];
	let last = notBefore;
	let timer: NodeJS.Timeout | undefined;
	const drain = () => {
		timer = undefined;
		const now = performance.now();
		while (queue.length && queue[0].at <= now + 0.5) {
			const { chunk } = queue.shift()!;
			if (chunk === null) {
				to.end();
				return;
			}
			if (!to.destroyed) to.write(chunk);
		}
		if (queue.length) timer = setTimeout(drain, queue[0].at - now);
	};
	const push = (chunk: Buffer | null) => {
		last = Math.max(performance.now() + delayMs, last);
		queue.push({ at: last, chunk });
		if (!timer) timer = setTimeout(drain, Math.max(0, queue[0].at - performance.now()));
	};
	let ended = false;
	from.on('data', (c: Buffer) => push(c));
	const end = () => {
		if (ended) return;
		ended = true;
		push(null);
	};
	from.on('end', end);
	from.on('close', end);
	from.on('error', () => undefined);
}

export interface Link {
	/** `https://127.0.0.1:<port>`: the origin clients use. */
	origin: string;
	/** Connections clients opened to the link so far. */
	connections(): number;
	close(): Promise<void>;
}

/** Starts the link in front of `target` (`http://host:port` of the simulator). */
export async function startLink(target: string, opts: { oneWayMs: number }): Promise<Link> {
	const { hostname, port } = new URL(target);
	const { key, cert } = selfSignedCert();
	const sockets = new Set<net.Socket>();
	const track = (s: net.Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
		s.on('error', () => s.destroy());
	};
	const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

	// Middle: TLS ends here, one plain connection to the simulator per TLS connection.
	const tlsServer = tls.createServer({ key, cert }, (secure) => {
		const up = net.connect(Number(port), hostname);
		track(secure);
		track(up);
		secure.setNoDelay(true);
		up.setNoDelay(true);
		secure.pipe(up);
		up.pipe(secure);
		secure.on('close', () => up.destroy());
		up.on('close', () => secure.destroy());
	});
	tlsServer.on('tlsClientError', () => undefined);
	const tlsPort = await listen(tlsServer);

	// Front: the slow wire.
	let accepted = 0;
	const front = net.createServer((client) => {
		accepted++;
		const opened = performance.now();
		const mid = net.connect(tlsPort, '127.0.0.1');
		track(client);
		track(mid);
		client.setNoDelay(true);
		mid.setNoDelay(true);
		// The client's first bytes leave after the handshake (one round trip) and then take one way.
		delayed(client, mid, opts.oneWayMs, opened + 3 * opts.oneWayMs);
		delayed(mid, client, opts.oneWayMs, 0);
		client.on('close', () => setTimeout(() => mid.destroy(), opts.oneWayMs * 2));
		mid.on('close', () => setTimeout(() => client.destroy(), opts.oneWayMs * 2));
	});
	const frontPort = await listen(front);
	return {
		origin: `https://127.0.0.1:${frontPort}`,
		connections: () => accepted,
		close: async () => {
			for (const s of sockets) s.destroy();
			await Promise.all([new Promise((r) => front.close(r)), new Promise((r) => tlsServer.close(r))]);
		},
	};
}
