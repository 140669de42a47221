/**
 * normalizeMessage: one row per message kind, written as the server sends it.
 */
import { normalizeMessage } from '../../lib/wechat/messages';
import type { RawAddMsg, WeChatMessage } from '../../lib/wechat/types';
import * as P from './fixtures/messages/payloads';
import { ALICE, BOB, GROUP, NEWS, SELF, STRANGER, DAVE, makeContext, rawMsg } from './fixtures/messages/world';

const ctx = makeContext();
const norm = (over: Partial<RawAddMsg>): WeChatMessage => normalizeMessage(rawMsg(over), ctx);

interface Row {
	name: string;
	raw: Partial<RawAddMsg>;
	expect: Partial<Omit<WeChatMessage, 'raw' | 'details' | 'media'>> & {
		details?: Record<string, unknown>;
		media?: Record<string, unknown> | null;
	};
}

const rows: Row[] = [
	{
		name: 'private text: <br/>, entities and emoji span',
		raw: { MsgType: 1, Content: P.TEXT_PLAIN },
		expect: {
			type: 'text',
			text: 'Hello & welcome <3\nsee you at 5 😂',
			chat: { id: ALICE, kind: 'user', name: 'Ali' },
			sender: { id: ALICE, name: 'Ali' },
			isGroup: false,
			fromMe: false,
			mentions: [],
			mentionsMe: false,
			timestamp: 1700000000,
			details: {},
			media: null,
		},
	},
	{
		name: 'group text with @<64 hex>:<br/> prefix and a U+2005 mention of me',
		raw: { FromUserName: GROUP, Content: `${BOB}:<br/>hi @Me In Group\u2005look at this` },
		expect: {
			type: 'text',
			text: 'hi @Me In Group\u2005look at this',
			chat: { id: GROUP, kind: 'group', name: 'Sandbox Group' },
			sender: { id: BOB, name: 'Bobby' },
			isGroup: true,
			mentions: ['Me In Group'],
			mentionsMe: true,
		},
	},
	{
		name: 'group text: sender without a group card → RemarkName',
		raw: { FromUserName: GROUP, Content: `${ALICE}:<br/>@Bobby @Carol\u2005ping` },
		expect: { sender: { id: ALICE, name: 'Ali' }, mentions: ['Bobby', 'Carol'], mentionsMe: false },
	},
	{
		name: 'group text with a raw wxid prefix (unknown member → the id)',
		raw: { FromUserName: GROUP, Content: 'wxid_zed-01:<br/>hello all' },
		expect: { text: 'hello all', sender: { id: 'wxid_zed-01', name: 'wxid_zed-01' } },
	},
	{
		name: 'my own group message: chat = ToUserName, no prefix stripping',
		raw: { FromUserName: SELF, ToUserName: GROUP, Content: 'note:<br/>not a prefix' },
		expect: {
			type: 'text',
			text: 'note:\nnot a prefix',
			chat: { id: GROUP, kind: 'group', name: 'Sandbox Group' },
			sender: { id: SELF, name: 'Me In Group' },
			fromMe: true,
			isGroup: true,
		},
	},
	{
		name: 'my own private message, empty FromUserName counts as me',
		raw: { FromUserName: '', ToUserName: BOB, Content: 'on my way' },
		expect: { fromMe: true, chat: { id: BOB, kind: 'user', name: 'Bob' }, sender: { id: SELF, name: 'Sandbox Me' } },
	},
	{
		name: 'file helper is a special chat',
		raw: { FromUserName: SELF, ToUserName: 'filehelper', Content: 'memo' },
		expect: { chat: { id: 'filehelper', kind: 'special', name: '文件传输助手' }, text: 'memo' },
	},
	{
		name: 'location: text with SubMsgType 48, Url and OriContent',
		raw: { MsgType: 1, SubMsgType: 48, Content: P.LOCATION_CONTENT, Url: P.LOCATION_URL, OriContent: P.LOCATION_ORI },
		expect: {
			type: 'location',
			text: '北京市海淀区中关村大街1号',
			details: {
				address: '北京市海淀区中关村大街1号',
				url: P.LOCATION_URL,
				mapImagePath:
					'/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=741398718084560243&pictype=location',
				latitude: 39.984154,
				longitude: 116.30749,
				label: '北京市海淀区中关村大街1号',
				poiName: '[位置]',
				scale: 16,
			},
		},
	},
	{
		name: 'location in a group without OriContent: coordinates from Url',
		raw: { FromUserName: GROUP, MsgType: 1, SubMsgType: 48, Content: `${ALICE}:<br/>${P.LOCATION_CONTENT}`, Url: P.LOCATION_URL },
		expect: {
			type: 'location',
			sender: { id: ALICE, name: 'Ali' },
			text: '北京市海淀区中关村大街1号',
			details: {
				address: '北京市海淀区中关村大街1号',
				url: P.LOCATION_URL,
				mapImagePath:
					'/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=741398718084560243&pictype=location',
				latitude: 39.984154,
				longitude: 116.30749,
			},
		},
	},
	{
		name: 'image (3)',
		raw: { MsgId: '7001', MsgType: 3, Content: P.IMAGE_CONTENT, ImgWidth: 67, ImgHeight: 120 },
		expect: {
			type: 'image',
			text: '',
			details: { width: 67, height: 120, hdSize: 163840 },
			media: { kind: 'image', msgId: '7001', sender: ALICE, mimeType: 'image/jpeg', fileName: '7001.jpg', size: 25880 },
		},
	},
	{
		name: 'image in a group: media sender is the group',
		raw: { MsgId: '7002', FromUserName: GROUP, MsgType: 3, Content: `${BOB}:<br/>${P.IMAGE_CONTENT}` },
		expect: {
			type: 'image',
			sender: { id: BOB, name: 'Bobby' },
			media: { kind: 'image', msgId: '7002', sender: GROUP, mimeType: 'image/jpeg', fileName: '7002.jpg', size: 25880 },
		},
	},
	{
		name: 'voice (34)',
		raw: { MsgId: '7003', MsgType: 34, Content: P.VOICE_CONTENT, VoiceLength: 3260 },
		expect: {
			type: 'voice',
			details: { durationMs: 3260 },
			media: { kind: 'voice', msgId: '7003', sender: ALICE, mimeType: 'audio/mpeg', fileName: '7003.mp3', size: 5254 },
		},
	},
	{
		name: 'video (43)',
		raw: { MsgId: '7004', MsgType: 43, Content: P.VIDEO_CONTENT, PlayLength: 5, ImgWidth: 224, ImgHeight: 398 },
		expect: {
			type: 'video',
			details: { durationSeconds: 5, width: 224, height: 398 },
			media: { kind: 'video', msgId: '7004', sender: ALICE, mimeType: 'video/mp4', fileName: '7004.mp4', size: 491385 },
		},
	},
	{
		name: 'micro video (62)',
		raw: { MsgId: '7005', MsgType: 62, Content: P.VIDEO_CONTENT, PlayLength: 5 },
		expect: {
			type: 'microvideo',
			details: { durationSeconds: 5 },
			media: { kind: 'video', msgId: '7005', sender: ALICE, mimeType: 'video/mp4', fileName: '7005.mp4', size: 491385 },
		},
	},
	{
		name: 'emoticon (47) with md5',
		raw: { MsgId: '7006', MsgType: 47, Content: P.EMOTICON_CONTENT, HasProductId: 0 },
		expect: {
			type: 'emoticon',
			text: '',
			details: {
				md5: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
				cdnUrl: 'http://emoji.qpic.cn/wx_emoji/Ab1Cd2/?m=a1b2&wxfrom=1',
				isStoreSticker: false,
			},
			media: { kind: 'emoticon', msgId: '7006', sender: ALICE, mimeType: 'image/gif', fileName: '7006.gif', size: 134783 },
		},
	},
	{
		name: 'store sticker (47, HasProductId)',
		raw: { MsgId: '7007', MsgType: 47, Content: P.STORE_EMOTICON_CONTENT, HasProductId: 1 },
		expect: {
			type: 'emoticon',
			details: {
				md5: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
				productId: 'com.tencent.xin.emoticon.person.stiker_1500000000aa',
				cdnUrl: 'http://emoji.qpic.cn/wx_emoji/store/',
				isStoreSticker: true,
			},
		},
	},
	{
		name: 'file (49/6)',
		raw: {
			MsgId: '7008',
			MsgType: 49,
			AppMsgType: 6,
			Content: P.FILE_CONTENT,
			FileName: 'report Q3 &amp; plan.pdf',
			FileSize: '104857',
			MediaId: '@crypt_2ce8c3a1_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
			EncryFileName: 'report%20Q3%20%26%20plan.pdf',
			AppInfo: { AppID: 'wxeb7ec651dd0aefa9', Type: 0 },
		},
		expect: {
			type: 'file',
			text: 'report Q3 & plan.pdf',
			details: {
				appType: 6,
				appKind: 'file',
				title: 'report Q3 & plan.pdf',
				appId: 'wxeb7ec651dd0aefa9',
				fileExt: 'pdf',
				totalLen: 104857,
				attachId: '@cdn_3057020100044b3049_1a2b3c4d_1',
			},
			media: {
				kind: 'file',
				msgId: '7008',
				sender: ALICE,
				mediaId: '@crypt_2ce8c3a1_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
				encryFileName: 'report%20Q3%20%26%20plan.pdf',
				fileName: 'report Q3 & plan.pdf',
				size: 104857,
				mimeType: 'application/pdf',
			},
		},
	},
	{
		name: 'link (49/5)',
		raw: { MsgType: 49, AppMsgType: 5, Content: P.LINK_CONTENT, FileName: 'Rust 1.80 released', Url: 'https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&amp;mid=2650&amp;idx=1' },
		expect: {
			type: 'link',
			text: 'Rust 1.80 released',
			details: {
				appType: 5,
				appKind: 'link',
				title: 'Rust 1.80 released',
				description: "What's new & changed",
				url: 'https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650&idx=1',
				thumbUrl: 'https://mmbiz.qpic.cn/thumb.jpg',
				appName: 'Rust Weekly',
			},
			media: null,
		},
	},
	{
		name: 'music (49/3)',
		raw: { MsgType: 49, AppMsgType: 3, Content: P.MUSIC_CONTENT, FileName: '晴天', AppInfo: { AppID: 'wx5aa333606550dfd5', Type: 0 } },
		expect: {
			type: 'music',
			text: '晴天',
			details: {
				appType: 3,
				appKind: 'music',
				title: '晴天',
				description: '周杰伦',
				url: 'https://i.y.qq.com/v8/playsong.html?songid=97773&source=yqq',
				thumbUrl: 'https://y.gtimg.cn/music/photo_new/T002R150x150.jpg',
				appId: 'wx5aa333606550dfd5',
				appName: 'QQ音乐',
				dataUrl: 'http://ws.stream.qqmusic.qq.com/C400.m4a?fromtag=46',
				lowDataUrl: 'http://ws.stream.qqmusic.qq.com/C100.m4a',
			},
		},
	},
	{
		name: 'mini program (49/33)',
		raw: { MsgType: 49, AppMsgType: 33, Content: P.MINI_PROGRAM_CONTENT },
		expect: {
			type: 'miniProgram',
			text: 'Order #42 is ready',
			details: {
				appType: 33,
				appKind: 'miniProgram',
				title: 'Order #42 is ready',
				url: 'https://mp.weixin.qq.com/mp/waerrpage?appid=wx1234567890abcdef&type=upgrade',
				appName: 'Coffee Shop',
				miniProgram: {
					userName: 'gh_0123456789ab@app',
					appId: 'wx1234567890abcdef',
					pagePath: 'pages/order/detail.html?id=42&from=share',
					iconUrl: 'http://mmbiz.qpic.cn/icon/0',
					sourceName: 'Coffee Shop',
				},
			},
		},
	},
	{
		name: 'quote / reply (49/57) in a group: a text with the referenced message; mention at end of text',
		raw: { FromUserName: GROUP, MsgType: 49, AppMsgType: 57, Content: `${BOB}:<br/>${P.QUOTE_BODY}` },
		expect: {
			type: 'text',
			text: 'agreed, see you there @Me In Group',
			sender: { id: BOB, name: 'Bobby' },
			mentions: ['Me In Group'],
			mentionsMe: true,
			details: {
				appType: 57,
				appKind: 'quote',
				title: 'agreed, see you there @Me In Group',
				refer: {
					type: 1,
					msgId: '6165055079448536183',
					fromUser: '12345678901@chatroom',
					chatUser: 'wxid_alice01',
					displayName: 'Alice',
					content: 'lunch at 12 & coffee?',
				},
			},
		},
	},
	{
		name: 'transfer (49/2000): IT\'s text = description up to 。',
		raw: { MsgType: 49, AppMsgType: 2000, Content: P.TRANSFER_CONTENT, FileName: '微信转账' },
		expect: {
			type: 'app',
			text: '收到转账0.01元',
			details: {
				appType: 2000,
				appKind: 'transfer',
				title: '微信转账',
				description: '收到转账0.01元。如需收钱，请点此升级至最新版本',
				url: 'https://support.weixin.qq.com/cgi-bin/mmsupport-bin/readtemplate?t=page/common_page__upgrade&text=text001&btn_text=btn_text_0',
				thumbUrl: 'https://support.weixin.qq.com/cgi-bin/mmsupport-bin/readtemplate?t=page/common_page__upgrade&text=text001&btn_text=btn_text_0',
				feeDesc: '￥0.01',
				payMemo: 'for coffee',
				paySubType: 1,
				transferId: '1000050001202311210111111111111',
			},
		},
	},
	{
		name: 'red packet (49/2001)',
		raw: { MsgType: 49, AppMsgType: 2001, Content: P.RED_PACKET_CONTENT },
		expect: {
			type: 'app',
			text: '我给你发了一个红包，赶紧去拆!',
			details: {
				appType: 2001,
				appKind: 'redPacket',
				title: '微信红包',
				description: '我给你发了一个红包，赶紧去拆!',
				url: 'https://wxapp.tenpay.com/mmpayhb/wxhb_personalreceive?showwxpaytitle=1&msgtype=1',
				senderTitle: '恭喜发财，大吉大利',
				receiverTitle: '恭喜发财，大吉大利',
			},
		},
	},
	{
		name: 'official account push (49/5 with mmreader) → reader link with items',
		raw: { FromUserName: NEWS, MsgType: 49, AppMsgType: 5, Content: P.READER_CONTENT },
		expect: {
			type: 'link',
			text: 'Morning briefing',
			chat: { id: NEWS, kind: 'official', name: 'Sandbox News' },
			details: {
				appType: 100001,
				appKind: 'reader',
				title: 'Morning briefing',
				url: 'http://mp.weixin.qq.com/s?__biz=MzI1&mid=1&idx=1',
				items: [
					{ title: 'Morning briefing', url: 'http://mp.weixin.qq.com/s?__biz=MzI1&mid=1&idx=1', cover: 'http://mmbiz.qpic.cn/cover1.jpg', digest: 'Five things to know', pubTime: 1700000000 },
					{ title: 'Weather', url: 'http://mp.weixin.qq.com/s?__biz=MzI1&mid=1&idx=2', cover: 'http://mmbiz.qpic.cn/cover2.jpg', digest: 'Sunny', pubTime: 1700000001 },
				],
			},
		},
	},
	{
		name: 'merged chat history (49/19)',
		raw: { MsgType: 49, AppMsgType: 19, Content: P.CHAT_HISTORY_CONTENT },
		expect: {
			type: 'app',
			text: '群聊的聊天记录',
			details: {
				appType: 19,
				appKind: 'chatHistory',
				title: '群聊的聊天记录',
				description: 'Alice: hi\nBob: yo',
				url: 'https://support.weixin.qq.com/cgi-bin/mmsupport-bin/readtemplate?t=page/favorite_record__w_unsupport',
			},
		},
	},
	{
		name: 'unknown AppMsgType stays an app message',
		raw: { MsgType: 49, AppMsgType: 987, Content: '&lt;msg&gt;&lt;appmsg&gt;&lt;title&gt;Something new&lt;/title&gt;&lt;type&gt;987&lt;/type&gt;&lt;/appmsg&gt;&lt;/msg&gt;' },
		expect: { type: 'app', text: 'Something new', details: { appType: 987, appKind: 'unknown', title: 'Something new' } },
	},
	{
		name: 'revoke (10002) in a group: revokedMsgId from msgid, as a string',
		raw: { FromUserName: GROUP, MsgType: 10002, Status: 4, Content: `${ALICE}:<br/>${P.REVOKE_BODY}` },
		expect: {
			type: 'revoke',
			text: '"Alice" 撤回了一条消息',
			sender: { id: ALICE, name: 'Ali' },
			details: {
				revokedMsgId: '6165055079448536183',
				oldMsgId: '1693234567',
				session: '12345678901@chatroom',
				replaceMsg: '"Alice" 撤回了一条消息',
			},
		},
	},
	{
		name: 'revoke (10002) private: a 64-bit id beyond 2^53 survives',
		raw: { MsgType: 10002, Content: P.REVOKE_PRIVATE },
		expect: {
			type: 'revoke',
			text: '"Ali" has recalled a message.',
			sender: { id: ALICE, name: 'Ali' },
			details: {
				revokedMsgId: '9007199254740993123',
				oldMsgId: '1693234568',
				session: 'wxid_alice01',
				replaceMsg: '"Ali" has recalled a message.',
			},
		},
	},
	{
		name: 'system (10000) plain notice',
		raw: { MsgType: 10000, Content: '你已添加了Ali，现在可以开始聊天了。' },
		expect: { type: 'system', text: '你已添加了Ali，现在可以开始聊天了。', sender: { id: ALICE, name: 'Ali' }, details: {} },
	},
	{
		name: 'system (10000) in a group: emoji span in a name, sender = the group',
		raw: { FromUserName: GROUP, MsgType: 10000, Content: '"Alice"邀请"Carol<span class="emoji emoji1f604"></span>"加入了群聊' },
		expect: { type: 'system', text: '"Alice"邀请"Carol😄"加入了群聊', sender: { id: GROUP, name: 'Sandbox Group' } },
	},
	{
		name: 'system (10000): weixin:// link tags stripped, link text kept',
		raw: {
			MsgType: 10000,
			Content:
				'Ali开启了朋友验证，你还不是他（她）朋友。请先发送朋友验证请求，对方验证通过后，才能聊天。<a href="weixin://findfriend/verifycontact">发送朋友验证</a>',
		},
		expect: { text: 'Ali开启了朋友验证，你还不是他（她）朋友。请先发送朋友验证请求，对方验证通过后，才能聊天。发送朋友验证' },
	},
	{
		name: 'system (10000) <sysmsg type="pat">',
		raw: { FromUserName: GROUP, MsgType: 10000, Content: P.PAT_CONTENT },
		expect: {
			type: 'system',
			text: '"wxid_alice01" 拍了拍 "wxid_me0001"',
			details: {
				sysmsgType: 'pat',
				fromUser: 'wxid_alice01',
				chatUser: '12345678901@chatroom',
				pattedUser: 'wxid_me0001',
				template: '"${fromusername@textstatusicon}" 拍了拍 "${pattedusername@textstatusicon}"',
			},
		},
	},
	{
		name: 'system (10000) <sysmsg type="sysmsgtemplate"> invite',
		raw: { FromUserName: GROUP, MsgType: 10000, Content: P.SYSMSG_TEMPLATE_CONTENT },
		expect: {
			type: 'system',
			text: '"Alice"邀请"Carol、Dave"加入了群聊',
			details: { sysmsgType: 'sysmsgtemplate', template: '"$username$"邀请"$names$"加入了群聊' },
		},
	},
	{
		name: 'system (10000) carrying a revokemsg → revoke',
		raw: { FromUserName: GROUP, MsgType: 10000, Content: P.REVOKE_BODY },
		expect: { type: 'revoke', details: { revokedMsgId: '6165055079448536183', oldMsgId: '1693234567', session: '12345678901@chatroom', replaceMsg: '"Alice" 撤回了一条消息' } },
	},
	{
		name: 'friend request (37): RecommendInfo ticket, sender = the stranger',
		raw: {
			FromUserName: 'fmessage',
			MsgType: 37,
			Content: P.FRIEND_REQUEST_CONTENT,
			Ticket: 'top-level-not-this-one',
			RecommendInfo: {
				UserName: STRANGER,
				NickName: 'Eve',
				QQNum: 0,
				Province: 'Beijing',
				City: '',
				Content: 'Hi, I am Eve from the meetup',
				Signature: '',
				Alias: '',
				Scene: 30,
				VerifyFlag: 0,
				AttrStatus: 0,
				Sex: 2,
				Ticket: 'v4_000b708f0b0400000100000000007a1b@stranger',
				OpCode: 2,
			},
		},
		expect: {
			type: 'friendRequest',
			text: 'Hi, I am Eve from the meetup',
			chat: { id: 'fmessage', kind: 'special', name: '朋友推荐消息' },
			sender: { id: STRANGER, name: 'Eve' },
			details: {
				userName: STRANGER,
				nickName: 'Eve',
				province: 'Beijing',
				sex: 2,
				greeting: 'Hi, I am Eve from the meetup',
				ticket: 'v4_000b708f0b0400000100000000007a1b@stranger',
				scene: 30,
				opCode: 2,
			},
		},
	},
	{
		name: 'friend request (37) without RecommendInfo: Content XML fills in',
		raw: { FromUserName: 'fmessage', MsgType: 37, Content: P.FRIEND_REQUEST_CONTENT, RecommendInfo: undefined },
		expect: {
			type: 'friendRequest',
			text: 'Hi, I am Eve from the meetup',
			details: {
				nickName: 'Eve',
				rawUserName: 'wxid_eve01',
				greeting: 'Hi, I am Eve from the meetup',
				ticket: 'v4_000b708f0b0400000100000000007a1b@stranger',
			},
		},
	},
	{
		name: 'card (42)',
		raw: {
			MsgType: 42,
			Content: P.CARD_CONTENT,
			RecommendInfo: {
				UserName: DAVE,
				NickName: 'Dave',
				QQNum: 0,
				Province: 'Guangdong',
				City: 'Shenzhen',
				Content: '',
				Signature: '',
				Alias: 'dave88',
				Scene: 17,
				VerifyFlag: 0,
				AttrStatus: 0,
				Sex: 1,
				Ticket: '',
				OpCode: 0,
			},
		},
		expect: {
			type: 'card',
			text: 'Dave',
			sender: { id: ALICE, name: 'Ali' },
			details: {
				userName: DAVE,
				nickName: 'Dave',
				alias: 'dave88',
				province: 'Guangdong',
				city: 'Shenzhen',
				sex: 1,
				rawUserName: 'wxid_dave01',
				headImgUrl: 'http://wx.qlogo.cn/mmhead/ver_1/Dave/0',
				isOfficial: false,
			},
		},
	},
	{
		name: 'status notify (51, code 4): session names paired with raw ids',
		raw: {
			FromUserName: SELF,
			ToUserName: SELF,
			MsgType: 51,
			StatusNotifyCode: 4,
			StatusNotifyUserName: `${ALICE},${GROUP},filehelper`,
			Content: P.STATUS_NOTIFY_CONTENT,
		},
		expect: {
			type: 'statusNotify',
			text: '',
			fromMe: true,
			details: {
				code: 4,
				opId: 4,
				userNames: [ALICE, GROUP, 'filehelper'],
				rawIds: ['wxid_alice01', '12345678901@chatroom', 'filehelper'],
				chats: [
					{ userName: ALICE, rawId: 'wxid_alice01' },
					{ userName: GROUP, rawId: '12345678901@chatroom' },
					{ userName: 'filehelper', rawId: 'filehelper' },
				],
			},
		},
	},
	{
		name: 'status notify (51, code 2) with empty Content',
		raw: { FromUserName: SELF, ToUserName: BOB, MsgType: 51, StatusNotifyCode: 2, StatusNotifyUserName: BOB, Content: '' },
		expect: { type: 'statusNotify', chat: { id: BOB, kind: 'user', name: 'Bob' }, details: { code: 2, userNames: [BOB] } },
	},
	{ name: 'voip message (50)', raw: { MsgType: 50, Content: P.VOIP_CONTENT }, expect: { type: 'voip', text: '', details: { msgType: 50 } } },
	{ name: 'voip notify (52)', raw: { MsgType: 52, Content: P.VOIP_CONTENT }, expect: { type: 'voip', details: { msgType: 52 } } },
	{ name: 'voip invite (53)', raw: { MsgType: 53, Content: P.VOIP_CONTENT }, expect: { type: 'voip', details: { msgType: 53 } } },
	{ name: 'sys notice (9999)', raw: { MsgType: 9999, Content: '收到一条系统通知' }, expect: { type: 'system', text: '收到一条系统通知' } },
	{
		name: 'possible friend (40) → unknown',
		raw: { MsgType: 40, Content: '&lt;msg fromusername="wxid_x"/&gt;' },
		expect: { type: 'unknown', text: '', details: { msgType: 40 } },
	},
	{
		name: 'unseen MsgType → unknown, readable text kept',
		raw: { MsgType: 12345, Content: 'new thing &amp; more' },
		expect: { type: 'unknown', text: 'new thing & more', details: { msgType: 12345 } },
	},
];

describe('normalizeMessage', () => {
	test.each(rows)('$name', ({ raw, expect: want }) => {
		const input = rawMsg(raw);
		const msg = normalizeMessage(input, ctx);
		const { details, media, ...rest } = want;
		expect(msg).toMatchObject(rest);
		if (details !== undefined) expect(msg.details).toEqual(details);
		if (media === null) expect(msg.media).toBeUndefined();
		else if (media !== undefined) expect(msg.media).toEqual(media);
		// Invariants of every message.
		expect(msg.id).toBe(input.MsgId);
		expect(msg.raw).toBe(input);
		expect(msg.timestamp).toBe(1700000000);
		expect(typeof msg.text).toBe('string');
	});

	test('id is the string MsgId, never the rounded NewMsgId', () => {
		const msg = norm({ MsgId: '6165055079448536183', NewMsgId: 6165055079448536000 });
		expect(msg.id).toBe('6165055079448536183');
	});

	test('mentions only count in groups', () => {
		const msg = norm({ Content: 'hi @Sandbox Me\u2005' });
		expect(msg.isGroup).toBe(false);
		expect(msg.mentions).toEqual([]);
		expect(msg.mentionsMe).toBe(false);
	});

	test('mentionsMe falls back to my NickName when I have no group card', () => {
		const noCard = makeContext({ groupMember: () => undefined });
		const hit = normalizeMessage(rawMsg({ FromUserName: GROUP, Content: `${BOB}:<br/>@Sandbox Me please check` }), noCard);
		expect(hit.mentionsMe).toBe(true);
		const miss = normalizeMessage(rawMsg({ FromUserName: GROUP, Content: `${BOB}:<br/>@Sandbox Meeting please check` }), noCard);
		expect(miss.mentionsMe).toBe(false);
	});

	test('group message from a member missing from the cache: contact NickName, then the id', () => {
		const known = norm({ FromUserName: GROUP, Content: `${ALICE}:<br/>x` });
		expect(known.sender.name).toBe('Ali');
		const stranger = '@' + 'f'.repeat(64);
		const unknown = norm({ FromUserName: GROUP, Content: `${stranger}:<br/>x` });
		expect(unknown.sender).toEqual({ id: stranger, name: stranger });
	});

	test('contact names are cleaned (emoji spans in NickName)', () => {
		const c = makeContext({
			contact: (u) => (u === ALICE ? { UserName: ALICE, NickName: 'Alice <span class="emoji emoji1f338"></span>' } : undefined),
		});
		expect(normalizeMessage(rawMsg({ Content: 'x' }), c).chat.name).toBe('Alice 🌸');
	});

	test('unknown chat: kind from the UserName alone, name = UserName', () => {
		const c = makeContext({ contact: () => undefined, groupMember: () => undefined });
		const g = normalizeMessage(rawMsg({ FromUserName: '12345678901@chatroom', Content: 'x' }), c);
		expect(g.chat).toEqual({ id: '12345678901@chatroom', kind: 'group', name: '12345678901@chatroom' });
		expect(g.isGroup).toBe(true);
		const mp = normalizeMessage(rawMsg({ FromUserName: 'gh_0a1b2c3d4e5f', Content: 'x' }), c);
		expect(mp.chat.kind).toBe('official');
	});

	test('text + AppMsgType 2001 is a red packet (OFF)', () => {
		const msg = norm({ MsgType: 1, AppMsgType: 2001, Content: P.RED_PACKET_CONTENT });
		expect(msg.type).toBe('app');
		expect(msg.details.appKind).toBe('redPacket');
	});

	test('text with Url and a map link but no SubMsgType is a location (IT)', () => {
		expect(norm({ MsgType: 1, Content: P.LOCATION_CONTENT, Url: P.LOCATION_URL }).type).toBe('location');
		expect(norm({ MsgType: 1, Content: 'see http://example.com', Url: 'http://example.com' }).type).toBe('text');
	});

	test('numeric fields sent as strings are accepted', () => {
		const msg = normalizeMessage({ ...rawMsg({}), MsgType: '3' as unknown as number, CreateTime: '1700000000' as unknown as number, Content: P.IMAGE_CONTENT }, ctx);
		expect(msg.type).toBe('image');
		expect(msg.timestamp).toBe(1700000000);
	});
});
