/**
 * The human page at `/__sim/` — "the phone": the login card in the order a
 * phone shows it (scan the code, then confirm), the chat list, and each chat as
 * a conversation with both directions (what you write, what the workflow
 * answers; media as thumbnails or file chips). Plain HTML and inline JS over
 * the control API; every text goes in through textContent; no external assets.
 */

export const PAGE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>WeChat sandbox — the phone</title>
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
.step .n{width:22px;height:22px;border-radius:50%;background:#07c160;color:#fff;display:inline-flex;align-items:center;justify-content:center;font-size:12px}
.step.off .n{background:#bbb}.step.off{color:#999}
button{background:#07c160;color:#fff;border:0;border-radius:4px;padding:6px 12px;cursor:pointer;font:inherit}
button:disabled{background:#bbb;cursor:default}button.grey{background:#999}
.chats{list-style:none;margin:0;padding:0}
.chats li{padding:10px 14px;border-bottom:1px solid #e6e6e6;cursor:pointer;display:flex;flex-direction:column}
.chats li.sel{background:#dedede}.chats .last{color:#888;font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.chats .tag{font-size:11px;color:#07c160;margin-left:4px}
section.chat{display:flex;flex-direction:column;min-height:0}
.title{padding:10px 16px;border-bottom:1px solid #d6d6d6;font-weight:600;background:#f5f5f5}
.log{flex:1;overflow:auto;padding:12px 16px}
.row{display:flex;margin:8px 0;flex-direction:column}
.row.out{align-items:flex-end}.row.in{align-items:flex-start}
.who2{font-size:11px;color:#888;margin:0 4px 2px}
.bubble{max-width:70%;padding:8px 11px;border-radius:6px;background:#fff;white-space:pre-wrap;word-break:break-word}
.row.out .bubble{background:#95ec69}
.bubble img{max-width:180px;max-height:180px;display:block;border-radius:4px}
.chip{display:inline-block;border:1px solid #ccc;border-left:4px solid #07c160;border-radius:4px;padding:6px 10px;background:#fafafa;font-size:13px}
.meta{font-size:11px;color:#999;margin:2px 4px}
.sys{align-self:center;font-size:12px;color:#888;background:#e2e2e2;border-radius:4px;padding:2px 8px}
.compose{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #d6d6d6;background:#f5f5f5;align-items:flex-end}
.compose textarea{flex:1;height:60px;resize:vertical;font:inherit;padding:6px;border:1px solid #ccc;border-radius:4px}
.compose select{max-width:140px}
.muted{color:#888}.err{color:#c00}
.tools{padding:4px 10px 10px;font-size:12px}.tools button{padding:3px 8px;font-size:12px}
</style></head><body>
<div class="phone">
<header><b>WeChat sandbox</b> the phone <a id="botLink" href="#" hidden title="The iLink route: your chat with the WeChat bot">the bot chat (iLink) →</a><span class="who" id="status">loading…</span></header>
<aside>
<div class="card" id="login"><h2>Login</h2><div id="loginBody" class="muted">…</div></div>
<ul class="chats" id="chats"></ul>
<div class="tools"><span class="muted">Phone:</span> <button id="activity" class="grey" title="Use WeChat on the phone (the web session hears about it)">Use the phone</button> <button id="logout" class="grey" title="Log the web session out from the phone">Log out the web session</button></div>
</aside>
<section class="chat">
<div class="title" id="chatTitle">Choose a chat</div>
<div class="log" id="log"></div>
<div class="compose"><select id="member" title="Who writes in the group" hidden></select><textarea id="text" placeholder="Write a message as this contact, Enter to send"></textarea><button id="send">Send</button></div>
<div class="meta" id="sendResult" style="padding:0 14px 6px"></div>
</section>
</div>
<script>
(function(){
var state=null,current=null,shownSig='';
function $(id){return document.getElementById(id)}
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e}
function api(path,body){
	return fetch('/__sim/api/'+path,{method:body?'POST':'GET',headers:{'Content-Type':'application/json'},body:body?JSON.stringify(body):undefined})
		.then(function(r){return r.json().then(function(j){if(!r.ok)throw new Error(j.error||r.status);return j})});
}
function act(fn){return function(){fn().then(refresh,function(e){$('sendResult').textContent=e.message})}}
function time(ms){return new Date(ms).toLocaleTimeString([], {hour:'2-digit',minute:'2-digit'})}
function step(n,text,on,btn){var d=el('div',null,'step'+(on?'':' off'));d.appendChild(el('span',String(n),'n'));d.appendChild(el('span',text));if(btn)d.appendChild(btn);return d}
function button(label,fn,enabled){var b=el('button',label);b.disabled=!enabled;b.onclick=act(fn);return b}
function renderLogin(){
	var body=$('loginBody');body.textContent='';body.className='';
	var open=state.pendingLogins.filter(function(l){return l.state==='waiting'||l.state==='scanned'});
	var ses=state.session;
	if(!open.length){
		body.className='muted';
		body.textContent=ses&&!ses.loggedOut?'Logged in as '+ses.nickName+'. Write to a chat below.':'No login is waiting. Activate a workflow that starts with the WeChat Web Trigger (the echo bot is active in npm start): its login appears here.';
		return;
	}
	var l=open[open.length-1];
	if(l.push){
		body.appendChild(el('div','n8n asks to log in again (no QR needed).'));
		body.appendChild(step(1,'Confirm the login',true,button('Confirm',function(){return api('confirm',{uuid:l.uuid})},true)));
	}else{
		body.appendChild(el('div','n8n shows a QR code for '+state.qrBase+l.uuid.slice(0,6)+'…'));
		body.appendChild(step(1,'Scan the QR code',l.state==='waiting',button('Scan',function(){return api('scan',{uuid:l.uuid})},l.state==='waiting')));
		body.appendChild(step(2,'Confirm the login',l.state==='scanned',button('Confirm',function(){return api('confirm',{uuid:l.uuid})},l.state==='scanned')));
	}
	body.appendChild(button('Cancel',function(){return api('cancel',{uuid:l.uuid})},true)).className='grey';
}
function chats(){return state.contacts.filter(function(c){return c.kind!=='special'})}
function lastOf(name){var ms=state.messages.filter(function(m){return m.chat===name});return ms[ms.length-1]}
function summary(m){if(!m)return'';if(m.kind==='text')return m.text||'';return'['+m.kind+']'+(m.fileName?' '+m.fileName:'')}
function renderChats(){
	var ul=$('chats');ul.textContent='';
	var list=chats();
	list.sort(function(a,b){var x=lastOf(a.nickName),y=lastOf(b.nickName);return(y?y.at:0)-(x?x.at:0)});
	if(!current&&list.length)current=list[0].nickName;
	list.forEach(function(c){
		var li=el('li',null,c.nickName===current?'sel':'');
		var name=el('span',c.remarkName||c.nickName);if(c.kind==='group')name.appendChild(el('span','group · '+c.members.length,'tag'));
		li.appendChild(name);li.appendChild(el('span',summary(lastOf(c.nickName)),'last'));
		li.onclick=function(){current=c.nickName;shownSig='';render()};
		ul.appendChild(li);
	});
}
function bubble(m){
	var b=el('div',null,'bubble');
	if(m.kind==='text')b.textContent=m.text||'';
	else if(m.thumbnail){var img=document.createElement('img');img.src=m.thumbnail;img.alt=m.fileName||'image';b.appendChild(img)}
	else{var label={image:'Image',file:'File',video:'Video',voice:'Voice message',sticker:'Sticker',link:'Link',card:'Contact card',location:'Location'}[m.kind]||'Message';b.appendChild(el('span',label+(m.fileName?' · '+m.fileName:''),'chip'))}
	return b;
}
function renderLog(){
	var c=chats().filter(function(x){return x.nickName===current})[0];
	$('chatTitle').textContent=c?(c.remarkName||c.nickName)+(c.kind==='group'?' ('+c.members.length+')':''):'Choose a chat';
	var isGroup=c&&c.kind==='group';var sel=$('member');sel.hidden=!isGroup;
	if(isGroup){var opts=c.members.filter(function(m){return!m.self});var sig=JSON.stringify(opts);if(sel.getAttribute('data-sig')!==sig){sel.setAttribute('data-sig',sig);sel.textContent='';opts.forEach(function(m){var o=el('option',m.displayName||m.nickName);o.value=m.nickName;sel.appendChild(o)})}}
	var ms=state.messages.filter(function(m){return m.chat===current});
	var sig=current+'|'+ms.length+'|'+ms.map(function(m){return m.revoked?1:0}).join('');
	if(sig===shownSig)return;shownSig=sig;
	var log=$('log');log.textContent='';
	if(!ms.length)log.appendChild(el('div','No messages yet. Write one below: it reaches n8n as a message from '+(c?(c.remarkName||c.nickName):'this contact')+'.','sys'));
	ms.forEach(function(m){
		if(m.kind==='system'){log.appendChild(el('div',m.text||'','sys'));return}
		var row=el('div',null,'row '+m.direction);
		if(isGroup||m.direction==='out')row.appendChild(el('div',m.direction==='out'?m.sender+' (you, from n8n)':m.sender,'who2'));
		row.appendChild(bubble(m));
		row.appendChild(el('div',time(m.at)+(m.revoked?' · recalled':''),'meta'));
		log.appendChild(row);
	});
	log.scrollTop=log.scrollHeight;
}
function render(){
	var ses=state.session;
	$('status').textContent=ses?(ses.nickName+(ses.loggedOut?' · logged out ('+ses.logoutCode+')':' · logged in'+(ses.desktop?' (desktop)':''))):'nobody logged in';
	renderLogin();renderChats();renderLog();
}
function refresh(){
	return api('state').then(function(s){state=s;render()},function(e){$('status').textContent='sandbox unreachable: '+e.message});
}
function send(){
	var c=chats().filter(function(x){return x.nickName===current})[0];
	var text=$('text').value;if(!c||!text.trim())return;
	if(!state.session||state.session.loggedOut){$('sendResult').textContent='Log in first (the login card on the left).';return}
	var spec=c.kind==='group'?{type:'text',group:c.nickName,from:$('member').value,text:text}:{type:'text',from:c.nickName,text:text};
	api('inject',spec).then(function(){$('text').value='';$('sendResult').textContent='';refresh()},function(e){$('sendResult').textContent=e.message});
}
$('send').onclick=send;
$('text').onkeydown=function(e){if(e.key==='Enter'&&!e.shiftKey){e.preventDefault();send()}};
$('activity').onclick=act(function(){return api('phoneActivity',{})});
$('logout').onclick=act(function(){return api('forceLogout',{retcode:1101})});
// The iLink route's bot chat (its own simulator): ?ilink=<port>, else the port above this one (npm start's layout).
var bot=new URLSearchParams(location.search).get('ilink')||String(Number(location.port)+1);
if(/^\\d+$/.test(bot)){var botUrl=location.protocol+'//'+location.hostname+':'+bot+'/__sim/';fetch(botUrl,{mode:'no-cors'}).then(function(){$('botLink').href=botUrl;$('botLink').hidden=false},function(){})}
refresh();setInterval(refresh,1000);
})();
</script></body></html>`;
