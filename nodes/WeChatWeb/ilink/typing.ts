/** Message → Send Typing: "typing…" on or off in the owner's chat (no message, no send budget). */
import { budgetFields } from './budget-fields';
import type { IlinkItemOperation } from './context';
import { recipientOf } from './recipient';

export const sendTyping: IlinkItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const to = recipientOf(ctx, client, i);
	const on = ctx.fn.getNodeParameter('typing', i, true) !== false;
	const shown = await client.typing(to, on, ctx.signal);
	return [
		{
			json: {
				typing: on,
				// iLink gives no typing ticket before the owner wrote: then nothing is shown.
				shown,
				toUserName: to,
				to: { id: to },
				...budgetFields(client, to),
			},
		},
	];
};
