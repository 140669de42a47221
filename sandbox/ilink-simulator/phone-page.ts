/**
 * The owner's phone for the iLink route, at `/__sim/` of the iLink simulator:
 * the bot's QR login as the phone shows it (scan, the pair code when WeChat
 * asks for one, confirm), the one chat with the bot (what the owner writes
 * goes to `owner-sends`; what the bot sends appears, refused sends with the
 * reason), and WeChat's limits (reply window, sends left) with a button that
 * moves the simulated clock past the window. Plain HTML and inline JS over the
 * control API (`GET /__sim/phone`); every text goes in through textContent; no
 * external assets.
 */

export const PHONE_PAGE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>WeChat sandbox — the bot chat (iLink)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#d9d9d9;color:#111}
.phone{max-width:960px;height:100vh;margin:0 auto;display:grid;grid-template-columns:300px 1fr;grid-template-rows:auto 1fr;background:#ededed;box-shadow:0 0 12px rgba(0,0,0,.15)}
header{grid-column:1/3;background:#2e2e2e;color:#fff;padding:10px 16px;display:flex;gap:12px;align-items:center}
header b{color:#07c160}header .who{margin-left:auto;font-size:13px;color:#ccc}header a{color:#9fe3bd;font-size:13px}
aside{border-right:1px solid #d6d6d6;overflow:auto;background:#f7f7f7}
.card{background:#fff;margin:10px;border-radius:8px;padding:12px;border:1px solid #e2e2e2}
.card h2{font-size:15px;margin:0 0 6px}.step{display:flex;gap:8px;align-items:center;margin:6px 0}
.step .n{width:22px;height:22px;border-radius:50%;background:#07c160;color:#fff;display:inline-flex;align-items:center;justify-content:center;font-size:12px;flex:none}
.step.off .n{background:#bbb}.step.off{color:#999}
.code{font-size:24px;letter-spacing:4px;font-weight:700;color:#07c160;margin:4px 0}
button{background:#07c160;color:#fff;border:0;border-radius:4px;padding:6px 12px;cursor:pointer;font:inherit}
button:disabled{background:#bbb;cursor:default}button.grey{background:#999}
section.chat{display:flex;flex-direction:column;min-height:0}
.title{padding:10px 16px;border-bottom:1px solid #d6d6d6;font-weight:600;background:#f5f5f5}
.title .typing{font-weight:400;color:#07c160;margin-left:8px;font-size:12px}
.log{flex:1;overflow:auto;padding:12px 16px}
.row{display:flex;margin:8px 0;flex-direction:column}
.row.out{align-items:flex-end}.row.in{align-items:flex-start}
.bubble{max-width:70%;padding:8px 11px;border-radius:6px;background:#fff;white-space:pre-wrap;word-break:break-word}
.row.out .bubble{background:#95ec69}.row.refused .bubble{opacity:.55;border:1px dashed #c00}
.bubble img{max-width:180px;max-height:180px;display:block;border-radius:4px}
.chip{display:inline-block;border:1px solid #ccc;border-left:4px solid #07c160;border-radius:4px;padding:6px 10px;background:#fafafa;font-size:13px}
.meta{font-size:11px;color:#999;margin:2px 4px}.row.refused .meta{color:#c00}
.sys{align-self:center;font-size:12px;color:#888;background:#e2e2e2;border-radius:4px;padding:2px 8px;text-align:center}
.compose{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #d6d6d6;background:#f5f5f5;align-items:flex-end}
.compose textarea{flex:1;height:60px;resize:vertical;font:inherit;padding:6px;border:1px solid #ccc;border-radius:4px}
.muted{color:#888}.err{color:#c00}.ok{color:#07a050}
.kv{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;font-size:13px;margin:4px 0 8px}
.kv span:nth-child(odd){color:#888}
.tools button{padding:3px 8px;font-size:12px;margin:2px 4px 2px 0}
</style></head><body>
<div class="phone">
<header><b>WeChat sandbox</b> the bot chat (iLink) <a id="webLink" href="#" hidden>the Web route's phone →</a><span class="who" id="status">loading…</span></header>
<aside>
<div class="card" id="login"><h2>Bot login</h2><div id="loginBody" class="muted">…</div></div>
<div class="card" id="budget"><h2>WeChat's limits</h2><div id="budgetBody" class="muted">…</div>
<div class="tools"><button id="hour" class="grey" title="Move the simulated WeChat clock forward one hour">+1 hour</button><button id="pastWindow" class="grey" title="Move the simulated WeChat clock just past the end of the reply window">Past the window</button></div>
<div class="meta">The simulated WeChat clock; n8n keeps its own count of the budget in the credential and refuses a send it knows WeChat would refuse.</div></div>
</aside>
<section class="chat">
<div class="title"><span id="chatTitle">The bot</span><span class="typing" id="typing" hidden>typing…</span></div>
<div class="log" id="log"></div>
<div class="compose"><textarea id="text" placeholder="Write to the bot, Enter to send"></textarea><button id="attach" class="grey" title="Send an image or a file to the bot">Attach</button><input type="file" id="file" hidden><button id="send">Send</button></div>
<div class="meta" id="sendResult" style="padding:0 14px 6px"></div>
</section>
</div>
<script>
(function(){
var view=null,shownSig='';
function $(id){return document.getElementById(id)}
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e}
function api(path,body){
	return fetch('/__sim/'+path,{method:body?'POST':'GET',headers:{'Content-Type':'application/json'},body:body?JSON.stringify(body):undefined})
		.then(function(r){return r.json().then(function(j){if(!r.ok)throw new Error(j.error||r.status);return j})});
}
function act(fn){return function(){fn().then(function(){$('sendResult').textContent='';return refresh()},function(e){$('sendResult').textContent=e.message})}}
function when(ms){var d=new Date(ms),n=new Date(view?view.now:Date.now());var t=d.toLocaleTimeString([], {hour:'2-digit',minute:'2-digit'});return d.toDateString()===n.toDateString()?t:d.toLocaleDateString([], {month:'short',day:'numeric'})+' '+t}
function span(ms){var m=Math.round(Math.abs(ms)/60000);return m<60?m+' min':Math.floor(m/60)+' h '+(m%60)+' min'}
function step(n,text,on,btn){var d=el('div',null,'step'+(on?'':' off'));d.appendChild(el('span',String(n),'n'));d.appendChild(el('span',text));if(btn)d.appendChild(btn);return d}
function button(label,fn,enabled,cls){var b=el('button',label,cls);b.disabled=!enabled;b.onclick=act(fn);return b}
function renderLogin(){
	var body=$('loginBody');body.textContent='';body.className='';
	var l=view.login,live=l&&['wait','scaned','need_verifycode'].indexOf(l.status)>=0;
	if(!live){
		body.className='muted';
		if(view.bot&&!view.bot.stale)body.textContent='The bot is bound to you. Write to it on the right: what you write reaches n8n, what n8n sends appears here.';
		else if(l&&l.status==='verify_code_blocked')body.textContent='Too many wrong pair codes: WeChat blocked this QR code. The trigger asks for a new one; it appears here.';
		else body.textContent=(view.bot&&view.bot.stale?'The bot session ended (stale). ':'')+'No QR code is waiting. Activate a workflow whose WeChat trigger uses the iLink route (npm start activates "WeChat bot: AI assistant"): its QR code appears here.';
		return;
	}
	body.appendChild(el('div','n8n shows a QR code for the bot ('+l.qrcode.slice(0,6)+'…), valid until '+when(l.expiresAt)+'.'));
	body.appendChild(step(1,'Scan the QR code',l.status==='wait',button('Scan',function(){return api('qr/scan',{qrcode:l.qrcode})},l.status==='wait')));
	if(l.status==='need_verifycode'){
		var d=el('div',null,'step');d.appendChild(el('span','2','n'));
		var box=el('div');box.appendChild(el('div','Your phone shows this pair code:'));box.appendChild(el('div',l.pairCode||'','code'));
		box.appendChild(el('div','Type it into the credential "WeChat Bot (sandbox)" in n8n, field Pair Code, and save: the trigger sends it to WeChat.'+(l.wrongCodes?' Wrong codes so far: '+l.wrongCodes+'.':''),'muted'));
		d.appendChild(box);body.appendChild(d);
	}else if(l.status==='wait'){
		var ask=button('Ask for a pair code',function(){return api('qr/verify-code',{qrcode:l.qrcode})},true,'grey');
		ask.title='WeChat sometimes asks the client for the number shown on the phone; try that step';
		body.appendChild(ask);
	}
	body.appendChild(step(l.status==='need_verifycode'?3:2,'Confirm the login',l.status==='scaned',button('Confirm',function(){return api('qr/confirm',{qrcode:l.qrcode})},l.status==='scaned')));
}
function renderBudget(){
	var body=$('budgetBody');body.textContent='';body.className='';
	var b=view.budget,kv=el('div',null,'kv');
	function row(k,v,cls){kv.appendChild(el('span',k));kv.appendChild(el('span',v,cls))}
	row('WeChat time',(view.clockAdvancedMs?new Date(view.now).toLocaleDateString([], {month:'short',day:'numeric'})+' ':'')+when(view.now)+(view.clockAdvancedMs?' (clock moved +'+span(view.clockAdvancedMs)+')':''));
	if(!b){row('Bot','not bound yet');body.appendChild(kv);$('pastWindow').disabled=true;return}
	if(b.windowClosesAt==null)row('Reply window','not open: write to the bot first','err');
	else if(b.windowOpen)row('Reply window','open until '+when(b.windowClosesAt)+' (in '+span(b.windowClosesAt-view.now)+')','ok');
	else row('Reply window','closed since '+when(b.windowClosesAt)+': write to the bot to reopen it','err');
	if(b.windowClosesAt!=null&&!b.windowOpen)row('Sends left','none while the window is closed','err');
	else row('Sends left',b.sendsLeft+' of '+b.sendsPerOwnerMessage+' until you write again',b.sendsLeft?'ok':'err');
	if(b.blockedUntil)row('Blocked','until '+when(b.blockedUntil),'err');
	body.appendChild(kv);
	$('pastWindow').disabled=!b.windowOpen;
}
function bubble(m){
	var b=el('div',null,'bubble');
	if(m.kind==='text')b.textContent=m.text||'';
	else if(m.kind==='image'&&m.fileUrl){var img=document.createElement('img');img.src=m.fileUrl;img.alt='image';var a=el('a');a.href=m.fileUrl;a.target='_blank';a.appendChild(img);b.appendChild(a)}
	else{
		var label={image:'Image',voice:'Voice message',file:'File',video:'Video'}[m.kind]||'Message';
		var chip=el(m.fileUrl?'a':'span',label+(m.fileName?' · '+m.fileName:'')+(m.kind==='voice'&&m.text?' · “'+m.text+'”':''),'chip');
		if(m.fileUrl){chip.href=m.fileUrl;chip.setAttribute('download',m.fileName||(m.kind+(m.kind==='video'?'.mp4':'.bin')))}
		b.appendChild(chip);
	}
	return b;
}
function renderLog(){
	$('typing').hidden=!view.typing;
	$('chatTitle').textContent=view.bot?'The bot ('+view.bot.botId+')':'The bot (not bound yet)';
	var sig=view.chat.length+'|'+(view.bot?view.bot.botId:'');
	if(sig===shownSig)return;shownSig=sig;
	var log=$('log');log.textContent='';
	if(!view.chat.length)log.appendChild(el('div',view.bot?'No messages yet. Write one below: it reaches n8n as a message from you, the owner.':'Log in first (the card on the left), then write to the bot here.','sys'));
	view.chat.forEach(function(m){
		var refused=m.from==='bot'&&!m.delivered;
		var row=el('div',null,'row '+(m.from==='owner'?'out':'in')+(refused?' refused':''));
		row.appendChild(bubble(m));
		row.appendChild(el('div',when(m.at)+(m.from==='bot'?' · from n8n':'')+(refused?' · not delivered: '+(m.reason||'refused'):''),'meta'));
		log.appendChild(row);
	});
	log.scrollTop=log.scrollHeight;
}
function render(){
	var bot=view.bot;
	$('status').textContent=bot?(bot.stale?'bot session ended':'bot bound'+(bot.online?' · n8n listening':'')):'no bot bound';
	renderLogin();renderBudget();renderLog();
}
function refresh(){
	return api('phone').then(function(v){view=v;render()},function(e){$('status').textContent='sandbox unreachable: '+e.message});
}
function ready(){
	if(!view||!view.bot||view.bot.stale){$('sendResult').textContent='Log in first (the card on the left).';return false}
	return true;
}
function send(){
	var text=$('text').value;if(!text.trim()||!ready())return;
	api('owner-sends',{text:text}).then(function(){$('text').value='';$('sendResult').textContent='';refresh()},function(e){$('sendResult').textContent=e.message});
}
$('send').onclick=send;
$('text').onkeydown=function(e){if(e.key==='Enter'&&!e.shiftKey){e.preventDefault();send()}};
$('attach').onclick=function(){if(ready())$('file').click()};
$('file').onchange=function(){
	var f=$('file').files[0];if(!f)return;
	var r=new FileReader();
	r.onload=function(){
		var b64=String(r.result).split(',')[1]||'';
		var spec=/^image\\//.test(f.type)?{image:{bytes:b64}}:/^video\\//.test(f.type)?{video:{bytes:b64}}:{file:{bytes:b64,fileName:f.name}};
		api('owner-sends',spec).then(function(){$('file').value='';refresh()},function(e){$('sendResult').textContent=e.message});
	};
	r.readAsDataURL(f);
};
$('hour').onclick=act(function(){return api('clock/advance',{ms:3600000})});
$('pastWindow').onclick=act(function(){var b=view&&view.budget;if(!b||b.windowClosesAt==null)return Promise.resolve();return api('clock/advance',{ms:Math.max(0,b.windowClosesAt-view.now)+60000})});
// The Web route's phone: ?web=<port>, else the port below this one (npm start's layout).
var web=new URLSearchParams(location.search).get('web')||String(Number(location.port)-1);
if(/^\\d+$/.test(web)){var url=location.protocol+'//'+location.hostname+':'+web+'/__sim/';fetch(url,{mode:'no-cors'}).then(function(){$('webLink').href=url;$('webLink').hidden=false},function(){})}
refresh();setInterval(refresh,1000);
})();
</script></body></html>`;
