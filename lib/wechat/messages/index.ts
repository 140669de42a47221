/** The message model: raw webwxsync AddMsg → normalized WeChatMessage. */
export type { NormalizeContext } from './context';
export { normalizeMessage } from './normalize';
export { classify, MSG_TYPE, SUB_MSG_TYPE_LOCATION } from './classify';
export { APP_MSG_TYPE, parseApp } from './app';
export { cleanText, convertEmojiSpans, emojiFromHex, unescapeXmlContent } from './text';
export { splitGroupSender, type GroupSplit } from './group';
export { extractMentions, mentionsName } from './mentions';
export { chatRef, memberRef, selfNameIn } from './chat';
export {
	contentAttr,
	defaultMimeType,
	fileExtension,
	mediaReference,
	mimeTypeForExtension,
	safeFileName,
	toSize,
	type MediaKind,
	type MediaOptions,
} from './media';
export type { ParseInput, Parsed } from './parsed';
