/**
 * Pure builders for the unescaped XML payloads of non-text messages, shaped like
 * the real server's (protocol.md §3.4, §3.7, §3.8, §3.10). The caller HTML-escapes
 * them into Content, as the server does.
 */

import { randomDigits, randomHex, xmlEscape as x } from './util';

export function imageXml(size: number, md5: string): string {
	const cdn = randomHex(60);
	return (
		'<?xml version="1.0"?>\n<msg>\n\t<img aeskey="' + randomHex(16) + '" encryver="1" cdnthumbaeskey="' + randomHex(16) +
		'" cdnthumburl="' + cdn + '" cdnthumblength="2048" cdnthumbheight="120" cdnthumbwidth="90" cdnmidheight="0" cdnmidwidth="0" cdnhdheight="0" cdnhdwidth="0" cdnmidimgurl="' +
		cdn + '" length="' + size + '" md5="' + md5 + '" />\n</msg>\n'
	);
}

export function voiceXml(size: number, voiceLengthMs: number, fromId: string): string {
	return (
		'<msg><voicemsg endflag="1" cancelflag="0" forwardflag="0" voiceformat="4" voicelength="' + voiceLengthMs + '" length="' + size +
		'" bufid="' + randomDigits(18) + '" clientmsgid="' + randomHex(16) + '" fromusername="' + x(fromId) + '" /></msg>'
	);
}

export function videoXml(size: number, playLength: number, fromId: string, md5: string): string {
	return (
		'<?xml version="1.0"?>\n<msg>\n\t<videomsg aeskey="' + randomHex(16) + '" cdnthumbaeskey="' + randomHex(16) + '" cdnvideourl="' + randomHex(60) +
		'" cdnthumburl="' + randomHex(60) + '" length="' + size + '" playlength="' + playLength +
		'" cdnthumblength="2048" cdnthumbwidth="135" cdnthumbheight="240" fromusername="' + x(fromId) + '" md5="' + md5 + '" newmd5="' + randomHex(16) + '" isad="0" />\n</msg>\n'
	);
}

export function emoticonXml(md5: string, size: number, store: boolean): string {
	const productId = store ? 'com.tencent.xin.emoticon.person.stiker_' + randomDigits(10) : '';
	return (
		'<msg><emoji fromusername = "" tousername = "" type="2" idbuffer="media:0_0" md5="' + md5 + '" len = "' + size + '" productid="' + productId +
		'" androidmd5="' + md5 + '" androidlen="' + size + '" s60v3md5 = "' + md5 + '" s60v3len="' + size + '" s60v5md5 = "' + md5 + '" s60v5len="' + size +
		'" cdnurl = "http://emoji.qpic.cn/wx_emoji/' + randomHex(20) + '/" designerid = "" thumburl = "" encrypturl = "http://emoji.qpic.cn/wx_emoji/' + randomHex(20) +
		'/" aeskey= "' + randomHex(16) + '" externurl = "" externmd5 = "" width= "240" height= "240" tpurl= "" tpauthkey= "" attachedtext= "" attachedtextcolor= "" lensid= "" ></emoji><gameext type="0" content="0" ></gameext></msg>'
	);
}

function appMsg(inner: string, appId: string, fromId: string): string {
	return (
		'<?xml version="1.0"?>\n<msg>\n\t<appmsg appid="' + appId + '" sdkver="0">\n' + inner + '\t</appmsg>\n\t<fromusername>' + x(fromId) +
		'</fromusername>\n\t<scene>0</scene>\n\t<appinfo>\n\t\t<version>1</version>\n\t\t<appname></appname>\n\t</appinfo>\n\t<commenturl></commenturl>\n</msg>\n'
	);
}

export function fileXml(fileName: string, size: number, attachId: string, md5: string, fromId: string): string {
	const ext = fileName.includes('.') ? fileName.split('.').pop() ?? '' : '';
	return appMsg(
		'\t\t<title>' + x(fileName) + '</title>\n\t\t<des></des>\n\t\t<action></action>\n\t\t<type>6</type>\n\t\t<showtype>0</showtype>\n\t\t<content></content>\n\t\t<url></url>\n' +
			'\t\t<appattach>\n\t\t\t<totallen>' + size + '</totallen>\n\t\t\t<attachid>' + attachId + '</attachid>\n\t\t\t<fileext>' + x(ext) + '</fileext>\n\t\t</appattach>\n' +
			'\t\t<md5>' + md5 + '</md5>\n',
		'',
		fromId,
	);
}

export function linkXml(title: string, url: string, description: string, fromId: string): string {
	return appMsg(
		'\t\t<title>' + x(title) + '</title>\n\t\t<des>' + x(description) + '</des>\n\t\t<action></action>\n\t\t<type>5</type>\n\t\t<showtype>0</showtype>\n\t\t<content></content>\n' +
			'\t\t<url>' + x(url) + '</url>\n\t\t<thumburl>http://mmbiz.qpic.cn/mmbiz_jpg/' + randomHex(16) + '/0</thumburl>\n',
		'',
		fromId,
	);
}

export const MUSIC_APP_ID = 'wx485a97c844086dc9';

export function musicXml(title: string, url: string, fromId: string): string {
	return appMsg(
		'\t\t<title>' + x(title) + '</title>\n\t\t<des></des>\n\t\t<action></action>\n\t\t<type>3</type>\n\t\t<showtype>0</showtype>\n\t\t<content></content>\n' +
			'\t\t<url>' + x(url) + '</url>\n\t\t<dataurl>' + x(url) + '</dataurl>\n\t\t<lowurl>' + x(url) + '</lowurl>\n\t\t<lowdataurl>' + x(url) + '</lowdataurl>\n' +
			'\t\t<thumburl>http://y.gtimg.cn/music/photo_new/' + randomHex(8) + '.jpg</thumburl>\n',
		MUSIC_APP_ID,
		fromId,
	);
}

export function miniProgramXml(title: string, appId: string, pagePath: string, fromId: string): string {
	const user = 'gh_' + randomHex(6) + '@app';
	return appMsg(
		'\t\t<title>' + x(title) + '</title>\n\t\t<des></des>\n\t\t<action></action>\n\t\t<type>33</type>\n\t\t<showtype>0</showtype>\n\t\t<content></content>\n' +
			'\t\t<url>https://mp.weixin.qq.com/mp/waerrpage?appid=' + x(appId) + '&amp;type=upgrade&amp;upgradetype=3#wechat_redirect</url>\n' +
			'\t\t<sourceusername>' + user + '</sourceusername>\n\t\t<sourcedisplayname>' + x(title) + '</sourcedisplayname>\n' +
			'\t\t<weappinfo>\n\t\t\t<username><![CDATA[' + user + ']]></username>\n\t\t\t<appid><![CDATA[' + x(appId) + ']]></appid>\n\t\t\t<type>2</type>\n\t\t\t<version>1</version>\n' +
			'\t\t\t<weappiconurl><![CDATA[http://mmbiz.qpic.cn/mmbiz_png/' + randomHex(16) + '/640]]></weappiconurl>\n\t\t\t<pagepath><![CDATA[' + x(pagePath) + ']]></pagepath>\n\t\t</weappinfo>\n',
		'',
		fromId,
	);
}

export function cardXml(id: string, nickName: string, sex: number): string {
	return (
		'<?xml version="1.0"?>\n<msg bigheadimgurl="http://wx.qlogo.cn/mmhead/ver_1/' + randomHex(16) + '/0" smallheadimgurl="http://wx.qlogo.cn/mmhead/ver_1/' + randomHex(16) +
		'/132" username="' + x(id) + '" nickname="' + x(nickName) + '" fullpy="" shortpy="" alias="" imagestatus="3" scene="17" province="" city="" sign="" sex="' + sex +
		'" certflag="0" certinfo="" brandIconUrl="" brandHomeUrl="" brandSubscriptConfigUrl="" brandFlags="0" regionCode="CN" />\n'
	);
}

export function locationXml(label: string, lat: number, lng: number): string {
	return (
		'<?xml version="1.0"?>\n<msg>\n\t<location x="' + lat + '" y="' + lng + '" scale="16" label="' + x(label) + '" maptype="0" poiname="' + x(label) + '" poiid="" />\n</msg>\n'
	);
}

export function friendRequestXml(id: string, nickName: string, greeting: string, ticket: string): string {
	return (
		'<msg fromusername="' + x(id) + '" encryptusername="v1_' + randomHex(32) + '@stranger" fromnickname="' + x(nickName) + '" content="' + x(greeting) +
		'" fullpy="" shortpy="" imagestatus="3" scene="30" country="CN" province="" city="" sign="" percard="1" sex="1" alias="" weibo="" albumflag="0" albumstyle="0" albumbgimgid="" snsflag="1" snsbgimgid="" snsbgobjectid="0" mhash="" mfullhash="" bigheadimgurl="" smallheadimgurl="" ticket="' +
		ticket + '" opcode="2" googlecontact="" qrticket="" chatroomusername="" sourceusername="" sourcenickname=""><brandlist count="0" ver="0"></brandlist></msg>'
	);
}

export function revokeXml(sessionId: string, msgId: string, replace: string): string {
	return (
		'<sysmsg type="revokemsg"><revokemsg><session>' + x(sessionId) + '</session><oldmsgid>' + randomDigits(10).slice(0, 9) + '</oldmsgid><msgid>' + msgId +
		'</msgid><replacemsg><![CDATA[' + replace + ']]></replacemsg></revokemsg></sysmsg>'
	);
}

export function statusNotifyXml(rawIds: string[]): string {
	const first = rawIds[0] ?? '';
	return (
		"<msg>\n<op id='4'>\n<username>" + rawIds.join(',') + '</username>\n<unreadchatlist>\n<chat>\n<username>' + first + '</username>\n<lastreadtime>' +
		Math.floor(Date.now() / 1000) + '</lastreadtime>\n</chat>\n</unreadchatlist>\n<unreadfunctionlist>\n</unreadfunctionlist>\n</op>\n</msg>'
	);
}
