/** jest globalSetup of the end-to-end run: see shared-n8n.ts. */
export { globalSetup as default } from './shared-n8n';
