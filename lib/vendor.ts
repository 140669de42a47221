/**
 * The third-party libraries the client uses, in one module. The build bundles
 * exactly this file (esbuild) into dist, so the published package has no
 * runtime dependencies (n8n's verification rule) while our own code stays
 * readable, one module per source file.
 */
export { CookieJar } from 'tough-cookie';
export { XMLParser } from 'fast-xml-parser';
export { toBuffer as qrToBuffer, toString as qrToString } from 'qrcode';
