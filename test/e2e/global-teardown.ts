/** jest globalTeardown of the end-to-end run: stops the shared n8n of each line (shared-n8n.ts). */
export { globalTeardown as default } from './shared-n8n';
