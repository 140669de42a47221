/** Where an iLink trigger starts (nodes/WeChatWebTrigger/ilink/held-batch.ts): which held batch is still to hand over. */
import { CHECKPOINT_KEY } from '../../nodes/shared/checkpoint';
import { holdBatch, ilinkStart } from '../../nodes/WeChatWebTrigger/ilink/held-batch';

const checkpoint = (seq: number, workflow: string, account = 'acct') =>
	JSON.stringify({ format: 'n8n-wechat-checkpoint', version: 1, route: 'ilink', account, seq, cursor: `c${seq}`, workflow });

describe('ilinkStart: the held batch', () => {
	it('is done only by its own workflow\'s checkpoint, not by another workflow\'s on the same credential', () => {
		const staticData = {};
		holdBatch(staticData, { seq: 5, account: 'acct', cursor: 'c5', items: [{ id: '1', text: 'held' }] });
		const byOther = ilinkStart(staticData, { [CHECKPOINT_KEY]: checkpoint(9, 'wf-B') }, 'acct', 'wf-A');
		expect(byOther.pending?.seq).toBe(5);
		const byOwn = ilinkStart(staticData, { [CHECKPOINT_KEY]: checkpoint(5, 'wf-A') }, 'acct', 'wf-A');
		expect(byOwn.pending).toBeUndefined();
		// The static data's checkpoint is always this workflow's own.
		const inStatic = ilinkStart({ ...staticData, [CHECKPOINT_KEY]: checkpoint(6, 'wf-A') }, {}, 'acct', 'wf-A');
		expect(inStatic.pending).toBeUndefined();
		expect(byOther.seq).toBe(9);
	});
});
