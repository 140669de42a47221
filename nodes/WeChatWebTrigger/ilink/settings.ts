/** The iLink trigger's parameters, read once at activation (names shared with the Web route where meanings match). */
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import type { AdvanceMode } from '../delivery';

export interface IlinkTriggerSettings {
	advance: AdvanceMode;
	/** How long before the reply window closes to warn (ms); 0 = never. */
	warnBeforeMs: number;
}

export const DEFAULT_WARN_MINUTES = 60;

export function readIlinkSettings(ctx: Pick<ITriggerFunctions, 'getNodeParameter'>): IlinkTriggerSettings {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const advance = options.advanceSyncPosition === 'afterFinish' || options.advanceSyncPosition === 'afterSuccess' ? options.advanceSyncPosition : 'onHandOff';
	const minutes = Number(options.windowWarningMinutes ?? DEFAULT_WARN_MINUTES);
	return { advance, warnBeforeMs: Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes * 60_000) : 0 };
}
