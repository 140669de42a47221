/**
 * What the iLink route cannot do, each with what to do instead. The editor
 * hides these operations for the iLink credential; a workflow saved on the Web
 * route or an AI agent's tool call can still reach them, and gets this error —
 * never a silent no-op.
 */
import { NotOnRouteError } from '../../../lib/route-errors';

const WEB = 'Use a WeChat Web credential (Route: WeChat Web) for it';

const NOT_ON_ILINK: Record<string, Record<string, [what: string, instead: string]>> = {
	message: {
		revoke: ['Revoking a message', 'iLink has no recall. ' + WEB + '.'],
		forward: ['Forwarding a message', 'The bot can only send to its owner: download the media (Media → Download) and send it with Message → Send Media, or send the text with Send Text.'],
		sendEmoticon: ['Sending a sticker', 'Send the GIF as an image (Message → Send Image) or as a file.'],
		sendLink: ['Sending a link card', 'Send the link as text (Message → Send Text).'],
		sendVoice: ['Sending a voice message', 'iLink drops voice sent by bots: send the audio as a file (Message → Send File).'],
	},
	contact: {
		'*': ['Contacts and groups', 'An iLink bot has one contact, its owner, and no groups. ' + WEB + '.'],
	},
	media: {
		getAvatar: ['Downloading an avatar', WEB + '.'],
	},
	session: {
		login: [
			'Logging in from the action node',
			'Activate a workflow with the WeChat Web Trigger set to this iLink credential and scan the QR code it emits (Login Events output), or paste the state file of "npx n8n-nodes-wechat-web login --route ilink" into the credential.',
		],
	},
};

/** The error for an operation the iLink route does not have (a known Web one or an unknown name). */
export function notOnIlink(resource: string, operation: string): NotOnRouteError {
	const entry = NOT_ON_ILINK[resource]?.[operation] ?? NOT_ON_ILINK[resource]?.['*'];
	if (entry) return new NotOnRouteError('iLink', entry[0], entry[1]);
	return new NotOnRouteError(
		'iLink',
		`The operation "${operation}" of "${resource}"`,
		'On the iLink route: Message → Send Text, Send Media, Send Image, Send Video, Send File, Send Typing; Media → Download; Session → Get Status, Log Out.',
	);
}
